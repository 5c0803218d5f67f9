/* test-api.c — the REST API over real HTTP on loopback
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cb-api.h"
#include "cb-schedule.h"
#include "cb-store-private.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define TOKEN "test-token-0123456789"

typedef struct
{
  CbStore  *store;
  CbEngine *engine;
  CbApi    *api;
  char     *path;
  char     *url;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  static guint n;

  name = g_strdup_printf ("api-%u.db", n++);
  f->path = cb_test_tmp_path (name);
  f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (cb_store_set_setting (f->store, "default_region", "US", &error));
  f->engine = cb_engine_new (f->store, "127.0.0.1:0");
  cb_engine_set_sim_speed (f->engine, 1000);
  f->api = cb_api_new (f->engine, TOKEN);
  g_assert_true (cb_engine_start (f->engine, &error));
  g_assert_no_error (error);
  g_object_set (cb_engine_get_sim_server (f->engine), "seed", (guint64) 11, NULL);
  f->url = g_strdup (cb_engine_get_url (f->engine));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cb_engine_stop (f->engine);
  g_clear_object (&f->api);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  g_free (f->path);
  g_free (f->url);
}

/* HTTP helpers */

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

static CbTestResponse *
send_message (SoupMessage *msg)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  CbTestResponse *response;
  Exchange exchange = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &exchange);
  cb_test_wait_until (exchange_done, &exchange, 60);
  g_assert_no_error (exchange.error);

  response = g_new0 (CbTestResponse, 1);
  response->status = soup_message_get_status (msg);
  response->body = exchange.body;
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return response;
}

/* @headers: name/value pairs, NULL-terminated. */
static CbTestResponse *
request (Fixture            *f,
         const char         *method,
         const char         *path,
         const char * const *headers,
         const char         *content_type,
         const char         *body)
{
  g_autofree char *url = g_strconcat (f->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i],
                                  headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  return send_message (msg);
}

static CbTestResponse *
api (Fixture    *f,
     const char *method,
     const char *path,
     const char *body)
{
  const char *headers[] = { "Authorization", "Bearer " TOKEN, NULL };

  return request (f, method, path, headers, "application/json", body);
}

static CbTestResponse *
upload (Fixture            *f,
        const char * const *fields,
        const char         *file_name,
        GBytes             *file)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autofree char *url = g_strconcat (f->url, "/v1/agents/batch-calls", NULL);
  g_autoptr(SoupMessage) msg = NULL;

  for (guint i = 0; fields != NULL && fields[i] != NULL; i += 2)
    soup_multipart_append_form_string (multipart, fields[i], fields[i + 1]);
  if (file != NULL)
    soup_multipart_append_form_file (multipart, "csv_file", file_name,
                                     "application/octet-stream", file);

  msg = soup_message_new_from_multipart (url, multipart);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);

  return send_message (msg);
}

static GBytes *
fixture_bytes (const char *name)
{
  g_autofree char *path = cb_test_data_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_bytes (mapped);
}

static JsonObject *
json_object (CbTestResponse *response,
             JsonNode      **keep)
{
  *keep = cb_test_response_json (response);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

/* Asserts an error reply: status, code, and the message when given. */
static void
assert_error (CbTestResponse *response,
              guint           status,
              const char     *code,
              const char     *message)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *error;

  if (response->status != status)
    g_printerr ("%s\n", cb_test_response_text (response));
  g_assert_cmpuint (response->status, ==, status);
  error = json_object_get_object_member (json_object (response, &node), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_true (json_object_has_member (error, "details"));
  if (message != NULL)
    g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, message);
}

static char *
error_field (CbTestResponse *response)
{
  g_autoptr(JsonNode) node = cb_test_response_json (response);
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");
  JsonObject *details = json_object_get_object_member (error, "details");

  return g_strdup (json_object_get_string_member (details, "field"));
}

/* Batches and recipients in the database, to check that a failed request changed nothing. */
static guint64
count_batches (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdaDataModel) batches = cb_store_select (f->store, &error,
                                                     "SELECT COUNT(*) FROM batches",
                                                     NULL);
  g_autoptr(GdaDataModel) recipients = cb_store_select (f->store, &error,
                                                        "SELECT COUNT(*) FROM recipients",
                                                        NULL);

  g_assert_no_error (error);
  return ((guint64) cb_store_model_get_int64 (batches, 0, 0, 0) << 32)
         | (guint64) cb_store_model_get_int64 (recipients, 0, 0, 0);
}

static char *
create_ok (Fixture    *f,
           const char *body)
{
  g_autoptr(CbTestResponse) response = api (f, "POST", "/v1/agents/batch-calls", body);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  if (response->status != SOUP_STATUS_ACCEPTED)
    g_printerr ("%s\n", cb_test_response_text (response));
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  object = json_object (response, &node);
  g_assert_false (json_object_has_member (object, "recipients"));

  return g_strdup (json_object_get_string_member (object, "id"));
}

static JsonNode *
get_batch (Fixture    *f,
           const char *id,
           const char *query)
{
  g_autofree char *path = g_strdup_printf ("/v1/agents/batch-calls/%s%s", id,
                                           query != NULL ? query : "");
  g_autoptr(CbTestResponse) response = api (f, "GET", path, NULL);

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  return cb_test_response_json (response);
}

static const char *
batch_status (JsonNode *node)
{
  return json_object_get_string_member (json_node_get_object (node), "status");
}

static gint64
counter (JsonNode   *node,
         const char *name)
{
  JsonObject *counters = json_object_get_object_member (json_node_get_object (node), "counters");

  return json_object_get_int_member (counters, name);
}

/* Auth */

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  const char *wrong[] = { "Authorization", "Bearer not-the-token", NULL };
  const char *basic[] = { "Authorization", "Basic " TOKEN, NULL };
  const char *lower[] = { "Authorization", "bearer " TOKEN, NULL };
  const char *zudu_ok[] = { "X-API-KEY", TOKEN, "X-API-SECRET", TOKEN, NULL };
  const char *zudu_half[] = { "X-API-KEY", TOKEN, "X-API-SECRET", "nope", NULL };
  const char *zudu_bearer[] = { "Authorization", "Bearer " TOKEN, NULL };
  const char *unauthorized = "Send the API token as “Authorization: Bearer TOKEN” "
                             "(callboard-engine token prints it).";
  CbTestResponse *r;

  r = request (f, "GET", "/v1/agents", NULL, NULL, NULL);
  assert_error (r, 401, "unauthorized", unauthorized);
  g_assert_cmpstr (cb_test_response_text (r), ==,
                   "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Send the API token as "
                   "“Authorization: Bearer TOKEN” (callboard-engine token prints it).\","
                   "\"details\":null}}");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "WWW-Authenticate"), ==, "Bearer");
  cb_test_response_free (r);

  r = request (f, "GET", "/v1/agents", wrong, NULL, NULL);
  assert_error (r, 401, "unauthorized", unauthorized);
  cb_test_response_free (r);

  r = request (f, "GET", "/v1/agents", basic, NULL, NULL);
  assert_error (r, 401, "unauthorized", NULL);
  cb_test_response_free (r);

  r = request (f, "GET", "/v1/agents", lower, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  cb_test_response_free (r);

  /* Every route, even unknown ones, asks for the token first. */
  r = request (f, "GET", "/v1/nothing-here", NULL, NULL, NULL);
  assert_error (r, 401, "unauthorized", NULL);
  cb_test_response_free (r);
  r = request (f, "POST", "/create-batch-call", NULL, "application/json", "{}");
  assert_error (r, 401, "unauthorized", NULL);
  cb_test_response_free (r);

  /* /healthz needs none. */
  r = request (f, "GET", "/healthz", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  cb_test_response_free (r);

  /* Zudu: both headers, in its own wrapper; Bearer alone is not enough there. */
  r = request (f, "POST", "/batch-call", zudu_half, "application/json", "{}");
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (cb_test_response_text (r), ==,
                   "{\"message\":\"Batch call was not created\",\"status\":\"error\","
                   "\"error\":\"Send the API token in both X-API-KEY and X-API-SECRET.\","
                   "\"data\":null}");
  cb_test_response_free (r);

  r = request (f, "POST", "/batch-call", zudu_bearer, "application/json", "{}");
  g_assert_cmpuint (r->status, ==, 401);
  cb_test_response_free (r);

  r = request (f, "POST", "/batch-call", zudu_ok, "application/json", "{}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (cb_test_response_text (r), ==,
                   "{\"message\":\"Batch call was not created\",\"status\":\"error\","
                   "\"error\":\"from_number is required\",\"data\":null}");
  cb_test_response_free (r);
}

static void
test_catalog (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CbTestResponse) agents = api (f, "GET", "/v1/agents", NULL);
  g_autoptr(CbTestResponse) numbers = api (f, "GET", "/v1/phone-numbers", NULL);
  g_autoptr(CbTestResponse) post = api (f, "POST", "/v1/agents", "{}");
  g_autoptr(JsonNode) a = NULL, n = NULL;
  JsonObject *agent, *number;

  g_assert_cmpuint (agents->status, ==, 200);
  agent = json_array_get_object_element (json_object_get_array_member (json_object (agents, &a),
                                                                       "agents"), 0);
  g_assert_cmpstr (json_object_get_string_member (agent, "id"), ==, "agent_demo");
  g_assert_cmpstr (json_object_get_string_member (agent, "name"), ==, "Demo agent");
  g_assert_cmpstr (json_object_get_string_member (agent, "default_phone_number_id"), ==, "pn_demo");
  g_assert_cmpstr (json_object_get_string_member (agent, "default_from_number"), ==,
                   "+14155550100");
  g_assert_false (json_object_has_member (agent, "webhook_secret"));

  g_assert_cmpuint (numbers->status, ==, 200);
  number = json_array_get_object_element (
    json_object_get_array_member (json_object (numbers, &n), "phone_numbers"), 0);
  g_assert_cmpstr (json_object_get_string_member (number, "id"), ==, "pn_demo");
  g_assert_cmpstr (json_object_get_string_member (number, "number"), ==, "+14155550100");

  assert_error (post, 405, "method_not_allowed",
                "POST is not allowed on /v1/agents; use GET, HEAD");
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET, HEAD");
}

static void
test_routes (Fixture       *f,
             gconstpointer  data)
{
  CbTestResponse *r;

  r = api (f, "GET", "/v1/agents/batch-calls/batch_0000/frobnicate", NULL);
  assert_error (r, 404, "not_found",
                "There is nothing at /v1/agents/batch-calls/batch_0000/frobnicate");
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls/batch_0000", NULL);
  assert_error (r, 404, "not_found", "There is no batch “batch_0000”");
  cb_test_response_free (r);

  r = api (f, "POST", "/v1/agents/batch-calls/batch_0000/cancel", NULL);
  assert_error (r, 404, "not_found", "There is no batch “batch_0000”");
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls/batch_0000/cancel", NULL);
  assert_error (r, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Allow"), ==, "POST");
  cb_test_response_free (r);

  r = api (f, "DELETE", "/v1/agents/batch-calls", NULL);
  assert_error (r, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Allow"), ==, "GET, HEAD, POST");
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls/batch_0000/report.csv", NULL);
  assert_error (r, 404, "not_found", NULL);
  cb_test_response_free (r);

  r = api (f, "GET", "/create-batch-call", NULL);
  assert_error (r, 405, "method_not_allowed", NULL);
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls/sample.csv", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "text/csv");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Content-Disposition"), ==,
                   "attachment; filename=sample.csv");
  g_assert_true (g_str_has_prefix (cb_test_response_text (r),
                                   "phone,first_name,appointment_date\n+1 415 555 0100,Ada,"));
  cb_test_response_free (r);
}

/* Create with JSON */

static void
test_create_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CbTestResponse) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *id = NULL;
  JsonObject *object, *validation, *vars;
  JsonArray *recipients;

  r = api (f, "POST", "/v1/agents/batch-calls",
           "{\"name\":\"Reminders\",\"agent_id\":\"agent_demo\",\"status\":\"draft\","
           "\"timezone\":\"America/New_York\",\"max_retries\":1,\"concurrency\":3,"
           "\"retry_delay_s\":60,"
           "\"call_window\":{\"windows\":[{\"start\":540,\"end\":1200}],\"days\":[\"monday\"]},"
           "\"recipients\":["
           "{\"phone\":\"+12122021000\",\"dynamic_vars\":{\"first_name\":\"Alice\",\"n\":7}},"
           "{\"phone\":\"(212) 202-1001\",\"dynamic_vars\":{\"last\":\" Bob \"},\"max_retries\":4},"
           "{\"phone\":\"+12122021002\"}]}");
  g_assert_cmpuint (r->status, ==, 202);
  object = json_object (r, &node);
  id = g_strdup (json_object_get_string_member (object, "id"));
  g_assert_true (g_str_has_prefix (id, "batch_"));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Reminders");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "draft");
  g_assert_cmpstr (json_object_get_string_member (object, "agent_id"), ==, "agent_demo");
  g_assert_cmpstr (json_object_get_string_member (object, "phone_number_id"), ==, "pn_demo");
  g_assert_cmpstr (json_object_get_string_member (object, "from_number"), ==, "+14155550100");
  g_assert_cmpstr (json_object_get_string_member (object, "timezone"), ==, "America/New_York");
  g_assert_cmpint (json_object_get_int_member (object, "max_retries"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "retry_delay_s"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (object, "concurrency"), ==, 3);
  g_assert_true (json_object_get_null_member (object, "scheduled_at"));
  g_assert_true (json_object_get_null_member (object, "started_at"));
  g_assert_nonnull (json_object_get_string_member (object, "created_at"));
  g_assert_cmpint (counter (node, "total"), ==, 3);
  g_assert_cmpint (counter (node, "pending"), ==, 3);
  g_assert_cmpint (counter (node, "sent"), ==, 0);
  {
    g_autofree char *window = json_to_string (json_object_get_member (object, "call_window"), FALSE);
    g_assert_cmpstr (window, ==, "{\"windows\":[{\"start\":540,\"end\":1200}],\"days\":[\"Monday\"]}");
  }
  validation = json_object_get_object_member (object, "validation");
  {
    g_autofree char *text = json_to_string (json_object_get_member (object, "validation"), FALSE);
    g_assert_cmpstr (text, ==,
                     "{\"file\":\"recipients\",\"rows\":3,\"valid\":3,\"invalid\":0,"
                     "\"columns\":[\"phone\",\"first_name\",\"n\",\"last\"],"
                     "\"phone_column\":\"phone\",\"groups\":[]}");
  }
  g_assert_nonnull (validation);

  /* The detail: rows are positions in the list; variables and max_retries as sent. */
  detail = get_batch (f, id, NULL);
  recipients = json_object_get_array_member (json_node_get_object (detail), "recipients");
  g_assert_cmpuint (json_array_get_length (recipients), ==, 3);
  object = json_array_get_object_element (recipients, 0);
  g_assert_cmpint (json_object_get_int_member (object, "row"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "phone"), ==, "+12122021000");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "pending");
  g_assert_true (json_object_get_null_member (object, "max_retries"));
  vars = json_object_get_object_member (object, "dynamic_vars");
  g_assert_cmpuint (json_object_get_size (vars), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (vars, "first_name"), ==, "Alice");
  g_assert_cmpstr (json_object_get_string_member (vars, "n"), ==, "7");
  object = json_array_get_object_element (recipients, 1);
  g_assert_cmpint (json_object_get_int_member (object, "row"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "phone"), ==, "+12122021001");
  g_assert_cmpstr (json_object_get_string_member (object, "raw_phone"), ==, "(212) 202-1001");
  g_assert_cmpint (json_object_get_int_member (object, "max_retries"), ==, 4);
  vars = json_object_get_object_member (object, "dynamic_vars");
  g_assert_cmpuint (json_object_get_size (vars), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (vars, "last"), ==, " Bob ");
  object = json_array_get_object_element (recipients, 2);
  g_assert_cmpint (json_object_get_int_member (object, "row"), ==, 3);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "dynamic_vars")),
                    ==, 0);
  g_assert_true (json_object_has_member (object, "provider_call_id"));
  g_assert_true (json_object_has_member (object, "disconnection_reason"));
  g_assert_true (json_object_has_member (object, "next_attempt_at"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (detail), "recipients_offset"),
                   ==, 0);
  g_assert_true (json_object_get_null_member (json_node_get_object (detail),
                                              "recipients_next_offset"));
}

static gboolean
batch_finished (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  const char *id = ((gpointer *) data)[1];
  g_autoptr(CbBatch) batch = cb_store_get_batch (f->store, id, NULL);

  return batch != NULL && cb_batch_status_is_terminal (cb_batch_get_status (batch));
}

static void
wait_finished (Fixture    *f,
               const char *id)
{
  gpointer data[2] = { f, (gpointer) id };

  cb_test_wait_until (batch_finished, data, 60);
}

/* The call_window of a batch created through the API, as JSON text ("null" for none). */
static char *
create_call_window (Fixture    *f,
                    const char *call_window)
{
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  char *window;

  body = g_strdup_printf ("{\"name\":\"Window\",\"agent_id\":\"agent_demo\","
                          "\"status\":\"draft\",%s%s%s\"recipients\":"
                          "[{\"phone\":\"+12122021000\"}]}",
                          call_window != NULL ? "\"call_window\":" : "",
                          call_window != NULL ? call_window : "",
                          call_window != NULL ? "," : "");
  id = create_ok (f, body);

  /* What the API shows is what the batch keeps. */
  node = get_batch (f, id, NULL);
  window = json_to_string (json_object_get_member (json_node_get_object (node), "call_window"),
                           FALSE);
  batch = cb_store_get_batch (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_batch_get_call_window (batch), ==,
                   g_str_equal (window, "null") ? NULL : window);

  return window;
}

/* A batch created without call_window gets the "default_call_window" setting that
 * Preferences writes; its own call_window wins; a bad setting is ignored, with a warning. */
static void
test_create_default_window (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *window;

  /* No setting: no window. */
  window = create_call_window (f, NULL);
  g_assert_cmpstr (window, ==, "null");
  g_free (window);

  /* Kept in its canonical form: days in week order. */
  g_assert_true (cb_store_set_setting (f->store, "default_call_window",
                                       "{\"windows\":[{\"start\":600,\"end\":900}],"
                                       "\"days\":[\"Tuesday\",\"monday\"],"
                                       "\"timezone\":\"recipient\"}", &error));
  g_assert_no_error (error);
  window = create_call_window (f, NULL);
  g_assert_cmpstr (window, ==,
                   "{\"windows\":[{\"start\":600,\"end\":900}],"
                   "\"days\":[\"Monday\",\"Tuesday\"],\"timezone\":\"recipient\"}");
  g_free (window);

  window = create_call_window (f, "{\"windows\":[{\"start\":540,\"end\":1200}],"
                                  "\"timezone\":\"Europe/Berlin\"}");
  g_assert_cmpstr (window, ==,
                   "{\"windows\":[{\"start\":540,\"end\":1200}],"
                   "\"timezone\":\"Europe/Berlin\"}");
  g_free (window);

  /* Invalid settings: the batch is made without a window. */
  {
    const char *bad[] = {
      "{\"windows\":[{\"start\":600,\"end\":1500}]}",
      "{\"days\":[\"Someday\"]}",
      "{\"timezone\":\"Mars/Olympus\"}",
      "[540,1200]",
      "{oops",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *pattern = g_strdup_printf ("Ignoring the setting default_call_window "
                                                    "“%s”: *", bad[i]);

        g_assert_true (cb_store_set_setting (f->store, "default_call_window", bad[i], &error));
        g_assert_no_error (error);
        g_test_expect_message ("callboard-api", G_LOG_LEVEL_WARNING, pattern);
        window = create_call_window (f, NULL);
        g_test_assert_expected_messages ();
        g_assert_cmpstr (window, ==, "null");
        g_free (window);
      }
  }

  /* Blank: no window, and nothing to warn of. */
  g_assert_true (cb_store_set_setting (f->store, "default_call_window", " ", &error));
  window = create_call_window (f, NULL);
  g_assert_cmpstr (window, ==, "null");
  g_free (window);
}

static void
test_create_starts (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *id = create_ok (f, "{\"name\":\"Now\",\"agent_id\":\"agent_demo\",\"max_retries\":0,"
                                      "\"recipients\":[{\"phone\":\"+12122021000\"},"
                                      "{\"phone\":\"+12122021001\"}]}");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CbTestResponse) csv = NULL;
  g_autoptr(CbTestResponse) xlsx = NULL;
  g_autofree char *csv_path = NULL, *xlsx_path = NULL;

  node = get_batch (f, id, NULL);
  g_assert_cmpstr (batch_status (node), !=, "draft");
  g_clear_pointer (&node, json_node_unref);

  wait_finished (f, id);
  node = get_batch (f, id, NULL);
  g_assert_cmpstr (batch_status (node), ==, "completed");
  g_assert_cmpint (counter (node, "completed") + counter (node, "failed"), ==, 2);
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (node), "finished_at"));

  {
    g_autofree char *cancel = g_strdup_printf ("/v1/agents/batch-calls/%s/cancel", id);
    g_autoptr(CbTestResponse) refused = api (f, "POST", cancel, NULL);

    assert_error (refused, 409, "batch_completed", "A completed batch cannot be cancelled.");
  }

  /* Reports */
  csv_path = g_strdup_printf ("/v1/agents/batch-calls/%s/report.csv", id);
  csv = api (f, "GET", csv_path, NULL);
  g_assert_cmpuint (csv->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (csv->headers, NULL), ==, "text/csv");
  g_assert_cmpstr (soup_message_headers_get_one (csv->headers, "Content-Disposition"), ==,
                   "attachment; filename=Now-report.csv");
  g_assert_nonnull (strstr (cb_test_response_text (csv), "+12122021001"));

  xlsx_path = g_strdup_printf ("/v1/agents/batch-calls/%s/report.xlsx", id);
  xlsx = api (f, "GET", xlsx_path, NULL);
  g_assert_cmpuint (xlsx->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (xlsx->headers, NULL), ==,
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  g_assert_cmpstr (soup_message_headers_get_one (xlsx->headers, "Content-Disposition"), ==,
                   "attachment; filename=Now-report.xlsx");
  g_assert_true (g_str_has_prefix (cb_test_response_text (xlsx), "PK"));
}

static void
test_create_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct {
    const char *body;
    guint       status;
    const char *code;
    const char *message;
    const char *field;
  } cases[] = {
    { "{\"name\":", 400, "invalid_json", NULL, NULL },
    { "[1,2]", 400, "invalid_json", "The body must be a JSON object.", NULL },
    { "{\"name\":\"x\"} {}", 400, "invalid_json",
      "The body is not valid JSON: unexpected text after the end (at byte 14)", NULL },
    { "", 400, "invalid_json", "The request has no body: send a JSON object.", NULL },
    { "{\"agent_id\":\"agent_demo\",\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "name is required", "name" },
    { "{\"name\":\"x\",\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "agent_id is required (GET /v1/agents lists them)", "agent_id" },
    { "{\"name\":5,\"agent_id\":\"agent_demo\",\"recipients\":[]}",
      400, "invalid_field", "name must be a string", "name" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"max_retries\":\"3\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "max_retries must be an integer from 0 to 10", "max_retries" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"max_retries\":11,"
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "max_retries must be an integer from 0 to 10", "max_retries" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"concurrency\":2.5,"
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "concurrency must be an integer from 1 to 1000", "concurrency" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"skip_invalid\":\"yes\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "skip_invalid must be true or false", "skip_invalid" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":{}}",
      400, "invalid_field", "recipients must be a list", "recipients" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":[]}",
      400, "invalid_field", "recipients must hold at least one recipient", "recipients" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":[\"+12122021000\"]}",
      400, "invalid_field", "recipients[0] must be an object", "recipients[0]" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":[{\"phone\":12122021000}]}",
      400, "invalid_field", "recipients[0].phone must be a string", "recipients[0].phone" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":[{\"phone\":\"+12122021000\","
      "\"dynamic_vars\":{\"a\":[1]}}]}",
      400, "invalid_field", "recipients[0].dynamic_vars.a must be a string",
      "recipients[0].dynamic_vars.a" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":[{\"phone\":\"+12122021000\","
      "\"max_retries\":-1}]}",
      400, "invalid_field", "recipients[0].max_retries must be an integer from 0 to 10",
      "recipients[0].max_retries" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"colour\":\"red\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "Unknown field “colour”", "colour" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"status\":\"running\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", NULL, "status" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"timezone\":\"Mars/Olympus\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field",
      "timezone “Mars/Olympus” is not an IANA time zone such as America/New_York", "timezone" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"default_region\":\"XX\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", "default_region “XX” is not a region code such as US or GB",
      "default_region" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\","
      "\"call_window\":{\"windows\":[{\"start\":600,\"end\":1500}]},"
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_field", NULL, "call_window" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_nobody\",\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "agent_not_found", "There is no agent “agent_nobody” (GET /v1/agents lists them)",
      "agent_id" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"phone_number_id\":\"pn_nothing\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "phone_number_not_found",
      "There is no phone number “pn_nothing” (GET /v1/phone-numbers lists them)",
      "phone_number_id" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"scheduled_at\":\"2020-01-01T00:00:00Z\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_scheduled_at", NULL, "scheduled_at" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"scheduled_at\":\"next tuesday\","
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_scheduled_at",
      "scheduled_at “next tuesday” is not an RFC 3339 time such as 2026-05-05T09:00:00Z",
      "scheduled_at" },
    { "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"scheduled_at\":3,"
      "\"recipients\":[{\"phone\":\"+12122021000\"}]}",
      400, "invalid_scheduled_at", "scheduled_at must be a string", "scheduled_at" },
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) far = g_date_time_add_days (now, 31);
  g_autofree char *far_text = cb_rfc3339_format (far);
  g_autofree char *far_body = g_strdup_printf ("{\"name\":\"x\",\"agent_id\":\"agent_demo\","
                                               "\"scheduled_at\":\"%s\",\"recipients\":"
                                               "[{\"phone\":\"+12122021000\"}]}", far_text);
  guint64 before = count_batches (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CbTestResponse) r = api (f, "POST", "/v1/agents/batch-calls", cases[i].body);

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_error (r, cases[i].status, cases[i].code, cases[i].message);
      if (cases[i].field != NULL)
        {
          g_autofree char *field = error_field (r);
          g_assert_cmpstr (field, ==, cases[i].field);
        }
    }

  {
    g_autoptr(CbTestResponse) r = api (f, "POST", "/v1/agents/batch-calls", far_body);
    assert_error (r, 400, "invalid_scheduled_at", NULL);
  }

  /* Nested deeper than any batch: refused before the parser's recursion could run out of
   * stack, and the server goes on answering. */
  {
    g_autofree char *open = g_strnfill (100000, '[');
    g_autofree char *deep = g_strconcat ("{\"name\":", open, NULL);
    g_autoptr(CbTestResponse) r = api (f, "POST", "/v1/agents/batch-calls", deep);
    g_autoptr(CbTestResponse) again = NULL;

    assert_error (r, 400, "invalid_json", "The body is not valid JSON: arrays and objects are "
                  "nested more than 64 deep (at byte 72)");
    again = api (f, "GET", "/v1/agents/batch-calls", NULL);
    g_assert_cmpuint (again->status, ==, 200);
  }

  {
    const char *headers[] = { "Authorization", "Bearer " TOKEN, NULL };
    g_autoptr(CbTestResponse) r = request (f, "POST", "/v1/agents/batch-calls", headers,
                                           "text/plain", "name=x");
    assert_error (r, 415, "unsupported_media_type", NULL);
  }

  /* A failed request changes nothing. */
  g_assert_cmpuint (count_batches (f), ==, before);
}

static void
test_invalid_recipients (Fixture       *f,
                         gconstpointer  data)
{
#define MIXED_BODY(extra) \
    "{\"name\":\"Mixed\",\"agent_id\":\"agent_demo\"," extra "\"recipients\":[" \
    "{\"phone\":\"+12122021000\",\"dynamic_vars\":{\"k\":\"a\"}}," \
    "{\"phone\":\"\"}," \
    "{\"phone\":\"12345\"}," \
    "{\"phone\":\"+1 212 202 1000\"}," \
    "{\"phone\":\"+12122021004\",\"max_retries\":0}]}"
  const char *refused = MIXED_BODY ("");
  const char *skipped = MIXED_BODY ("\"skip_invalid\":true,");
#undef MIXED_BODY
  g_autoptr(CbTestResponse) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *id = NULL;
  guint64 before = count_batches (f);
  JsonArray *recipients;
  JsonObject *object;

  r = api (f, "POST", "/v1/agents/batch-calls", refused);
  assert_error (r, 400, "invalid_recipients",
                "3 of the 5 recipients are not valid: fix them, or send skip_invalid=true to "
                "create the batch from the valid ones.");
  g_assert_nonnull (strstr (cb_test_response_text (r),
                            "\"details\":{\"file\":\"recipients\",\"rows\":5,\"valid\":2,"
                            "\"invalid\":3,\"columns\":[\"phone\",\"k\"],\"phone_column\":\"phone\","
                            "\"groups\":[{\"reason\":\"missing_phone\",\"message\":\"Phone number is "
                            "empty\",\"rows\":[2]},{\"reason\":\"invalid_phone_number\",\"message\":"
                            "\"Not a valid phone number\",\"rows\":[3]},{\"reason\":\"duplicate\","
                            "\"message\":\"Same number as an earlier row\",\"rows\":[4]}]}"));
  g_assert_cmpuint (count_batches (f), ==, before);
  g_clear_pointer (&r, cb_test_response_free);

  r = api (f, "POST", "/v1/agents/batch-calls", skipped);
  g_assert_cmpuint (r->status, ==, 202);
  object = json_object (r, &node);
  id = g_strdup (json_object_get_string_member (object, "id"));
  g_assert_cmpint (counter (node, "total"), ==, 2);
  object = json_object_get_object_member (object, "validation");
  g_assert_cmpint (json_object_get_int_member (object, "invalid"), ==, 3);

  detail = get_batch (f, id, NULL);
  recipients = json_object_get_array_member (json_node_get_object (detail), "recipients");
  g_assert_cmpuint (json_array_get_length (recipients), ==, 2);
  object = json_array_get_object_element (recipients, 0);
  g_assert_cmpint (json_object_get_int_member (object, "row"), ==, 1);
  object = json_array_get_object_element (recipients, 1);
  g_assert_cmpint (json_object_get_int_member (object, "row"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (object, "phone"), ==, "+12122021004");
  g_assert_cmpint (json_object_get_int_member (object, "max_retries"), ==, 0);
  /* The union of variables gave it "k" in the CSV; the request gave it none. */
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "dynamic_vars")),
                    ==, 0);

  /* Nothing valid at all */
  {
    g_autoptr(CbTestResponse) none = api (f, "POST", "/v1/agents/batch-calls",
                                          "{\"name\":\"x\",\"agent_id\":\"agent_demo\","
                                          "\"skip_invalid\":true,\"recipients\":[{\"phone\":\"1\"}]}");
    assert_error (none, 400, "invalid_recipients",
                  "None of the 1 recipients is valid: see the groups in details.");
  }
}

/* Multipart */

static void
test_multipart (Fixture       *f,
                gconstpointer  data)
{
  struct {
    const char *file;
    guint       total;
    guint       invalid;
  } files[] = {
    { "import-duplicates.csv", 3, 5 },
    { "import-numeric.xlsx", 2, 2 },
    { "import-recipients.xls", 2, 2 },
  };
  guint64 before = count_batches (f);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GBytes) bytes = fixture_bytes (files[i].file);
      /* Detected by content, not by name. */
      g_autofree char *renamed = g_strdup_printf ("upload-%u.bin", i);
      const char *fields[] = { "name", files[i].file, "agent_id", "agent_demo",
                               "default_region", "US", "status", "draft", NULL };
      const char *skip_fields[] = { "name", files[i].file, "agent_id", "agent_demo",
                                    "default_region", "US", "status", "draft",
                                    "skip_invalid", "true", "max_retries", "3", NULL };
      g_autoptr(CbTestResponse) refused = upload (f, fields, renamed, bytes);
      g_autoptr(CbTestResponse) accepted = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) detail = NULL;
      JsonObject *object;
      g_autofree char *id = NULL;

      g_test_message ("%s", files[i].file);
      assert_error (refused, 400, "invalid_recipients", NULL);
      g_assert_nonnull (strstr (cb_test_response_text (refused), "\"groups\":[{\"reason\":"));
      g_assert_cmpuint (count_batches (f), ==, before);

      accepted = upload (f, skip_fields, renamed, bytes);
      if (accepted->status != 202)
        g_printerr ("%s\n", cb_test_response_text (accepted));
      g_assert_cmpuint (accepted->status, ==, 202);
      object = json_object (accepted, &node);
      id = g_strdup (json_object_get_string_member (object, "id"));
      g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "draft");
      g_assert_cmpint (json_object_get_int_member (object, "max_retries"), ==, 3);
      g_assert_cmpint (counter (node, "total"), ==, files[i].total);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                                   "validation"),
                                                   "invalid"), ==, files[i].invalid);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                      "validation"),
                                                      "file"), ==, renamed);
      detail = get_batch (f, id, NULL);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_node_get_object (detail), "recipients")), ==, files[i].total);
      before = count_batches (f);
    }

  /* The first XLS row keeps its spreadsheet row number and variables. */
  {
    g_autoptr(GBytes) bytes = fixture_bytes ("import-strings.xlsx");
    const char *fields[] = { "name", "Strings", "agent_id", "agent_demo", "skip_invalid", "1",
                             "status", "draft", NULL };
    g_autoptr(CbTestResponse) r = upload (f, fields, "strings.xlsx", bytes);
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) detail = NULL;
    JsonObject *first;

    g_assert_cmpuint (r->status, ==, 202);
    detail = get_batch (f, json_object_get_string_member (json_object (r, &node), "id"), NULL);
    first = json_array_get_object_element (json_object_get_array_member (
                                             json_node_get_object (detail), "recipients"), 0);
    g_assert_cmpint (json_object_get_int_member (first, "row"), ==, 2);
    g_assert_true (json_object_has_member (json_object_get_object_member (first, "dynamic_vars"),
                                           "City"));
    before = count_batches (f);
  }

  /* Form errors */
  {
    GBytes *csv = g_bytes_new_static ("phone\n+12122021000\n", 19);
    const char *no_file[] = { "name", "x", "agent_id", "agent_demo", NULL };
    const char *bad_int[] = { "name", "x", "agent_id", "agent_demo", "concurrency", "ten", NULL };
    const char *bad_bool[] = { "name", "x", "agent_id", "agent_demo", "skip_invalid", "maybe", NULL };
    const char *bad_window[] = { "name", "x", "agent_id", "agent_demo", "call_window", "{", NULL };
    const char *bad_column[] = { "name", "x", "agent_id", "agent_demo", "phone_column", "mobile",
                                 NULL };
    GBytes *junk = g_bytes_new_static ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    CbTestResponse *r;

    r = upload (f, no_file, NULL, NULL);
    assert_error (r, 400, "invalid_field",
                  "csv_file is required: a CSV, XLSX or XLS file with a phone column");
    cb_test_response_free (r);
    r = upload (f, bad_int, "a.csv", csv);
    assert_error (r, 400, "invalid_field", "concurrency must be an integer, not “ten”");
    cb_test_response_free (r);
    r = upload (f, bad_bool, "a.csv", csv);
    assert_error (r, 400, "invalid_field", "skip_invalid must be true or false, not “maybe”");
    cb_test_response_free (r);
    r = upload (f, bad_window, "a.csv", csv);
    assert_error (r, 400, "invalid_field", NULL);
    cb_test_response_free (r);
    r = upload (f, bad_column, "a.csv", csv);
    assert_error (r, 400, "invalid_field", NULL);
    cb_test_response_free (r);
    r = upload (f, no_file, "junk.csv", junk);
    assert_error (r, 400, "invalid_file", NULL);
    cb_test_response_free (r);

    g_bytes_unref (csv);
    g_bytes_unref (junk);
    g_assert_cmpuint (count_batches (f), ==, before);
  }
}

/* Limits */

/* The status line of a refusal written straight on the connection. */
static void
assert_payload_too_large (const char *answer)
{
  g_autofree char *line = g_strdup_printf ("HTTP/1.1 %u %s\r\n", SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                           soup_status_get_phrase (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE));

  g_assert_true (g_str_has_prefix (answer, line));
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 before = count_batches (f);
  g_autofree char *answer = NULL;
  GString *raw;

  /* Content-Length beyond the limit: refused before the body is read. */
  raw = g_string_new ("POST /v1/agents/batch-calls HTTP/1.1\r\n"
                      "Host: 127.0.0.1\r\n"
                      "Authorization: Bearer " TOKEN "\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: 60000000\r\n\r\n"
                      "{\"name\":\"big\",");
  {
    g_autoptr(GBytes) bytes = g_string_free_to_bytes (raw);
    answer = cb_test_raw_exchange (cb_http_server_get_port (cb_engine_get_http_server (f->engine)), bytes);
  }
  assert_payload_too_large (answer);
  g_assert_nonnull (strstr (answer, "Connection: close\r\n"));
  g_assert_true (g_str_has_suffix (answer,
                                   "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"The "
                                   "request is larger than the limit of 50000000 bytes for a "
                                   "file.\",\"details\":null}}"));
  g_clear_pointer (&answer, g_free);

  /* A chunked body is cut off once it passes the limit (here 1000 bytes + the form margin). */
  g_assert_true (cb_store_set_setting (f->store, "max_file_bytes", "1000", &error));
  raw = g_string_new ("POST /v1/agents/batch-calls HTTP/1.1\r\n"
                      "Host: 127.0.0.1\r\n"
                      "Authorization: Bearer " TOKEN "\r\n"
                      "Content-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n");
  for (guint sent = 0; sent < 1000 + CB_API_BODY_OVERHEAD + 256 * 1024; sent += 32 * 1024)
    {
      g_string_append_printf (raw, "%x\r\n", 32 * 1024);
      for (guint i = 0; i < 32 * 1024; i++)
        g_string_append_c (raw, ' ');
      g_string_append (raw, "\r\n");
    }
  {
    g_autoptr(GBytes) bytes = g_string_free_to_bytes (raw);
    answer = cb_test_raw_exchange (cb_http_server_get_port (cb_engine_get_http_server (f->engine)), bytes);
  }
  assert_payload_too_large (answer);
  g_assert_nonnull (strstr (answer, "\"code\":\"payload_too_large\""));
  g_clear_pointer (&answer, g_free);

  /* A file larger than the setting, inside a body that is not. */
  {
    GString *csv = g_string_new ("phone,note\n");
    const char *fields[] = { "name", "x", "agent_id", "agent_demo", NULL };
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(CbTestResponse) r = NULL;

    while (csv->len < 5000)
      g_string_append (csv, "+12122021000,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    bytes = g_string_free_to_bytes (csv);
    r = upload (f, fields, "big.csv", bytes);
    assert_error (r, 413, "payload_too_large", NULL);
  }

  /* More recipients than allowed, as JSON and as a file. */
  g_assert_true (cb_store_set_setting (f->store, "max_file_bytes", "50000000", &error));
  g_assert_true (cb_store_set_setting (f->store, "max_recipients", "3", &error));
  {
    g_autoptr(CbTestResponse) r = api (f, "POST", "/v1/agents/batch-calls",
                                       "{\"name\":\"x\",\"agent_id\":\"agent_demo\",\"recipients\":["
                                       "{\"phone\":\"+12122021000\"},{\"phone\":\"+12122021001\"},"
                                       "{\"phone\":\"+12122021002\"},{\"phone\":\"+12122021003\"}]}");
    const char *fields[] = { "name", "x", "agent_id", "agent_demo", NULL };
    g_autoptr(GBytes) csv = g_bytes_new_static ("phone\n+12122021000\n+12122021001\n"
                                                "+12122021002\n+12122021003\n", 58);
    g_autoptr(CbTestResponse) file = upload (f, fields, "four.csv", csv);

    assert_error (r, 413, "payload_too_large",
                  "4 recipients are more than the limit of 3 per batch.");
    assert_error (file, 413, "payload_too_large", NULL);
  }

  g_assert_cmpuint (count_batches (f), ==, before);

  /* The server still answers on new connections. */
  {
    g_autoptr(CbTestResponse) r = api (f, "GET", "/v1/agents", NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* Lifecycle routes */

static char *
make_recipients (guint n)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"phone\":\"+1212202%04u\"}", i > 0 ? "," : "", 1000 + i);
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

static void
test_actions (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *recipients = make_recipients (40);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Long\",\"agent_id\":\"agent_demo\","
                                           "\"concurrency\":1,\"recipients\":%s}", recipients);
  g_autofree char *id = create_ok (f, body);
  g_autofree char *cancel = g_strdup_printf ("/v1/agents/batch-calls/%s/cancel", id);
  g_autofree char *pause = g_strdup_printf ("/v1/agents/batch-calls/%s/pause", id);
  g_autofree char *resume = g_strdup_printf ("/v1/agents/batch-calls/%s/resume", id);
  g_autofree char *start = g_strdup_printf ("/v1/agents/batch-calls/%s/start", id);
  CbTestResponse *r;
  JsonNode *node;

  r = api (f, "POST", cancel, NULL);
  assert_error (r, 409, "batch_running", "A running batch cannot be cancelled. Pause it first.");
  g_assert_nonnull (strstr (cb_test_response_text (r), "\"details\":{\"status\":\"running\"}"));
  cb_test_response_free (r);

  r = api (f, "POST", resume, NULL);
  assert_error (r, 409, "batch_running", NULL);
  cb_test_response_free (r);

  r = api (f, "POST", pause, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  g_assert_cmpstr (batch_status (node), ==, "paused");
  json_node_unref (node);
  cb_test_response_free (r);

  r = api (f, "POST", start, NULL);
  assert_error (r, 409, "batch_paused", NULL);
  cb_test_response_free (r);

  /* Pausing is for a running batch: a paused one is a conflict, and stays paused. */
  r = api (f, "POST", pause, NULL);
  assert_error (r, 409, "batch_paused", "Only a running batch can be paused; this one is paused");
  g_assert_nonnull (strstr (cb_test_response_text (r), "\"details\":{\"status\":\"paused\"}"));
  cb_test_response_free (r);
  node = get_batch (f, id, NULL);
  g_assert_cmpstr (batch_status (node), ==, "paused");
  json_node_unref (node);
  {
    g_autofree char *draft = create_ok (f, "{\"name\":\"Draft\",\"agent_id\":\"agent_demo\","
                                           "\"status\":\"draft\",\"recipients\":"
                                           "[{\"phone\":\"+12122021000\"}]}");
    g_autofree char *pause_draft = g_strdup_printf ("/v1/agents/batch-calls/%s/pause", draft);

    r = api (f, "POST", pause_draft, NULL);
    assert_error (r, 409, "batch_draft", NULL);
    cb_test_response_free (r);
  }

  r = api (f, "POST", resume, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  g_assert_cmpstr (batch_status (node), ==, "running");
  json_node_unref (node);
  cb_test_response_free (r);

  /* Pause then cancel is allowed. */
  r = api (f, "POST", pause, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  cb_test_response_free (r);
  r = api (f, "POST", cancel, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  g_assert_cmpstr (batch_status (node), ==, "cancelled");
  g_assert_cmpint (counter (node, "cancelled"), >, 0);
  json_node_unref (node);
  cb_test_response_free (r);

}

static void
test_start_and_schedule (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = create_ok (f, "{\"name\":\"Later\",\"agent_id\":\"agent_demo\","
                                      "\"status\":\"draft\",\"recipients\":[{\"phone\":"
                                      "\"+12122021000\"}]}");
  g_autofree char *start = g_strdup_printf ("/v1/agents/batch-calls/%s/start", id);
  g_autofree char *cancel = g_strdup_printf ("/v1/agents/batch-calls/%s/cancel", id);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_days (now, 2);
  g_autofree char *when_text = cb_rfc3339_format (when);
  g_autofree char *body = g_strdup_printf ("{\"scheduled_at\":\"%s\"}", when_text);
  CbTestResponse *r;
  JsonNode *node;

  r = api (f, "POST", start, "{\"scheduled_at\":\"2001-01-01T00:00:00Z\"}");
  assert_error (r, 400, "invalid_scheduled_at", NULL);
  cb_test_response_free (r);

  r = api (f, "POST", start, "{\"when\":1}");
  assert_error (r, 400, "invalid_field", "Unknown field “when”");
  cb_test_response_free (r);

  r = api (f, "POST", start, "{");
  assert_error (r, 400, "invalid_json", NULL);
  cb_test_response_free (r);

  r = api (f, "POST", start, body);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  g_assert_cmpstr (batch_status (node), ==, "scheduled");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "scheduled_at"),
                   ==, when_text);
  json_node_unref (node);
  cb_test_response_free (r);

  r = api (f, "POST", cancel, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  cb_test_response_free (r);

  /* A scheduled create */
  {
    g_autofree char *create = g_strdup_printf ("{\"name\":\"S\",\"agent_id\":\"agent_demo\","
                                               "\"scheduled_at\":\"%s\",\"recipients\":"
                                               "[{\"phone\":\"+12122021000\"}]}", when_text);
    g_autofree char *sid = create_ok (f, create);
    g_autoptr(JsonNode) detail = get_batch (f, sid, NULL);

    g_assert_cmpstr (batch_status (detail), ==, "scheduled");
  }

  /* Start a draft now */
  {
    g_autofree char *did = create_ok (f, "{\"name\":\"D\",\"agent_id\":\"agent_demo\","
                                         "\"status\":\"draft\",\"recipients\":[{\"phone\":"
                                         "\"+12122021000\"}]}");
    g_autofree char *path = g_strdup_printf ("/v1/agents/batch-calls/%s/start", did);

    r = api (f, "POST", path, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    node = cb_test_response_json (r);
    g_assert_cmpstr (batch_status (node), !=, "draft");
    json_node_unref (node);
    cb_test_response_free (r);
  }
}

static void
test_retry (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *retry = NULL;
  g_autoptr(JsonNode) done = NULL;
  CbTestResponse *r;
  JsonNode *node;

  /* Nobody answers: every call fails at once with no retries left. */
  g_object_set (cb_engine_get_sim_server (f->engine), "answer-rate", 0.0, NULL);
  id = create_ok (f, "{\"name\":\"Unanswered\",\"agent_id\":\"agent_demo\",\"max_retries\":0,"
                     "\"recipients\":[{\"phone\":\"+12122021000\"},{\"phone\":\"+12122021001\"}]}");
  wait_finished (f, id);
  done = get_batch (f, id, NULL);
  g_assert_cmpint (counter (done, "failed"), ==, 2);

  retry = g_strdup_printf ("/v1/agents/batch-calls/%s/retry", id);
  r = api (f, "POST", retry, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "retried"), ==, 2);
  g_assert_cmpint (counter (node, "failed"), ==, 0);
  json_node_unref (node);
  cb_test_response_free (r);

  wait_finished (f, id);
}

/* Lists */

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *a = create_ok (f, "{\"name\":\"A\",\"agent_id\":\"agent_demo\",\"status\":"
                                     "\"draft\",\"recipients\":[{\"phone\":\"+12122021000\"}]}");
  g_autofree char *b = NULL, *c = NULL, *cursor = NULL, *path = NULL;
  CbTestResponse *r;
  JsonNode *node;
  JsonArray *list;

  /* As data, "libgda": read the SQLite store as any other database. */
  cb_api_set_direct_reader_enabled (f->api, g_strcmp0 (data, "libgda") != 0);
  g_usleep (2000);
  b = create_ok (f, "{\"name\":\"B\",\"agent_id\":\"agent_demo\",\"status\":"
                    "\"draft\",\"recipients\":[{\"phone\":\"+12122021000\"}]}");
  g_usleep (2000);
  c = create_ok (f, "{\"name\":\"C\",\"agent_id\":\"agent_demo\",\"status\":"
                    "\"draft\",\"recipients\":[{\"phone\":\"+12122021000\"}]}");
  path = g_strdup_printf ("/v1/agents/batch-calls/%s/cancel", b);
  cb_test_response_free (api (f, "POST", path, NULL));

  r = api (f, "GET", "/v1/agents/batch-calls", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = cb_test_response_json (r);
  list = json_object_get_array_member (json_node_get_object (node), "batch_calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"),
                   ==, c);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 2), "id"),
                   ==, a);
  g_assert_false (json_object_has_member (json_array_get_object_element (list, 0), "recipients"));
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "next_cursor"));
  json_node_unref (node);
  cb_test_response_free (r);

  /* Pages of two, then the rest */
  r = api (f, "GET", "/v1/agents/batch-calls?limit=2", NULL);
  node = cb_test_response_json (r);
  list = json_object_get_array_member (json_node_get_object (node), "batch_calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  cursor = g_strdup (json_object_get_string_member (json_node_get_object (node), "next_cursor"));
  g_assert_cmpstr (cursor, ==, b);
  json_node_unref (node);
  cb_test_response_free (r);

  g_free (path);
  path = g_strdup_printf ("/v1/agents/batch-calls?limit=2&cursor=%s", cursor);
  r = api (f, "GET", path, NULL);
  node = cb_test_response_json (r);
  list = json_object_get_array_member (json_node_get_object (node), "batch_calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"),
                   ==, a);
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "next_cursor"));
  json_node_unref (node);
  cb_test_response_free (r);

  /* Status filter */
  r = api (f, "GET", "/v1/agents/batch-calls?status=cancelled", NULL);
  node = cb_test_response_json (r);
  list = json_object_get_array_member (json_node_get_object (node), "batch_calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"),
                   ==, b);
  json_node_unref (node);
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls?status=draft&limit=1", NULL);
  node = cb_test_response_json (r);
  list = json_object_get_array_member (json_node_get_object (node), "batch_calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"),
                   ==, c);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "next_cursor"),
                   ==, c);
  json_node_unref (node);
  cb_test_response_free (r);

  r = api (f, "GET", "/v1/agents/batch-calls?status=sleeping", NULL);
  assert_error (r, 400, "invalid_field", NULL);
  cb_test_response_free (r);
  r = api (f, "GET", "/v1/agents/batch-calls?limit=0", NULL);
  assert_error (r, 400, "invalid_field", "limit must be an integer from 1 to 1000");
  cb_test_response_free (r);
  r = api (f, "GET", "/v1/agents/batch-calls?limit=ten", NULL);
  assert_error (r, 400, "invalid_field", NULL);
  cb_test_response_free (r);
  r = api (f, "GET", "/v1/agents/batch-calls?cursor=batch_nope", NULL);
  assert_error (r, 400, "invalid_field", NULL);
  cb_test_response_free (r);
}

static void
test_recipient_pages (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *recipients = make_recipients (25);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Pages\",\"agent_id\":\"agent_demo\","
                                           "\"status\":\"draft\",\"recipients\":%s}", recipients);
  g_autofree char *id = create_ok (f, body);
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_autoptr(JsonNode) past = NULL;
  g_autofree char *bad = NULL;
  JsonObject *object;
  JsonArray *list;

  page = get_batch (f, id, "?recipients_offset=10&recipients_limit=10");
  object = json_node_get_object (page);
  list = json_object_get_array_member (object, "recipients");
  g_assert_cmpuint (json_array_get_length (list), ==, 10);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "row"),
                   ==, 11);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "phone"), ==, "+12122021010");
  g_assert_cmpint (json_object_get_int_member (object, "recipients_next_offset"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (object, "recipients_limit"), ==, 10);

  last = get_batch (f, id, "?recipients_offset=20&recipients_limit=10");
  list = json_object_get_array_member (json_node_get_object (last), "recipients");
  g_assert_cmpuint (json_array_get_length (list), ==, 5);
  g_assert_true (json_object_get_null_member (json_node_get_object (last),
                                              "recipients_next_offset"));

  past = get_batch (f, id, "?recipients_offset=100");
  list = json_object_get_array_member (json_node_get_object (past), "recipients");
  g_assert_cmpuint (json_array_get_length (list), ==, 0);

  bad = g_strdup_printf ("/v1/agents/batch-calls/%s?recipients_limit=10001", id);
  {
    g_autoptr(CbTestResponse) r = api (f, "GET", bad, NULL);
    assert_error (r, 400, "invalid_field", "recipients_limit must be an integer from 1 to 10000");
  }
  g_free (bad);
  bad = g_strdup_printf ("/v1/agents/batch-calls/%s?recipients_offset=-1", id);
  {
    g_autoptr(CbTestResponse) r = api (f, "GET", bad, NULL);
    assert_error (r, 400, "invalid_field", NULL);
  }
}

/* The exact text of a list and of a detail: every member, escapes, nulls, times. */
static void
test_json_text (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = create_ok (f, "{\"name\":\"Q \\\" b \\\\ t \\t n \\n bs \\b ff \\f "
                                      "del \\u007f z\\u00e9\",\"agent_id\":\"agent_demo\","
                                      "\"status\":\"draft\",\"timezone\":\"Europe/Paris\","
                                      "\"max_retries\":1,\"call_window\":{\"windows\":"
                                      "[{\"start\":540,\"end\":1020}],\"days\":[\"Monday\"],"
                                      "\"timezone\":\"recipient\"},\"recipients\":["
                                      "{\"phone\":\"+12122021000\",\"dynamic_vars\":"
                                      "{\"first\":\"Ann\"}},"
                                      "{\"phone\":\"+12122021001\",\"max_retries\":3}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdaDataModel) ids = NULL;
  g_autoptr(JsonNode) validation = NULL;
  g_autofree char *validation_text = NULL;
  g_autofree char *report = NULL;
  g_autofree char *batch_text = NULL;
  g_autofree char *expected_list = NULL;
  g_autofree char *expected_detail = NULL;
  g_autofree char *path = NULL;
  CbTestResponse *r;
  guint row;

  /* As data, "libgda": read the SQLite store as any other database. */
  cb_api_set_direct_reader_enabled (f->api, g_strcmp0 (data, "libgda") != 0);

  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE batches SET created_at = 1777971600000,"
                                  " updated_at = 1777971601000 WHERE id = ##id::string",
                                  "id", id, NULL), ==, 1);
  ids = cb_store_select (f->store, &error, "SELECT id, row_number FROM recipients"
                                           " WHERE batch_id = ##id::string ORDER BY row_number",
                                           "id", id, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (ids), ==, 2);
  row = (guint) cb_store_model_get_int64 (ids, 1, 0, 0);
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE recipients SET status = 'completed', attempts = 1,"
                                  " provider_call_id = 'call_1', outcome = 'answered',"
                                  " disconnection_reason = 'agent_hangup', duration_ms = 61234,"
                                  " transcript = 'Agent: \"Hi\"' || char(10) || 'User: ok'"
                                  " || char(8), analysis = '{\"call_summary\":\"ok\"}',"
                                  " started_at = 1777971600000, ended_at = 1777971661234"
                                  " WHERE id = ##id::string",
                                  "id", cb_store_model_get_string (ids, 0, 0), NULL), ==, 1);
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE recipients SET status = 'failed', attempts = 2,"
                                  " duration_ms = 0, error = 'SIP 486',"
                                  " next_attempt_at = -1000"
                                  " WHERE id = ##id::string",
                                  "id", cb_store_model_get_string (ids, 0, 1), NULL), ==, 1);
  g_assert_no_error (error);

  batch_text = g_strdup_printf (
    "{\"id\":\"%s\",\"name\":\"Q \\\" b \\\\ t \\t n \\n bs \\b ff \\f del \\u007f z\xc3\xa9\","
    "\"agent_id\":\"agent_demo\",\"phone_number_id\":\"pn_demo\",\"from_number\":\"+14155550100\","
    "\"status\":\"draft\",\"scheduled_at\":null,\"timezone\":\"Europe/Paris\",\"max_retries\":1,"
    "\"retry_delay_s\":600,\"concurrency\":10,\"call_window\":{\"windows\":[{\"start\":540,"
    "\"end\":1020}],\"days\":[\"Monday\"],\"timezone\":\"recipient\"},\"default_region\":\"US\","
    "\"pause_reason\":null,\"error\":null,\"next_window_at\":null,\"counters\":{\"total\":2,"
    "\"pending\":2,\"dialing\":0,\"completed\":0,\"failed\":0,\"cancelled\":0,\"picked_up\":0,"
    "\"sent\":0},\"created_at\":\"2026-05-05T09:00:00Z\",\"updated_at\":\"2026-05-05T09:00:01Z\","
    "\"started_at\":null,\"finished_at\":null", id);

  expected_list = g_strdup_printf ("{\"batch_calls\":[%s}],\"next_cursor\":null}", batch_text);
  r = api (f, "GET", "/v1/agents/batch-calls", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (cb_test_response_text (r), ==, expected_list);
  cb_test_response_free (r);

  report = cb_store_dup_batch_report (f->store, id, NULL);
  validation = json_from_string (report, &error);
  g_assert_no_error (error);
  validation_text = json_to_string (validation, FALSE);

  expected_detail = g_strdup_printf (
    "%s,\"validation\":%s,\"recipients\":["
    "{\"id\":\"%s\",\"row\":%u,\"phone\":\"+12122021000\",\"raw_phone\":\"+12122021000\","
    "\"dynamic_vars\":{\"first\":\"Ann\"},\"status\":\"completed\",\"attempts\":1,"
    "\"max_retries\":null,\"provider_call_id\":\"call_1\",\"outcome\":\"answered\","
    "\"disconnection_reason\":\"agent_hangup\",\"duration_ms\":61234,"
    "\"transcript\":\"Agent: \\\"Hi\\\"\\nUser: ok\\u0008\",\"analysis\":{\"call_summary\":\"ok\"},"
    "\"error\":null,\"next_attempt_at\":null,\"started_at\":\"2026-05-05T09:00:00Z\","
    "\"ended_at\":\"2026-05-05T09:01:01Z\"},"
    "{\"id\":\"%s\",\"row\":%u,\"phone\":\"+12122021001\",\"raw_phone\":\"+12122021001\","
    "\"dynamic_vars\":{},\"status\":\"failed\",\"attempts\":2,\"max_retries\":3,"
    "\"provider_call_id\":null,\"outcome\":null,\"disconnection_reason\":null,"
    "\"duration_ms\":null,\"transcript\":null,\"analysis\":null,\"error\":\"SIP 486\","
    "\"next_attempt_at\":\"1969-12-31T23:59:59Z\",\"started_at\":null,\"ended_at\":null}],"
    "\"recipients_offset\":0,\"recipients_limit\":1000,\"recipients_next_offset\":null}",
    batch_text, validation_text, cb_store_model_get_string (ids, 0, 0), row,
    cb_store_model_get_string (ids, 0, 1), row + 1);
  path = g_strdup_printf ("/v1/agents/batch-calls/%s", id);
  r = api (f, "GET", path, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (cb_test_response_text (r), ==, expected_detail);
  cb_test_response_free (r);

  /* The recipients as the engine's own record objects write them. */
  {
    g_autoptr(GListModel) recipients = cb_store_list_recipients (f->store, id, 0, 10, &error);
    g_autoptr(JsonNode) detail = NULL;
    JsonArray *list;

    g_assert_no_error (error);
    detail = json_from_string (expected_detail, &error);
    g_assert_no_error (error);
    list = json_object_get_array_member (json_node_get_object (detail), "recipients");
    g_assert_cmpuint (g_list_model_get_n_items (recipients), ==, json_array_get_length (list));
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        g_autoptr(CbRecipient) recipient = g_list_model_get_item (recipients, i);
        g_autoptr(JsonNode) node = cb_api_recipient_to_json (recipient);

        g_assert_true (json_node_equal (node, json_array_get_element (list, i)));
      }
  }
}

/* Compatibility routes */

static void
test_retell (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_hours (now, 5);
  gint64 when_ms = cb_datetime_to_unix_ms (when);
  g_autofree char *body = g_strdup_printf (
    "{\"from_number\":\"+14155550100\",\"name\":\"Retell\",\"trigger_timestamp\":%" G_GINT64_FORMAT ","
    "\"reserved_concurrency\":4,"
    "\"call_time_window\":{\"windows\":[{\"start\":540,\"end\":1020}],\"day\":[\"Friday\"]},"
    "\"tasks\":[{\"to_number\":\"+12122021000\",\"retell_llm_dynamic_variables\":{\"who\":\"Ann\"},"
    "\"metadata\":{\"crm\":1}},{\"to_number\":\"+12122021001\"}]}", when_ms);
  g_autoptr(CbTestResponse) r = api (f, "POST", "/create-batch-call", body);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) detail = NULL;
  JsonObject *object;
  CbTestResponse *e;

  if (r->status != 201)
    g_printerr ("%s\n", cb_test_response_text (r));
  g_assert_cmpuint (r->status, ==, 201);
  object = json_object (r, &node);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "batch_call_id"),
                                   "batch_"));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Retell");
  g_assert_cmpstr (json_object_get_string_member (object, "from_number"), ==, "+14155550100");
  g_assert_cmpint (json_object_get_int_member (object, "scheduled_timestamp"), ==,
                   when_ms);
  g_assert_cmpint (json_object_get_int_member (object, "total_task_count"), ==, 2);
  {
    g_autofree char *window = json_to_string (json_object_get_member (object, "call_time_window"),
                                              FALSE);
    g_assert_cmpstr (window, ==, "{\"windows\":[{\"start\":540,\"end\":1020}],\"day\":[\"Friday\"]}");
  }

  detail = get_batch (f, json_object_get_string_member (object, "batch_call_id"), NULL);
  object = json_node_get_object (detail);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "scheduled");
  g_assert_cmpstr (json_object_get_string_member (object, "timezone"), ==, "America/Los_Angeles");
  /* reserved_concurrency is kept for calls outside the batch, not the batch's own: the
   * batch keeps its default concurrency while the account has lines enough. */
  g_assert_cmpint (json_object_get_int_member (object, "concurrency"), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (
                       json_array_get_object_element (
                         json_object_get_array_member (object, "recipients"), 0),
                       "dynamic_vars"), "who"), ==, "Ann");

  {
    static const struct
    {
      const char *reserved;
      gint64      concurrency;
    } cases[] = { { "0", 10 }, { "190", 10 }, { "195", 5 }, { "199", 1 } };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *create = g_strdup_printf (
          "{\"from_number\":\"+14155550100\",\"reserved_concurrency\":%s,"
          "\"trigger_timestamp\":%" G_GINT64_FORMAT ","
          "\"tasks\":[{\"to_number\":\"+12122021000\"}]}", cases[i].reserved, when_ms);
        g_autoptr(CbTestResponse) created = api (f, "POST", "/create-batch-call", create);
        g_autoptr(JsonNode) reply = NULL;
        g_autoptr(JsonNode) batch = NULL;

        g_assert_cmpuint (created->status, ==, 201);
        batch = get_batch (f, json_object_get_string_member (json_object (created, &reply),
                                                             "batch_call_id"),
                           "?recipients_limit=1");
        g_assert_cmpint (json_object_get_int_member (json_node_get_object (batch), "concurrency"),
                         ==, cases[i].concurrency);
      }
  }

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+14155550100\",\"reserved_concurrency\":200,"
           "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "invalid_field", "reserved_concurrency must be an integer from 0 to 199");
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+14155550100\",\"reserved_concurrency\":-1,"
           "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "invalid_field", "reserved_concurrency must be an integer from 0 to 199");
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+15550000000\",\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "phone_number_not_found", NULL);
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call", "{\"from_number\":\"+14155550100\",\"tasks\":[]}");
  assert_error (e, 400, "invalid_field", "tasks must hold at least one recipient");
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+14155550100\",\"trigger_timestamp\":\"soon\","
           "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "invalid_scheduled_at", "trigger_timestamp must be a Unix time in "
                                                "milliseconds");
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+14155550100\",\"tasks\":[{\"to_number\":\"+12122021000\"},"
           "{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "invalid_recipients", NULL);
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"file\":\"tasks\""));
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"phone_column\":\"to_number\""));
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"reason\":\"duplicate\","
                                                       "\"message\":\"Same number as an earlier "
                                                       "row\",\"rows\":[2]"));
  cb_test_response_free (e);

  e = api (f, "POST", "/create-batch-call",
           "{\"from_number\":\"+14155550100\",\"call_time_window\":{\"windows\":[]},"
           "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  assert_error (e, 400, "invalid_field", NULL);
  cb_test_response_free (e);
}

static void
test_zudu (Fixture       *f,
           gconstpointer  data)
{
  const char *headers[] = { "X-API-KEY", TOKEN, "X-API-SECRET", TOKEN, NULL };
  g_autoptr(CbTestResponse) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *batch;
  CbTestResponse *e;

  r = request (f, "POST", "/batch-call", headers, "application/json",
               "{\"from_number\":\"+14155550100\",\"name\":\"Q1\",\"status\":\"draft\","
               "\"agent_id\":\"agent_demo\",\"timezone\":\"America/New_York\","
               "\"tasks\":[{\"to_number\":\"+12122021000\",\"dynamic_variables\":"
               "{\"first_name\":\"John\"},\"max_retries\":3}]}");
  if (r->status != 201)
    g_printerr ("%s\n", cb_test_response_text (r));
  g_assert_cmpuint (r->status, ==, 201);
  object = json_object (r, &node);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==,
                   "Batch call created successfully");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "success");
  g_assert_true (json_object_get_null_member (object, "error"));
  batch = json_object_get_object_member (object, "data");
  g_assert_cmpstr (json_object_get_string_member (batch, "name"), ==, "Q1");
  g_assert_cmpstr (json_object_get_string_member (batch, "from_number"), ==, "+14155550100");
  g_assert_cmpstr (json_object_get_string_member (batch, "status"), ==, "draft");
  g_assert_cmpstr (json_object_get_string_member (batch, "agent_id"), ==, "agent_demo");
  g_assert_cmpstr (json_object_get_string_member (batch, "timezone"), ==, "America/New_York");
  g_assert_cmpint (json_object_get_int_member (batch, "total_task_count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (batch, "total"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (batch, "sent"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (batch, "picked_up"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (batch, "completed"), ==, 0);
  g_assert_true (json_object_get_null_member (batch, "scheduled_timestamp"));
  g_assert_true (json_object_get_null_member (batch, "last_sent_timestamp"));
  g_assert_cmpint (json_object_get_int_member (batch, "created_timestamp"), >, 1700000000000);

  {
    g_autoptr(JsonNode) detail = get_batch (f, json_object_get_string_member (batch,
                                                                              "batch_call_id"),
                                            NULL);
    JsonObject *first = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (detail), "recipients"), 0);

    g_assert_cmpint (json_object_get_int_member (first, "max_retries"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (first, "dynamic_vars"), "first_name"),
                     ==, "John");
  }

  e = request (f, "POST", "/batch-call", headers, "application/json",
               "{\"from_number\":\"+14155550100\",\"status\":\"scheduled\","
               "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  g_assert_cmpuint (e->status, ==, 400);
  g_assert_cmpstr (cb_test_response_text (e), ==,
                   "{\"message\":\"Batch call was not created\",\"status\":\"error\","
                   "\"error\":\"A scheduled batch needs trigger_timestamp (milliseconds)\","
                   "\"data\":null}");
  cb_test_response_free (e);

  e = request (f, "POST", "/batch-call", headers, "application/json",
               "{\"from_number\":\"+14155550100\",\"agent_id\":\"agent_x\","
               "\"tasks\":[{\"to_number\":\"+12122021000\"}]}");
  g_assert_cmpuint (e->status, ==, 400);
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"error\":\"There is no agent “agent_x”"));
  cb_test_response_free (e);

  e = request (f, "POST", "/batch-call", headers, "application/json", "{oops");
  g_assert_cmpuint (e->status, ==, 400);
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"status\":\"error\""));
  g_assert_nonnull (strstr (cb_test_response_text (e), "\"data\":null"));
  cb_test_response_free (e);
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/api/auth", test_auth);
  ADD ("/api/catalog", test_catalog);
  ADD ("/api/routes", test_routes);
  ADD ("/api/create/json", test_create_json);
  ADD ("/api/create/starts", test_create_starts);
  ADD ("/api/create/default-window", test_create_default_window);
  ADD ("/api/create/errors", test_create_errors);
  ADD ("/api/create/invalid-recipients", test_invalid_recipients);
  ADD ("/api/create/multipart", test_multipart);
  ADD ("/api/limits", test_limits);
  ADD ("/api/actions", test_actions);
  ADD ("/api/start-and-schedule", test_start_and_schedule);
  ADD ("/api/retry", test_retry);
  ADD ("/api/list", test_list);
  g_test_add ("/api/list-libgda", Fixture, "libgda", fixture_setup, test_list, fixture_teardown);
  ADD ("/api/recipient-pages", test_recipient_pages);
  ADD ("/api/json-text", test_json_text);
  g_test_add ("/api/json-text-libgda", Fixture, "libgda", fixture_setup, test_json_text,
              fixture_teardown);
  ADD ("/api/retell", test_retell);
  ADD ("/api/zudu", test_zudu);

#undef ADD

  return g_test_run ();
}
