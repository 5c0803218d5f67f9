/* cb-batch-row.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-batch.h"

G_BEGIN_DECLS

#define CB_TYPE_BATCH_ROW (cb_batch_row_get_type ())

G_DECLARE_FINAL_TYPE (CbBatchRow, cb_batch_row, CB, BATCH_ROW, GtkListBoxRow)

GtkWidget *cb_batch_row_new       (CbBatch    *batch);
CbBatch   *cb_batch_row_get_batch (CbBatchRow *self);
/* Shows @batch (the same batch, read again). */
void       cb_batch_row_set_batch (CbBatchRow *self,
                                   CbBatch    *batch);

G_END_DECLS
