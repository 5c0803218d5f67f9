/* test-phone-fast.c — the fast path for plain digits against libphonenumber itself
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* cb_phone_fast_parse() must give, for every text it answers, exactly what
 * cb_phone_shim_parse() (libphonenumber's Parse(), GetRegionCodeForNumber(),
 * IsValidNumberForRegion(), GetNumberType()) gives: result, E.164, region, country code,
 * type and whether the type is geographical. These tests run both over every example
 * number of every region in the metadata and many variants of each (national and
 * international forms, with and without the national prefix, through international
 * dialling prefixes, digits dropped, added and changed), with several default regions,
 * over pseudo-random digit strings, and over the phone cells of the fixtures in tests/data;
 * and they require the fast path to answer every one of them. A sample of the forms and
 * regions by default (about 20,000 texts); all of them (about 180,000) with -m thorough. */

#include "config.h"

#include <string.h>

#include "cb-phone.h"
#include "cb-phone-private.h"
#include "cb-test-util.h"

typedef struct
{
  guint n_compared;
  guint n_ok;
  guint n_invalid;
  guint n_unparsable;
  guint n_mismatches;
} Tally;

static const char *
result_name (CbPhoneResult result)
{
  switch (result)
    {
    case CB_PHONE_OK:         return "ok";
    case CB_PHONE_EMPTY:      return "empty";
    case CB_PHONE_UNPARSABLE: return "unparsable";
    case CB_PHONE_INVALID:    return "invalid";
    default:                  return "?";
    }
}

/* Compares both answers for @text with the number type, and every few texts (every one
 * in thorough mode) without it. */
static void
compare (Tally      *tally,
         const char *text,
         const char *region)
{
  static const CbPhoneParseFlags all_flags[] = { CB_PHONE_PARSE_WITH_TYPE, CB_PHONE_PARSE_DEFAULT };
  guint n_flags = g_test_thorough () || tally->n_compared % 16 == 0 ? 2 : 1;

  for (guint f = 0; f < n_flags; f++)
    {
      CbParsedPhone slow;
      CbParsedPhone fast;
      gboolean slow_geographical = TRUE;
      gboolean fast_geographical = TRUE;
      CbPhoneResult slow_result;
      CbPhoneResult fast_result = CB_PHONE_EMPTY;
      gboolean answered;

      memset (&fast, 0xa5, sizeof fast);
      slow_result = cb_phone_shim_parse (text, region, all_flags[f], &slow, &slow_geographical);
      answered = cb_phone_fast_parse (text, region, all_flags[f], &fast, &fast_geographical,
                                      &fast_result);
      if (!answered)
        g_error ("the fast path declined “%s” (region %s)", text, region ? region : "none");

      if (f == 0)
        tally->n_compared++;
      if (slow_result != fast_result ||
          strcmp (slow.e164, fast.e164) != 0 ||
          strcmp (slow.region, fast.region) != 0 ||
          slow.country_code != fast.country_code ||
          slow.type != fast.type ||
          slow_geographical != fast_geographical)
        {
          tally->n_mismatches++;
          g_test_message ("“%s” (region %s, flags %d): libphonenumber %s %s %s %d type %d geo %d;"
                          " fast path %s %s %s %d type %d geo %d",
                          text, region ? region : "none", all_flags[f],
                          result_name (slow_result), slow.e164, slow.region, slow.country_code,
                          slow.type, slow_geographical,
                          result_name (fast_result), fast.e164, fast.region, fast.country_code,
                          fast.type, fast_geographical);
        }

      if (f == 0)
        {
          if (slow_result == CB_PHONE_OK)
            tally->n_ok++;
          else if (slow_result == CB_PHONE_INVALID)
            tally->n_invalid++;
          else
            tally->n_unparsable++;
        }
    }
}

static void
report (const Tally *tally,
        const char  *what)
{
  g_test_message ("%s: %u texts compared (%u valid, %u invalid, %u unparsable), %u differences",
                  what, tally->n_compared, tally->n_ok, tally->n_invalid, tally->n_unparsable,
                  tally->n_mismatches);
  g_assert_cmpuint (tally->n_mismatches, ==, 0);
}

/* The supported regions, from the examples (every region has some). */
static GPtrArray *
collect_regions (GArray *examples)
{
  GPtrArray *regions = g_ptr_array_new ();

  for (guint i = 0; i < examples->len; i++)
    {
      const CbPhoneExample *example = &g_array_index (examples, CbPhoneExample, i);

      if (g_str_equal (example->region, "001"))
        continue;
      if (regions->len > 0 && g_str_equal (g_ptr_array_index (regions, regions->len - 1),
                                           example->region))
        continue;
      g_ptr_array_add (regions, (gpointer) example->region);
    }

  return regions;
}

/* Variants of a national significant number: itself, one digit fewer, one more, a digit
 * changed, a zero in front. */
static GPtrArray *
variants_of (const char *number,
             guint       seed)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (number);
  char *changed;

  g_ptr_array_add (variants, g_strdup (number));
  if (len > 1)
    g_ptr_array_add (variants, g_strndup (number, len - 1));
  g_ptr_array_add (variants, g_strdup_printf ("%s%u", number, seed % 10));
  g_ptr_array_add (variants, g_strdup_printf ("%s00", number));
  changed = g_strdup (number);
  changed[seed % len] = '0' + (changed[seed % len] - '0' + 1 + seed % 9) % 10;
  g_ptr_array_add (variants, changed);
  g_ptr_array_add (variants, g_strdup_printf ("0%s", number));

  return variants;
}

static void
test_examples (void)
{
  /* Regions whose national prefixes, transform rules, shared country codes or dialling
   * prefixes take libphonenumber's rarer paths, and none. */
  static const char * const fixed_regions[] = {
    "US", "GB", "DE", "AR", "BR", "MX", "IT", "RU", "KZ", "AU", "CC", "GG", "SM", "NF",
    "MG", "GA", "AG", "IN", "CN", "JP", "KR", "FR", NULL,
  };
  g_autoptr(GArray) examples = cb_phone_fast_dup_examples ();
  g_autoptr(GPtrArray) regions = collect_regions (examples);
  Tally tally = { 0, };

  g_assert_cmpuint (examples->len, >, 1000);
  g_assert_cmpuint (regions->len, >, 200);

  for (guint i = 0; i < examples->len; i++)
    {
      const CbPhoneExample *example = &g_array_index (examples, CbPhoneExample, i);
      g_autoptr(GPtrArray) variants = variants_of (example->number, i);
      const char *own = g_str_equal (example->region, "001") ? "US" : example->region;
      const char *defaults[] = {
        own,
        g_ptr_array_index (regions, (i * 7) % regions->len),
        fixed_regions[i % G_N_ELEMENTS (fixed_regions)],
      };

      for (guint v = 0; v < variants->len; v++)
        {
          const char *number = g_ptr_array_index (variants, v);
          g_autofree char *international = g_strdup_printf ("+%d%s", example->country_code, number);
          g_autofree char *without_plus = g_strdup_printf ("%d%s", example->country_code, number);
          g_autofree char *national = g_strdup_printf ("%s%s", example->national_prefix, number);
          g_autofree char *idd_00 = g_strdup_printf ("00%d%s", example->country_code, number);
          g_autofree char *idd_011 = g_strdup_printf ("011%d%s", example->country_code, number);
          g_autofree char *plus_idd = g_strdup_printf ("+00%d%s", example->country_code, number);
          g_autofree char *plus_national = g_strdup_printf ("+%s%s", example->national_prefix, number);
          const char *forms[] = {
            number, international, without_plus, national, idd_00, idd_011, plus_idd,
            plus_national,
          };

          /* Thorough mode: every form of every variant with each default region. Otherwise
           * every form of the number itself with its own region, and one form of one
           * variant with each of the others, in turn. */
          if (!g_test_thorough () && v > 0 && v != 1 + i % (variants->len - 1))
            continue;

          for (guint d = 0; d < G_N_ELEMENTS (defaults); d++)
            for (guint k = 0; k < G_N_ELEMENTS (forms); k++)
              {
                if (!g_test_thorough () && (v > 0 || d > 0) &&
                    k != (i + v + d) % G_N_ELEMENTS (forms))
                  continue;
                if (strlen (forms[k]) < 3 + (forms[k][0] == '+'))
                  continue;
                compare (&tally, forms[k], defaults[d]);
              }

          /* Without a default region only "+" numbers parse. */
          if (g_test_thorough () || v == 0)
            {
              compare (&tally, international, NULL);
              compare (&tally, without_plus, NULL);
            }
        }
    }

  report (&tally, "example numbers");
  g_assert_cmpuint (tally.n_ok, >, 5000);
  g_assert_cmpuint (tally.n_invalid, >, 2000);
  g_assert_cmpuint (tally.n_unparsable, >, 100);
}

static void
test_random_digits (void)
{
  g_autoptr(GArray) examples = cb_phone_fast_dup_examples ();
  g_autoptr(GPtrArray) regions = collect_regions (examples);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260523);
  Tally tally = { 0, };

  for (guint i = 0; i < (g_test_thorough () ? 30000u : 3000u); i++)
    {
      char text[40];
      guint n = 0;
      guint len = g_rand_int_range (rand, 3, 22);
      const char *region = g_rand_int_range (rand, 0, 10) == 0
                           ? NULL : g_ptr_array_index (regions, g_rand_int_range (rand, 0, regions->len));

      if (g_rand_boolean (rand))
        text[n++] = '+';
      for (guint j = 0; j < len; j++)
        text[n++] = '0' + g_rand_int_range (rand, 0, 10);
      text[n] = '\0';

      compare (&tally, text, region);
    }

  report (&tally, "random digits");
  g_assert_cmpuint (tally.n_ok, >, g_test_thorough () ? 500 : 50);
}

/* The digits of a cell, with its leading "+", when it is nothing but digits and the
 * separators cb-phone.c reduces to them; NULL otherwise. */
static char *
plain_digits (const char *cell)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *text = g_strstrip (g_strdup (cell));
  const char *p = text;
  guint n_digits = 0;

  if (*p == '+')
    g_string_append_c (out, *p++);
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (out, *p);
          n_digits++;
        }
      else if (strchr (" ()-./", *p) == NULL)
        return NULL;
    }

  return n_digits >= 3 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
test_fixtures (void)
{
  static const char * const regions[] = { "US", "GB", "FR", "DE", NULL };
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = cb_test_data_path (".");
  Tally tally = { 0, };
  const char *name;

  dir = g_dir_open (data_dir, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_str_has_suffix (name, ".csv"))
        continue;

      path = g_build_filename (data_dir, name, NULL);
      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      if (!g_utf8_validate (contents, -1, NULL))
        continue;

      lines = g_strsplit_set (contents, "\r\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto(GStrv) cells = g_strsplit_set (lines[i], ",;\t\"", -1);

          for (guint j = 0; cells[j] != NULL; j++)
            {
              g_autofree char *digits = plain_digits (cells[j]);

              if (digits == NULL)
                continue;
              for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
                compare (&tally, digits, regions[r]);
            }
        }
    }

  report (&tally, "fixtures");
  g_assert_cmpuint (tally.n_ok, >, 20);
}

/* The fast path leaves what it does not handle to libphonenumber, untouched. */
static void
test_declines (void)
{
  static const char * const texts[] = {
    "415 555 0100", "+1-415-555-0100", "1-800-FLOWERS", "++14155550100", "12", "+12",
    "tel:+14155550100", "4155550100x12", "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x95",
    "01234567890123456789012345678901234567890123456789012345678901234",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      CbParsedPhone out;
      CbParsedPhone before;
      CbPhoneResult result = CB_PHONE_EMPTY;
      gboolean geographical = 2;

      memset (&out, 0x5a, sizeof out);
      before = out;
      g_assert_false (cb_phone_fast_parse (texts[i], "US", CB_PHONE_PARSE_WITH_TYPE, &out,
                                           &geographical, &result));
      g_assert_cmpint (memcmp (&out, &before, sizeof out), ==, 0);
      g_assert_cmpint (result, ==, CB_PHONE_EMPTY);
      g_assert_cmpint (geographical, ==, 2);
    }
}

/* What cb_phone_parse() gives through the fast path, pinned. */
static void
test_known_answers (void)
{
  static const struct {
    const char    *text;
    const char    *region;
    CbPhoneResult  result;
    const char    *e164;
    const char    *number_region;
    CbPhoneType    type;
  } cases[] = {
    { "(415) 555-0100", "US", CB_PHONE_OK, "+14155550100", "US", CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
    { "+1 201 555 0123", NULL, CB_PHONE_OK, "+12015550123", "US", CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE },
    /* Antigua's leading digits among the +1 regions. */
    { "1 268 464 1234", "US", CB_PHONE_OK, "+12684641234", "AG", CB_PHONE_TYPE_MOBILE },
    { "020 7946 0958", "GB", CB_PHONE_OK, "+442079460958", "GB", CB_PHONE_TYPE_FIXED_LINE },
    { "011 44 20 7946 0958", "US", CB_PHONE_OK, "+442079460958", "GB", CB_PHONE_TYPE_FIXED_LINE },
    /* No +44 region's patterns take it: no region, invalid. */
    { "+44 7700 900123", "US", CB_PHONE_INVALID, "+447700900123", "", CB_PHONE_TYPE_UNKNOWN },
    /* Argentina's transform rule: 0 11 15 → 9 11. */
    { "011 15 2345 6789", "AR", CB_PHONE_OK, "+5491123456789", "AR", CB_PHONE_TYPE_MOBILE },
    { "+800 1234 5678", NULL, CB_PHONE_OK, "+80012345678", "001", CB_PHONE_TYPE_TOLL_FREE },
    { "+999 123 4567", "US", CB_PHONE_UNPARSABLE, "", "", CB_PHONE_TYPE_UNKNOWN },
    { "4155550100", NULL, CB_PHONE_UNPARSABLE, "", "", CB_PHONE_TYPE_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CbParsedPhone parsed;
      CbPhoneResult result = cb_phone_parse (cases[i].text, cases[i].region, &parsed);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (result, ==, cases[i].result);
      g_assert_cmpstr (parsed.e164, ==, cases[i].e164);
      g_assert_cmpstr (parsed.region, ==, cases[i].number_region);
      g_assert_cmpint (parsed.type, ==, cases[i].type);
    }
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/phone-fast/examples", test_examples);
  g_test_add_func ("/phone-fast/random-digits", test_random_digits);
  g_test_add_func ("/phone-fast/fixtures", test_fixtures);
  g_test_add_func ("/phone-fast/declines", test_declines);
  g_test_add_func ("/phone-fast/known-answers", test_known_answers);

  return g_test_run ();
}
