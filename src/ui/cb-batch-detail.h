/* cb-batch-detail.h — one batch: status, counters, a chart, its recipients and actions
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-engine.h"
#include "cb-recipient-list.h"

G_BEGIN_DECLS

#define CB_TYPE_BATCH_DETAIL (cb_batch_detail_get_type ())

G_DECLARE_FINAL_TYPE (CbBatchDetail, cb_batch_detail, CB, BATCH_DETAIL, GtkWidget)

GtkWidget       *cb_batch_detail_new            (void);
/* Shows @batch_id read from @store; @engine (or NULL) runs the actions. FALSE with
 * @error when the batch cannot be read. */
gboolean         cb_batch_detail_show_batch     (CbBatchDetail  *self,
                                                 CbStore        *store,
                                                 CbEngine       *engine,
                                                 const char     *batch_id,
                                                 GError        **error);
const char      *cb_batch_detail_get_batch_id   (CbBatchDetail  *self);
CbBatch         *cb_batch_detail_get_batch      (CbBatchDetail  *self);
CbRecipientList *cb_batch_detail_get_recipients (CbBatchDetail  *self);
/* Re-reads the batch (status, counters), and the recipients named (none when NULL). */
void             cb_batch_detail_refresh        (CbBatchDetail  *self,
                                                 const char * const *recipient_ids);
/* Shows @batch, just read, in place of the batch shown (the same id), and re-reads the
 * recipients named (none when NULL). */
void             cb_batch_detail_update         (CbBatchDetail  *self,
                                                 CbBatch        *batch,
                                                 const char * const *recipient_ids);
/* Writes the batch's report to @file (XLSX or CSV, from its extension) off the main loop,
 * then shows a toast that opens it. FALSE with @error when it cannot start. */
gboolean         cb_batch_detail_export         (CbBatchDetail  *self,
                                                 GFile          *file,
                                                 GError        **error);
gboolean         cb_batch_detail_is_exporting   (CbBatchDetail  *self);
/* Puts the focus in the search entry. */
void             cb_batch_detail_focus_search   (CbBatchDetail  *self);

G_END_DECLS
