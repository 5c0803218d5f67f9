/* cb-window.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_WINDOW (cb_window_get_type ())

G_DECLARE_FINAL_TYPE (CbWindow, cb_window, CB, WINDOW, AdwApplicationWindow)

CbWindow *cb_window_new       (GtkApplication *application,
                               CbStore        *store);
CbStore  *cb_window_get_store (CbWindow       *self);
/* Reads every page from the store again. */
void      cb_window_reload    (CbWindow       *self);
/* Shows the page named "batches", "agents", "phone-numbers" or "suppressions" (and, when
 * the window is narrow, goes from the sidebar to it). */
void      cb_window_show_page (CbWindow       *self,
                               const char     *name);

G_END_DECLS
