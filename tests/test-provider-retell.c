/* test-provider-retell.c — CbProviderRetell against the in-process simulator
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cb-outcome.h"
#include "cb-provider-retell.h"
#include "cb-signature.h"
#include "cb-sim-server.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define KEY "key_provider_test"
#define FROM "+14155550100"

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Waiter *) data)->result != NULL;
}

static CbSimServer *
new_sim (guint64 seed)
{
  g_autoptr(GError) error = NULL;
  CbSimServer *sim = cb_sim_server_new (KEY);

  g_object_set (sim, "speed", 1000.0, "seed", seed, NULL);
  g_assert_true (cb_sim_server_listen (sim, "127.0.0.1", 0, &error));
  g_assert_no_error (error);

  return sim;
}

static void
only_outcome (CbSimServer *sim,
              const char  *rate)
{
  g_object_set (sim, "answer-rate", 0.0, "no-answer-rate", 0.0, "busy-rate", 0.0,
                "failed-rate", 0.0, "voicemail-rate", 0.0, NULL);
  g_object_set (sim, rate, 1.0, NULL);
}

static JsonObject *
new_object (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static char *
place_call (CbProvider  *provider,
            const char  *to,
            const char  *agent_id,
            JsonObject  *vars,
            JsonObject  *metadata,
            GError     **error)
{
  Waiter waiter = { NULL };
  char *call_id;

  cb_provider_place_call_async (provider, FROM, to, agent_id, vars, metadata, NULL,
                                store_result, &waiter);
  cb_test_wait_until (has_result, &waiter, 30);
  call_id = cb_provider_place_call_finish (provider, waiter.result, error);
  g_object_unref (waiter.result);

  return call_id;
}

static CbCallEvent *
get_call (CbProvider  *provider,
          const char  *call_id,
          GError     **error)
{
  Waiter waiter = { NULL };
  CbCallEvent *event;

  cb_provider_get_call_async (provider, call_id, NULL, store_result, &waiter);
  cb_test_wait_until (has_result, &waiter, 30);
  event = cb_provider_get_call_finish (provider, waiter.result, error);
  g_object_unref (waiter.result);

  return event;
}

static CbCallEvent *
wait_for_analysis (CbProvider *provider,
                   const char *call_id)
{
  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CbCallEvent) event = get_call (provider, call_id, &error);

      g_assert_no_error (error);
      if (event->kind == CB_CALL_EVENT_ANALYZED)
        return g_steal_pointer (&event);
      cb_test_spin (5);
    }

  g_error ("Call %s never ended", call_id);
}

static void
test_place_call (void)
{
  g_autoptr(CbSimServer) sim = new_sim (1);
  g_autoptr(CbProvider) provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
  g_autoptr(JsonObject) vars = new_object ("{\"first_name\":\"Ann\",\"visits\":3,\"vip\":true,"
                                           "\"note\":null}");
  g_autoptr(JsonObject) metadata = new_object ("{\"batch_id\":\"batch_1\","
                                               "\"recipient_id\":\"rcp_1\","
                                               "\"attempt_id\":\"att_1\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("^call_[0-9a-f]{32}$", 0, 0, NULL);
  g_autofree char *call_id = NULL;
  g_autofree char *list_url = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(CbTestResponse) list = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) record_node = NULL;
  g_autofree char *record_text = NULL;
  JsonObject *record;

  call_id = place_call (provider, "+14155550123", "agent_demo_retell", vars, metadata, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (regex, call_id, 0, NULL));

  /* What reached the wire: every dynamic variable as a string, the metadata as given. */
  list_url = g_strconcat (cb_sim_server_get_url (sim), "/sim/calls", NULL);
  list = cb_test_http ("GET", list_url, NULL, NULL);
  root = cb_test_response_json (list);
  record = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                        "calls"), 0);
  json_object_remove_member (record, "received_at");
  record_node = json_node_init_object (json_node_alloc (), record);
  record_text = json_to_string (record_node, FALSE);
  expected = g_strdup_printf ("{\"seq\":0,\"call_id\":\"%s\",\"from_number\":\"+14155550100\","
                              "\"to_number\":\"+14155550123\","
                              "\"override_agent_id\":\"agent_demo_retell\","
                              "\"retell_llm_dynamic_variables\":{\"first_name\":\"Ann\","
                              "\"visits\":\"3\",\"vip\":\"true\",\"note\":\"\"},"
                              "\"metadata\":{\"batch_id\":\"batch_1\",\"recipient_id\":\"rcp_1\","
                              "\"attempt_id\":\"att_1\"},\"http_status\":201}", call_id);
  g_assert_cmpstr (record_text, ==, expected);

  /* The caller's objects are left as they were, still mutable. */
  json_object_set_string_member (metadata, "extra", "x");
  json_object_set_string_member (vars, "extra", "x");
}

static void
test_get_call_answered (void)
{
  g_autoptr(CbSimServer) sim = new_sim (2);
  g_autoptr(CbProvider) provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
  g_autoptr(JsonObject) vars = new_object ("{\"first_name\":\"Bo\"}");
  g_autoptr(JsonObject) metadata = new_object ("{\"batch_id\":\"batch_1\","
                                               "\"recipient_id\":\"rcp_2\","
                                               "\"attempt_id\":\"att_2\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CbCallEvent) event = NULL;
  g_autoptr(CbCallEvent) copy = NULL;
  g_autoptr(JsonNode) analysis = NULL;
  g_autofree char *call_id = NULL;

  only_outcome (sim, "answer-rate");
  call_id = place_call (provider, "+14155550124", NULL, vars, metadata, &error);
  g_assert_no_error (error);

  event = wait_for_analysis (provider, call_id);
  g_assert_cmpstr (event->provider_call_id, ==, call_id);
  g_assert_cmpint (event->call_status, ==, CB_CALL_STATUS_ENDED);
  g_assert_cmpstr (event->outcome, ==, CB_OUTCOME_ANSWERED);
  g_assert_cmpint (event->retry_class, ==, CB_RETRY_NEVER);
  g_assert_true (g_strcmp0 (event->disconnection_reason, "user_hangup") == 0 ||
                 g_strcmp0 (event->disconnection_reason, "agent_hangup") == 0);
  g_assert_cmpstr (event->from_number, ==, FROM);
  g_assert_cmpstr (event->to_number, ==, "+14155550124");
  /* Talk time between the default 20 and 180 simulated seconds. */
  g_assert_cmpint (event->duration_ms, >=, 20000);
  g_assert_cmpint (event->duration_ms, <=, 180000);
  g_assert_cmpint (event->end_ms - event->start_ms, ==, event->duration_ms);
  g_assert_true (g_str_has_prefix (event->transcript, "Agent: Hello Bo, this is the demo agent"));
  g_assert_cmpstr (event->metadata_json, ==,
                   "{\"batch_id\":\"batch_1\",\"recipient_id\":\"rcp_2\",\"attempt_id\":\"att_2\"}");
  g_assert_cmpstr (event->batch_id, ==, "batch_1");
  g_assert_cmpstr (event->recipient_id, ==, "rcp_2");
  g_assert_cmpstr (event->attempt_id, ==, "att_2");

  analysis = json_from_string (event->analysis_json, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (analysis),
                                                  "in_voicemail"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (analysis),
                                                                  "call_summary"),
                                   "The agent spoke with the person at +14155550124 for "));

  copy = g_boxed_copy (CB_TYPE_CALL_EVENT, event);
  g_assert_cmpstr (copy->transcript, ==, event->transcript);
  g_assert_true (copy->transcript != event->transcript);
  g_assert_cmpstr (copy->attempt_id, ==, "att_2");
}

static void
test_get_call_other_outcomes (void)
{
  static const struct {
    const char *rate;
    const char *reason;
    const char *outcome;
    CbRetryClass retry_class;
  } cases[] = {
    { "busy-rate", "dial_busy", CB_OUTCOME_BUSY, CB_RETRY_AFTER_DELAY },
    { "no-answer-rate", "dial_no_answer", CB_OUTCOME_NO_ANSWER, CB_RETRY_AFTER_DELAY },
    { "failed-rate", "dial_failed", CB_OUTCOME_FAILED, CB_RETRY_AFTER_DELAY },
    { "voicemail-rate", "voicemail_reached", CB_OUTCOME_VOICEMAIL, CB_RETRY_AFTER_DELAY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CbSimServer) sim = new_sim (3);
      g_autoptr(CbProvider) provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbCallEvent) event = NULL;
      g_autofree char *call_id = NULL;
      gboolean connected = g_str_equal (cases[i].rate, "voicemail-rate");

      only_outcome (sim, cases[i].rate);
      call_id = place_call (provider, "+14155550125", NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      event = wait_for_analysis (provider, call_id);
      g_assert_cmpstr (event->disconnection_reason, ==, cases[i].reason);
      g_assert_cmpstr (event->outcome, ==, cases[i].outcome);
      g_assert_cmpint (event->retry_class, ==, cases[i].retry_class);
      g_assert_cmpint (event->call_status, ==,
                       connected ? CB_CALL_STATUS_ENDED : CB_CALL_STATUS_NOT_CONNECTED);
      if (!connected)
        {
          g_assert_cmpint (event->duration_ms, ==, 0);
          g_assert_cmpint (event->start_ms, ==, 0);
        }
      g_assert_null (event->metadata_json);
      g_assert_null (event->attempt_id);
    }
}

static void
test_get_call_registered (void)
{
  g_autoptr(CbSimServer) sim = new_sim (4);
  g_autoptr(CbProvider) provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbCallEvent) event = NULL;
  g_autofree char *call_id = NULL;

  /* Real time: the phone rings for seconds before anything happens. */
  g_object_set (sim, "speed", 1.0, NULL);
  call_id = place_call (provider, "+14155550126", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  event = get_call (provider, call_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (event->kind, ==, CB_CALL_EVENT_REGISTERED);
  g_assert_cmpint (event->call_status, ==, CB_CALL_STATUS_REGISTERED);
  g_assert_null (event->outcome);
  g_assert_null (event->disconnection_reason);
}

static void
test_errors (void)
{
  g_autoptr(CbSimServer) sim = new_sim (5);
  const char *url = cb_sim_server_get_url (sim);
  g_autoptr(CbProvider) provider = cb_provider_retell_new (url, KEY);
  g_autoptr(CbProvider) wrong = cb_provider_retell_new (url, "key_wrong");
  g_autoptr(GError) error = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *expected = NULL;
  CbRetryClass retry_class;

  /* Wrong key. */
  call_id = place_call (wrong, "+14155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 401);
  expected = g_strdup_printf ("Placing a call: %s refused the account’s API key (HTTP 401): "
                              "API key is missing or invalid.", url);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpstr (cb_outcome_for_error (error, &retry_class), ==, CB_OUTCOME_PROVIDER_ERROR);
  g_assert_cmpint (retry_class, ==, CB_RETRY_AFTER_DELAY);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Not an E.164 number: the provider's reason, and never retried. */
  call_id = place_call (provider, "4155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_BAD_REQUEST);
  g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 400);
  expected = g_strdup_printf ("Placing a call: %s answered HTTP 400: to_number “4155550123” is "
                              "not an E.164 phone number (like +14155550100)", url);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpstr (cb_outcome_for_error (error, &retry_class), ==, CB_OUTCOME_INVALID_REQUEST);
  g_assert_cmpint (retry_class, ==, CB_RETRY_NEVER);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Rate limited, with Retry-After. */
  g_object_set (sim, "rate-429", 1.0, NULL);
  call_id = place_call (provider, "+14155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 429);
  g_assert_cmpuint (cb_provider_error_get_retry_after (error), >=, 1);
  g_assert_cmpuint (cb_provider_error_get_retry_after (error), <=, 5);
  expected = g_strdup_printf ("Placing a call: %s is rate limiting requests (HTTP 429, retry after "
                              "%u s): Account rate limited, please throttle your requests.",
                              url, cb_provider_error_get_retry_after (error));
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpstr (cb_outcome_for_error (error, &retry_class), ==, CB_OUTCOME_RATE_LIMITED);
  g_assert_cmpint (retry_class, ==, CB_RETRY_BACKOFF);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Server error. */
  g_object_set (sim, "rate-429", 0.0, "rate-500", 1.0, NULL);
  call_id = place_call (provider, "+14155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (cb_provider_error_get_retry_after (error), ==, 0);
  g_assert_cmpstr (cb_outcome_for_error (error, &retry_class), ==, CB_OUTCOME_PROVIDER_ERROR);
  g_assert_cmpint (retry_class, ==, CB_RETRY_BACKOFF);
  g_clear_error (&error);

  /* No such call. */
  g_object_set (sim, "rate-500", 0.0, NULL);
  {
    g_autoptr(CbCallEvent) event = get_call (provider, "call_missing", &error);

    g_assert_null (event);
    g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NOT_FOUND);
    g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 404);
    g_clear_error (&error);
  }

  /* Errors from elsewhere carry no HTTP details. */
  {
    g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

    g_assert_cmpuint (cb_provider_error_get_http_status (other), ==, 0);
    g_assert_cmpuint (cb_provider_error_get_retry_after (other), ==, 0);
    g_assert_cmpstr (cb_outcome_for_error (other, &retry_class), ==, CB_OUTCOME_NETWORK_ERROR);
    g_assert_cmpint (retry_class, ==, CB_RETRY_BACKOFF);
  }
}

/* A provider that answers every request with the next of @answers, whatever it asked. */
static void
odd_answer_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GQueue *answers = user_data;
  const char *body = g_queue_pop_head (answers);

  g_assert_nonnull (body);
  soup_server_message_set_status (msg, g_str_has_prefix (path, "/v2/create") ? 201 : 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Answers of the wrong shape are errors that name what was missing, never a critical
 * (which would end this test) nor a call taken as placed. */
static void
test_odd_answers (void)
{
  static const char *creates[] = {
    "{\"call_id\":{\"id\":\"call_1\"}}",
    "{\"call_id\":5}",
    "{\"call_id\":null}",
    "[\"call_1\"]",
  };
  static const char *gets[] = {
    "{\"call_id\":\"call_1\",\"call_status\":[\"ended\"]}",
    "{\"call_id\":\"call_1\",\"call_status\":{\"ended\":true}}",
  };
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(CbProvider) provider = NULL;
  g_autofree char *url = NULL;
  GQueue answers = G_QUEUE_INIT;

  soup_server_add_handler (server, NULL, odd_answer_cb, &answers, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  provider = cb_provider_retell_new (url, KEY);

  for (guint i = 0; i < G_N_ELEMENTS (creates); i++)
    {
      g_autofree char *call_id = NULL;
      g_autofree char *expected = NULL;

      g_test_message ("create answered %s", creates[i]);
      g_queue_push_tail (&answers, (gpointer) creates[i]);
      call_id = place_call (provider, "+14155550123", NULL, NULL, NULL, &error);
      g_assert_null (call_id);
      g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_RESPONSE);
      expected = g_strdup_printf (i < 3 ? "Placing a call: %s answered without a call_id"
                                        : "Placing a call: %s answered with something other "
                                          "than a JSON object", url);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (gets); i++)
    {
      g_autoptr(CbCallEvent) event = NULL;

      g_test_message ("get-call answered %s", gets[i]);
      g_queue_push_tail (&answers, (gpointer) gets[i]);
      event = get_call (provider, "call_1", &error);
      g_assert_null (event);
      g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_suffix (error->message, "answered with an unknown call_status “”"));
      g_clear_error (&error);
    }

  g_assert_true (g_queue_is_empty (&answers));
}

static void
test_network_errors (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbProvider) provider = NULL;
  g_autoptr(CbProvider) slow_provider = NULL;
  g_autoptr(CbSimServer) sim = NULL;
  g_autofree char *url = NULL;
  g_autofree char *call_id = NULL;
  CbRetryClass retry_class;

  /* A port nobody listens on: bind one, note it, close it. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  provider = cb_provider_retell_new (url, KEY);
  call_id = place_call (provider, "+14155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NETWORK);
  g_assert_cmpuint (cb_provider_error_get_http_status (error), ==, 0);
  g_assert_cmpstr (cb_outcome_for_error (error, &retry_class), ==, CB_OUTCOME_NETWORK_ERROR);
  g_assert_cmpint (retry_class, ==, CB_RETRY_BACKOFF);
  g_clear_error (&error);

  /* An answer slower than the timeout. */
  sim = new_sim (6);
  g_object_set (sim, "slow-rate", 1.0, "slow-delay", 2500, NULL);
  slow_provider = g_object_new (CB_TYPE_PROVIDER_RETELL,
                                "base-url", cb_sim_server_get_url (sim),
                                "api-key", KEY,
                                "timeout", 1,
                                NULL);
  call_id = place_call (slow_provider, "+14155550123", NULL, NULL, NULL, &error);
  g_assert_null (call_id);
  g_assert_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_TIMEOUT);
  g_clear_error (&error);
}

static void
test_cancel (void)
{
  g_autoptr(CbSimServer) sim = new_sim (7);
  g_autoptr(CbProvider) provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *call_id = NULL;
  Waiter waiter = { NULL };

  g_object_set (sim, "slow-rate", 1.0, "slow-delay", 200, NULL);
  cb_provider_place_call_async (provider, FROM, "+14155550123", NULL, NULL, NULL, cancellable,
                                store_result, &waiter);
  g_cancellable_cancel (cancellable);
  cb_test_wait_until (has_result, &waiter, 30);
  call_id = cb_provider_place_call_finish (provider, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_null (call_id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Let the held-back answer go out before the simulator is torn down. */
  cb_test_spin (300);
}

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_webhooks (void)
{
  g_autoptr(CbProvider) provider = cb_provider_retell_new (NULL, KEY);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) ended = bytes_of ("{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_1\","
                                      "\"call_status\":\"not_connected\","
                                      "\"disconnection_reason\":\"dial_busy\","
                                      "\"end_timestamp\":1714000000000,\"duration_ms\":0,"
                                      "\"metadata\":{\"attempt_id\":\"att_9\"}}}");
  g_autoptr(GBytes) started = bytes_of ("{\"event\":\"call_started\",\"call\":{\"call_id\":\"call_1\","
                                        "\"call_status\":\"ongoing\","
                                        "\"start_timestamp\":1714000000000}}");
  g_autoptr(GBytes) hangup = bytes_of ("{\"event\":\"call_analyzed\",\"call\":{\"call_id\":\"call_2\","
                                       "\"call_status\":\"ended\",\"start_timestamp\":1,"
                                       "\"end_timestamp\":61001,\"duration_ms\":61000,"
                                       "\"disconnection_reason\":\"some_new_reason\","
                                       "\"call_analysis\":{\"call_successful\":true}}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  gint64 now = 1714000000000;
  static const struct {
    const char *body;
    CbProviderError code;
    const char *message;
  } bad[] = {
    { "", CB_PROVIDER_ERROR_INVALID_EVENT, "The webhook body is empty" },
    { "\x01\x02garbage", CB_PROVIDER_ERROR_INVALID_EVENT, NULL },
    { "[]", CB_PROVIDER_ERROR_INVALID_EVENT, "The webhook body is not a JSON object" },
    { "{\"call\":{}}", CB_PROVIDER_ERROR_INVALID_EVENT, "The webhook body has no “event” string" },
    { "{\"event\":\"call_ended\"}", CB_PROVIDER_ERROR_INVALID_EVENT,
      "The “call_ended” webhook has no “call” object" },
    { "{\"event\":\"call_ended\",\"call\":{\"call_status\":\"ended\"}}",
      CB_PROVIDER_ERROR_INVALID_EVENT, "The call object has no call_id" },
    { "{\"event\":\"call_ended\",\"call\":{\"call_id\":\"c\",\"call_status\":\"gone\"}}",
      CB_PROVIDER_ERROR_INVALID_EVENT, "Call “c” has an unknown call_status “gone”" },
    { "{\"event\":\"transcript_updated\",\"call\":{\"call_id\":\"c\"}}",
      CB_PROVIDER_ERROR_IGNORED_EVENT, "The webhook event “transcript_updated” is not one "
                                       "Callboard uses" },
  };

  /* Signature: checked over the raw bytes, before parsing. */
  signature = cb_signature_retell_sign (KEY, ended, now);
  soup_message_headers_replace (headers, "X-Retell-Signature", signature);
  g_assert_true (cb_provider_verify_webhook (provider, headers, ended, now + 1000, &error));
  g_assert_no_error (error);
  g_assert_false (cb_provider_verify_webhook (provider, headers, started, now, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (cb_provider_verify_webhook (provider, headers, ended, now + 10 * 60 * 1000,
                                              &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_EXPIRED);
  g_clear_error (&error);
  soup_message_headers_remove (headers, "x-retell-signature");
  g_assert_false (cb_provider_verify_webhook (provider, headers, ended, now, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING);
  g_clear_error (&error);

  {
    g_autoptr(CbCallEvent) event = cb_provider_parse_webhook (provider, ended, &error);

    g_assert_no_error (error);
    g_assert_cmpint (event->kind, ==, CB_CALL_EVENT_ENDED);
    g_assert_cmpstr (event->provider_call_id, ==, "call_1");
    g_assert_cmpint (event->call_status, ==, CB_CALL_STATUS_NOT_CONNECTED);
    g_assert_cmpstr (event->outcome, ==, CB_OUTCOME_BUSY);
    g_assert_cmpint (event->retry_class, ==, CB_RETRY_AFTER_DELAY);
    g_assert_cmpint (event->end_ms, ==, 1714000000000);
    g_assert_cmpstr (event->attempt_id, ==, "att_9");
    g_assert_null (event->batch_id);
    g_assert_null (event->analysis_json);
  }

  {
    g_autoptr(CbCallEvent) event = cb_provider_parse_webhook (provider, started, &error);

    g_assert_no_error (error);
    g_assert_cmpint (event->kind, ==, CB_CALL_EVENT_STARTED);
    g_assert_cmpint (event->call_status, ==, CB_CALL_STATUS_ONGOING);
    g_assert_null (event->outcome);
    g_assert_cmpint (event->retry_class, ==, CB_RETRY_NEVER);
    g_assert_cmpint (event->start_ms, ==, 1714000000000);
  }

  {
    /* A reason Callboard does not know, on a call that connected: answered. */
    g_autoptr(CbCallEvent) event = cb_provider_parse_webhook (provider, hangup, &error);

    g_assert_no_error (error);
    g_assert_cmpint (event->kind, ==, CB_CALL_EVENT_ANALYZED);
    g_assert_cmpstr (event->outcome, ==, CB_OUTCOME_ANSWERED);
    g_assert_cmpint (event->duration_ms, ==, 61000);
    g_assert_cmpstr (event->analysis_json, ==, "{\"call_successful\":true}");
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) body = bytes_of (bad[i].body);
      g_autoptr(CbCallEvent) event = cb_provider_parse_webhook (provider, body, &error);

      g_test_message ("%s", bad[i].body);
      g_assert_null (event);
      g_assert_error (error, CB_PROVIDER_ERROR, bad[i].code);
      if (bad[i].message != NULL)
        g_assert_cmpstr (error->message, ==, bad[i].message);
      else
        g_assert_true (g_str_has_prefix (error->message, "The webhook body is not valid JSON: "));
      g_clear_error (&error);
    }
}

static void
test_outcome_table (void)
{
  /* PROVIDERS.md's list and SPEC §3: written out independently of the table. */
  static const struct {
    const char *reason;
    const char *outcome;
    CbRetryClass retry_class;
  } expected[] = {
    { "dial_busy", "busy", CB_RETRY_AFTER_DELAY },
    { "dial_no_answer", "no_answer", CB_RETRY_AFTER_DELAY },
    { "dial_failed", "failed", CB_RETRY_AFTER_DELAY },
    { "voicemail_reached", "voicemail", CB_RETRY_AFTER_DELAY },
    { "invalid_destination", "invalid_destination", CB_RETRY_NEVER },
    { "concurrency_limit_reached", "provider_error", CB_RETRY_BACKOFF },
    { "no_valid_payment", "provider_error", CB_RETRY_AFTER_DELAY },
    { "marked_as_spam", "blocked", CB_RETRY_NEVER },
    { "user_declined", "declined", CB_RETRY_NEVER },
    { "user_hangup", "answered", CB_RETRY_NEVER },
    { "agent_hangup", "answered", CB_RETRY_NEVER },
    { "call_transfer", "answered", CB_RETRY_NEVER },
    { "inactivity", "answered", CB_RETRY_NEVER },
    { "max_duration_reached", "answered", CB_RETRY_NEVER },
    { "error_llm_websocket_open", "provider_error", CB_RETRY_AFTER_DELAY },
    { "telephony_provider_unavailable", "provider_error", CB_RETRY_BACKOFF },
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const CbOutcomeInfo *table;
  const CbOutcomeInfo *info;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      /* The table decides whatever the caller guessed about the connection. */
      for (guint connected = 0; connected < 2; connected++)
        {
          info = cb_outcome_lookup (expected[i].reason, connected);
          g_assert_cmpstr (info->reason, ==, expected[i].reason);
          g_assert_cmpstr (info->outcome, ==, expected[i].outcome);
          g_assert_cmpint (info->retry_class, ==, expected[i].retry_class);
        }
    }

  /* Defaults. */
  info = cb_outcome_lookup ("brand_new_reason", TRUE);
  g_assert_cmpstr (info->outcome, ==, "answered");
  g_assert_cmpint (info->retry_class, ==, CB_RETRY_NEVER);
  info = cb_outcome_lookup ("brand_new_reason", FALSE);
  g_assert_cmpstr (info->outcome, ==, "failed");
  g_assert_cmpint (info->retry_class, ==, CB_RETRY_AFTER_DELAY);
  info = cb_outcome_lookup ("error_brand_new", FALSE);
  g_assert_cmpstr (info->outcome, ==, "provider_error");
  g_assert_cmpint (info->retry_class, ==, CB_RETRY_AFTER_DELAY);
  info = cb_outcome_lookup (NULL, FALSE);
  g_assert_cmpstr (info->outcome, ==, "failed");
  g_assert_null (info->reason);

  /* One row per reason; connected rows are never retried. */
  table = cb_outcome_get_table (&n);
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (table[i].reason);
      g_assert_false (g_hash_table_contains (seen, table[i].reason));
      g_hash_table_add (seen, (gpointer) table[i].reason);
      if (table[i].connected && !g_str_equal (table[i].outcome, "voicemail"))
        g_assert_cmpint (table[i].retry_class, ==, CB_RETRY_NEVER);
    }

  g_assert_cmpstr (cb_retry_class_to_string (CB_RETRY_NEVER), ==, "never");
  g_assert_cmpstr (cb_retry_class_to_string (CB_RETRY_AFTER_DELAY), ==, "after_delay");
  g_assert_cmpstr (cb_retry_class_to_string (CB_RETRY_BACKOFF), ==, "backoff");
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/provider-retell/place-call", test_place_call);
  g_test_add_func ("/provider-retell/get-call/answered", test_get_call_answered);
  g_test_add_func ("/provider-retell/get-call/other-outcomes", test_get_call_other_outcomes);
  g_test_add_func ("/provider-retell/get-call/registered", test_get_call_registered);
  g_test_add_func ("/provider-retell/errors", test_errors);
  g_test_add_func ("/provider-retell/odd-answers", test_odd_answers);
  g_test_add_func ("/provider-retell/network-errors", test_network_errors);
  g_test_add_func ("/provider-retell/cancel", test_cancel);
  g_test_add_func ("/provider-retell/webhooks", test_webhooks);
  g_test_add_func ("/provider-retell/outcome-table", test_outcome_table);

  return g_test_run ();
}
