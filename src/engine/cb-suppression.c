/* cb-suppression.c — a number on the do-not-call list
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-suppression.h"

struct _CbSuppression
{
  GObject parent_instance;

  char      *number;
  char      *note;
  GDateTime *created_at;
};

G_DEFINE_FINAL_TYPE (CbSuppression, cb_suppression, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NUMBER,
  PROP_NOTE,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_suppression_finalize (GObject *object)
{
  CbSuppression *self = (CbSuppression *)object;

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (cb_suppression_parent_class)->finalize (object);
}

static void
cb_suppression_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CbSuppression *self = CB_SUPPRESSION (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;

    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_suppression_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CbSuppression *self = CB_SUPPRESSION (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      self->number = g_value_dup_string (value);
      break;

    case PROP_NOTE:
      self->note = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      self->created_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_suppression_class_init (CbSuppressionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_suppression_finalize;
  object_class->get_property = cb_suppression_get_property;
  object_class->set_property = cb_suppression_set_property;

  properties [PROP_NUMBER] =
    g_param_spec_string ("number", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties [PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL,
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
cb_suppression_init (CbSuppression *self)
{
}

const char *
cb_suppression_get_number (CbSuppression *self)
{
  g_return_val_if_fail (CB_IS_SUPPRESSION (self), NULL);

  return self->number;
}

const char *
cb_suppression_get_note (CbSuppression *self)
{
  g_return_val_if_fail (CB_IS_SUPPRESSION (self), NULL);

  return self->note;
}

GDateTime *
cb_suppression_get_created_at (CbSuppression *self)
{
  g_return_val_if_fail (CB_IS_SUPPRESSION (self), NULL);

  return self->created_at;
}
