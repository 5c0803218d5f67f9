/* cb-dialer.h — places the calls of running batches
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-provider.h"
#include "cb-store-dialer.h"
#include "cb-webhook-receiver.h"

G_BEGIN_DECLS

#define CB_DIALER_DEFAULT_ACCOUNT_LIMIT   200
#define CB_DIALER_DEFAULT_POLL_TIMEOUT_MS (15 * 60 * 1000)

/* A provider account as the dialer sees it. */
typedef struct
{
  CbProvider *provider;
  char       *kind;         /* "sim", "retell", … */
  char       *name;         /* for messages */
  char       *base_url;     /* where the provider answers */
  char       *api_key;      /* for the simulator's call lookup */
} CbDialerAccount;

/* The account behind @account_id, or NULL (borrowed: owned by the caller of
 * cb_dialer_new(), valid while the dialer lives). */
typedef CbDialerAccount *(*CbDialerAccountLookup) (const char *account_id,
                                                   gpointer    user_data);

#define CB_TYPE_DIALER (cb_dialer_get_type ())

G_DECLARE_FINAL_TYPE (CbDialer, cb_dialer, CB, DIALER, GObject)

/* Signals:
 *   "batch-changed" (const char *batch_id): counters or status moved;
 *   "recipient-changed" (const char *batch_id, const char *recipient_id). */
CbDialer   *cb_dialer_new                 (CbStore               *store,
                                           CbWebhookReceiver     *receiver,
                                           CbDialerAccountLookup  lookup,
                                           gpointer               user_data);
/* Looks at the database again: running batches, attempts left open by a previous run
 * (polled, looked up at the simulator, or failed as engine_interrupted). */
void        cb_dialer_start               (CbDialer              *self);
/* No new calls; calls in flight are left to their webhooks. */
void        cb_dialer_stop                (CbDialer              *self);
/* Something changed (a batch started or resumed, time moved): look again soon. */
void        cb_dialer_kick                (CbDialer              *self);
void        cb_dialer_set_account_limit   (CbDialer              *self,
                                           guint                  limit);
/* How long a call may go without a final event before it is polled (real ms). */
void        cb_dialer_set_poll_timeout    (CbDialer              *self,
                                           guint                  timeout_ms);
/* When a batch waits for its calling window: the time (UTC) it opens, else NULL. */
GDateTime  *cb_dialer_dup_next_window_at  (CbDialer              *self,
                                           const char            *batch_id);
/* Requests to the provider in progress. */
guint       cb_dialer_get_n_requests      (CbDialer              *self);

G_END_DECLS
