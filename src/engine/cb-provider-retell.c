/* cb-provider-retell.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-provider-retell"

#include "config.h"

#include "cb-provider-retell.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cb-call-event.h"
#include "cb-signature.h"

/* Requests to the provider at once. libsoup 3.2 checks every idle connection with a read
 * (and a GError) each time it picks one for a request, so each idle connection costs every
 * request: with 256 a burst of creates made 75 reads a call. 32 keep a provider that takes
 * 300 ms to answer a create at 100 calls placed a second. */
#define MAX_CONNECTIONS 32

struct _CbProviderRetell
{
  CbProvider   parent_instance;

  char        *base_url;
  char        *api_key;
  char        *authorization;
  SoupSession *session;
  guint        timeout_s;
};

G_DEFINE_FINAL_TYPE (CbProviderRetell, cb_provider_retell, CB_TYPE_PROVIDER)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_SESSION,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

SoupSession *
cb_provider_retell_new_session (guint timeout_s)
{
  return soup_session_new_with_options ("max-conns", MAX_CONNECTIONS,
                                        "max-conns-per-host", MAX_CONNECTIONS,
                                        "timeout", timeout_s,
                                        "idle-timeout", 60,
                                        "user-agent", "Callboard/" PACKAGE_VERSION " ",
                                        NULL);
}

/* Response handling */

static guint
parse_retry_after (SoupMessageHeaders *headers)
{
  g_autofree char *value = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  guint64 seconds;

  if (value == NULL)
    return 0;

  g_strstrip (value);
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &seconds, NULL))
    return (guint) seconds;

  /* Or an HTTP date. */
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    GTimeSpan span;

    if (when == NULL)
      return 0;
    span = g_date_time_difference (when, now);
    if (span <= 0)
      return 0;
    return (guint) MIN ((span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, G_MAXUINT);
  }
}

/* The provider's own explanation: {"message": …}, {"error_message": …} or
 * {"error": {"message": …}} / {"error": "…"}. */
static char *
error_message_from_body (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  static const char *names[] = { "message", "error_message", "error" };
  gconstpointer data;
  JsonObject *object;
  JsonNode *root;
  gsize len;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &len);
  if (len == 0 || !cb_json_parser_load (parser, data, len, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node == NULL)
        continue;
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          const char *message = cb_json_object_get_string (json_node_get_object (node), "message");

          if (message != NULL)
            return g_strdup (message);
        }
    }

  return NULL;
}

/* Turns a finished exchange into a CB_PROVIDER_ERROR, or returns NULL for a 2xx. */
static GError *
error_from_exchange (CbProviderRetell *self,
                     SoupMessage      *msg,
                     GBytes           *body,
                     GError           *transport_error,
                     const char       *what)
{
  g_autofree char *reason = NULL;
  SoupStatus status;
  CbProviderError code;

  if (transport_error != NULL)
    {
      if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        return cb_provider_error_new (CB_PROVIDER_ERROR_TIMEOUT, 0, 0,
                                      _("%s: %s did not answer within %u seconds"),
                                      what, self->base_url, self->timeout_s);

      return cb_provider_error_new (CB_PROVIDER_ERROR_NETWORK, 0, 0,
                                    _("%s: could not reach %s: %s"),
                                    what, self->base_url, transport_error->message);
    }

  status = soup_message_get_status (msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return NULL;

  reason = error_message_from_body (body);
  if (reason == NULL)
    reason = g_strdup (soup_message_get_reason_phrase (msg));

  if (status == 429)
    {
      guint retry_after = parse_retry_after (soup_message_get_response_headers (msg));

      return cb_provider_error_new (CB_PROVIDER_ERROR_RATE_LIMITED, status, retry_after,
                                    _("%s: %s is rate limiting requests (HTTP %u, retry after "
                                      "%u s): %s"),
                                    what, self->base_url, status, retry_after, reason);
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_PAYMENT_REQUIRED ||
      status == SOUP_STATUS_FORBIDDEN)
    return cb_provider_error_new (CB_PROVIDER_ERROR_UNAUTHORIZED, status, 0,
                                  _("%s: %s refused the account’s API key (HTTP %u): %s"),
                                  what, self->base_url, status, reason);

  if (status == SOUP_STATUS_NOT_FOUND)
    code = CB_PROVIDER_ERROR_NOT_FOUND;
  else if (status >= 400 && status < 500)
    code = CB_PROVIDER_ERROR_BAD_REQUEST;
  else if (status >= 500 && status < 600)
    code = CB_PROVIDER_ERROR_SERVER;
  else
    code = CB_PROVIDER_ERROR_INVALID_RESPONSE;

  return cb_provider_error_new (code, status, 0, _("%s: %s answered HTTP %u: %s"),
                                what, self->base_url, status, reason);
}

static JsonObject *
parse_object_body (CbProviderRetell  *self,
                   GBytes            *body,
                   const char        *what,
                   GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gconstpointer data;
  gsize len;

  /* Each call placed is answered with the whole call object: read by the fast reader. */
  data = g_bytes_get_data (body, &len);
  if (!(root = cb_json_parse (len > 0 ? data : "", len, &local_error)))
    {
      g_propagate_error (error,
                         cb_provider_error_new (CB_PROVIDER_ERROR_INVALID_RESPONSE, 200, 0,
                                                _("%s: %s answered with invalid JSON: %s"),
                                                what, self->base_url, local_error->message));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error,
                         cb_provider_error_new (CB_PROVIDER_ERROR_INVALID_RESPONSE, 200, 0,
                                                _("%s: %s answered with something other "
                                                  "than a JSON object"),
                                                what, self->base_url));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Requests */

static SoupMessage *
new_request (CbProviderRetell *self,
             const char       *method,
             const char       *path,
             JsonNode         *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization", self->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (body != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize len;

      text = json_to_string (body, FALSE);
      len = strlen (text);
      bytes = g_bytes_new_take (g_steal_pointer (&text), len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  /* POSTs are not idempotent to libsoup, which then opens a new connection for each
   * instead of reusing an idle keep-alive one: at hundreds of calls a second that
   * exhausts ports. The flag only lets the connection be reused: libsoup re-sends a
   * request whose reused connection closed before any answer only when its method is
   * idempotent (GET, HEAD…), never a POST, so a create is never sent twice behind our
   * back (tests/test-engine-safety.c proves it against a connection dropped mid-request). */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  return msg;
}

static JsonNode *
build_create_body (const char *from_number,
                   const char *to_number,
                   const char *agent_id,
                   JsonObject *dynamic_vars,
                   JsonObject *metadata)
{
  /* Not an immutable builder: that would seal the caller's objects added to it. */
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from_number");
  json_builder_add_string_value (builder, from_number);
  json_builder_set_member_name (builder, "to_number");
  json_builder_add_string_value (builder, to_number);

  if (agent_id != NULL && agent_id[0] != '\0')
    {
      json_builder_set_member_name (builder, "override_agent_id");
      json_builder_add_string_value (builder, agent_id);
    }

  if (dynamic_vars != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (dynamic_vars);

      /* Retell takes string → string only. In the caller's order. */
      json_builder_set_member_name (builder, "retell_llm_dynamic_variables");
      json_builder_begin_object (builder);
      for (const GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (dynamic_vars, l->data);

          json_builder_set_member_name (builder, l->data);
          if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
            {
              json_builder_add_string_value (builder, json_node_get_string (value));
            }
          else if (JSON_NODE_HOLDS_NULL (value))
            {
              json_builder_add_string_value (builder, "");
            }
          else
            {
              g_autofree char *text = json_to_string (value, FALSE);
              json_builder_add_string_value (builder, text);
            }
        }
      json_builder_end_object (builder);
    }

  if (metadata != NULL)
    {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), metadata));
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
place_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  CbProviderRetell *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) transport_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  GError *error;
  const char *call_id;
  const char *what = _("Placing a call");

  body = soup_session_send_and_read_finish (session, result, &transport_error);
  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&transport_error));
      return;
    }

  if ((error = error_from_exchange (self, msg, body, transport_error, what)) != NULL)
    {
      /* Not one byte of the request was written: no call can have been placed. */
      if (transport_error != NULL && g_object_get_data (G_OBJECT (msg), "cb-wrote-headers") == NULL)
        cb_provider_error_set_unsent (error);
      g_task_return_error (task, error);
      return;
    }

  if (!(call = parse_object_body (self, body, what, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  call_id = cb_json_object_get_string (call, "call_id");
  if (call_id == NULL || call_id[0] == '\0')
    {
      g_task_return_error (task,
                           cb_provider_error_new (CB_PROVIDER_ERROR_INVALID_RESPONSE,
                                                  soup_message_get_status (msg), 0,
                                                  _("%s: %s answered without a call_id"),
                                                  what, self->base_url));
      return;
    }

  g_task_return_pointer (task, g_strdup (call_id), g_free);
}

static void
wrote_headers_cb (SoupMessage *msg,
                  gpointer     user_data)
{
  g_object_set_data (G_OBJECT (msg), "cb-wrote-headers", GINT_TO_POINTER (TRUE));
}

static void
cb_provider_retell_place_call_async (CbProvider          *provider,
                                     const char          *from_number,
                                     const char          *to_number,
                                     const char          *agent_id,
                                     JsonObject          *dynamic_vars,
                                     JsonObject          *metadata,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  SoupMessage *msg;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_provider_retell_place_call_async);

  body = build_create_body (from_number, to_number, agent_id, dynamic_vars, metadata);
  msg = new_request (self, SOUP_METHOD_POST, "/v2/create-phone-call", body);
  if (msg == NULL)
    {
      g_task_return_error (task,
                           cb_provider_error_new (CB_PROVIDER_ERROR_NETWORK, 0, 0,
                                                  _("The provider’s base URL “%s” is not a "
                                                    "valid HTTP URL"),
                                                  self->base_url));
      return;
    }

  g_task_set_task_data (task, msg, g_object_unref);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (wrote_headers_cb), NULL);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    place_call_cb, g_steal_pointer (&task));
}

static char *
cb_provider_retell_place_call_finish (CbProvider    *provider,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        cb_provider_retell_place_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
get_call_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  CbProviderRetell *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) transport_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  CbCallEvent *event;
  GError *error = NULL;
  const char *what = _("Reading a call");
  const char *status_text;
  CbCallStatus status;
  CbCallEventKind kind;

  body = soup_session_send_and_read_finish (session, result, &transport_error);
  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&transport_error));
      return;
    }

  if ((error = error_from_exchange (self, msg, body, transport_error, what)) != NULL ||
      !(call = parse_object_body (self, body, what, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  status_text = cb_json_object_get_string (call, "call_status");
  if (!cb_call_status_from_string (status_text, &status))
    {
      g_task_return_error (task,
                           cb_provider_error_new (CB_PROVIDER_ERROR_INVALID_RESPONSE,
                                                  soup_message_get_status (msg), 0,
                                                  _("%s: %s answered with an unknown "
                                                    "call_status “%s”"),
                                                  what, self->base_url,
                                                  status_text ? status_text : ""));
      return;
    }

  switch (status)
    {
    case CB_CALL_STATUS_REGISTERED:
      kind = CB_CALL_EVENT_REGISTERED;
      break;
    case CB_CALL_STATUS_ONGOING:
      kind = CB_CALL_EVENT_STARTED;
      break;
    case CB_CALL_STATUS_NOT_CONNECTED:
    case CB_CALL_STATUS_ENDED:
    case CB_CALL_STATUS_ERROR:
    default:
      kind = json_object_has_member (call, "call_analysis") &&
             JSON_NODE_HOLDS_OBJECT (json_object_get_member (call, "call_analysis"))
             ? CB_CALL_EVENT_ANALYZED : CB_CALL_EVENT_ENDED;
      break;
    }

  if (!(event = cb_provider_retell_event_from_call (call, kind, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, event, (GDestroyNotify) cb_call_event_free);
}

static void
cb_provider_retell_get_call_async (CbProvider          *provider,
                                   const char          *call_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (provider);
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  SoupMessage *msg;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_provider_retell_get_call_async);

  escaped = g_uri_escape_string (call_id, NULL, FALSE);
  path = g_strconcat ("/v2/get-call/", escaped, NULL);
  msg = new_request (self, SOUP_METHOD_GET, path, NULL);
  if (msg == NULL)
    {
      g_task_return_error (task,
                           cb_provider_error_new (CB_PROVIDER_ERROR_NETWORK, 0, 0,
                                                  _("The provider’s base URL “%s” is not a "
                                                    "valid HTTP URL"),
                                                  self->base_url));
      return;
    }

  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    get_call_cb, g_steal_pointer (&task));
}

static CbCallEvent *
cb_provider_retell_get_call_finish (CbProvider    *provider,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        cb_provider_retell_get_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Call objects and webhooks */

static gint64
get_int_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return (gint64) json_node_get_double (node);
    default:
      return 0;
    }
}

CbCallEvent *
cb_provider_retell_event_from_call (JsonObject       *call,
                                    CbCallEventKind   kind,
                                    GError          **error)
{
  g_autoptr(CbCallEvent) event = NULL;
  g_autofree char *status_text = NULL;
  JsonNode *node;

  g_return_val_if_fail (call != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  event = cb_call_event_new ();
  event->kind = kind;
  event->provider_call_id = cb_json_object_dup_string (call, "call_id");
  if (event->provider_call_id == NULL || event->provider_call_id[0] == '\0')
    {
      g_set_error_literal (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                           _("The call object has no call_id"));
      return NULL;
    }

  status_text = cb_json_object_dup_string (call, "call_status");
  if (status_text == NULL)
    {
      /* Infer what the event itself says. */
      event->call_status = kind == CB_CALL_EVENT_STARTED ? CB_CALL_STATUS_ONGOING
                         : kind == CB_CALL_EVENT_REGISTERED ? CB_CALL_STATUS_REGISTERED
                         : CB_CALL_STATUS_ENDED;
    }
  else if (!cb_call_status_from_string (status_text, &event->call_status))
    {
      g_set_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                   _("Call “%s” has an unknown call_status “%s”"),
                   event->provider_call_id, status_text);
      return NULL;
    }

  event->disconnection_reason = cb_json_object_dup_string (call, "disconnection_reason");
  event->from_number = cb_json_object_dup_string (call, "from_number");
  event->to_number = cb_json_object_dup_string (call, "to_number");
  event->start_ms = get_int_member (call, "start_timestamp");
  event->end_ms = get_int_member (call, "end_timestamp");
  event->duration_ms = get_int_member (call, "duration_ms");
  event->transcript = cb_json_object_dup_string (call, "transcript");

  node = json_object_get_member (call, "call_analysis");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    event->analysis_json = json_to_string (node, FALSE);

  node = json_object_get_member (call, "metadata");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      /* What cb_call_event_set_metadata_json() does, from the tree already parsed. */
      JsonObject *metadata = json_node_get_object (node);

      event->metadata_json = json_to_string (node, FALSE);
      event->batch_id = cb_json_object_dup_string (metadata, CB_CALL_METADATA_BATCH_ID);
      event->recipient_id = cb_json_object_dup_string (metadata, CB_CALL_METADATA_RECIPIENT_ID);
      event->attempt_id = cb_json_object_dup_string (metadata, CB_CALL_METADATA_ATTEMPT_ID);
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    event->metadata_json = json_to_string (node, FALSE);

  if (kind == CB_CALL_EVENT_ENDED || kind == CB_CALL_EVENT_ANALYZED)
    {
      const CbOutcomeInfo *info;
      gboolean connected;
      const char *reason = event->disconnection_reason;

      connected = event->call_status == CB_CALL_STATUS_ENDED && event->start_ms > 0;
      if (reason == NULL && event->call_status == CB_CALL_STATUS_ERROR)
        reason = "error_unknown";
      info = cb_outcome_lookup (reason, connected);
      event->outcome = info->outcome;
      event->retry_class = info->retry_class;
    }

  return g_steal_pointer (&event);
}

static gboolean
cb_provider_retell_verify_webhook (CbProvider          *provider,
                                   SoupMessageHeaders  *headers,
                                   GBytes              *body,
                                   gint64               now_ms,
                                   GError             **error)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (provider);

  return cb_signature_retell_verify (self->api_key, body,
                                     soup_message_headers_get_one (headers,
                                                                   CB_SIGNATURE_RETELL_HEADER),
                                     now_ms, error);
}

static CbCallEvent *
cb_provider_retell_parse_webhook (CbProvider  *provider,
                                  GBytes      *body,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gconstpointer data;
  JsonObject *object;
  JsonNode *root;
  JsonNode *call;
  g_autofree char *event = NULL;
  CbCallEventKind kind;
  gsize len;

  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      g_set_error_literal (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                           _("The webhook body is empty"));
      return NULL;
    }

  if (!cb_json_parser_load (parser, data, len, &local_error))
    {
      g_set_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                   _("The webhook body is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                           _("The webhook body is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  event = cb_json_object_dup_string (object, "event");
  if (event == NULL)
    {
      g_set_error_literal (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                           _("The webhook body has no “event” string"));
      return NULL;
    }

  if (g_str_equal (event, "call_started"))
    kind = CB_CALL_EVENT_STARTED;
  else if (g_str_equal (event, "call_ended"))
    kind = CB_CALL_EVENT_ENDED;
  else if (g_str_equal (event, "call_analyzed"))
    kind = CB_CALL_EVENT_ANALYZED;
  else
    {
      g_set_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_IGNORED_EVENT,
                   _("The webhook event “%s” is not one Callboard uses"), event);
      return NULL;
    }

  call = json_object_get_member (object, "call");
  if (call == NULL || !JSON_NODE_HOLDS_OBJECT (call))
    {
      g_set_error (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_INVALID_EVENT,
                   _("The “%s” webhook has no “call” object"), event);
      return NULL;
    }

  return cb_provider_retell_event_from_call (json_node_get_object (call), kind, error);
}

/* GObject */

static void
cb_provider_retell_constructed (GObject *object)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (object);

  G_OBJECT_CLASS (cb_provider_retell_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = g_strdup (CB_PROVIDER_RETELL_DEFAULT_BASE_URL);
  if (self->api_key == NULL)
    self->api_key = g_strdup ("");
  if (self->session == NULL)
    self->session = cb_provider_retell_new_session (self->timeout_s);
  else
    self->timeout_s = soup_session_get_timeout (self->session);

  self->authorization = g_strconcat ("Bearer ", self->api_key, NULL);
}

static void
cb_provider_retell_dispose (GObject *object)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_provider_retell_parent_class)->dispose (object);
}

static void
cb_provider_retell_finalize (GObject *object)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (object);

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->authorization, g_free);

  G_OBJECT_CLASS (cb_provider_retell_parent_class)->finalize (object);
}

static void
cb_provider_retell_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_s);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_provider_retell_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CbProviderRetell *self = CB_PROVIDER_RETELL (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);

        g_free (self->base_url);
        /* "http://host:port/" and "http://host:port" name the same API. */
        self->base_url = url != NULL ? g_strdup (url) : NULL;
        if (self->base_url != NULL && g_str_has_suffix (self->base_url, "/"))
          self->base_url[strlen (self->base_url) - 1] = '\0';
      }
      break;

    case PROP_API_KEY:
      g_free (self->api_key);
      self->api_key = g_value_dup_string (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_TIMEOUT:
      self->timeout_s = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_provider_retell_class_init (CbProviderRetellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CbProviderClass *provider_class = CB_PROVIDER_CLASS (klass);

  object_class->constructed = cb_provider_retell_constructed;
  object_class->dispose = cb_provider_retell_dispose;
  object_class->finalize = cb_provider_retell_finalize;
  object_class->get_property = cb_provider_retell_get_property;
  object_class->set_property = cb_provider_retell_set_property;

  provider_class->place_call_async = cb_provider_retell_place_call_async;
  provider_class->place_call_finish = cb_provider_retell_place_call_finish;
  provider_class->get_call_async = cb_provider_retell_get_call_async;
  provider_class->get_call_finish = cb_provider_retell_get_call_finish;
  provider_class->verify_webhook = cb_provider_retell_verify_webhook;
  provider_class->parse_webhook = cb_provider_retell_parse_webhook;

  properties [PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         CB_PROVIDER_RETELL_DEFAULT_BASE_URL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties [PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties [PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties [PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, CB_PROVIDER_RETELL_DEFAULT_TIMEOUT_S,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_provider_retell_init (CbProviderRetell *self)
{
  self->timeout_s = CB_PROVIDER_RETELL_DEFAULT_TIMEOUT_S;
}

CbProvider *
cb_provider_retell_new (const char *base_url,
                        const char *api_key)
{
  g_return_val_if_fail (api_key != NULL, NULL);

  return g_object_new (CB_TYPE_PROVIDER_RETELL,
                       "base-url", base_url,
                       "api-key", api_key,
                       NULL);
}

const char *
cb_provider_retell_get_base_url (CbProviderRetell *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_RETELL (self), NULL);

  return self->base_url;
}
