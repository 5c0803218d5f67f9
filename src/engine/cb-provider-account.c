/* cb-provider-account.c — a provider account (its API key lives in the keyring)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-provider-account.h"

struct _CbProviderAccount
{
  GObject parent_instance;

  char      *id;
  char      *kind;
  char      *name;
  char      *base_url;
  GDateTime *created_at;
};

G_DEFINE_FINAL_TYPE (CbProviderAccount, cb_provider_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_NAME,
  PROP_BASE_URL,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_provider_account_finalize (GObject *object)
{
  CbProviderAccount *self = (CbProviderAccount *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_provider_account_parent_class)->finalize (object);
}

static void
cb_provider_account_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CbProviderAccount *self = CB_PROVIDER_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_provider_account_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CbProviderAccount *self = CB_PROVIDER_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_KIND:
      self->kind = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_provider_account_class_init (CbProviderAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_provider_account_finalize;
  object_class->get_property = cb_provider_account_get_property;
  object_class->set_property = cb_provider_account_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL,
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

  properties [PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
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
cb_provider_account_init (CbProviderAccount *self)
{
}

const char *
cb_provider_account_get_id (CbProviderAccount *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_ACCOUNT (self), NULL);

  return self->id;
}

const char *
cb_provider_account_get_kind (CbProviderAccount *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_ACCOUNT (self), NULL);

  return self->kind;
}

const char *
cb_provider_account_get_name (CbProviderAccount *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_ACCOUNT (self), NULL);

  return self->name;
}

const char *
cb_provider_account_get_base_url (CbProviderAccount *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_ACCOUNT (self), NULL);

  return self->base_url;
}

GDateTime *
cb_provider_account_get_created_at (CbProviderAccount *self)
{
  g_return_val_if_fail (CB_IS_PROVIDER_ACCOUNT (self), NULL);

  return self->created_at;
}
