/* cb-page.h — a page of the dashboard, showing what the store holds
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-catalog-dialog.h"
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

/* What deletes record @id from @store (cb_store_delete_agent() and the like). */
typedef gboolean (*CbPageDeleteFunc) (CbStore     *store,
                                      const char  *id,
                                      GError     **error);

/* Opens the form for a new record of @kind (@id NULL) or for editing @id; the page
 * reloads when it is saved. */
void      cb_page_open_editor    (CbPage            *self,
                                  CbCatalogKind      kind,
                                  const char        *id);
/* Asks "@heading" with @body, then deletes @id with @delete_func and reloads; when the
 * store refuses, says why in a dialog headed @refused_heading. */
void      cb_page_confirm_delete (CbPage            *self,
                                  const char        *id,
                                  const char        *heading,
                                  const char        *body,
                                  const char        *refused_heading,
                                  CbPageDeleteFunc   delete_func);
/* Adds Edit (when @edit_action is not NULL) and Delete buttons to @row, activating
 * @edit_action / @delete_action with @id; their tooltips name @title. */
void      cb_page_add_row_buttons (AdwActionRow     *row,
                                   const char       *id,
                                   const char       *title,
                                   const char       *edit_action,
                                   const char       *delete_action);
/* A toast in the page's window. */
void      cb_page_toast          (CbPage            *self,
                                  const char        *title);

G_END_DECLS
