/* bench-api.c — the REST API under load
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* bench-api create: a 100,000-recipient batch uploaded as multipart CSV; prints the time
 * from sending the request to the 202 (goal: under 3 s).
 *
 * bench-api wrk: GET of the batch list and of a batch's detail under 64 concurrent loopback
 * connections, driven by wrk(1); prints requests/s and the latency percentiles. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cb-api.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define TOKEN       "bench-token"
#define N_UPLOAD    100000
#define N_BATCHES   50
#define N_DETAIL    1000

typedef struct
{
  CbStore  *store;
  CbEngine *engine;
  CbApi    *api;
  char     *url;
} Server;

static void
server_start (Server     *server,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path (name);

  server->store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (cb_store_set_setting (server->store, "default_region", "US", &error));
  server->engine = cb_engine_new (server->store, "127.0.0.1:0");
  server->api = cb_api_new (server->engine, TOKEN);
  g_assert_true (cb_engine_start (server->engine, &error));
  g_assert_no_error (error);
  server->url = g_strdup (cb_engine_get_url (server->engine));
}

static void
server_stop (Server *server)
{
  cb_engine_stop (server->engine);
  g_clear_object (&server->api);
  g_clear_object (&server->engine);
  g_clear_object (&server->store);
  g_clear_pointer (&server->url, g_free);
}

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Exchange;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

static gboolean
exchange_done (gpointer data)
{
  return ((Exchange *) data)->done;
}

static guint
send (SoupMessage  *msg,
      GBytes      **body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  Exchange exchange = { 0 };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &exchange);
  cb_test_wait_until (exchange_done, &exchange, 300);
  g_assert_no_error (exchange.error);
  *body = exchange.body;

  return soup_message_get_status (msg);
}

static char *
create_json (Server     *server,
             const char *name,
             guint       n)
{
  g_autofree char *url = g_strconcat (server->url, "/v1/agents/batch-calls", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"name\":\"%s\",\"agent_id\":\"agent_demo\",\"status\":\"draft\","
                                "\"recipients\":[", name);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"phone\":\"+1212%03u%04u\",\"dynamic_vars\":"
                                  "{\"first_name\":\"Name %u\",\"appointment\":\"May %u\"}}",
                            i > 0 ? "," : "", 200 + i / 10000, i % 10000, i, 1 + i % 28);
  g_string_append (json, "]}");
  request = g_string_free_to_bytes (json);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  g_assert_cmpuint (send (msg, &reply), ==, 202);
  node = json_from_string (g_bytes_get_data (reply, NULL), NULL);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "id"));
}

static int
bench_create (void)
{
  Server server = { 0 };
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;
  GString *text = g_string_new ("phone,first_name,appointment_date\n");
  gint64 start, elapsed;
  double cpu;
  guint status;

  for (guint i = 0; i < N_UPLOAD; i++)
    g_string_append_printf (text, "+1212%03u%04u,Name %u,2026-05-%02u 09:00\n",
                            200 + i / 10000, i % 10000, i, 1 + i % 28);
  csv = g_string_free_to_bytes (text);

  server_start (&server, "bench-create.db");
  url = g_strconcat (server.url, "/v1/agents/batch-calls", NULL);

  soup_multipart_append_form_string (multipart, "name", "Bench upload");
  soup_multipart_append_form_string (multipart, "agent_id", "agent_demo");
  soup_multipart_append_form_string (multipart, "status", "draft");
  soup_multipart_append_form_file (multipart, "csv_file", "leads.csv", "text/csv", csv);
  msg = soup_message_new_from_multipart (url, multipart);

  start = g_get_monotonic_time ();
  cpu = cb_test_process_cpu_seconds ();
  status = send (msg, &reply);
  elapsed = g_get_monotonic_time () - start;
  cpu = cb_test_process_cpu_seconds () - cpu;

  g_assert_cmpuint (status, ==, 202);
  node = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (json_node_get_object (node), "counters"),
                     "total"), ==, N_UPLOAD);

  printf ("create-100k: %u recipients, %.1f MB of CSV uploaded as multipart/form-data\n",
          N_UPLOAD, g_bytes_get_size (csv) / 1e6);
  printf ("create-100k: time to 202 %.3f s (goal < 3 s), %.0f recipients/s\n",
          elapsed / 1e6, N_UPLOAD / (elapsed / 1e6));
  printf ("create-100k: CPU time of client and server together %.3f s (the machine's load "
          "stretches the wall time, not this)\n", cpu);

  server_stop (&server);
  return 0;
}

typedef struct
{
  GSubprocess *process;
  char        *output;
  GError      *error;
  gboolean     done;
} Wrk;

static void
wrk_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wrk *wrk = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &wrk->output, NULL,
                                        &wrk->error);
  wrk->done = TRUE;
}

static gboolean
wrk_done (gpointer data)
{
  return ((Wrk *) data)->done;
}

/* Runs wrk while this process keeps serving on its main loop. */
static void
run_wrk (const char *label,
         const char *url)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  Wrk wrk = { 0 };
  double cpu = cb_test_process_cpu_seconds ();
  guint64 n_requests = 0;

  wrk.process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                  "wrk", "-t", "2", "-c", "64", "-d", "5s", "--latency",
                                  "-H", "Authorization: Bearer " TOKEN, url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (wrk.process, NULL, NULL, wrk_done_cb, &wrk);
  cb_test_wait_until (wrk_done, &wrk, 120);
  g_assert_no_error (wrk.error);
  g_assert_true (g_subprocess_get_successful (wrk.process));
  cpu = cb_test_process_cpu_seconds () - cpu;

  printf ("%s: wrk -t2 -c64 -d5s %s\n", label, url);
  lines = g_strsplit (wrk.output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "Requests/sec:") || g_str_has_prefix (line, "50%")
          || g_str_has_prefix (line, "90%") || g_str_has_prefix (line, "99%")
          || g_str_has_prefix (line, "Non-2xx") || g_str_has_prefix (line, "Socket errors")
          || strstr (line, "requests in") != NULL)
        printf ("%s:   %s\n", label, line);
      if (strstr (line, "requests in") != NULL)
        n_requests = g_ascii_strtoull (line, NULL, 10);
    }
  /* wrk shares the machine: the server's own CPU time per request says more. */
  if (n_requests > 0)
    printf ("%s:   server CPU %.3f s, %.2f ms per request\n", label, cpu,
            cpu * 1000.0 / n_requests);

  g_clear_object (&wrk.process);
  g_free (wrk.output);
}

static int
bench_wrk (void)
{
  Server server = { 0 };
  g_autofree char *detail_id = NULL;
  g_autofree char *list_url = NULL;
  g_autofree char *detail_url = NULL;
  g_autofree char *page_url = NULL;

  if (!g_find_program_in_path ("wrk"))
    {
      printf ("SKIP: wrk is not installed\n");
      return 77;
    }

  server_start (&server, "bench-wrk.db");
  for (guint i = 0; i < N_BATCHES - 1; i++)
    {
      g_autofree char *name = g_strdup_printf ("Batch %u", i);
      g_autofree char *id = create_json (&server, name, 20);
    }
  detail_id = create_json (&server, "Detail", N_DETAIL);

  list_url = g_strconcat (server.url, "/v1/agents/batch-calls", NULL);
  detail_url = g_strdup_printf ("%s/v1/agents/batch-calls/%s?recipients_limit=100",
                                server.url, detail_id);
  page_url = g_strdup_printf ("%s/v1/agents/batch-calls/%s", server.url, detail_id);

  printf ("list: %u batches, newest first (default page of %u)\n", N_BATCHES,
          CB_API_DEFAULT_LIST_LIMIT);
  run_wrk ("list", list_url);
  printf ("detail: a batch of %u recipients, page of 100\n", N_DETAIL);
  run_wrk ("detail", detail_url);
  printf ("detail-1000: the same batch, default page of %u\n", CB_API_DEFAULT_RECIPIENTS_LIMIT);
  run_wrk ("detail-1000", page_url);

  server_stop (&server);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

  if (argc > 1 && g_str_equal (argv[1], "create"))
    return bench_create ();
  if (argc > 1 && g_str_equal (argv[1], "wrk"))
    return bench_wrk ();

  g_printerr ("usage: bench-api create|wrk\n");
  return 2;
}
