/* cb-schedule.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-schedule"

#include "config.h"

#include "cb-schedule.h"
#include "cb-schedule-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (cb-schedule-error-quark, cb_schedule_error)

#define RFC3339_EXAMPLE "2026-05-05T09:00:00Z"

/* Enough on each side of a wall-clock reading to hold every instant that can show it:
 * UTC offsets stay within ±26 hours. */
#define ZONE_MARGIN (48 * 3600)

static GMutex zone_cache_mutex;
static GHashTable *zone_cache;  /* IANA name → GTimeZone, known zones only */

static inline char *
put_digits (char  *p,
            gint64 value,
            int    width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      p[i] = '0' + (char) (value % 10);
      value /= 10;
    }
  return p + width;
}

char *
cb_civil_time_write (char   *buffer,
                     gint64  seconds)
{
  gint64 days = seconds >= 0 ? seconds / 86400 : -((86399 - seconds) / 86400);
  gint64 secs = seconds - days * 86400;
  gint64 z, era, doe, yoe, doy, mp, year, month, day;
  char *p = buffer;

  g_return_val_if_fail (buffer != NULL, NULL);

  /* H. Hinnant's civil_from_days. */
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2);

  if (year < 1 || year > 9999)
    return NULL;

  p = put_digits (p, year, 4);
  *p++ = '-';
  p = put_digits (p, month, 2);
  *p++ = '-';
  p = put_digits (p, day, 2);
  *p++ = 'T';
  p = put_digits (p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits (p, (secs / 60) % 60, 2);
  *p++ = ':';
  p = put_digits (p, secs % 60, 2);

  return p;
}

char *
cb_utc_offset_write (char   *buffer,
                     gint32  offset_s)
{
  char *p = buffer;

  g_return_val_if_fail (buffer != NULL, NULL);

  if (offset_s == 0)
    {
      *p++ = 'Z';
      return p;
    }

  *p++ = offset_s < 0 ? '-' : '+';
  p = put_digits (p, ABS (offset_s) / 3600, 2);
  *p++ = ':';
  return put_digits (p, (ABS (offset_s) / 60) % 60, 2);
}

char *
cb_rfc3339_format (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  utc = g_date_time_to_utc (datetime);

  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          g_date_time_get_year (utc),
                          g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc));
}

gboolean
cb_schedule_check (GDateTime  *scheduled_at,
                   GDateTime  *now,
                   GError    **error)
{
  g_autoptr(GDateTime) latest = NULL;

  g_return_val_if_fail (scheduled_at != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_date_time_compare (scheduled_at, now) <= 0)
    {
      g_autofree char *when = cb_rfc3339_format (scheduled_at);

      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_PAST,
                   _("scheduled_at %s is in the past"), when);
      return FALSE;
    }

  latest = cb_schedule_latest (now);

  if (g_date_time_compare (scheduled_at, latest) > 0)
    {
      g_autofree char *when = cb_rfc3339_format (scheduled_at);
      g_autofree char *limit = cb_rfc3339_format (latest);

      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_TOO_FAR,
                   _("scheduled_at %s is more than 30 days ahead (the latest is %s)"),
                   when, limit);
      return FALSE;
    }

  return TRUE;
}

GDateTime *
cb_schedule_latest (GDateTime *now)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  utc = g_date_time_to_utc (now);

  return g_date_time_add (utc, CB_SCHEDULE_MAX_AHEAD);
}

/* Text safe to quote in a message: valid UTF-8, at most 64 characters. */
static char *
quotable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  if (g_utf8_strlen (valid, -1) > 64)
    {
      g_autofree char *head = g_utf8_substring (valid, 0, 63);

      return g_strconcat (head, "…", NULL);
    }

  return g_steal_pointer (&valid);
}

G_GNUC_PRINTF (3, 4)
static void
set_time_error (GError     **error,
                const char  *text,
                const char  *reason_format,
                ...)
{
  g_autofree char *quoted = quotable (text);

  if (reason_format == NULL)
    {
      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_TIME,
                   _("“%s” is not an RFC 3339 time such as %s"), quoted, RFC3339_EXAMPLE);
    }
  else
    {
      g_autofree char *reason = NULL;
      va_list args;

      va_start (args, reason_format);
      reason = g_strdup_vprintf (reason_format, args);
      va_end (args);

      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_TIME,
                   _("“%s” is not an RFC 3339 time such as %s: %s"),
                   quoted, RFC3339_EXAMPLE, reason);
    }
}

/* Reads exactly @n ASCII digits. */
static gboolean
read_digits (const char **p,
             guint        n,
             int         *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      value = value * 10 + ((*p)[i] - '0');
    }

  *p += n;
  *out = value;

  return TRUE;
}

static gboolean
expect_char (const char **p,
             char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

GDateTime *
cb_rfc3339_parse (const char  *text,
                  GError     **error)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) utc = NULL;
  const char *p = text;
  int year, month, day, hour, minute, second;
  int off_hours = 0, off_minutes = 0, off_sign = 1;
  int usec = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_digits (&p, 4, &year) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &month) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &day) ||
      (!expect_char (&p, 'T') && !expect_char (&p, 't')) ||
      !read_digits (&p, 2, &hour) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &minute) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &second))
    {
      set_time_error (error, text, NULL);
      return NULL;
    }

  if (*p == '.')
    {
      guint n = 0;

      p++;
      if (!g_ascii_isdigit (*p))
        {
          set_time_error (error, text, NULL);
          return NULL;
        }
      for (; g_ascii_isdigit (*p); p++, n++)
        if (n < 6)
          usec = usec * 10 + (*p - '0');
      for (; n < 6; n++)
        usec *= 10;
    }

  if (*p == 'Z' || *p == 'z')
    {
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      off_sign = *p == '-' ? -1 : 1;
      p++;
      if (!read_digits (&p, 2, &off_hours) || !expect_char (&p, ':') ||
          !read_digits (&p, 2, &off_minutes))
        {
          set_time_error (error, text, NULL);
          return NULL;
        }
    }
  else if (*p == '\0')
    {
      set_time_error (error, text,
                      _("the time zone is missing: end with Z or an offset such as +02:00"));
      return NULL;
    }
  else
    {
      set_time_error (error, text, NULL);
      return NULL;
    }

  if (*p != '\0')
    {
      set_time_error (error, text, NULL);
      return NULL;
    }

  if (year < 1)
    {
      set_time_error (error, text, _("year %04d is out of range (0001–9999)"), year);
      return NULL;
    }
  if (month < 1 || month > 12)
    {
      set_time_error (error, text, _("month %02d does not exist"), month);
      return NULL;
    }
  if (day < 1 || day > g_date_get_days_in_month (month, year))
    {
      set_time_error (error, text, _("day %02d does not exist in %04d-%02d"),
                      day, year, month);
      return NULL;
    }
  if (hour > 23)
    {
      set_time_error (error, text, _("hour %02d is out of range (00–23)"), hour);
      return NULL;
    }
  if (minute > 59)
    {
      set_time_error (error, text, _("minute %02d is out of range (00–59)"), minute);
      return NULL;
    }
  if (second > 59)
    {
      set_time_error (error, text, _("second %02d is out of range (00–59)"), second);
      return NULL;
    }
  if (off_hours > 23 || off_minutes > 59)
    {
      set_time_error (error, text, _("offset %c%02d:%02d is out of range"),
                      off_sign < 0 ? '-' : '+', off_hours, off_minutes);
      return NULL;
    }

  local = g_date_time_new_utc (year, month, day, hour, minute, second + usec / 1e6);
  if (local != NULL)
    utc = g_date_time_add_seconds (local, -off_sign * (off_hours * 3600.0 + off_minutes * 60.0));

  if (utc == NULL)
    {
      set_time_error (error, text, _("it is outside years 0001–9999"));
      return NULL;
    }

  /* g_date_time_new_utc() works in doubles: put the exact microseconds back. */
  if (g_date_time_get_microsecond (utc) != usec)
    {
      GDateTime *exact = g_date_time_add (utc, usec - g_date_time_get_microsecond (utc));

      g_date_time_unref (utc);
      utc = exact;
    }

  return g_steal_pointer (&utc);
}

GDateTime *
cb_datetime_new_from_unix_ms (gint64 ms)
{
  g_autoptr(GDateTime) whole = NULL;
  gint64 seconds = ms / 1000;
  gint64 rest = ms % 1000;

  if (rest < 0)
    {
      seconds -= 1;
      rest += 1000;
    }

  whole = g_date_time_new_from_unix_utc (seconds);
  if (whole == NULL)
    return NULL;

  return g_date_time_add (whole, rest * 1000);
}

gint64
cb_datetime_to_unix_ms (GDateTime *datetime)
{
  g_return_val_if_fail (datetime != NULL, 0);

  return g_date_time_to_unix (datetime) * 1000 + g_date_time_get_microsecond (datetime) / 1000;
}

GTimeZone *
cb_time_zone_new_iana (const char *identifier)
{
  g_autofree char *path = NULL;
  GTimeZone *tz;
  const char *tzdir;
  gsize len;

  if (identifier == NULL)
    return NULL;

  len = strlen (identifier);
  if (len == 0 || len > 128 || identifier[0] == '/' || identifier[len - 1] == '/' ||
      strstr (identifier, "//") != NULL || strstr (identifier, "..") != NULL ||
      g_str_equal (identifier, "localtime") || g_str_equal (identifier, "posixrules") ||
      g_str_has_prefix (identifier, "posix/") || g_str_has_prefix (identifier, "right/"))
    return NULL;

  /* IANA names are ASCII letters, digits, "/", "_", "-" and "+" ("Etc/GMT+5"), and always
   * begin with a letter, so an offset such as "+02:00" is not one. */
  if (!g_ascii_isalpha (identifier[0]))
    return NULL;
  for (const char *c = identifier; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '/' && *c != '_' && *c != '-' && *c != '+')
      return NULL;

  /* Zones already seen are kept: the dialer asks for the same few zones again and again.
   * Only known zones are kept, so odd names in requests cannot grow the table. */
  g_mutex_lock (&zone_cache_mutex);
  if (zone_cache == NULL)
    zone_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_time_zone_unref);
  tz = g_hash_table_lookup (zone_cache, identifier);
  if (tz != NULL)
    g_time_zone_ref (tz);
  g_mutex_unlock (&zone_cache_mutex);

  if (tz != NULL)
    return tz;

  /* A POSIX rule ("ABC5") parses too: insist on a file in the time-zone database. */
  tzdir = g_getenv ("TZDIR");
  if (tzdir == NULL || *tzdir == '\0')
    tzdir = "/usr/share/zoneinfo";
  path = g_build_filename (tzdir, identifier, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;

  if (!(tz = g_time_zone_new_identifier (identifier)))
    return NULL;

  g_mutex_lock (&zone_cache_mutex);
  g_hash_table_replace (zone_cache, g_strdup (identifier), g_time_zone_ref (tz));
  g_mutex_unlock (&zone_cache_mutex);

  return tz;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

gint64
cb_time_wall_seconds (int year,
                      int month,
                      int day,
                      int hour,
                      int minute)
{
  return days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60;
}

gint64
cb_time_zone_interval_start (GTimeZone *tz,
                             int        interval,
                             gint64     lo,
                             gint64     hi)
{
  g_assert (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, lo) < interval);
  g_assert (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, hi) >= interval);

  /* Invariant: lo is before the interval, hi is in it or after. */
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, mid) >= interval)
        hi = mid;
      else
        lo = mid;
    }

  return hi;
}

gint64
cb_time_zone_wall_to_unix (GTimeZone *tz,
                           gint64     wall)
{
  gint64 lo = wall - ZONE_MARGIN;
  gint64 hi = wall + ZONE_MARGIN;
  int first = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, lo);
  int last = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, hi);

  /* Intervals are in time order, so the first one that holds the reading gives its first
   * occurrence. */
  for (int i = first; i <= last; i++)
    {
      gint64 t = wall - g_time_zone_get_offset (tz, i);

      if (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, t) == i)
        return t;
    }

  /* The reading falls in a gap: the first instant after it is the transition whose
   * clock jumps over it. */
  for (int i = first + 1; i <= last; i++)
    {
      gint64 start = cb_time_zone_interval_start (tz, i, lo, hi);
      gint64 before = start - 1 + g_time_zone_get_offset (tz, i - 1);
      gint64 after = start + g_time_zone_get_offset (tz, i);

      if (before < wall && wall < after)
        return start;
    }

  g_return_val_if_reached (wall);
}

GDateTime *
cb_schedule_local_to_utc (int          year,
                          int          month,
                          int          day,
                          int          hour,
                          int          minute,
                          const char  *zone,
                          GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  GDateTime *ret;

  g_return_val_if_fail (zone != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (year < 1 || year > 9999 || month < 1 || month > 12 ||
      day < 1 || day > g_date_get_days_in_month (month, year))
    {
      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_DATE,
                   _("%04d-%02d-%02d is not a date"), year, month, day);
      return NULL;
    }

  if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
    {
      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_DATE,
                   _("%02d:%02d is not a time of day"), hour, minute);
      return NULL;
    }

  if (!(tz = cb_time_zone_new_iana (zone)))
    {
      g_autofree char *quoted = quotable (zone);

      g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_UNKNOWN_ZONE,
                   _("“%s” is not a known time zone"), quoted);
      return NULL;
    }

  ret = g_date_time_new_from_unix_utc (
    cb_time_zone_wall_to_unix (tz, cb_time_wall_seconds (year, month, day, hour, minute)));

  if (ret == NULL)
    g_set_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_DATE,
                 _("%04d-%02d-%02d %02d:%02d in %s is outside years 0001–9999"),
                 year, month, day, hour, minute, zone);

  return ret;
}

static gint64
usec_of (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

gboolean
cb_schedule_day_is_selectable (int         year,
                               int         month,
                               int         day,
                               const char *zone,
                               GDateTime  *now)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) latest = NULL;
  gint64 wall, day_start, day_end;

  g_return_val_if_fail (zone != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (year < 1 || year > 9999 || month < 1 || month > 12 ||
      day < 1 || day > g_date_get_days_in_month (month, year))
    return FALSE;

  if (!(tz = cb_time_zone_new_iana (zone)))
    return FALSE;

  wall = cb_time_wall_seconds (year, month, day, 0, 0);
  day_start = cb_time_zone_wall_to_unix (tz, wall);
  day_end = cb_time_zone_wall_to_unix (tz, wall + 86400);
  latest = cb_schedule_latest (now);

  /* Some instant t of [day_start, day_end) with now < t ≤ latest (microseconds). */
  return day_end * G_USEC_PER_SEC - 1 > usec_of (now) &&
         day_start * G_USEC_PER_SEC <= usec_of (latest);
}
