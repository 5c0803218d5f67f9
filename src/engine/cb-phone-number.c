/* cb-phone-number.c — a caller ID
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-phone-number.h"

struct _CbPhoneNumber
{
  GObject parent_instance;

  char      *id;
  char      *number;
  char      *label;
  char      *provider_account_id;
  char      *provider_number_id;
  GDateTime *created_at;
};

G_DEFINE_FINAL_TYPE (CbPhoneNumber, cb_phone_number, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_LABEL,
  PROP_PROVIDER_ACCOUNT_ID,
  PROP_PROVIDER_NUMBER_ID,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_phone_number_finalize (GObject *object)
{
  CbPhoneNumber *self = (CbPhoneNumber *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->provider_account_id, g_free);
  g_clear_pointer (&self->provider_number_id, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_phone_number_parent_class)->finalize (object);
}

static void
cb_phone_number_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbPhoneNumber *self = CB_PHONE_NUMBER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;

    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case PROP_PROVIDER_ACCOUNT_ID:
      g_value_set_string (value, self->provider_account_id);
      break;

    case PROP_PROVIDER_NUMBER_ID:
      g_value_set_string (value, self->provider_number_id);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_phone_number_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbPhoneNumber *self = CB_PHONE_NUMBER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NUMBER:
      self->number = g_value_dup_string (value);
      break;

    case PROP_LABEL:
      self->label = g_value_dup_string (value);
      break;

    case PROP_PROVIDER_ACCOUNT_ID:
      self->provider_account_id = g_value_dup_string (value);
      break;

    case PROP_PROVIDER_NUMBER_ID:
      self->provider_number_id = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_phone_number_class_init (CbPhoneNumberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_phone_number_finalize;
  object_class->get_property = cb_phone_number_get_property;
  object_class->set_property = cb_phone_number_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NUMBER] =
    g_param_spec_string ("number", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PROVIDER_ACCOUNT_ID] =
    g_param_spec_string ("provider-account-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PROVIDER_NUMBER_ID] =
    g_param_spec_string ("provider-number-id", NULL, NULL,
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_phone_number_init (CbPhoneNumber *self)
{
}

const char *
cb_phone_number_get_id (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->id;
}

const char *
cb_phone_number_get_number (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->number;
}

const char *
cb_phone_number_get_label (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->label;
}

const char *
cb_phone_number_get_provider_account_id (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->provider_account_id;
}

const char *
cb_phone_number_get_provider_number_id (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->provider_number_id;
}

GDateTime *
cb_phone_number_get_created_at (CbPhoneNumber *self)
{
  g_return_val_if_fail (CB_IS_PHONE_NUMBER (self), NULL);

  return self->created_at;
}
