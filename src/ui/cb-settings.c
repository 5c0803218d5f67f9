/* cb-settings.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-settings.h"

struct _CbSettings
{
  GObject    parent_instance;

  /* NULL when the schema is not installed: then the values below are kept in memory. */
  GSettings *settings;

  guint     default_max_retries;
  guint     default_concurrency;
  gboolean  window_enabled;
  guint     window_start_hour;
  guint     window_end_hour;
  guint     window_days;
  gboolean  window_recipient_local;
  double    sim_speed;
};

G_DEFINE_FINAL_TYPE (CbSettings, cb_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEFAULT_MAX_RETRIES,
  PROP_DEFAULT_CONCURRENCY,
  PROP_WINDOW_ENABLED,
  PROP_WINDOW_START_HOUR,
  PROP_WINDOW_END_HOUR,
  PROP_WINDOW_DAYS,
  PROP_WINDOW_RECIPIENT_LOCAL,
  PROP_SIM_SPEED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
settings_changed_cb (CbSettings *self,
                     const char *key,
                     GSettings  *settings)
{
  GParamSpec *pspec;

  g_assert (CB_IS_SETTINGS (self));

  /* Keys and properties share their names. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), key);
  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
cb_settings_finalize (GObject *object)
{
  CbSettings *self = (CbSettings *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cb_settings_parent_class)->finalize (object);
}

static void
cb_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CbSettings *self = CB_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_MAX_RETRIES:
      g_value_set_uint (value, cb_settings_get_default_max_retries (self));
      break;

    case PROP_DEFAULT_CONCURRENCY:
      g_value_set_uint (value, cb_settings_get_default_concurrency (self));
      break;

    case PROP_WINDOW_ENABLED:
      g_value_set_boolean (value, cb_settings_get_window_enabled (self));
      break;

    case PROP_WINDOW_START_HOUR:
      g_value_set_uint (value, cb_settings_get_window_start_hour (self));
      break;

    case PROP_WINDOW_END_HOUR:
      g_value_set_uint (value, cb_settings_get_window_end_hour (self));
      break;

    case PROP_WINDOW_DAYS:
      g_value_set_uint (value, cb_settings_get_window_days (self));
      break;

    case PROP_WINDOW_RECIPIENT_LOCAL:
      g_value_set_boolean (value, cb_settings_get_window_recipient_local (self));
      break;

    case PROP_SIM_SPEED:
      g_value_set_double (value, cb_settings_get_sim_speed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CbSettings *self = CB_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_MAX_RETRIES:
      cb_settings_set_default_max_retries (self, g_value_get_uint (value));
      break;

    case PROP_DEFAULT_CONCURRENCY:
      cb_settings_set_default_concurrency (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW_ENABLED:
      cb_settings_set_window_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_WINDOW_START_HOUR:
      cb_settings_set_window_start_hour (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW_END_HOUR:
      cb_settings_set_window_end_hour (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW_DAYS:
      cb_settings_set_window_days (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW_RECIPIENT_LOCAL:
      cb_settings_set_window_recipient_local (self, g_value_get_boolean (value));
      break;

    case PROP_SIM_SPEED:
      cb_settings_set_sim_speed (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_settings_class_init (CbSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_settings_finalize;
  object_class->get_property = cb_settings_get_property;
  object_class->set_property = cb_settings_set_property;

  properties [PROP_DEFAULT_MAX_RETRIES] =
    g_param_spec_uint ("default-max-retries", NULL, NULL,
                       0, 10, 2,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_DEFAULT_CONCURRENCY] =
    g_param_spec_uint ("default-concurrency", NULL, NULL,
                       1, 100, 10,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_WINDOW_ENABLED] =
    g_param_spec_boolean ("window-enabled", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_WINDOW_START_HOUR] =
    g_param_spec_uint ("window-start-hour", NULL, NULL,
                       0, 23, 9,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_WINDOW_END_HOUR] =
    g_param_spec_uint ("window-end-hour", NULL, NULL,
                       1, 24, 20,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_WINDOW_DAYS] =
    g_param_spec_uint ("window-days", NULL, NULL,
                       1, 127, 31,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_WINDOW_RECIPIENT_LOCAL] =
    g_param_spec_boolean ("window-recipient-local", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_SIM_SPEED] =
    g_param_spec_double ("sim-speed", NULL, NULL,
                         1.0, 1000.0, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_settings_init (CbSettings *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->default_max_retries = 2;
  self->default_concurrency = 10;
  self->window_enabled = FALSE;
  self->window_start_hour = 9;
  self->window_end_hour = 20;
  self->window_days = 31;
  self->window_recipient_local = TRUE;
  self->sim_speed = 1.0;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("The GSettings schema %s is not installed: settings last until Callboard quits",
               APP_ID);
      return;
    }

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

CbSettings *
cb_settings_new (void)
{
  return g_object_new (CB_TYPE_SETTINGS, NULL);
}

CbSettings *
cb_settings_get_default (void)
{
  static CbSettings *instance;

  /* The main thread's */
  if (instance == NULL)
    instance = cb_settings_new ();

  return instance;
}

gboolean
cb_settings_is_persistent (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), FALSE);

  return self->settings != NULL;
}

guint
cb_settings_get_default_max_retries (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 2);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "default-max-retries");

  return self->default_max_retries;
}

void
cb_settings_set_default_max_retries (CbSettings *self,
                                     guint      value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = MIN (value, 10);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_uint (self->settings, "default-max-retries", value);
      return;
    }

  if (self->default_max_retries == value)
    return;

  self->default_max_retries = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DEFAULT_MAX_RETRIES]);
}

guint
cb_settings_get_default_concurrency (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 10);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "default-concurrency");

  return self->default_concurrency;
}

void
cb_settings_set_default_concurrency (CbSettings *self,
                                     guint      value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = CLAMP (value, 1, 100);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_uint (self->settings, "default-concurrency", value);
      return;
    }

  if (self->default_concurrency == value)
    return;

  self->default_concurrency = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DEFAULT_CONCURRENCY]);
}

gboolean
cb_settings_get_window_enabled (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), FALSE);

  if (self->settings != NULL)
    return g_settings_get_boolean (self->settings, "window-enabled");

  return self->window_enabled;
}

void
cb_settings_set_window_enabled (CbSettings *self,
                                gboolean   value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = !!value;
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_boolean (self->settings, "window-enabled", value);
      return;
    }

  if (self->window_enabled == value)
    return;

  self->window_enabled = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW_ENABLED]);
}

guint
cb_settings_get_window_start_hour (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 9);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "window-start-hour");

  return self->window_start_hour;
}

void
cb_settings_set_window_start_hour (CbSettings *self,
                                   guint      value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = MIN (value, 23);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_uint (self->settings, "window-start-hour", value);
      return;
    }

  if (self->window_start_hour == value)
    return;

  self->window_start_hour = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW_START_HOUR]);
}

guint
cb_settings_get_window_end_hour (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 20);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "window-end-hour");

  return self->window_end_hour;
}

void
cb_settings_set_window_end_hour (CbSettings *self,
                                 guint      value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = CLAMP (value, 1, 24);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_uint (self->settings, "window-end-hour", value);
      return;
    }

  if (self->window_end_hour == value)
    return;

  self->window_end_hour = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW_END_HOUR]);
}

guint
cb_settings_get_window_days (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 31);

  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "window-days");

  return self->window_days;
}

void
cb_settings_set_window_days (CbSettings *self,
                             guint      value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = CLAMP (value, 1, 127);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_uint (self->settings, "window-days", value);
      return;
    }

  if (self->window_days == value)
    return;

  self->window_days = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW_DAYS]);
}

gboolean
cb_settings_get_window_recipient_local (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), TRUE);

  if (self->settings != NULL)
    return g_settings_get_boolean (self->settings, "window-recipient-local");

  return self->window_recipient_local;
}

void
cb_settings_set_window_recipient_local (CbSettings *self,
                                        gboolean   value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = !!value;
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_boolean (self->settings, "window-recipient-local", value);
      return;
    }

  if (self->window_recipient_local == value)
    return;

  self->window_recipient_local = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW_RECIPIENT_LOCAL]);
}

double
cb_settings_get_sim_speed (CbSettings *self)
{
  g_return_val_if_fail (CB_IS_SETTINGS (self), 1.0);

  if (self->settings != NULL)
    return g_settings_get_double (self->settings, "sim-speed");

  return self->sim_speed;
}

void
cb_settings_set_sim_speed (CbSettings *self,
                           double     value)
{
  g_return_if_fail (CB_IS_SETTINGS (self));

  value = CLAMP (value, 1.0, 1000.0);
  if (self->settings != NULL)
    {
      /* ::changed notifies */
      g_settings_set_double (self->settings, "sim-speed", value);
      return;
    }

  if (self->sim_speed == value)
    return;

  self->sim_speed = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SIM_SPEED]);
}
