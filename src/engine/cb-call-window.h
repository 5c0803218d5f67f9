/* cb-call-window.h — when calls may start: the calling window of a batch (SPEC §5)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CB_TYPE_CALL_WINDOW  (cb_call_window_get_type ())
#define CB_CALL_WINDOW_ERROR (cb_call_window_error_quark ())

typedef enum
{
  CB_CALL_WINDOW_ERROR_INVALID_JSON,  /* the text is not JSON */
  CB_CALL_WINDOW_ERROR_INVALID,       /* JSON, but not a valid calling window */
} CbCallWindowError;

/* The value of "timezone" that means each recipient's own local time. */
#define CB_CALL_WINDOW_RECIPIENT "recipient"

/* A validated, immutable calling window:
 *
 *   {"windows":[{"start":540,"end":1200}], "days":["Monday",…],
 *    "timezone":"America/New_York" | "recipient"}
 *
 * - windows: minutes since local midnight, half-open [start, end), 0 ≤ start < end ≤ 1440,
 *   at least one. Windows that overlap are refused (the intent is unclear); windows that
 *   touch ([540,720) and [720,1200)) are joined into one.
 * - days (or Retell's "day"): English day names, any case. Absent, null or empty means
 *   every day. Repeated names count once.
 * - timezone: an IANA zone, or "recipient" (any case). Absent or null means the batch's
 *   time zone, given when the window is evaluated (Retell's route gives
 *   America/Los_Angeles as the batch's zone when its request names none).
 * - Any other member is refused.
 *
 * Times are wall-clock times in the zone: on the day clocks go forward, the skipped hour
 * never happens, so a window inside it is closed that day; on the day they go back, the
 * repeated hour is inside a window covering it both times. The day is the local day. */
typedef struct _CbCallWindow CbCallWindow;

GType          cb_call_window_get_type           (void) G_GNUC_CONST;
GQuark         cb_call_window_error_quark        (void);

/* Validates @node; error messages name the field: "call_window.windows[1].end: 1500 is
 * beyond 1440". */
CbCallWindow  *cb_call_window_new_from_json      (JsonNode      *node,
                                                  GError       **error);
/* The same with another name for the field in messages ("call_time_window" for Retell's
 * route). */
CbCallWindow  *cb_call_window_new_from_json_full (JsonNode      *node,
                                                  const char    *field,
                                                  GError       **error);
/* Parses JSON text (as the batch keeps it), then validates it. */
CbCallWindow  *cb_call_window_new_from_string    (const char    *text,
                                                  GError       **error);
CbCallWindow  *cb_call_window_ref                (CbCallWindow  *self);
void           cb_call_window_unref              (CbCallWindow  *self);

/* The canonical form: windows sorted and joined, "days" in week order from Monday
 * (omitted when every day is allowed), "timezone" as given ("recipient" in lower case;
 * omitted when absent). Parsing it gives an equal window. */
JsonNode      *cb_call_window_to_json            (CbCallWindow  *self);
char          *cb_call_window_to_string          (CbCallWindow  *self);

guint          cb_call_window_get_n_windows      (CbCallWindow  *self);
/* The @index-th window in canonical order, in minutes since local midnight. */
void           cb_call_window_get_window         (CbCallWindow  *self,
                                                  guint          index,
                                                  guint         *start,
                                                  guint         *end);
gboolean       cb_call_window_allows_day         (CbCallWindow  *self,
                                                  GDateWeekday   weekday);
/* "recipient", an IANA zone, or NULL for the batch's zone. */
const char    *cb_call_window_get_timezone       (CbCallWindow  *self);
gboolean       cb_call_window_is_per_recipient   (CbCallWindow  *self);

/* Which zones a window is evaluated in:
 * - an IANA "timezone": that zone alone; @recipient_zones are ignored;
 * - "recipient": the recipient's zones (cb_phone_time_zones()); a number with several
 *   zones may be called only when the window is open in all of them at once. Entries that
 *   are not known zones ("Etc/Unknown") are skipped; when none is left (or
 *   @recipient_zones is NULL), @batch_zone is used;
 * - no timezone: @batch_zone.
 * When @batch_zone is needed but NULL or unknown, UTC is used.
 *
 * TRUE when a call may start at @now (any GDateTime; only its instant matters). */
gboolean       cb_call_window_contains           (CbCallWindow       *self,
                                                  GDateTime          *now,
                                                  const char * const *recipient_zones,
                                                  const char         *batch_zone);
/* The first instant at or after @now at which cb_call_window_contains() is TRUE, in UTC:
 * @now itself when the window is open, else the instant it opens (whole seconds). NULL
 * when it never opens. With one zone that cannot happen (every window opens at least once
 * a fortnight, whatever the clock changes). With several zones the windows may never be
 * open in all of them at once: the search covers a year and a fortnight, so every
 * combination of summer and winter time is seen, and then gives up with NULL. */
GDateTime     *cb_call_window_next_open          (CbCallWindow       *self,
                                                  GDateTime          *now,
                                                  const char * const *recipient_zones,
                                                  const char         *batch_zone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbCallWindow, cb_call_window_unref)

G_END_DECLS
