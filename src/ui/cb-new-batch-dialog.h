/* cb-new-batch-dialog.h — the New batch form
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-engine.h"
#include "cb-new-batch-rules.h"

G_BEGIN_DECLS

#define CB_TYPE_NEW_BATCH_DIALOG (cb_new_batch_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CbNewBatchDialog, cb_new_batch_dialog, CB, NEW_BATCH_DIALOG, AdwWindow)

GtkWidget *cb_new_batch_dialog_new        (GtkWindow        *parent,
                                           CbStore          *store,
                                           CbEngine         *engine);
/* Reads and checks @file in a thread, as Upload file and a drop do. */
void       cb_new_batch_dialog_load_file  (CbNewBatchDialog *self,
                                           GFile            *file);
/* The form as the rules see it (the strings belong to the dialog). */
void       cb_new_batch_dialog_get_state  (CbNewBatchDialog *self,
                                           CbNewBatchState  *state);
gboolean   cb_new_batch_dialog_is_busy    (CbNewBatchDialog *self);

G_END_DECLS
