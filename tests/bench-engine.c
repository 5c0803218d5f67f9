/* bench-engine.c — the engine's speed: calls placed per second, webhooks ingested per second
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "cb-engine.h"
#include "cb-signature.h"
#include "cb-store-dialer.h"
#include "cb-store-private.h"
#include "cb-test-util.h"

#define SIM_KEY "bench-sim-key"

static CbBatch *
create_batch (CbStore *store,
              guint    n,
              int      concurrency)
{
  g_autoptr(GError) error = NULL;
  GString *csv = g_string_new ("phone\n");
  g_autoptr(GBytes) bytes = NULL;
  CbBatchParams params = { 0 };
  CbBatch *batch;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "+1%03u202%04u\n", 212 + (i / 9000) * 100 % 700, 1000 + i % 9000);
  bytes = g_string_free_to_bytes (csv);

  params.name = "Bench";
  params.agent_id = "agent_demo";
  params.max_retries = 0;
  params.retry_delay_s = 0;
  params.concurrency = concurrency;
  batch = cb_store_import_bytes (store, &params, bytes, "bench.csv", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);

  return batch;
}

typedef struct
{
  CbStore           *store;
  CbWebhookReceiver *receiver;
  const char        *batch_id;
  guint              n;
  gint64             first_us;
  gint64             last_us;
  gboolean           done;
} DispatchWatch;

/* Looks at the counters every 20 ms rather than after each main loop iteration, so the
 * measure hardly pays for its own queries (at most 20 ms too late in runs of seconds), and
 * not while a group of webhook events is written: it would wait for the store meanwhile,
 * and the engine with it. */
static gboolean
dispatch_watch_cb (gpointer data)
{
  DispatchWatch *watch = data;
  CbBatchCounters c = { 0 };

  if (cb_webhook_receiver_is_writing (watch->receiver))
    return G_SOURCE_CONTINUE;

  g_assert_true (cb_store_get_batch_counters (watch->store, watch->batch_id, &c, NULL));
  if (watch->first_us == 0 && c.sent > 0)
    watch->first_us = g_get_monotonic_time ();
  if (c.sent >= watch->n)
    {
      watch->last_us = g_get_monotonic_time ();
      watch->done = TRUE;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* Calls placed per second to the in-process simulator, 200 at a time. */
static void
bench_dispatch (guint n)
{
  g_autofree char *path = cb_test_tmp_path ("dispatch.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(CbStore) store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_autoptr(CbEngine) engine = NULL;
  g_autoptr(CbBatch) batch = NULL;
  DispatchWatch watch = { 0 };
  double loads[3] = { 0 };
  double cpu_start, cpu_end;
  gint64 start;

  g_assert_no_error (error);
  engine = cb_engine_new (store, "127.0.0.1:0");
  cb_engine_set_sim_speed (engine, 100000);
  g_assert_true (cb_engine_start (engine, &error));
  batch = create_batch (store, n, 200);
  watch.store = store;
  watch.receiver = cb_engine_get_webhook_receiver (engine);
  watch.batch_id = cb_batch_get_id (batch);
  watch.n = cb_batch_get_counters (batch)->total;

  cpu_start = cb_test_process_cpu_seconds ();
  start = g_get_monotonic_time ();
  g_assert_true (cb_engine_start_batch (engine, cb_batch_get_id (batch), &error));
  g_timeout_add (20, dispatch_watch_cb, &watch);
  while (!watch.done)
    g_main_context_iteration (NULL, TRUE);
  cpu_end = cb_test_process_cpu_seconds ();
  getloadavg (loads, 3);

  printf ("dispatch: %u calls placed in %.2f s with concurrency 200: %.0f calls/s "
          "(first call after %.0f ms)\n",
          watch.n, (watch.last_us - start) / 1e6, watch.n / ((watch.last_us - start) / 1e6),
          (watch.first_us - start) / 1e3);
  printf ("dispatch: CPU %.2f s (%.0f µs a call, engine and simulator together); "
          "load average %.2f %.2f %.2f\n",
          cpu_end - cpu_start, 1e6 * (cpu_end - cpu_start) / watch.n,
          loads[0], loads[1], loads[2]);
  {
    g_autoptr(GdaDataModel) model = cb_store_select (store, NULL,
                                                     "SELECT CAST (AVG (ended_at - started_at) AS TEXT),"
                                                     " CAST (MAX (ended_at - started_at) AS TEXT)"
                                                     " FROM attempts WHERE ended_at IS NOT NULL",
                                                     NULL);

    printf ("dispatch: from claim to outcome: %s ms on average, %s ms at most\n",
            cb_store_model_get_string (model, 0, 0), cb_store_model_get_string (model, 1, 0));
  }
  cb_engine_stop (engine);
}

typedef struct
{
  GMainLoop *loop;
  GString   *out;
} Wrk;

static void
wrk_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  Wrk *wrk = data;
  g_autofree char *out = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &out, NULL, NULL);
  g_string_append (wrk->out, out != NULL ? out : "");
  g_main_loop_quit (wrk->loop);
}

/* Runs wrk against @url for @seconds with 64 connections; returns its output. */
static char *
run_wrk (const char *url,
         const char *script,
         const char *events,
         guint       seconds)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = g_strdup_printf ("%us", seconds);
  Wrk wrk = { g_main_loop_new (NULL, FALSE), g_string_new (NULL) };

  g_subprocess_launcher_setenv (launcher, "BENCH_EVENTS", events != NULL ? events : "", TRUE);
  g_subprocess_launcher_setenv (launcher, "BENCH_THREADS", "1", TRUE);
  if (script != NULL)
    process = g_subprocess_launcher_spawn (launcher, &error, "wrk", "-t1", "-c64", "-d", duration,
                                           "-s", script, url, NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, &error, "wrk", "-t1", "-c64", "-d", duration,
                                           url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, wrk_done_cb, &wrk);
  g_main_loop_run (wrk.loop);
  g_main_loop_unref (wrk.loop);

  return g_string_free (wrk.out, FALSE);
}

static double
requests_per_s (const char *out)
{
  const char *line = strstr (out, "Requests/sec:");

  return line != NULL ? g_ascii_strtod (line + strlen ("Requests/sec:"), NULL) : 0;
}

static void
bare_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"status\":\"ok\"}", 15);
}

/* Signed call_ended events verified, stored and applied per second, from wrk with 64
 * connections, against a bare SoupServer answering 200 on the same machine. */
static void
bench_webhooks (guint n)
{
  g_autofree char *path = cb_test_tmp_path ("webhooks.db");
  g_autofree char *events = cb_test_tmp_path ("events.txt");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "bench-engine-webhooks.lua", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbStore) store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_autoptr(CbEngine) engine = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(SoupServer) bare = NULL;
  g_autofree char *out = NULL;
  g_autofree char *bare_out = NULL;
  g_autofree char *bare_post_out = NULL;
  g_autofree char *url = NULL;
  GString *lines = g_string_new (NULL);
  CbWebhookReceiver *receiver;
  guint accepted, duplicates, rejected;
  gint64 ts = g_get_real_time () / 1000;
  guint claimed = 0;
  double rps, bare_rps, bare_post_rps;
  double cpu_start, cpu, bare_cpu, bare_post_cpu;
  double main_start, main_cpu;
  double loads[3] = { 0 };
  GSList *uris;

  g_assert_no_error (error);
  engine = cb_engine_new (store, "127.0.0.1:0");
  g_assert_true (cb_engine_start (engine, &error));
  batch = create_batch (store, n, 200);

  /* Every recipient claimed (the batch stays pending, so the dialer leaves it alone), and a
   * signed call_ended for each attempt. */
  g_assert_true (cb_store_dialer_set_status (store, cb_batch_get_id (batch), CB_BATCH_STATUS_PENDING,
                                             NULL, cb_store_now_ms (), &error));
  while (claimed < cb_batch_get_counters (batch)->total)
    {
      g_autoptr(GPtrArray) claims = cb_store_dialer_claim (store, cb_batch_get_id (batch), 100,
                                                           cb_store_now_ms (), NULL, NULL, NULL,
                                                           NULL, &error);

      g_assert_no_error (error);
      if (claims->len == 0)
        break;
      for (guint i = 0; i < claims->len; i++)
        {
          CbDialClaim *claim = g_ptr_array_index (claims, i);
          g_autofree char *body = NULL;
          g_autofree char *sig = NULL;
          g_autoptr(GBytes) bytes = NULL;

          body = g_strdup_printf ("{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_%s\","
                                  "\"call_type\":\"phone_call\",\"agent_id\":\"agent_demo\","
                                  "\"call_status\":\"ended\",\"from_number\":\"+14155550100\","
                                  "\"to_number\":\"%s\",\"direction\":\"outbound\","
                                  "\"metadata\":{\"batch_id\":\"%s\",\"recipient_id\":\"%s\","
                                  "\"attempt_id\":\"%s\"},\"start_timestamp\":%" G_GINT64_FORMAT ","
                                  "\"end_timestamp\":%" G_GINT64_FORMAT ",\"duration_ms\":60000,"
                                  "\"disconnection_reason\":\"user_hangup\","
                                  "\"transcript\":\"Agent: Hello.\\nUser: Hi.\"}}",
                                  claim->attempt_id, claim->phone, claim->batch_id,
                                  claim->recipient_id, claim->attempt_id, ts - 60000, ts);
          bytes = g_bytes_new (body, strlen (body));
          sig = cb_signature_retell_sign (SIM_KEY, bytes, ts);
          g_string_append_printf (lines, "%s\t%s\n", sig, body);
        }
      claimed += claims->len;
    }
  g_assert_true (g_file_set_contents (events, lines->str, lines->len, NULL));
  g_string_free (lines, TRUE);

  url = g_strdup_printf ("%s/webhooks/sim", cb_engine_get_url (engine));
  cpu_start = cb_test_process_cpu_seconds ();
  main_start = cb_test_thread_cpu_seconds ();
  out = run_wrk (url, script, events, 8);
  main_cpu = cb_test_thread_cpu_seconds () - main_start;
  cpu = cb_test_process_cpu_seconds () - cpu_start;
  getloadavg (loads, 3);
  receiver = cb_engine_get_webhook_receiver (engine);
  accepted = cb_webhook_receiver_get_n_accepted (receiver);
  duplicates = cb_webhook_receiver_get_n_duplicates (receiver);
  rejected = cb_webhook_receiver_get_n_rejected (receiver);
  rps = requests_per_s (out);
  cb_engine_stop (engine);

  bare = soup_server_new (NULL, NULL);
  soup_server_add_handler (bare, NULL, bare_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (bare, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (bare);
  {
    g_autofree char *bare_url = g_uri_to_string (uris->data);

    cpu_start = cb_test_process_cpu_seconds ();
    bare_out = run_wrk (bare_url, NULL, NULL, 8);
    bare_cpu = cb_test_process_cpu_seconds () - cpu_start;
    /* The same signed POSTs, read and answered 200 without a look at them. */
    cpu_start = cb_test_process_cpu_seconds ();
    bare_post_out = run_wrk (bare_url, script, events, 8);
    bare_post_cpu = cb_test_process_cpu_seconds () - cpu_start;
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  bare_rps = requests_per_s (bare_out);
  bare_post_rps = requests_per_s (bare_post_out);

  printf ("webhooks: %.0f signed call_ended events/s verified, stored and applied "
          "(64 connections, 8 s: %u accepted, %u of them repeats, %u refused; %u events prepared)\n",
          rps, accepted, duplicates, rejected, claimed);
  printf ("webhooks: bare SoupServer answering 200: %.0f requests/s (the ceiling); engine at %.0f%%\n",
          bare_rps, bare_rps > 0 ? 100.0 * rps / bare_rps : 0);
  printf ("webhooks: bare SoupServer answering 200 to the same signed POSTs: %.0f requests/s; "
          "engine at %.0f%%\n",
          bare_post_rps, bare_post_rps > 0 ? 100.0 * rps / bare_post_rps : 0);
  /* The server's own CPU time (wrk is another process), which the load of the machine
   * inflates less than the rates. */
  printf ("webhooks: server CPU %.2f s (%.0f µs an event, %.0f µs of them on the main loop); "
          "bare %.0f µs a GET, %.0f µs a POST; load average %.2f %.2f %.2f\n",
          cpu, accepted > 0 ? 1e6 * cpu / accepted : 0,
          accepted > 0 ? 1e6 * main_cpu / accepted : 0,
          bare_rps > 0 ? 1e6 * bare_cpu / (bare_rps * 8) : 0,
          bare_post_rps > 0 ? 1e6 * bare_post_cpu / (bare_post_rps * 8) : 0,
          loads[0], loads[1], loads[2]);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);
  cb_test_init (&argc, &argv);
  /* Debug messages would be printed as test comments: not while measuring. */
  g_log_set_debug_enabled (FALSE);

  if (argc < 2 || g_str_equal (argv[1], "dispatch"))
    bench_dispatch (argc > 2 ? atoi (argv[2]) : 10000);
  if (argc < 2 || g_str_equal (argv[1], "webhooks"))
    bench_webhooks (argc > 2 ? atoi (argv[2]) : 60000);

  return 0;
}
