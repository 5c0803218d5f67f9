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
#include "cb-signature.h"
#include "cb-store-private.h"
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

  f->path = cb_test_tmp_path (g_strdup_printf ("engine-%u.db", n++));
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
  g_error ("Timed out waiting");
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
  guint timeout = g_timeout_add_seconds (timeout_s, timeout_cb, NULL);

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

static gint64
count (Fixture    *f,
       const char *sql,
       const char *batch_id)
{
  g_autoptr(GdaDataModel) model = cb_store_select (f->store, NULL, sql, "id", batch_id, NULL);

  g_assert_nonnull (model);
  return cb_store_model_get_int64 (model, 0, 0, -1);
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

  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND provider_call_id IS NOT NULL", batch_id), ==, n_created);
  g_assert_cmpint (count (f, "SELECT sent FROM batches WHERE id = ##id::string", batch_id),
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
  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed'", batch_id), ==, c.completed);
  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'failed'", batch_id), ==, c.failed);
  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status IN ('pending', 'dialing')", batch_id), ==, 0);
  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'completed' AND outcome IS NULL", batch_id), ==, 0);
  g_assert_cmpuint (c.picked_up, ==, c.completed);
}

static void
test_thousand (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CbBatch) batch = create_batch (f, 1000, 200, 1, 0, NULL);
  const char *id = cb_batch_get_id (batch);
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_engine_start_batch (f->engine, id, &error));
  g_assert_no_error (error);
  wait_for_status (f, id, CB_BATCH_STATUS_COMPLETED, 120);

  assert_counters_add_up (f, id, 1000);
  assert_one_call_per_attempt (f, id);
  /* Retried rows have two attempts at most (max_retries 1). */
  g_assert_cmpint (count (f, "SELECT MAX (number) FROM attempts WHERE batch_id = ##id::string",
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
  g_assert_cmpint (count (f, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status = 'pending'", id), ==, 0);
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

  return g_test_run ();
}
