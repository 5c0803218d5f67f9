/* test-phone.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cb-phone.h"
#include "cb-test-util.h"

static const char * const nanpa_zones[] = {
  "America/Adak", "America/Anchorage", "America/Anguilla", "America/Antigua",
  "America/Barbados", "America/Boise", "America/Cayman", "America/Chicago", "America/Denver",
  "America/Dominica", "America/Edmonton", "America/Fort_Nelson", "America/Grand_Turk",
  "America/Grenada", "America/Halifax", "America/Jamaica", "America/Juneau",
  "America/Los_Angeles", "America/Lower_Princes", "America/Montserrat", "America/Nassau",
  "America/New_York", "America/North_Dakota/Center", "America/Phoenix",
  "America/Port_of_Spain", "America/Puerto_Rico", "America/Regina", "America/Santo_Domingo",
  "America/St_Johns", "America/St_Kitts", "America/St_Lucia", "America/St_Thomas",
  "America/St_Vincent", "America/Toronto", "America/Tortola", "America/Vancouver",
  "America/Winnipeg", "Atlantic/Bermuda", "Pacific/Guam", "Pacific/Honolulu",
  "Pacific/Pago_Pago", "Pacific/Saipan", NULL
};

static const char * const zone_7_zones[] = {
  "Asia/Almaty", "Asia/Anadyr", "Asia/Aqtobe", "Asia/Irkutsk", "Asia/Kamchatka",
  "Asia/Krasnoyarsk", "Asia/Magadan", "Asia/Novosibirsk", "Asia/Omsk", "Asia/Sakhalin",
  "Asia/Vladivostok", "Asia/Yakutsk", "Asia/Yekaterinburg", "Europe/Bucharest",
  "Europe/Moscow", "Europe/Samara", NULL
};

static void
assert_zones (const char         *e164,
              const char * const *expected)
{
  const char * const *zones = cb_phone_time_zones (e164);

  g_assert_nonnull (zones);
  if (!g_strv_equal ((const char * const *) zones, expected))
    {
      g_autofree char *got = g_strjoinv (",", (char **) zones);
      g_autofree char *want = g_strjoinv (",", (char **) expected);

      g_error ("time zones of “%s”: got %s, expected %s", e164, got, want);
    }
}

static void
test_time_zones_geographic (void)
{
  assert_zones ("+14155550100", (const char *[]) { "America/Los_Angeles", NULL });
  assert_zones ("+442079460958", (const char *[]) { "Europe/London", NULL });
  assert_zones ("+16135550100", (const char *[]) { "America/Toronto", NULL });
  assert_zones ("+493012345678", (const char *[]) { "Europe/Berlin", NULL });
  /* Several zones for one area code. */
  assert_zones ("+19075550100", (const char *[]) { "America/Adak", "America/Anchorage", NULL });
  assert_zones ("+61891234567",
                (const char *[]) { "Australia/Adelaide", "Australia/Perth", NULL });
  /* Mobile numbers are geographic in Argentina, Brazil, China, Indonesia and Mexico only. */
  assert_zones ("+5491123456789", (const char *[]) { "America/Buenos_Aires", NULL });
  assert_zones ("+8613800138000", (const char *[]) { "Asia/Shanghai", NULL });
}

static void
test_time_zones_country_level (void)
{
  /* Toll-free and mobile numbers elsewhere: every zone of the country calling code. */
  assert_zones ("+18002530000", nanpa_zones);
  assert_zones ("+79123456789", zone_7_zones);
  assert_zones ("+77011234567", zone_7_zones);
  assert_zones ("+447400123456",
                (const char *[]) { "Europe/Guernsey", "Europe/Isle_of_Man", "Europe/Jersey",
                                   "Europe/London", NULL });
  assert_zones ("+4915123456789", (const char *[]) { "Europe/Berlin", NULL });
  assert_zones ("+34612345678", (const char *[]) { "Atlantic/Canary", "Europe/Madrid", NULL });
  assert_zones ("+919876543210", (const char *[]) { "Asia/Calcutta", NULL });
}

static void
test_time_zones_unknown (void)
{
  static const char *unknown[] = { "Etc/Unknown", NULL };
  const char * const *first;

  /* Non-geographic entities (+800 international freephone) have no zone. */
  assert_zones ("+80012345678", unknown);
  assert_zones ("+870773111632", unknown);
  /* Not valid: no type, no zone. */
  assert_zones ("+15555550100", unknown);
  assert_zones ("+447700900123", unknown);
  /* Not parsable. */
  assert_zones ("+999123456789", unknown);
  assert_zones ("4155550100", unknown);
  assert_zones ("", unknown);
  assert_zones ("abc", unknown);
  assert_zones ("+", unknown);
  assert_zones ("\xff\xfe", unknown);
  assert_zones (NULL, unknown);

  /* Static data, the same pointer every time. */
  first = cb_phone_time_zones ("+14155550100");
  g_assert_true (first == cb_phone_time_zones ("+14155550100"));
  g_assert_true (cb_phone_time_zones ("") == cb_phone_time_zones (NULL));
}

typedef struct
{
  const char    *text;
  const char    *region;
  CbPhoneResult  result;
  const char    *e164;
  const char    *number_region;
  int            country_code;
  CbPhoneType    type;
} ParseCase;

static const ParseCase parse_cases[] = {
  /* National numbers with a default region. */
  { "(201) 555-0123", "US", CB_PHONE_OK, "+12015550123", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "201-555-0123", "US", CB_PHONE_OK, "+12015550123", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "1 201 555 0123", "US", CB_PHONE_OK, "+12015550123", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "(613) 555-0100", "US", CB_PHONE_OK, "+16135550100", "CA", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "020 7946 0958", "GB", CB_PHONE_OK, "+442079460958", "GB", 44, CB_PHONE_TYPE_FIXED_LINE },
  { "07700 900123", "GB", CB_PHONE_INVALID, "+447700900123", "", 44, CB_PHONE_TYPE_UNKNOWN },
  { "030 12345678", "DE", CB_PHONE_OK, "+493012345678", "DE", 49, CB_PHONE_TYPE_FIXED_LINE },
  { "0151 23456789", "DE", CB_PHONE_OK, "+4915123456789", "DE", 49, CB_PHONE_TYPE_MOBILE },
  { "098765 43210", "IN", CB_PHONE_OK, "+919876543210", "IN", 91, CB_PHONE_TYPE_MOBILE },
  { "9876543210", "IN", CB_PHONE_OK, "+919876543210", "IN", 91, CB_PHONE_TYPE_MOBILE },
  /* International forms: the default region does not matter. */
  { "+91 98765 43210", "DE", CB_PHONE_OK, "+919876543210", "IN", 91, CB_PHONE_TYPE_MOBILE },
  { "+44 20 7946 0958", "US", CB_PHONE_OK, "+442079460958", "GB", 44, CB_PHONE_TYPE_FIXED_LINE },
  { "+44 (0) 20 7946-0958", NULL, CB_PHONE_OK, "+442079460958", "GB", 44,
    CB_PHONE_TYPE_FIXED_LINE },
  { "0044 20 7946 0958", "DE", CB_PHONE_OK, "+442079460958", "GB", 44,
    CB_PHONE_TYPE_FIXED_LINE },
  { "011 44 20 7946 0958", "US", CB_PHONE_OK, "+442079460958", "GB", 44,
    CB_PHONE_TYPE_FIXED_LINE },
  { "+1 (415) 555-0100", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "+1.415.555.0100", "", CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "+1 415 555 0100 ext. 12", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "\xef\xbc\x8b\xef\xbc\x91\xef\xbc\x94\xef\xbc\x91\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95"
    "\xef\xbc\x95\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90\xef\xbc\x90", /* full-width digits */
    NULL, CB_PHONE_OK, "+14155550100", "US", 1, CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  /* RFC 3966. */
  { "tel:+1-415-555-0100", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "tel:415-555-0100;phone-context=+1", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  /* White space around, as Python's str.strip() removes it. */
  { "  +1 415 555 0100\t\n", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  { "\xc2\xa0+1 415 555 0100\xe3\x80\x80", NULL, CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  /* Non-geographic entities. */
  { "+800 1234 5678", NULL, CB_PHONE_OK, "+80012345678", "001", 800, CB_PHONE_TYPE_TOLL_FREE },
  { "+882 3421 0000 00", NULL, CB_PHONE_INVALID, "+8823421000000", "001", 882,
    CB_PHONE_TYPE_UNKNOWN },
  /* Letters: three or more make a vanity number, converted on the keypad. */
  { "1-800-FLOWERS", "US", CB_PHONE_OK, "+18003569377", "US", 1, CB_PHONE_TYPE_TOLL_FREE },
  { "555-CALL-NOW", "US", CB_PHONE_INVALID, "+15552255669", "", 1, CB_PHONE_TYPE_UNKNOWN },
  { "415-555-01OO", "US", CB_PHONE_INVALID, "+141555501", "", 1, CB_PHONE_TYPE_UNKNOWN },
  { "call me", "US", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  /* Too short, too long. */
  { "1", "US", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "12", "US", CB_PHONE_INVALID, "+112", "", 1, CB_PHONE_TYPE_UNKNOWN },
  { "+1 415 555 010", NULL, CB_PHONE_INVALID, "+1415555010", "", 1, CB_PHONE_TYPE_UNKNOWN },
  { "+1 415 555 01000", NULL, CB_PHONE_INVALID, "+141555501000", "", 1, CB_PHONE_TYPE_UNKNOWN },
  { "11111111111111111111", "US", CB_PHONE_INVALID, "+111111111111111111", "", 1,
    CB_PHONE_TYPE_UNKNOWN },
  { "+1 555 555 0100", NULL, CB_PHONE_INVALID, "+15555550100", "", 1, CB_PHONE_TYPE_UNKNOWN },
  /* Unknown country calling code. */
  { "+999 123 456 789", NULL, CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "+0 123 456 789", "US", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  /* No usable default region: only "+…" numbers parse. */
  { "4155550100", NULL, CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "4155550100", "", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "4155550100", "us", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "4155550100", "ZZ", CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "+14155550100", "us", CB_PHONE_OK, "+14155550100", "US", 1,
    CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
  /* Empty. */
  { "", "US", CB_PHONE_EMPTY, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { " \t\r\n", "US", CB_PHONE_EMPTY, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { "\xe3\x80\x80\xc2\xa0\xe2\x80\xa8", "US", CB_PHONE_EMPTY, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  { NULL, "US", CB_PHONE_EMPTY, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
  /* Not UTF-8. */
  { "+1 415 555 0100\xff", NULL, CB_PHONE_UNPARSABLE, "", "", 0, CB_PHONE_TYPE_UNKNOWN },
};

static const char *
result_name (CbPhoneResult result)
{
  switch (result)
    {
    case CB_PHONE_OK:         return "OK";
    case CB_PHONE_EMPTY:      return "EMPTY";
    case CB_PHONE_UNPARSABLE: return "UNPARSABLE";
    case CB_PHONE_INVALID:    return "INVALID";
    default:                  return "?";
    }
}

static void
check_case (const ParseCase *c)
{
  CbParsedPhone parsed;
  CbPhoneResult result;

  memset (&parsed, 0x5a, sizeof parsed);
  result = cb_phone_parse (c->text, c->region, &parsed);

  if (result != c->result)
    g_error ("“%s” (%s): %s, expected %s", c->text, c->region,
             result_name (result), result_name (c->result));
  g_assert_cmpstr (parsed.e164, ==, c->e164);
  g_assert_cmpstr (parsed.region, ==, c->number_region);
  g_assert_cmpint (parsed.country_code, ==, c->country_code);
  g_assert_cmpstr (cb_phone_type_to_string (parsed.type), ==,
                   cb_phone_type_to_string (c->type));
}

static void
test_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    check_case (&parse_cases[i]);
}

static void
test_parse_long_input (void)
{
  CbParsedPhone parsed;
  g_autofree char *huge = NULL;
  g_autofree char *spaces = NULL;
  g_autoptr(GString) accents = g_string_new (NULL);

  /* 250 code points is the most libphonenumber reads; one more and it gives up. */
  {
    g_autoptr(GString) s = g_string_new ("+1 415 555 0100");

    while (s->len < 250)
      g_string_append_c (s, '-');
    g_assert_cmpint (cb_phone_parse (s->str, NULL, &parsed), ==, CB_PHONE_OK);
    g_assert_cmpstr (parsed.e164, ==, "+14155550100");
    g_string_append_c (s, '-');
    g_assert_cmpint (cb_phone_parse (s->str, NULL, &parsed), ==, CB_PHONE_UNPARSABLE);
    g_assert_cmpstr (parsed.e164, ==, "");
    g_assert_cmpint (parsed.country_code, ==, 0);
  }

  /* Code points, not bytes: 200 two-byte letters in front still fit. */
  for (guint i = 0; i < 200; i++)
    g_string_append (accents, "\xc3\xa9");
  g_string_append (accents, "+14155550100");
  g_assert_cmpint (cb_phone_parse (accents->str, NULL, &parsed), ==, CB_PHONE_OK);
  g_assert_cmpstr (parsed.e164, ==, "+14155550100");

  /* White space is trimmed before counting. */
  spaces = g_strnfill (100000, ' ');
  {
    g_autofree char *padded = g_strconcat (spaces, "+14155550100", spaces, NULL);

    g_assert_cmpint (cb_phone_parse (padded, NULL, &parsed), ==, CB_PHONE_OK);
    g_assert_cmpstr (parsed.e164, ==, "+14155550100");
    g_assert_cmpint (cb_phone_parse (spaces, "US", &parsed), ==, CB_PHONE_EMPTY);
  }

  /* Megabytes of digits: refused at once, and no time zone either. */
  huge = g_strnfill (4 * 1024 * 1024, '7');
  huge[0] = '+';
  g_assert_cmpint (cb_phone_parse (huge, "US", &parsed), ==, CB_PHONE_UNPARSABLE);
  g_assert_cmpstr (cb_phone_time_zones (huge)[0], ==, "Etc/Unknown");
  g_assert_null (cb_phone_time_zones (huge)[1]);
}

static void
test_known_region (void)
{
  g_assert_true (cb_phone_is_known_region ("US"));
  g_assert_true (cb_phone_is_known_region ("GB"));
  g_assert_true (cb_phone_is_known_region ("DE"));
  g_assert_true (cb_phone_is_known_region ("IN"));
  g_assert_true (cb_phone_is_known_region ("AX"));
  g_assert_false (cb_phone_is_known_region ("us"));
  g_assert_false (cb_phone_is_known_region ("ZZ"));
  g_assert_false (cb_phone_is_known_region ("001"));
  g_assert_false (cb_phone_is_known_region ("USA"));
  g_assert_false (cb_phone_is_known_region ("UK"));
  g_assert_false (cb_phone_is_known_region (""));
  g_assert_false (cb_phone_is_known_region (NULL));
}

static void
check_locale (const char *lc_all,
              const char *lc_messages,
              const char *lang,
              const char *expected)
{
  g_autofree char *region = NULL;

  if (lc_all != NULL)
    g_setenv ("LC_ALL", lc_all, TRUE);
  else
    g_unsetenv ("LC_ALL");
  if (lc_messages != NULL)
    g_setenv ("LC_MESSAGES", lc_messages, TRUE);
  else
    g_unsetenv ("LC_MESSAGES");
  if (lang != NULL)
    g_setenv ("LANG", lang, TRUE);
  else
    g_unsetenv ("LANG");

  region = cb_phone_default_region_from_locale ();
  g_assert_cmpstr (region, ==, expected);
}

static void
restore_env (const char *name,
             const char *value)
{
  if (value != NULL)
    g_setenv (name, value, TRUE);
  else
    g_unsetenv (name);
}

static void
test_locale_region (void)
{
  g_autofree char *saved_all = g_strdup (g_getenv ("LC_ALL"));
  g_autofree char *saved_messages = g_strdup (g_getenv ("LC_MESSAGES"));
  g_autofree char *saved_lang = g_strdup (g_getenv ("LANG"));

  check_locale (NULL, NULL, "de_DE.UTF-8", "DE");
  check_locale (NULL, NULL, "en_US", "US");
  check_locale (NULL, NULL, "en_GB.ISO-8859-1", "GB");
  check_locale (NULL, NULL, "ca_ES.UTF-8@valencia", "ES");
  check_locale (NULL, NULL, "sr_RS@latin", "RS");
  check_locale (NULL, NULL, "fr_ca.utf8", "CA");
  check_locale (NULL, NULL, "C", NULL);
  check_locale (NULL, NULL, "POSIX", NULL);
  check_locale (NULL, NULL, "C.UTF-8", NULL);
  check_locale (NULL, NULL, "en", NULL);
  check_locale (NULL, NULL, "es_419.UTF-8", NULL);
  check_locale (NULL, NULL, "xx_QQ.UTF-8", NULL);
  check_locale (NULL, NULL, "", NULL);
  check_locale (NULL, NULL, NULL, NULL);
  /* LC_ALL first, then LC_MESSAGES, then LANG; an empty value does not count. */
  check_locale ("fr_FR.UTF-8", "de_DE.UTF-8", "en_US.UTF-8", "FR");
  check_locale (NULL, "de_AT.UTF-8", "en_US.UTF-8", "AT");
  check_locale ("", "", "en_IN.UTF-8", "IN");
  check_locale ("C.UTF-8", "de_DE.UTF-8", "en_US.UTF-8", NULL);

  restore_env ("LC_ALL", saved_all);
  restore_env ("LC_MESSAGES", saved_messages);
  restore_env ("LANG", saved_lang);
}

static void
test_type_to_string (void)
{
  static const struct { CbPhoneType type; const char *name; } names[] = {
    { CB_PHONE_TYPE_UNKNOWN, "unknown" },
    { CB_PHONE_TYPE_FIXED_LINE, "fixed_line" },
    { CB_PHONE_TYPE_MOBILE, "mobile" },
    { CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE, "fixed_line_or_mobile" },
    { CB_PHONE_TYPE_TOLL_FREE, "toll_free" },
    { CB_PHONE_TYPE_PREMIUM_RATE, "premium_rate" },
    { CB_PHONE_TYPE_SHARED_COST, "shared_cost" },
    { CB_PHONE_TYPE_VOIP, "voip" },
    { CB_PHONE_TYPE_PERSONAL_NUMBER, "personal_number" },
    { CB_PHONE_TYPE_PAGER, "pager" },
    { CB_PHONE_TYPE_UAN, "uan" },
    { CB_PHONE_TYPE_VOICEMAIL, "voicemail" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (cb_phone_type_to_string (names[i].type), ==, names[i].name);
  g_assert_cmpstr (cb_phone_type_to_string ((CbPhoneType) 99), ==, "unknown");

  /* One number of each kind libphonenumber recognises, through the parser. */
  {
    static const struct { const char *e164; CbPhoneType type; } kinds[] = {
      { "+442079460958", CB_PHONE_TYPE_FIXED_LINE },
      { "+447400123456", CB_PHONE_TYPE_MOBILE },
      { "+14155550100", CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
      { "+448001234567", CB_PHONE_TYPE_TOLL_FREE },
      { "+449012345678", CB_PHONE_TYPE_PREMIUM_RATE },
      { "+4918012345", CB_PHONE_TYPE_SHARED_COST },
      { "+445612345678", CB_PHONE_TYPE_VOIP },
      { "+447012345678", CB_PHONE_TYPE_PERSONAL_NUMBER },
      { "+447640123456", CB_PHONE_TYPE_PAGER },
      { "+445512345678", CB_PHONE_TYPE_UAN },
      { "+49177991234567", CB_PHONE_TYPE_VOICEMAIL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        CbParsedPhone parsed;

        g_assert_cmpint (cb_phone_parse (kinds[i].e164, NULL, &parsed), ==, CB_PHONE_OK);
        g_assert_cmpstr (cb_phone_type_to_string (parsed.type), ==,
                         cb_phone_type_to_string (kinds[i].type));
      }
  }
}

#define N_ROUNDS 40

typedef struct
{
  CbPhoneResult       results[N_ROUNDS][G_N_ELEMENTS (parse_cases)];
  CbParsedPhone       parsed[N_ROUNDS][G_N_ELEMENTS (parse_cases)];
  const char * const *zones[N_ROUNDS][G_N_ELEMENTS (parse_cases)];
} ThreadResults;

static gpointer
parse_all (gpointer data)
{
  ThreadResults *r = data;

  for (guint round = 0; round < N_ROUNDS; round++)
    for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
      {
        r->results[round][i] = cb_phone_parse (parse_cases[i].text, parse_cases[i].region,
                                               &r->parsed[round][i]);
        r->zones[round][i] = cb_phone_time_zones (r->parsed[round][i].e164);
      }

  return NULL;
}

static void
test_threads (void)
{
  g_autofree ThreadResults *a = g_new0 (ThreadResults, 1);
  g_autofree ThreadResults *b = g_new0 (ThreadResults, 1);
  GThread *ta;
  GThread *tb;

  ta = g_thread_new ("parse-a", parse_all, a);
  tb = g_thread_new ("parse-b", parse_all, b);
  g_thread_join (ta);
  g_thread_join (tb);

  for (guint round = 0; round < N_ROUNDS; round++)
    for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
      {
        const ParseCase *c = &parse_cases[i];

        g_assert_cmpint (a->results[round][i], ==, c->result);
        g_assert_cmpint (b->results[round][i], ==, c->result);
        g_assert_cmpstr (a->parsed[round][i].e164, ==, c->e164);
        g_assert_cmpstr (b->parsed[round][i].e164, ==, c->e164);
        g_assert_cmpstr (a->parsed[round][i].region, ==, b->parsed[round][i].region);
        g_assert_cmpint (a->parsed[round][i].country_code, ==,
                         b->parsed[round][i].country_code);
        g_assert_cmpint (a->parsed[round][i].type, ==, b->parsed[round][i].type);
        g_assert_true (a->zones[round][i] == b->zones[round][i]);
      }
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/phone/time-zones/geographic", test_time_zones_geographic);
  g_test_add_func ("/phone/time-zones/country-level", test_time_zones_country_level);
  g_test_add_func ("/phone/time-zones/unknown", test_time_zones_unknown);
  g_test_add_func ("/phone/parse", test_parse);
  g_test_add_func ("/phone/parse/long-input", test_parse_long_input);
  g_test_add_func ("/phone/known-region", test_known_region);
  g_test_add_func ("/phone/locale-region", test_locale_region);
  g_test_add_func ("/phone/type-to-string", test_type_to_string);
  g_test_add_func ("/phone/threads", test_threads);

  return g_test_run ();
}
