/* cb-format.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-format.h"

#include <glib/gi18n.h>

const char *
cb_format_batch_status (CbBatchStatus status)
{
  switch (status)
    {
    case CB_BATCH_STATUS_DRAFT:
      return C_("batch status", "Draft");
    case CB_BATCH_STATUS_PENDING:
      return C_("batch status", "Pending");
    case CB_BATCH_STATUS_SCHEDULED:
      return C_("batch status", "Scheduled");
    case CB_BATCH_STATUS_RUNNING:
      return C_("batch status", "Running");
    case CB_BATCH_STATUS_PAUSED:
      return C_("batch status", "Paused");
    case CB_BATCH_STATUS_COMPLETED:
      return C_("batch status", "Completed");
    case CB_BATCH_STATUS_CANCELLED:
      return C_("batch status", "Cancelled");
    case CB_BATCH_STATUS_FAILED:
      return C_("batch status", "Failed");
    default:
      return C_("batch status", "Unknown");
    }
}

const char *
cb_format_batch_status_css (CbBatchStatus status)
{
  switch (status)
    {
    case CB_BATCH_STATUS_DRAFT:
      return "status-draft";
    case CB_BATCH_STATUS_PENDING:
      return "status-pending";
    case CB_BATCH_STATUS_SCHEDULED:
      return "status-scheduled";
    case CB_BATCH_STATUS_RUNNING:
      return "status-running";
    case CB_BATCH_STATUS_PAUSED:
      return "status-paused";
    case CB_BATCH_STATUS_COMPLETED:
      return "status-completed";
    case CB_BATCH_STATUS_CANCELLED:
      return "status-cancelled";
    case CB_BATCH_STATUS_FAILED:
      return "status-failed";
    default:
      return "status-unknown";
    }
}

static char *
format_moment (GDateTime *when,
               GTimeZone *tz)
{
  g_autoptr(GDateTime) local = NULL;

  g_assert (when != NULL);

  local = tz != NULL ? g_date_time_to_timezone (when, tz) : g_date_time_to_local (when);
  if (local == NULL)
    return NULL;

  /* Translators: a date and time as in "Tue 24 Nov, 09:00"; see the strftime-like
   * codes of g_date_time_format(). */
  return g_date_time_format (local, C_("batch time", "%a %-d %b, %H:%M"));
}

char *
cb_format_batch_time (CbBatchStatus  status,
                      GDateTime     *scheduled_at,
                      GDateTime     *started_at,
                      GDateTime     *finished_at,
                      GDateTime     *created_at,
                      GTimeZone     *tz)
{
  g_autofree char *moment = NULL;

  if (status == CB_BATCH_STATUS_SCHEDULED && scheduled_at != NULL)
    {
      moment = format_moment (scheduled_at, tz);
      /* Translators: %s is a date and time, "Tue 24 Nov, 09:00" */
      return moment ? g_strdup_printf (_("Scheduled for %s"), moment) : NULL;
    }

  if (finished_at != NULL && cb_batch_status_is_terminal (status))
    {
      moment = format_moment (finished_at, tz);
      /* Translators: %s is a date and time, "Tue 24 Nov, 09:00" */
      return moment ? g_strdup_printf (_("Finished %s"), moment) : NULL;
    }

  if (started_at != NULL)
    {
      moment = format_moment (started_at, tz);
      /* Translators: %s is a date and time, "Tue 24 Nov, 09:00" */
      return moment ? g_strdup_printf (_("Started %s"), moment) : NULL;
    }

  if (scheduled_at != NULL)
    {
      moment = format_moment (scheduled_at, tz);
      /* Translators: %s is a date and time, "Tue 24 Nov, 09:00" */
      return moment ? g_strdup_printf (_("Scheduled for %s"), moment) : NULL;
    }

  if (created_at != NULL)
    {
      moment = format_moment (created_at, tz);
      /* Translators: %s is a date and time, "Tue 24 Nov, 09:00" */
      return moment ? g_strdup_printf (_("Created %s"), moment) : NULL;
    }

  return NULL;
}

/* Replaces the spaces of *@text with no-break spaces. */
static void
no_break (char **text)
{
  g_autoptr(GString) str = g_string_new (*text);

  g_string_replace (str, " ", "\u00a0", 0);
  g_free (*text);
  *text = g_string_free (g_steal_pointer (&str), FALSE);
}

char *
cb_format_batch_counters (const CbBatchCounters *counters)
{
  g_autofree char *done = NULL;
  g_autofree char *answered = NULL;
  g_autofree char *failed = NULL;
  guint n_done;

  g_return_val_if_fail (counters != NULL, NULL);

  n_done = counters->completed + counters->failed + counters->cancelled;

  /* Translators: "12 of 250 done": recipients in a final state, of all recipients */
  done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u done", "%u of %u done",
                                       counters->total),
                          n_done, counters->total);
  /* Translators: calls that connected */
  answered = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u answered", "%u answered",
                                           counters->picked_up),
                              counters->picked_up);
  /* Translators: recipients whose every attempt failed */
  failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed",
                                         counters->failed),
                            counters->failed);

  /* Each part stays on one line when a narrow row wraps the text. */
  no_break (&done);
  no_break (&answered);
  no_break (&failed);

  /* Translators: the parts of a batch's counters, joined: "12 of 250 done · 8 answered · 3 failed" */
  return g_strdup_printf (_("%s · %s · %s"), done, answered, failed);
}
