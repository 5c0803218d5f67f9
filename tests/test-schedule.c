/* test-schedule.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-clock.h"
#include "cb-schedule.h"
#include "cb-test-util.h"

/* Expected times are written as ISO 8601 text and read with GLib's own parser. */
static GDateTime *
at (const char *iso)
{
  GDateTime *dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return dt;
}

static char *
utc_text (GDateTime *dt)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (dt);

  g_autofree char *fraction = g_date_time_get_microsecond (utc) != 0
    ? g_strdup_printf (".%06d", g_date_time_get_microsecond (utc)) : g_strdup ("");

  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%sZ",
                          g_date_time_get_year (utc), g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc), g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc), g_date_time_get_second (utc), fraction);
}

/* cb_schedule_check */

static void
assert_check (const char   *scheduled_iso,
              const char   *now_iso,
              int           code,
              const char   *message)
{
  g_autoptr(GDateTime) scheduled = at (scheduled_iso);
  g_autoptr(GDateTime) now = at (now_iso);
  g_autoptr(GError) error = NULL;
  gboolean ok = cb_schedule_check (scheduled, now, &error);

  if (message == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, CB_SCHEDULE_ERROR, code);
      g_assert_cmpstr (error->message, ==, message);
    }
}

static void
test_check (void)
{
  const char *now = "2026-05-05T09:00:00Z";

  assert_check ("2026-01-01T00:00:00Z", now, CB_SCHEDULE_ERROR_PAST,
                "scheduled_at 2026-01-01T00:00:00Z is in the past");
  assert_check ("2026-05-05T08:59:59Z", now, CB_SCHEDULE_ERROR_PAST,
                "scheduled_at 2026-05-05T08:59:59Z is in the past");
  /* Now itself is not in the future. */
  assert_check ("2026-05-05T09:00:00Z", now, CB_SCHEDULE_ERROR_PAST,
                "scheduled_at 2026-05-05T09:00:00Z is in the past");
  assert_check ("2026-05-05T11:00:00+02:00", now, CB_SCHEDULE_ERROR_PAST,
                "scheduled_at 2026-05-05T09:00:00Z is in the past");
  assert_check ("2026-05-05T09:00:00.000001Z", now, 0, NULL);
  assert_check ("2026-05-05T09:00:01Z", now, 0, NULL);
  assert_check ("2026-05-20T12:00:00-04:00", now, 0, NULL);
  /* Thirty days of 24 hours, the boundary included. */
  assert_check ("2026-06-04T09:00:00Z", now, 0, NULL);
  assert_check ("2026-06-04T11:00:00+02:00", now, 0, NULL);
  assert_check ("2026-06-04T09:00:01Z", now, CB_SCHEDULE_ERROR_TOO_FAR,
                "scheduled_at 2026-06-04T09:00:01Z is more than 30 days ahead "
                "(the latest is 2026-06-04T09:00:00Z)");
  assert_check ("2027-01-01T00:00:00Z", now, CB_SCHEDULE_ERROR_TOO_FAR,
                "scheduled_at 2027-01-01T00:00:00Z is more than 30 days ahead "
                "(the latest is 2026-06-04T09:00:00Z)");
  /* A clock change in between does not move the limit: it is 720 hours. */
  assert_check ("2026-03-31T12:00:00Z", "2026-03-01T12:00:00Z", 0, NULL);
  assert_check ("2026-03-31T12:00:01Z", "2026-03-01T12:00:00Z", CB_SCHEDULE_ERROR_TOO_FAR,
                "scheduled_at 2026-03-31T12:00:01Z is more than 30 days ahead "
                "(the latest is 2026-03-31T12:00:00Z)");
  /* @now in another zone. */
  assert_check ("2026-05-05T08:30:00Z", "2026-05-05T10:00:00+02:00", 0, NULL);
}

static void
test_latest (void)
{
  g_autoptr(GDateTime) now = at ("2026-12-15T12:00:00.5+01:00");
  g_autoptr(GDateTime) latest = cb_schedule_latest (now);
  g_autofree char *text = utc_text (latest);

  g_assert_cmpstr (text, ==, "2027-01-14T11:00:00.500000Z");
  g_assert_cmpint (g_date_time_get_utc_offset (latest), ==, 0);
}

/* RFC 3339 */

static const struct {
  const char *text;
  const char *utc;
} valid_times[] = {
  { "2026-05-05T09:00:00Z", "2026-05-05T09:00:00Z" },
  { "2026-05-05t09:00:00z", "2026-05-05T09:00:00Z" },
  { "2026-05-05T11:00:00+02:00", "2026-05-05T09:00:00Z" },
  { "2026-05-04T23:30:00-09:30", "2026-05-05T09:00:00Z" },
  { "2026-05-05T09:00:00-00:00", "2026-05-05T09:00:00Z" },
  { "2026-05-05T09:00:00+00:00", "2026-05-05T09:00:00Z" },
  { "2026-05-05T09:00:00.5Z", "2026-05-05T09:00:00.500000Z" },
  { "2026-05-05T09:00:00.123456789Z", "2026-05-05T09:00:00.123456Z" },
  { "2026-05-05T09:00:00.000001Z", "2026-05-05T09:00:00.000001Z" },
  { "2026-05-05T09:00:00.999999+14:00", "2026-05-04T19:00:00.999999Z" },
  { "2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z" },
  { "2026-12-31T23:59:59.999999-01:00", "2027-01-01T00:59:59.999999Z" },
  { "2028-02-29T12:00:00Z", "2028-02-29T12:00:00Z" },
  { "2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z" },
  { "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z" },
  { "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z" },
  { "1969-12-31T23:59:59.25Z", "1969-12-31T23:59:59.250000Z" },
};

#define SHAPE "is not an RFC 3339 time such as 2026-05-05T09:00:00Z"

static const struct {
  const char *text;
  const char *message;
} invalid_times[] = {
  { "", "“” " SHAPE },
  { "2026-05-05", "“2026-05-05” " SHAPE },
  { "2026-05-05 09:00:00Z", "“2026-05-05 09:00:00Z” " SHAPE },
  { "2026-05-05T09:00Z", "“2026-05-05T09:00Z” " SHAPE },
  { "2026-5-5T09:00:00Z", "“2026-5-5T09:00:00Z” " SHAPE },
  { "20260505T090000Z", "“20260505T090000Z” " SHAPE },
  { "2026-05-05T09:00:00+0200", "“2026-05-05T09:00:00+0200” " SHAPE },
  { "2026-05-05T09:00:00+02", "“2026-05-05T09:00:00+02” " SHAPE },
  { "2026-05-05T09:00:00.Z", "“2026-05-05T09:00:00.Z” " SHAPE },
  { "2026-05-05T09:00:00,5Z", "“2026-05-05T09:00:00,5Z” " SHAPE },
  { "2026-05-05T09:00:00Z ", "“2026-05-05T09:00:00Z ” " SHAPE },
  { " 2026-05-05T09:00:00Z", "“ 2026-05-05T09:00:00Z” " SHAPE },
  { "2026-05-05T09:00:00ZZ", "“2026-05-05T09:00:00ZZ” " SHAPE },
  { "2026-05-05T09:00:00 UTC", "“2026-05-05T09:00:00 UTC” " SHAPE },
  { "1777971600000", "“1777971600000” " SHAPE },
  { "２０２６-05-05T09:00:00Z", "“２０２６-05-05T09:00:00Z” " SHAPE },
  { "\xff\xfe", "“\xef\xbf\xbd\xef\xbf\xbd” " SHAPE },
  { "2026-05-05T09:00:00",
    "“2026-05-05T09:00:00” " SHAPE ": the time zone is missing: end with Z or an offset such as +02:00" },
  { "2026-05-05T09:00:00.250",
    "“2026-05-05T09:00:00.250” " SHAPE ": the time zone is missing: end with Z or an offset such as +02:00" },
  { "0000-01-01T00:00:00Z", "“0000-01-01T00:00:00Z” " SHAPE ": year 0000 is out of range (0001–9999)" },
  { "2026-13-01T00:00:00Z", "“2026-13-01T00:00:00Z” " SHAPE ": month 13 does not exist" },
  { "2026-00-10T00:00:00Z", "“2026-00-10T00:00:00Z” " SHAPE ": month 00 does not exist" },
  { "2026-02-29T00:00:00Z", "“2026-02-29T00:00:00Z” " SHAPE ": day 29 does not exist in 2026-02" },
  { "2100-02-29T00:00:00Z", "“2100-02-29T00:00:00Z” " SHAPE ": day 29 does not exist in 2100-02" },
  { "2026-04-31T00:00:00Z", "“2026-04-31T00:00:00Z” " SHAPE ": day 31 does not exist in 2026-04" },
  { "2026-05-00T00:00:00Z", "“2026-05-00T00:00:00Z” " SHAPE ": day 00 does not exist in 2026-05" },
  { "2026-05-05T24:00:00Z", "“2026-05-05T24:00:00Z” " SHAPE ": hour 24 is out of range (00–23)" },
  { "2026-05-05T09:60:00Z", "“2026-05-05T09:60:00Z” " SHAPE ": minute 60 is out of range (00–59)" },
  { "2026-12-31T23:59:60Z", "“2026-12-31T23:59:60Z” " SHAPE ": second 60 is out of range (00–59)" },
  { "2026-05-05T09:00:00+24:00", "“2026-05-05T09:00:00+24:00” " SHAPE ": offset +24:00 is out of range" },
  { "2026-05-05T09:00:00-02:60", "“2026-05-05T09:00:00-02:60” " SHAPE ": offset -02:60 is out of range" },
  { "0001-01-01T00:00:00+01:00", "“0001-01-01T00:00:00+01:00” " SHAPE ": it is outside years 0001–9999" },
  { "9999-12-31T23:59:59-00:01", "“9999-12-31T23:59:59-00:01” " SHAPE ": it is outside years 0001–9999" },
};

static void
test_rfc3339_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_times); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) dt = cb_rfc3339_parse (valid_times[i].text, &error);
      g_autofree char *text = NULL;

      g_test_message ("%s", valid_times[i].text);
      g_assert_no_error (error);
      g_assert_nonnull (dt);
      g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
      text = utc_text (dt);
      g_assert_cmpstr (text, ==, valid_times[i].utc);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_times); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) dt = cb_rfc3339_parse (invalid_times[i].text, &error);

      g_test_message ("%s", invalid_times[i].text);
      g_assert_null (dt);
      g_assert_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_TIME);
      g_assert_cmpstr (error->message, ==, invalid_times[i].message);
    }
}

static void
test_rfc3339_huge (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (1 << 20, '7');
  g_autoptr(GDateTime) dt = cb_rfc3339_parse (huge, &error);
  g_autofree char *head = g_strnfill (63, '7');
  g_autofree char *expected = g_strdup_printf ("“%s…” " SHAPE, head);

  g_assert_null (dt);
  g_assert_error (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_INVALID_TIME);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_rfc3339_format (void)
{
  static const struct { const char *iso; const char *rfc3339; } cases[] = {
    { "2026-05-05T09:00:00Z", "2026-05-05T09:00:00Z" },
    { "2026-05-05T09:00:00.999999Z", "2026-05-05T09:00:00Z" },
    { "2026-05-05T14:30:00+05:30", "2026-05-05T09:00:00Z" },
    { "2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z" },
    { "0999-03-04T05:06:07Z", "0999-03-04T05:06:07Z" },
    { "1969-07-20T20:17:40Z", "1969-07-20T20:17:40Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) dt = at (cases[i].iso);
      g_autofree char *text = cb_rfc3339_format (dt);
      g_autoptr(GDateTime) back = NULL;
      g_autofree char *again = NULL;

      g_assert_cmpstr (text, ==, cases[i].rfc3339);

      /* Round trip: the same instant, to the second. */
      back = cb_rfc3339_parse (text, NULL);
      g_assert_nonnull (back);
      g_assert_cmpint (g_date_time_to_unix (back), ==, g_date_time_to_unix (dt));
      again = cb_rfc3339_format (back);
      g_assert_cmpstr (again, ==, text);
    }

  /* Every valid input formats to its UTC second. */
  for (guint i = 0; i < G_N_ELEMENTS (valid_times); i++)
    {
      g_autoptr(GDateTime) dt = cb_rfc3339_parse (valid_times[i].text, NULL);
      g_autofree char *text = cb_rfc3339_format (dt);
      g_autofree char *second = g_strdup_printf ("%.19sZ", valid_times[i].utc);

      g_assert_cmpstr (text, ==, second);
    }
}

static void
test_unix_ms (void)
{
  static const struct { gint64 ms; const char *utc; } cases[] = {
    { 0, "1970-01-01T00:00:00Z" },
    { 1777971600000, "2026-05-05T09:00:00Z" },
    { 1777971600001, "2026-05-05T09:00:00.001000Z" },
    { 1500, "1970-01-01T00:00:01.500000Z" },
    { -1, "1969-12-31T23:59:59.999000Z" },
    { -1000, "1969-12-31T23:59:59Z" },
    { -1001, "1969-12-31T23:59:58.999000Z" },
    { 253402300799999, "9999-12-31T23:59:59.999000Z" },
    { -62135596800000, "0001-01-01T00:00:00Z" },
  };
  static const gint64 out_of_range[] = {
    253402300800000, -62135596800001, G_MAXINT64, G_MININT64,
  };
  g_autoptr(GDateTime) fine = at ("2026-05-05T09:00:00.001999Z");
  g_autoptr(GDateTime) before_epoch = at ("1969-12-31T23:59:59.9995Z");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) dt = cb_datetime_new_from_unix_ms (cases[i].ms);
      g_autofree char *text = NULL;

      g_assert_nonnull (dt);
      g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
      text = utc_text (dt);
      g_assert_cmpstr (text, ==, cases[i].utc);
      g_assert_cmpint (cb_datetime_to_unix_ms (dt), ==, cases[i].ms);
    }

  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    g_assert_null (cb_datetime_new_from_unix_ms (out_of_range[i]));

  /* A fraction of a millisecond goes towards the past. */
  g_assert_cmpint (cb_datetime_to_unix_ms (fine), ==, 1777971600001);
  g_assert_cmpint (cb_datetime_to_unix_ms (before_epoch), ==, -1);
}

/* Time zones */

static void
test_time_zone_iana (void)
{
  static const char *known[] = {
    "UTC", "Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires",
    "Etc/GMT+5", "Etc/GMT-14", "Asia/Kolkata", "Pacific/Chatham",
  };
  static const char *unknown[] = {
    "", "Mars/Base", "Etc/Unknown", "america/new_york", "+02:00", "-05:00", "ABC5",
    "EST5EDT4,M3.2.0,M11.1.0", "localtime", "posixrules", "posix/Europe/Berlin",
    "/usr/share/zoneinfo/UTC", "../../etc/passwd", "Europe/../Europe/Berlin", "Europe/",
    "Europe//Berlin", "Europe", "zone.tab", "Europe/Berlin ", "Europe/Berlin\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_autoptr(GTimeZone) tz = cb_time_zone_new_iana (known[i]);
      g_autoptr(GTimeZone) again = cb_time_zone_new_iana (known[i]);

      g_assert_nonnull (tz);
      g_assert_nonnull (again);
      g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, known[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_test_message ("%s", unknown[i]);
      g_assert_null (cb_time_zone_new_iana (unknown[i]));
    }
  g_assert_null (cb_time_zone_new_iana (NULL));
}

static void
assert_local (int         y,
              int         mo,
              int         d,
              int         h,
              int         mi,
              const char *zone,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) dt = cb_schedule_local_to_utc (y, mo, d, h, mi, zone, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (dt);
  g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
  text = utc_text (dt);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_local_error (int         y,
                    int         mo,
                    int         d,
                    int         h,
                    int         mi,
                    const char *zone,
                    int         code,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) dt = cb_schedule_local_to_utc (y, mo, d, h, mi, zone, &error);

  g_assert_null (dt);
  g_assert_error (error, CB_SCHEDULE_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_local_to_utc (void)
{
  /* Ordinary times. */
  assert_local (2026, 5, 5, 14, 30, "Asia/Kolkata", "2026-05-05T09:00:00Z");
  assert_local (2026, 5, 5, 9, 0, "UTC", "2026-05-05T09:00:00Z");
  assert_local (2026, 1, 1, 0, 30, "Europe/Berlin", "2025-12-31T23:30:00Z");
  assert_local (2026, 12, 31, 23, 59, "Pacific/Honolulu", "2027-01-01T09:59:00Z");

  /* New York, clocks forward on 2026-03-08 at 02:00 EST (07:00Z). */
  assert_local (2026, 3, 8, 1, 59, "America/New_York", "2026-03-08T06:59:00Z");
  assert_local (2026, 3, 8, 2, 0, "America/New_York", "2026-03-08T07:00:00Z");
  assert_local (2026, 3, 8, 2, 30, "America/New_York", "2026-03-08T07:00:00Z");
  assert_local (2026, 3, 8, 2, 59, "America/New_York", "2026-03-08T07:00:00Z");
  assert_local (2026, 3, 8, 3, 0, "America/New_York", "2026-03-08T07:00:00Z");
  assert_local (2026, 3, 8, 3, 1, "America/New_York", "2026-03-08T07:01:00Z");

  /* New York, clocks back on 2026-11-01 at 02:00 EDT (06:00Z): the first 01:xx is EDT. */
  assert_local (2026, 11, 1, 0, 59, "America/New_York", "2026-11-01T04:59:00Z");
  assert_local (2026, 11, 1, 1, 0, "America/New_York", "2026-11-01T05:00:00Z");
  assert_local (2026, 11, 1, 1, 30, "America/New_York", "2026-11-01T05:30:00Z");
  assert_local (2026, 11, 1, 1, 59, "America/New_York", "2026-11-01T05:59:00Z");
  assert_local (2026, 11, 1, 2, 0, "America/New_York", "2026-11-01T07:00:00Z");

  /* Berlin. */
  assert_local (2026, 3, 29, 2, 15, "Europe/Berlin", "2026-03-29T01:00:00Z");
  assert_local (2026, 3, 29, 3, 15, "Europe/Berlin", "2026-03-29T01:15:00Z");
  assert_local (2026, 10, 25, 2, 30, "Europe/Berlin", "2026-10-25T00:30:00Z");
  assert_local (2026, 10, 25, 3, 0, "Europe/Berlin", "2026-10-25T02:00:00Z");

  /* Lord Howe Island moves its clocks by half an hour: 02:00 becomes 02:30. */
  assert_local (2026, 10, 4, 1, 59, "Australia/Lord_Howe", "2026-10-03T15:29:00Z");
  assert_local (2026, 10, 4, 2, 15, "Australia/Lord_Howe", "2026-10-03T15:30:00Z");
  assert_local (2026, 10, 4, 2, 30, "Australia/Lord_Howe", "2026-10-03T15:30:00Z");

  assert_local_error (2026, 2, 29, 9, 0, "Europe/Berlin", CB_SCHEDULE_ERROR_INVALID_DATE,
                      "2026-02-29 is not a date");
  assert_local_error (2026, 13, 1, 9, 0, "Europe/Berlin", CB_SCHEDULE_ERROR_INVALID_DATE,
                      "2026-13-01 is not a date");
  assert_local_error (2026, 5, 5, 24, 0, "Europe/Berlin", CB_SCHEDULE_ERROR_INVALID_DATE,
                      "24:00 is not a time of day");
  assert_local_error (2026, 5, 5, 9, 60, "Europe/Berlin", CB_SCHEDULE_ERROR_INVALID_DATE,
                      "09:60 is not a time of day");
  assert_local_error (2026, 5, 5, 9, 0, "Mars/Base", CB_SCHEDULE_ERROR_UNKNOWN_ZONE,
                      "“Mars/Base” is not a known time zone");
  assert_local_error (1, 1, 1, 0, 0, "Asia/Tokyo", CB_SCHEDULE_ERROR_INVALID_DATE,
                      "0001-01-01 00:00 in Asia/Tokyo is outside years 0001–9999");
}

static void
assert_selectable (int         y,
                   int         m,
                   int         d,
                   const char *zone,
                   const char *now_iso,
                   gboolean    expected)
{
  g_autoptr(GDateTime) now = at (now_iso);

  if (cb_schedule_day_is_selectable (y, m, d, zone, now) != expected)
    g_error ("%04d-%02d-%02d in %s at %s should %sbe selectable",
             y, m, d, zone, now_iso, expected ? "" : "not ");
}

static void
test_day_selectable (void)
{
  /* Year boundary; the limit is 2027-01-14T12:00Z (13:00 in Berlin). */
  assert_selectable (2026, 12, 14, "Europe/Berlin", "2026-12-15T12:00:00Z", FALSE);
  assert_selectable (2026, 12, 15, "Europe/Berlin", "2026-12-15T12:00:00Z", TRUE);
  assert_selectable (2026, 12, 31, "Europe/Berlin", "2026-12-15T12:00:00Z", TRUE);
  assert_selectable (2027, 1, 1, "Europe/Berlin", "2026-12-15T12:00:00Z", TRUE);
  assert_selectable (2027, 1, 14, "Europe/Berlin", "2026-12-15T12:00:00Z", TRUE);
  assert_selectable (2027, 1, 15, "Europe/Berlin", "2026-12-15T12:00:00Z", FALSE);
  assert_selectable (2025, 12, 15, "Europe/Berlin", "2026-12-15T12:00:00Z", FALSE);

  /* Month boundary: 2026-01-31T23:30Z is still January in Los Angeles, February in Berlin. */
  assert_selectable (2026, 1, 30, "America/Los_Angeles", "2026-01-31T23:30:00Z", FALSE);
  assert_selectable (2026, 1, 31, "America/Los_Angeles", "2026-01-31T23:30:00Z", TRUE);
  assert_selectable (2026, 2, 1, "America/Los_Angeles", "2026-01-31T23:30:00Z", TRUE);
  assert_selectable (2026, 3, 2, "America/Los_Angeles", "2026-01-31T23:30:00Z", TRUE);
  assert_selectable (2026, 3, 3, "America/Los_Angeles", "2026-01-31T23:30:00Z", FALSE);
  assert_selectable (2026, 1, 31, "Europe/Berlin", "2026-01-31T23:30:00Z", FALSE);
  assert_selectable (2026, 2, 1, "Europe/Berlin", "2026-01-31T23:30:00Z", TRUE);
  assert_selectable (2026, 3, 3, "Europe/Berlin", "2026-01-31T23:30:00Z", TRUE);
  assert_selectable (2026, 3, 4, "Europe/Berlin", "2026-01-31T23:30:00Z", FALSE);

  /* New Year already began in Kiritimati (UTC+14). */
  assert_selectable (2026, 12, 31, "Pacific/Kiritimati", "2026-12-31T23:00:00Z", FALSE);
  assert_selectable (2027, 1, 1, "Pacific/Kiritimati", "2026-12-31T23:00:00Z", TRUE);

  /* Today stays selectable until its last instant. */
  assert_selectable (2026, 5, 5, "Europe/Berlin", "2026-05-05T21:59:59.5Z", TRUE);
  assert_selectable (2026, 5, 5, "Europe/Berlin", "2026-05-05T22:00:00Z", FALSE);
  assert_selectable (2026, 5, 6, "Europe/Berlin", "2026-05-05T22:00:00Z", TRUE);

  /* Leap days, impossible dates, unknown zones. */
  assert_selectable (2028, 2, 29, "UTC", "2028-02-20T00:00:00Z", TRUE);
  assert_selectable (2026, 2, 29, "UTC", "2026-02-20T00:00:00Z", FALSE);
  assert_selectable (2026, 4, 31, "UTC", "2026-04-20T00:00:00Z", FALSE);
  assert_selectable (2026, 0, 1, "UTC", "2026-01-01T00:00:00Z", FALSE);
  assert_selectable (2026, 5, 6, "Mars/Base", "2026-05-05T00:00:00Z", FALSE);
}

/* The clock */

typedef struct
{
  guint  calls;
  char  *last;
  guint  destroyed;
} WatchLog;

static void
watch_cb (GDateTime *now,
          gpointer   user_data)
{
  WatchLog *log = user_data;

  log->calls++;
  g_free (log->last);
  log->last = utc_text (now);
}

static void
watch_destroyed (gpointer user_data)
{
  WatchLog *log = user_data;

  log->destroyed++;
}

static void
test_clock (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) real = cb_clock_get_now_utc ();
  g_autoptr(GDateTime) fake = at ("2026-03-08T03:30:00-04:00");
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;
  WatchLog log = { 0 };
  guint id;

  /* The real clock, in UTC, not earlier than a moment ago. */
  g_assert_false (cb_clock_is_fake ());
  g_assert_cmpint (g_date_time_get_utc_offset (real), ==, 0);
  g_assert_cmpint (g_date_time_compare (real, before), >=, 0);

  id = cb_clock_add_watch (watch_cb, &log, watch_destroyed);
  g_assert_cmpuint (id, !=, 0);

  cb_clock_set_fake (fake);
  g_assert_true (cb_clock_is_fake ());
  now = cb_clock_get_now_utc ();
  text = utc_text (now);
  g_assert_cmpstr (text, ==, "2026-03-08T07:30:00Z");
  g_assert_cmpint (g_date_time_get_utc_offset (now), ==, 0);
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_cmpstr (log.last, ==, "2026-03-08T07:30:00Z");

  /* It stands still until moved. */
  g_clear_pointer (&now, g_date_time_unref);
  g_clear_pointer (&text, g_free);
  now = cb_clock_get_now_utc ();
  text = utc_text (now);
  g_assert_cmpstr (text, ==, "2026-03-08T07:30:00Z");

  cb_clock_advance (90 * G_TIME_SPAN_SECOND);
  g_clear_pointer (&now, g_date_time_unref);
  g_clear_pointer (&text, g_free);
  now = cb_clock_get_now_utc ();
  text = utc_text (now);
  g_assert_cmpstr (text, ==, "2026-03-08T07:31:30Z");
  g_assert_cmpuint (log.calls, ==, 2);
  g_assert_cmpstr (log.last, ==, "2026-03-08T07:31:30Z");

  cb_clock_advance (-G_TIME_SPAN_DAY);
  g_assert_cmpstr (log.last, ==, "2026-03-07T07:31:30Z");

  cb_clock_remove_watch (id);
  g_assert_cmpuint (log.destroyed, ==, 1);
  cb_clock_advance (G_TIME_SPAN_HOUR);
  g_assert_cmpuint (log.calls, ==, 3);

  cb_clock_set_fake (NULL);
  g_assert_false (cb_clock_is_fake ());
  g_clear_pointer (&now, g_date_time_unref);
  now = cb_clock_get_now_utc ();
  g_assert_cmpint (g_date_time_compare (now, before), >=, 0);
  g_assert_cmpuint (log.calls, ==, 3);

  g_free (log.last);
}

static char *
civil (gint64 seconds)
{
  char text[20];
  char *end = cb_civil_time_write (text, seconds);

  return end != NULL ? g_strndup (text, end - text) : NULL;
}

/* The date arithmetic the API and the reports write times with, pinned at its edges and
 * compared with GDateTime over four centuries of odd steps. */
static void
test_civil_time (void)
{
  static const struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "1970-01-01T00:00:00" },
    { -1, "1969-12-31T23:59:59" },
    { 951782400, "2000-02-29T00:00:00" },
    { 1709251199, "2024-02-29T23:59:59" },
    { 253402300799, "9999-12-31T23:59:59" },
    { -62135596800, "0001-01-01T00:00:00" },
    { 253402300800, NULL },
    { -62135596801, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = civil (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  for (gint64 s = -6311520000; s < 6311520000; s += 86399 * 37 + 3607)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *expected = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
      g_autofree char *text = civil (s);

      g_assert_cmpstr (text, ==, expected);
    }
}

/* The offsets the reports write after a local time. */
static void
test_utc_offset (void)
{
  static const struct { gint32 offset; const char *text; } cases[] = {
    { 0, "Z" },
    { 7200, "+02:00" },
    { -18000, "-05:00" },
    { 19800, "+05:30" },
    { -12600, "-03:30" },
    { 50400, "+14:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char text[8];
      char *end = cb_utc_offset_write (text, cases[i].offset);

      *end = '\0';
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Pacific/Chatham", TRUE);

  cb_test_init (&argc, &argv);

  g_test_add_func ("/schedule/check", test_check);
  g_test_add_func ("/schedule/latest", test_latest);
  g_test_add_func ("/schedule/rfc3339/parse", test_rfc3339_parse);
  g_test_add_func ("/schedule/rfc3339/huge", test_rfc3339_huge);
  g_test_add_func ("/schedule/rfc3339/format", test_rfc3339_format);
  g_test_add_func ("/schedule/civil-time", test_civil_time);
  g_test_add_func ("/schedule/utc-offset", test_utc_offset);
  g_test_add_func ("/schedule/unix-ms", test_unix_ms);
  g_test_add_func ("/schedule/time-zone-iana", test_time_zone_iana);
  g_test_add_func ("/schedule/local-to-utc", test_local_to_utc);
  g_test_add_func ("/schedule/day-selectable", test_day_selectable);
  g_test_add_func ("/schedule/clock", test_clock);

  return g_test_run ();
}
