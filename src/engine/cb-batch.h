/* cb-batch.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cb-lifecycle.h"

G_BEGIN_DECLS

#define CB_TYPE_BATCH (cb_batch_get_type ())

G_DECLARE_FINAL_TYPE (CbBatch, cb_batch, CB, BATCH, GObject)

/* Properties: "id" (batch_…), "name", "agent-id", "phone-number-id", "status"
 * (CbBatchStatus as int), "scheduled-at" (GDateTime or NULL), "timezone", "max-retries",
 * "retry-delay-s", "concurrency", "call-window" (JSON text or NULL), "default-region",
 * "pause-reason", "error", "created-at", "updated-at", "started-at", "finished-at",
 * and one read-only guint property per counter: "total", "pending", "dialing",
 * "completed", "failed", "cancelled", "picked-up", "sent". */
const char            *cb_batch_get_id              (CbBatch *self);
const char            *cb_batch_get_name            (CbBatch *self);
const char            *cb_batch_get_agent_id        (CbBatch *self);
const char            *cb_batch_get_phone_number_id (CbBatch *self);
CbBatchStatus          cb_batch_get_status          (CbBatch *self);
GDateTime             *cb_batch_get_scheduled_at    (CbBatch *self);
const char            *cb_batch_get_timezone        (CbBatch *self);
guint                  cb_batch_get_max_retries     (CbBatch *self);
guint                  cb_batch_get_retry_delay_s   (CbBatch *self);
guint                  cb_batch_get_concurrency     (CbBatch *self);
const char            *cb_batch_get_call_window     (CbBatch *self);
const char            *cb_batch_get_default_region  (CbBatch *self);
const char            *cb_batch_get_pause_reason    (CbBatch *self);
const char            *cb_batch_get_error           (CbBatch *self);
GDateTime             *cb_batch_get_created_at      (CbBatch *self);
GDateTime             *cb_batch_get_updated_at      (CbBatch *self);
GDateTime             *cb_batch_get_started_at      (CbBatch *self);
GDateTime             *cb_batch_get_finished_at     (CbBatch *self);
const CbBatchCounters *cb_batch_get_counters        (CbBatch *self);

G_END_DECLS
