/* cb-batch.c — a batch of calls
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-batch.h"
#include "cb-store-private.h"

struct _CbBatch
{
  GObject parent_instance;

  char            *id;
  char            *name;
  char            *agent_id;
  char            *phone_number_id;
  CbBatchStatus    status;
  GDateTime       *scheduled_at;
  char            *timezone;
  guint            max_retries;
  guint            retry_delay_s;
  guint            concurrency;
  char            *call_window;
  char            *default_region;
  char            *pause_reason;
  char            *error;
  GDateTime       *created_at;
  GDateTime       *updated_at;
  GDateTime       *started_at;
  GDateTime       *finished_at;
  CbBatchCounters  counters;
};

G_DEFINE_FINAL_TYPE (CbBatch, cb_batch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_AGENT_ID,
  PROP_PHONE_NUMBER_ID,
  PROP_STATUS,
  PROP_SCHEDULED_AT,
  PROP_TIMEZONE,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY_S,
  PROP_CONCURRENCY,
  PROP_CALL_WINDOW,
  PROP_DEFAULT_REGION,
  PROP_PAUSE_REASON,
  PROP_ERROR,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_STARTED_AT,
  PROP_FINISHED_AT,
  PROP_TOTAL,
  PROP_PENDING,
  PROP_DIALING,
  PROP_COMPLETED,
  PROP_FAILED,
  PROP_CANCELLED,
  PROP_PICKED_UP,
  PROP_SENT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_batch_finalize (GObject *object)
{
  CbBatch *self = (CbBatch *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->phone_number_id, g_free);
  g_clear_pointer (&self->scheduled_at, g_date_time_unref);
  g_clear_pointer (&self->timezone, g_free);
  g_clear_pointer (&self->call_window, g_free);
  g_clear_pointer (&self->default_region, g_free);
  g_clear_pointer (&self->pause_reason, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->finished_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_batch_parent_class)->finalize (object);
}

static void
cb_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CbBatch *self = CB_BATCH (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_AGENT_ID:
      g_value_set_string (value, self->agent_id);
      break;

    case PROP_PHONE_NUMBER_ID:
      g_value_set_string (value, self->phone_number_id);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    case PROP_SCHEDULED_AT:
      g_value_set_boxed (value, self->scheduled_at);
      break;

    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone);
      break;

    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;

    case PROP_RETRY_DELAY_S:
      g_value_set_uint (value, self->retry_delay_s);
      break;

    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;

    case PROP_CALL_WINDOW:
      g_value_set_string (value, self->call_window);
      break;

    case PROP_DEFAULT_REGION:
      g_value_set_string (value, self->default_region);
      break;

    case PROP_PAUSE_REASON:
      g_value_set_string (value, self->pause_reason);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;

    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;

    case PROP_FINISHED_AT:
      g_value_set_boxed (value, self->finished_at);
      break;

    case PROP_TOTAL:
      g_value_set_uint (value, self->counters.total);
      break;

    case PROP_PENDING:
      g_value_set_uint (value, self->counters.pending);
      break;

    case PROP_DIALING:
      g_value_set_uint (value, self->counters.dialing);
      break;

    case PROP_COMPLETED:
      g_value_set_uint (value, self->counters.completed);
      break;

    case PROP_FAILED:
      g_value_set_uint (value, self->counters.failed);
      break;

    case PROP_CANCELLED:
      g_value_set_uint (value, self->counters.cancelled);
      break;

    case PROP_PICKED_UP:
      g_value_set_uint (value, self->counters.picked_up);
      break;

    case PROP_SENT:
      g_value_set_uint (value, self->counters.sent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_batch_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CbBatch *self = CB_BATCH (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_AGENT_ID:
      self->agent_id = g_value_dup_string (value);
      break;

    case PROP_PHONE_NUMBER_ID:
      self->phone_number_id = g_value_dup_string (value);
      break;

    case PROP_STATUS:
      self->status = (CbBatchStatus)g_value_get_int (value);
      break;

    case PROP_SCHEDULED_AT:
      self->scheduled_at = g_value_dup_boxed (value);
      break;

    case PROP_TIMEZONE:
      self->timezone = g_value_dup_string (value);
      break;

    case PROP_MAX_RETRIES:
      self->max_retries = g_value_get_uint (value);
      break;

    case PROP_RETRY_DELAY_S:
      self->retry_delay_s = g_value_get_uint (value);
      break;

    case PROP_CONCURRENCY:
      self->concurrency = g_value_get_uint (value);
      break;

    case PROP_CALL_WINDOW:
      self->call_window = g_value_dup_string (value);
      break;

    case PROP_DEFAULT_REGION:
      self->default_region = g_value_dup_string (value);
      break;

    case PROP_PAUSE_REASON:
      self->pause_reason = g_value_dup_string (value);
      break;

    case PROP_ERROR:
      self->error = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_dup_boxed (value);
      break;

    case PROP_UPDATED_AT:
      self->updated_at = g_value_dup_boxed (value);
      break;

    case PROP_STARTED_AT:
      self->started_at = g_value_dup_boxed (value);
      break;

    case PROP_FINISHED_AT:
      self->finished_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_batch_class_init (CbBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_batch_finalize;
  object_class->get_property = cb_batch_get_property;
  object_class->set_property = cb_batch_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_AGENT_ID] =
    g_param_spec_string ("agent-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PHONE_NUMBER_ID] =
    g_param_spec_string ("phone-number-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL,
                      CB_BATCH_STATUS_DRAFT, CB_BATCH_STATUS_FAILED,
                      CB_BATCH_STATUS_DRAFT,
                      (G_PARAM_READWRITE |
                       G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS));

  properties [PROP_SCHEDULED_AT] =
    g_param_spec_boxed ("scheduled-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_TIMEZONE] =
    g_param_spec_string ("timezone", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_RETRY_DELAY_S] =
    g_param_spec_uint ("retry-delay-s", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_CALL_WINDOW] =
    g_param_spec_string ("call-window", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_DEFAULT_REGION] =
    g_param_spec_string ("default-region", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PAUSE_REASON] =
    g_param_spec_string ("pause-reason", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_FINISHED_AT] =
    g_param_spec_boxed ("finished-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_TOTAL] =
    g_param_spec_uint ("total", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_DIALING] =
    g_param_spec_uint ("dialing", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_COMPLETED] =
    g_param_spec_uint ("completed", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_FAILED] =
    g_param_spec_uint ("failed", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_CANCELLED] =
    g_param_spec_uint ("cancelled", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_PICKED_UP] =
    g_param_spec_uint ("picked-up", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_SENT] =
    g_param_spec_uint ("sent", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_batch_init (CbBatch *self)
{
}

const char *
cb_batch_get_id (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->id;
}

const char *
cb_batch_get_name (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->name;
}

const char *
cb_batch_get_agent_id (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->agent_id;
}

const char *
cb_batch_get_phone_number_id (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->phone_number_id;
}

CbBatchStatus
cb_batch_get_status (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), 0);

  return self->status;
}

GDateTime *
cb_batch_get_scheduled_at (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->scheduled_at;
}

const char *
cb_batch_get_timezone (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->timezone;
}

guint
cb_batch_get_max_retries (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), 0);

  return self->max_retries;
}

guint
cb_batch_get_retry_delay_s (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), 0);

  return self->retry_delay_s;
}

guint
cb_batch_get_concurrency (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), 0);

  return self->concurrency;
}

const char *
cb_batch_get_call_window (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->call_window;
}

const char *
cb_batch_get_default_region (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->default_region;
}

const char *
cb_batch_get_pause_reason (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->pause_reason;
}

const char *
cb_batch_get_error (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->error;
}

GDateTime *
cb_batch_get_created_at (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->created_at;
}

GDateTime *
cb_batch_get_updated_at (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->updated_at;
}

GDateTime *
cb_batch_get_started_at (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->started_at;
}

GDateTime *
cb_batch_get_finished_at (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return self->finished_at;
}

const CbBatchCounters *
cb_batch_get_counters (CbBatch *self)
{
  g_return_val_if_fail (CB_IS_BATCH (self), NULL);

  return &self->counters;
}

void
cb_batch_set_counters (CbBatch               *self,
                       const CbBatchCounters *counters)
{
  CbBatchCounters old;

  g_return_if_fail (CB_IS_BATCH (self));
  g_return_if_fail (counters != NULL);

  old = self->counters;
  self->counters = *counters;

  if (old.total != counters->total)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TOTAL]);
  if (old.pending != counters->pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PENDING]);
  if (old.dialing != counters->dialing)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DIALING]);
  if (old.completed != counters->completed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_COMPLETED]);
  if (old.failed != counters->failed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FAILED]);
  if (old.cancelled != counters->cancelled)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CANCELLED]);
  if (old.picked_up != counters->picked_up)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PICKED_UP]);
  if (old.sent != counters->sent)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SENT]);
}
