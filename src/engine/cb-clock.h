/* cb-clock.h — the engine's notion of "now", with a fake clock for tests
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called after the fake clock was set, moved or released, in the thread that did it.
 * @now_utc is the new time (the real time when the fake clock was released). */
typedef void (*CbClockWatchFunc) (GDateTime *now_utc,
                                  gpointer   user_data);

/* The current time in UTC (transfer full): the real wall clock, or the fake time set with
 * cb_clock_set_fake(). Every part of the engine that asks "what time is it?" (the dialer,
 * the scheduler, the calling window) asks here, so a test can move time. Thread-safe. */
GDateTime *cb_clock_get_now_utc    (void);
/* Freezes the clock at @now (any time zone; kept as UTC), or with NULL goes back to the
 * real clock. The fake clock does not move by itself: see cb_clock_advance(). */
void       cb_clock_set_fake       (GDateTime        *now);
/* Moves the fake clock by @span microseconds (may be negative). Only with a fake clock. */
void       cb_clock_advance        (GTimeSpan         span);
gboolean   cb_clock_is_fake        (void);
/* Calls @func whenever the fake clock is set, moved or released, so a scheduler waiting
 * for a time can look again. Returns an id for cb_clock_remove_watch() (never 0). */
guint      cb_clock_add_watch      (CbClockWatchFunc  func,
                                    gpointer          user_data,
                                    GDestroyNotify    destroy);
void       cb_clock_remove_watch   (guint             id);

G_END_DECLS
