/* cb-format.h — the words and figures the dashboard shows for a batch
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-lifecycle.h"

G_BEGIN_DECLS

/* "Draft", "Running", … (translated) */
const char *cb_format_batch_status      (CbBatchStatus          status);
/* The CSS class of a status pill: "status-draft", "status-running", … */
const char *cb_format_batch_status_css  (CbBatchStatus          status);
/* The moment that matters for a batch in its status, in @tz (NULL: local time):
 * "Scheduled for Tue 24 Nov, 09:00", "Started Mon 23 Nov, 14:02", "Finished …",
 * "Created …". NULL when the batch has no such time. */
char       *cb_format_batch_time        (CbBatchStatus          status,
                                         GDateTime             *scheduled_at,
                                         GDateTime             *started_at,
                                         GDateTime             *finished_at,
                                         GDateTime             *created_at,
                                         GTimeZone             *tz);
/* "12 of 250 done · 8 answered · 3 failed", with no-break spaces inside each part so
 * that a narrow row wraps only between parts. */
char       *cb_format_batch_counters    (const CbBatchCounters *counters);

G_END_DECLS
