/* cb-settings.h — the dashboard's settings, typed, over GSettings
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_TYPE_SETTINGS (cb_settings_get_type ())

G_DECLARE_FINAL_TYPE (CbSettings, cb_settings, CB, SETTINGS, GObject)

/* Over the app's schema; when the schema is not installed, the settings keep the defaults
 * in memory for this run. */
CbSettings *cb_settings_new                        (void);
/* One instance for the process. */
CbSettings *cb_settings_get_default                (void);
gboolean    cb_settings_is_persistent              (CbSettings *self);

guint       cb_settings_get_default_max_retries    (CbSettings *self);
void        cb_settings_set_default_max_retries    (CbSettings *self,
                                                    guint       retries);
guint       cb_settings_get_default_concurrency    (CbSettings *self);
void        cb_settings_set_default_concurrency    (CbSettings *self,
                                                    guint       concurrency);
gboolean    cb_settings_get_window_enabled         (CbSettings *self);
void        cb_settings_set_window_enabled         (CbSettings *self,
                                                    gboolean    enabled);
guint       cb_settings_get_window_start_hour      (CbSettings *self);
void        cb_settings_set_window_start_hour      (CbSettings *self,
                                                    guint       hour);
guint       cb_settings_get_window_end_hour        (CbSettings *self);
void        cb_settings_set_window_end_hour        (CbSettings *self,
                                                    guint       hour);
/* Bit 0 Monday … bit 6 Sunday. */
guint       cb_settings_get_window_days            (CbSettings *self);
void        cb_settings_set_window_days            (CbSettings *self,
                                                    guint       days);
gboolean    cb_settings_get_window_recipient_local (CbSettings *self);
void        cb_settings_set_window_recipient_local (CbSettings *self,
                                                    gboolean    recipient_local);
double      cb_settings_get_sim_speed              (CbSettings *self);
void        cb_settings_set_sim_speed              (CbSettings *self,
                                                    double      speed);

G_END_DECLS
