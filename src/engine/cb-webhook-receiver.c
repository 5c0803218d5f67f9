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
#include "cb-signature.h"

/*
 * Order of work for each request, so nothing is lost and nothing is applied twice:
 * 1. the signature is checked over the raw bytes, before anything reads them (401 and
 *    no change otherwise);
 * 2. the event is parsed;
 * 3. in one transaction: the inbox is asked whether this event (kind + call id) was seen;
 *    if not, it is stored and applied to the attempt, the recipient and the counters;
 * 4. only then is the answer 200. A failure in 3 answers 500, so the provider retries.
 */

#define WEBHOOKS_PREFIX "/webhooks/"

struct _CbWebhookReceiver
{
  GObject                  parent_instance;

  CbStore                 *store;
  CbWebhookProviderLookup  lookup;
  gpointer                 lookup_data;
  GDestroyNotify           lookup_destroy;

  guint                    n_accepted;
  guint                    n_duplicates;
  guint                    n_rejected;
};

G_DEFINE_FINAL_TYPE (CbWebhookReceiver, cb_webhook_receiver, G_TYPE_OBJECT)

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

static void
reply_status (SoupServerMessage *msg,
              const char        *status)
{
  g_autofree char *json = g_strdup_printf ("{\"status\":\"%s\"}", status);

  cb_http_server_reply_json (msg, SOUP_STATUS_OK, json);
}

static void
webhook_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CbWebhookReceiver *self = user_data;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CbCallEvent) event = NULL;
  CbProvider *provider = NULL;
  const char *name;
  gboolean duplicate = FALSE;
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

  providers = self->lookup (name, self->lookup_data);
  if (providers == NULL || providers->len == 0)
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

  event = cb_provider_parse_webhook (provider, body, &error);
  if (event == NULL)
    {
      if (g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_IGNORED_EVENT))
        {
          self->n_accepted++;
          reply_status (msg, "ignored");
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

  if (!cb_webhook_receiver_apply (self, name, body, event, &duplicate, &error))
    {
      g_warning ("Could not store the %s webhook of call %s: %s",
                 cb_call_event_kind_to_string (event->kind), event->provider_call_id,
                 error->message);
      cb_http_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "store_failed",
                                  _("The event could not be stored; deliver it again"));
      return;
    }

  self->n_accepted++;
  if (duplicate)
    self->n_duplicates++;

  reply_status (msg, duplicate ? "duplicate" : "ok");
}

void
cb_webhook_receiver_attach (CbWebhookReceiver *self,
                            CbHttpServer      *server)
{
  g_return_if_fail (CB_IS_WEBHOOK_RECEIVER (self));
  g_return_if_fail (CB_IS_HTTP_SERVER (server));

  cb_http_server_add_handler (server, "/webhooks", webhook_cb,
                              g_object_ref (self), g_object_unref);
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
cb_webhook_receiver_finalize (GObject *object)
{
  CbWebhookReceiver *self = CB_WEBHOOK_RECEIVER (object);

  if (self->lookup_destroy != NULL)
    self->lookup_destroy (self->lookup_data);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_webhook_receiver_parent_class)->finalize (object);
}

static void
cb_webhook_receiver_class_init (CbWebhookReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_webhook_receiver_finalize;

  signals[APPLIED] = g_signal_new ("applied",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
cb_webhook_receiver_init (CbWebhookReceiver *self)
{
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
