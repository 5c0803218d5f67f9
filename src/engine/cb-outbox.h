/* cb-outbox.h — outgoing conversation.completed events, durable and retried (SPEC §6)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-engine.h"
#include "cb-store.h"

G_BEGIN_DECLS

#define CB_OUTBOX_EVENT_CONVERSATION_COMPLETED "conversation.completed"
/* The first retry comes after this long, each next one after twice as long, up to
 * CB_OUTBOX_MAX_DELAY_S; an event not accepted CB_OUTBOX_MAX_AGE_S after it was made
 * is given up (its row keeps the last error). All three are multiplied by the speed. */
#define CB_OUTBOX_FIRST_DELAY_S  10
#define CB_OUTBOX_MAX_DELAY_S    3600
#define CB_OUTBOX_MAX_AGE_S      (24 * 3600)
/* How long a finished call waits for its analysis (call_analyzed comes after
 * call_ended) before its event goes without it. Multiplied by the speed. */
#define CB_OUTBOX_ANALYSIS_WAIT_S 30
/* Requests in flight at once, and how long each may take. */
#define CB_OUTBOX_MAX_IN_FLIGHT  8
#define CB_OUTBOX_TIMEOUT_S      10

#define CB_TYPE_OUTBOX (cb_outbox_get_type ())

G_DECLARE_FINAL_TYPE (CbOutbox, cb_outbox, CB, OUTBOX, GObject)

/*
 * For each recipient that finished (completed or failed) in a batch whose agent has a
 * webhook_url, one event per attempt count is written to the outbox table, then POSTed
 * to that URL with `Callboard-Signature: t=UNIX_SECONDS,v0=HEX` (HMAC-SHA256 of
 * "<t>.<raw body>" with the agent's secret, cb_secrets_ensure (store URI,
 * "agent-webhook:AGENT_ID")). A 2xx marks it delivered at once; anything else is
 * retried with exponential backoff. The outbox table survives restarts: start resumes
 * what is pending and sweeps for finished recipients that have no event yet.
 *
 * Event ids are "evt_" + the recipient id's hex part + "_" + its attempt count, so a
 * repeated sweep never writes the same event twice. Times follow cb_clock_get_now_utc().
 */
CbOutbox *cb_outbox_new     (CbStore             *store);
/* Delays (backoff, deadline, analysis wait) are multiplied by @speed (tests: 0.001). */
void      cb_outbox_set_speed (CbOutbox          *self,
                               double             speed);
double    cb_outbox_get_speed (CbOutbox          *self);
/* Sweeps every recipient, then delivers what is due. */
void      cb_outbox_start   (CbOutbox            *self);
/* Cancels the requests in flight (their events stay pending) and stops the timers. */
void      cb_outbox_stop    (CbOutbox            *self);
/* Sweeps the recipients an engine reports on its "recipients-changed" signal, for as
 * long as both live. Does not start the outbox. */
void      cb_outbox_attach  (CbOutbox            *self,
                             CbEngine            *engine);
/* Writes the events of the finished recipients among @recipient_ids (NULL: every
 * recipient that ended within CB_OUTBOX_MAX_AGE_S) that have none yet. Returns how many
 * were written, or -1. */
int       cb_outbox_sweep   (CbOutbox            *self,
                             const char * const  *recipient_ids,
                             GError             **error);

G_END_DECLS
