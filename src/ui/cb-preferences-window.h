/* cb-preferences-window.h — providers and keys, the API server, numbers and batch defaults
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

#define CB_TYPE_PREFERENCES_WINDOW (cb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CbPreferencesWindow, cb_preferences_window, CB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @engine may be NULL (it did not start). */
CbPreferencesWindow *cb_preferences_window_new         (GtkWindow            *parent,
                                                        CbStore              *store,
                                                        CbEngine             *engine,
                                                        CbSettings           *settings);
/* Keeps @key as provider account @account_id's API key (in the keyring, else the private
 * file) and shows it masked. */
gboolean             cb_preferences_window_set_api_key (CbPreferencesWindow  *self,
                                                        const char           *account_id,
                                                        const char           *key,
                                                        GError              **error);

/* "us, ca;GB" → "US,CA,GB"; "" → "". FALSE naming the first code that is not a region. */
gboolean             cb_preferences_parse_countries    (const char           *text,
                                                        char                **normalized,
                                                        GError              **error);
/* "us" → "US", "" → "" (the locale's). FALSE when it is not a region. */
gboolean             cb_preferences_parse_region       (const char           *text,
                                                        char                **normalized,
                                                        GError              **error);

G_END_DECLS
