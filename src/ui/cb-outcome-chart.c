/* cb-outcome-chart.c — a batch's recipients by outcome, as one stacked bar
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-outcome-chart.h"

#include <glib/gi18n.h>
#include <string.h>

struct _CbOutcomeChart
{
  GtkWidget       parent_instance;

  CbBatchCounters counters;
};

G_DEFINE_FINAL_TYPE (CbOutcomeChart, cb_outcome_chart, GTK_TYPE_WIDGET)

/* The parts, in drawing order, with the colours of the legend (style.css). */
static const struct {
  const char *css;
  GdkRGBA     color;
} parts[CB_OUTCOME_CHART_N_PARTS] = {
  { "answered",    { 0.18f, 0.76f, 0.49f, 1.f } },  /* Adwaita green 3 */
  { "unanswered",  { 0.56f, 0.94f, 0.64f, 1.f } },  /* green 1 */
  { "failed",      { 0.88f, 0.11f, 0.14f, 1.f } },  /* red 3 */
  { "calling",     { 0.21f, 0.52f, 0.89f, 1.f } },  /* blue 3 */
  { "cancelled",   { 0.60f, 0.59f, 0.57f, 1.f } },  /* light 5 */
};

guint
cb_outcome_chart_get_part (const CbBatchCounters *counters,
                           CbOutcomeChartPart     part)
{
  g_return_val_if_fail (counters != NULL, 0);

  switch (part)
    {
    case CB_OUTCOME_CHART_ANSWERED:
      return MIN (counters->picked_up, counters->completed);
    case CB_OUTCOME_CHART_UNANSWERED:
      return counters->completed - MIN (counters->picked_up, counters->completed);
    case CB_OUTCOME_CHART_FAILED:
      return counters->failed;
    case CB_OUTCOME_CHART_CALLING:
      return counters->dialing;
    case CB_OUTCOME_CHART_CANCELLED:
      return counters->cancelled;
    case CB_OUTCOME_CHART_N_PARTS:
    default:
      return 0;
    }
}

const char *
cb_outcome_chart_part_css (CbOutcomeChartPart part)
{
  g_return_val_if_fail (part < CB_OUTCOME_CHART_N_PARTS, NULL);

  return parts[part].css;
}

const char *
cb_outcome_chart_part_label (CbOutcomeChartPart part)
{
  switch (part)
    {
    case CB_OUTCOME_CHART_ANSWERED:
      return _("Answered");
    case CB_OUTCOME_CHART_UNANSWERED:
      return _("Ended unanswered");
    case CB_OUTCOME_CHART_FAILED:
      return _("Failed");
    case CB_OUTCOME_CHART_CALLING:
      return _("Calling");
    case CB_OUTCOME_CHART_CANCELLED:
      return _("Cancelled");
    case CB_OUTCOME_CHART_N_PARTS:
    default:
      return NULL;
    }
}

static void
cb_outcome_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CbOutcomeChart *self = CB_OUTCOME_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  float radius = MIN (height / 2.f, 6.f);
  GskRoundedRect outline;
  GdkRGBA trough;
  float x = 0;

  if (width <= 0 || height <= 0)
    return;

  /* The trough is the foreground colour, faint: it reads in light and dark styles. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &trough);
  trough.alpha *= 0.1f;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), radius);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->counters.total > 0)
    {
      for (guint i = 0; i < CB_OUTCOME_CHART_N_PARTS; i++)
        {
          guint n = cb_outcome_chart_get_part (&self->counters, i);
          float w = (float)width * n / self->counters.total;

          if (w <= 0)
            continue;

          gtk_snapshot_append_color (snapshot, &parts[i].color,
                                     &GRAPHENE_RECT_INIT (x, 0, w, height));
          x += w;
        }
    }

  gtk_snapshot_pop (snapshot);
}

static void
cb_outcome_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 48, *natural = 320;
  else
    *minimum = *natural = 16;
}

static void
cb_outcome_chart_class_init (CbOutcomeChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = cb_outcome_chart_snapshot;
  widget_class->measure = cb_outcome_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "outcomechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cb_outcome_chart_init (CbOutcomeChart *self)
{
}

GtkWidget *
cb_outcome_chart_new (void)
{
  return g_object_new (CB_TYPE_OUTCOME_CHART, NULL);
}

void
cb_outcome_chart_set_counters (CbOutcomeChart        *self,
                               const CbBatchCounters *counters)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (CB_IS_OUTCOME_CHART (self));
  g_return_if_fail (counters != NULL);

  if (memcmp (&self->counters, counters, sizeof *counters) == 0)
    return;

  self->counters = *counters;

  for (guint i = 0; i < CB_OUTCOME_CHART_N_PARTS; i++)
    g_string_append_printf (description, "%s%s: %u", i > 0 ? ", " : "",
                            cb_outcome_chart_part_label (i),
                            cb_outcome_chart_get_part (counters, i));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}
