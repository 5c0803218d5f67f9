/* cb-page.h — a page of the dashboard, showing what the store holds
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_PAGE (cb_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (CbPage, cb_page, CB, PAGE, GtkWidget)

struct _CbPageClass
{
  GtkWidgetClass parent_class;

  /* Reads the page's records from @store again and shows them. */
  gboolean (*reload) (CbPage   *self,
                      CbStore  *store,
                      GError  **error);
};

CbStore  *cb_page_get_store (CbPage   *self);
void      cb_page_set_store (CbPage   *self,
                             CbStore  *store);
/* Reloads from the store; on failure the page shows the error and it is returned. */
gboolean  cb_page_reload    (CbPage   *self,
                             GError  **error);

/* For subclasses: shows @model's items in @list_box (rows made by @create_row) and the
 * stack child named "list", or "empty" when @model has none. */
void      cb_page_show_model (CbPage                     *self,
                              GtkStack                   *stack,
                              GtkListBox                 *list_box,
                              GListModel                 *model,
                              GtkListBoxCreateWidgetFunc  create_row);
/* For subclasses: shows @error in @error_status, the stack child named "error". */
void      cb_page_show_error (CbPage                     *self,
                              GtkStack                   *stack,
                              AdwStatusPage              *error_status,
                              const GError               *error);

G_END_DECLS
