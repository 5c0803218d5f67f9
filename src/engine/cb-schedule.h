/* cb-schedule.h — scheduling rules and time helpers (SPEC §2, §5)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_SCHEDULE_ERROR (cb_schedule_error_quark ())

typedef enum
{
  CB_SCHEDULE_ERROR_PAST,          /* scheduled_at is not in the future */
  CB_SCHEDULE_ERROR_TOO_FAR,       /* scheduled_at is more than 30 days ahead */
  CB_SCHEDULE_ERROR_INVALID_TIME,  /* not an RFC 3339 time, or out of range */
  CB_SCHEDULE_ERROR_INVALID_DATE,  /* a calendar date or wall-clock time that does not exist */
  CB_SCHEDULE_ERROR_UNKNOWN_ZONE,  /* not an IANA time zone */
} CbScheduleError;

/* How far ahead a batch may be scheduled: 30 days of 24 hours, SPEC §5. */
#define CB_SCHEDULE_MAX_AHEAD (30 * G_TIME_SPAN_DAY)

GQuark      cb_schedule_error_quark       (void);

/* TRUE when @scheduled_at is strictly after @now and at most CB_SCHEDULE_MAX_AHEAD after
 * it (the boundary itself is allowed). Otherwise FALSE with CB_SCHEDULE_ERROR_PAST
 * ("scheduled_at 2026-01-01T00:00:00Z is in the past", also when it equals @now) or
 * CB_SCHEDULE_ERROR_TOO_FAR. */
gboolean    cb_schedule_check             (GDateTime   *scheduled_at,
                                           GDateTime   *now,
                                           GError     **error);
/* The latest time cb_schedule_check() accepts for @now, in UTC. */
GDateTime  *cb_schedule_latest            (GDateTime   *now);

/* Parses an RFC 3339 date-time ("2026-05-05T09:00:00Z", "2026-05-05T11:00:00.250+02:00"):
 * "T" or "t" between date and time, a time zone ("Z", "z" or ±HH:MM) required, an optional
 * fraction of a second (kept to the microsecond). Returns the instant in UTC, or NULL with
 * CB_SCHEDULE_ERROR_INVALID_TIME. Leap seconds (:60) are refused. */
GDateTime  *cb_rfc3339_parse              (const char  *text,
                                           GError     **error);
/* "2026-05-05T09:00:00Z": the instant in UTC, whole seconds (a fraction is dropped). */
char       *cb_rfc3339_format             (GDateTime   *datetime);
/* Writes "2026-05-05T09:00:00" (19 bytes, no NUL) for @seconds since 1970-01-01T00:00:00 on
 * the proleptic Gregorian calendar, without a GDateTime, and returns the end; NULL (and
 * nothing written) outside the years 1 to 9999, those GDateTime can hold. */
char       *cb_civil_time_write           (char        *buffer,
                                           gint64       seconds);
/* Writes an RFC 3339 UTC offset of @offset_s seconds, "Z" for 0, else "+02:00" or
 * "-05:30" (no NUL), and returns the end. */
char       *cb_utc_offset_write           (char        *buffer,
                                           gint32       offset_s);

/* Milliseconds since the Unix epoch (Retell's trigger_timestamp) to a UTC time, or NULL
 * when outside years 1–9999. */
GDateTime  *cb_datetime_new_from_unix_ms  (gint64       ms);
/* The other way; a fraction of a millisecond is dropped (rounded towards the past). */
gint64      cb_datetime_to_unix_ms        (GDateTime   *datetime);

/* A GTimeZone for an IANA time zone name ("Europe/Berlin", "UTC"), or NULL when
 * @identifier is not one: unlike g_time_zone_new_identifier(), offsets ("+02:00"),
 * POSIX rules ("ABC5"), "localtime" and file paths are refused. */
GTimeZone  *cb_time_zone_new_iana         (const char  *identifier);

/* The instant (UTC) at which the wall clock in @zone (IANA) shows the given date and time,
 * for a date picker. A local time that does not exist (the hour skipped when clocks go
 * forward) gives the first instant after the gap, when the clocks jump: 02:30 on
 * 2026-03-08 in America/New_York gives 03:00 EDT (07:00Z). A local time that happens
 * twice (clocks going back) gives the first occurrence, still on summer time: 01:30 on
 * 2026-11-01 in America/New_York gives 01:30 EDT (05:30Z). NULL with
 * CB_SCHEDULE_ERROR_INVALID_DATE for a date or time that cannot be, or
 * CB_SCHEDULE_ERROR_UNKNOWN_ZONE. */
GDateTime  *cb_schedule_local_to_utc      (int          year,
                                           int          month,
                                           int          day,
                                           int          hour,
                                           int          minute,
                                           const char  *zone,
                                           GError     **error);
/* Whether a calendar should let the user pick the day @year-@month-@day in @zone: TRUE when
 * some instant of that local day is after @now and at most CB_SCHEDULE_MAX_AHEAD after it
 * (today is selectable until its end; the day of the 30-day limit is selectable). FALSE for
 * dates that do not exist and unknown zones. */
gboolean    cb_schedule_day_is_selectable (int          year,
                                           int          month,
                                           int          day,
                                           const char  *zone,
                                           GDateTime   *now);

G_END_DECLS
