/* cb-agent.c — the agent record: a voice agent at a provider
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-agent.h"

struct _CbAgent
{
  GObject parent_instance;

  char      *id;
  char      *name;
  char      *provider_account_id;
  char      *provider_agent_id;
  char      *default_phone_number_id;
  char      *webhook_url;
  GDateTime *created_at;
};

G_DEFINE_FINAL_TYPE (CbAgent, cb_agent, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PROVIDER_ACCOUNT_ID,
  PROP_PROVIDER_AGENT_ID,
  PROP_DEFAULT_PHONE_NUMBER_ID,
  PROP_WEBHOOK_URL,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_agent_finalize (GObject *object)
{
  CbAgent *self = (CbAgent *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->provider_account_id, g_free);
  g_clear_pointer (&self->provider_agent_id, g_free);
  g_clear_pointer (&self->default_phone_number_id, g_free);
  g_clear_pointer (&self->webhook_url, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_agent_parent_class)->finalize (object);
}

static void
cb_agent_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CbAgent *self = CB_AGENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PROVIDER_ACCOUNT_ID:
      g_value_set_string (value, self->provider_account_id);
      break;

    case PROP_PROVIDER_AGENT_ID:
      g_value_set_string (value, self->provider_agent_id);
      break;

    case PROP_DEFAULT_PHONE_NUMBER_ID:
      g_value_set_string (value, self->default_phone_number_id);
      break;

    case PROP_WEBHOOK_URL:
      g_value_set_string (value, self->webhook_url);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_agent_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CbAgent *self = CB_AGENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_PROVIDER_ACCOUNT_ID:
      self->provider_account_id = g_value_dup_string (value);
      break;

    case PROP_PROVIDER_AGENT_ID:
      self->provider_agent_id = g_value_dup_string (value);
      break;

    case PROP_DEFAULT_PHONE_NUMBER_ID:
      self->default_phone_number_id = g_value_dup_string (value);
      break;

    case PROP_WEBHOOK_URL:
      self->webhook_url = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_agent_class_init (CbAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_agent_finalize;
  object_class->get_property = cb_agent_get_property;
  object_class->set_property = cb_agent_set_property;

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

  properties [PROP_PROVIDER_ACCOUNT_ID] =
    g_param_spec_string ("provider-account-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_PROVIDER_AGENT_ID] =
    g_param_spec_string ("provider-agent-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_DEFAULT_PHONE_NUMBER_ID] =
    g_param_spec_string ("default-phone-number-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_WEBHOOK_URL] =
    g_param_spec_string ("webhook-url", NULL, NULL,
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
cb_agent_init (CbAgent *self)
{
}

const char *
cb_agent_get_id (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->id;
}

const char *
cb_agent_get_name (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->name;
}

const char *
cb_agent_get_provider_account_id (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->provider_account_id;
}

const char *
cb_agent_get_provider_agent_id (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->provider_agent_id;
}

const char *
cb_agent_get_default_phone_number_id (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->default_phone_number_id;
}

const char *
cb_agent_get_webhook_url (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->webhook_url;
}

GDateTime *
cb_agent_get_created_at (CbAgent *self)
{
  g_return_val_if_fail (CB_IS_AGENT (self), NULL);

  return self->created_at;
}
