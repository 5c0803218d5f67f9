/* cb-suppressions-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-import.h"
#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_SUPPRESSIONS_PAGE (cb_suppressions_page_get_type ())

G_DECLARE_FINAL_TYPE (CbSuppressionsPage, cb_suppressions_page, CB, SUPPRESSIONS_PAGE, CbPage)

/* Reads the phone column of a CSV/XLSX/XLS file with the engine's importer, off the main
 * loop, and puts every valid number on the list; then says how many were added and which
 * rows were invalid. */
void      cb_suppressions_page_import_file    (CbSuppressionsPage *self,
                                               GFile              *file);
gboolean  cb_suppressions_page_is_busy        (CbSuppressionsPage *self);
/* "Added 3 numbers to the do-not-call list; 1 was already on it." then, one line per
 * reason, "Not a valid phone number: rows 3, 7". */
char     *cb_suppressions_import_summary      (guint               added,
                                               guint               already_listed,
                                               CbImportReport     *report);

G_END_DECLS
