/* test-call-window.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-call-window.h"
#include "cb-test-util.h"

/* Times are written and compared as ISO 8601 text through GLib's own parser and formatter,
 * so these tests do not lean on the engine's RFC 3339 helpers. */
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

static CbCallWindow *
window_new (const char *json)
{
  g_autoptr(GError) error = NULL;
  CbCallWindow *window = cb_call_window_new_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (window);
  return window;
}

static void
assert_canonical (const char *json,
                  const char *expected)
{
  g_autoptr(CbCallWindow) window = window_new (json);
  g_autoptr(CbCallWindow) again = NULL;
  g_autofree char *text = cb_call_window_to_string (window);
  g_autofree char *text_again = NULL;

  g_assert_cmpstr (text, ==, expected);

  /* The canonical form parses back to itself. */
  again = window_new (text);
  text_again = cb_call_window_to_string (again);
  g_assert_cmpstr (text_again, ==, expected);
}

static void
assert_invalid (const char *json,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbCallWindow) window = cb_call_window_new_from_string (json, &error);

  g_assert_null (window);
  g_assert_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
assert_open (CbCallWindow       *window,
             const char         *now_iso,
             const char * const *zones,
             const char         *batch_zone,
             gboolean            expected)
{
  g_autoptr(GDateTime) now = at (now_iso);

  if (cb_call_window_contains (window, now, zones, batch_zone) != expected)
    g_error ("at %s the window should be %s", now_iso, expected ? "open" : "closed");
}

static void
assert_next (CbCallWindow       *window,
             const char         *now_iso,
             const char * const *zones,
             const char         *batch_zone,
             const char         *expected)
{
  g_autoptr(GDateTime) now = at (now_iso);
  g_autoptr(GDateTime) next = cb_call_window_next_open (window, now, zones, batch_zone);
  g_autofree char *text = next != NULL ? utc_text (next) : NULL;

  g_assert_cmpstr (text, ==, expected);
  if (next != NULL)
    {
      g_assert_cmpint (g_date_time_get_utc_offset (next), ==, 0);
      g_assert_true (cb_call_window_contains (window, next, zones, batch_zone));
    }
}

/* Parsing */

static void
test_parse_canonical (void)
{
  assert_canonical ("{\"windows\":[{\"start\":540,\"end\":1200}],"
                    "\"days\":[\"Monday\",\"friday\",\"MONDAY\"],"
                    "\"timezone\":\"America/New_York\"}",
                    "{\"windows\":[{\"start\":540,\"end\":1200}],"
                    "\"days\":[\"Monday\",\"Friday\"],\"timezone\":\"America/New_York\"}");
  /* Retell's "day"; member order does not matter. */
  assert_canonical ("{\"timezone\":\"Europe/Berlin\",\"day\":[\"sunday\",\"Saturday\"],"
                    "\"windows\":[{\"end\":1200,\"start\":540}]}",
                    "{\"windows\":[{\"start\":540,\"end\":1200}],"
                    "\"days\":[\"Saturday\",\"Sunday\"],\"timezone\":\"Europe/Berlin\"}");
  /* Sorted; touching windows joined. */
  assert_canonical ("{\"windows\":[{\"start\":720,\"end\":1200},{\"start\":540,\"end\":720},"
                    "{\"start\":0,\"end\":60}]}",
                    "{\"windows\":[{\"start\":0,\"end\":60},{\"start\":540,\"end\":1200}]}");
  /* Every day, however it is said. */
  assert_canonical ("{\"windows\":[{\"start\":0,\"end\":1440}],\"days\":[\"Monday\",\"Tuesday\","
                    "\"Wednesday\",\"Thursday\",\"Friday\",\"Saturday\",\"Sunday\"]}",
                    "{\"windows\":[{\"start\":0,\"end\":1440}]}");
  assert_canonical ("{\"windows\":[{\"start\":0,\"end\":1}],\"days\":[]}",
                    "{\"windows\":[{\"start\":0,\"end\":1}]}");
  assert_canonical ("{\"windows\":[{\"start\":1439,\"end\":1440}],\"days\":null,"
                    "\"timezone\":null}",
                    "{\"windows\":[{\"start\":1439,\"end\":1440}]}");
  assert_canonical ("{\"windows\":[{\"start\":540.0,\"end\":6e2}],\"timezone\":\"Recipient\"}",
                    "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"recipient\"}");
  assert_canonical ("{\"windows\":[{\"start\":60,\"end\":120}],\"timezone\":\"UTC\"}",
                    "{\"windows\":[{\"start\":60,\"end\":120}],\"timezone\":\"UTC\"}");
  assert_canonical ("{\"windows\":[{\"start\":60,\"end\":120}],\"timezone\":\"Etc/GMT+5\"}",
                    "{\"windows\":[{\"start\":60,\"end\":120}],\"timezone\":\"Etc/GMT+5\"}");
}

static void
test_parse_accessors (void)
{
  g_autoptr(CbCallWindow) window = NULL;
  g_autoptr(CbCallWindow) ref = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint start = 0, end = 0;

  window = window_new ("{\"windows\":[{\"start\":780,\"end\":1020},{\"start\":540,\"end\":720}],"
                       "\"days\":[\"Tuesday\",\"Thursday\"],\"timezone\":\"recipient\"}");
  g_assert_cmpuint (cb_call_window_get_n_windows (window), ==, 2);
  cb_call_window_get_window (window, 0, &start, &end);
  g_assert_cmpuint (start, ==, 540);
  g_assert_cmpuint (end, ==, 720);
  cb_call_window_get_window (window, 1, &start, &end);
  g_assert_cmpuint (start, ==, 780);
  g_assert_cmpuint (end, ==, 1020);
  g_assert_false (cb_call_window_allows_day (window, G_DATE_MONDAY));
  g_assert_true (cb_call_window_allows_day (window, G_DATE_TUESDAY));
  g_assert_false (cb_call_window_allows_day (window, G_DATE_WEDNESDAY));
  g_assert_true (cb_call_window_allows_day (window, G_DATE_THURSDAY));
  g_assert_false (cb_call_window_allows_day (window, G_DATE_SUNDAY));
  g_assert_cmpstr (cb_call_window_get_timezone (window), ==, "recipient");
  g_assert_true (cb_call_window_is_per_recipient (window));

  ref = cb_call_window_ref (window);
  g_assert_true (ref == window);
  g_assert_true (G_TYPE_IS_BOXED (CB_TYPE_CALL_WINDOW));

  g_clear_pointer (&window, cb_call_window_unref);
  window = window_new ("{\"windows\":[{\"start\":540,\"end\":1200}]}");
  g_assert_null (cb_call_window_get_timezone (window));
  g_assert_false (cb_call_window_is_per_recipient (window));
  for (GDateWeekday d = G_DATE_MONDAY; d <= G_DATE_SUNDAY; d++)
    g_assert_true (cb_call_window_allows_day (window, d));

  /* From a JsonNode, under another field name. */
  node = json_from_string ("{\"windows\":[{\"start\":540,\"end\":1500}]}", &error);
  g_assert_no_error (error);
  g_assert_null (cb_call_window_new_from_json_full (node, "call_time_window", &error));
  g_assert_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "call_time_window.windows[0].end: 1500 is beyond 1440");
  g_clear_error (&error);
  g_assert_null (cb_call_window_new_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "call_window.windows[0].end: 1500 is beyond 1440");
}

static const struct {
  const char *json;
  const char *message;
} invalid_windows[] = {
  { "[]", "call_window: expected an object, got an array" },
  { "\"x\"", "call_window: expected an object, got a string" },
  { "null", "call_window: expected an object, got null" },
  { "42", "call_window: expected an object, got a number" },
  { "{}", "call_window.windows is missing" },
  { "{\"days\":[\"Monday\"]}", "call_window.windows is missing" },
  { "{\"windows\":null}", "call_window.windows: expected an array, got null" },
  { "{\"windows\":{\"start\":1,\"end\":2}}", "call_window.windows: expected an array, got an object" },
  { "{\"windows\":[]}", "call_window.windows is empty: give at least one window" },
  { "{\"windows\":[5]}", "call_window.windows[0]: expected an object with start and end, got a number" },
  { "{\"windows\":[{\"start\":1,\"end\":2},[1,2]]}",
    "call_window.windows[1]: expected an object with start and end, got an array" },
  { "{\"windows\":[{\"start\":540}]}", "call_window.windows[0].end is missing" },
  { "{\"windows\":[{\"end\":540}]}", "call_window.windows[0].start is missing" },
  { "{\"windows\":[{\"start\":\"540\",\"end\":600}]}",
    "call_window.windows[0].start: expected a whole number of minutes, got a string" },
  { "{\"windows\":[{\"start\":540,\"end\":null}]}",
    "call_window.windows[0].end: expected a whole number of minutes, got null" },
  { "{\"windows\":[{\"start\":true,\"end\":600}]}",
    "call_window.windows[0].start: expected a whole number of minutes, got true or false" },
  { "{\"windows\":[{\"start\":540.5,\"end\":600}]}",
    "call_window.windows[0].start: expected a whole number of minutes, got 540.5" },
  { "{\"windows\":[{\"start\":0,\"end\":1e30}]}",
    "call_window.windows[0].end: expected a whole number of minutes, got 1e+30" },
  { "{\"windows\":[{\"start\":-1,\"end\":600}]}", "call_window.windows[0].start: -1 is before 0 (midnight)" },
  { "{\"windows\":[{\"start\":1440,\"end\":1440}]}", "call_window.windows[0].start: 1440 is beyond 1439" },
  { "{\"windows\":[{\"start\":0,\"end\":-5}]}", "call_window.windows[0].end: -5 is before 0 (midnight)" },
  { "{\"windows\":[{\"start\":0,\"end\":60},{\"start\":540,\"end\":1500}]}",
    "call_window.windows[1].end: 1500 is beyond 1440" },
  { "{\"windows\":[{\"start\":0,\"end\":99999999999}]}",
    "call_window.windows[0].end: 99999999999 is beyond 1440" },
  { "{\"windows\":[{\"start\":600,\"end\":540}]}", "call_window.windows[0]: start 600 is not before end 540" },
  { "{\"windows\":[{\"start\":600,\"end\":600}]}", "call_window.windows[0]: start 600 is not before end 600" },
  { "{\"windows\":[{\"start\":540,\"end\":1200},{\"start\":600,\"end\":700}]}",
    "call_window.windows[1]: 600–700 overlaps windows[0] (540–1200)" },
  { "{\"windows\":[{\"start\":600,\"end\":700},{\"start\":540,\"end\":1200}]}",
    "call_window.windows[1]: 540–1200 overlaps windows[0] (600–700)" },
  { "{\"windows\":[{\"start\":0,\"end\":60},{\"start\":540,\"end\":600},{\"start\":540,\"end\":600}]}",
    "call_window.windows[2]: 540–600 overlaps windows[1] (540–600)" },
  { "{\"windows\":[{\"start\":540,\"end\":600,\"stop\":700}]}",
    "call_window.windows[0].stop: unknown field (expected start and end)" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"tz\":\"UTC\"}",
    "call_window.tz: unknown field (expected windows, days and timezone)" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":\"Monday\"}",
    "call_window.days: expected an array of day names, got a string" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":[\"Monday\",\"Tuesday\",\"Funday\"]}",
    "call_window.days[2]: “Funday” is not a day of the week" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"day\":[\"Mon\"]}",
    "call_window.day[0]: “Mon” is not a day of the week" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":[\" Monday\"]}",
    "call_window.days[0]: “ Monday” is not a day of the week" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":[1]}",
    "call_window.days[0]: expected a day name, got a number" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":[\"Monday\",null]}",
    "call_window.days[1]: expected a day name, got null" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"days\":[\"Monday\"],\"day\":[\"Monday\"]}",
    "call_window: give either days or day, not both" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"Mars/Base\"}",
    "call_window.timezone: “Mars/Base” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"\"}",
    "call_window.timezone: “” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"Etc/Unknown\"}",
    "call_window.timezone: “Etc/Unknown” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"+02:00\"}",
    "call_window.timezone: “+02:00” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"ABC5\"}",
    "call_window.timezone: “ABC5” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"america/new_york\"}",
    "call_window.timezone: “america/new_york” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"../../../etc/passwd\"}",
    "call_window.timezone: “../../../etc/passwd” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"/usr/share/zoneinfo/UTC\"}",
    "call_window.timezone: “/usr/share/zoneinfo/UTC” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"localtime\"}",
    "call_window.timezone: “localtime” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"America\"}",
    "call_window.timezone: “America” is not a known time zone" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":5}",
    "call_window.timezone: expected a time zone name or “recipient”, got a number" },
  { "{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":[\"UTC\"]}",
    "call_window.timezone: expected a time zone name or “recipient”, got an array" },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_windows); i++)
    {
      g_test_message ("%s", invalid_windows[i].json);
      assert_invalid (invalid_windows[i].json, invalid_windows[i].message);
    }
}

static void
test_parse_not_json (void)
{
  static const char *junk[] = {
    "", "   ", "{", "{\"windows\":[{\"start\":540,\"end\":600}]", "windows", "\x01\x02\xff\xfe",
    "{\"windows\":[{\"start\":540,\"end\":600}]} {}", "{\"windows\":[]}]", "[\"]\"] x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CbCallWindow) window = cb_call_window_new_from_string (junk[i], &error);

      g_assert_null (window);
      g_assert_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID_JSON);
      g_assert_true (g_str_equal (error->message, "call_window is empty") ||
                     g_str_has_prefix (error->message, "call_window is not valid JSON: "));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (cb_call_window_new_from_string ("{\"windows\":[{\"start\":1,\"end\":2}]} {}",
                                                   &error));
    g_assert_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID_JSON);
    g_assert_cmpstr (error->message, ==, "call_window is not valid JSON: unexpected text after the end (at byte 35)");
    g_clear_error (&error);
    g_assert_null (cb_call_window_new_from_string ("", &error));
    g_assert_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID_JSON);
    g_assert_cmpstr (error->message, ==, "call_window is empty");
  }
}

/* Evaluation in one fixed zone */

static void
test_fixed_zone (void)
{
  g_autoptr(CbCallWindow) window = NULL;
  const char *london[] = { "Europe/London", NULL };

  /* 09:00–20:00, Monday to Friday, New York (EDT = UTC−4 in May). */
  window = window_new ("{\"windows\":[{\"start\":540,\"end\":1200}],"
                       "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"],"
                       "\"timezone\":\"America/New_York\"}");

  assert_open (window, "2026-05-05T12:59:59Z", NULL, NULL, FALSE);
  assert_next (window, "2026-05-05T12:59:59Z", NULL, NULL, "2026-05-05T13:00:00Z");
  assert_next (window, "2026-05-05T12:59:59.5Z", NULL, NULL, "2026-05-05T13:00:00Z");
  assert_open (window, "2026-05-05T13:00:00Z", NULL, NULL, TRUE);
  assert_next (window, "2026-05-05T13:00:00Z", NULL, NULL, "2026-05-05T13:00:00Z");
  /* Open now: now itself, to the microsecond, in UTC. */
  assert_next (window, "2026-05-05T15:00:00.25+02:00", NULL, NULL, "2026-05-05T13:00:00.250000Z");
  assert_open (window, "2026-05-05T23:59:59Z", NULL, NULL, TRUE);
  assert_open (window, "2026-05-05T23:59:59.999Z", NULL, NULL, TRUE);
  assert_open (window, "2026-05-06T00:00:00Z", NULL, NULL, FALSE);
  assert_next (window, "2026-05-06T00:00:00Z", NULL, NULL, "2026-05-06T13:00:00Z");
  /* Friday evening, then the weekend. */
  assert_open (window, "2026-05-08T23:59:59Z", NULL, NULL, TRUE);
  assert_next (window, "2026-05-09T00:00:00Z", NULL, NULL, "2026-05-11T13:00:00Z");
  assert_next (window, "2026-05-10T13:00:00Z", NULL, NULL, "2026-05-11T13:00:00Z");
  /* A fixed zone ignores the recipient's zones and the batch's zone. */
  assert_open (window, "2026-05-05T13:00:00Z", london, "Asia/Tokyo", TRUE);
  assert_next (window, "2026-05-05T08:00:00Z", london, "Asia/Tokyo", "2026-05-05T13:00:00Z");
}

static void
test_batch_zone (void)
{
  g_autoptr(CbCallWindow) window = NULL;
  const char *london[] = { "Europe/London", NULL };

  /* No timezone: the batch's zone; UTC when the batch has none or an unknown one. */
  window = window_new ("{\"windows\":[{\"start\":540,\"end\":600}]}");
  assert_open (window, "2026-05-05T07:00:00Z", NULL, "Europe/Berlin", TRUE);
  assert_open (window, "2026-05-05T09:00:00Z", NULL, "Europe/Berlin", FALSE);
  assert_next (window, "2026-05-05T08:00:00Z", NULL, "Europe/Berlin", "2026-05-06T07:00:00Z");
  assert_open (window, "2026-05-05T09:00:00Z", NULL, NULL, TRUE);
  assert_open (window, "2026-05-05T07:00:00Z", NULL, NULL, FALSE);
  assert_next (window, "2026-05-05T07:00:00Z", NULL, "Mars/Base", "2026-05-05T09:00:00Z");
  /* Not per recipient: their zones do not count. */
  assert_open (window, "2026-05-05T08:00:00Z", london, NULL, FALSE);
}

static void
test_weekday_local (void)
{
  g_autoptr(CbCallWindow) friday = NULL;
  g_autoptr(CbCallWindow) saturday = NULL;

  /* 18:00–21:00 in Los Angeles. Friday 19:00 PDT is Saturday 02:00 UTC. */
  friday = window_new ("{\"windows\":[{\"start\":1080,\"end\":1260}],\"days\":[\"Friday\"],"
                       "\"timezone\":\"America/Los_Angeles\"}");
  saturday = window_new ("{\"windows\":[{\"start\":1080,\"end\":1260}],\"day\":[\"saturday\"],"
                         "\"timezone\":\"America/Los_Angeles\"}");

  assert_open (friday, "2026-05-09T02:00:00Z", NULL, NULL, TRUE);
  assert_open (saturday, "2026-05-09T02:00:00Z", NULL, NULL, FALSE);
  assert_next (saturday, "2026-05-09T02:00:00Z", NULL, NULL, "2026-05-10T01:00:00Z");
  assert_next (friday, "2026-05-09T04:00:00Z", NULL, NULL, "2026-05-16T01:00:00Z");
  assert_next (friday, "2026-05-08T12:00:00Z", NULL, NULL, "2026-05-09T01:00:00Z");
  /* In winter (PST = UTC−8). */
  assert_next (friday, "2026-01-02T12:00:00Z", NULL, NULL, "2026-01-03T02:00:00Z");
}

/* Clock changes */

static void
test_dst_us_spring (void)
{
  g_autoptr(CbCallWindow) skipped = NULL;
  g_autoptr(CbCallWindow) sunday_skipped = NULL;
  g_autoptr(CbCallWindow) spanning = NULL;
  g_autoptr(CbCallWindow) after_gap = NULL;

  /* 2026-03-08 in New York: at 07:00Z, 02:00 EST becomes 03:00 EDT. */
  skipped = window_new ("{\"windows\":[{\"start\":120,\"end\":180}],"
                        "\"timezone\":\"America/New_York\"}");
  assert_open (skipped, "2026-03-07T07:00:00Z", NULL, NULL, TRUE);   /* 02:00 EST, Saturday */
  assert_open (skipped, "2026-03-08T06:59:59Z", NULL, NULL, FALSE);  /* 01:59:59 EST */
  assert_open (skipped, "2026-03-08T07:00:00Z", NULL, NULL, FALSE);  /* 03:00 EDT */
  assert_open (skipped, "2026-03-08T07:30:00Z", NULL, NULL, FALSE);
  /* The window does not exist that day: the next one is Monday 02:00 EDT. */
  assert_next (skipped, "2026-03-08T05:00:00Z", NULL, NULL, "2026-03-09T06:00:00Z");
  assert_next (skipped, "2026-03-07T07:59:59Z", NULL, NULL, "2026-03-07T07:59:59Z");
  assert_next (skipped, "2026-03-07T08:00:00Z", NULL, NULL, "2026-03-09T06:00:00Z");

  sunday_skipped = window_new ("{\"windows\":[{\"start\":120,\"end\":180}],\"days\":[\"Sunday\"],"
                               "\"timezone\":\"America/New_York\"}");
  assert_next (sunday_skipped, "2026-03-01T08:00:00Z", NULL, NULL, "2026-03-15T06:00:00Z");
  assert_next (sunday_skipped, "2026-03-07T12:00:00Z", NULL, NULL, "2026-03-15T06:00:00Z");

  /* 01:30–03:30 spans the gap: 01:30 EST to 03:30 EDT, one real hour. */
  spanning = window_new ("{\"windows\":[{\"start\":90,\"end\":210}],"
                         "\"timezone\":\"America/New_York\"}");
  assert_open (spanning, "2026-03-08T06:29:59Z", NULL, NULL, FALSE);
  assert_open (spanning, "2026-03-08T06:30:00Z", NULL, NULL, TRUE);
  assert_open (spanning, "2026-03-08T06:59:59Z", NULL, NULL, TRUE);
  assert_open (spanning, "2026-03-08T07:00:00Z", NULL, NULL, TRUE);
  assert_open (spanning, "2026-03-08T07:29:59Z", NULL, NULL, TRUE);
  assert_open (spanning, "2026-03-08T07:30:00Z", NULL, NULL, FALSE);
  assert_next (spanning, "2026-03-08T05:00:00Z", NULL, NULL, "2026-03-08T06:30:00Z");
  assert_next (spanning, "2026-03-08T07:30:00Z", NULL, NULL, "2026-03-09T05:30:00Z");

  /* 02:30–04:00 opens when the clock jumps to 03:00 EDT. */
  after_gap = window_new ("{\"windows\":[{\"start\":150,\"end\":240}],"
                          "\"timezone\":\"America/New_York\"}");
  assert_next (after_gap, "2026-03-08T05:00:00Z", NULL, NULL, "2026-03-08T07:00:00Z");
  assert_open (after_gap, "2026-03-08T06:59:59Z", NULL, NULL, FALSE);
  assert_open (after_gap, "2026-03-08T07:59:59Z", NULL, NULL, TRUE);
  assert_open (after_gap, "2026-03-08T08:00:00Z", NULL, NULL, FALSE);
  assert_next (after_gap, "2026-03-08T08:00:00Z", NULL, NULL, "2026-03-09T06:30:00Z");
}

static void
test_dst_us_fall (void)
{
  g_autoptr(CbCallWindow) repeated = NULL;
  g_autoptr(CbCallWindow) before = NULL;
  g_autoptr(CbCallWindow) day = NULL;

  /* 2026-11-01 in New York: at 06:00Z, 02:00 EDT becomes 01:00 EST. */
  repeated = window_new ("{\"windows\":[{\"start\":60,\"end\":120}],"
                         "\"timezone\":\"America/New_York\"}");
  assert_open (repeated, "2026-11-01T04:59:59Z", NULL, NULL, FALSE);
  assert_open (repeated, "2026-11-01T05:00:00Z", NULL, NULL, TRUE);   /* 01:00 EDT */
  assert_open (repeated, "2026-11-01T05:30:00Z", NULL, NULL, TRUE);   /* 01:30 EDT */
  assert_open (repeated, "2026-11-01T06:00:00Z", NULL, NULL, TRUE);   /* 01:00 EST */
  assert_open (repeated, "2026-11-01T06:30:00Z", NULL, NULL, TRUE);   /* 01:30 EST */
  assert_open (repeated, "2026-11-01T06:59:59Z", NULL, NULL, TRUE);
  assert_open (repeated, "2026-11-01T07:00:00Z", NULL, NULL, FALSE);  /* 02:00 EST */
  assert_next (repeated, "2026-11-01T07:00:00Z", NULL, NULL, "2026-11-02T06:00:00Z");
  assert_next (repeated, "2026-10-31T06:00:00Z", NULL, NULL, "2026-11-01T05:00:00Z");

  /* 00:00–01:30: closes at 01:30 EDT, opens again when 02:00 EDT turns into 01:00 EST. */
  before = window_new ("{\"windows\":[{\"start\":0,\"end\":90}],"
                       "\"timezone\":\"America/New_York\"}");
  assert_open (before, "2026-11-01T05:29:59Z", NULL, NULL, TRUE);
  assert_open (before, "2026-11-01T05:30:00Z", NULL, NULL, FALSE);
  assert_next (before, "2026-11-01T05:40:00Z", NULL, NULL, "2026-11-01T06:00:00Z");
  assert_open (before, "2026-11-01T06:29:59Z", NULL, NULL, TRUE);
  assert_next (before, "2026-11-01T06:30:00Z", NULL, NULL, "2026-11-02T05:00:00Z");

  day = window_new ("{\"windows\":[{\"start\":540,\"end\":1200}],"
                    "\"timezone\":\"America/New_York\"}");
  assert_open (day, "2026-10-31T12:59:59Z", NULL, NULL, FALSE);
  assert_open (day, "2026-10-31T13:00:00Z", NULL, NULL, TRUE);
  assert_open (day, "2026-11-01T13:59:59Z", NULL, NULL, FALSE);
  assert_next (day, "2026-11-01T13:00:00Z", NULL, NULL, "2026-11-01T14:00:00Z");
}

static void
test_dst_eu (void)
{
  g_autoptr(CbCallWindow) night = NULL;
  g_autoptr(CbCallWindow) office = NULL;

  /* Europe/Berlin: 2026-03-29 at 01:00Z 02:00 CET becomes 03:00 CEST;
   * 2026-10-25 at 01:00Z 03:00 CEST becomes 02:00 CET. */
  night = window_new ("{\"windows\":[{\"start\":120,\"end\":180}],"
                      "\"timezone\":\"Europe/Berlin\"}");
  assert_open (night, "2026-03-28T01:30:00Z", NULL, NULL, TRUE);
  assert_open (night, "2026-03-29T00:59:59Z", NULL, NULL, FALSE);
  assert_open (night, "2026-03-29T01:00:00Z", NULL, NULL, FALSE);
  assert_next (night, "2026-03-28T02:00:00Z", NULL, NULL, "2026-03-30T00:00:00Z");
  assert_open (night, "2026-10-24T23:59:59Z", NULL, NULL, FALSE);     /* 01:59:59 CEST */
  assert_open (night, "2026-10-25T00:00:00Z", NULL, NULL, TRUE);      /* 02:00 CEST */
  assert_open (night, "2026-10-25T01:00:00Z", NULL, NULL, TRUE);      /* 02:00 CET */
  assert_open (night, "2026-10-25T01:59:59Z", NULL, NULL, TRUE);
  assert_open (night, "2026-10-25T02:00:00Z", NULL, NULL, FALSE);
  assert_next (night, "2026-10-25T02:00:00Z", NULL, NULL, "2026-10-26T01:00:00Z");

  office = window_new ("{\"windows\":[{\"start\":540,\"end\":1020}],"
                       "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"],"
                       "\"timezone\":\"Europe/Berlin\"}");
  assert_open (office, "2026-03-27T08:00:00Z", NULL, NULL, TRUE);     /* Friday 09:00 CET */
  assert_next (office, "2026-03-27T16:00:00Z", NULL, NULL, "2026-03-30T07:00:00Z");
  assert_open (office, "2026-03-30T06:59:59Z", NULL, NULL, FALSE);
  assert_open (office, "2026-03-30T14:59:59Z", NULL, NULL, TRUE);
  assert_open (office, "2026-03-30T15:00:00Z", NULL, NULL, FALSE);
  assert_next (office, "2026-10-23T15:00:00Z", NULL, NULL, "2026-10-26T08:00:00Z");
}

/* Per recipient */

static void
test_recipient (void)
{
  g_autoptr(CbCallWindow) window = NULL;
  g_autoptr(CbCallWindow) short_window = NULL;
  const char *la[] = { "America/Los_Angeles", NULL };
  const char *london[] = { "Europe/London", NULL };
  const char *both[] = { "America/Los_Angeles", "Europe/London", NULL };
  const char *unknown[] = { "Etc/Unknown", NULL };
  const char *unknown_and_london[] = { "Etc/Unknown", "Europe/London", "Europe/London", NULL };
  const char *none[] = { NULL };
  const char *ny_london[] = { "America/New_York", "Europe/London", NULL };

  window = window_new ("{\"windows\":[{\"start\":540,\"end\":1200}],\"timezone\":\"recipient\"}");

  /* 2026-05-05: LA is UTC−7, London UTC+1. */
  assert_open (window, "2026-05-05T16:00:00Z", la, NULL, TRUE);
  assert_open (window, "2026-05-05T16:00:00Z", london, NULL, TRUE);
  assert_open (window, "2026-05-05T20:00:00Z", la, NULL, TRUE);
  assert_open (window, "2026-05-05T20:00:00Z", london, NULL, FALSE);
  assert_next (window, "2026-05-05T20:00:00Z", london, NULL, "2026-05-06T08:00:00Z");
  assert_next (window, "2026-05-05T08:00:00Z", la, NULL, "2026-05-05T16:00:00Z");

  /* A number in both zones: only while both are open, LA 09:00–12:00 = 16:00Z–19:00Z. */
  assert_open (window, "2026-05-05T15:59:59Z", both, NULL, FALSE);
  assert_open (window, "2026-05-05T16:00:00Z", both, NULL, TRUE);
  assert_open (window, "2026-05-05T18:59:59Z", both, NULL, TRUE);
  assert_open (window, "2026-05-05T19:00:00Z", both, NULL, FALSE);
  assert_next (window, "2026-05-05T19:00:00Z", both, NULL, "2026-05-06T16:00:00Z");
  assert_next (window, "2026-05-05T09:00:00Z", both, NULL, "2026-05-05T16:00:00Z");

  /* Unknown zones fall back to the batch's zone; known ones are used alone. */
  assert_open (window, "2026-05-05T08:00:00Z", unknown, "Europe/London", TRUE);
  assert_open (window, "2026-05-05T08:00:00Z", unknown, "America/Los_Angeles", FALSE);
  assert_open (window, "2026-05-05T08:00:00Z", NULL, "Europe/London", TRUE);
  assert_open (window, "2026-05-05T08:00:00Z", none, "Europe/London", TRUE);
  assert_open (window, "2026-05-05T08:00:00Z", unknown, NULL, FALSE);    /* UTC 08:00 */
  assert_open (window, "2026-05-05T09:00:00Z", unknown, NULL, TRUE);     /* UTC 09:00 */
  assert_open (window, "2026-05-05T08:00:00Z", unknown_and_london, "America/Los_Angeles", TRUE);
  assert_next (window, "2026-05-05T20:00:00Z", unknown_and_london, "America/Los_Angeles",
               "2026-05-06T08:00:00Z");

  /* One hour in each zone never meets between LA and London. */
  short_window = window_new ("{\"windows\":[{\"start\":540,\"end\":600}],\"timezone\":\"recipient\"}");
  assert_next (short_window, "2026-05-05T00:00:00Z", both, NULL, NULL);
  assert_next (short_window, "2026-05-05T00:00:00Z", la, NULL, "2026-05-05T16:00:00Z");
  g_clear_pointer (&short_window, cb_call_window_unref);

  /* 09:00–13:30 in New York and in London meets only while New York is on summer time and
   * London is not yet (or no longer): 09:00 EDT = 13:00 GMT. */
  short_window = window_new ("{\"windows\":[{\"start\":540,\"end\":810}],\"timezone\":\"recipient\"}");
  assert_next (short_window, "2026-02-01T00:00:00Z", ny_london, NULL, "2026-03-08T13:00:00Z");
  assert_open (short_window, "2026-03-27T13:29:59Z", ny_london, NULL, TRUE);
  assert_open (short_window, "2026-03-27T13:30:00Z", ny_london, NULL, FALSE);
  assert_next (short_window, "2026-03-28T13:30:00Z", ny_london, NULL, "2026-10-25T13:00:00Z");
  assert_next (short_window, "2026-11-01T14:00:00Z", ny_london, NULL, "2027-03-14T13:00:00Z");
}

/* The sweep: a fake clock walks through weeks in steps of 1 to 5 minutes. The window's
 * answers are compared with a timeline worked out minute by minute with GLib's calendar
 * functions (g_date_time_to_timezone(), get_hour(), get_day_of_week()). */

typedef struct
{
  const char *name;
  const char *json;
  const char *zones[4];      /* the recipient's zones, NULL-terminated */
  const char *batch_zone;
  const char *oracle[4];     /* the zones the window must be open in, NULL-terminated */
  const char *start;         /* first instant, ISO 8601 */
  guint       days;          /* swept */
  const char *after;         /* next opening after the timeline when none in it, or NULL */
} SweepCase;

static const SweepCase sweep_cases[] = {
  { "ny-office-spring",
    "{\"windows\":[{\"start\":540,\"end\":1200}],\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\","
    "\"Thursday\",\"Friday\"],\"timezone\":\"America/New_York\"}",
    { NULL }, NULL, { "America/New_York" }, "2026-03-01T00:00:00Z", 14, NULL },
  { "ny-night-spring",
    "{\"windows\":[{\"start\":60,\"end\":180},{\"start\":1380,\"end\":1440}],"
    "\"timezone\":\"America/New_York\"}",
    { NULL }, NULL, { "America/New_York" }, "2026-03-01T00:00:00Z", 14, NULL },
  { "ny-night-fall",
    "{\"windows\":[{\"start\":0,\"end\":90},{\"start\":150,\"end\":240}],"
    "\"days\":[\"Saturday\",\"Sunday\",\"Monday\"],\"timezone\":\"America/New_York\"}",
    { NULL }, NULL, { "America/New_York" }, "2026-10-25T00:00:00Z", 14, NULL },
  { "berlin-spring",
    "{\"windows\":[{\"start\":120,\"end\":180},{\"start\":540,\"end\":1020}],"
    "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\",\"Sunday\"],"
    "\"timezone\":\"Europe/Berlin\"}",
    { NULL }, NULL, { "Europe/Berlin" }, "2026-03-22T00:00:00Z", 14, NULL },
  { "berlin-fall",
    "{\"windows\":[{\"start\":120,\"end\":180},{\"start\":540,\"end\":1020}],"
    "\"timezone\":\"Europe/Berlin\"}",
    { NULL }, NULL, { "Europe/Berlin" }, "2026-10-18T00:00:00Z", 14, NULL },
  { "batch-zone",
    "{\"windows\":[{\"start\":120,\"end\":200}],\"days\":[\"Sunday\"]}",
    { NULL }, "America/New_York", { "America/New_York" }, "2026-03-01T00:00:00Z", 21, NULL },
  { "recipient-la",
    "{\"windows\":[{\"start\":540,\"end\":1200}],\"timezone\":\"recipient\"}",
    { "America/Los_Angeles" }, "Europe/Berlin", { "America/Los_Angeles" },
    "2026-03-01T00:00:00Z", 35, NULL },
  { "recipient-london",
    "{\"windows\":[{\"start\":540,\"end\":1200}],\"timezone\":\"recipient\"}",
    { "Europe/London" }, "America/Los_Angeles", { "Europe/London" },
    "2026-03-01T00:00:00Z", 35, NULL },
  { "recipient-la-london",
    "{\"windows\":[{\"start\":540,\"end\":1200}],\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\","
    "\"Thursday\",\"Friday\"],\"timezone\":\"recipient\"}",
    { "America/Los_Angeles", "Europe/London" }, NULL,
    { "America/Los_Angeles", "Europe/London" }, "2026-03-01T00:00:00Z", 35, NULL },
  { "recipient-friday-both",
    "{\"windows\":[{\"start\":0,\"end\":1440}],\"days\":[\"Friday\"],\"timezone\":\"recipient\"}",
    { "America/Los_Angeles", "Europe/London" }, NULL,
    { "America/Los_Angeles", "Europe/London" }, "2026-10-16T00:00:00Z", 21, NULL },
  { "recipient-unknown",
    "{\"windows\":[{\"start\":540,\"end\":1200}],\"timezone\":\"recipient\"}",
    { "Etc/Unknown" }, "Europe/Berlin", { "Europe/Berlin" }, "2026-03-22T00:00:00Z", 14, NULL },
  { "recipient-ny-london-gap",
    "{\"windows\":[{\"start\":540,\"end\":810}],\"timezone\":\"recipient\"}",
    { "America/New_York", "Europe/London" }, NULL,
    { "America/New_York", "Europe/London" }, "2026-03-01T00:00:00Z", 35,
    "2026-10-25T13:00:00Z" },
};

static gboolean
oracle_open (JsonObject       *object,
             const SweepCase  *c,
             GTimeZone       **zones,
             GDateTime        *t)
{
  JsonArray *windows = json_object_get_array_member (object, "windows");
  JsonArray *days = json_object_has_member (object, "days")
                    ? json_object_get_array_member (object, "days") : NULL;
  static const char *names[] = { NULL, "Monday", "Tuesday", "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday" };

  for (guint z = 0; c->oracle[z] != NULL; z++)
    {
      g_autoptr(GDateTime) local = g_date_time_to_timezone (t, zones[z]);
      int minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
      const char *day = names[g_date_time_get_day_of_week (local)];
      gboolean day_ok = days == NULL;
      gboolean in_window = FALSE;

      for (guint i = 0; days != NULL && i < json_array_get_length (days); i++)
        day_ok |= g_str_equal (json_array_get_string_element (days, i), day);

      for (guint i = 0; i < json_array_get_length (windows); i++)
        {
          JsonObject *w = json_array_get_object_element (windows, i);

          in_window |= minute >= json_object_get_int_member (w, "start") &&
                       minute < json_object_get_int_member (w, "end");
        }

      if (!day_ok || !in_window)
        return FALSE;
    }

  return TRUE;
}

static void
run_sweep (gconstpointer data)
{
  const SweepCase *c = data;
  g_autoptr(CbCallWindow) window = window_new (c->json);
  g_autoptr(JsonNode) node = cb_call_window_to_json (window);
  g_autoptr(GDateTime) start = at (c->start);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260308);
  GTimeZone *zones[4] = { NULL };
  /* The timeline runs 16 days past the sweep, so every expected opening is in it. */
  guint n_minutes = (c->days + 16) * 1440;
  g_autofree gboolean *open = g_new0 (gboolean, n_minutes);
  g_autofree int *next_open_minute = g_new0 (int, n_minutes + 1);
  gint64 start_s = g_date_time_to_unix (start);
  gint64 sweep_end = start_s + (gint64) c->days * 86400;
  guint n_open = 0, n_steps = 0;

  for (guint z = 0; c->oracle[z] != NULL; z++)
    zones[z] = g_time_zone_new_identifier (c->oracle[z]);

  for (guint m = 0; m < n_minutes; m++)
    {
      g_autoptr(GDateTime) t = g_date_time_add_minutes (start, m);

      open[m] = oracle_open (json_node_get_object (node), c, zones, t);
      n_open += open[m];
    }

  /* next_open_minute[m]: the first open minute at or after m, -1 when none is left. */
  next_open_minute[n_minutes] = -1;
  for (int m = n_minutes - 1; m >= 0; m--)
    next_open_minute[m] = open[m] ? m : next_open_minute[m + 1];

  /* Every minute of the sweep, and a second before and after it: "open" is never outside
   * the window, "closed" never inside it. */
  for (guint m = 0; m < c->days * 1440; m++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (start_s + m * 60);
      g_autoptr(GDateTime) t_end = g_date_time_add_seconds (t, 59.999);

      if (cb_call_window_contains (window, t, c->zones, c->batch_zone) != open[m] ||
          cb_call_window_contains (window, t_end, c->zones, c->batch_zone) != open[m])
        g_error ("%s: minute %u (%s + %u min) should be %s", c->name, m, c->start, m,
                 open[m] ? "open" : "closed");
    }

  /* The fake clock: steps of 1 to 5 minutes, landing on any second. */
  for (gint64 now_s = start_s; now_s < sweep_end; now_s += g_rand_int_range (rand, 60, 301))
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_s);
      g_autoptr(GDateTime) next = cb_call_window_next_open (window, now, c->zones, c->batch_zone);
      guint m = (now_s - start_s) / 60;
      int expected_m;

      n_steps++;

      if (open[m])
        {
          /* Open now: now itself. */
          g_assert_nonnull (next);
          g_assert_true (g_date_time_equal (next, now));
          g_assert_true (cb_call_window_contains (window, now, c->zones, c->batch_zone));
          continue;
        }

      g_assert_false (cb_call_window_contains (window, now, c->zones, c->batch_zone));
      expected_m = next_open_minute[m];

      if (expected_m < 0)
        {
          g_autofree char *text = next != NULL ? utc_text (next) : NULL;

          /* Nothing within the timeline: the answer is the known later opening. */
          g_assert_cmpstr (text, ==, c->after);
          continue;
        }

      /* The earliest open minute, to the second: nothing earlier is open. */
      if (next == NULL || g_date_time_to_unix (next) != start_s + expected_m * 60)
        {
          g_autofree char *got = next != NULL ? utc_text (next) : g_strdup ("never");

          g_error ("%s: from %s + %" G_GINT64_FORMAT " s, expected the window to open at "
                   "minute %d, got %s", c->name, c->start, now_s - start_s, expected_m, got);
        }
      g_assert_cmpint (g_date_time_get_microsecond (next), ==, 0);
      g_assert_true (cb_call_window_contains (window, next, c->zones, c->batch_zone));
    }

  g_test_message ("%s: %u open minutes of %u, %u clock steps", c->name, n_open, n_minutes, n_steps);
  g_assert_cmpuint (n_open, >, 0);

  for (guint z = 0; zones[z] != NULL; z++)
    g_time_zone_unref (zones[z]);
}

int
main (int   argc,
      char *argv[])
{
  /* The machine's zone must not matter. */
  g_setenv ("TZ", "Pacific/Chatham", TRUE);

  cb_test_init (&argc, &argv);

  g_test_add_func ("/call-window/parse/canonical", test_parse_canonical);
  g_test_add_func ("/call-window/parse/accessors", test_parse_accessors);
  g_test_add_func ("/call-window/parse/errors", test_parse_errors);
  g_test_add_func ("/call-window/parse/not-json", test_parse_not_json);
  g_test_add_func ("/call-window/fixed-zone", test_fixed_zone);
  g_test_add_func ("/call-window/batch-zone", test_batch_zone);
  g_test_add_func ("/call-window/weekday-local", test_weekday_local);
  g_test_add_func ("/call-window/dst/us-spring", test_dst_us_spring);
  g_test_add_func ("/call-window/dst/us-fall", test_dst_us_fall);
  g_test_add_func ("/call-window/dst/eu", test_dst_eu);
  g_test_add_func ("/call-window/recipient", test_recipient);

  for (guint i = 0; i < G_N_ELEMENTS (sweep_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/call-window/sweep/%s", sweep_cases[i].name);

      g_test_add_data_func (path, &sweep_cases[i], run_sweep);
    }

  return g_test_run ();
}
