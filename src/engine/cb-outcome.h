/* cb-outcome.h — what a provider's disconnection reason means for us
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether a failed attempt is tried again, SPEC §3 "Retries". */
typedef enum
{
  CB_RETRY_NEVER,        /* final: connected calls, invalid destination, declined, … */
  CB_RETRY_AFTER_DELAY,  /* busy, no answer, voicemail, provider errors: after retry_delay_s */
  CB_RETRY_BACKOFF,      /* network and capacity errors: exponential backoff */
} CbRetryClass;

/* Our outcome strings, as stored on a recipient and shown in reports. */
#define CB_OUTCOME_ANSWERED             "answered"
#define CB_OUTCOME_NO_ANSWER            "no_answer"
#define CB_OUTCOME_BUSY                 "busy"
#define CB_OUTCOME_VOICEMAIL            "voicemail"
#define CB_OUTCOME_FAILED               "failed"
#define CB_OUTCOME_INVALID_DESTINATION  "invalid_destination"
#define CB_OUTCOME_DECLINED             "declined"
#define CB_OUTCOME_BLOCKED              "blocked"
#define CB_OUTCOME_STOPPED              "stopped"
#define CB_OUTCOME_PROVIDER_ERROR       "provider_error"
#define CB_OUTCOME_RATE_LIMITED         "rate_limited"
#define CB_OUTCOME_NETWORK_ERROR        "network_error"
#define CB_OUTCOME_INVALID_REQUEST      "invalid_request"

typedef struct
{
  const char   *reason;       /* the provider's disconnection reason, NULL for a default */
  const char   *outcome;      /* CB_OUTCOME_… */
  CbRetryClass  retry_class;
  gboolean      connected;    /* the callee (or their voicemail) picked up */
} CbOutcomeInfo;

/* The meaning of a Retell `disconnection_reason`. Never NULL: a reason that is not in the
 * table (or NULL) gets a default: CB_OUTCOME_ANSWERED when @connected (the call did
 * start), CB_OUTCOME_PROVIDER_ERROR for reasons beginning with "error_", else
 * CB_OUTCOME_FAILED; the last two retried after a delay. */
const CbOutcomeInfo *cb_outcome_lookup          (const char    *disconnection_reason,
                                                 gboolean       connected);
/* The whole table, for documentation and tests; *n_entries receives its length. */
const CbOutcomeInfo *cb_outcome_get_table       (guint         *n_entries);
/* The outcome of an attempt whose place_call failed with @error (a CB_PROVIDER_ERROR,
 * or any other error, taken as a network failure); @retry_class receives its class. */
const char          *cb_outcome_for_error       (const GError  *error,
                                                 CbRetryClass  *retry_class);
/* "never", "after_delay", "backoff" */
const char          *cb_retry_class_to_string   (CbRetryClass   retry_class);

G_END_DECLS
