/* test-engine-dialer.c — the engine against the in-process simulator, over real HTTP
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-engine.h"
#include "cb-secrets.h"
#include "cb-signature.h"
#include "cb-store-private.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define SIM_KEY "test-sim-key-0123456789"

typedef struct
{
  CbStore  *store;
  CbEngine *engine;
  char     *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint n;

  {
    g_autofree char *name = g_strdup_printf ("engine-%u.db", n++);

    f->path = cb_test_tmp_path (name);
  }
  f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->engine = cb_engine_new (f->store, "127.0.0.1:0");
  cb_engine_set_sim_speed (f->engine, 2000);
  g_assert_true (cb_engine_start (f->engine, &error));
  g_assert_no_error (error);
  /* Quiet, predictable calls unless a test asks for faults. */
  g_object_set (cb_engine_get_sim_server (f->engine), "seed", (guint64) 7, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cb_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  g_free (f->path);
}

static char *
make_csv (guint n)
{
  GString *csv = g_string_new ("phone,first_name\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "+1212202%04u,Name %u\n", 1000 + i, i);

  return g_string_free (csv, FALSE);
}

static CbBatch *
create_batch (Fixture *f,
              guint    n,
              int      concurrency,
              int      max_retries,
              int      retry_delay_s,
              const char *call_window)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = make_csv (n);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&csv), strlen (csv));
  CbBatchParams params = { 0 };
  CbBatch *batch;

  params.name = "Test batch";
  params.agent_id = "agent_demo";
  params.timezone = "America/New_York";
  params.max_retries = max_retries;
  params.retry_delay_s = retry_delay_s;
  params.concurrency = concurrency;
  params.call_window = call_window;
  params.default_region = "US";

  batch = cb_store_import_bytes (f->store, &params, bytes, "test.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);

  return batch;
}

static CbBatchStatus
batch_status (Fixture    *f,
              const char *id)
{
  g_autoptr(CbBatch) batch = cb_store_get_batch (f->store, id, NULL);

  g_assert_nonnull (batch);
  return cb_batch_get_status (batch);
}

typedef struct
{
  Fixture      *f;
  const char   *id;
  CbBatchStatus status;
  GMainLoop    *loop;
} WaitStatus;

static gboolean
check_status_cb (gpointer data)
{
  WaitStatus *wait = data;

  if (batch_status (wait->f, wait->id) == wait->status)
    g_main_loop_quit (wait->loop);

  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer data)
{
  WaitStatus *wait = data;
  g_autoptr(CbBatch) batch = cb_store_get_batch (wait->f->store, wait->id, NULL);
  const CbBatchCounters *c = cb_batch_get_counters (batch);
  g_autoptr(GdaDataModel) attempts = cb_store_select (wait->f->store, NULL,
                                                      "SELECT recipient_id, number, http_status, outcome,"
                                                      " error, started_at, ended_at FROM attempts"
                                                      " ORDER BY started_at", NULL);

  gda_data_model_dump (attempts, stderr);
  g_error ("Timed out waiting for batch %s to be %s: it is %s (pause reason: %s), "
           "pending %u, dialing %u, completed %u, failed %u",
           wait->id, cb_batch_status_to_string (wait->status),
           cb_batch_status_to_string (cb_batch_get_status (batch)),
           cb_batch_get_pause_reason (batch), c->pending, c->dialing, c->completed, c->failed);
  return G_SOURCE_REMOVE;
}

static void
wait_for_status (Fixture       *f,
                 const char    *id,
                 CbBatchStatus  status,
                 guint          timeout_s)
{
  WaitStatus wait = { f, id, status, g_main_loop_new (NULL, FALSE) };
  guint check = g_timeout_add (20, check_status_cb, &wait);
  guint timeout = g_timeout_add_seconds (timeout_s, timeout_cb, &wait);

  if (batch_status (f, id) != status)
    g_main_loop_run (wait.loop);

  g_source_remove (check);
  g_source_remove (timeout);
  g_main_loop_unref (wait.loop);
}

static void
got_bytes_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  GBytes **out = data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

/* A request answered by a server on this main loop. */
static GBytes *
http_request (const char *method,
              const char *url,
              const char *header,
              const char *header_value,
              GBytes     *body,
              guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GBytes *bytes = NULL;

  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, header_value);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, got_bytes_cb, &bytes);
  while (bytes == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (status != NULL)
    *status = soup_message_get_status (msg);

  return bytes;
}

static JsonArray *
sim_calls (Fixture *f)
{
  g_autofree char *url = g_strdup_printf ("%s/sim/calls", cb_engine_get_sim_url (f->engine));
  g_autofree char *auth = g_strdup_printf ("Bearer %s", SIM_KEY);
  g_autoptr(GBytes) bytes = http_request ("GET", url, "Authorization", auth, NULL, NULL);
  g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (bytes, NULL), NULL);

  g_assert_nonnull (root);
  return json_array_ref (json_object_get_array_member (json_node_get_object (root), "calls"));
}

/* Every create request names an attempt of this batch, once; every attempt placed has one
 * created call. */
static void
assert_one_call_per_attempt (Fixture    *f,
                             const char *batch_id)
{
  g_autoptr(JsonArray) calls = sim_calls (f);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_created = 0;

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *record = json_array_get_object_element (calls, i);
      JsonObject *metadata = json_object_get_object_member (record, "metadata");
      const char *attempt_id;

      g_assert_nonnull (metadata);
      attempt_id = json_object_get_string_member (metadata, "attempt_id");
      g_assert_nonnull (attempt_id);
      g_assert_false (g_hash_table_contains (seen, attempt_id));
      g_hash_table_add (seen, (gpointer) attempt_id);
      if (json_object_get_int_member (record, "http_status") == 201)
        n_created++;
    }

  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND provider_call_id IS NOT NULL", batch_id), ==, n_created);
  g_assert_cmpint (cb_test_count (f->store, "SELECT sent FROM batches WHERE id = ##id::string", batch_id),
                   ==, n_created);
}

static void
assert_counters_add_up (Fixture    *f,
                        const char *batch_id,
                        guint       total)
{
  CbBatchCounters c = { 0 };

  g_assert_true (cb_store_get_batch_counters (f->store, batch_id, &c, NULL));
  g_assert_cmpuint (c.total, ==, total);
  g_assert_cmpuint (c.pending, ==, 0);
  g_assert_cmpuint (c.dialing, ==, 0);
  g_assert_cmpuint (c.completed + c.failed + c.cancelled, ==, total);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed'", batch_id), ==, c.completed);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'failed'", batch_id), ==, c.failed);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status IN ('pending', 'dialing')", batch_id), ==, 0);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed' AND outcome IS NULL", batch_id), ==, 0);
  g_assert_cmpuint (c.picked_up, ==, c.completed);
}

typedef struct
{
  guint       n_batch_changed;
  guint       n_recipients_changed;
  GHashTable *recipients;
} Signals;

static void
batch_changed_cb (CbEngine   *engine,
                  const char *batch_id,
                  Signals    *signals)
{
  signals->n_batch_changed++;
}

static void
recipients_changed_cb (CbEngine   *engine,
                       const char *batch_id,
                       GStrv       ids,
                       Signals    *signals)
{
  signals->n_recipients_changed++;
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (signals->recipients, g_strdup (ids[i]));
}

static void
test_thousand (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 1000, 200, 1, 0, NULL);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;
  Signals signals = { 0, 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed_ms;

  g_signal_connect (f->engine, "batch-changed", G_CALLBACK (batch_changed_cb), &signals);
  g_signal_connect (f->engine, "recipients-changed", G_CALLBACK (recipients_changed_cb), &signals);

  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_no_error (error);
  /* Generous: the sanitizers make everything several times slower. */
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 500);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  /* Let the last coalesced signals out. */
  {
    gint64 end = g_get_monotonic_time () + 250 * 1000;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_signal_handlers_disconnect_by_data (f->engine, &signals);

  /* Thousands of changes, told at most every 100 ms, and every row among them. */
  g_assert_cmpuint (signals.n_batch_changed, >=, 1);
  g_assert_cmpuint (signals.n_batch_changed, <=, elapsed_ms / CB_ENGINE_SIGNAL_INTERVAL_MS + 4);
  g_assert_cmpuint (signals.n_recipients_changed, <=, elapsed_ms / CB_ENGINE_SIGNAL_INTERVAL_MS + 4);
  g_assert_cmpuint (g_hash_table_size (signals.recipients), ==, 1000);
  g_hash_table_unref (signals.recipients);

  assert_counters_add_up (f, id, 1000);
  assert_one_call_per_attempt (f, id);
  /* Retried rows have two attempts at most (max_retries 1). */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COALESCE (MAX (number), 0) FROM attempts WHERE batch_id = ##id::string",
                          id), <=, 2);
}

static void
test_cancel_running (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 20, 1, 0, 0, NULL);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_false (cb_engine_cancel_batch (f->engine, id, &error));
  g_assert_error (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (cb_engine_pause_batch (f->engine, id, &error));
  g_assert_no_error (error);
  g_assert_true (cb_engine_cancel_batch (f->engine, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (batch_status (f, id), ==, CB_BATCH_STATUS_CANCELLED);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'pending'", id), ==, 0);
}

static void
set_outcomes (Fixture *f,
              double   answered,
              double   no_answer,
              double   busy)
{
  g_object_set (cb_engine_get_sim_server (f->engine),
                "answer-rate", answered,
                NULL);
  g_object_set (cb_engine_get_sim_server (f->engine),
                "no-answer-rate", no_answer,
                "busy-rate", busy,
                "failed-rate", 0.0,
                "voicemail-rate", 0.0,
                NULL);
}

/* Busy and no answer: tried again after retry_delay_s, up to max_retries. */
static void
test_retry_busy (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GdaDataModel) gaps = NULL;
  const char *id;

  set_outcomes (f, 0.0, 0.5, 0.5);
  batch = create_batch (f, 6, 6, 2, 1, NULL);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 60);

  assert_counters_add_up (f, id, 6);
  assert_one_call_per_attempt (f, id);
  /* Three attempts each (one and two retries), all failed, none connected. */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'failed' AND attempts = 3"
                             " AND outcome IN ('busy', 'no_answer')", id), ==, 6);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 18);
  /* Each retry started at least retry_delay_s after the attempt before it ended. */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts a JOIN attempts p"
                             " ON p.recipient_id = a.recipient_id AND p.number = a.number - 1"
                             " WHERE a.batch_id = ##id::string AND a.started_at < p.ended_at + 1000",
                          id), ==, 0);
}

/* 429 holds the account back, uses no retry, and the batch still completes. */
static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  const char *id;

  set_outcomes (f, 1.0, 0.0, 0.0);
  g_object_set (cb_engine_get_sim_server (f->engine), "rate-429", 0.3, NULL);
  batch = create_batch (f, 12, 4, 0, 0, NULL);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 90);

  assert_counters_add_up (f, id, 12);
  assert_one_call_per_attempt (f, id);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND http_status = 429 AND outcome = 'rate_limited'", id), >, 0);
  /* max_retries 0, yet every number was answered: a 429 is not an attempt that counts. */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed' AND attempts = 1", id), ==, 12);
}

/* A storm of 500s pauses the batch with a reason. */
static void
test_auto_pause (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) after = NULL;
  const char *id;

  g_object_set (cb_engine_get_sim_server (f->engine), "rate-500", 1.0, NULL);
  batch = create_batch (f, 100, 5, 2, 0, NULL);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_PAUSED, 60);

  after = cb_store_get_batch (f->store, id, NULL);
  g_assert_true (g_str_has_prefix (cb_batch_get_pause_reason (after),
                                   "Paused automatically: "));
  g_assert_nonnull (strstr (cb_batch_get_pause_reason (after), "within two minutes"));
  /* It stopped early: far fewer attempts than the 300 it could have burnt. */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   <, 40);
}

/* No webhook arrives: polling get-call fills every outcome in, once. */
static void
test_polling (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  const char *id;

  g_object_set (cb_engine_get_sim_server (f->engine), "drop-webhook-rate", 1.0, NULL);
  cb_dialer_set_poll_timeout (cb_engine_get_dialer (f->engine), 400);
  batch = create_batch (f, 40, 20, 0, 0, NULL);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 60);

  assert_counters_add_up (f, id, 40);
  assert_one_call_per_attempt (f, id);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND outcome IS NOT NULL AND ended_at IS NOT NULL", id), ==, 40);
  /* Each call's end was stored once, as call_ended, though nothing was POSTed. */
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM webhook_inbox WHERE event_key LIKE 'call_ended:%'"
                             " AND ##id::string IS NOT NULL", id), ==, 40);
}

/* The provider refuses the key: the batch pauses at once, saying so, and no retry is used. */
static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) after = NULL;
  const char *id;

  g_object_set (cb_engine_get_sim_server (f->engine), "api-key", "a-key-the-engine-does-not-have",
                NULL);
  batch = create_batch (f, 10, 1, 2, 0, NULL);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_PAUSED, 30);

  after = cb_store_get_batch (f->store, id, NULL);
  g_assert_true (g_str_has_prefix (cb_batch_get_pause_reason (after),
                                   "Paused: the provider account “Simulator” refused its API key "
                                   "(HTTP 401: "));
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'pending' AND attempts = 0", id), ==, 10);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND http_status = 401", id), ==, 1);
}

typedef struct
{
  Fixture    *f;
  const char *id;
  gint64      expected;
} AnalyzedWait;

/* call_analyzed is the simulator's last webhook of a call: once each call's is stored, no
 * webhook of the batch is still on its way. */
#define ANALYZED_SQL \
  "SELECT COUNT (*) FROM webhook_inbox WHERE event_key IN" \
  " (SELECT 'call_analyzed:' || provider_call_id FROM attempts" \
  "  WHERE batch_id = ##id::string AND provider_call_id IS NOT NULL)"

static gboolean
all_analyzed (gpointer data)
{
  AnalyzedWait *wait = data;

  return cb_test_count (wait->f->store, ANALYZED_SQL, wait->id) == wait->expected;
}

/* A key changed while running, as Preferences does it: stored in the keyring, then
 * cb_engine_forget_provider_account(). The next call is placed with the new key and the
 * webhooks signed with it are accepted, without a restart. */
static void
test_key_changed (Fixture       *f,
                  gconstpointer  data)
{
  CbSimServer *sim = cb_engine_get_sim_server (f->engine);
  const char *scope = cb_store_get_uri (f->store);
  g_autoptr(CbBatch) first = NULL;
  g_autoptr(CbBatch) second = NULL;
  g_autoptr(CbBatch) paused = NULL;
  g_autoptr(GError) error = NULL;
  AnalyzedWait wait = { f, NULL, 5 };

  /* The key from the keyring, as for any account, not from the environment. */
  g_unsetenv ("CALLBOARD_SIM_KEY");
  g_assert_true (cb_secrets_store (scope, "provider:pa_sim", "old-key-0123456789", &error));
  g_assert_no_error (error);
  g_object_set (sim, "api-key", "old-key-0123456789", NULL);
  cb_engine_forget_provider_account (f->engine, "pa_sim");

  first = create_batch (f, 5, 1, 0, 0, NULL);
  g_assert_true (cb_engine_start_batch (f->engine, cb_batch_get_id (first), NULL));
  wait_for_status (f, cb_batch_get_id (first), CB_BATCH_STATUS_COMPLETED, 60);
  wait.id = cb_batch_get_id (first);
  cb_test_wait_until (all_analyzed, &wait, 60);

  /* The key changes at the provider and in the keyring: the engine still holds the old
   * one, the provider refuses it and the batch pauses. */
  g_assert_true (cb_secrets_store (scope, "provider:pa_sim", "new-key-9876543210", &error));
  g_assert_no_error (error);
  g_object_set (sim, "api-key", "new-key-9876543210", NULL);
  second = create_batch (f, 5, 1, 0, 0, NULL);
  g_assert_true (cb_engine_start_batch (f->engine, cb_batch_get_id (second), NULL));
  wait_for_status (f, cb_batch_get_id (second), CB_BATCH_STATUS_PAUSED, 30);
  paused = cb_store_get_batch (f->store, cb_batch_get_id (second), NULL);
  g_assert_true (g_str_has_prefix (cb_batch_get_pause_reason (paused),
                                   "Paused: the provider account “Simulator” refused its API key "
                                   "(HTTP 401: "));

  /* Told of the change, the engine reads the key again: every call is placed, and every
   * webhook verified. */
  cb_engine_forget_provider_account (f->engine, "pa_sim");
  g_assert_true (cb_engine_resume_batch (f->engine, cb_batch_get_id (second), &error));
  g_assert_no_error (error);
  wait_for_status (f, cb_batch_get_id (second), CB_BATCH_STATUS_COMPLETED, 60);
  wait.id = cb_batch_get_id (second);
  cb_test_wait_until (all_analyzed, &wait, 60);

  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND http_status = 401", cb_batch_get_id (second)), ==, 1);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND outcome IS NOT NULL AND ended_at IS NOT NULL",
                          cb_batch_get_id (second)), ==, 5);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE http_status = 401"
                             " AND batch_id = ##id::string", cb_batch_get_id (first)), ==, 0);

  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);
  cb_test_init (&argc, &argv);

  g_test_add ("/engine/dialer/thousand", Fixture, NULL, fixture_setup, test_thousand,
              fixture_teardown);
  g_test_add ("/engine/dialer/cancel-running", Fixture, NULL, fixture_setup, test_cancel_running,
              fixture_teardown);

  g_test_add ("/engine/dialer/retry-busy", Fixture, NULL, fixture_setup, test_retry_busy,
              fixture_teardown);
  g_test_add ("/engine/dialer/rate-limited", Fixture, NULL, fixture_setup, test_rate_limited,
              fixture_teardown);
  g_test_add ("/engine/dialer/auto-pause", Fixture, NULL, fixture_setup, test_auto_pause,
              fixture_teardown);
  g_test_add ("/engine/dialer/polling", Fixture, NULL, fixture_setup, test_polling,
              fixture_teardown);

  g_test_add ("/engine/dialer/unauthorized", Fixture, NULL, fixture_setup, test_unauthorized,
              fixture_teardown);
  g_test_add ("/engine/dialer/key-changed", Fixture, NULL, fixture_setup, test_key_changed,
              fixture_teardown);

  return g_test_run ();
}
