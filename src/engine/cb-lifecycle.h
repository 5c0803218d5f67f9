/* cb-lifecycle.h — batch and recipient lifecycles as pure functions (SPEC §3)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-types.h"

G_BEGIN_DECLS

#define CB_LIFECYCLE_ERROR (cb_lifecycle_error_quark ())

typedef enum
{
  CB_LIFECYCLE_ERROR_REFUSED,   /* the transition is not allowed from this state */
  CB_LIFECYCLE_ERROR_UNKNOWN,   /* an unknown status word */
} CbLifecycleError;

typedef struct
{
  guint total;
  guint pending;
  guint dialing;
  guint completed;
  guint failed;
  guint cancelled;
  guint picked_up;  /* connected calls (a subset of completed) */
  guint sent;       /* attempts placed */
} CbBatchCounters;

GQuark       cb_lifecycle_error_quark          (void);

const char  *cb_batch_status_to_string         (CbBatchStatus      status);
gboolean     cb_batch_status_from_string       (const char        *str,
                                                CbBatchStatus     *status);
const char  *cb_recipient_status_to_string     (CbRecipientStatus  status);
gboolean     cb_recipient_status_from_string   (const char        *str,
                                                CbRecipientStatus *status);

gboolean     cb_batch_status_is_terminal       (CbBatchStatus      status);
gboolean     cb_recipient_status_is_terminal   (CbRecipientStatus  status);

gboolean     cb_batch_can_transition           (CbBatchStatus      from,
                                                CbBatchStatus      to);
/* Like cb_batch_can_transition(), with an error a user can read when refused
 * ("A running batch cannot be cancelled. Pause it first."). */
gboolean     cb_batch_check_transition         (CbBatchStatus      from,
                                                CbBatchStatus      to,
                                                GError           **error);
gboolean     cb_recipient_can_transition       (CbRecipientStatus  from,
                                                CbRecipientStatus  to);
gboolean     cb_recipient_check_transition     (CbRecipientStatus  from,
                                                CbRecipientStatus  to,
                                                GError           **error);

/* Counters */
void         cb_batch_counters_init            (CbBatchCounters   *counters,
                                                guint              total);
/* Moves one recipient between the status counters. */
void         cb_batch_counters_move            (CbBatchCounters   *counters,
                                                CbRecipientStatus  from,
                                                CbRecipientStatus  to);
gboolean     cb_batch_counters_are_consistent  (const CbBatchCounters *counters);
/* TRUE when nothing is pending or dialing (the batch can complete). */
gboolean     cb_batch_counters_are_done        (const CbBatchCounters *counters);
/* The counters that don't follow a status: an attempt placed, a call that connected. */
void         cb_batch_counters_add_sent        (CbBatchCounters   *counters);
void         cb_batch_counters_add_picked_up   (CbBatchCounters   *counters);
/* Fraction of recipients in a terminal status, 0.0 … 1.0. */
double       cb_batch_counters_get_progress    (const CbBatchCounters *counters);

G_END_DECLS
