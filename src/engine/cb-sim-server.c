/* cb-sim-server.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-sim"

#include "config.h"

#include "cb-sim-server.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cb-call-event.h"
#include "cb-signature.h"

#define LISTEN_BACKLOG        1024
#define SIM_THREAD_NICE       10
#define MAX_CONNECTIONS       256
#define WEBHOOK_MAX_RETRIES   3
#define WEBHOOK_RETRY_BASE_MS 1000
/* Webhooks in flight at once, each on a kept-alive connection. 256 placed 8% more calls a
 * second in the engine's benchmark (874 against 808), but kept a window in the same
 * process from painting for seconds (11 frames in 7.7 s against 157): the engine's
 * sockets, always ready, come before the window's redraw in the main loop. */
#define WEBHOOK_MAX_CONNECTIONS 128
#define WEBHOOK_MAX_ANSWER      (1024 * 1024)

typedef enum
{
  SIM_ANSWERED,
  SIM_NO_ANSWER,
  SIM_BUSY,
  SIM_FAILED,
  SIM_VOICEMAIL,
  N_SIM_OUTCOMES
} SimOutcome;

/* Default weights; "answer-rate" keeps the last four in these proportions. */
static const double default_weights[N_SIM_OUTCOMES] = { 0.60, 0.20, 0.10, 0.05, 0.05 };

typedef enum
{
  EVENT_STARTED,
  EVENT_ENDED,
  EVENT_ANALYZED,
  N_EVENTS
} SimEvent;

static const char *event_names[N_EVENTS] = { "call_started", "call_ended", "call_analyzed" };

typedef struct _SimCall SimCall;

/* One step of a call's life, run when its time comes. */
typedef void (*SimStep) (SimCall *call);

typedef struct
{
  gint64   due_us;     /* monotonic */
  guint64  order;      /* first scheduled, first run among equals */
  SimCall *call;       /* holds a reference */
  SimStep  step;
} SimTimer;

typedef struct
{
  const char *event;
  GBytes     *body;
  guint       attempt;
} Delivery;

struct _SimCall
{
  int          ref_count;
  CbSimServer *server;          /* NULL once the server is gone */

  guint        seq;
  char        *call_id;
  char        *agent_id;
  char        *from_number;
  char        *to_number;
  char        *metadata_json;    /* or NULL */
  JsonNode    *dynamic_vars;     /* or NULL */
  char        *dynamic_vars_json;

  SimOutcome   outcome;
  CbCallStatus status;
  gint64       start_ms;
  gint64       end_ms;
  gint64       duration_ms;
  const char  *disconnection_reason;
  char        *transcript;
  gboolean     analyzed;
  gboolean     successful;
  const char  *sentiment;

  /* Drawn when the call is created, in simulated milliseconds. */
  guint        ring_ms;
  guint        talk_ms;
  guint        analysis_ms;
  gboolean     drop[N_EVENTS];
  gboolean     duplicate[N_EVENTS];
  gboolean     out_of_order;

  GSequenceIter *timer;          /* in the server's timer queue, or NULL */
  GBytes      *held_ended;       /* call_ended, held back to follow call_analyzed */

  /* Webhooks of this call go out one after another; the head is in flight. */
  GQueue       deliveries;
  SoupMessage *in_flight;        /* through the SoupSession */
  gboolean     sending;          /* on a connection of the client */
  gboolean     queued;           /* waiting for a connection of the client */
  gboolean     resent;           /* sent again after a stale connection */
  guint        retry_id;
};

typedef struct _WebhookConn WebhookConn;

typedef struct
{
  /* Every fault is decided before anything else, so the same seed gives the same
   * calls whatever the rates. */
  gboolean   reject_429;
  gboolean   reject_500;
  gboolean   slow;
  gboolean   drop_connection;
  guint      retry_after_s;
} SimFaults;

struct _CbSimServer
{
  GObject       parent_instance;

  SoupServer   *server;
  SoupSession  *webhook_session;
  GCancellable *cancellable;

  char         *api_key;
  char         *authorization;
  char         *webhook_url;
  char         *url;

  double        speed;
  guint64       seed;
  double        weights[N_SIM_OUTCOMES];
  guint         min_duration_s;
  guint         max_duration_s;
  double        rate_429;
  double        rate_500;
  double        slow_rate;
  guint         slow_delay_ms;
  double        drop_connection_rate;
  double        drop_webhook_rate;
  double        duplicate_webhook_rate;
  double        out_of_order_rate;
  guint         webhook_timeout_s;
  gboolean      background;

  guint         next_seq;
  GHashTable   *calls;           /* call_id → SimCall */
  GPtrArray    *requests;        /* JsonObject, one per create request, in order */
  GHashTable   *slow;            /* SoupServerMessage → timeout source id */
  /* Every call's next step, soonest first, behind a single GSource: thousands of calls
   * in flight would otherwise mean thousands of sources for each main loop iteration
   * to look at. */
  GSequence    *timers;
  GSource      *timer_source;
  guint64       next_timer_order;
  guint         n_pending_webhooks;

  /* The webhook client (see webhook_send()): its address, parsed from @client_url, or
   * NULL to go through @webhook_session. */
  char           *client_url;
  GSocketAddress *client_address;
  char           *client_head;     /* the request line and fixed headers */
  GSource        *client_source;   /* watches every connection, and their deadlines */
  GPtrArray      *conns;           /* WebhookConn, each referenced */
  GQueue          idle_conns;
  GQueue          client_waiting;  /* SimCall, referenced: for a free connection */

  /* With cb_sim_server_listen_in_thread(): everything above is used by the thread
   * that serves, which holds @lock except while it waits for its sockets and timers;
   * properties are set from any thread under @lock. */
  GMutex        lock;
  GMainContext *context;         /* NULL: the global default context */
  GThread      *thread;
  GCond         started_cond;
  gboolean      thread_started;
  gboolean      stopping;
  GError       *listen_error;
};

G_DEFINE_FINAL_TYPE (CbSimServer, cb_sim_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_KEY,
  PROP_WEBHOOK_URL,
  PROP_URL,
  PROP_SPEED,
  PROP_SEED,
  PROP_ANSWER_RATE,
  PROP_NO_ANSWER_RATE,
  PROP_BUSY_RATE,
  PROP_FAILED_RATE,
  PROP_VOICEMAIL_RATE,
  PROP_MIN_DURATION,
  PROP_MAX_DURATION,
  PROP_RATE_429,
  PROP_RATE_500,
  PROP_SLOW_RATE,
  PROP_SLOW_DELAY,
  PROP_DROP_CONNECTION_RATE,
  PROP_DROP_WEBHOOK_RATE,
  PROP_DUPLICATE_WEBHOOK_RATE,
  PROP_OUT_OF_ORDER_RATE,
  PROP_WEBHOOK_TIMEOUT,
  PROP_BACKGROUND,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

typedef struct
{
  GSource      source;
  CbSimServer *self;
} ClientSource;

static void sim_call_pump (SimCall *call);

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* Timeouts in the context the simulator serves from. */
static guint
sim_timeout_add (CbSimServer    *self,
                 guint           interval_ms,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, func, data, notify);
  return g_source_attach (source, self->context);
}

static void
sim_source_remove (CbSimServer *self,
                   guint        id)
{
  GSource *source = g_main_context_find_source_by_id (self->context, id);

  if (source != NULL)
    g_source_destroy (source);
}

/* Calls */

static SimCall *
sim_call_ref (SimCall *call)
{
  call->ref_count++;
  return call;
}

static void
delivery_free (Delivery *delivery)
{
  g_bytes_unref (delivery->body);
  g_free (delivery);
}

static void
sim_call_unref (SimCall *call)
{
  g_assert (call->ref_count > 0);

  if (--call->ref_count > 0)
    return;

  g_assert (call->timer == NULL);
  g_assert (call->retry_id == 0);
  g_assert (!call->sending && !call->queued);

  g_free (call->call_id);
  g_free (call->agent_id);
  g_free (call->from_number);
  g_free (call->to_number);
  g_free (call->metadata_json);
  g_clear_pointer (&call->dynamic_vars, json_node_unref);
  g_free (call->dynamic_vars_json);
  g_free (call->transcript);
  g_clear_pointer (&call->held_ended, g_bytes_unref);
  g_queue_clear_full (&call->deliveries, (GDestroyNotify) delivery_free);
  g_clear_object (&call->in_flight);
  g_free (call);
}

/* Stops everything the call has scheduled; in-flight webhooks finish on their own. */
static void
sim_call_detach (SimCall *call)
{
  if (call->timer != NULL)
    g_sequence_remove (g_steal_pointer (&call->timer));
  if (call->retry_id != 0 && call->server != NULL)
    sim_source_remove (call->server, call->retry_id);
  call->retry_id = 0;
  call->server = NULL;
}

static guint
scaled_ms (CbSimServer *self,
           guint        sim_ms)
{
  double ms = sim_ms / self->speed;

  return ms >= G_MAXUINT ? G_MAXUINT : (guint) ms;
}

static void
sim_timer_free (SimTimer *timer)
{
  if (timer->call != NULL)
    sim_call_unref (timer->call);
  g_free (timer);
}

static int
sim_timer_compare (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const SimTimer *ta = a;
  const SimTimer *tb = b;

  if (ta->due_us != tb->due_us)
    return ta->due_us < tb->due_us ? -1 : 1;
  return ta->order < tb->order ? -1 : ta->order > tb->order;
}

static void
update_timer_source (CbSimServer *self)
{
  GSequenceIter *first = g_sequence_get_begin_iter (self->timers);

  if (g_sequence_iter_is_end (first))
    g_source_set_ready_time (self->timer_source, -1);
  else
    g_source_set_ready_time (self->timer_source, ((SimTimer *) g_sequence_get (first))->due_us);
}

static gboolean
run_timers_cb (gpointer user_data)
{
  CbSimServer *self = user_data;
  gint64 now = g_get_monotonic_time ();

  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->timers);
      SimTimer *timer;
      SimCall *call;
      SimStep step;

      if (g_sequence_iter_is_end (first))
        break;

      timer = g_sequence_get (first);
      if (timer->due_us > now)
        break;

      call = g_steal_pointer (&timer->call);
      step = timer->step;
      call->timer = NULL;
      g_sequence_remove (first);

      step (call);
      sim_call_unref (call);
    }

  update_timer_source (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_source_funcs = {
  .dispatch = timer_source_dispatch,
};

static void
sim_call_schedule (SimCall *call,
                   guint    sim_ms,
                   SimStep  step)
{
  CbSimServer *self = call->server;
  SimTimer *timer;

  g_assert (call->timer == NULL);
  g_assert (self != NULL);

  timer = g_new0 (SimTimer, 1);
  timer->due_us = g_get_monotonic_time () + (gint64) scaled_ms (self, sim_ms) * 1000;
  timer->order = self->next_timer_order++;
  timer->call = sim_call_ref (call);
  timer->step = step;
  call->timer = g_sequence_insert_sorted (self->timers, timer, sim_timer_compare, NULL);

  if (g_sequence_iter_is_begin (call->timer))
    g_source_set_ready_time (self->timer_source, timer->due_us);
}

static const char *
dynamic_var (SimCall    *call,
             const char *name)
{
  JsonNode *node;

  if (call->dynamic_vars == NULL)
    return NULL;

  node = json_object_get_member (json_node_get_object (call->dynamic_vars), name);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* @str as a JSON string, escaped as json-glib writes it (and U+001F too, which json-glib
 * leaves bare although JSON wants it escaped). */
static void
append_json_string (GString    *out,
                    const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      const char *escape;
      char code[8];

      switch (*p)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          if ((guchar) *p >= 0x20 && (guchar) *p != 0x7f)
            continue;
          g_snprintf (code, sizeof code, "\\u%04x", (guchar) *p);
          escape = code;
          break;
        }

      g_string_append_len (out, run, p - run);
      g_string_append (out, escape);
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_member (GString    *out,
               const char *name,
               const char *value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  if (value != NULL)
    append_json_string (out, value);
  else
    g_string_append (out, "null");
}

/* The call object, as GET /v2/get-call answers it and webhooks carry it. Written
 * directly: a JsonBuilder, its nodes and a generator cost more than the rest of a
 * webhook. */
static void
sim_call_append_json (SimCall *call,
                      GString *out)
{
  gboolean ended = call->status == CB_CALL_STATUS_ENDED ||
                   call->status == CB_CALL_STATUS_NOT_CONNECTED;

  g_string_append (out, "{\"call_id\":");
  append_json_string (out, call->call_id);
  g_string_append (out, ",\"call_type\":\"phone_call\"");
  append_member (out, "agent_id", call->agent_id);
  append_member (out, "call_status", cb_call_status_to_string (call->status));
  append_member (out, "from_number", call->from_number);
  append_member (out, "to_number", call->to_number);
  g_string_append (out, ",\"direction\":\"outbound\"");

  if (call->metadata_json != NULL)
    g_string_append_printf (out, ",\"metadata\":%s", call->metadata_json);

  g_string_append_printf (out, ",\"retell_llm_dynamic_variables\":%s",
                          call->dynamic_vars_json != NULL ? call->dynamic_vars_json : "{}");

  if (call->start_ms > 0)
    g_string_append_printf (out, ",\"start_timestamp\":%" G_GINT64_FORMAT, call->start_ms);

  if (ended)
    {
      g_string_append_printf (out, ",\"end_timestamp\":%" G_GINT64_FORMAT
                              ",\"duration_ms\":%" G_GINT64_FORMAT,
                              call->end_ms, call->duration_ms);
      append_member (out, "disconnection_reason", call->disconnection_reason);
      append_member (out, "transcript", call->transcript ? call->transcript : "");
    }

  if (call->analyzed)
    {
      g_autofree char *summary = NULL;

      switch (call->outcome)
        {
        case SIM_ANSWERED:
          summary = g_strdup_printf ("The agent spoke with the person at %s for %" G_GINT64_FORMAT
                                     " seconds.", call->to_number, call->duration_ms / 1000);
          break;
        case SIM_VOICEMAIL:
          summary = g_strdup_printf ("The call to %s reached voicemail; the agent left a "
                                     "message.", call->to_number);
          break;
        case SIM_NO_ANSWER:
        case SIM_BUSY:
        case SIM_FAILED:
        case N_SIM_OUTCOMES:
        default:
          summary = g_strdup_printf ("The call to %s did not connect (%s).",
                                     call->to_number, call->disconnection_reason);
          break;
        }

      g_string_append (out, ",\"call_analysis\":{\"call_summary\":");
      append_json_string (out, summary);
      g_string_append_printf (out, ",\"call_successful\":%s",
                              call->successful ? "true" : "false");
      append_member (out, "user_sentiment", call->sentiment);
      g_string_append_printf (out, ",\"in_voicemail\":%s,\"custom_analysis_data\":{}}",
                              call->outcome == SIM_VOICEMAIL ? "true" : "false");
    }

  g_string_append_c (out, '}');
}

static GBytes *
sim_call_event_body (SimCall  *call,
                     SimEvent  event)
{
  GString *out = g_string_sized_new (1024);

  g_string_append (out, "{\"event\":");
  append_json_string (out, event_names[event]);
  g_string_append (out, ",\"call\":");
  sim_call_append_json (call, out);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

/* Webhooks */

static void
sim_call_queue_event (SimCall  *call,
                      SimEvent  event,
                      GBytes   *body)
{
  CbSimServer *self = call->server;
  guint copies;

  g_assert (self != NULL);

  if (self->webhook_url == NULL)
    return;

  if (call->drop[event])
    {
      g_debug ("Dropping %s of %s", event_names[event], call->call_id);
      return;
    }

  copies = call->duplicate[event] ? 2 : 1;
  for (guint i = 0; i < copies; i++)
    {
      Delivery *delivery = g_new0 (Delivery, 1);

      delivery->event = event_names[event];
      delivery->body = g_bytes_ref (body);
      g_queue_push_tail (&call->deliveries, delivery);
      self->n_pending_webhooks++;
    }

  sim_call_pump (call);
}

static void
sim_call_delivery_done (SimCall *call)
{
  g_assert (call->server != NULL);

  delivery_free (g_queue_pop_head (&call->deliveries));
  call->server->n_pending_webhooks--;
  sim_call_pump (call);
}

static gboolean
retry_delivery_cb (gpointer user_data)
{
  SimCall *call = user_data;

  call->retry_id = 0;
  sim_call_pump (call);

  return G_SOURCE_REMOVE;
}

/* Ends the head delivery of @call with the receiver's HTTP @status, or with @problem
 * when there was no answer: done on 2xx, else sent again later or given up. */
static void
sim_call_delivery_answered (SimCall    *call,
                            guint       status,
                            const char *problem)
{
  CbSimServer *self = call->server;
  Delivery *delivery = g_queue_peek_head (&call->deliveries);

  g_assert (self != NULL);
  g_assert (delivery != NULL);

  if (problem == NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      sim_call_delivery_done (call);
    }
  else if (delivery->attempt < WEBHOOK_MAX_RETRIES)
    {
      guint delay = WEBHOOK_RETRY_BASE_MS << delivery->attempt;

      g_debug ("Webhook %s of %s failed (%s), retrying", delivery->event, call->call_id,
               problem != NULL ? problem : soup_status_get_phrase (status));
      delivery->attempt++;
      call->retry_id = sim_timeout_add (self, scaled_ms (self, delay), retry_delivery_cb,
                                        sim_call_ref (call), (GDestroyNotify) sim_call_unref);
    }
  else
    {
      g_message ("Giving up on webhook %s of %s after %u retries: %s",
                 delivery->event, call->call_id, WEBHOOK_MAX_RETRIES,
                 problem != NULL ? problem : soup_status_get_phrase (status));
      sim_call_delivery_done (call);
    }
}

static void
delivery_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SimCall *call = user_data;
  g_autoptr(SoupMessage) msg = g_steal_pointer (&call->in_flight);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (call->server != NULL)
    {
      if (error != NULL)
        sim_call_delivery_answered (call, 0, error->message);
      else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
        sim_call_delivery_answered (call, soup_message_get_status (msg),
                                    soup_message_get_reason_phrase (msg));
      else
        sim_call_delivery_answered (call, soup_message_get_status (msg), NULL);
    }

  sim_call_unref (call);
}

/* The webhook client.
 *
 * Webhooks to a plain http:// address with a literal host (the engine's own, in practice)
 * go over a pool of kept-alive HTTP/1.1 connections watched by a single GSource: a
 * SoupSession costs several objects, sources and signal handlers per request, which at
 * thousands of webhooks a second was most of the simulator's time. Any other address
 * goes through a SoupSession. Each request is written in one piece and its answer read
 * to the end (Content-Length, chunked, or up to the close); a connection that was idle
 * and turns out closed before a byte of the answer is replaced and the request sent again
 * once, as libsoup does for idempotent requests. */

struct _WebhookConn
{
  int           ref_count;
  CbSimServer  *server;      /* NULL once closed */
  GSocket      *socket;
  gpointer      tag;         /* its fd in the client source */
  SimCall      *call;        /* whose head delivery is in flight (a reference), or NULL */
  GByteArray   *out;         /* the request; written from @out_pos */
  gsize         out_pos;
  GByteArray   *in;          /* the answer so far */
  gint64        deadline_us; /* monotonic; 0 while idle */
  guint         n_answered;  /* answers read on this connection */
  gboolean      connecting;
  gboolean      resent;      /* the request was sent again after a stale connection */
  gboolean      retired;     /* to a former webhook address: closed once answered */
};

static WebhookConn *
webhook_conn_ref (WebhookConn *conn)
{
  conn->ref_count++;
  return conn;
}

static void
webhook_conn_unref (WebhookConn *conn)
{
  if (--conn->ref_count > 0)
    return;

  g_assert (conn->server == NULL);
  g_assert (conn->call == NULL);
  g_clear_object (&conn->socket);
  g_byte_array_unref (conn->out);
  g_byte_array_unref (conn->in);
  g_free (conn);
}

/* Takes the connection out of the pool and closes it; a request in flight is left to the
 * caller (@conn->call). */
static void
webhook_conn_close (WebhookConn *conn)
{
  CbSimServer *self = conn->server;

  if (self == NULL)
    return;

  if (conn->tag != NULL)
    g_source_remove_unix_fd (self->client_source, conn->tag);
  conn->tag = NULL;
  g_socket_close (conn->socket, NULL);
  g_queue_remove (&self->idle_conns, conn);
  conn->server = NULL;
  g_ptr_array_remove_fast (self->conns, conn);  /* drops the pool's reference */
}

static gboolean
webhook_target_parse (CbSimServer *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;
  const char *query;
  int port;

  g_clear_object (&self->client_address);
  g_clear_pointer (&self->client_head, g_free);
  g_free (self->client_url);
  self->client_url = g_strdup (self->webhook_url);

  if (self->webhook_url == NULL)
    return FALSE;

  uri = g_uri_parse (self->webhook_url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
      || (host = g_uri_get_host (uri)) == NULL || g_uri_get_userinfo (uri) != NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    return FALSE;

  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  self->client_address = g_inet_socket_address_new (address, (guint16) port);

  query = g_uri_get_query (uri);
  self->client_head = g_strdup_printf ("POST %s%s%s HTTP/1.1\r\n"
                                       "Host: %s%s%s%s%.0d\r\n"
                                       "User-Agent: Retell-Simulator/" PACKAGE_VERSION "\r\n"
                                       "Content-Type: application/json\r\n",
                                       g_uri_get_path (uri)[0] != '\0' ? g_uri_get_path (uri) : "/",
                                       query != NULL ? "?" : "", query != NULL ? query : "",
                                       strchr (host, ':') != NULL ? "[" : "", host,
                                       strchr (host, ':') != NULL ? "]" : "",
                                       g_uri_get_port (uri) > 0 ? ":" : "",
                                       g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 0);
  return TRUE;
}

static void
update_client_source (CbSimServer *self)
{
  gint64 next = -1;

  for (guint i = 0; i < self->conns->len; i++)
    {
      WebhookConn *conn = g_ptr_array_index (self->conns, i);

      if (conn->deadline_us > 0 && (next < 0 || conn->deadline_us < next))
        next = conn->deadline_us;
    }

  g_source_set_ready_time (self->client_source, next);
}

static void webhook_send (CbSimServer *self,
                          SimCall     *call,
                          gboolean     fresh);

/* The request of @conn is over: hands the result to its call, and the connection back to
 * the pool when it may carry another request. */
static void
webhook_conn_finish (WebhookConn *conn,
                     guint        status,
                     const char  *problem,
                     gboolean     keep_alive)
{
  CbSimServer *self = conn->server;
  SimCall *call = g_steal_pointer (&conn->call);

  g_assert (self != NULL);
  g_assert (call != NULL);

  conn->deadline_us = 0;
  g_byte_array_set_size (conn->in, 0);
  g_byte_array_set_size (conn->out, 0);
  conn->out_pos = 0;

  if (keep_alive && !conn->retired)
    {
      conn->n_answered++;
      g_source_modify_unix_fd (self->client_source, conn->tag, G_IO_IN);
      g_queue_push_head (&self->idle_conns, conn);
    }
  else
    webhook_conn_close (conn);

  call->sending = FALSE;
  if (call->server != NULL)
    sim_call_delivery_answered (call, status, problem);
  sim_call_unref (call);

  /* A connection free again: the next calls waiting for one. */
  while (self->client_waiting.length > 0
         && (self->idle_conns.length > 0 || self->conns->len < WEBHOOK_MAX_CONNECTIONS))
    {
      SimCall *next = g_queue_pop_head (&self->client_waiting);

      next->queued = FALSE;
      sim_call_pump (next);
      sim_call_unref (next);
    }
}

/* Sends the request again on a new connection if @conn was a kept-alive one that closed
 * before a byte of the answer came; otherwise fails it. */
static void
webhook_conn_fail (WebhookConn *conn,
                   const char  *problem)
{
  CbSimServer *self = conn->server;

  g_assert (conn->call != NULL);

  if (conn->in->len == 0 && conn->n_answered > 0 && !conn->resent
      && conn->call->server != NULL)
    {
      SimCall *call = g_steal_pointer (&conn->call);

      webhook_conn_close (conn);
      call->sending = FALSE;
      call->resent = TRUE;
      webhook_send (self, call, TRUE);
      sim_call_unref (call);
      return;
    }

  webhook_conn_finish (conn, 0, problem, FALSE);
}

/* The first CR LF (or CR LF CR LF when @blank_line) in @len bytes at @p, or NULL. */
static const char *
find_crlf (const char *p,
           gsize       len,
           gboolean    blank_line)
{
  const char *end = p + len;

  while (p < end && (p = memchr (p, '\r', end - p)) != NULL)
    {
      if (blank_line ? end - p >= 4 && memcmp (p, "\r\n\r\n", 4) == 0
                     : end - p >= 2 && p[1] == '\n')
        return p;
      p++;
    }

  return NULL;
}

/* Where the body of a chunked answer starting at @p ends: its length, 0 when incomplete,
 * -1 when malformed. */
static gssize
chunked_length (const char *p,
                gsize       len)
{
  gsize pos = 0;

  for (;;)
    {
      const char *eol = find_crlf (p + pos, len - pos, FALSE);
      guint64 size;
      char *end;

      if (eol == NULL)
        return 0;
      /* g_ascii_strtoull() would skip spaces and line ends, past @eol and @len. */
      if (!g_ascii_isxdigit (p[pos]))
        return -1;
      size = g_ascii_strtoull (p + pos, &end, 16);
      if (end == p + pos || (end != eol && *end != ';' && *end != ' '))
        return -1;
      pos = eol - p + 2;

      if (size == 0)
        {
          /* Trailers, up to an empty line. */
          for (;;)
            {
              eol = find_crlf (p + pos, len - pos, FALSE);
              if (eol == NULL)
                return 0;
              if (eol == p + pos)
                return (gssize) (pos + 2);
              pos = eol - p + 2;
            }
        }

      if (size > G_MAXSSIZE || len - pos < size + 2)
        return 0;
      pos += size;
      if (p[pos] != '\r' || p[pos + 1] != '\n')
        return -1;
      pos += 2;
    }
}

/* Reads what the answer of @conn has so far; returns FALSE when it needs more bytes. */
static gboolean
webhook_conn_parse (WebhookConn *conn,
                    gboolean     eof)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  const char *data = (const char *) conn->in->data;
  const char *end;
  SoupHTTPVersion version;
  SoupEncoding encoding;
  guint status;
  gsize head_len;
  gsize total;
  gboolean keep_alive;

  for (;;)
    {
      end = conn->in->len > 0 ? find_crlf (data, conn->in->len, TRUE) : NULL;
      if (end == NULL)
        {
          if (eof)
            webhook_conn_fail (conn, conn->in->len == 0 ? _("Connection terminated unexpectedly")
                                                        : _("The answer ended in its headers"));
          return eof;
        }
      head_len = end - data + 4;

      headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      if (!soup_headers_parse_response (data, (int) head_len, headers, &version, &status, NULL))
        {
          webhook_conn_finish (conn, 0, _("The answer is not HTTP"), FALSE);
          return TRUE;
        }

      if (status >= 100 && status < 200)
        {
          /* An interim answer: the final one follows. */
          g_byte_array_remove_range (conn->in, 0, (guint) head_len);
          data = (const char *) conn->in->data;
          g_clear_pointer (&headers, soup_message_headers_unref);
          continue;
        }
      break;
    }

  keep_alive = soup_message_headers_header_contains (headers, "Connection", "close") == FALSE
               && (version == SOUP_HTTP_1_1
                   || soup_message_headers_header_contains (headers, "Connection", "keep-alive"));

  encoding = soup_message_headers_get_encoding (headers);
  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    encoding = SOUP_ENCODING_NONE;

  switch (encoding)
    {
    case SOUP_ENCODING_NONE:
      total = head_len;
      break;

    case SOUP_ENCODING_CONTENT_LENGTH:
      {
        goffset length = soup_message_headers_get_content_length (headers);

        if (conn->in->len - head_len < (guint64) length)
          {
            if (eof)
              webhook_conn_finish (conn, 0, _("Connection terminated unexpectedly"), FALSE);
            return eof;
          }
        total = head_len + length;
      }
      break;

    case SOUP_ENCODING_CHUNKED:
      {
        gssize length = chunked_length (data + head_len, conn->in->len - head_len);

        if (length < 0)
          {
            webhook_conn_finish (conn, 0, _("The answer’s chunked body is malformed"), FALSE);
            return TRUE;
          }
        if (length == 0)
          {
            if (eof)
              webhook_conn_finish (conn, 0, _("Connection terminated unexpectedly"), FALSE);
            return eof;
          }
        total = head_len + length;
      }
      break;

    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_BYTERANGES:
    case SOUP_ENCODING_UNRECOGNIZED:
    default:
      if (!eof)
        return FALSE;
      total = conn->in->len;
      keep_alive = FALSE;
      break;
    }

  /* Bytes beyond the answer were never asked for: not a connection to reuse. */
  if (conn->in->len != total || eof)
    keep_alive = FALSE;

  webhook_conn_finish (conn, status, NULL, keep_alive);
  return TRUE;
}

static void
webhook_conn_read (WebhookConn *conn)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint len = conn->in->len;
      gssize n;

      g_byte_array_set_size (conn->in, len + 4096);
      n = g_socket_receive_with_blocking (conn->socket, (char *) conn->in->data + len, 4096,
                                          FALSE, NULL, &error);
      g_byte_array_set_size (conn->in, len + MAX (n, 0));

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          webhook_conn_parse (conn, FALSE);
          return;
        }

      if (n < 0)
        {
          if (conn->in->len > 0 && webhook_conn_parse (conn, TRUE))
            return;
          webhook_conn_fail (conn, error->message);
          return;
        }

      if (n == 0)
        {
          webhook_conn_parse (conn, TRUE);
          return;
        }

      if (conn->in->len > WEBHOOK_MAX_ANSWER)
        {
          webhook_conn_finish (conn, 0, _("The answer is larger than 1 MiB"), FALSE);
          return;
        }
    }
}

static void
webhook_conn_write (WebhookConn *conn)
{
  while (conn->out_pos < conn->out->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_socket_send_with_blocking (conn->socket, (const char *) conn->out->data + conn->out_pos,
                                       conn->out->len - conn->out_pos, FALSE, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_source_modify_unix_fd (conn->server->client_source, conn->tag, G_IO_OUT);
          return;
        }
      if (n < 0)
        {
          webhook_conn_fail (conn, error->message);
          return;
        }
      conn->out_pos += n;
    }

  g_source_modify_unix_fd (conn->server->client_source, conn->tag, G_IO_IN);
}

/* An idle connection still open, or NULL after closing the ones found closed. */
static WebhookConn *
take_idle_conn (CbSimServer *self)
{
  WebhookConn *conn;

  while ((conn = g_queue_pop_head (&self->idle_conns)) != NULL)
    {
      char byte;
      gssize n;

      n = recv (g_socket_get_fd (conn->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return conn;
      webhook_conn_close (conn);
    }

  return NULL;
}

static WebhookConn *
new_conn (CbSimServer  *self,
          GError      **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;
  WebhookConn *conn;
  gboolean connecting = FALSE;

  socket = g_socket_new (g_socket_address_get_family (self->client_address),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (!g_socket_connect (socket, self->client_address, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PENDING))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      connecting = TRUE;
    }

  conn = g_new0 (WebhookConn, 1);
  conn->ref_count = 1;
  conn->server = self;
  conn->socket = g_steal_pointer (&socket);
  conn->out = g_byte_array_new ();
  conn->in = g_byte_array_new ();
  conn->connecting = connecting;
  conn->tag = g_source_add_unix_fd (self->client_source, g_socket_get_fd (conn->socket),
                                    connecting ? G_IO_OUT : 0);
  g_ptr_array_add (self->conns, conn);

  return conn;
}

/* Sends the head delivery of @call on a kept-alive connection (a new one if @fresh), or
 * queues the call until a connection is free. */
static void
webhook_send (CbSimServer *self,
              SimCall     *call,
              gboolean     fresh)
{
  g_autofree char *signature = NULL;
  g_autoptr(GError) error = NULL;
  Delivery *delivery = g_queue_peek_head (&call->deliveries);
  WebhookConn *conn = NULL;
  gconstpointer body;
  gsize body_len;
  char length[64];

  g_assert (delivery != NULL);

  if (!fresh)
    conn = take_idle_conn (self);
  if (conn == NULL && self->conns->len >= WEBHOOK_MAX_CONNECTIONS)
    {
      call->queued = TRUE;
      g_queue_push_tail (&self->client_waiting, sim_call_ref (call));
      return;
    }

  if (conn == NULL && (conn = new_conn (self, &error)) == NULL)
    {
      /* As a failed request: retried later, then given up. */
      sim_call_delivery_answered (call, 0, error->message);
      return;
    }

  body = g_bytes_get_data (delivery->body, &body_len);
  signature = cb_signature_retell_sign (self->api_key, delivery->body, now_ms ());
  g_snprintf (length, sizeof length, "%" G_GSIZE_FORMAT, body_len);

  g_byte_array_append (conn->out, (const guint8 *) self->client_head, strlen (self->client_head));
  g_byte_array_append (conn->out, (const guint8 *) "Content-Length: ", 16);
  g_byte_array_append (conn->out, (const guint8 *) length, strlen (length));
  g_byte_array_append (conn->out, (const guint8 *) "\r\n" CB_SIGNATURE_RETELL_HEADER ": ",
                       strlen ("\r\n" CB_SIGNATURE_RETELL_HEADER ": "));
  g_byte_array_append (conn->out, (const guint8 *) signature, strlen (signature));
  g_byte_array_append (conn->out, (const guint8 *) "\r\n\r\n", 4);
  g_byte_array_append (conn->out, body, body_len);
  conn->out_pos = 0;
  conn->resent = call->resent;
  call->resent = FALSE;
  conn->call = sim_call_ref (call);
  call->sending = TRUE;
  conn->deadline_us = g_get_monotonic_time () + (gint64) self->webhook_timeout_s * G_USEC_PER_SEC;
  if (g_source_get_ready_time (self->client_source) < 0
      || conn->deadline_us < g_source_get_ready_time (self->client_source))
    g_source_set_ready_time (self->client_source, conn->deadline_us);

  if (!conn->connecting)
    webhook_conn_write (conn);
}

static gboolean
client_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  CbSimServer *self = ((ClientSource *) source)->self;
  g_autoptr(GPtrArray) ready = g_ptr_array_new_with_free_func ((GDestroyNotify) webhook_conn_unref);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < self->conns->len; i++)
    {
      WebhookConn *conn = g_ptr_array_index (self->conns, i);

      if (g_source_query_unix_fd (source, conn->tag) != 0
          || (conn->deadline_us > 0 && conn->deadline_us <= now))
        g_ptr_array_add (ready, webhook_conn_ref (conn));
    }

  for (guint i = 0; i < ready->len; i++)
    {
      WebhookConn *conn = g_ptr_array_index (ready, i);
      GIOCondition revents;

      if (conn->server == NULL)
        continue;

      revents = g_source_query_unix_fd (source, conn->tag);

      if (conn->call == NULL)
        {
          /* Idle and readable: closed by the peer (or sending what nobody asked for). */
          if (revents != 0)
            webhook_conn_close (conn);
          continue;
        }

      if (conn->deadline_us > 0 && conn->deadline_us <= now && revents == 0)
        {
          g_autofree char *problem = g_strdup_printf (_("No answer within %u seconds"),
                                                      self->webhook_timeout_s);

          webhook_conn_finish (conn, 0, problem, FALSE);
          continue;
        }

      if (conn->connecting)
        {
          g_autoptr(GError) error = NULL;

          if ((revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) == 0)
            continue;
          conn->connecting = FALSE;
          if (!g_socket_check_connect_result (conn->socket, &error))
            {
              webhook_conn_finish (conn, 0, error->message, FALSE);
              continue;
            }
          webhook_conn_write (conn);
          continue;
        }

      if (conn->out_pos < conn->out->len)
        {
          if ((revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) != 0)
            webhook_conn_write (conn);
          continue;
        }

      if ((revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)) != 0)
        webhook_conn_read (conn);
    }

  update_client_source (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs client_source_funcs = {
  .dispatch = client_dispatch,
};

/* Closes every connection of the client; the calls they served are let go. */
static void
client_shutdown (CbSimServer *self)
{
  while (self->client_waiting.length > 0)
    {
      SimCall *call = g_queue_pop_head (&self->client_waiting);

      call->queued = FALSE;
      sim_call_unref (call);
    }

  while (self->conns->len > 0)
    {
      WebhookConn *conn = webhook_conn_ref (g_ptr_array_index (self->conns, 0));

      if (conn->call != NULL)
        conn->call->sending = FALSE;
      g_clear_pointer (&conn->call, sim_call_unref);
      webhook_conn_close (conn);
      webhook_conn_unref (conn);
    }
}

static void
sim_call_pump (SimCall *call)
{
  CbSimServer *self = call->server;
  g_autofree char *signature = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Delivery *delivery;

  if (self == NULL || call->in_flight != NULL || call->retry_id != 0 || call->queued
      || call->sending)
    return;

  if ((delivery = g_queue_peek_head (&call->deliveries)) == NULL)
    return;

  if (g_strcmp0 (self->client_url, self->webhook_url) != 0)
    {
      /* Another address: the connections to the old one are of no use, those still
       * waiting for an answer included. */
      for (guint i = 0; i < self->conns->len; i++)
        ((WebhookConn *) g_ptr_array_index (self->conns, i))->retired = TRUE;
      while (self->idle_conns.length > 0)
        webhook_conn_close (g_queue_peek_head (&self->idle_conns));
      webhook_target_parse (self);
    }

  if (self->client_address != NULL)
    {
      webhook_send (self, call, FALSE);
      return;
    }

  msg = soup_message_new (SOUP_METHOD_POST, self->webhook_url);
  if (msg == NULL)
    {
      g_warning ("The webhook URL “%s” is not a valid URL", self->webhook_url);
      sim_call_delivery_done (call);
      return;
    }

  signature = cb_signature_retell_sign (self->api_key, delivery->body, now_ms ());
  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                CB_SIGNATURE_RETELL_HEADER, signature);
  soup_message_set_request_body_from_bytes (msg, "application/json", delivery->body);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  call->in_flight = g_object_ref (msg);
  soup_session_send_and_read_async (self->webhook_session, msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, delivery_sent_cb, sim_call_ref (call));
}

/* The call's life on timers: ring → (connect → talk →) end → analysis. */

static void
analysis_cb (SimCall *call)
{
  g_autoptr(GBytes) body = NULL;

  call->analyzed = TRUE;

  body = sim_call_event_body (call, EVENT_ANALYZED);
  sim_call_queue_event (call, EVENT_ANALYZED, body);

  if (call->held_ended != NULL)
    {
      g_autoptr(GBytes) ended = g_steal_pointer (&call->held_ended);
      sim_call_queue_event (call, EVENT_ENDED, ended);
    }
}

static void
sim_call_end (SimCall *call)
{
  g_autoptr(GBytes) body = NULL;
  const char *name = dynamic_var (call, "first_name");
  g_autofree char *greeting = name ? g_strdup_printf (" %s", name) : g_strdup ("");

  switch (call->outcome)
    {
    case SIM_ANSWERED:
      call->status = CB_CALL_STATUS_ENDED;
      call->duration_ms = call->talk_ms;
      call->end_ms = call->start_ms + call->duration_ms;
      call->transcript = g_strdup_printf ("Agent: Hello%s, this is the demo agent calling.\n"
                                          "User: Hi, yes, speaking.\n"
                                          "Agent: I am calling to confirm your appointment.\n"
                                          "User: That works for me, thank you.\n"
                                          "Agent: Great, have a good day. Goodbye.\n",
                                          greeting);
      break;

    case SIM_VOICEMAIL:
      call->status = CB_CALL_STATUS_ENDED;
      call->duration_ms = call->talk_ms;
      call->end_ms = call->start_ms + call->duration_ms;
      call->transcript = g_strdup_printf ("Agent: Hello%s, this is the demo agent. Sorry we "
                                          "missed you; please call us back.\n", greeting);
      break;

    case SIM_NO_ANSWER:
    case SIM_BUSY:
    case SIM_FAILED:
    case N_SIM_OUTCOMES:
    default:
      call->status = CB_CALL_STATUS_NOT_CONNECTED;
      call->duration_ms = 0;
      call->end_ms = now_ms ();
      call->transcript = g_strdup ("");
      break;
    }

  body = sim_call_event_body (call, EVENT_ENDED);
  if (call->out_of_order)
    call->held_ended = g_steal_pointer (&body);
  else
    sim_call_queue_event (call, EVENT_ENDED, body);

  sim_call_schedule (call, call->analysis_ms, analysis_cb);
}

static void
ring_cb (SimCall *call)
{
  g_autoptr(GBytes) body = NULL;

  if (call->outcome != SIM_ANSWERED && call->outcome != SIM_VOICEMAIL)
    {
      sim_call_end (call);
      return;
    }

  call->status = CB_CALL_STATUS_ONGOING;
  call->start_ms = now_ms ();
  body = sim_call_event_body (call, EVENT_STARTED);
  sim_call_queue_event (call, EVENT_STARTED, body);
  sim_call_schedule (call, call->talk_ms, sim_call_end);
}

static guint
rand_ms (GRand *rand,
         guint  low_ms,
         guint  high_ms)
{
  if (high_ms <= low_ms)
    return low_ms;
  return (guint) g_rand_int_range (rand, (gint32) low_ms, (gint32) MIN (high_ms, G_MAXINT32));
}

static GRand *
new_request_rand (CbSimServer *self,
                  guint        seq)
{
  guint32 seed[3] = { (guint32) (self->seed & 0xffffffff), (guint32) (self->seed >> 32), seq };

  return g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
}

static SimOutcome
pick_outcome (CbSimServer *self,
              double       x)
{
  double total = 0;
  double acc = 0;

  for (guint i = 0; i < N_SIM_OUTCOMES; i++)
    total += self->weights[i];

  if (total <= 0)
    return SIM_ANSWERED;

  x *= total;
  for (guint i = 0; i < N_SIM_OUTCOMES; i++)
    {
      acc += self->weights[i];
      if (self->weights[i] > 0 && x < acc)
        return (SimOutcome) i;
    }

  /* Rounding at the top end: the last outcome with any weight. */
  for (guint i = N_SIM_OUTCOMES; i > 0; i--)
    {
      if (self->weights[i - 1] > 0)
        return (SimOutcome) (i - 1);
    }

  return SIM_ANSWERED;
}

/* Draws everything about request @seq in a fixed order from its own generator. */
static void
draw_request (CbSimServer *self,
              GRand       *rand,
              SimFaults   *faults,
              SimCall     *call)
{
  guint min_ms = self->min_duration_s * 1000;
  guint max_ms = MAX (self->max_duration_s, self->min_duration_s) * 1000;
  double outcome_x;
  guint32 id[4];

  faults->reject_429 = g_rand_double (rand) < self->rate_429;
  faults->reject_500 = g_rand_double (rand) < self->rate_500;
  faults->slow = g_rand_double (rand) < self->slow_rate;
  faults->retry_after_s = (guint) g_rand_int_range (rand, 1, 6);

  outcome_x = g_rand_double (rand);
  call->outcome = pick_outcome (self, outcome_x);

  switch (call->outcome)
    {
    case SIM_ANSWERED:
      call->ring_ms = rand_ms (rand, 3000, 12000);
      call->talk_ms = rand_ms (rand, min_ms, max_ms);
      call->disconnection_reason = g_rand_boolean (rand) ? "user_hangup" : "agent_hangup";
      break;
    case SIM_VOICEMAIL:
      call->ring_ms = rand_ms (rand, 15000, 25000);
      call->talk_ms = rand_ms (rand, 10000, 25000);
      call->disconnection_reason = "voicemail_reached";
      break;
    case SIM_NO_ANSWER:
      call->ring_ms = rand_ms (rand, 25000, 35000);
      call->disconnection_reason = "dial_no_answer";
      break;
    case SIM_BUSY:
      call->ring_ms = rand_ms (rand, 2000, 5000);
      call->disconnection_reason = "dial_busy";
      break;
    case SIM_FAILED:
    case N_SIM_OUTCOMES:
    default:
      call->ring_ms = rand_ms (rand, 500, 2000);
      call->disconnection_reason = "dial_failed";
      break;
    }

  call->analysis_ms = rand_ms (rand, 1000, 4000);
  call->successful = call->outcome == SIM_ANSWERED && g_rand_double (rand) < 0.8;
  call->sentiment = call->outcome == SIM_ANSWERED
                    ? (g_rand_boolean (rand) ? "Positive" : "Neutral")
                    : (call->outcome == SIM_VOICEMAIL ? "Neutral" : "Unknown");

  for (guint i = 0; i < N_EVENTS; i++)
    {
      call->drop[i] = g_rand_double (rand) < self->drop_webhook_rate;
      call->duplicate[i] = g_rand_double (rand) < self->duplicate_webhook_rate;
    }
  call->out_of_order = g_rand_double (rand) < self->out_of_order_rate;

  for (guint i = 0; i < G_N_ELEMENTS (id); i++)
    id[i] = g_rand_int (rand);
  call->call_id = g_strdup_printf ("call_%08x%08x%08x%08x", id[0], id[1], id[2], id[3]);

  /* Last, so that the calls drawn above are the same whatever this rate. */
  faults->drop_connection = self->drop_connection_rate > 0
                            && g_rand_double (rand) < self->drop_connection_rate;
}

/* HTTP */

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              GString           *text)
{
  gsize len = text->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (text, FALSE), len);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  char *text = json_to_string (node, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

/* Retell's error shape, as read by retell-sdk: {"status": "error", "message": …}. */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  respond_json (msg, status, root);
}

static gboolean
is_authorized (CbSimServer       *self,
               SoupServerMessage *msg)
{
  const char *value;

  value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                        "Authorization");
  return value != NULL && cb_signature_equal (value, self->authorization);
}

static gboolean
is_e164 (const char *s)
{
  gsize len;

  if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
    return FALSE;

  len = strlen (s + 1);
  if (len < 2 || len > 15)
    return FALSE;

  for (gsize i = 1; s[i] != '\0'; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
    }

  return TRUE;
}

/* The request body as JSON, or NULL with @error set. */
static JsonNode *
parse_request_body (SoupServerMessage  *msg,
                    GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  gconstpointer data;
  gsize len;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty body");
      return NULL;
    }

  if (!cb_json_parser_load (parser, data, len, error))
    return NULL;

  return json_node_ref (json_parser_get_root (parser));
}

/* Checks a create-phone-call body (@root, or @parse_error when it is not JSON); fills
 * @call's fields or returns a message for 400. */
static char *
read_create_body (JsonNode     *root,
                  const GError *parse_error,
                  SimCall      *call)
{
  const char *numbers[] = { "from_number", "to_number" };
  JsonObject *object;
  JsonNode *node;

  if (root == NULL)
    return g_strdup_printf ("The request body is not valid JSON: %s", parse_error->message);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup ("The request body is not a JSON object");
  object = json_node_get_object (root);

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      const char *value;

      node = json_object_get_member (object, numbers[i]);
      if (node == NULL)
        return g_strdup_printf ("%s is required", numbers[i]);
      if (json_node_get_value_type (node) != G_TYPE_STRING)
        return g_strdup_printf ("%s must be a string", numbers[i]);

      value = json_node_get_string (node);
      if (!is_e164 (value))
        return g_strdup_printf ("%s “%s” is not an E.164 phone number (like +14155550100)",
                                numbers[i], value);
    }

  node = json_object_get_member (object, "override_agent_id");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
      json_node_get_value_type (node) != G_TYPE_STRING)
    return g_strdup ("override_agent_id must be a string");

  node = json_object_get_member (object, "retell_llm_dynamic_variables");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return g_strdup ("retell_llm_dynamic_variables must be an object");

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (json_node_get_value_type (value) != G_TYPE_STRING)
            return g_strdup_printf ("retell_llm_dynamic_variables.%s must be a string", name);
        }
      call->dynamic_vars = json_node_copy (node);
      call->dynamic_vars_json = json_to_string (node, FALSE);
    }

  call->from_number = g_strdup (json_object_get_string_member (object, "from_number"));
  call->to_number = g_strdup (json_object_get_string_member (object, "to_number"));
  call->agent_id = g_strdup (json_object_get_string_member_with_default (object,
                                                                         "override_agent_id",
                                                                         NULL));
  if (call->agent_id == NULL)
    call->agent_id = g_strdup (CB_SIM_SERVER_DEFAULT_AGENT_ID);

  node = json_object_get_member (object, "metadata");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    call->metadata_json = json_to_string (node, FALSE);

  return NULL;
}

static JsonObject *
new_request_record (guint     seq,
                    JsonNode *root)
{
  JsonObject *record = json_object_new ();
  static const char *copied[] = { "from_number", "to_number", "override_agent_id",
                                  "retell_llm_dynamic_variables", "metadata" };

  json_object_set_int_member (record, "seq", seq);
  json_object_set_int_member (record, "received_at", now_ms ());
  json_object_set_null_member (record, "call_id");

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);

      for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
        {
          JsonNode *node = json_object_get_member (object, copied[i]);

          if (node != NULL)
            json_object_set_member (record, copied[i], json_node_copy (node));
        }
    }

  return record;
}

static void
slow_finished_cb (SoupServerMessage *msg,
                  CbSimServer       *self)
{
  gpointer id;

  if (g_hash_table_steal_extended (self->slow, msg, NULL, &id))
    {
      sim_source_remove (self, GPOINTER_TO_UINT (id));
      g_object_unref (msg);
    }
}

typedef struct
{
  CbSimServer       *self;
  SoupServerMessage *msg;
} SlowAnswer;

static gboolean
slow_answer_cb (gpointer user_data)
{
  SlowAnswer *answer = user_data;
  SoupServerMessage *msg = answer->msg;

  g_signal_handlers_disconnect_by_func (msg, slow_finished_cb, answer->self);
  if (g_hash_table_steal (answer->self->slow, msg))
    {
      soup_server_message_unpause (msg);
      g_object_unref (msg);
    }

  return G_SOURCE_REMOVE;
}

/* Holds the (already set) response back for "slow-delay" milliseconds. */
static void
delay_response (CbSimServer       *self,
                SoupServerMessage *msg)
{
  SlowAnswer *answer = g_new0 (SlowAnswer, 1);
  guint id;

  answer->self = self;
  answer->msg = msg;
  soup_server_message_pause (msg);
  id = sim_timeout_add (self, self->slow_delay_ms, slow_answer_cb, answer, g_free);
  g_hash_table_insert (self->slow, g_object_ref (msg), GUINT_TO_POINTER (id));
  g_signal_connect (msg, "finished", G_CALLBACK (slow_finished_cb), self);
}

static gboolean
drop_connection_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  return G_SOURCE_REMOVE;
}

/* The call is placed, but its answer is lost: the connection closes before a byte of
 * it is written, as when a provider or a proxy fails mid-request. */
static void
drop_connection (CbSimServer       *self,
                 SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  sim_timeout_add (self, 0, drop_connection_cb, g_object_ref (msg), g_object_unref);
}

static void
handle_create (CbSimServer       *self,
               SoupServerMessage *msg)
{
  g_autoptr(GRand) rand = NULL;
  GString *text;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *problem = NULL;
  JsonObject *record;
  SimCall *call;
  SimFaults faults;
  guint seq;

  seq = self->next_seq++;
  root = parse_request_body (msg, &parse_error);
  record = new_request_record (seq, root);
  g_ptr_array_add (self->requests, record);

  if (!is_authorized (self, msg))
    {
      json_object_set_int_member (record, "http_status", SOUP_STATUS_UNAUTHORIZED);
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "API key is missing or invalid.");
      return;
    }

  call = g_new0 (SimCall, 1);
  call->ref_count = 1;
  call->seq = seq;
  call->status = CB_CALL_STATUS_REGISTERED;

  rand = new_request_rand (self, seq);
  draw_request (self, rand, &faults, call);

  if (faults.reject_429)
    {
      g_autofree char *after = g_strdup_printf ("%u", faults.retry_after_s);

      json_object_set_int_member (record, "http_status", 429);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", after);
      respond_error (msg, 429, "Account rate limited, please throttle your requests.");
    }
  else if (faults.reject_500)
    {
      json_object_set_int_member (record, "http_status", SOUP_STATUS_INTERNAL_SERVER_ERROR);
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                     "An unexpected server error occurred.");
    }
  else if ((problem = read_create_body (root, parse_error, call)) != NULL)
    {
      json_object_set_int_member (record, "http_status", SOUP_STATUS_BAD_REQUEST);
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, problem);
    }
  else
    {
      json_object_set_int_member (record, "http_status", SOUP_STATUS_CREATED);
      json_object_set_string_member (record, "call_id", call->call_id);

      call->server = self;
      g_hash_table_insert (self->calls, call->call_id, sim_call_ref (call));
      sim_call_schedule (call, call->ring_ms, ring_cb);

      text = g_string_sized_new (512);
      sim_call_append_json (call, text);
      respond_text (msg, SOUP_STATUS_CREATED, text);
    }

  sim_call_unref (call);

  if (faults.drop_connection && !faults.reject_429 && !faults.reject_500 && problem == NULL)
    {
      json_object_set_boolean_member (record, "connection_dropped", TRUE);
      drop_connection (self, msg);
    }
  else if (faults.slow)
    delay_response (self, msg);
}

static void
handle_get_call (CbSimServer       *self,
                 SoupServerMessage *msg,
                 const char        *call_id)
{
  GString *text;
  g_autofree char *message = NULL;
  SimCall *call;

  if (!is_authorized (self, msg))
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "API key is missing or invalid.");
      return;
    }

  if ((call = g_hash_table_lookup (self->calls, call_id)) == NULL)
    {
      message = g_strdup_printf ("Call %s not found", call_id);
      respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
      return;
    }

  text = g_string_sized_new (1024);
  sim_call_append_json (call, text);
  respond_text (msg, SOUP_STATUS_OK, text);
}

static gboolean
record_matches (JsonObject *record,
                GHashTable *query)
{
  GHashTableIter iter;
  const char *key;
  const char *value;
  JsonNode *metadata;

  if (query == NULL)
    return TRUE;

  metadata = json_object_get_member (record, "metadata");

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &value))
    {
      g_autofree char *text = NULL;
      JsonNode *member;

      if (!g_str_has_prefix (key, "metadata."))
        continue;

      if (metadata == NULL || !JSON_NODE_HOLDS_OBJECT (metadata))
        return FALSE;

      member = json_object_get_member (json_node_get_object (metadata),
                                       key + strlen ("metadata."));
      if (member == NULL || !JSON_NODE_HOLDS_VALUE (member))
        return FALSE;

      if (json_node_get_value_type (member) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (member));
      else
        text = json_to_string (member, FALSE);

      if (g_strcmp0 (text, value) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
handle_list_calls (CbSimServer       *self,
                   SoupServerMessage *msg,
                   GHashTable        *query)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *calls = json_array_new ();

  for (guint i = 0; i < self->requests->len; i++)
    {
      JsonObject *record = g_ptr_array_index (self->requests, i);

      if (record_matches (record, query))
        json_array_add_object_element (calls, json_object_ref (record));
    }

  json_object_set_array_member (object, "calls", calls);
  json_node_take_object (root, object);
  respond_json (msg, SOUP_STATUS_OK, root);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  CbSimServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *allow = NULL;

  if (g_str_equal (path, "/v2/create-phone-call"))
    {
      if (g_str_equal (method, SOUP_METHOD_POST))
        {
          handle_create (self, msg);
          return;
        }
      allow = "POST";
    }
  else if (g_str_has_prefix (path, "/v2/get-call/") && path[strlen ("/v2/get-call/")] != '\0')
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        {
          handle_get_call (self, msg, path + strlen ("/v2/get-call/"));
          return;
        }
      allow = "GET";
    }
  else if (g_str_equal (path, "/sim/calls"))
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        {
          handle_list_calls (self, msg, query);
          return;
        }
      allow = "GET";
    }
  else if (g_str_equal (path, "/healthz"))
    {
      if (g_str_equal (method, SOUP_METHOD_GET))
        {
          static const char ok[] = "{\"status\":\"ok\"}";

          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                            ok, strlen (ok));
          return;
        }
      allow = "GET";
    }

  if (allow != NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allow);
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
      return;
    }

  respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
}

/* Listening */

gboolean
cb_sim_server_listen (CbSimServer  *self,
                      const char   *host,
                      guint16       port,
                      GError      **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = NULL;
  guint16 bound_port;

  g_return_val_if_fail (CB_IS_SIM_SERVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (self->url == NULL, FALSE);

  if (g_str_equal (host, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on"), host);
      return FALSE;
    }

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket == NULL)
    goto failed;

  bind_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, bind_address, TRUE, &local_error))
    goto failed;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, &local_error))
    goto failed;

  if (!soup_server_listen_socket (self->server, socket, 0, &local_error))
    goto failed;

  local = g_socket_get_local_address (socket, &local_error);
  if (local == NULL)
    goto failed;

  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  shown = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("http://[%s]:%u", shown, bound_port);
  else
    self->url = g_strdup_printf ("http://%s:%u", shown, bound_port);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_URL]);
  return TRUE;

failed:
  g_set_error (error, G_IO_ERROR, local_error->code,
               _("Cannot listen on %s port %u: %s"), host, port, local_error->message);
  return FALSE;
}

const char *
cb_sim_server_get_url (CbSimServer *self)
{
  g_return_val_if_fail (CB_IS_SIM_SERVER (self), NULL);

  return self->url;
}

guint
cb_sim_server_get_n_pending_webhooks (CbSimServer *self)
{
  guint n;

  g_return_val_if_fail (CB_IS_SIM_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_pending_webhooks;
  g_mutex_unlock (&self->lock);

  return n;
}

/* Serving from a thread */

static void sim_shutdown (CbSimServer *self);

/* The lock of the simulator whose thread this is: held while it works, released while it
 * waits, so other threads set properties between two turns of its loop. */
static GPrivate sim_thread_lock;

static int
sim_thread_poll (GPollFD *fds,
                 guint    n_fds,
                 int      timeout_ms)
{
  GMutex *lock = g_private_get (&sim_thread_lock);
  int ret;

  g_mutex_unlock (lock);
  ret = g_poll (fds, n_fds, timeout_ms);
  g_mutex_lock (lock);

  return ret;
}

static void
attach_timer_source (CbSimServer *self)
{
  if (self->timer_source != NULL)
    g_source_destroy (self->timer_source);
  g_clear_pointer (&self->timer_source, g_source_unref);

  self->timer_source = g_source_new (&timer_source_funcs, sizeof (GSource));
  g_source_set_name (self->timer_source, "[callboard-sim] call timers");
  g_source_set_callback (self->timer_source, run_timers_cb, self, NULL);
  g_source_set_can_recurse (self->timer_source, TRUE);
  g_source_attach (self->timer_source, self->context);
  update_timer_source (self);
}

static void
attach_client_source (CbSimServer *self)
{
  g_assert (self->conns->len == 0);

  if (self->client_source != NULL)
    g_source_destroy (self->client_source);
  g_clear_pointer (&self->client_source, g_source_unref);

  self->client_source = g_source_new (&client_source_funcs, sizeof (ClientSource));
  ((ClientSource *) self->client_source)->self = self;
  g_source_set_name (self->client_source, "[callboard-sim] webhook connections");
  g_source_set_can_recurse (self->client_source, TRUE);
  g_source_attach (self->client_source, self->context);
}

typedef struct
{
  CbSimServer *self;
  char        *host;
  guint16      port;
} ThreadStart;

static gpointer
sim_thread_main (gpointer data)
{
  ThreadStart *start = data;
  CbSimServer *self = start->self;
  GError *error = NULL;
  gboolean ok;

  /* Beside a window, the simulator stands in for a service far away: on a busy machine it
   * yields to the window's thread, never the other way round. Not in a headless engine:
   * there, starved by other programs, it would answer the engine's requests too late
   * (measured: calls placed under a full load timed out after 30 s at nice 10). */
  if (self->background
      && setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), SIM_THREAD_NICE) != 0)
    g_debug ("The simulator's thread keeps its priority: %s", g_strerror (errno));

  g_main_context_push_thread_default (self->context);
  g_private_set (&sim_thread_lock, &self->lock);
  g_mutex_lock (&self->lock);

  /* Sources and connections belong to the context that is current when they are made. */
  attach_timer_source (self);
  attach_client_source (self);
  g_clear_object (&self->webhook_session);
  self->webhook_session = soup_session_new_with_options ("max-conns", MAX_CONNECTIONS,
                                                         "max-conns-per-host", MAX_CONNECTIONS,
                                                         "timeout", self->webhook_timeout_s,
                                                         "user-agent", "Retell-Simulator/"
                                                                       PACKAGE_VERSION " ",
                                                         NULL);
  ok = cb_sim_server_listen (self, start->host, start->port, &error);

  self->listen_error = error;
  self->thread_started = TRUE;
  g_cond_signal (&self->started_cond);
  g_free (start->host);
  g_free (start);

  while (ok && !self->stopping)
    g_main_context_iteration (self->context, TRUE);

  /* Everything the simulator started ends here, in its own context. */
  sim_shutdown (self);
  for (guint i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (self->context, FALSE))
        ;
      g_mutex_unlock (&self->lock);
      g_usleep (1000);
      g_mutex_lock (&self->lock);
    }

  g_mutex_unlock (&self->lock);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

gboolean
cb_sim_server_listen_in_thread (CbSimServer  *self,
                                const char   *host,
                                guint16       port,
                                GError      **error)
{
  ThreadStart *start;

  g_return_val_if_fail (CB_IS_SIM_SERVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (self->url == NULL && self->thread == NULL, FALSE);

  self->context = g_main_context_new ();
  g_main_context_set_poll_func (self->context, sim_thread_poll);

  start = g_new0 (ThreadStart, 1);
  start->self = self;
  start->host = g_strdup (host);
  start->port = port;

  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("callboard-sim", sim_thread_main, start);
  while (!self->thread_started)
    g_cond_wait (&self->started_cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->listen_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->listen_error));
      g_thread_join (g_steal_pointer (&self->thread));
      return FALSE;
    }

  return TRUE;
}

/* GObject */

static void
set_answer_rate (CbSimServer *self,
                 double       rate)
{
  double others = 0;

  for (guint i = 1; i < N_SIM_OUTCOMES; i++)
    others += default_weights[i];

  self->weights[SIM_ANSWERED] = rate;
  for (guint i = 1; i < N_SIM_OUTCOMES; i++)
    self->weights[i] = (1.0 - rate) * default_weights[i] / others;
}

static void
cb_sim_server_constructed (GObject *object)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  G_OBJECT_CLASS (cb_sim_server_parent_class)->constructed (object);

  self->webhook_session = soup_session_new_with_options ("max-conns", MAX_CONNECTIONS,
                                                         "max-conns-per-host", MAX_CONNECTIONS,
                                                         "timeout", self->webhook_timeout_s,
                                                         "user-agent", "Retell-Simulator/"
                                                                       PACKAGE_VERSION " ",
                                                         NULL);
}

/* Stops serving and drops every call's timers and webhooks; safe to repeat. */
static void
sim_shutdown (CbSimServer *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_cancellable_cancel (self->cancellable);

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sim_call_detach (value);
  g_hash_table_remove_all (self->calls);

  if (self->timer_source != NULL)
    g_source_destroy (self->timer_source);
  g_clear_pointer (&self->timer_source, g_source_unref);

  /* Let held-back answers go before the connections close. */
  g_hash_table_iter_init (&iter, self->slow);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_signal_handlers_disconnect_by_func (key, slow_finished_cb, self);
      sim_source_remove (self, GPOINTER_TO_UINT (value));
      soup_server_message_unpause (key);
      g_object_unref (key);
      g_hash_table_iter_steal (&iter);
    }

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  if (self->webhook_session != NULL)
    soup_session_abort (self->webhook_session);
  g_clear_object (&self->webhook_session);

  client_shutdown (self);
  if (self->client_source != NULL)
    g_source_destroy (self->client_source);
  g_clear_pointer (&self->client_source, g_source_unref);
}

static void
cb_sim_server_dispose (GObject *object)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_mutex_unlock (&self->lock);
      g_main_context_wakeup (self->context);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  sim_shutdown (self);

  G_OBJECT_CLASS (cb_sim_server_parent_class)->dispose (object);
}

static void
cb_sim_server_finalize (GObject *object)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->slow, g_hash_table_unref);
  g_clear_pointer (&self->timers, g_sequence_free);
  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_object (&self->client_address);
  g_clear_pointer (&self->client_head, g_free);
  g_clear_pointer (&self->client_url, g_free);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->authorization, g_free);
  g_clear_pointer (&self->webhook_url, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->listen_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started_cond);

  G_OBJECT_CLASS (cb_sim_server_parent_class)->finalize (object);
}

static void
cb_sim_server_get_property_locked (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  switch (prop_id)
    {
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;
    case PROP_WEBHOOK_URL:
      g_value_set_string (value, self->webhook_url);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    case PROP_ANSWER_RATE:
    case PROP_NO_ANSWER_RATE:
    case PROP_BUSY_RATE:
    case PROP_FAILED_RATE:
    case PROP_VOICEMAIL_RATE:
      g_value_set_double (value, self->weights[prop_id - PROP_ANSWER_RATE]);
      break;
    case PROP_MIN_DURATION:
      g_value_set_uint (value, self->min_duration_s);
      break;
    case PROP_MAX_DURATION:
      g_value_set_uint (value, self->max_duration_s);
      break;
    case PROP_RATE_429:
      g_value_set_double (value, self->rate_429);
      break;
    case PROP_RATE_500:
      g_value_set_double (value, self->rate_500);
      break;
    case PROP_SLOW_RATE:
      g_value_set_double (value, self->slow_rate);
      break;
    case PROP_SLOW_DELAY:
      g_value_set_uint (value, self->slow_delay_ms);
      break;
    case PROP_DROP_CONNECTION_RATE:
      g_value_set_double (value, self->drop_connection_rate);
      break;
    case PROP_DROP_WEBHOOK_RATE:
      g_value_set_double (value, self->drop_webhook_rate);
      break;
    case PROP_DUPLICATE_WEBHOOK_RATE:
      g_value_set_double (value, self->duplicate_webhook_rate);
      break;
    case PROP_OUT_OF_ORDER_RATE:
      g_value_set_double (value, self->out_of_order_rate);
      break;
    case PROP_WEBHOOK_TIMEOUT:
      g_value_set_uint (value, self->webhook_timeout_s);
      break;
    case PROP_BACKGROUND:
      g_value_set_boolean (value, self->background);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_double (CbSimServer *self,
            double      *field,
            double       value,
            guint        prop_id)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties [prop_id]);
    }
}

static void
set_uint (CbSimServer *self,
          guint       *field,
          guint        value,
          guint        prop_id)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties [prop_id]);
    }
}

static void
cb_sim_server_set_property_locked (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  switch (prop_id)
    {
    case PROP_API_KEY:
      g_free (self->api_key);
      g_free (self->authorization);
      self->api_key = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "");
      self->authorization = g_strconcat ("Bearer ", self->api_key, NULL);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_WEBHOOK_URL:
      if (g_strcmp0 (self->webhook_url, g_value_get_string (value)) != 0)
        {
          g_free (self->webhook_url);
          self->webhook_url = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SPEED:
      set_double (self, &self->speed, g_value_get_double (value), prop_id);
      break;
    case PROP_SEED:
      if (self->seed != g_value_get_uint64 (value))
        {
          self->seed = g_value_get_uint64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ANSWER_RATE:
      set_answer_rate (self, g_value_get_double (value));
      for (guint i = PROP_ANSWER_RATE; i <= PROP_VOICEMAIL_RATE; i++)
        g_object_notify_by_pspec (object, properties [i]);
      break;
    case PROP_NO_ANSWER_RATE:
    case PROP_BUSY_RATE:
    case PROP_FAILED_RATE:
    case PROP_VOICEMAIL_RATE:
      set_double (self, &self->weights[prop_id - PROP_ANSWER_RATE], g_value_get_double (value),
                  prop_id);
      break;
    case PROP_MIN_DURATION:
      set_uint (self, &self->min_duration_s, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_DURATION:
      set_uint (self, &self->max_duration_s, g_value_get_uint (value), prop_id);
      break;
    case PROP_RATE_429:
      set_double (self, &self->rate_429, g_value_get_double (value), prop_id);
      break;
    case PROP_RATE_500:
      set_double (self, &self->rate_500, g_value_get_double (value), prop_id);
      break;
    case PROP_SLOW_RATE:
      set_double (self, &self->slow_rate, g_value_get_double (value), prop_id);
      break;
    case PROP_SLOW_DELAY:
      set_uint (self, &self->slow_delay_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_DROP_CONNECTION_RATE:
      set_double (self, &self->drop_connection_rate, g_value_get_double (value), prop_id);
      break;
    case PROP_DROP_WEBHOOK_RATE:
      set_double (self, &self->drop_webhook_rate, g_value_get_double (value), prop_id);
      break;
    case PROP_DUPLICATE_WEBHOOK_RATE:
      set_double (self, &self->duplicate_webhook_rate, g_value_get_double (value), prop_id);
      break;
    case PROP_OUT_OF_ORDER_RATE:
      set_double (self, &self->out_of_order_rate, g_value_get_double (value), prop_id);
      break;
    case PROP_WEBHOOK_TIMEOUT:
      self->webhook_timeout_s = g_value_get_uint (value);
      break;
    case PROP_BACKGROUND:
      self->background = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
rate_param (const char *name,
            double      default_value)
{
  return g_param_spec_double (name, NULL, NULL, 0.0, 1.0, default_value,
                              (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

static void
cb_sim_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  g_mutex_lock (&self->lock);
  cb_sim_server_get_property_locked (object, prop_id, value, pspec);
  g_mutex_unlock (&self->lock);
}

static void
cb_sim_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CbSimServer *self = CB_SIM_SERVER (object);

  g_mutex_lock (&self->lock);
  cb_sim_server_set_property_locked (object, prop_id, value, pspec);
  g_mutex_unlock (&self->lock);
}

static void
cb_sim_server_class_init (CbSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = cb_sim_server_constructed;
  object_class->dispose = cb_sim_server_dispose;
  object_class->finalize = cb_sim_server_finalize;
  object_class->get_property = cb_sim_server_get_property;
  object_class->set_property = cb_sim_server_set_property;

  properties [PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, "", rw);
  properties [PROP_WEBHOOK_URL] =
    g_param_spec_string ("webhook-url", NULL, NULL, NULL, rw);
  properties [PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0.001, 1e6, 1.0, rw);
  properties [PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties [PROP_ANSWER_RATE] = rate_param ("answer-rate", default_weights[SIM_ANSWERED]);
  properties [PROP_NO_ANSWER_RATE] = rate_param ("no-answer-rate", default_weights[SIM_NO_ANSWER]);
  properties [PROP_BUSY_RATE] = rate_param ("busy-rate", default_weights[SIM_BUSY]);
  properties [PROP_FAILED_RATE] = rate_param ("failed-rate", default_weights[SIM_FAILED]);
  properties [PROP_VOICEMAIL_RATE] = rate_param ("voicemail-rate", default_weights[SIM_VOICEMAIL]);
  properties [PROP_MIN_DURATION] =
    g_param_spec_uint ("min-duration", NULL, NULL, 0, 24 * 3600, 20, rw);
  properties [PROP_MAX_DURATION] =
    g_param_spec_uint ("max-duration", NULL, NULL, 0, 24 * 3600, 180, rw);
  properties [PROP_RATE_429] = rate_param ("rate-429", 0.0);
  properties [PROP_RATE_500] = rate_param ("rate-500", 0.0);
  properties [PROP_SLOW_RATE] = rate_param ("slow-rate", 0.0);
  properties [PROP_SLOW_DELAY] =
    g_param_spec_uint ("slow-delay", NULL, NULL, 0, 600 * 1000, 3000, rw);
  properties [PROP_DROP_CONNECTION_RATE] = rate_param ("drop-connection-rate", 0.0);
  properties [PROP_DROP_WEBHOOK_RATE] = rate_param ("drop-webhook-rate", 0.0);
  properties [PROP_DUPLICATE_WEBHOOK_RATE] = rate_param ("duplicate-webhook-rate", 0.0);
  properties [PROP_OUT_OF_ORDER_RATE] = rate_param ("out-of-order-rate", 0.0);
  properties [PROP_WEBHOOK_TIMEOUT] =
    g_param_spec_uint ("webhook-timeout", NULL, NULL, 1, 3600, 10,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_BACKGROUND] =
    g_param_spec_boolean ("background", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_sim_server_init (CbSimServer *self)
{
  self->server = soup_server_new ("server-header", "callboard-sim ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  self->cancellable = g_cancellable_new ();
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) sim_call_unref);
  self->slow = g_hash_table_new (NULL, NULL);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->timers = g_sequence_new ((GDestroyNotify) sim_timer_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->started_cond);
  attach_timer_source (self);
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) webhook_conn_unref);
  g_queue_init (&self->idle_conns);
  g_queue_init (&self->client_waiting);
  attach_client_source (self);

  self->api_key = g_strdup ("");
  self->authorization = g_strdup ("Bearer ");
  self->speed = 1.0;
  self->seed = ((guint64) g_random_int () << 32) | g_random_int ();
  memcpy (self->weights, default_weights, sizeof self->weights);
  self->min_duration_s = 20;
  self->max_duration_s = 180;
  self->slow_delay_ms = 3000;
  self->webhook_timeout_s = 10;
}

CbSimServer *
cb_sim_server_new (const char *api_key)
{
  g_return_val_if_fail (api_key != NULL, NULL);

  return g_object_new (CB_TYPE_SIM_SERVER, "api-key", api_key, NULL);
}
