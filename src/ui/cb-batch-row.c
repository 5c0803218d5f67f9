/* cb-batch-row.c — one batch in the list: name, status, progress, counters, time
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-batch-row.h"

#include <glib/gi18n.h>

#include "cb-format.h"

struct _CbBatchRow
{
  GtkListBoxRow   parent_instance;

  CbBatch        *batch;
  char           *status_css;

  GtkLabel       *name_label;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *counters_label;
  GtkLabel       *time_label;
};

G_DEFINE_FINAL_TYPE (CbBatchRow, cb_batch_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_BATCH,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_batch_row_update (CbBatchRow *self)
{
  const CbBatchCounters *counters;
  CbBatchStatus status;
  g_autofree char *counters_text = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *accessible = NULL;

  g_assert (CB_IS_BATCH_ROW (self));

  if (self->batch == NULL)
    return;

  status = cb_batch_get_status (self->batch);
  counters = cb_batch_get_counters (self->batch);

  gtk_label_set_label (self->name_label, cb_batch_get_name (self->batch));

  /* The status class goes on the pill and on the row (which dims the bar of a batch that
   * ended without being called through). */
  gtk_label_set_label (self->status_label, cb_format_batch_status (status));
  if (self->status_css != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), self->status_css);
      gtk_widget_remove_css_class (GTK_WIDGET (self), self->status_css);
    }
  g_free (self->status_css);
  self->status_css = g_strdup (cb_format_batch_status_css (status));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), self->status_css);
  gtk_widget_add_css_class (GTK_WIDGET (self), self->status_css);

  gtk_progress_bar_set_fraction (self->progress_bar, cb_batch_counters_get_progress (counters));

  counters_text = cb_format_batch_counters (counters);
  gtk_label_set_label (self->counters_label, counters_text);

  time_text = cb_format_batch_time (status,
                                    cb_batch_get_scheduled_at (self->batch),
                                    cb_batch_get_started_at (self->batch),
                                    cb_batch_get_finished_at (self->batch),
                                    cb_batch_get_created_at (self->batch),
                                    NULL);
  gtk_label_set_label (self->time_label, time_text ? time_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), time_text != NULL);

  /* Translators: how a screen reader names a batch row: "Leads for May, Running" */
  accessible = g_strdup_printf (_("%s, %s"),
                                cb_batch_get_name (self->batch),
                                cb_format_batch_status (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, counters_text,
                                  -1);
}

static void
cb_batch_row_dispose (GObject *object)
{
  CbBatchRow *self = (CbBatchRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_BATCH_ROW);

  g_clear_object (&self->batch);
  g_clear_pointer (&self->status_css, g_free);

  G_OBJECT_CLASS (cb_batch_row_parent_class)->dispose (object);
}

static void
cb_batch_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CbBatchRow *self = CB_BATCH_ROW (object);

  switch (prop_id)
    {
    case PROP_BATCH:
      g_value_set_object (value, self->batch);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_batch_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CbBatchRow *self = CB_BATCH_ROW (object);

  switch (prop_id)
    {
    case PROP_BATCH:
      self->batch = g_value_dup_object (value);
      cb_batch_row_update (self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_batch_row_class_init (CbBatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_batch_row_dispose;
  object_class->get_property = cb_batch_row_get_property;
  object_class->set_property = cb_batch_row_set_property;

  properties [PROP_BATCH] =
    g_param_spec_object ("batch", NULL, NULL,
                         CB_TYPE_BATCH,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-batch-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CbBatchRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CbBatchRow, counters_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchRow, time_label);
}

static void
cb_batch_row_init (CbBatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cb_batch_row_new (CbBatch *batch)
{
  g_return_val_if_fail (CB_IS_BATCH (batch), NULL);

  return g_object_new (CB_TYPE_BATCH_ROW,
                       "batch", batch,
                       NULL);
}

CbBatch *
cb_batch_row_get_batch (CbBatchRow *self)
{
  g_return_val_if_fail (CB_IS_BATCH_ROW (self), NULL);

  return self->batch;
}

void
cb_batch_row_set_batch (CbBatchRow *self,
                        CbBatch    *batch)
{
  g_return_if_fail (CB_IS_BATCH_ROW (self));
  g_return_if_fail (CB_IS_BATCH (batch));

  g_set_object (&self->batch, batch);
  cb_batch_row_update (self);
}
