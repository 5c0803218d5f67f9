/* cb-webhook-receiver.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-webhooks"

#include "config.h"

#include "cb-webhook-receiver.h"

#include <glib/gi18n-lib.h>

#include "cb-clock.h"
#include "cb-provider-retell.h"
#include "cb-signature.h"

/*
 * Order of work for each request, so nothing is lost and nothing is applied twice:
 * 1. the signature is checked over the raw bytes, before anything reads them (401 and
 *    no change otherwise);
 * 2. the event is parsed;
 * 3. in one transaction: the inbox is asked whether this event (kind + call id) was seen;
 *    if not, it is stored and applied to the attempt, the recipient and the counters;
 * 4. only then is the answer 200. A failure in 3 answers 500, so the provider retries.
 *
 * Step 3 is shared: requests that arrive together are held (paused) and written in one
 * transaction at the end of the main loop iteration, with a few statements for the whole
 * group (cb_store_dialer_apply_events_locked()), then all answered. The commit is synced
 * to disk (cb_store_begin_durable()): an event answered 2xx survives a power failure.
 *
 * A group is written on a thread of its own, so the main loop goes on reading and
 * checking requests meanwhile; those gather into the next group, started as soon as the
 * one being written is done. One group at a time, in the order they arrived: the answers
 * and the "applied" signals of a group come on the main loop, after its commit.
 */

#define MAX_GROUP 256
/* Below the sockets' priority: every request already arrived is read into the group
 * before it is written, so a group grows with the load. */
#define FLUSH_PRIORITY (G_PRIORITY_DEFAULT + 10)

typedef struct
{
  SoupServerMessage *msg;
  char              *provider;
  char              *key;        /* its inbox key */
  GBytes            *body;
  CbCallEvent       *event;
  gulong             disconnected_id;
  gboolean           gone;       /* the client went away: nobody to answer */
} Pending;

static void
pending_disconnected (SoupServerMessage *msg,
                      Pending           *pending)
{
  pending->gone = TRUE;
}

static void
pending_free (Pending *pending)
{
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_clear_object (&pending->msg);
  g_free (pending->provider);
  g_free (pending->key);
  g_bytes_unref (pending->body);
  cb_call_event_free (pending->event);
  g_free (pending);
}

/* A group being written, handed to its thread: the thread reads @events, fills @results
 * or @error, then attaches @done to @context. */
typedef struct
{
  GPtrArray     *pending;   /* of Pending, owned by the main thread */
  CbDialEvent   *events;
  CbDialApplied *results;
  CbStore       *store;
  gint64         now_ms;
  GError        *error;     /* the write failed: none of it was kept */
  GThread       *thread;
  GMainContext  *context;
  GSource       *done;
} Group;

static void
group_free (Group *group)
{
  g_assert (group->thread == NULL);

  for (guint i = 0; i < group->pending->len; i++)
    cb_dial_applied_clear (&group->results[i]);
  g_ptr_array_unref (group->pending);
  g_free (group->events);
  g_free (group->results);
  g_object_unref (group->store);
  g_clear_error (&group->error);
  g_main_context_unref (group->context);
  g_source_unref (group->done);
  g_free (group);
}

#define WEBHOOKS_PREFIX "/webhooks/"

struct _CbWebhookReceiver
{
  GObject                  parent_instance;

  CbStore                 *store;
  CbWebhookProviderLookup  lookup;
  gpointer                 lookup_data;
  GDestroyNotify           lookup_destroy;

  GPtrArray               *pending;   /* of Pending, waiting for the next commit */
  GHashTable              *providers; /* name → GPtrArray of CbProvider, for one group */
  guint                    flush_source;
  Group                   *writing;   /* the group being written, or NULL */

  guint                    n_accepted;
  guint                    n_duplicates;
  guint                    n_rejected;
};

G_DEFINE_FINAL_TYPE (CbWebhookReceiver, cb_webhook_receiver, G_TYPE_OBJECT)

enum {
  APPLIED,
  WRITTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean flush_cb       (gpointer           user_data);
static gboolean group_done_cb  (gpointer           user_data);
static void     wait_for_group (CbWebhookReceiver *self,
                                gboolean           reply);

gboolean
cb_webhook_receiver_apply (CbWebhookReceiver  *self,
                           const char         *provider,
                           GBytes             *body,
                           const CbCallEvent  *event,
                           gboolean           *duplicate,
                           GError            **error)
{
  CbDialApplied applied = { 0 };
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (self), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (duplicate != NULL)
    *duplicate = FALSE;

  key = cb_store_dialer_event_key (event);
  if (key == NULL)
    return TRUE;

  /* After the group being written, so the listeners hear of events in the order they were
   * stored; the requests gathered meanwhile follow. */
  wait_for_group (self, TRUE);
  if (self->pending->len > 0 && self->flush_source == 0)
    self->flush_source = g_idle_add_full (FLUSH_PRIORITY, flush_cb, self, NULL);

  now = cb_clock_get_now_utc ();
  if (!cb_store_dialer_apply_event (self->store, provider, key, body, event,
                                    cb_store_datetime_to_ms (now), &applied, error))
    return FALSE;

  if (duplicate != NULL)
    *duplicate = applied.duplicate;

  if (!applied.duplicate && applied.attempt_id != NULL)
    g_signal_emit (self, signals[APPLIED], 0, &applied);

  cb_dial_applied_clear (&applied);

  return TRUE;
}

/* @json: a static {"status":…} answer. */
static void
reply_status (SoupServerMessage *msg,
              const char        *json)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    json, strlen (json));
}

static gpointer
write_group_thread (gpointer data)
{
  Group *group = data;

  if (cb_store_begin_durable (group->store, &group->error))
    {
      if (cb_store_dialer_apply_events_locked (group->store, group->events, group->pending->len,
                                               group->now_ms, group->results, &group->error))
        cb_store_commit (group->store, &group->error);
      else
        cb_store_rollback (group->store);
    }

  g_source_attach (group->done, group->context);

  return NULL;
}

/* Answers the group's requests (unless @reply is FALSE: the server is gone) and tells the
 * listeners what changed. */
static void
end_group (CbWebhookReceiver *self,
           Group             *group,
           gboolean           reply)
{
  gboolean ok = group->error == NULL;

  if (!ok)
    g_warning ("Could not store %u webhook events: %s", group->pending->len,
               group->error->message);

  for (guint i = 0; i < group->pending->len && reply; i++)
    {
      Pending *pending = g_ptr_array_index (group->pending, i);

      if (pending->gone)
        continue;

      if (!ok)
        cb_http_server_reply_error (pending->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    "store_failed",
                                    _("The event could not be stored; deliver it again"));
      else
        {
          self->n_accepted++;
          if (group->results[i].duplicate)
            self->n_duplicates++;
          reply_status (pending->msg, group->results[i].duplicate ? "{\"status\":\"duplicate\"}"
                                                                 : "{\"status\":\"ok\"}");
        }
      soup_server_message_unpause (pending->msg);
    }

  /* Listeners hear of the changes once they are durable. */
  for (guint i = 0; ok && i < group->pending->len; i++)
    {
      CbDialApplied *applied = &group->results[i];

      if (!applied->duplicate && applied->attempt_id != NULL)
        g_signal_emit (self, signals[APPLIED], 0, applied);
    }

  group_free (group);
}

/* Waits for the group being written, if any, and ends it. */
static void
wait_for_group (CbWebhookReceiver *self,
                gboolean           reply)
{
  Group *group = g_steal_pointer (&self->writing);

  if (group == NULL)
    return;

  g_thread_join (g_steal_pointer (&group->thread));
  g_source_destroy (group->done);
  end_group (self, group, reply);
}

/* Hands what is pending to a thread, as one group. */
static void
start_group (CbWebhookReceiver *self)
{
  g_autoptr(GDateTime) now = NULL;
  Group *group;

  g_assert (self->writing == NULL);

  g_clear_handle_id (&self->flush_source, g_source_remove);

  /* The providers found for this group are looked up again for the next one. */
  g_hash_table_remove_all (self->providers);

  if (self->pending->len == 0)
    return;

  now = cb_clock_get_now_utc ();
  group = g_new0 (Group, 1);
  group->pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  group->events = g_new0 (CbDialEvent, group->pending->len);
  group->results = g_new0 (CbDialApplied, group->pending->len);
  for (guint i = 0; i < group->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (group->pending, i);

      group->events[i].provider = pending->provider;
      group->events[i].event_key = pending->key;
      group->events[i].body = pending->body;
      group->events[i].event = pending->event;
    }
  group->store = g_object_ref (self->store);
  group->now_ms = cb_store_datetime_to_ms (now);
  group->context = g_main_context_ref_thread_default ();
  group->done = g_idle_source_new ();
  g_source_set_priority (group->done, G_PRIORITY_DEFAULT);
  g_source_set_callback (group->done, group_done_cb, self, NULL);
  g_source_set_static_name (group->done, "[callboard] webhook group written");

  self->writing = group;
  group->thread = g_thread_new ("cb-webhooks", write_group_thread, group);
}

static gboolean
group_done_cb (gpointer user_data)
{
  g_autoptr(CbWebhookReceiver) self = g_object_ref (user_data);

  wait_for_group (self, TRUE);
  /* The store is free until the next group starts: the main thread's own writes go now,
   * instead of waiting for the store's lock while the next group is written. */
  g_signal_emit (self, signals[WRITTEN], 0);
  if (self->writing == NULL && self->pending->len > 0)
    start_group (self);

  return G_SOURCE_REMOVE;
}

static gboolean
flush_cb (gpointer user_data)
{
  CbWebhookReceiver *self = user_data;

  self->flush_source = 0;

  /* Otherwise started when the group being written is done. */
  if (self->writing == NULL)
    start_group (self);

  return G_SOURCE_REMOVE;
}

/* What cb_provider_parse_webhook() answers, without JsonParser's price for the usual body
 * of a Retell event: its envelope is read here, the call by the provider's own
 * cb_provider_retell_event_from_call(). Anything else, every error included, is left to
 * the provider. */
static CbCallEvent *
parse_event (CbProvider  *provider,
             GBytes      *body,
             GError     **error)
{
  if (G_OBJECT_TYPE (provider) == CB_TYPE_PROVIDER_RETELL)
    {
      g_autoptr(JsonNode) root = NULL;
      const char *data;
      gsize len;

      data = g_bytes_get_data (body, &len);
      if (data != NULL)
        root = cb_json_parse_fast (data, len);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);
          g_autofree char *name = cb_json_object_dup_string (object, "event");
          JsonNode *call = json_object_get_member (object, "call");
          CbCallEventKind kind = CB_CALL_EVENT_REGISTERED;

          if (g_strcmp0 (name, "call_started") == 0)
            kind = CB_CALL_EVENT_STARTED;
          else if (g_strcmp0 (name, "call_ended") == 0)
            kind = CB_CALL_EVENT_ENDED;
          else if (g_strcmp0 (name, "call_analyzed") == 0)
            kind = CB_CALL_EVENT_ANALYZED;

          if (kind != CB_CALL_EVENT_REGISTERED && call != NULL && JSON_NODE_HOLDS_OBJECT (call))
            return cb_provider_retell_event_from_call (json_node_get_object (call), kind, error);
        }
    }

  return cb_provider_parse_webhook (provider, body, error);
}

static void
webhook_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CbWebhookReceiver *self = user_data;
  GPtrArray *providers;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CbCallEvent) event = NULL;
  g_autofree char *key = NULL;
  CbProvider *provider = NULL;
  const char *name;
  gint64 now_ms;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      cb_http_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                                  _("Webhooks are delivered with POST"));
      return;
    }

  if (!g_str_has_prefix (path, WEBHOOKS_PREFIX))
    {
      cb_http_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", _("No such route"));
      return;
    }

  name = path + strlen (WEBHOOKS_PREFIX);
  if (name[0] == '\0' || strchr (name, '/') != NULL)
    {
      cb_http_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                  _("Webhooks go to /webhooks/PROVIDER"));
      return;
    }

  /* Looked up once per group: the requests that arrive together share the answer. */
  providers = g_hash_table_lookup (self->providers, name);
  if (providers == NULL)
    {
      providers = self->lookup (name, self->lookup_data);
      if (providers == NULL)
        providers = g_ptr_array_new ();
      g_hash_table_insert (self->providers, g_strdup (name), providers);
      if (self->flush_source == 0)
        self->flush_source = g_idle_add_full (FLUSH_PRIORITY, flush_cb, self, NULL);
    }
  if (providers->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("No provider account receives webhooks at “%s”"),
                                                  path);
      cb_http_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "unknown_provider", message);
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  /* Signatures are about real time, whatever clock the engine runs on. */
  now_ms = g_get_real_time () / 1000;
  for (guint i = 0; i < providers->len && provider == NULL; i++)
    {
      g_autoptr(GError) verify_error = NULL;

      if (cb_provider_verify_webhook (g_ptr_array_index (providers, i),
                                      soup_server_message_get_request_headers (msg),
                                      body, now_ms, &verify_error))
        provider = g_ptr_array_index (providers, i);
      else if (first_error == NULL)
        first_error = g_steal_pointer (&verify_error);
    }

  if (provider == NULL)
    {
      self->n_rejected++;
      g_debug ("Webhook to %s refused: %s", path,
               first_error != NULL ? first_error->message : "no provider");
      cb_http_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_signature",
                                  first_error != NULL ? first_error->message
                                                      : _("The webhook signature is not valid"));
      return;
    }

  event = parse_event (provider, body, &error);
  if (event == NULL)
    {
      if (g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_IGNORED_EVENT))
        {
          self->n_accepted++;
          reply_status (msg, "{\"status\":\"ignored\"}");
          return;
        }

      cb_http_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_event", error->message);
      return;
    }

  if (event->provider_call_id == NULL || event->provider_call_id[0] == '\0')
    {
      cb_http_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_event",
                                  _("The webhook’s call has no call_id"));
      return;
    }

  key = cb_store_dialer_event_key (event);
  if (key == NULL)
    {
      /* Nothing to keep (a call only registered). */
      self->n_accepted++;
      reply_status (msg, "{\"status\":\"ok\"}");
      return;
    }

  {
    Pending *pending = g_new0 (Pending, 1);

    pending->msg = g_object_ref (msg);
    pending->provider = g_strdup (name);
    pending->key = g_steal_pointer (&key);
    pending->body = g_steal_pointer (&body);
    pending->event = g_steal_pointer (&event);
    pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                                 G_CALLBACK (pending_disconnected), pending);
    g_ptr_array_add (self->pending, pending);
    soup_server_message_pause (msg);
  }

  if (self->writing != NULL)
    return;

  if (self->pending->len >= MAX_GROUP)
    start_group (self);
  else if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (FLUSH_PRIORITY, flush_cb, self, NULL);
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_autofree char *limit = NULL;
  g_autofree char *message = NULL;
  g_autofree char *json = NULL;

  if (!g_str_has_prefix (path, "/webhooks/")
      || cb_http_server_body_within (msg, CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES))
    return;

  limit = g_format_size (CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES);
  message = g_strdup_printf (_("The webhook is larger than the limit of %s"), limit);
  json = cb_http_server_error_json ("payload_too_large", message);
  cb_http_server_limit_body (msg, CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES,
                             SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, json);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), NULL);
}

void
cb_webhook_receiver_attach (CbWebhookReceiver *self,
                            CbHttpServer      *server)
{
  g_return_if_fail (CB_IS_WEBHOOK_RECEIVER (self));
  g_return_if_fail (CB_IS_HTTP_SERVER (server));

  cb_http_server_add_handler (server, "/webhooks", webhook_cb,
                              g_object_ref (self), g_object_unref);
  g_signal_connect (cb_http_server_get_soup_server (server), "request-started",
                    G_CALLBACK (request_started_cb), NULL);
}

gboolean
cb_webhook_receiver_is_writing (CbWebhookReceiver *self)
{
  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (self), FALSE);

  return self->writing != NULL;
}

guint
cb_webhook_receiver_get_n_accepted (CbWebhookReceiver *self)
{
  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (self), 0);
  return self->n_accepted;
}

guint
cb_webhook_receiver_get_n_duplicates (CbWebhookReceiver *self)
{
  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (self), 0);
  return self->n_duplicates;
}

guint
cb_webhook_receiver_get_n_rejected (CbWebhookReceiver *self)
{
  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (self), 0);
  return self->n_rejected;
}

static void
cb_webhook_receiver_dispose (GObject *object)
{
  CbWebhookReceiver *self = CB_WEBHOOK_RECEIVER (object);

  /* Whatever was received is written before going away; the server that received it is
   * gone, so it is not answered: its sender delivers it again, and hears "duplicate". */
  wait_for_group (self, FALSE);
  start_group (self);
  wait_for_group (self, FALSE);

  G_OBJECT_CLASS (cb_webhook_receiver_parent_class)->dispose (object);
}

static void
cb_webhook_receiver_finalize (GObject *object)
{
  CbWebhookReceiver *self = CB_WEBHOOK_RECEIVER (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  if (self->lookup_destroy != NULL)
    self->lookup_destroy (self->lookup_data);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_webhook_receiver_parent_class)->finalize (object);
}

static void
cb_webhook_receiver_class_init (CbWebhookReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_webhook_receiver_dispose;
  object_class->finalize = cb_webhook_receiver_finalize;

  signals[APPLIED] = g_signal_new ("applied",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[WRITTEN] = g_signal_new ("written",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
cb_webhook_receiver_init (CbWebhookReceiver *self)
{
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
}

CbWebhookReceiver *
cb_webhook_receiver_new (CbStore                 *store,
                         CbWebhookProviderLookup  lookup,
                         gpointer                 user_data,
                         GDestroyNotify           destroy)
{
  CbWebhookReceiver *self;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (lookup != NULL, NULL);

  self = g_object_new (CB_TYPE_WEBHOOK_RECEIVER, NULL);
  self->store = g_object_ref (store);
  self->lookup = lookup;
  self->lookup_data = user_data;
  self->lookup_destroy = destroy;

  return self;
}
