/* cb-outcome-chart.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-lifecycle.h"

G_BEGIN_DECLS

typedef enum
{
  CB_OUTCOME_CHART_ANSWERED,    /* picked up */
  CB_OUTCOME_CHART_UNANSWERED,  /* completed, not picked up */
  CB_OUTCOME_CHART_FAILED,
  CB_OUTCOME_CHART_CALLING,
  CB_OUTCOME_CHART_CANCELLED,
  CB_OUTCOME_CHART_N_PARTS,
} CbOutcomeChartPart;

#define CB_TYPE_OUTCOME_CHART (cb_outcome_chart_get_type ())

G_DECLARE_FINAL_TYPE (CbOutcomeChart, cb_outcome_chart, CB, OUTCOME_CHART, GtkWidget)

GtkWidget  *cb_outcome_chart_new          (void);
void        cb_outcome_chart_set_counters (CbOutcomeChart        *self,
                                           const CbBatchCounters *counters);
/* How many recipients a part of the bar counts (the rest of the total is pending). */
guint       cb_outcome_chart_get_part     (const CbBatchCounters *counters,
                                           CbOutcomeChartPart     part);
const char *cb_outcome_chart_part_label   (CbOutcomeChartPart     part);
/* "answered", "failed", …: the legend's CSS class is "legend-" + this. */
const char *cb_outcome_chart_part_css     (CbOutcomeChartPart     part);

G_END_DECLS
