/* cb-application.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cb-engine.h"
#include "cb-settings.h"
#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_APPLICATION (cb_application_get_type ())

G_DECLARE_FINAL_TYPE (CbApplication, cb_application, CB, APPLICATION, AdwApplication)

CbApplication *cb_application_new              (void);
/* The open store, or NULL before it is opened or when opening failed. */
CbStore       *cb_application_get_store        (CbApplication *self);
/* The engine running in-process, or NULL when it could not start. */
CbEngine      *cb_application_get_engine       (CbApplication *self);
/* The release notes of @version's entry in the metainfo XML @metainfo, as the
 * AppStream description markup AdwAboutWindow takes; the newest release when @version
 * is NULL (then *@version_out receives its version). NULL when there is none. */
/* Keeps @store's defaults for batches made through the REST API without their own
 * (default_max_retries, default_concurrency, default_call_window) in step with
 * @settings: now, and on every change until @store is finalized. A calling window
 * that is off, or whose hours make none, removes default_call_window. */
void           cb_application_bind_batch_defaults (CbSettings *settings,
                                                   CbStore    *store);
/* Picks GTK's cairo renderer where OpenGL is software; before any window is realized. */
void           cb_application_choose_renderer (void);
char          *cb_application_dup_release_notes (const char    *metainfo,
                                                 const char    *version,
                                                 char         **version_out);

G_END_DECLS
