/* cb-store-dialer.h — the dialer's and the webhook receiver's statements
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-call-event.h"
#include "cb-store-private.h"

G_BEGIN_DECLS

/* The outcome of an attempt placed by the engine that never reached a final event:
 * the engine stopped while the request was on its way and the provider cannot tell
 * whether the call was placed. Final (the user may retry the batch's failed rows). */
#define CB_OUTCOME_ENGINE_INTERRUPTED "engine_interrupted"
/* A recipient found on the do-not-call list right before its dial. */
#define CB_OUTCOME_SUPPRESSED         "suppressed"

/* What the dialer needs to place a batch's calls. */
typedef struct
{
  char          *batch_id;
  CbBatchStatus  status;
  char          *agent_id;
  char          *provider_agent_id;
  char          *account_id;       /* NULL when the agent is gone */
  char          *from_number;      /* NULL when no caller ID is left */
  char          *timezone;
  char          *call_window;      /* JSON text or NULL */
  guint          concurrency;
  guint          max_retries;
  guint          retry_delay_s;
  gint64         scheduled_at_ms;  /* 0 when not scheduled */
} CbDialBatchInfo;

void              cb_dial_batch_info_free        (CbDialBatchInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbDialBatchInfo, cb_dial_batch_info_free)

/* One recipient claimed for a dial: its row is `dialing` and its attempt row exists,
 * both committed. */
typedef struct
{
  char  *batch_id;
  char  *recipient_id;
  char  *attempt_id;
  char  *phone;
  char  *dynamic_vars;  /* JSON object text */
  guint  attempt_number;
} CbDialClaim;

void              cb_dial_claim_free             (CbDialClaim *claim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbDialClaim, cb_dial_claim_free)

/* Called for each candidate of a claim with its E.164 number: 0 to dial it now, else
 * the time (ms) its calling window opens, -1 if it never does. */
typedef gint64 (*CbDialWindowFunc) (const char *phone,
                                    gpointer    user_data);

/* What an applied outcome did, for live updates. */
typedef struct
{
  char              *batch_id;
  char              *recipient_id;
  char              *attempt_id;
  gboolean           duplicate;          /* the inbox already held this event */
  gboolean           finalized;          /* this event settled the attempt */
  CbRecipientStatus  recipient_status;   /* after the change */
  gboolean           batch_completed;    /* the batch completed with this change */
} CbDialApplied;

void              cb_dial_applied_clear          (CbDialApplied *applied);

/* An attempt that has no outcome yet (a call in flight, or one interrupted). */
typedef struct
{
  char   *attempt_id;
  char   *recipient_id;
  char   *batch_id;
  char   *provider_call_id;  /* NULL when the engine never learnt it */
  char   *account_id;
  gint64  started_at_ms;
} CbDialOpenAttempt;

void              cb_dial_open_attempt_free      (CbDialOpenAttempt *attempt);

CbDialBatchInfo  *cb_store_dialer_get_batch_info (CbStore          *store,
                                                  const char       *batch_id,
                                                  GError          **error);
/* Ids of batches in @status, oldest first; with @due_before_ms > 0 only those whose
 * scheduled_at is at or before it. */
GStrv             cb_store_dialer_list_batches   (CbStore          *store,
                                                  CbBatchStatus     status,
                                                  gint64            due_before_ms,
                                                  GError          **error);
/* The earliest scheduled_at of a scheduled batch, or 0. */
gint64            cb_store_dialer_next_scheduled (CbStore          *store,
                                                  GError          **error);

/* Claims up to @max pending recipients of @batch_id whose next_attempt_at is due at
 * @now_ms, in row order, in one transaction: each becomes `dialing` with a new attempt
 * row. Suppressed numbers are failed with outcome "suppressed" instead; numbers whose
 * window is closed (@window_func) get next_attempt_at = the time it opens.
 * *@next_due_ms receives the earliest next_attempt_at still pending in the future
 * (0 when none). Returns a GPtrArray of CbDialClaim. */
GPtrArray        *cb_store_dialer_claim          (CbStore          *store,
                                                  const char       *batch_id,
                                                  guint             max,
                                                  gint64            now_ms,
                                                  CbDialWindowFunc  window_func,
                                                  gpointer          window_data,
                                                  guint            *n_suppressed,
                                                  gint64           *next_due_ms,
                                                  GError          **error);
/* The earliest next_attempt_at among the batch's pending recipients (0: none pending,
 * and one that is due now or NULL gives @now_ms). */
gint64            cb_store_dialer_next_due       (CbStore          *store,
                                                  const char       *batch_id,
                                                  gint64            now_ms,
                                                  GError          **error);

/* The provider accepted the call: records its id on the attempt and the recipient and
 * counts it as sent. */
gboolean          cb_store_dialer_record_call    (CbStore          *store,
                                                  const CbDialClaim *claim,
                                                  const char       *provider_call_id,
                                                  guint             http_status,
                                                  gint64            now_ms,
                                                  GError          **error);
/* A call placed for @claim: the provider's id for it. */
typedef struct
{
  CbDialClaim *claim;
  char        *provider_call_id;
} CbDialPlaced;

/* cb_store_dialer_record_call() for @n_placed calls, in one transaction. */
gboolean          cb_store_dialer_record_calls   (CbStore          *store,
                                                  const CbDialPlaced *placed,
                                                  guint             n_placed,
                                                  guint             http_status,
                                                  gint64            now_ms,
                                                  GError          **error);
/* The request was refused before any call was placed (429, or the key was refused):
 * the attempt is closed with @outcome and @error_text, and the recipient goes back to
 * `pending` at @next_attempt_ms without using one of its retries. */
gboolean          cb_store_dialer_release        (CbStore          *store,
                                                  const CbDialClaim *claim,
                                                  guint             http_status,
                                                  const char       *outcome,
                                                  const char       *error_text,
                                                  gint64            next_attempt_ms,
                                                  gint64            now_ms,
                                                  GError          **error);
/* place_call failed: the attempt ends with @outcome (retried by @retry_class). */
gboolean          cb_store_dialer_fail_attempt   (CbStore          *store,
                                                  const char       *attempt_id,
                                                  guint             http_status,
                                                  const char       *outcome,
                                                  CbRetryClass      retry_class,
                                                  const char       *error_text,
                                                  gint64            now_ms,
                                                  CbDialApplied    *applied,
                                                  GError          **error);

/* Stores @event (from a webhook or a poll) under @event_key in the inbox unless it is
 * there already, and applies it to its attempt, recipient and batch counters, all in one
 * transaction. A repeated key is acknowledged with applied->duplicate and changes
 * nothing. An ENDED or ANALYZED event settles the attempt the first time (whichever comes
 * first); later ones only add what they carry (transcript, analysis, duration).
 * An event for no known attempt is kept in the inbox, unapplied. */
gboolean          cb_store_dialer_apply_event    (CbStore          *store,
                                                  const char       *provider,
                                                  const char       *event_key,
                                                  GBytes           *body,
                                                  const CbCallEvent *event,
                                                  gint64            now_ms,
                                                  CbDialApplied    *applied,
                                                  GError          **error);
/* The same inside a transaction the caller opened (cb_store_begin()), so several events
 * share one commit; on failure the caller rolls back. */
gboolean          cb_store_dialer_apply_event_locked (CbStore      *store,
                                                  const char       *provider,
                                                  const char       *event_key,
                                                  GBytes           *body,
                                                  const CbCallEvent *event,
                                                  gint64            now_ms,
                                                  CbDialApplied    *applied,
                                                  GError          **error);
/* One event of a group given to cb_store_dialer_apply_events_locked(). */
typedef struct
{
  const char        *provider;
  const char        *event_key;
  GBytes            *body;
  const CbCallEvent *event;
} CbDialEvent;

/* cb_store_dialer_apply_event_locked() for each of @n_events events in turn, with the
 * same outcome, but with a few statements for the whole group instead of several per
 * event. @applied: @n_events results. */
gboolean          cb_store_dialer_apply_events_locked (CbStore      *store,
                                                  const CbDialEvent *events,
                                                  guint             n_events,
                                                  gint64            now_ms,
                                                  CbDialApplied    *applied,
                                                  GError          **error);
/* "call_ended:CALL_ID" … the inbox key of an event. */
char             *cb_store_dialer_event_key      (const CbCallEvent *event);

/* Attempts without an outcome whose recipient is `dialing`; with @started_before_ms > 0,
 * only those started before it and with a provider call id. GPtrArray of
 * CbDialOpenAttempt. */
GPtrArray        *cb_store_dialer_list_open      (CbStore          *store,
                                                  gint64            started_before_ms,
                                                  GError          **error);

/* Batch operations, checked against the lifecycle (CB_STORE_ERROR_CONFLICT). */
gboolean          cb_store_dialer_set_status     (CbStore          *store,
                                                  const char       *batch_id,
                                                  CbBatchStatus     to,
                                                  const char       *reason,
                                                  gint64            now_ms,
                                                  GError          **error);
gboolean          cb_store_dialer_set_scheduled  (CbStore          *store,
                                                  const char       *batch_id,
                                                  gint64            scheduled_at_ms,
                                                  gint64            now_ms,
                                                  GError          **error);
/* Cancels a batch and its pending recipients. */
gboolean          cb_store_dialer_cancel         (CbStore          *store,
                                                  const char       *batch_id,
                                                  gint64            now_ms,
                                                  GError          **error);
/* Failed recipients back to `pending` (due now, attempts counted afresh); the batch back
 * to `pending`. Returns how many, or -1. */
int               cb_store_dialer_retry_failed   (CbStore          *store,
                                                  const char       *batch_id,
                                                  gint64            now_ms,
                                                  GError          **error);
/* Completes a running batch that has nothing pending or dialing. */
gboolean          cb_store_dialer_complete_if_done (CbStore        *store,
                                                  const char       *batch_id,
                                                  gint64            now_ms,
                                                  gboolean         *completed,
                                                  GError          **error);

G_END_DECLS
