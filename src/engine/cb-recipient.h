/* cb-recipient.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cb-lifecycle.h"

G_BEGIN_DECLS

#define CB_TYPE_RECIPIENT (cb_recipient_get_type ())

G_DECLARE_FINAL_TYPE (CbRecipient, cb_recipient, CB, RECIPIENT, GObject)

/* Properties: "id" (rcp_…), "batch-id", "row", "phone" (E.164), "raw-phone",
 * "dynamic-vars" (JSON object text), "status" (CbRecipientStatus as int), "attempts",
 * "max-retries" (-1: the batch's), "provider-call-id", "outcome", "disconnection-reason",
 * "duration-ms", "transcript", "analysis" (JSON text), "error", "next-attempt-at",
 * "started-at", "ended-at", "updated-at". */
const char        *cb_recipient_get_id                   (CbRecipient *self);
const char        *cb_recipient_get_batch_id             (CbRecipient *self);
guint              cb_recipient_get_row                  (CbRecipient *self);
const char        *cb_recipient_get_phone                (CbRecipient *self);
const char        *cb_recipient_get_raw_phone            (CbRecipient *self);
const char        *cb_recipient_get_dynamic_vars         (CbRecipient *self);
CbRecipientStatus  cb_recipient_get_status               (CbRecipient *self);
guint              cb_recipient_get_attempts             (CbRecipient *self);
int                cb_recipient_get_max_retries          (CbRecipient *self);
const char        *cb_recipient_get_provider_call_id     (CbRecipient *self);
const char        *cb_recipient_get_outcome              (CbRecipient *self);
const char        *cb_recipient_get_disconnection_reason (CbRecipient *self);
gint64             cb_recipient_get_duration_ms          (CbRecipient *self);
const char        *cb_recipient_get_transcript           (CbRecipient *self);
const char        *cb_recipient_get_analysis             (CbRecipient *self);
const char        *cb_recipient_get_error                (CbRecipient *self);
GDateTime         *cb_recipient_get_next_attempt_at      (CbRecipient *self);
GDateTime         *cb_recipient_get_started_at           (CbRecipient *self);
GDateTime         *cb_recipient_get_ended_at             (CbRecipient *self);

G_END_DECLS
