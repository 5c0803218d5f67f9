/* cb-schedule-private.h — wall-clock arithmetic shared by the schedule and the calling window
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A wall-clock reading as seconds since 1970-01-01 00:00 on that clock (as if it were UTC). */
gint64  cb_time_wall_seconds         (int        year,
                                      int        month,
                                      int        day,
                                      int        hour,
                                      int        minute);
/* The first second of interval @interval of @tz, which must begin in (@lo, @hi]. */
gint64  cb_time_zone_interval_start  (GTimeZone *tz,
                                      int        interval,
                                      gint64     lo,
                                      gint64     hi);
/* The Unix time at which @tz's clock shows @wall: the first occurrence when it shows it
 * twice, the end of the gap when it never does. */
gint64  cb_time_zone_wall_to_unix    (GTimeZone *tz,
                                      gint64     wall);

G_END_DECLS
