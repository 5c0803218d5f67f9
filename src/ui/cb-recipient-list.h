/* cb-recipient-list.h — a batch's recipients as a GListModel read from the store a page
 * at a time, so that a table of 100,000 rows only holds what it shows
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-store-catalog.h"

G_BEGIN_DECLS

#define CB_TYPE_RECIPIENT_LIST (cb_recipient_list_get_type ())

G_DECLARE_FINAL_TYPE (CbRecipientList, cb_recipient_list, CB, RECIPIENT_LIST, GObject)

CbRecipientList *cb_recipient_list_new        (CbStore          *store,
                                               const char       *batch_id);
const char      *cb_recipient_list_get_batch_id (CbRecipientList *self);
/* Changes what is listed; every item changes. @status: a CbRecipientStatus or -1. */
void             cb_recipient_list_set_query  (CbRecipientList  *self,
                                               int               status,
                                               const char       *search,
                                               CbRecipientSort   sort,
                                               gboolean          descending);
/* Some recipients changed in the store: re-reads the pages that hold them (or everything
 * when the filter or the order depends on what changed). */
void             cb_recipient_list_refresh    (CbRecipientList  *self,
                                               const char * const *recipient_ids);
/* How many pages of recipients are held in memory. */
guint            cb_recipient_list_get_n_cached_pages (CbRecipientList *self);

G_END_DECLS
