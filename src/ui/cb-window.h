/* cb-window.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-engine.h"
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
/* The engine that places the calls, or NULL with @problem saying why (shown to the user). */
void      cb_window_set_engine (CbWindow      *self,
                                CbEngine      *engine,
                                const char    *problem);
CbEngine *cb_window_get_engine (CbWindow       *self);
/* Opens a batch's detail on the Batch calls page. */
gboolean  cb_window_open_batch (CbWindow       *self,
                                const char     *batch_id,
                                GError        **error);
void      cb_window_add_toast  (CbWindow       *self,
                                AdwToast       *toast);

G_END_DECLS
