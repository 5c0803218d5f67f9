/* test-engine-serve.c — `callboard-engine serve` killed with SIGKILL again and again
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/wait.h>

#include "cb-store-dialer.h"
#include "cb-test-util.h"

#define SIM_KEY    "test-sim-key-serve"
#define SIM_SPEED  "500"
#define N_ROWS     500
#define N_KILLS    12

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GPid
spawn (const char * const *args,
       const char * const *env_extra)
{
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  for (guint i = 0; env_extra != NULL && env_extra[i] != NULL; i += 2)
    env = g_environ_setenv (env, env_extra[i], env_extra[i + 1], TRUE);

  g_spawn_async (NULL, (char **) args, env,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  return pid;
}

static int
stop (GPid pid,
      int  signum)
{
  int status = 0;

  kill (pid, signum);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  return status;
}

static gboolean
wait_healthy (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 2, NULL);
  g_autofree char *healthz = g_strdup_printf ("%s/healthz", url);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", healthz);
      g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);

      if (bytes != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        return TRUE;
      g_usleep (20 * 1000);
    }

  return FALSE;
}

static void
test_kill_nine (void)
{
  const char *engine_bin = g_getenv ("CALLBOARD_ENGINE");
  g_autofree char *db = cb_test_tmp_path ("serve.db");
  g_autofree char *sim_listen = g_strdup_printf ("127.0.0.1:%u", free_port ());
  g_autofree char *engine_listen = g_strdup_printf ("127.0.0.1:%u", free_port ());
  g_autofree char *sim_url = g_strdup_printf ("http://%s", sim_listen);
  g_autofree char *engine_url = g_strdup_printf ("http://%s", engine_listen);
  g_autofree char *webhook_url = g_strdup_printf ("%s/webhooks/sim", engine_url);
  g_autofree char *batch_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  const char *sim_args[] = { engine_bin, "sim", "--listen", sim_listen, "--api-key", SIM_KEY,
                             "--webhook-url", webhook_url, "--speed", SIM_SPEED, "--seed", "3",
                             NULL };
  const char *serve_args[] = { engine_bin, "serve", "--db", db, "--listen", engine_listen,
                               "--sim-speed", SIM_SPEED, NULL };
  const char *serve_env[] = { "CALLBOARD_SIM_URL", sim_url, "CALLBOARD_SIM_KEY", SIM_KEY,
                              "CALLBOARD_KEYRING", "0", NULL };
  GPid sim;
  GPid serve;

  if (engine_bin == NULL)
    {
      g_test_skip ("CALLBOARD_ENGINE is not set");
      return;
    }

  /* The batch, made and started before any engine runs. */
  {
    g_autoptr(CbStore) store = cb_store_open (db, CB_STORE_FLAGS_NONE, &error);
    GString *csv = g_string_new ("phone\n");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(CbBatch) batch = NULL;
    CbBatchParams params = { 0 };

    g_assert_no_error (error);
    for (guint i = 0; i < N_ROWS; i++)
      g_string_append_printf (csv, "+1212202%04u\n", 1000 + i);
    bytes = g_string_free_to_bytes (csv);
    params.name = "Crash";
    params.agent_id = "agent_demo";
    params.max_retries = 0;
    params.retry_delay_s = 0;
    params.concurrency = 10;
    batch = cb_store_import_bytes (store, &params, bytes, "crash.csv", FALSE, NULL, NULL, &error);
    g_assert_no_error (error);
    batch_id = g_strdup (cb_batch_get_id (batch));
    g_assert_true (cb_store_dialer_set_status (store, batch_id, CB_BATCH_STATUS_PENDING, NULL,
                                               cb_store_now_ms (), &error));
    g_assert_true (cb_store_dialer_set_status (store, batch_id, CB_BATCH_STATUS_RUNNING, NULL,
                                               cb_store_now_ms (), &error));
  }

  sim = spawn (sim_args, NULL);
  g_assert_true (wait_healthy (sim_url));

  for (guint i = 0; i < N_KILLS; i++)
    {
      int status;

      serve = spawn (serve_args, serve_env);
      g_assert_true (wait_healthy (engine_url));
      g_usleep (g_rand_int_range (rand, 100, 700) * 1000);
      status = stop (serve, SIGKILL);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
    }

  /* A last run to the end. */
  serve = spawn (serve_args, serve_env);
  g_assert_true (wait_healthy (engine_url));
  {
    gint64 end = g_get_monotonic_time () + 150 * G_USEC_PER_SEC;
    gboolean done = FALSE;

    while (!done)
      {
        g_autoptr(CbStore) reader = cb_store_open (db, CB_STORE_FLAGS_READ_ONLY, &error);
        g_autoptr(CbBatch) batch = NULL;

        g_assert_no_error (error);
        batch = cb_store_get_batch (reader, batch_id, &error);
        g_assert_no_error (error);
        done = cb_batch_get_status (batch) == CB_BATCH_STATUS_COMPLETED;
        if (!done)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, end);
            g_usleep (200 * 1000);
          }
      }
  }
  g_assert_cmpint (stop (serve, SIGTERM), ==, 0);

  /* What the simulator was asked, against what the database says. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *calls_url = g_strdup_printf ("%s/sim/calls", sim_url);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", calls_url);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GHashTable) attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) called = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(CbStore) reader = cb_store_open (db, CB_STORE_FLAGS_READ_ONLY, &error);
    g_autoptr(GdaDataModel) model = NULL;
    CbBatchCounters c = { 0 };
    JsonArray *calls;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  "Bearer " SIM_KEY);
    bytes = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    root = json_from_string (g_bytes_get_data (bytes, NULL), &error);
    g_assert_no_error (error);
    calls = json_object_get_array_member (json_node_get_object (root), "calls");

    for (guint i = 0; i < json_array_get_length (calls); i++)
      {
        JsonObject *record = json_array_get_object_element (calls, i);
        JsonObject *metadata = json_object_get_object_member (record, "metadata");
        const char *attempt_id = json_object_get_string_member (metadata, "attempt_id");
        const char *recipient_id = json_object_get_string_member (metadata, "recipient_id");

        /* One create request per attempt. */
        g_assert_false (g_hash_table_contains (attempts, attempt_id));
        g_hash_table_add (attempts, g_strdup (attempt_id));

        /* max_retries 0: nobody called twice. */
        if (json_object_get_int_member (record, "http_status") == 201)
          {
            g_assert_false (g_hash_table_contains (called, recipient_id));
            g_hash_table_add (called, g_strdup (recipient_id));
          }
      }

    g_assert_no_error (error);
    g_assert_true (cb_store_get_batch_counters (reader, batch_id, &c, &error));
    g_assert_cmpuint (c.total, ==, N_ROWS);
    g_assert_cmpuint (c.pending + c.dialing, ==, 0);
    g_assert_cmpuint (c.completed + c.failed, ==, N_ROWS);
    g_assert_cmpuint (c.sent, ==, g_hash_table_size (called));

    model = cb_store_select (reader, &error,
                             "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND status IN ('completed', 'failed')",
                             "id", batch_id, NULL);
    g_assert_no_error (error);
    g_assert_cmpint (cb_store_model_get_int64 (model, 0, 0, -1), ==, N_ROWS);
    g_test_message ("%u create requests, %u calls placed, %u completed, %u failed",
                    json_array_get_length (calls), g_hash_table_size (called),
                    c.completed, c.failed);
  }

  stop (sim, SIGTERM);
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/engine/serve/kill-nine", test_kill_nine);

  return g_test_run ();
}
