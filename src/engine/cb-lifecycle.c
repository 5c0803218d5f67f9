/* cb-lifecycle.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-lifecycle"

#include "config.h"

#include "cb-lifecycle.h"

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (cb-lifecycle-error-quark, cb_lifecycle_error)

static const char *batch_status_names[] = {
  [CB_BATCH_STATUS_DRAFT] = "draft",
  [CB_BATCH_STATUS_PENDING] = "pending",
  [CB_BATCH_STATUS_SCHEDULED] = "scheduled",
  [CB_BATCH_STATUS_RUNNING] = "running",
  [CB_BATCH_STATUS_PAUSED] = "paused",
  [CB_BATCH_STATUS_COMPLETED] = "completed",
  [CB_BATCH_STATUS_CANCELLED] = "cancelled",
  [CB_BATCH_STATUS_FAILED] = "failed",
};

static const char *recipient_status_names[] = {
  [CB_RECIPIENT_STATUS_PENDING] = "pending",
  [CB_RECIPIENT_STATUS_DIALING] = "dialing",
  [CB_RECIPIENT_STATUS_COMPLETED] = "completed",
  [CB_RECIPIENT_STATUS_FAILED] = "failed",
  [CB_RECIPIENT_STATUS_CANCELLED] = "cancelled",
};

#define N_BATCH_STATUSES G_N_ELEMENTS (batch_status_names)
#define N_RECIPIENT_STATUSES G_N_ELEMENTS (recipient_status_names)

/* Batch transitions, SPEC §3:
 *
 *   draft     → pending (start now), scheduled (start later), cancelled
 *   pending   → running, cancelled, failed
 *   scheduled → running (its time came), pending (started early), cancelled, failed
 *   running   → paused, completed, failed            (cancel is refused: pause first)
 *   paused    → running (resume), cancelled, failed
 *   completed → pending (retry failed recipients)
 *   failed    → pending (retry once the cause is fixed)
 *   cancelled is final.
 */
static const gboolean batch_transitions[N_BATCH_STATUSES][N_BATCH_STATUSES] = {
  [CB_BATCH_STATUS_DRAFT] = {
    [CB_BATCH_STATUS_PENDING] = TRUE,
    [CB_BATCH_STATUS_SCHEDULED] = TRUE,
    [CB_BATCH_STATUS_CANCELLED] = TRUE,
  },
  [CB_BATCH_STATUS_PENDING] = {
    [CB_BATCH_STATUS_RUNNING] = TRUE,
    [CB_BATCH_STATUS_CANCELLED] = TRUE,
    [CB_BATCH_STATUS_FAILED] = TRUE,
  },
  [CB_BATCH_STATUS_SCHEDULED] = {
    [CB_BATCH_STATUS_RUNNING] = TRUE,
    [CB_BATCH_STATUS_PENDING] = TRUE,
    [CB_BATCH_STATUS_CANCELLED] = TRUE,
    [CB_BATCH_STATUS_FAILED] = TRUE,
  },
  [CB_BATCH_STATUS_RUNNING] = {
    [CB_BATCH_STATUS_PAUSED] = TRUE,
    [CB_BATCH_STATUS_COMPLETED] = TRUE,
    [CB_BATCH_STATUS_FAILED] = TRUE,
  },
  [CB_BATCH_STATUS_PAUSED] = {
    [CB_BATCH_STATUS_RUNNING] = TRUE,
    [CB_BATCH_STATUS_CANCELLED] = TRUE,
    [CB_BATCH_STATUS_FAILED] = TRUE,
  },
  [CB_BATCH_STATUS_COMPLETED] = {
    [CB_BATCH_STATUS_PENDING] = TRUE,
  },
  [CB_BATCH_STATUS_FAILED] = {
    [CB_BATCH_STATUS_PENDING] = TRUE,
  },
  [CB_BATCH_STATUS_CANCELLED] = { FALSE },
};

/* Recipient transitions, SPEC §3:
 *
 *   pending → dialing, cancelled (its batch was cancelled),
 *             failed (found on the do-not-call list right before dialling)
 *   dialing → completed, failed, pending (a retry is due later)
 *   failed  → pending (the user retries failed recipients)
 *   completed and cancelled are final.
 */
static const gboolean recipient_transitions[N_RECIPIENT_STATUSES][N_RECIPIENT_STATUSES] = {
  [CB_RECIPIENT_STATUS_PENDING] = {
    [CB_RECIPIENT_STATUS_DIALING] = TRUE,
    [CB_RECIPIENT_STATUS_CANCELLED] = TRUE,
    [CB_RECIPIENT_STATUS_FAILED] = TRUE,
  },
  [CB_RECIPIENT_STATUS_DIALING] = {
    [CB_RECIPIENT_STATUS_COMPLETED] = TRUE,
    [CB_RECIPIENT_STATUS_FAILED] = TRUE,
    [CB_RECIPIENT_STATUS_PENDING] = TRUE,
  },
  [CB_RECIPIENT_STATUS_FAILED] = {
    [CB_RECIPIENT_STATUS_PENDING] = TRUE,
  },
  [CB_RECIPIENT_STATUS_COMPLETED] = { FALSE },
  [CB_RECIPIENT_STATUS_CANCELLED] = { FALSE },
};

const char *
cb_batch_status_to_string (CbBatchStatus status)
{
  g_return_val_if_fail ((guint)status < N_BATCH_STATUSES, NULL);

  return batch_status_names[status];
}

gboolean
cb_batch_status_from_string (const char    *str,
                             CbBatchStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; str != NULL && i < N_BATCH_STATUSES; i++)
    {
      if (g_str_equal (str, batch_status_names[i]))
        {
          *status = (CbBatchStatus)i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
cb_recipient_status_to_string (CbRecipientStatus status)
{
  g_return_val_if_fail ((guint)status < N_RECIPIENT_STATUSES, NULL);

  return recipient_status_names[status];
}

gboolean
cb_recipient_status_from_string (const char        *str,
                                 CbRecipientStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; str != NULL && i < N_RECIPIENT_STATUSES; i++)
    {
      if (g_str_equal (str, recipient_status_names[i]))
        {
          *status = (CbRecipientStatus)i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
cb_batch_status_is_terminal (CbBatchStatus status)
{
  return status == CB_BATCH_STATUS_COMPLETED ||
         status == CB_BATCH_STATUS_CANCELLED ||
         status == CB_BATCH_STATUS_FAILED;
}

gboolean
cb_recipient_status_is_terminal (CbRecipientStatus status)
{
  return status == CB_RECIPIENT_STATUS_COMPLETED ||
         status == CB_RECIPIENT_STATUS_FAILED ||
         status == CB_RECIPIENT_STATUS_CANCELLED;
}

gboolean
cb_batch_can_transition (CbBatchStatus from,
                         CbBatchStatus to)
{
  if ((guint)from >= N_BATCH_STATUSES || (guint)to >= N_BATCH_STATUSES)
    return FALSE;

  return batch_transitions[from][to];
}

gboolean
cb_recipient_can_transition (CbRecipientStatus from,
                             CbRecipientStatus to)
{
  if ((guint)from >= N_RECIPIENT_STATUSES || (guint)to >= N_RECIPIENT_STATUSES)
    return FALSE;

  return recipient_transitions[from][to];
}

static char *
describe_batch_refusal (CbBatchStatus from,
                        CbBatchStatus to)
{
  const char *from_name = cb_batch_status_to_string (from);

  switch (to)
    {
    case CB_BATCH_STATUS_CANCELLED:
      if (from == CB_BATCH_STATUS_RUNNING)
        return g_strdup (_("A running batch cannot be cancelled. Pause it first."));
      return g_strdup_printf (_("A %s batch cannot be cancelled."), from_name);

    case CB_BATCH_STATUS_PAUSED:
      return g_strdup_printf (_("Only a running batch can be paused; this one is %s."), from_name);

    case CB_BATCH_STATUS_RUNNING:
      if (from == CB_BATCH_STATUS_RUNNING)
        return g_strdup (_("The batch is already running."));
      return g_strdup_printf (_("A %s batch cannot be started or resumed."), from_name);

    case CB_BATCH_STATUS_PENDING:
    case CB_BATCH_STATUS_SCHEDULED:
      return g_strdup_printf (_("A %s batch cannot be started or scheduled."), from_name);

    case CB_BATCH_STATUS_DRAFT:
      return g_strdup_printf (_("A %s batch cannot become a draft again."), from_name);

    case CB_BATCH_STATUS_COMPLETED:
      return g_strdup_printf (_("A %s batch cannot be completed."), from_name);

    case CB_BATCH_STATUS_FAILED:
      return g_strdup_printf (_("A %s batch cannot be marked as failed."), from_name);

    default:
      g_assert_not_reached ();
    }
}

gboolean
cb_batch_check_transition (CbBatchStatus   from,
                           CbBatchStatus   to,
                           GError        **error)
{
  g_autofree char *message = NULL;

  if ((guint)from >= N_BATCH_STATUSES || (guint)to >= N_BATCH_STATUSES)
    {
      g_set_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_UNKNOWN,
                   _("Unknown batch status %d"), (guint)from >= N_BATCH_STATUSES ? (int)from : (int)to);
      return FALSE;
    }

  if (cb_batch_can_transition (from, to))
    return TRUE;

  message = describe_batch_refusal (from, to);
  g_set_error_literal (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_REFUSED, message);
  return FALSE;
}

gboolean
cb_recipient_check_transition (CbRecipientStatus   from,
                               CbRecipientStatus   to,
                               GError            **error)
{
  if ((guint)from >= N_RECIPIENT_STATUSES || (guint)to >= N_RECIPIENT_STATUSES)
    {
      g_set_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_UNKNOWN,
                   _("Unknown recipient status %d"),
                   (guint)from >= N_RECIPIENT_STATUSES ? (int)from : (int)to);
      return FALSE;
    }

  if (cb_recipient_can_transition (from, to))
    return TRUE;

  g_set_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_REFUSED,
               _("A recipient cannot go from %s to %s."),
               cb_recipient_status_to_string (from),
               cb_recipient_status_to_string (to));
  return FALSE;
}

void
cb_batch_counters_init (CbBatchCounters *counters,
                        guint            total)
{
  g_return_if_fail (counters != NULL);

  *counters = (CbBatchCounters) { .total = total, .pending = total };
}

static guint *
counter_for_status (CbBatchCounters   *counters,
                    CbRecipientStatus  status)
{
  switch (status)
    {
    case CB_RECIPIENT_STATUS_PENDING:
      return &counters->pending;
    case CB_RECIPIENT_STATUS_DIALING:
      return &counters->dialing;
    case CB_RECIPIENT_STATUS_COMPLETED:
      return &counters->completed;
    case CB_RECIPIENT_STATUS_FAILED:
      return &counters->failed;
    case CB_RECIPIENT_STATUS_CANCELLED:
      return &counters->cancelled;
    default:
      return NULL;
    }
}

void
cb_batch_counters_move (CbBatchCounters   *counters,
                        CbRecipientStatus  from,
                        CbRecipientStatus  to)
{
  guint *from_counter;
  guint *to_counter;

  g_return_if_fail (counters != NULL);

  from_counter = counter_for_status (counters, from);
  to_counter = counter_for_status (counters, to);

  g_return_if_fail (from_counter != NULL && to_counter != NULL);
  g_return_if_fail (*from_counter > 0);

  if (from == to)
    return;

  (*from_counter)--;
  (*to_counter)++;
}

void
cb_batch_counters_add_sent (CbBatchCounters *counters)
{
  g_return_if_fail (counters != NULL);

  counters->sent++;
}

void
cb_batch_counters_add_picked_up (CbBatchCounters *counters)
{
  g_return_if_fail (counters != NULL);

  counters->picked_up++;
}

gboolean
cb_batch_counters_are_consistent (const CbBatchCounters *counters)
{
  guint64 sum;

  g_return_val_if_fail (counters != NULL, FALSE);

  sum = (guint64)counters->pending + counters->dialing + counters->completed +
        counters->failed + counters->cancelled;

  return sum == counters->total && counters->picked_up <= counters->sent;
}

gboolean
cb_batch_counters_are_done (const CbBatchCounters *counters)
{
  g_return_val_if_fail (counters != NULL, FALSE);

  return counters->pending == 0 && counters->dialing == 0;
}

double
cb_batch_counters_get_progress (const CbBatchCounters *counters)
{
  g_return_val_if_fail (counters != NULL, 0.0);

  if (counters->total == 0)
    return 0.0;

  return (double)(counters->completed + counters->failed + counters->cancelled) / counters->total;
}
