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

/* What deletes record @id from @store (cb_store_delete_agent() and the like). */
typedef gboolean (*CbPageDeleteFunc) (CbStore     *store,
                                      const char  *id,
                                      GError     **error);

/* A page listing one kind of catalog record of the provider accounts (agents, caller IDs).
 * Its template names a GtkStack "stack" (children "list", "empty" and "error"), a GtkLabel
 * "count_label", a GtkListBox "list_box" and an AdwStatusPage "error_status". */
typedef struct
{
  CbCatalogKind                kind;
  /* The page's actions: PREFIX.add, PREFIX.edit and PREFIX.delete (the last two take an id). */
  const char                  *action_prefix;
  GListModel                *(*list)         (CbStore     *store,
                                              GError     **error);
  /* Makes a record's row; its user data is the page. */
  GtkListBoxCreateWidgetFunc   create_row;
  /* "3 Agents" */
  char                      *(*format_count) (guint        n_items);
  /* The text asking to delete record @id, or NULL with @error when it cannot be read. */
  char                      *(*delete_body)  (CbStore     *store,
                                              const char  *id,
                                              GError     **error);
  /* Untranslated (N_()); translated when shown. */
  const char                  *delete_heading;
  const char                  *refused_heading;
  CbPageDeleteFunc             delete_func;
} CbPageCatalog;

struct _CbPageClass
{
  GtkWidgetClass parent_class;

  /* Reads the page's records from @store again and shows them. */
  gboolean (*reload) (CbPage   *self,
                      CbStore  *store,
                      GError  **error);

  /* Set by cb_page_class_set_catalog(). */
  const CbPageCatalog *catalog;
};

/* For a catalog page's class_init: its template, its actions and its reload. @catalog is kept
 * (a static). */
void        cb_page_class_set_catalog (CbPageClass         *klass,
                                       const char          *template_resource,
                                       const CbPageCatalog *catalog);
/* For a catalog page's rows: the name of provider account @account_id as last reloaded, or
 * @account_id itself when there is no such account. */
const char *cb_page_get_account_name  (CbPage              *self,
                                       const char          *account_id);

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
/* GTK 4.8 gives a button with a mnemonic two names over AT-SPI: its raw label and, through
 * the labelled-by relation, its label child ("_New Batch New Batch"). Gives every such
 * button in @widget (itself included) the one name it shows ("New Batch"), and keeps it so
 * when its label changes. Pages do this for their own children when they are made. */
void      cb_page_name_mnemonic_buttons (GtkWidget  *widget);
/* A toast in the page's window. */
void      cb_page_toast          (CbPage            *self,
                                  const char        *title);

G_END_DECLS
