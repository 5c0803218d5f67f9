/* cb-outcome.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-outcome"

#include "config.h"

#include "cb-outcome.h"

#include "cb-provider.h"

#include <string.h>

#define ANSWERED(r)   { r, CB_OUTCOME_ANSWERED, CB_RETRY_NEVER, TRUE }
#define PROVIDER(r)   { r, CB_OUTCOME_PROVIDER_ERROR, CB_RETRY_AFTER_DELAY, FALSE }
#define CAPACITY(r)   { r, CB_OUTCOME_PROVIDER_ERROR, CB_RETRY_BACKOFF, FALSE }

/* Every Retell disconnection reason (retell-sdk's call object), SPEC §3: busy, no answer,
 * voicemail and provider errors are retried; capacity and carrier outages with backoff;
 * invalid destinations, declined and connected calls never. */
static const CbOutcomeInfo outcome_table[] = {
  /* The call connected and ended normally. */
  ANSWERED ("user_hangup"),
  ANSWERED ("agent_hangup"),
  ANSWERED ("call_transfer"),
  ANSWERED ("transfer_bridged"),
  ANSWERED ("transfer_cancelled"),
  ANSWERED ("inactivity"),
  ANSWERED ("max_duration_reached"),
  ANSWERED ("call_take_over"),

  /* A machine picked up. */
  { "voicemail_reached", CB_OUTCOME_VOICEMAIL, CB_RETRY_AFTER_DELAY, TRUE },
  { "machine_detected", CB_OUTCOME_VOICEMAIL, CB_RETRY_AFTER_DELAY, TRUE },
  { "ivr_reached", CB_OUTCOME_VOICEMAIL, CB_RETRY_AFTER_DELAY, TRUE },

  /* The call did not connect. */
  { "dial_busy", CB_OUTCOME_BUSY, CB_RETRY_AFTER_DELAY, FALSE },
  { "dial_no_answer", CB_OUTCOME_NO_ANSWER, CB_RETRY_AFTER_DELAY, FALSE },
  { "dial_failed", CB_OUTCOME_FAILED, CB_RETRY_AFTER_DELAY, FALSE },
  { "invalid_destination", CB_OUTCOME_INVALID_DESTINATION, CB_RETRY_NEVER, FALSE },
  { "user_declined", CB_OUTCOME_DECLINED, CB_RETRY_NEVER, FALSE },
  { "marked_as_spam", CB_OUTCOME_BLOCKED, CB_RETRY_NEVER, FALSE },
  { "scam_detected", CB_OUTCOME_BLOCKED, CB_RETRY_NEVER, FALSE },
  { "manual_stopped", CB_OUTCOME_STOPPED, CB_RETRY_NEVER, FALSE },

  /* The provider could not place or keep the call. */
  CAPACITY ("concurrency_limit_reached"),
  CAPACITY ("no_concurrency_fallback"),
  CAPACITY ("telephony_provider_unavailable"),
  CAPACITY ("sip_routing_error"),
  PROVIDER ("no_valid_payment"),
  PROVIDER ("telephony_provider_permission_denied"),
  PROVIDER ("registered_call_timeout"),
  PROVIDER ("error_inbound_webhook"),
  PROVIDER ("error_llm_websocket_open"),
  PROVIDER ("error_llm_websocket_lost_connection"),
  PROVIDER ("error_llm_websocket_runtime"),
  PROVIDER ("error_llm_websocket_corrupt_payload"),
  PROVIDER ("error_no_audio_received"),
  PROVIDER ("error_asr"),
  PROVIDER ("error_retell"),
  PROVIDER ("error_unknown"),
  PROVIDER ("error_user_not_joined"),
};

static const CbOutcomeInfo default_connected = { NULL, CB_OUTCOME_ANSWERED, CB_RETRY_NEVER, TRUE };
static const CbOutcomeInfo default_error = { NULL, CB_OUTCOME_PROVIDER_ERROR, CB_RETRY_AFTER_DELAY, FALSE };
static const CbOutcomeInfo default_failed = { NULL, CB_OUTCOME_FAILED, CB_RETRY_AFTER_DELAY, FALSE };

const CbOutcomeInfo *
cb_outcome_lookup (const char *disconnection_reason,
                   gboolean    connected)
{
  if (disconnection_reason != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (outcome_table); i++)
        {
          if (strcmp (outcome_table[i].reason, disconnection_reason) == 0)
            return &outcome_table[i];
        }
    }

  if (connected)
    return &default_connected;
  if (disconnection_reason != NULL && g_str_has_prefix (disconnection_reason, "error_"))
    return &default_error;
  return &default_failed;
}

const CbOutcomeInfo *
cb_outcome_get_table (guint *n_entries)
{
  g_return_val_if_fail (n_entries != NULL, NULL);

  *n_entries = G_N_ELEMENTS (outcome_table);
  return outcome_table;
}

const char *
cb_outcome_for_error (const GError *error,
                      CbRetryClass *retry_class)
{
  CbRetryClass klass = CB_RETRY_BACKOFF;
  const char *outcome = CB_OUTCOME_NETWORK_ERROR;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == CB_PROVIDER_ERROR)
    {
      switch ((CbProviderError) error->code)
        {
        case CB_PROVIDER_ERROR_RATE_LIMITED:
          outcome = CB_OUTCOME_RATE_LIMITED;
          klass = CB_RETRY_BACKOFF;
          break;

        case CB_PROVIDER_ERROR_UNAUTHORIZED:
          outcome = CB_OUTCOME_PROVIDER_ERROR;
          klass = CB_RETRY_AFTER_DELAY;
          break;

        case CB_PROVIDER_ERROR_BAD_REQUEST:
        case CB_PROVIDER_ERROR_NOT_FOUND:
          outcome = CB_OUTCOME_INVALID_REQUEST;
          klass = CB_RETRY_NEVER;
          break;

        case CB_PROVIDER_ERROR_SERVER:
        case CB_PROVIDER_ERROR_INVALID_RESPONSE:
          outcome = CB_OUTCOME_PROVIDER_ERROR;
          klass = CB_RETRY_BACKOFF;
          break;

        case CB_PROVIDER_ERROR_NETWORK:
        case CB_PROVIDER_ERROR_TIMEOUT:
          outcome = CB_OUTCOME_NETWORK_ERROR;
          klass = CB_RETRY_BACKOFF;
          break;

        case CB_PROVIDER_ERROR_INVALID_EVENT:
        case CB_PROVIDER_ERROR_IGNORED_EVENT:
        default:
          outcome = CB_OUTCOME_PROVIDER_ERROR;
          klass = CB_RETRY_AFTER_DELAY;
          break;
        }
    }

  if (retry_class != NULL)
    *retry_class = klass;

  return outcome;
}

const char *
cb_retry_class_to_string (CbRetryClass retry_class)
{
  switch (retry_class)
    {
    case CB_RETRY_NEVER:
      return "never";
    case CB_RETRY_AFTER_DELAY:
      return "after_delay";
    case CB_RETRY_BACKOFF:
      return "backoff";
    default:
      g_return_val_if_reached (NULL);
    }
}
