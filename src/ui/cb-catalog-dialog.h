/* cb-catalog-dialog.h — adding or editing an agent, a caller ID or a blocked number
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-store.h"

G_BEGIN_DECLS

typedef enum
{
  CB_CATALOG_KIND_AGENT,
  CB_CATALOG_KIND_PHONE_NUMBER,
  CB_CATALOG_KIND_SUPPRESSION,
} CbCatalogKind;

#define CB_TYPE_CATALOG_DIALOG (cb_catalog_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CbCatalogDialog, cb_catalog_dialog, CB, CATALOG_DIALOG, AdwWindow)

/* A form for a new record of @kind (@id NULL) or for editing the record @id (agents and
 * caller IDs), owned by GTK like any window until it closes. NULL with @error when @id
 * cannot be read from @store. */
CbCatalogDialog *cb_catalog_dialog_new  (GtkWindow        *parent,
                                         CbStore          *store,
                                         CbCatalogKind     kind,
                                         const char       *id,
                                         GError          **error);
/* Saves the form to the store. On success emits ::saved (with the record's id, or the
 * number as typed for the do-not-call list) and closes; on failure shows the store's message
 * in the dialog, keeps it open and returns FALSE with @error. */
gboolean         cb_catalog_dialog_save (CbCatalogDialog  *self,
                                         GError          **error);

G_END_DECLS
