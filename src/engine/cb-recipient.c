/* cb-recipient.c — one row of a batch: a person to call
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-recipient.h"
#include "cb-store-private.h"

struct _CbRecipient
{
  GObject parent_instance;

  char              *id;
  char              *batch_id;
  guint              row;
  char              *phone;
  char              *raw_phone;
  char              *dynamic_vars;
  CbRecipientStatus  status;
  guint              attempts;
  int                max_retries;
  char              *provider_call_id;
  char              *outcome;
  char              *disconnection_reason;
  gint64             duration_ms;
  char              *transcript;
  char              *analysis;
  char              *error;
  GDateTime         *next_attempt_at;
  GDateTime         *started_at;
  GDateTime         *ended_at;
  GDateTime         *updated_at;
};

G_DEFINE_FINAL_TYPE (CbRecipient, cb_recipient, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_BATCH_ID,
  PROP_ROW,
  PROP_PHONE,
  PROP_RAW_PHONE,
  PROP_DYNAMIC_VARS,
  PROP_STATUS,
  PROP_ATTEMPTS,
  PROP_MAX_RETRIES,
  PROP_PROVIDER_CALL_ID,
  PROP_OUTCOME,
  PROP_DISCONNECTION_REASON,
  PROP_DURATION_MS,
  PROP_TRANSCRIPT,
  PROP_ANALYSIS,
  PROP_ERROR,
  PROP_NEXT_ATTEMPT_AT,
  PROP_STARTED_AT,
  PROP_ENDED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_recipient_finalize (GObject *object)
{
  CbRecipient *self = (CbRecipient *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->raw_phone, g_free);
  g_clear_pointer (&self->dynamic_vars, g_free);
  g_clear_pointer (&self->provider_call_id, g_free);
  g_clear_pointer (&self->outcome, g_free);
  g_clear_pointer (&self->disconnection_reason, g_free);
  g_clear_pointer (&self->transcript, g_free);
  g_clear_pointer (&self->analysis, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->next_attempt_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->ended_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_recipient_parent_class)->finalize (object);
}

static void
cb_recipient_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CbRecipient *self = CB_RECIPIENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_BATCH_ID:
      g_value_set_string (value, self->batch_id);
      break;

    case PROP_ROW:
      g_value_set_uint (value, self->row);
      break;

    case PROP_PHONE:
      g_value_set_string (value, self->phone);
      break;

    case PROP_RAW_PHONE:
      g_value_set_string (value, self->raw_phone);
      break;

    case PROP_DYNAMIC_VARS:
      g_value_set_string (value, self->dynamic_vars);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;

    case PROP_MAX_RETRIES:
      g_value_set_int (value, self->max_retries);
      break;

    case PROP_PROVIDER_CALL_ID:
      g_value_set_string (value, self->provider_call_id);
      break;

    case PROP_OUTCOME:
      g_value_set_string (value, self->outcome);
      break;

    case PROP_DISCONNECTION_REASON:
      g_value_set_string (value, self->disconnection_reason);
      break;

    case PROP_DURATION_MS:
      g_value_set_int64 (value, self->duration_ms);
      break;

    case PROP_TRANSCRIPT:
      g_value_set_string (value, self->transcript);
      break;

    case PROP_ANALYSIS:
      g_value_set_string (value, self->analysis);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_NEXT_ATTEMPT_AT:
      g_value_set_boxed (value, self->next_attempt_at);
      break;

    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;

    case PROP_ENDED_AT:
      g_value_set_boxed (value, self->ended_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_recipient_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CbRecipient *self = CB_RECIPIENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_BATCH_ID:
      self->batch_id = g_value_dup_string (value);
      break;

    case PROP_ROW:
      self->row = g_value_get_uint (value);
      break;

    case PROP_PHONE:
      self->phone = g_value_dup_string (value);
      break;

    case PROP_RAW_PHONE:
      self->raw_phone = g_value_dup_string (value);
      break;

    case PROP_DYNAMIC_VARS:
      self->dynamic_vars = g_value_dup_string (value);
      break;

    case PROP_STATUS:
      self->status = (CbRecipientStatus)g_value_get_int (value);
      break;

    case PROP_ATTEMPTS:
      self->attempts = g_value_get_uint (value);
      break;

    case PROP_MAX_RETRIES:
      self->max_retries = g_value_get_int (value);
      break;

    case PROP_PROVIDER_CALL_ID:
      self->provider_call_id = g_value_dup_string (value);
      break;

    case PROP_OUTCOME:
      self->outcome = g_value_dup_string (value);
      break;

    case PROP_DISCONNECTION_REASON:
      self->disconnection_reason = g_value_dup_string (value);
      break;

    case PROP_DURATION_MS:
      self->duration_ms = g_value_get_int64 (value);
      break;

    case PROP_TRANSCRIPT:
      self->transcript = g_value_dup_string (value);
      break;

    case PROP_ANALYSIS:
      self->analysis = g_value_dup_string (value);
      break;

    case PROP_ERROR:
      self->error = g_value_dup_string (value);
      break;

    case PROP_NEXT_ATTEMPT_AT:
      self->next_attempt_at = g_value_dup_boxed (value);
      break;

    case PROP_STARTED_AT:
      self->started_at = g_value_dup_boxed (value);
      break;

    case PROP_ENDED_AT:
      self->ended_at = g_value_dup_boxed (value);
      break;

    case PROP_UPDATED_AT:
      self->updated_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_recipient_class_init (CbRecipientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_recipient_finalize;
  object_class->get_property = cb_recipient_get_property;
  object_class->set_property = cb_recipient_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_BATCH_ID] =
    g_param_spec_string ("batch-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ROW] =
    g_param_spec_uint ("row", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_PHONE] =
    g_param_spec_string ("phone", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_RAW_PHONE] =
    g_param_spec_string ("raw-phone", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_DYNAMIC_VARS] =
    g_param_spec_string ("dynamic-vars", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL,
                      CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_CANCELLED,
                      CB_RECIPIENT_STATUS_PENDING,
                      (G_PARAM_READWRITE |
                       G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS));

  properties [PROP_ATTEMPTS] =
    g_param_spec_uint ("attempts", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties [PROP_MAX_RETRIES] =
    g_param_spec_int ("max-retries", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE |
                       G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS));

  properties [PROP_PROVIDER_CALL_ID] =
    g_param_spec_string ("provider-call-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_OUTCOME] =
    g_param_spec_string ("outcome", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_DISCONNECTION_REASON] =
    g_param_spec_string ("disconnection-reason", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_DURATION_MS] =
    g_param_spec_int64 ("duration-ms", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties [PROP_TRANSCRIPT] =
    g_param_spec_string ("transcript", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_ANALYSIS] =
    g_param_spec_string ("analysis", NULL, NULL,
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

  properties [PROP_NEXT_ATTEMPT_AT] =
    g_param_spec_boxed ("next-attempt-at", NULL, NULL,
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

  properties [PROP_ENDED_AT] =
    g_param_spec_boxed ("ended-at", NULL, NULL,
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_recipient_init (CbRecipient *self)
{
  self->max_retries = -1;
}

const char *
cb_recipient_get_id (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->id;
}

const char *
cb_recipient_get_batch_id (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->batch_id;
}

guint
cb_recipient_get_row (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), 0);

  return self->row;
}

const char *
cb_recipient_get_phone (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->phone;
}

const char *
cb_recipient_get_raw_phone (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->raw_phone;
}

const char *
cb_recipient_get_dynamic_vars (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->dynamic_vars;
}

CbRecipientStatus
cb_recipient_get_status (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), 0);

  return self->status;
}

guint
cb_recipient_get_attempts (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), 0);

  return self->attempts;
}

int
cb_recipient_get_max_retries (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), 0);

  return self->max_retries;
}

const char *
cb_recipient_get_provider_call_id (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->provider_call_id;
}

const char *
cb_recipient_get_outcome (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->outcome;
}

const char *
cb_recipient_get_disconnection_reason (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->disconnection_reason;
}

gint64
cb_recipient_get_duration_ms (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), 0);

  return self->duration_ms;
}

const char *
cb_recipient_get_transcript (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->transcript;
}

const char *
cb_recipient_get_analysis (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->analysis;
}

const char *
cb_recipient_get_error (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->error;
}

GDateTime *
cb_recipient_get_next_attempt_at (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->next_attempt_at;
}

GDateTime *
cb_recipient_get_started_at (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->started_at;
}

GDateTime *
cb_recipient_get_ended_at (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->ended_at;
}

GDateTime *
cb_recipient_get_updated_at (CbRecipient *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT (self), NULL);

  return self->updated_at;
}
