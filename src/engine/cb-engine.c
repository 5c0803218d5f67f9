/* cb-engine.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-engine"

#include "config.h"

#include "cb-engine.h"

#include <glib/gi18n-lib.h>

#include "cb-clock.h"
#include "cb-outbox.h"
#include "cb-provider-retell.h"
#include "cb-schedule.h"
#include "cb-secrets.h"
#include "cb-store-dialer.h"

struct _CbEngine
{
  GObject            parent_instance;

  CbStore           *store;
  char              *listen;
  char              *sim_url;        /* external simulator, or NULL */
  double             sim_speed;
  gboolean           sim_background;
  guint              provider_timeout_s;

  CbHttpServer      *http;
  CbSimServer       *sim;
  CbWebhookReceiver *receiver;
  CbDialer          *dialer;
  CbOutbox          *outbox;         /* outgoing conversation.completed events */
  GHashTable        *accounts;       /* account id → CbDialerAccount */
  GHashTable        *webhook_providers; /* name → ProvidersEntry */
  GHashTable        *webhook_batches;   /* batch id → "1" when its agent has a webhook URL */
  gint64             webhook_batches_at;

  guint              schedule_source;
  guint              clock_watch;
  guint              flush_source;
  GHashTable        *dirty_batches;  /* batch id set */
  GHashTable        *dirty_rcpts;    /* batch id → GHashTable set of recipient ids */
  gboolean           started;
};

G_DEFINE_FINAL_TYPE (CbEngine, cb_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (cb-engine-error-quark, cb_engine_error)

enum {
  BATCH_CHANGED,
  RECIPIENTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
account_free (CbDialerAccount *account)
{
  g_clear_object (&account->provider);
  g_free (account->kind);
  g_free (account->name);
  g_free (account->base_url);
  g_free (account->api_key);
  g_free (account);
}

static gint64
engine_now_ms (void)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();

  return g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;
}

static char *
dup_sim_key (CbEngine  *self,
             const char *account_id,
             GError    **error)
{
  g_autofree char *name = NULL;
  const char *env = g_getenv ("CALLBOARD_SIM_KEY");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  name = g_strdup_printf ("provider:%s", account_id);
  return cb_secrets_ensure (cb_store_get_uri (self->store), name, error);
}

/* Providers are made on first use, so accounts added while running are found. */
static CbDialerAccount *
lookup_account (const char *account_id,
                gpointer    user_data)
{
  CbEngine *self = user_data;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;
  CbDialerAccount *account;
  guint n;

  if (account_id == NULL)
    return NULL;

  account = g_hash_table_lookup (self->accounts, account_id);
  if (account != NULL)
    return account;

  list = cb_store_list_provider_accounts (self->store, &error);
  if (list == NULL)
    {
      g_warning ("Could not list the provider accounts: %s", error->message);
      return NULL;
    }

  n = g_list_model_get_n_items (list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbProviderAccount) item = g_list_model_get_item (list, i);
      g_autofree char *key = NULL;
      g_autofree char *base_url = NULL;
      const char *kind = cb_provider_account_get_kind (item);

      if (!g_str_equal (cb_provider_account_get_id (item), account_id))
        continue;

      if (g_str_equal (kind, "sim"))
        {
          key = dup_sim_key (self, account_id, &error);
          base_url = g_strdup (cb_engine_get_sim_url (self));
        }
      else if (g_str_equal (kind, "retell"))
        {
          g_autofree char *name = g_strdup_printf ("provider:%s", account_id);

          key = cb_secrets_lookup (cb_store_get_uri (self->store), name, &error);
          base_url = g_strdup (cb_provider_account_get_base_url (item) != NULL
                                 ? cb_provider_account_get_base_url (item)
                                 : CB_PROVIDER_RETELL_DEFAULT_BASE_URL);
        }
      else
        {
          g_message ("Provider account %s is of kind “%s”, which cannot place calls yet",
                     account_id, kind);
          return NULL;
        }

      if (key == NULL || base_url == NULL)
        {
          g_warning ("Provider account %s has no API key or address%s%s", account_id,
                     error != NULL ? ": " : "", error != NULL ? error->message : "");
          return NULL;
        }

      account = g_new0 (CbDialerAccount, 1);
      account->provider = g_object_new (CB_TYPE_PROVIDER_RETELL,
                                        "base-url", base_url,
                                        "api-key", key,
                                        "timeout", self->provider_timeout_s,
                                        NULL);
      account->kind = g_strdup (kind);
      account->name = g_strdup (cb_provider_account_get_name (item));
      account->base_url = g_steal_pointer (&base_url);
      account->api_key = g_steal_pointer (&key);
      g_hash_table_insert (self->accounts, g_strdup (account_id), account);

      return account;
    }

  return NULL;
}

/* The providers that may have signed a webhook, read again at most once a second: at
 * a thousand webhooks a second, listing the accounts for each one would cost more than
 * verifying it. */
#define WEBHOOK_PROVIDERS_TTL_US G_USEC_PER_SEC

typedef struct
{
  GPtrArray *providers;
  gint64     expires_us;
} ProvidersEntry;

static void
providers_entry_free (ProvidersEntry *entry)
{
  g_ptr_array_unref (entry->providers);
  g_free (entry);
}

static GPtrArray *
list_webhook_providers (CbEngine   *self,
                        const char *name)
{
  g_autoptr(GListModel) list = NULL;
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  list = cb_store_list_provider_accounts (self->store, NULL);
  n = list != NULL ? g_list_model_get_n_items (list) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbProviderAccount) item = g_list_model_get_item (list, i);
      CbDialerAccount *account;

      if (!g_str_equal (cb_provider_account_get_kind (item), name)
          && !g_str_equal (cb_provider_account_get_id (item), name))
        continue;

      account = lookup_account (cb_provider_account_get_id (item), self);
      if (account != NULL)
        g_ptr_array_add (providers, g_object_ref (account->provider));
    }

  return providers;
}

static GPtrArray *
lookup_webhook_providers (const char *name,
                          gpointer    user_data)
{
  CbEngine *self = user_data;
  ProvidersEntry *entry = g_hash_table_lookup (self->webhook_providers, name);
  gint64 now = g_get_monotonic_time ();

  if (entry == NULL || entry->expires_us <= now)
    {
      entry = g_new0 (ProvidersEntry, 1);
      entry->providers = list_webhook_providers (self, name);
      /* None found: look again next time, an account may be added meanwhile. */
      entry->expires_us = entry->providers->len > 0 ? now + WEBHOOK_PROVIDERS_TTL_US : now;
      g_hash_table_replace (self->webhook_providers, g_strdup (name), entry);
    }

  return g_ptr_array_ref (entry->providers);
}

/* Coalesced signals */

/* Whether the agent of @batch_id sends conversation.completed events: only then are its
 * finished recipients worth the outbox's look. Read again once a second. */
static gboolean
batch_has_webhook (CbEngine   *self,
                   const char *batch_id)
{
  gint64 now = g_get_monotonic_time ();
  gpointer value;

  if (now - self->webhook_batches_at > G_USEC_PER_SEC)
    {
      g_hash_table_remove_all (self->webhook_batches);
      self->webhook_batches_at = now;
    }

  if (!g_hash_table_lookup_extended (self->webhook_batches, batch_id, NULL, &value))
    {
      g_autoptr(GdaDataModel) model = NULL;
      g_autoptr(GError) error = NULL;
      const char *url = NULL;

      model = cb_store_select (self->store, &error,
                               "SELECT a.webhook_url FROM batches b"
                               " JOIN agents a ON a.id = b.agent_id WHERE b.id = ##id::string",
                               "id", batch_id,
                               NULL);
      if (model == NULL)
        {
          g_warning ("Could not read the agent of batch %s: %s", batch_id, error->message);
          return TRUE;
        }
      if (gda_data_model_get_n_rows (model) > 0)
        url = cb_store_model_get_string (model, 0, 0);
      value = GINT_TO_POINTER (url != NULL && url[0] != '\0');
      g_hash_table_insert (self->webhook_batches, g_strdup (batch_id), value);
    }

  return GPOINTER_TO_INT (value);
}

static gboolean
flush_cb (gpointer user_data)
{
  CbEngine *self = user_data;
  g_autoptr(GHashTable) batches = g_steal_pointer (&self->dirty_batches);
  g_autoptr(GHashTable) rcpts = g_steal_pointer (&self->dirty_rcpts);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  self->flush_source = 0;
  self->dirty_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dirty_rcpts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_hash_table_unref);

  g_hash_table_iter_init (&iter, batches);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_signal_emit (self, signals[BATCH_CHANGED], 0, key);

  g_hash_table_iter_init (&iter, rcpts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree gpointer *ids = NULL;
      g_autoptr(GPtrArray) strv = g_ptr_array_new_with_free_func (g_free);
      guint len;

      ids = g_hash_table_get_keys_as_array (value, &len);
      for (guint i = 0; i < len; i++)
        g_ptr_array_add (strv, g_strdup (ids[i]));
      g_ptr_array_add (strv, NULL);

      if (self->outbox != NULL && batch_has_webhook (self, key))
        {
          g_autoptr(GError) error = NULL;

          if (cb_outbox_sweep (self->outbox, (const char * const *) strv->pdata, &error) < 0)
            g_warning ("Could not queue the events of batch %s: %s", (const char *) key,
                       error->message);
        }

      g_signal_emit (self, signals[RECIPIENTS_CHANGED], 0, key, (GStrv) strv->pdata);
    }

  return G_SOURCE_REMOVE;
}

static void
mark_dirty (CbEngine   *self,
            const char *batch_id,
            const char *recipient_id)
{
  g_hash_table_add (self->dirty_batches, g_strdup (batch_id));

  if (recipient_id != NULL)
    {
      GHashTable *set = g_hash_table_lookup (self->dirty_rcpts, batch_id);

      if (set == NULL)
        {
          set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (self->dirty_rcpts, g_strdup (batch_id), set);
        }
      g_hash_table_add (set, g_strdup (recipient_id));
    }

  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (CB_ENGINE_SIGNAL_INTERVAL_MS, flush_cb, self);
}

static void
dialer_batch_changed_cb (CbDialer   *dialer,
                         const char *batch_id,
                         CbEngine   *self)
{
  mark_dirty (self, batch_id, NULL);
}

static void
dialer_recipient_changed_cb (CbDialer   *dialer,
                             const char *batch_id,
                             const char *recipient_id,
                             CbEngine   *self)
{
  mark_dirty (self, batch_id, recipient_id);
}

/* Scheduler */

static void schedule_next (CbEngine *self);

static gboolean
schedule_cb (gpointer user_data)
{
  CbEngine *self = user_data;

  self->schedule_source = 0;
  schedule_next (self);

  return G_SOURCE_REMOVE;
}

/* Starts every scheduled batch that is due, then waits for the next one. */
static void
schedule_next (CbEngine *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) due = NULL;
  gint64 now = engine_now_ms ();
  gint64 next;

  g_clear_handle_id (&self->schedule_source, g_source_remove);
  if (!self->started)
    return;

  due = cb_store_dialer_list_batches (self->store, CB_BATCH_STATUS_SCHEDULED, now, &error);
  for (guint i = 0; due != NULL && due[i] != NULL; i++)
    {
      g_autoptr(GError) start_error = NULL;

      if (!cb_store_dialer_set_status (self->store, due[i], CB_BATCH_STATUS_RUNNING, NULL, now,
                                       &start_error))
        g_warning ("Could not start scheduled batch %s: %s", due[i], start_error->message);
      else
        {
          g_message ("Scheduled batch %s started", due[i]);
          mark_dirty (self, due[i], NULL);
        }
    }
  if (due != NULL && due[0] != NULL)
    cb_dialer_kick (self->dialer);

  next = cb_store_dialer_next_scheduled (self->store, NULL);
  if (next > 0)
    {
      gint64 delay = CLAMP (next - now, 1, 24 * 3600 * 1000);

      self->schedule_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay,
                                                  schedule_cb, self, NULL);
    }
}

static void
clock_changed_cb (GDateTime *now,
                  gpointer   user_data)
{
  schedule_next (user_data);
}

/* Lifecycle */

gboolean
cb_engine_start (CbEngine  *self,
                 GError   **error)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);

  if (self->started)
    return TRUE;

  if (!cb_http_server_listen_address (self->http, self->listen, error))
    return FALSE;

  cb_webhook_receiver_attach (self->receiver, self->http);

  if (self->sim_url == NULL)
    {
      g_autofree char *key = dup_sim_key (self, "pa_sim", error);
      g_autofree char *webhook_url = NULL;

      if (key == NULL)
        return FALSE;

      webhook_url = g_strdup_printf ("%s/webhooks/sim", cb_http_server_get_url (self->http));
      self->sim = g_object_new (CB_TYPE_SIM_SERVER,
                                "api-key", key,
                                "webhook-url", webhook_url,
                                "speed", self->sim_speed,
                                "background", self->sim_background,
                                NULL);
      if (!cb_sim_server_listen_in_thread (self->sim, "127.0.0.1", 0, error))
        return FALSE;
    }

  self->started = TRUE;
  cb_dialer_start (self->dialer);
  self->outbox = cb_outbox_new (self->store);
  /* Not cb_outbox_attach(): flush_cb() hands it only the batches whose agent has a
   * webhook URL. */
  cb_outbox_start (self->outbox);
  schedule_next (self);
  self->clock_watch = cb_clock_add_watch (clock_changed_cb, self, NULL);

  return TRUE;
}

void
cb_engine_stop (CbEngine *self)
{
  g_return_if_fail (CB_IS_ENGINE (self));

  if (!self->started)
    return;

  self->started = FALSE;
  cb_dialer_stop (self->dialer);
  g_clear_object (&self->outbox);
  g_clear_handle_id (&self->schedule_source, g_source_remove);
  if (self->clock_watch != 0)
    {
      cb_clock_remove_watch (self->clock_watch);
      self->clock_watch = 0;
    }
  cb_http_server_disconnect (self->http);
}

/* Batch operations */

static gboolean
propagate_store_error (GError  *store_error,
                       GError **error)
{
  int code = CB_ENGINE_ERROR_FAILED;

  if (store_error->domain == CB_STORE_ERROR)
    {
      if (store_error->code == CB_STORE_ERROR_CONFLICT)
        code = CB_ENGINE_ERROR_CONFLICT;
      else if (store_error->code == CB_STORE_ERROR_NOT_FOUND)
        code = CB_ENGINE_ERROR_NOT_FOUND;
      else if (store_error->code == CB_STORE_ERROR_INVALID)
        code = CB_ENGINE_ERROR_INVALID;
    }
  else if (store_error->domain == CB_SCHEDULE_ERROR)
    code = CB_ENGINE_ERROR_INVALID;

  g_set_error_literal (error, CB_ENGINE_ERROR, code, store_error->message);
  g_error_free (store_error);

  return FALSE;
}

static gboolean
get_status (CbEngine       *self,
            const char     *batch_id,
            CbBatchStatus  *status,
            GError        **error)
{
  g_autoptr(CbDialBatchInfo) info = NULL;
  GError *local_error = NULL;

  info = cb_store_dialer_get_batch_info (self->store, batch_id, &local_error);
  if (info == NULL)
    return propagate_store_error (local_error, error);

  *status = info->status;
  return TRUE;
}

static gboolean
set_status (CbEngine       *self,
            const char     *batch_id,
            CbBatchStatus   to,
            GError        **error)
{
  GError *local_error = NULL;

  if (!cb_store_dialer_set_status (self->store, batch_id, to, NULL, engine_now_ms (),
                                   &local_error))
    return propagate_store_error (local_error, error);

  mark_dirty (self, batch_id, NULL);
  return TRUE;
}

gboolean
cb_engine_start_batch (CbEngine    *self,
                       const char  *batch_id,
                       GError     **error)
{
  CbBatchStatus status = CB_BATCH_STATUS_DRAFT;

  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!get_status (self, batch_id, &status, error))
    return FALSE;

  if (status == CB_BATCH_STATUS_DRAFT || status == CB_BATCH_STATUS_SCHEDULED)
    {
      if (status == CB_BATCH_STATUS_DRAFT && !set_status (self, batch_id, CB_BATCH_STATUS_PENDING, error))
        return FALSE;
      status = CB_BATCH_STATUS_PENDING;
    }

  if (status != CB_BATCH_STATUS_PENDING)
    {
      g_set_error (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_CONFLICT,
                   _("A %s batch cannot be started"), cb_batch_status_to_string (status));
      return FALSE;
    }

  if (!set_status (self, batch_id, CB_BATCH_STATUS_RUNNING, error))
    return FALSE;

  cb_dialer_kick (self->dialer);
  return TRUE;
}

gboolean
cb_engine_schedule_batch (CbEngine    *self,
                          const char  *batch_id,
                          GDateTime   *scheduled_at,
                          GError     **error)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();
  GError *local_error = NULL;
  CbBatchStatus status = CB_BATCH_STATUS_DRAFT;

  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);
  g_return_val_if_fail (scheduled_at != NULL, FALSE);

  if (!cb_schedule_check (scheduled_at, now, &local_error))
    return propagate_store_error (local_error, error);

  if (!get_status (self, batch_id, &status, error))
    return FALSE;

  if (!cb_store_dialer_set_scheduled (self->store, batch_id,
                                      cb_store_datetime_to_ms (scheduled_at),
                                      engine_now_ms (), &local_error))
    return propagate_store_error (local_error, error);

  mark_dirty (self, batch_id, NULL);
  schedule_next (self);

  return TRUE;
}

gboolean
cb_engine_pause_batch (CbEngine    *self,
                       const char  *batch_id,
                       GError     **error)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  return set_status (self, batch_id, CB_BATCH_STATUS_PAUSED, error);
}

gboolean
cb_engine_resume_batch (CbEngine    *self,
                        const char  *batch_id,
                        GError     **error)
{
  CbBatchStatus status = CB_BATCH_STATUS_DRAFT;

  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!get_status (self, batch_id, &status, error))
    return FALSE;

  if (status != CB_BATCH_STATUS_PAUSED)
    {
      g_set_error (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_CONFLICT,
                   _("Only a paused batch can be resumed; this one is %s"),
                   cb_batch_status_to_string (status));
      return FALSE;
    }

  if (!set_status (self, batch_id, CB_BATCH_STATUS_RUNNING, error))
    return FALSE;

  cb_dialer_kick (self->dialer);
  return TRUE;
}

gboolean
cb_engine_cancel_batch (CbEngine    *self,
                        const char  *batch_id,
                        GError     **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (CB_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!cb_store_dialer_cancel (self->store, batch_id, engine_now_ms (), &local_error))
    return propagate_store_error (local_error, error);

  mark_dirty (self, batch_id, NULL);
  schedule_next (self);

  return TRUE;
}

int
cb_engine_retry_failed (CbEngine    *self,
                        const char  *batch_id,
                        GError     **error)
{
  GError *local_error = NULL;
  CbBatchStatus status = CB_BATCH_STATUS_DRAFT;
  int n;

  g_return_val_if_fail (CB_IS_ENGINE (self), -1);
  g_return_val_if_fail (batch_id != NULL, -1);

  n = cb_store_dialer_retry_failed (self->store, batch_id, engine_now_ms (), &local_error);
  if (n < 0)
    {
      propagate_store_error (local_error, error);
      return -1;
    }

  mark_dirty (self, batch_id, NULL);

  if (n > 0 && get_status (self, batch_id, &status, NULL) && status == CB_BATCH_STATUS_PENDING
      && !set_status (self, batch_id, CB_BATCH_STATUS_RUNNING, error))
    return -1;

  cb_dialer_kick (self->dialer);
  return n;
}

GDateTime *
cb_engine_dup_next_window_at (CbEngine   *self,
                              const char *batch_id)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  return cb_dialer_dup_next_window_at (self->dialer, batch_id);
}

/* Accessors */

CbStore *
cb_engine_get_store (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return self->store;
}

CbHttpServer *
cb_engine_get_http_server (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return self->http;
}

CbDialer *
cb_engine_get_dialer (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return self->dialer;
}

CbWebhookReceiver *
cb_engine_get_webhook_receiver (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return self->receiver;
}

CbSimServer *
cb_engine_get_sim_server (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return self->sim;
}

const char *
cb_engine_get_sim_url (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);

  if (self->sim_url != NULL)
    return self->sim_url;
  if (self->sim != NULL)
    return cb_sim_server_get_url (self->sim);
  return NULL;
}

const char *
cb_engine_get_url (CbEngine *self)
{
  g_return_val_if_fail (CB_IS_ENGINE (self), NULL);
  return cb_http_server_get_url (self->http);
}

/* GObject */

static void
cb_engine_dispose (GObject *object)
{
  CbEngine *self = CB_ENGINE (object);

  cb_engine_stop (self);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->dialer != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialer, self);
      g_clear_object (&self->dialer);
    }
  g_clear_object (&self->receiver);
  g_clear_object (&self->sim);
  g_clear_object (&self->http);
  g_clear_pointer (&self->webhook_providers, g_hash_table_unref);
  g_clear_pointer (&self->webhook_batches, g_hash_table_unref);
  g_clear_pointer (&self->accounts, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_engine_parent_class)->dispose (object);
}

static void
cb_engine_finalize (GObject *object)
{
  CbEngine *self = CB_ENGINE (object);

  g_clear_pointer (&self->dirty_batches, g_hash_table_unref);
  g_clear_pointer (&self->dirty_rcpts, g_hash_table_unref);
  g_free (self->listen);
  g_free (self->sim_url);

  G_OBJECT_CLASS (cb_engine_parent_class)->finalize (object);
}

static void
cb_engine_class_init (CbEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_engine_dispose;
  object_class->finalize = cb_engine_finalize;

  signals[BATCH_CHANGED] = g_signal_new ("batch-changed",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RECIPIENTS_CHANGED] = g_signal_new ("recipients-changed",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRV);
}

static void
cb_engine_init (CbEngine *self)
{
  const char *speed = g_getenv ("CALLBOARD_SIM_SPEED");
  const char *sim_url = g_getenv ("CALLBOARD_SIM_URL");

  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) account_free);
  self->webhook_providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) providers_entry_free);
  self->webhook_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dirty_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dirty_rcpts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_hash_table_unref);
  self->sim_speed = 1.0;
  self->provider_timeout_s = CB_PROVIDER_RETELL_DEFAULT_TIMEOUT_S;
  if (speed != NULL && speed[0] != '\0')
    self->sim_speed = CLAMP (g_ascii_strtod (speed, NULL), 0.001, 1e6);
  if (sim_url != NULL && sim_url[0] != '\0')
    {
      self->sim_url = g_strdup (sim_url);
      while (g_str_has_suffix (self->sim_url, "/"))
        self->sim_url[strlen (self->sim_url) - 1] = '\0';
    }
  self->http = cb_http_server_new ();
}

CbEngine *
cb_engine_new (CbStore    *store,
               const char *listen)
{
  CbEngine *self;
  const char *env = g_getenv ("CALLBOARD_LISTEN");

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  self = g_object_new (CB_TYPE_ENGINE, NULL);
  self->store = g_object_ref (store);
  if (listen != NULL)
    self->listen = g_strdup (listen);
  else if (env != NULL && env[0] != '\0')
    self->listen = g_strdup (env);
  else
    self->listen = g_strdup (CB_ENGINE_DEFAULT_LISTEN);

  self->receiver = cb_webhook_receiver_new (store, lookup_webhook_providers, self, NULL);
  self->dialer = cb_dialer_new (store, self->receiver, lookup_account, self);
  g_signal_connect (self->dialer, "batch-changed", G_CALLBACK (dialer_batch_changed_cb), self);
  g_signal_connect (self->dialer, "recipient-changed",
                    G_CALLBACK (dialer_recipient_changed_cb), self);

  return self;
}

void
cb_engine_set_sim_speed (CbEngine *self,
                         double    speed)
{
  g_return_if_fail (CB_IS_ENGINE (self));

  self->sim_speed = CLAMP (speed, 0.001, 1e6);
  if (self->sim != NULL)
    g_object_set (self->sim, "speed", self->sim_speed, NULL);
}

void
cb_engine_set_sim_background (CbEngine *self,
                              gboolean  background)
{
  g_return_if_fail (CB_IS_ENGINE (self));
  g_return_if_fail (!self->started);

  self->sim_background = background;
}

void
cb_engine_set_provider_timeout (CbEngine *self,
                                guint     timeout_s)
{
  g_return_if_fail (CB_IS_ENGINE (self));

  self->provider_timeout_s = timeout_s;
  g_hash_table_remove_all (self->webhook_providers);
  g_hash_table_remove_all (self->accounts);
}

void
cb_engine_forget_provider_account (CbEngine   *self,
                                   const char *account_id)
{
  g_return_if_fail (CB_IS_ENGINE (self));
  g_return_if_fail (account_id != NULL);

  /* The dialer only borrows an account while it starts a request, and each request and
   * each webhook being verified holds its own reference to the provider: dropping them
   * here is safe with calls in flight. The webhook cache is by provider name, and an
   * account may be listed under its kind: it is all read again. */
  g_hash_table_remove (self->accounts, account_id);
  g_hash_table_remove_all (self->webhook_providers);
}

void
cb_engine_set_sim_url (CbEngine   *self,
                       const char *url)
{
  g_return_if_fail (CB_IS_ENGINE (self));
  g_return_if_fail (!self->started);

  g_free (self->sim_url);
  self->sim_url = url != NULL && url[0] != '\0' ? g_strdup (url) : NULL;
}
