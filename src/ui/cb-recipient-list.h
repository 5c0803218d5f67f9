/* cb-recipient-list.h — a batch's recipients as a GListModel read from the store a page
 * at a time, so that a table of 100,000 rows only holds what it shows
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-recipient.h"
#include "cb-store-catalog.h"

G_BEGIN_DECLS

#define CB_TYPE_RECIPIENT_ITEM (cb_recipient_item_get_type ())

/* One position of the list: the same object for as long as anything holds it and the query
 * stays, whatever the list reads again, so that a table only redraws what changed. Its
 * "recipient" is replaced (and notified) when the recipient at the position changed in the
 * store, or another one came to it. */
G_DECLARE_FINAL_TYPE (CbRecipientItem, cb_recipient_item, CB, RECIPIENT_ITEM, GObject)

CbRecipient     *cb_recipient_item_get_recipient (CbRecipientItem *self);

#define CB_TYPE_RECIPIENT_LIST (cb_recipient_list_get_type ())

/* A list of CbRecipientItem. */
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
/* Some recipients changed in the store: re-reads the pages that hold them (or, when the
 * filter or the order depends on what changed, the pages whose items are held elsewhere,
 * and the count). Each position keeps its item; only its "recipient" changes. */
void             cb_recipient_list_refresh    (CbRecipientList  *self,
                                               const char * const *recipient_ids);
/* How many pages of recipients are held in memory. */
guint            cb_recipient_list_get_n_cached_pages (CbRecipientList *self);

G_END_DECLS
