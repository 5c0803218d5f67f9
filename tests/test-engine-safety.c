/* test-engine-safety.c — what the dialer must never do: dial a number on the do-not-call
 * list, dial for a batch that lost its agent or caller ID, dial a call twice after its
 * answer was lost, or forget a failing provider across a restart
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-engine.h"
#include "cb-provider-retell.h"
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

static CbEngine *
start_engine (CbStore *store)
{
  g_autoptr(GError) error = NULL;
  CbEngine *engine = cb_engine_new (store, "127.0.0.1:0");

  cb_engine_set_sim_speed (engine, 2000);
  g_assert_true (cb_engine_start (engine, &error));
  g_assert_no_error (error);
  g_object_set (cb_engine_get_sim_server (engine), "seed", (guint64) 7, NULL);

  return engine;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint n;
  g_autofree char *name = g_strdup_printf ("safety-%u.db", n++);

  f->path = cb_test_tmp_path (name);
  f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->engine = start_engine (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->engine != NULL)
    cb_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  g_free (f->path);
}

static CbBatch *
create_batch (Fixture *f,
              guint    n,
              int      concurrency,
              int      max_retries)
{
  g_autoptr(GError) error = NULL;
  GString *csv = g_string_new ("phone,first_name\n");
  g_autoptr(GBytes) bytes = NULL;
  CbBatchParams params = { 0 };
  CbBatch *batch;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "+1212202%04u,Name %u\n", 1000 + i, i);
  bytes = g_string_free_to_bytes (csv);

  params.name = "Safety";
  params.agent_id = "agent_demo";
  params.timezone = "America/New_York";
  params.max_retries = max_retries;
  params.retry_delay_s = 0;
  params.concurrency = concurrency;
  params.default_region = "US";

  batch = cb_store_import_bytes (f->store, &params, bytes, "safety.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);

  return batch;
}

typedef struct
{
  Fixture       *f;
  const char    *id;
  CbBatchStatus  status;
} WaitStatus;

static gboolean
has_status (gpointer data)
{
  WaitStatus *wait = data;
  g_autoptr(CbBatch) batch = cb_store_get_batch (wait->f->store, wait->id, NULL);

  return batch != NULL && cb_batch_get_status (batch) == wait->status;
}

static void
wait_for_status (Fixture       *f,
                 const char    *id,
                 CbBatchStatus  status,
                 guint          timeout_s)
{
  WaitStatus wait = { f, id, status };

  cb_test_wait_until (has_status, &wait, timeout_s);
}

/* GET /sim/calls of the engine's simulator. */
static JsonArray *
sim_calls (const char *sim_url)
{
  g_autofree char *url = g_strdup_printf ("%s/sim/calls", sim_url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", SIM_KEY);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  /* The in-process simulator answers from its own thread: a blocking request is fine. */
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  root = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);

  return json_array_ref (json_object_get_array_member (json_node_get_object (root), "calls"));
}

/* Every create request the simulator received names a different attempt of the batch. */
static guint
assert_one_request_per_attempt (Fixture    *f,
                                const char *batch_id)
{
  g_autoptr(JsonArray) calls = sim_calls (cb_engine_get_sim_url (f->engine));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = json_array_get_length (calls);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *metadata = json_object_get_object_member (json_array_get_object_element (calls, i),
                                                            "metadata");
      const char *attempt_id = json_object_get_string_member (metadata, "attempt_id");

      g_assert_cmpstr (json_object_get_string_member (metadata, "batch_id"), ==, batch_id);
      g_assert_false (g_hash_table_contains (seen, attempt_id));
      g_hash_table_add (seen, (gpointer) attempt_id);
    }

  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string",
                          batch_id), ==, n);
  return n;
}

typedef struct
{
  Fixture    *f;
  const char *sql;
  const char *id;
  gint64      at_least;
} WaitCount;

static gboolean
count_reached (gpointer data)
{
  WaitCount *wait = data;

  return cb_test_count (wait->f->store, wait->sql, wait->id) >= wait->at_least;
}

/* A call found by its metadata is recorded as sent when the lookup answers, which may be
 * after its webhooks completed the batch. */
static void
wait_for_sent (Fixture    *f,
               const char *id,
               gint64      n)
{
  WaitCount wait = { f, "SELECT sent FROM batches WHERE id = ##id::string", id, n };

  cb_test_wait_until (count_reached, &wait, 60);
}

/* A number put on the do-not-call list after the batch started is not dialled: it ends
 * failed with outcome "suppressed", without an attempt, and the simulator never saw it. */
static void
test_suppressed_after_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 6, 1, 0);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdaDataModel) row = NULL;
  g_autoptr(JsonArray) calls = NULL;
  WaitCount first = { f, "SELECT sent FROM batches WHERE id = ##id::string", id, 1 };

  /* Calls that last a while, one at a time: the last number is far from its turn. */
  g_object_set (cb_engine_get_sim_server (f->engine), "answer-rate", 1.0,
                "min-duration", 60, "max-duration", 60, NULL);
  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_no_error (error);
  cb_test_wait_until (count_reached, &first, 30);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts a JOIN recipients r"
                             " ON r.id = a.recipient_id WHERE r.batch_id = ##id::string"
                             " AND r.phone = '+12122021005'", id), ==, 0);

  g_assert_true (cb_store_add_suppression (f->store, "+1 212-202-1005", "Asked not to be called",
                                           &error));
  g_assert_no_error (error);
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 60);

  row = cb_store_select (f->store, &error,
                         "SELECT status, outcome, error, attempts FROM recipients"
                         " WHERE batch_id = ##id::string AND phone = '+12122021005'",
                         "id", id, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (row), ==, 1);
  g_assert_cmpstr (cb_store_model_get_string (row, 0, 0), ==, "failed");
  g_assert_cmpstr (cb_store_model_get_string (row, 1, 0), ==, "suppressed");
  g_assert_cmpstr (cb_store_model_get_string (row, 2, 0), ==, "The number is on the do-not-call list");
  g_assert_cmpint (cb_store_model_get_int64 (row, 3, 0, -1), ==, 0);

  /* The other five were called once each; the suppressed one never. */
  calls = sim_calls (cb_engine_get_sim_url (f->engine));
  g_assert_cmpuint (json_array_get_length (calls), ==, 5);
  for (guint i = 0; i < json_array_get_length (calls); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, i),
                                                    "to_number"), !=, "+12122021005");
  g_assert_cmpuint (assert_one_request_per_attempt (f, id), ==, 5);
  g_assert_cmpint (cb_test_count (f->store, "SELECT failed FROM batches WHERE id = ##id::string", id), ==, 1);
  g_assert_cmpint (cb_test_count (f->store, "SELECT completed FROM batches WHERE id = ##id::string", id), ==, 5);
}

static void
assert_failed_without_dialling (Fixture    *f,
                                const char *id,
                                const char *error_text)
{
  g_autoptr(CbBatch) after = NULL;
  g_autoptr(JsonArray) calls = NULL;

  wait_for_status (f, id, CB_BATCH_STATUS_FAILED, 30);
  after = cb_store_get_batch (f->store, id, NULL);
  g_assert_cmpstr (cb_batch_get_error (after), ==, error_text);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 0);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'pending' AND attempts = 0", id), ==, 4);
  calls = sim_calls (cb_engine_get_sim_url (f->engine));
  g_assert_cmpuint (json_array_get_length (calls), ==, 0);
}

/* The batch's agent disappeared before its first dial (deleted behind the engine's back):
 * the batch fails, saying why, and nobody is called. */
static void
test_agent_deleted (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 4, 2, 0);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (f->store, &error, "DELETE FROM agents WHERE id = 'agent_demo'",
                                  NULL), ==, 1);
  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_no_error (error);

  assert_failed_without_dialling (f, id, "The batch’s agent no longer exists");
}

/* The same for its caller ID. */
static void
test_phone_number_deleted (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 4, 2, 0);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (f->store, &error, "DELETE FROM phone_numbers WHERE id = 'pn_demo'",
                                  NULL), ==, 1);
  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_no_error (error);

  assert_failed_without_dialling (f, id, "The batch has no caller ID: its phone number was deleted");
}

/* Creates answered after the engine stopped waiting: each call was placed, so each attempt
 * is matched with its call by metadata, never dialled again. */
static void
test_timeout_reconciled (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  const char *id;

  /* Calls of about two seconds, answered after two and a half, given up on after one:
   * each attempt is still open when the engine stops waiting. */
  cb_engine_set_provider_timeout (f->engine, 1);
  g_object_set (cb_engine_get_sim_server (f->engine), "answer-rate", 1.0,
                "min-duration", 4000, "max-duration", 4000,
                "slow-rate", 1.0, "slow-delay", 2500, NULL);
  batch = create_batch (f, 4, 4, 2);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 60);
  wait_for_sent (f, id, 4);

  g_assert_cmpuint (assert_one_request_per_attempt (f, id), ==, 4);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed' AND attempts = 1"
                             " AND provider_call_id IS NOT NULL", id), ==, 4);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND provider_call_id IS NOT NULL AND outcome IS NOT NULL", id), ==, 4);
  g_assert_cmpint (cb_test_count (f->store, "SELECT sent FROM batches WHERE id = ##id::string", id), ==, 4);
}

/* The provider places the call and the connection closes before its answer, often on a
 * keep-alive connection used before: libsoup must not send the create again, and the
 * dialer finds the call by its metadata. */
static void
test_dropped_connection (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(JsonArray) calls = NULL;
  guint n_dropped = 0;
  const char *id;

  g_object_set (cb_engine_get_sim_server (f->engine), "answer-rate", 1.0,
                "drop-connection-rate", 0.3, NULL);
  batch = create_batch (f, 12, 1, 2);
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 90);
  wait_for_sent (f, id, 12);

  g_assert_cmpuint (assert_one_request_per_attempt (f, id), ==, 12);
  calls = sim_calls (cb_engine_get_sim_url (f->engine));
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *record = json_array_get_object_element (calls, i);

      if (json_object_get_boolean_member_with_default (record, "connection_dropped", FALSE))
        {
          g_autoptr(GdaDataModel) model = NULL;

          n_dropped++;
          model = cb_store_select (f->store, NULL,
                                   "SELECT provider_call_id FROM attempts WHERE id = ##id::string",
                                   "id", json_object_get_string_member (json_object_get_object_member (record, "metadata"),
                                                                        "attempt_id"),
                                   NULL);
          g_assert_cmpstr (cb_store_model_get_string (model, 0, 0), ==,
                           json_object_get_string_member (record, "call_id"));
        }
    }
  g_assert_cmpuint (n_dropped, >=, 2);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed' AND attempts = 1", id), ==, 12);
  g_assert_cmpint (cb_test_count (f->store, "SELECT sent FROM batches WHERE id = ##id::string", id), ==, 12);
}

typedef struct
{
  char   *call_id;
  GError *error;
  gboolean done;
} PlaceResult;

static void
placed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  PlaceResult *place = data;

  place->call_id = cb_provider_place_call_finish (CB_PROVIDER (object), result, &place->error);
  place->done = TRUE;
}

static void
place (CbProvider  *provider,
       const char  *to,
       PlaceResult *result)
{
  g_autoptr(JsonObject) metadata = json_object_new ();

  json_object_set_string_member (metadata, "attempt_id", to);
  cb_provider_place_call_async (provider, "+14155550100", to, NULL, NULL, metadata, NULL,
                                placed_cb, result);
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Straight at the provider client: a create whose reused keep-alive connection closes
 * before any answer fails as a network error that may have reached the provider, and
 * reaches the provider once. */
static void
test_create_not_resent (void)
{
  g_autoptr(CbSimServer) sim = cb_sim_server_new (SIM_KEY);
  g_autoptr(CbProvider) provider = NULL;
  g_autoptr(JsonArray) calls = NULL;
  g_autoptr(GError) error = NULL;
  PlaceResult first = { 0 };
  PlaceResult second = { 0 };
  PlaceResult third = { 0 };

  g_object_set (sim, "seed", (guint64) 3, "speed", 1000.0, NULL);
  g_assert_true (cb_sim_server_listen_in_thread (sim, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  provider = cb_provider_retell_new (cb_sim_server_get_url (sim), SIM_KEY);

  place (provider, "+12122020001", &first);
  g_assert_no_error (first.error);
  g_assert_nonnull (first.call_id);

  /* Same connection, kept alive; this time the answer is lost. */
  g_object_set (sim, "drop-connection-rate", 1.0, NULL);
  place (provider, "+12122020002", &second);
  g_assert_null (second.call_id);
  g_assert_error (second.error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NETWORK);
  g_assert_true (cb_provider_error_may_have_reached (second.error));

  g_object_set (sim, "drop-connection-rate", 0.0, NULL);
  place (provider, "+12122020003", &third);
  g_assert_no_error (third.error);

  /* Three requests, one each: the dropped one was not sent again. */
  calls = sim_calls (cb_sim_server_get_url (sim));
  g_assert_cmpuint (json_array_get_length (calls), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 1),
                                                  "to_number"), ==, "+12122020002");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (calls, 1),
                                                 "connection_dropped"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 2),
                                                  "to_number"), ==, "+12122020003");

  g_free (first.call_id);
  g_free (third.call_id);
  g_clear_error (&second.error);
}

/* Nothing listens: the request never left, which the error says, so it may be retried. */
static void
test_create_unsent (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(CbProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  PlaceResult result = { 0 };

  /* A port that was free a moment ago and that nothing listens on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  provider = cb_provider_retell_new (url, SIM_KEY);
  place (provider, "+12122020001", &result);
  g_assert_error (result.error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NETWORK);
  g_assert_false (cb_provider_error_may_have_reached (result.error));
  g_clear_error (&result.error);
}

/* A provider failing every create, the engine restarted before the tenth failure: the
 * batch still pauses once ten attempts of the last two minutes failed, not ten more. */
static void
test_auto_pause_survives_restart (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *failures = "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                         " AND http_status = 500";
  WaitCount some;
  gint64 before_restart;
  const char *id;

  g_object_set (cb_engine_get_sim_server (f->engine), "rate-500", 1.0, NULL);
  batch = create_batch (f, 40, 1, 5);
  id = cb_batch_get_id (batch);
  some = (WaitCount) { f, failures, id, 5 };
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  cb_test_wait_until (count_reached, &some, 30);
  cb_engine_stop (f->engine);
  g_clear_object (&f->engine);

  before_restart = cb_test_count (f->store, failures, id);
  g_assert_cmpint (before_restart, >=, 5);
  g_assert_cmpint (before_restart, <, 10);
  g_assert_cmpint (cb_batch_get_status (after = cb_store_get_batch (f->store, id, &error)), ==,
                   CB_BATCH_STATUS_RUNNING);
  g_clear_object (&after);

  f->engine = start_engine (f->store);
  g_object_set (cb_engine_get_sim_server (f->engine), "rate-500", 1.0, NULL);
  wait_for_status (f, id, CB_BATCH_STATUS_PAUSED, 30);

  after = cb_store_get_batch (f->store, id, NULL);
  g_assert_true (g_str_has_prefix (cb_batch_get_pause_reason (after),
                                   "Paused automatically: 10 of the last 10 calls failed at the "
                                   "provider within two minutes (last error: "));
  g_assert_cmpint (cb_test_count (f->store, failures, id), ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);
  cb_test_init (&argc, &argv);

  g_test_add ("/engine/safety/suppressed-after-start", Fixture, NULL, fixture_setup,
              test_suppressed_after_start, fixture_teardown);
  g_test_add ("/engine/safety/agent-deleted", Fixture, NULL, fixture_setup,
              test_agent_deleted, fixture_teardown);
  g_test_add ("/engine/safety/phone-number-deleted", Fixture, NULL, fixture_setup,
              test_phone_number_deleted, fixture_teardown);
  g_test_add ("/engine/safety/timeout-reconciled", Fixture, NULL, fixture_setup,
              test_timeout_reconciled, fixture_teardown);
  g_test_add ("/engine/safety/dropped-connection", Fixture, NULL, fixture_setup,
              test_dropped_connection, fixture_teardown);
  g_test_add_func ("/engine/safety/create-not-resent", test_create_not_resent);
  g_test_add_func ("/engine/safety/create-unsent", test_create_unsent);
  g_test_add ("/engine/safety/auto-pause-survives-restart", Fixture, NULL, fixture_setup,
              test_auto_pause_survives_restart, fixture_teardown);

  return g_test_run ();
}
