/* test-sim.c — the call simulator over real loopback HTTP
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cb-signature.h"
#include "cb-sim-server.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define KEY "key_sim_test"
#define FROM "+14155550100"
#define SPEED 1000.0

/* A webhook receiver that checks every signature, as the engine's will. */

typedef struct
{
  char     *event;
  char     *call_id;
  char     *status;
  char     *reason;
  char     *attempt_id;
  gboolean  has_analysis;
  gboolean  in_voicemail;
  gint64    start_ms;
  gint64    end_ms;
  gint64    duration_ms;
} Hook;

typedef struct
{
  SoupServer *server;
  char       *url;
  GPtrArray  *hooks;
  guint       n_requests;
  guint       n_bad_signatures;
  guint       fail_first;    /* answer 500 to this many requests first */
} Receiver;

static void
hook_free (Hook *hook)
{
  g_free (hook->event);
  g_free (hook->call_id);
  g_free (hook->status);
  g_free (hook->reason);
  g_free (hook->attempt_id);
  g_free (hook);
}

static void
receiver_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Receiver *receiver = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *call;
  JsonObject *metadata;
  const char *header;
  Hook *hook;

  receiver->n_requests++;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "x-retell-signature");
  if (!cb_signature_retell_verify (KEY, body, header, g_get_real_time () / 1000, &error))
    {
      g_test_message ("Bad signature: %s", error->message);
      receiver->n_bad_signatures++;
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }

  if (receiver->n_requests <= receiver->fail_first)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  root = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  call = json_object_get_object_member (json_node_get_object (root), "call");
  metadata = json_object_get_object_member (call, "metadata");

  hook = g_new0 (Hook, 1);
  hook->event = g_strdup (json_object_get_string_member (json_node_get_object (root), "event"));
  hook->call_id = g_strdup (json_object_get_string_member (call, "call_id"));
  hook->status = g_strdup (json_object_get_string_member (call, "call_status"));
  hook->reason = g_strdup (json_object_get_string_member_with_default (call,
                                                                       "disconnection_reason",
                                                                       NULL));
  hook->attempt_id = g_strdup (json_object_get_string_member (metadata, "attempt_id"));
  hook->has_analysis = json_object_has_member (call, "call_analysis");
  if (hook->has_analysis)
    hook->in_voicemail = json_object_get_boolean_member (json_object_get_object_member (call,
                                                                                        "call_analysis"),
                                                         "in_voicemail");
  hook->start_ms = json_object_get_int_member_with_default (call, "start_timestamp", 0);
  hook->end_ms = json_object_get_int_member_with_default (call, "end_timestamp", 0);
  hook->duration_ms = json_object_get_int_member_with_default (call, "duration_ms", -1);
  g_ptr_array_add (receiver->hooks, hook);

  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static Receiver *
receiver_new (void)
{
  Receiver *receiver = g_new0 (Receiver, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  receiver->hooks = g_ptr_array_new_with_free_func ((GDestroyNotify) hook_free);
  receiver->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (receiver->server, "/webhooks/retell", receiver_handler, receiver, NULL);
  soup_server_listen_local (receiver->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (receiver->server);
  receiver->url = g_strdup_printf ("http://127.0.0.1:%d/webhooks/retell",
                                   g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return receiver;
}

static void
receiver_free (Receiver *receiver)
{
  soup_server_disconnect (receiver->server);
  g_object_unref (receiver->server);
  g_ptr_array_unref (receiver->hooks);
  g_free (receiver->url);
  g_free (receiver);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receiver, receiver_free)

/* Events the receiver saw for @call_id, in order, joined by spaces. */
static char *
events_of (Receiver   *receiver,
           const char *call_id)
{
  g_autoptr(GString) events = g_string_new (NULL);

  for (guint i = 0; i < receiver->hooks->len; i++)
    {
      Hook *hook = g_ptr_array_index (receiver->hooks, i);

      if (g_str_equal (hook->call_id, call_id))
        g_string_append_printf (events, "%s%s", events->len ? " " : "", hook->event);
    }

  return g_string_free (g_steal_pointer (&events), FALSE);
}

/* The simulator */

static CbSimServer *
new_sim (const char *webhook_url,
         guint64     seed)
{
  g_autoptr(GError) error = NULL;
  CbSimServer *sim = cb_sim_server_new (KEY);

  g_object_set (sim, "speed", SPEED, "seed", seed, "webhook-url", webhook_url, NULL);
  g_assert_true (cb_sim_server_listen (sim, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cb_sim_server_get_url (sim), "http://127.0.0.1:"));

  return sim;
}

static void
only_outcome (CbSimServer *sim,
              const char  *rate)
{
  g_object_set (sim,
                "answer-rate", 0.0,
                "no-answer-rate", 0.0,
                "busy-rate", 0.0,
                "failed-rate", 0.0,
                "voicemail-rate", 0.0,
                NULL);
  g_object_set (sim, rate, 1.0, NULL);
}

static char *
sim_url (CbSimServer *sim,
         const char  *path)
{
  return g_strconcat (cb_sim_server_get_url (sim), path, NULL);
}

static char *
create_body (const char *to,
             const char *attempt_id)
{
  return g_strdup_printf ("{\"from_number\":\"" FROM "\",\"to_number\":\"%s\","
                          "\"override_agent_id\":\"agent_x\","
                          "\"retell_llm_dynamic_variables\":{\"first_name\":\"Ann\"},"
                          "\"metadata\":{\"batch_id\":\"batch_1\",\"attempt_id\":\"%s\"}}",
                          to, attempt_id);
}

static char *
create_call (CbSimServer *sim,
             const char  *to,
             const char  *attempt_id)
{
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *body = create_body (to, attempt_id);
  g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, KEY, body);
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (response->status, ==, 201);
  root = cb_test_response_json (response);

  return g_strdup (json_object_get_string_member (json_node_get_object (root), "call_id"));
}

static JsonNode *
get_call (CbSimServer *sim,
          const char  *call_id)
{
  g_autofree char *path = g_strconcat ("/v2/get-call/", call_id, NULL);
  g_autofree char *url = sim_url (sim, path);
  g_autoptr(CbTestResponse) response = cb_test_http ("GET", url, KEY, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return cb_test_response_json (response);
}

typedef struct
{
  CbSimServer *sim;
  char        *call_id;
} CallRef;

static gboolean
call_analyzed (gpointer data)
{
  CallRef *ref = data;
  g_autoptr(JsonNode) call = get_call (ref->sim, ref->call_id);

  return json_object_has_member (json_node_get_object (call), "call_analysis");
}

static void
wait_analyzed (CbSimServer *sim,
               const char  *call_id)
{
  CallRef ref = { sim, (char *) call_id };

  cb_test_wait_until (call_analyzed, &ref, 30);
}

typedef struct
{
  Receiver    *receiver;
  CbSimServer *sim;
  guint        n_hooks;
} HookWait;

static gboolean
hooks_arrived (gpointer data)
{
  HookWait *wait = data;

  return wait->receiver->hooks->len >= wait->n_hooks &&
         cb_sim_server_get_n_pending_webhooks (wait->sim) == 0;
}

static void
wait_hooks (Receiver    *receiver,
            CbSimServer *sim,
            guint        n_hooks)
{
  HookWait wait = { receiver, sim, n_hooks };

  cb_test_wait_until (hooks_arrived, &wait, 30);
  g_assert_cmpuint (receiver->hooks->len, ==, n_hooks);
}

/* Strings a caller chose come back as they went in, whatever they hold. */
static void
test_json_escaping (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 11);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  const char *odd = "Ann \\\"Q\\\" \\\\ /\\n\\t\\u0001\\u001f\\u007f\\u00e9\\u2028";
  const char *decoded = "Ann \"Q\" \\ /\n\t\001\037\177\303\251\342\200\250";
  g_autofree char *body = g_strdup_printf ("{\"from_number\":\"" FROM "\","
                                           "\"to_number\":\"+14155550123\","
                                           "\"override_agent_id\":\"%s\","
                                           "\"retell_llm_dynamic_variables\":{\"first_name\":\"%s\"}}",
                                           odd, odd);
  g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, KEY, body);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) polled = NULL;
  JsonObject *call;

  g_assert_cmpuint (response->status, ==, 201);
  g_assert_nonnull (strstr (cb_test_response_text (response),
                            "\"agent_id\":\"Ann \\\"Q\\\" \\\\ /\\n\\t\\u0001\\u001f\\u007f\303\251\342\200\250\""));
  root = cb_test_response_json (response);
  call = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (call, "agent_id"), ==, decoded);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (call, "retell_llm_dynamic_variables"),
                                                  "first_name"), ==, decoded);

  polled = get_call (sim, json_object_get_string_member (call, "call_id"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (polled), "agent_id"),
                   ==, decoded);
}

/* A webhook receiver written against the socket, to answer in each of the ways HTTP/1.1
 * allows: chunked, closing, HTTP/1.0 up to the close, dropping a kept-alive connection
 * when the next request comes, or not answering at all. */

typedef enum
{
  RAW_CHUNKED,     /* 200, chunked body, kept alive */
  RAW_CLOSE,       /* 200 with Content-Length, then Connection: close */
  RAW_HTTP10,      /* HTTP/1.0 200, body up to the close */
  RAW_STALE,       /* 204 kept alive, but the second request of a connection is dropped */
  RAW_SILENT,      /* the first @n_silent requests get no answer at all */
  RAW_HOLD,        /* 204 kept alive, the answers held back until @released */
} RawMode;

typedef struct
{
  GSocketService *service;
  char           *url;
  RawMode         mode;
  GMutex          lock;
  GCond           cond;
  guint           n_active;      /* connections being served */
  guint           n_connections;
  guint           n_requests;
  guint           n_silent;
  guint           n_bad;         /* requests with a bad signature or body */
  gboolean        released;      /* RAW_HOLD */
  GPtrArray      *events;        /* "event call_id", in the order answered */
  char           *first_head;    /* the first request's line and headers */
} RawReceiver;

/* The value of header @name in @head, or NULL. */
static char *
raw_header (const char *head,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && (gsize) (colon - lines[i]) == strlen (name)
          && g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0)
        return g_strstrip (g_strdup (colon + 1));
    }

  return NULL;
}

/* Serves one connection; returns when it is closed. */
static void
raw_serve (RawReceiver       *raw,
           GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint n_on_connection = 0;

  for (;;)
    {
      g_autoptr(GString) head = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *length = NULL;
      g_autofree char *signature = NULL;
      g_autofree char *body = NULL;
      const char *answer = NULL;
      gboolean silent = FALSE;
      gsize n_read = 0;
      guint64 len;

      while (!g_str_has_suffix (head->str, "\r\n\r\n"))
        {
          char c;

          if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1)
            return;
          g_string_append_c (head, c);
        }

      length = raw_header (head->str, "Content-Length");
      g_assert_nonnull (length);
      g_assert_true (g_ascii_string_to_unsigned (length, 10, 1, 1 << 20, &len, NULL));
      body = g_malloc0 (len + 1);
      if (!g_input_stream_read_all (in, body, len, &n_read, NULL, NULL) || n_read != len)
        return;
      n_on_connection++;

      signature = raw_header (head->str, "X-Retell-Signature");
      bytes = g_bytes_new_static (body, len);
      root = json_from_string (body, NULL);

      g_mutex_lock (&raw->lock);
      raw->n_requests++;
      if (raw->first_head == NULL)
        raw->first_head = g_strdup (head->str);
      if (!cb_signature_retell_verify (KEY, bytes, signature, g_get_real_time () / 1000, &error)
          || root == NULL)
        raw->n_bad++;
      if (raw->mode == RAW_SILENT && raw->n_silent > 0)
        {
          raw->n_silent--;
          silent = TRUE;
        }
      g_mutex_unlock (&raw->lock);

      if (silent)
        {
          char c;

          /* Until the client gives up on the connection. */
          while (g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
            ;
          return;
        }

      if (raw->mode == RAW_STALE && n_on_connection == 2)
        return;

      if (root != NULL)
        {
          JsonObject *object = json_node_get_object (root);
          JsonObject *call = json_object_get_object_member (object, "call");

          g_mutex_lock (&raw->lock);
          g_ptr_array_add (raw->events,
                           g_strdup_printf ("%s %s", json_object_get_string_member (object, "event"),
                                            json_object_get_string_member (call, "call_id")));
          g_mutex_unlock (&raw->lock);
        }

      if (raw->mode == RAW_HOLD)
        {
          g_mutex_lock (&raw->lock);
          g_cond_broadcast (&raw->cond);
          while (!raw->released)
            g_cond_wait (&raw->cond, &raw->lock);
          g_mutex_unlock (&raw->lock);
        }

      switch (raw->mode)
        {
        case RAW_CHUNKED:
          answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3;x=y\r\n{\"s\r\nc\r\ntatus\":\"ok\"}\r\n0\r\nX-Trailer: 1\r\n\r\n";
          break;
        case RAW_CLOSE:
          answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
          break;
        case RAW_HTTP10:
          answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nreceived";
          break;
        case RAW_STALE:
        case RAW_SILENT:
        case RAW_HOLD:
        default:
          answer = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
          break;
        }

      if (!g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL))
        return;
      if (raw->mode == RAW_CLOSE || raw->mode == RAW_HTTP10)
        return;
    }
}

static gboolean
raw_run_cb (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source,
            gpointer                user_data)
{
  RawReceiver *raw = user_data;

  g_mutex_lock (&raw->lock);
  raw->n_active++;
  raw->n_connections++;
  g_mutex_unlock (&raw->lock);

  raw_serve (raw, connection);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  g_mutex_lock (&raw->lock);
  raw->n_active--;
  g_cond_broadcast (&raw->cond);
  g_mutex_unlock (&raw->lock);

  return TRUE;
}

static RawReceiver *
raw_receiver_new (RawMode mode)
{
  RawReceiver *raw = g_new0 (RawReceiver, 1);
  g_autoptr(GError) error = NULL;
  guint16 port;

  raw->mode = mode;
  raw->events = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&raw->lock);
  g_cond_init (&raw->cond);
  raw->service = g_threaded_socket_service_new (8);
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (raw->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (raw->service, "run", G_CALLBACK (raw_run_cb), raw);
  g_socket_service_start (raw->service);
  raw->url = g_strdup_printf ("http://127.0.0.1:%u/webhooks/retell?source=raw", port);

  return raw;
}

/* After the simulator is gone (its connections closed). */
static void
raw_receiver_free (RawReceiver *raw)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_socket_service_stop (raw->service);
  g_socket_listener_close (G_SOCKET_LISTENER (raw->service));

  g_mutex_lock (&raw->lock);
  while (raw->n_active > 0)
    g_assert_true (g_cond_wait_until (&raw->cond, &raw->lock, deadline));
  g_mutex_unlock (&raw->lock);

  g_object_unref (raw->service);
  g_ptr_array_unref (raw->events);
  g_free (raw->first_head);
  g_free (raw->url);
  g_mutex_clear (&raw->lock);
  g_cond_clear (&raw->cond);
  g_free (raw);
}

typedef struct
{
  RawReceiver *raw;
  CbSimServer *sim;
  guint        n_events;
} RawWait;

/* The events @raw has received so far. */
static guint
raw_n_events (RawReceiver *raw)
{
  guint n;

  g_mutex_lock (&raw->lock);
  n = raw->events->len;
  g_mutex_unlock (&raw->lock);

  return n;
}

static gboolean
raw_has_events (gpointer data)
{
  RawWait *wait = data;

  return raw_n_events (wait->raw) >= wait->n_events;
}

/* Received, and nothing left to send. */
static gboolean
raw_events_arrived (gpointer data)
{
  RawWait *wait = data;

  return raw_has_events (wait) && cb_sim_server_get_n_pending_webhooks (wait->sim) == 0;
}

/* Places an answered call through a simulator whose webhooks go to a receiver answering
 * as @mode says; checks its three events arrive once each, in order, signed. Returns the
 * receiver, for the counts. */
static RawReceiver *
run_raw (RawMode mode,
         guint   n_silent,
         guint   timeout_s)
{
  RawReceiver *raw = raw_receiver_new (mode);
  g_autoptr(CbSimServer) sim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  RawWait wait = { raw, NULL, 3 };

  raw->n_silent = n_silent;
  sim = g_object_new (CB_TYPE_SIM_SERVER, "api-key", KEY, "webhook-timeout", timeout_s, NULL);
  g_object_set (sim, "speed", SPEED, "seed", (guint64) 5, "webhook-url", raw->url, NULL);
  g_assert_true (cb_sim_server_listen (sim, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  only_outcome (sim, "answer-rate");

  id = create_call (sim, "+14155550123", "att_raw");
  wait.sim = sim;
  cb_test_wait_until (raw_events_arrived, &wait, 60);

  expected = g_strdup_printf ("call_started %s|call_ended %s|call_analyzed %s", id, id, id);
  g_ptr_array_add (raw->events, NULL);
  got = g_strjoinv ("|", (char **) raw->events->pdata);
  g_ptr_array_remove_index (raw->events, raw->events->len - 1);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (raw->n_bad, ==, 0);
  g_assert_cmpuint (cb_sim_server_get_n_pending_webhooks (sim), ==, 0);

  /* The request as written. */
  g_assert_true (g_str_has_prefix (raw->first_head,
                                   "POST /webhooks/retell?source=raw HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (raw->first_head, "\r\nContent-Type: application/json\r\n"));
  {
    g_autofree char *host = raw_header (raw->first_head, "Host");
    g_autofree char *want = g_strdup_printf ("127.0.0.1:%s", strrchr (raw->url, ':') + 1);

    *strchr (want, '/') = '\0';
    g_assert_cmpstr (host, ==, want);
  }

  g_clear_object (&sim);
  return raw;
}

static void
test_webhook_chunked (void)
{
  RawReceiver *raw = run_raw (RAW_CHUNKED, 0, 10);

  /* One kept-alive connection carried the three. */
  g_assert_cmpuint (raw->n_connections, ==, 1);
  g_assert_cmpuint (raw->n_requests, ==, 3);
  raw_receiver_free (raw);
}

static void
test_webhook_close (void)
{
  RawReceiver *raw = run_raw (RAW_CLOSE, 0, 10);

  g_assert_cmpuint (raw->n_connections, ==, 3);
  g_assert_cmpuint (raw->n_requests, ==, 3);
  raw_receiver_free (raw);
}

static void
test_webhook_http10 (void)
{
  RawReceiver *raw = run_raw (RAW_HTTP10, 0, 10);

  g_assert_cmpuint (raw->n_connections, ==, 3);
  g_assert_cmpuint (raw->n_requests, ==, 3);
  raw_receiver_free (raw);
}

static void
test_webhook_stale (void)
{
  RawReceiver *raw = run_raw (RAW_STALE, 0, 10);

  /* started on the first connection; ended dropped on it and sent again on a second;
   * analyzed dropped on that one and sent again on a third. */
  g_assert_cmpuint (raw->n_requests, ==, 5);
  g_assert_cmpuint (raw->n_connections, ==, 3);
  raw_receiver_free (raw);
}

static void
test_webhook_timeout (void)
{
  RawReceiver *raw;

  /* call_started waits 1 s for an answer twice, then goes through. */
  raw = run_raw (RAW_SILENT, 2, 1);
  g_assert_cmpuint (raw->n_requests, ==, 5);
  g_assert_cmpuint (raw->n_connections, ==, 3);
  raw_receiver_free (raw);
}

typedef struct
{
  RawReceiver *old;
  RawReceiver *new;
  CbSimServer *sim;
} RawPair;

static gboolean
raw_pair_done (gpointer data)
{
  RawPair *pair = data;

  return raw_n_events (pair->old) + raw_n_events (pair->new) >= 6
         && cb_sim_server_get_n_pending_webhooks (pair->sim) == 0;
}

static void
test_webhook_new_address (void)
{
  RawReceiver *old = raw_receiver_new (RAW_HOLD);
  RawReceiver *new = raw_receiver_new (RAW_CHUNKED);
  g_autoptr(CbSimServer) sim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expected = NULL;
  RawWait wait = { old, NULL, 1 };
  RawPair pair;

  sim = g_object_new (CB_TYPE_SIM_SERVER, "api-key", KEY, "webhook-timeout", 10, NULL);
  g_object_set (sim, "speed", SPEED, "seed", (guint64) 5, "webhook-url", old->url, NULL);
  g_assert_true (cb_sim_server_listen (sim, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  only_outcome (sim, "answer-rate");
  wait.sim = sim;

  /* The first call's call_started waits for its answer from the old address... */
  first = create_call (sim, "+14155550123", "att_old");
  cb_test_wait_until (raw_has_events, &wait, 60);

  /* ...while the address changes and a second call's webhook goes to the new one. */
  g_object_set (sim, "webhook-url", new->url, NULL);
  second = create_call (sim, "+14155550124", "att_new");
  wait.raw = new;
  cb_test_wait_until (raw_has_events, &wait, 60);

  /* The old connection answers at last: it is not used again. */
  g_mutex_lock (&old->lock);
  old->released = TRUE;
  g_cond_broadcast (&old->cond);
  g_mutex_unlock (&old->lock);

  pair.old = old;
  pair.new = new;
  pair.sim = sim;
  cb_test_wait_until (raw_pair_done, &pair, 60);
  g_clear_object (&sim);

  g_assert_cmpuint (old->events->len, ==, 1);
  expected = g_strdup_printf ("call_started %s", first);
  g_assert_cmpstr (g_ptr_array_index (old->events, 0), ==, expected);
  g_assert_cmpuint (new->events->len, ==, 5);
  g_assert_cmpuint (old->n_bad + new->n_bad, ==, 0);

  raw_receiver_free (old);
  raw_receiver_free (new);
}

/* Tests */

static void
test_routes (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 1);
  g_autofree char *health = sim_url (sim, "/healthz");
  g_autofree char *create = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *missing = sim_url (sim, "/v2/nothing");
  g_autofree char *unknown = sim_url (sim, "/v2/get-call/call_0000");
  g_autoptr(CbTestResponse) r1 = cb_test_http ("GET", health, NULL, NULL);
  g_autoptr(CbTestResponse) r2 = cb_test_http ("GET", create, KEY, NULL);
  g_autoptr(CbTestResponse) r3 = cb_test_http ("GET", missing, KEY, NULL);
  g_autoptr(CbTestResponse) r4 = cb_test_http ("GET", unknown, KEY, NULL);
  g_autoptr(CbTestResponse) r5 = cb_test_http ("GET", unknown, "wrong", NULL);

  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpstr (cb_test_response_text (r1), ==, "{\"status\":\"ok\"}");
  g_assert_cmpuint (r2->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (r2->headers, "Allow"), ==, "POST");
  g_assert_cmpuint (r3->status, ==, 404);
  g_assert_cmpuint (r4->status, ==, 404);
  g_assert_cmpstr (cb_test_response_text (r4), ==,
                   "{\"status\":\"error\",\"message\":\"Call call_0000 not found\"}");
  g_assert_cmpuint (r5->status, ==, 401);
}

static void
test_create (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 1);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *body = create_body ("+14155550123", "att_1");
  g_autoptr(CbTestResponse) response = NULL;
  g_autoptr(GRegex) id_regex = g_regex_new ("^call_[0-9a-f]{32}$", 0, 0, NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) polled = NULL;
  g_autofree char *expected = NULL;
  JsonObject *call;

  /* Real time, so the call is still ringing when read back. */
  g_object_set (sim, "speed", 1.0, NULL);
  response = cb_test_http ("POST", url, KEY, body);
  g_assert_cmpuint (response->status, ==, 201);
  root = cb_test_response_json (response);
  call = json_node_get_object (root);
  g_assert_true (g_regex_match (id_regex, json_object_get_string_member (call, "call_id"), 0, NULL));

  expected = g_strdup_printf ("{\"call_id\":\"%s\",\"call_type\":\"phone_call\","
                              "\"agent_id\":\"agent_x\",\"call_status\":\"registered\","
                              "\"from_number\":\"+14155550100\",\"to_number\":\"+14155550123\","
                              "\"direction\":\"outbound\","
                              "\"metadata\":{\"batch_id\":\"batch_1\",\"attempt_id\":\"att_1\"},"
                              "\"retell_llm_dynamic_variables\":{\"first_name\":\"Ann\"}}",
                              json_object_get_string_member (call, "call_id"));
  g_assert_cmpstr (cb_test_response_text (response), ==, expected);

  /* Without an agent override, the number's agent. */
  {
    g_autoptr(CbTestResponse) plain = cb_test_http ("POST", url, KEY,
                                                    "{\"from_number\":\"+14155550100\","
                                                    "\"to_number\":\"+442071838750\"}");
    g_autoptr(JsonNode) node = cb_test_response_json (plain);

    g_assert_cmpuint (plain->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "agent_id"),
                     ==, CB_SIM_SERVER_DEFAULT_AGENT_ID);
  }

  polled = get_call (sim, json_object_get_string_member (call, "call_id"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (polled), "call_status"),
                   ==, "registered");
}

static void
test_create_errors (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 1);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *calls_url = sim_url (sim, "/sim/calls");
  static const struct {
    const char *bearer;
    const char *body;
    guint status;
    const char *message;
  } cases[] = {
    { "wrong", "{\"from_number\":\"+14155550100\",\"to_number\":\"+14155550123\"}", 401,
      "API key is missing or invalid." },
    { NULL, "{\"from_number\":\"+14155550100\",\"to_number\":\"+14155550123\"}", 401,
      "API key is missing or invalid." },
    { KEY, "{\"from_number\":", 400, NULL },
    { KEY, "[1,2]", 400, "The request body is not a JSON object" },
    { KEY, "{\"to_number\":\"+14155550123\"}", 400, "from_number is required" },
    { KEY, "{\"from_number\":14155550100,\"to_number\":\"+14155550123\"}", 400,
      "from_number must be a string" },
    { KEY, "{\"from_number\":\"+14155550100\",\"to_number\":\"4155550123\"}", 400,
      "to_number “4155550123” is not an E.164 phone number (like +14155550100)" },
    { KEY, "{\"from_number\":\"+14155550100\",\"to_number\":\"+1415555012a\"}", 400,
      "to_number “+1415555012a” is not an E.164 phone number (like +14155550100)" },
    { KEY, "{\"from_number\":\"+04155550100\",\"to_number\":\"+14155550123\"}", 400,
      "from_number “+04155550100” is not an E.164 phone number (like +14155550100)" },
    { KEY, "{\"from_number\":\"+14155550100\",\"to_number\":\"+1234567890123456\"}", 400,
      "to_number “+1234567890123456” is not an E.164 phone number (like +14155550100)" },
    { KEY, "{\"from_number\":\"+14155550100\",\"to_number\":\"+14155550123\","
           "\"retell_llm_dynamic_variables\":{\"n\":1}}", 400,
      "retell_llm_dynamic_variables.n must be a string" },
    { KEY, "{\"from_number\":\"+14155550100\",\"to_number\":\"+14155550123\","
           "\"override_agent_id\":7}", 400, "override_agent_id must be a string" },
  };
  g_autoptr(CbTestResponse) list = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *calls;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, cases[i].bearer,
                                                         cases[i].body);
      g_autoptr(JsonNode) node = cb_test_response_json (response);
      JsonObject *object = json_node_get_object (node);

      g_test_message ("%s", cases[i].body);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "error");
      if (cases[i].message != NULL)
        g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "message"),
                                         "The request body is not valid JSON: "));
    }

  /* Refused requests are listed, none with a call. */
  list = cb_test_http ("GET", calls_url, NULL, NULL);
  root = cb_test_response_json (list);
  calls = json_object_get_array_member (json_node_get_object (root), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      JsonObject *record = json_array_get_object_element (calls, i);

      g_assert_cmpint (json_object_get_int_member (record, "seq"), ==, i);
      g_assert_cmpint (json_object_get_int_member (record, "http_status"), ==, cases[i].status);
      g_assert_true (json_object_get_null_member (record, "call_id"));
    }
}

static void
check_outcome (const char *rate,
               const char *expected_events,
               const char *expected_status,
               const char *reason_a,
               const char *reason_b)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 7);
  const guint n_calls = 3;
  g_auto(GStrv) ids = g_new0 (char *, n_calls + 1);
  g_auto(GStrv) names = g_strsplit (expected_events, " ", -1);
  guint n_events = g_strv_length (names);

  only_outcome (sim, rate);

  for (guint i = 0; i < n_calls; i++)
    {
      g_autofree char *attempt = g_strdup_printf ("att_%u", i);
      ids[i] = create_call (sim, "+14155550123", attempt);
    }

  wait_hooks (receiver, sim, n_events * n_calls);
  g_assert_cmpuint (receiver->n_bad_signatures, ==, 0);
  g_assert_cmpuint (receiver->n_requests, ==, n_events * n_calls);

  for (guint i = 0; i < n_calls; i++)
    {
      g_autofree char *events = events_of (receiver, ids[i]);
      g_autofree char *attempt = g_strdup_printf ("att_%u", i);
      g_autoptr(JsonNode) polled = get_call (sim, ids[i]);
      JsonObject *call = json_node_get_object (polled);

      g_assert_cmpstr (events, ==, expected_events);

      for (guint j = 0; j < receiver->hooks->len; j++)
        {
          Hook *hook = g_ptr_array_index (receiver->hooks, j);

          if (!g_str_equal (hook->call_id, ids[i]))
            continue;

          g_assert_cmpstr (hook->attempt_id, ==, attempt);
          if (g_str_equal (hook->event, "call_started"))
            {
              g_assert_cmpstr (hook->status, ==, "ongoing");
              g_assert_null (hook->reason);
              g_assert_cmpint (hook->start_ms, >, 0);
            }
          else
            {
              g_assert_cmpstr (hook->status, ==, expected_status);
              g_assert_true (g_strcmp0 (hook->reason, reason_a) == 0 ||
                             g_strcmp0 (hook->reason, reason_b) == 0);
              g_assert_cmpint (hook->end_ms, >, 0);
              if (g_str_equal (expected_status, "ended"))
                {
                  g_assert_cmpint (hook->duration_ms, >, 0);
                  g_assert_cmpint (hook->end_ms - hook->start_ms, ==, hook->duration_ms);
                }
              else
                {
                  g_assert_cmpint (hook->duration_ms, ==, 0);
                  g_assert_cmpint (hook->start_ms, ==, 0);
                }
            }

          g_assert_cmpint (hook->has_analysis, ==, g_str_equal (hook->event, "call_analyzed"));
          if (hook->has_analysis)
            g_assert_cmpint (hook->in_voicemail, ==, g_str_equal (rate, "voicemail-rate"));
        }

      /* get-call tells the same story. */
      g_assert_cmpstr (json_object_get_string_member (call, "call_status"), ==, expected_status);
      g_assert_true (json_object_has_member (call, "call_analysis"));
      if (g_str_equal (rate, "answer-rate"))
        g_assert_cmpstr (json_object_get_string_member (call, "transcript"), ==,
                         "Agent: Hello Ann, this is the demo agent calling.\n"
                         "User: Hi, yes, speaking.\n"
                         "Agent: I am calling to confirm your appointment.\n"
                         "User: That works for me, thank you.\n"
                         "Agent: Great, have a good day. Goodbye.\n");
    }
}

static void
test_outcome_answered (void)
{
  check_outcome ("answer-rate", "call_started call_ended call_analyzed", "ended",
                 "user_hangup", "agent_hangup");
}

static void
test_outcome_voicemail (void)
{
  check_outcome ("voicemail-rate", "call_started call_ended call_analyzed", "ended",
                 "voicemail_reached", NULL);
}

static void
test_outcome_no_answer (void)
{
  check_outcome ("no-answer-rate", "call_ended call_analyzed", "not_connected",
                 "dial_no_answer", NULL);
}

static void
test_outcome_busy (void)
{
  check_outcome ("busy-rate", "call_ended call_analyzed", "not_connected", "dial_busy", NULL);
}

static void
test_outcome_failed (void)
{
  check_outcome ("failed-rate", "call_ended call_analyzed", "not_connected", "dial_failed", NULL);
}

static void
test_answer_rate_split (void)
{
  g_autoptr(CbSimServer) sim = cb_sim_server_new (KEY);
  double answered, no_answer, busy, failed, voicemail;

  g_object_get (sim, "answer-rate", &answered, "no-answer-rate", &no_answer, "busy-rate", &busy,
                "failed-rate", &failed, "voicemail-rate", &voicemail, NULL);
  g_assert_cmpfloat_with_epsilon (answered, 0.60, 1e-9);
  g_assert_cmpfloat_with_epsilon (no_answer, 0.20, 1e-9);
  g_assert_cmpfloat_with_epsilon (busy, 0.10, 1e-9);
  g_assert_cmpfloat_with_epsilon (failed, 0.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (voicemail, 0.05, 1e-9);

  g_object_set (sim, "answer-rate", 0.2, NULL);
  g_object_get (sim, "answer-rate", &answered, "no-answer-rate", &no_answer, "busy-rate", &busy,
                "failed-rate", &failed, "voicemail-rate", &voicemail, NULL);
  g_assert_cmpfloat_with_epsilon (answered, 0.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (no_answer, 0.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (busy, 0.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (failed, 0.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (voicemail, 0.1, 1e-9);
}

static void
test_webhook_retry (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 3);
  g_autofree char *id = NULL;
  g_autofree char *events = NULL;

  only_outcome (sim, "answer-rate");
  receiver->fail_first = 2;
  id = create_call (sim, "+14155550123", "att_r");

  wait_hooks (receiver, sim, 3);
  events = events_of (receiver, id);
  g_assert_cmpstr (events, ==, "call_started call_ended call_analyzed");
  /* The first delivery failed twice and was sent again. */
  g_assert_cmpuint (receiver->n_requests, ==, 5);
  g_assert_cmpuint (receiver->n_bad_signatures, ==, 0);
}

static void
test_webhook_gives_up (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 3);
  g_autofree char *id = NULL;
  g_autofree char *events = NULL;

  only_outcome (sim, "busy-rate");
  /* call_ended fails 1 + 3 times and is given up; call_analyzed goes through. */
  receiver->fail_first = 4;
  g_test_expect_message ("callboard-sim", G_LOG_LEVEL_MESSAGE, "Giving up on webhook call_ended*");
  id = create_call (sim, "+14155550123", "att_g");

  wait_hooks (receiver, sim, 1);
  g_test_assert_expected_messages ();
  events = events_of (receiver, id);
  g_assert_cmpstr (events, ==, "call_analyzed");
  g_assert_cmpuint (receiver->n_requests, ==, 5);
}

static void
test_webhook_dropped (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 3);
  g_autofree char *id = NULL;

  only_outcome (sim, "answer-rate");
  g_object_set (sim, "drop-webhook-rate", 1.0, NULL);
  id = create_call (sim, "+14155550123", "att_d");

  wait_analyzed (sim, id);
  g_assert_cmpuint (cb_sim_server_get_n_pending_webhooks (sim), ==, 0);
  cb_test_spin (50);
  g_assert_cmpuint (receiver->n_requests, ==, 0);
}

static void
test_webhook_duplicated (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 3);
  g_autofree char *id = NULL;
  g_autofree char *events = NULL;

  only_outcome (sim, "busy-rate");
  g_object_set (sim, "duplicate-webhook-rate", 1.0, NULL);
  id = create_call (sim, "+14155550123", "att_2x");

  wait_hooks (receiver, sim, 4);
  events = events_of (receiver, id);
  g_assert_cmpstr (events, ==, "call_ended call_ended call_analyzed call_analyzed");
}

static void
test_webhook_out_of_order (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(CbSimServer) sim = new_sim (receiver->url, 3);
  g_autofree char *id = NULL;
  g_autofree char *events = NULL;

  only_outcome (sim, "answer-rate");
  g_object_set (sim, "out-of-order-rate", 1.0, NULL);
  id = create_call (sim, "+14155550123", "att_o");

  wait_hooks (receiver, sim, 3);
  events = events_of (receiver, id);
  g_assert_cmpstr (events, ==, "call_started call_analyzed call_ended");
}

static void
test_fault_429_500 (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 5);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *body = create_body ("+14155550123", "att_f");

  g_object_set (sim, "rate-429", 1.0, NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, KEY, body);
      const char *after = soup_message_headers_get_one (response->headers, "Retry-After");
      guint64 seconds = 0;

      g_assert_cmpuint (response->status, ==, 429);
      g_assert_nonnull (after);
      g_assert_true (g_ascii_string_to_unsigned (after, 10, 1, 5, &seconds, NULL));
      g_assert_cmpstr (cb_test_response_text (response), ==,
                       "{\"status\":\"error\",\"message\":"
                       "\"Account rate limited, please throttle your requests.\"}");
    }

  g_object_set (sim, "rate-429", 0.0, "rate-500", 1.0, NULL);
  {
    g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, KEY, body);

    g_assert_cmpuint (response->status, ==, 500);
    g_assert_cmpstr (cb_test_response_text (response), ==,
                     "{\"status\":\"error\",\"message\":\"An unexpected server error occurred.\"}");
  }

  g_object_set (sim, "rate-500", 0.0, NULL);
  {
    g_autoptr(CbTestResponse) response = cb_test_http ("POST", url, KEY, body);

    g_assert_cmpuint (response->status, ==, 201);
  }
}

static void
test_fault_slow (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 5);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *body = create_body ("+14155550123", "att_s");
  g_autoptr(CbTestResponse) response = NULL;
  gint64 started;

  g_object_set (sim, "slow-rate", 1.0, "slow-delay", 300, NULL);
  started = g_get_monotonic_time ();
  response = cb_test_http ("POST", url, KEY, body);

  /* The answer is the usual one, only held back. */
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300 * 1000);
}

typedef struct
{
  char  *call_id;
  char  *reason;
  gint64 duration_ms;
} Played;

static GPtrArray *
play_calls (guint64 seed,
            guint   n_calls)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, seed);
  GPtrArray *played = g_ptr_array_new ();

  for (guint i = 0; i < n_calls; i++)
    {
      g_autofree char *attempt = g_strdup_printf ("att_%u", i);
      Played *p = g_new0 (Played, 1);

      p->call_id = create_call (sim, "+14155550123", attempt);
      g_ptr_array_add (played, p);
    }

  for (guint i = 0; i < n_calls; i++)
    {
      Played *p = g_ptr_array_index (played, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *call;

      wait_analyzed (sim, p->call_id);
      node = get_call (sim, p->call_id);
      call = json_node_get_object (node);
      p->reason = g_strdup (json_object_get_string_member (call, "disconnection_reason"));
      p->duration_ms = json_object_get_int_member (call, "duration_ms");
    }

  return played;
}

static void
played_free (GPtrArray *played)
{
  for (guint i = 0; i < played->len; i++)
    {
      Played *p = g_ptr_array_index (played, i);

      g_free (p->call_id);
      g_free (p->reason);
      g_free (p);
    }
  g_ptr_array_unref (played);
}

static void
test_determinism (void)
{
  GPtrArray *a = play_calls (42, 30);
  GPtrArray *b = play_calls (42, 30);
  GPtrArray *c = play_calls (43, 30);
  g_autoptr(GHashTable) reasons = g_hash_table_new (g_str_hash, g_str_equal);
  guint same_as_c = 0;

  for (guint i = 0; i < a->len; i++)
    {
      Played *pa = g_ptr_array_index (a, i);
      Played *pb = g_ptr_array_index (b, i);
      Played *pc = g_ptr_array_index (c, i);

      g_assert_cmpstr (pa->call_id, ==, pb->call_id);
      g_assert_cmpstr (pa->reason, ==, pb->reason);
      g_assert_cmpint (pa->duration_ms, ==, pb->duration_ms);
      g_assert_cmpstr (pa->call_id, !=, pc->call_id);
      same_as_c += g_str_equal (pa->reason, pc->reason) && pa->duration_ms == pc->duration_ms;
      g_hash_table_add (reasons, pa->reason);
    }

  /* Another seed plays other calls, and the default mix has variety. */
  g_assert_cmpuint (same_as_c, <, a->len);
  g_assert_cmpuint (g_hash_table_size (reasons), >=, 3);

  played_free (a);
  played_free (b);
  played_free (c);
}

static void
test_calls_list (void)
{
  g_autoptr(CbSimServer) sim = new_sim (NULL, 9);
  g_autofree char *url = sim_url (sim, "/v2/create-phone-call");
  g_autofree char *list_url = sim_url (sim, "/sim/calls");
  g_autofree char *one_url = sim_url (sim, "/sim/calls?metadata.attempt_id=att_2");
  g_autofree char *and_url = sim_url (sim, "/sim/calls?metadata.batch_id=batch_1&"
                                      "metadata.attempt_id=att_3");
  g_autofree char *none_url = sim_url (sim, "/sim/calls?metadata.attempt_id=att_9");
  g_auto(GStrv) ids = g_new0 (char *, 5);
  g_autoptr(CbTestResponse) refused = NULL;
  g_autoptr(CbTestResponse) all = NULL;
  g_autoptr(CbTestResponse) one = NULL;
  g_autoptr(CbTestResponse) both = NULL;
  g_autoptr(CbTestResponse) none = NULL;
  g_autoptr(JsonNode) all_root = NULL;
  g_autoptr(JsonNode) one_root = NULL;
  g_autoptr(JsonNode) both_root = NULL;
  g_autofree char *expected_one = NULL;
  JsonArray *calls;

  ids[0] = create_call (sim, "+14155550121", "att_0");
  ids[1] = create_call (sim, "+14155550122", "att_1");
  refused = cb_test_http ("POST", url, "wrong", "{}");
  ids[2] = create_call (sim, "+14155550123", "att_2");
  ids[3] = create_call (sim, "+14155550124", "att_3");

  all = cb_test_http ("GET", list_url, NULL, NULL);
  all_root = cb_test_response_json (all);
  calls = json_object_get_array_member (json_node_get_object (all_root), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 5);
  for (guint i = 0, k = 0; i < 5; i++)
    {
      JsonObject *record = json_array_get_object_element (calls, i);

      g_assert_cmpint (json_object_get_int_member (record, "seq"), ==, i);
      if (i == 2)
        {
          g_assert_cmpint (json_object_get_int_member (record, "http_status"), ==, 401);
          g_assert_true (json_object_get_null_member (record, "call_id"));
          continue;
        }
      g_assert_cmpint (json_object_get_int_member (record, "http_status"), ==, 201);
      g_assert_cmpstr (json_object_get_string_member (record, "call_id"), ==, ids[k]);
      k++;
    }

  one = cb_test_http ("GET", one_url, NULL, NULL);
  one_root = cb_test_response_json (one);
  calls = json_object_get_array_member (json_node_get_object (one_root), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  {
    JsonObject *record = json_array_get_object_element (calls, 0);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), record);
    g_autofree char *text = NULL;

    /* received_at varies: compare the rest exactly. */
    json_object_remove_member (record, "received_at");
    text = json_to_string (node, FALSE);
    expected_one = g_strdup_printf ("{\"seq\":3,\"call_id\":\"%s\",\"from_number\":\"+14155550100\","
                                    "\"to_number\":\"+14155550123\","
                                    "\"override_agent_id\":\"agent_x\","
                                    "\"retell_llm_dynamic_variables\":{\"first_name\":\"Ann\"},"
                                    "\"metadata\":{\"batch_id\":\"batch_1\","
                                    "\"attempt_id\":\"att_2\"},\"http_status\":201}", ids[2]);
    g_assert_cmpstr (text, ==, expected_one);
  }

  both = cb_test_http ("GET", and_url, NULL, NULL);
  both_root = cb_test_response_json (both);
  calls = json_object_get_array_member (json_node_get_object (both_root), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 0),
                                                  "call_id"), ==, ids[3]);

  none = cb_test_http ("GET", none_url, NULL, NULL);
  g_assert_cmpstr (cb_test_response_text (none), ==, "{\"calls\":[]}");
}

static void
test_listen_in_use (void)
{
  g_autoptr(CbSimServer) first = new_sim (NULL, 1);
  g_autoptr(CbSimServer) second = cb_sim_server_new (KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (cb_sim_server_get_url (first), G_URI_FLAGS_NONE, NULL);
  guint16 port = g_uri_get_port (uri);
  g_autofree char *expected = NULL;

  g_assert_false (cb_sim_server_listen (second, "127.0.0.1", port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  expected = g_strdup_printf ("Cannot listen on 127.0.0.1 port %u: ", port);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_null (cb_sim_server_get_url (second));
  g_clear_error (&error);

  g_assert_false (cb_sim_server_listen (second, "example.org", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "“example.org” is not an IP address to listen on");
}

/* callboard-engine sim */

/* callboard-engine sim ARGS… */
static GSubprocess *
spawn_sim (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, (char *) g_getenv ("CALLBOARD_ENGINE"));
  g_ptr_array_add (argv, (char *) "sim");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);

  return proc;
}

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("^Simulator listening on (http://127\\.0\\.0\\.1:[0-9]+)$",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(CbTestResponse) health = NULL;
  g_autoptr(CbTestResponse) created = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  g_autofree char *health_url = NULL;
  g_autofree char *create_url = NULL;
  g_autofree char *body = create_body ("+14155550123", "att_cli");

  proc = spawn_sim ((const char *[]) { "--listen", "127.0.0.1:0", "--api-key", "cli_key",
                                       "--speed", "100", "--seed", "5", "--rate-429", "0", NULL });

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_regex_match (regex, line, 0, &match));
  base = g_match_info_fetch (match, 1);

  health_url = g_strconcat (base, "/healthz", NULL);
  health = cb_test_http ("GET", health_url, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpstr (cb_test_response_text (health), ==, "{\"status\":\"ok\"}");

  create_url = g_strconcat (base, "/v2/create-phone-call", NULL);
  created = cb_test_http ("POST", create_url, "cli_key", body);
  g_assert_cmpuint (created->status, ==, 201);

  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
check_cli_fails (const char * const *args,
                 const char         *expected_stderr)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = spawn_sim (args);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_test_message ("stderr: %s", err);
  g_assert_true (g_str_has_prefix (err, expected_stderr));
}

static void
test_cli_errors (void)
{
  g_autoptr(CbSimServer) busy = new_sim (NULL, 1);
  g_autoptr(GUri) uri = g_uri_parse (cb_sim_server_get_url (busy), G_URI_FLAGS_NONE, NULL);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  g_autofree char *expected = g_strdup_printf ("callboard-engine sim: Cannot listen on 127.0.0.1 "
                                               "port %d: ", g_uri_get_port (uri));

  check_cli_fails ((const char *[]) { "--listen", listen, NULL }, expected);
  check_cli_fails ((const char *[]) { "--listen", "nowhere", NULL },
                   "callboard-engine sim: --listen “nowhere” is not of the form HOST:PORT "
                   "(like 127.0.0.1:8788)\n");
  check_cli_fails ((const char *[]) { "--listen", "127.0.0.1:99999", NULL },
                   "callboard-engine sim: --listen “127.0.0.1:99999” is not of the form "
                   "HOST:PORT (like 127.0.0.1:8788)\n");
  check_cli_fails ((const char *[]) { "--answer-rate", "1.5", NULL },
                   "callboard-engine sim: --answer-rate 1.5 is not between 0 and 1\n");
  check_cli_fails ((const char *[]) { "--rate-429", "-0.1", NULL },
                   "callboard-engine sim: --rate-429 -0.1 is not between 0 and 1\n");
  check_cli_fails ((const char *[]) { "--speed", "0", NULL },
                   "callboard-engine sim: --speed 0 is not between 0.001 and 1000000\n");
  check_cli_fails ((const char *[]) { "--seed", "-3", "--listen", "127.0.0.1:0", NULL },
                   "callboard-engine sim: --seed “-3” is not a non-negative integer\n");
  check_cli_fails ((const char *[]) { "extra", NULL },
                   "callboard-engine sim: Unexpected argument “extra”\n");
  check_cli_fails ((const char *[]) { "--bogus", NULL },
                   "callboard-engine sim: Unknown option --bogus\n");
}

/* The nice value of this process's thread named @name, read from /proc. */
static int
thread_nice (const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL)
          || !g_str_equal (g_strstrip (comm), name)
          || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;

      /* After "(comm)": state is field 3, nice field 19. */
      fields = g_strsplit (strrchr (stat, ')') + 2, " ", -1);
      g_assert_cmpuint (g_strv_length (fields), >, 16);
      return atoi (fields[16]);
    }

  g_assert_not_reached ();
}

/* In a window's process the simulator's thread yields (nice 10); in a headless engine it
 * keeps the process's priority, so that other programs cannot starve it. */
static void
test_background (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CbSimServer) sim = g_object_new (CB_TYPE_SIM_SERVER,
                                                 "api-key", KEY,
                                                 "background", i == 1,
                                                 NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (cb_sim_server_listen_in_thread (sim, "127.0.0.1", 0, &error));
      g_assert_no_error (error);
      g_assert_cmpint (thread_nice ("callboard-sim"), ==, i == 1 ? 10 : getpriority (PRIO_PROCESS, 0));
    }
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/sim/routes", test_routes);
  g_test_add_func ("/sim/create", test_create);
  g_test_add_func ("/sim/create-errors", test_create_errors);
  g_test_add_func ("/sim/json-escaping", test_json_escaping);
  g_test_add_func ("/sim/outcome/answered", test_outcome_answered);
  g_test_add_func ("/sim/outcome/voicemail", test_outcome_voicemail);
  g_test_add_func ("/sim/outcome/no-answer", test_outcome_no_answer);
  g_test_add_func ("/sim/outcome/busy", test_outcome_busy);
  g_test_add_func ("/sim/outcome/failed", test_outcome_failed);
  g_test_add_func ("/sim/answer-rate-split", test_answer_rate_split);
  g_test_add_func ("/sim/webhook/retry", test_webhook_retry);
  g_test_add_func ("/sim/webhook/gives-up", test_webhook_gives_up);
  g_test_add_func ("/sim/webhook/dropped", test_webhook_dropped);
  g_test_add_func ("/sim/webhook/duplicated", test_webhook_duplicated);
  g_test_add_func ("/sim/webhook/out-of-order", test_webhook_out_of_order);
  g_test_add_func ("/sim/webhook/chunked", test_webhook_chunked);
  g_test_add_func ("/sim/webhook/close", test_webhook_close);
  g_test_add_func ("/sim/webhook/http10", test_webhook_http10);
  g_test_add_func ("/sim/webhook/stale-connection", test_webhook_stale);
  g_test_add_func ("/sim/webhook/timeout", test_webhook_timeout);
  g_test_add_func ("/sim/webhook/new-address", test_webhook_new_address);
  g_test_add_func ("/sim/fault/429-500", test_fault_429_500);
  g_test_add_func ("/sim/fault/slow", test_fault_slow);
  g_test_add_func ("/sim/background", test_background);
  g_test_add_func ("/sim/determinism", test_determinism);
  g_test_add_func ("/sim/calls-list", test_calls_list);
  g_test_add_func ("/sim/listen-in-use", test_listen_in_use);
  g_test_add_func ("/sim/cli", test_cli);
  g_test_add_func ("/sim/cli-errors", test_cli_errors);

  return g_test_run ();
}
