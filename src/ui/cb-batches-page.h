/* cb-batches-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-batch-detail.h"
#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_BATCHES_PAGE (cb_batches_page_get_type ())

G_DECLARE_FINAL_TYPE (CbBatchesPage, cb_batches_page, CB, BATCHES_PAGE, CbPage)

/* Shows a batch's detail instead of the list; FALSE with @error when it cannot be read. */
gboolean       cb_batches_page_open_batch (CbBatchesPage  *self,
                                           const char     *batch_id,
                                           GError        **error);
/* The detail shown, or NULL when the list is. */
CbBatchDetail *cb_batches_page_get_detail (CbBatchesPage  *self);
/* The engine changed a batch or some recipients (@recipient_ids NULL: only the batch).
 * Changes are gathered and shown together, at most every CB_BATCHES_PAGE_UPDATE_INTERVAL_MS:
 * the batch read once, its row and its detail (when shown) updated from it.
 *
 * Signals:
 *   "batch-finished" (CbBatch *batch): a batch the page showed unfinished has completed. */
void           cb_batches_page_batch_changed (CbBatchesPage      *self,
                                              const char         *batch_id,
                                              const char * const *recipient_ids);
/* Shows the changes gathered so far now; TRUE if there were any. */
gboolean       cb_batches_page_flush_changes (CbBatchesPage      *self);

#define CB_BATCHES_PAGE_UPDATE_INTERVAL_MS 250

G_END_DECLS
