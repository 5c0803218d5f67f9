/* cb-phone.c — phone numbers: parsing, validation and time zones
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rules, chosen so that a peer written with the phonenumbers Python package
 * (same libphonenumber metadata, 8.12.57) gives the same answer for every input:
 *
 *   text = text.strip()                      # Python's idea of white space
 *   if not text: EMPTY
 *   region = default_region if default_region in SUPPORTED_REGIONS else None
 *   try: n = phonenumbers.parse(text, region)
 *   except NumberParseException: UNPARSABLE
 *   OK if phonenumbers.is_valid_number(n) else INVALID
 *
 * - Trimming removes the code points Python's str.isspace() accepts, at both ends.
 * - A default region that libphonenumber does not support exactly as written ("us",
 *   "ZZ", "001", "") counts as none: only "+…" numbers parse then.
 * - Letters are libphonenumber's business: a number written with at least three letters
 *   is a vanity number and its letters become keypad digits ("1-800-FLOWERS" is
 *   +18003569377), fewer letters are dropped as punctuation or end the number. Callers
 *   see the digits dialled in e164.
 * - "tel:" URIs (RFC 3966) parse, including ";phone-context=", as libphonenumber does.
 * - Text longer than 250 code points after trimming is UNPARSABLE without looking further,
 *   exactly as phonenumbers.parse() refuses it; text that is not UTF-8 is UNPARSABLE.
 *
 * Time zones follow phonenumbers.timezone.time_zones_for_number() applied to
 * phonenumbers.parse(e164): see cb_phone_time_zones().
 */

#define G_LOG_DOMAIN "callboard-phone"

#include "config.h"

#include "cb-phone.h"
#include "cb-phone-private.h"

#include <stdlib.h>
#include <string.h>

static const char * const unknown_time_zones[] = { "Etc/Unknown", NULL };

/* Python's str.isspace(): Unicode White_Space plus the ASCII separators U+001C..U+001F. */
static gboolean
is_python_space (gunichar c)
{
  switch (c)
    {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
    case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20:
    case 0x85: case 0xa0: case 0x1680:
    case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004: case 0x2005:
    case 0x2006: case 0x2007: case 0x2008: case 0x2009: case 0x200a:
    case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Sets *start and *end around @text (valid UTF-8) without its leading and trailing
 * white space. */
static void
trim (const char  *text,
      const char **start,
      const char **end)
{
  const char *s = text;
  const char *e = text + strlen (text);

  while (s < e && is_python_space (g_utf8_get_char (s)))
    s = g_utf8_next_char (s);
  while (e > s)
    {
      const char *prev = g_utf8_prev_char (e);

      if (!is_python_space (g_utf8_get_char (prev)))
        break;
      e = prev;
    }

  *start = s;
  *end = e;
}

/* Writes into @buf (at least @end - @start + 1 bytes) the digits of the text from @start
 * to @end, after its "+" if it starts with one, and returns TRUE when that text is
 * nothing but an optional leading "+", ASCII digits, and the separators space ( ) - . /
 * with at least three digits. libphonenumber parses such a text exactly as it parses
 * those digits: it keeps what lies between the first "+" or digit and the last digit,
 * finds no extension there (every extension form needs a letter, "#", "," or ";"), and
 * from then on works on the digits alone (after the "+", if any). The one step that
 * sees the separators is the check that the text looks like a phone number at all,
 * which accepts two bare digits but not two digits with a separator between them, and
 * accepts three digits or more either way. Parsing the bare digits is cheaper: the
 * regular expressions that strip and normalise have nothing left to do. */
static gboolean
plain_digits (const char *start,
              const char *end,
              char       *buf)
{
  const char *p = start;
  gsize n = 0;
  guint n_digits = 0;

  if (p < end && *p == '+')
    buf[n++] = *p++;

  for (; p < end; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          buf[n++] = *p;
          n_digits++;
        }
      else if (*p != ' ' && *p != '(' && *p != ')' && *p != '-' && *p != '.' && *p != '/')
        return FALSE;
    }
  buf[n] = '\0';

  return n_digits >= 3;
}

/* Parses the valid UTF-8 text from @start to @end as the rules above say: too long
 * text is CB_PHONE_UNPARSABLE, an unsupported @default_region counts as none. */
static CbPhoneResult
parse_bounded (const char        *start,
               const char        *end,
               const char        *default_region,
               CbPhoneParseFlags  flags,
               CbParsedPhone     *out,
               gboolean          *geographical)
{
  char buf[CB_PHONE_MAX_INPUT_CHARS * 4 + 1];
  glong n_chars;

  g_assert (start <= end);

  /* Counting stops soon after the limit, so huge input costs no more than validation. */
  n_chars = 0;
  for (const char *p = start; p < end && n_chars <= CB_PHONE_MAX_INPUT_CHARS;
       p = g_utf8_next_char (p))
    n_chars++;
  if (n_chars > CB_PHONE_MAX_INPUT_CHARS)
    {
      memset (out, 0, sizeof *out);
      out->type = CB_PHONE_TYPE_UNKNOWN;
      if (geographical != NULL)
        *geographical = FALSE;
      return CB_PHONE_UNPARSABLE;
    }

  if (default_region != NULL && !cb_phone_shim_is_known_region (default_region))
    default_region = NULL;

  g_assert ((gsize) (end - start) < sizeof buf);
  if (plain_digits (start, end, buf))
    {
      CbPhoneResult result;

      if (cb_phone_fast_parse (buf, default_region, flags, out, geographical, &result))
        return result;
    }
  else
    {
      memcpy (buf, start, end - start);
      buf[end - start] = '\0';
    }

  return cb_phone_shim_parse (buf, default_region, flags, out, geographical);
}

static CbPhoneResult
parse_text (const char        *text,
            const char        *default_region,
            CbPhoneParseFlags  flags,
            CbParsedPhone     *out)
{
  const char *start;
  const char *end;

  memset (out, 0, sizeof *out);
  out->type = CB_PHONE_TYPE_UNKNOWN;

  if (text == NULL)
    return CB_PHONE_EMPTY;
  if (!g_utf8_validate (text, -1, NULL))
    return CB_PHONE_UNPARSABLE;

  trim (text, &start, &end);
  if (start == end)
    return CB_PHONE_EMPTY;

  return parse_bounded (start, end, default_region, flags, out, NULL);
}

CbPhoneResult
cb_phone_parse (const char    *text,
                const char    *default_region,
                CbParsedPhone *out)
{
  g_return_val_if_fail (out != NULL, CB_PHONE_UNPARSABLE);

  return parse_text (text, default_region, CB_PHONE_PARSE_WITH_TYPE, out);
}

CbPhoneResult
cb_phone_validate (const char    *text,
                   const char    *default_region,
                   CbParsedPhone *out)
{
  g_return_val_if_fail (out != NULL, CB_PHONE_UNPARSABLE);

  return parse_text (text, default_region, CB_PHONE_PARSE_DEFAULT, out);
}

gboolean
cb_phone_is_known_region (const char *region)
{
  if (region == NULL || region[0] == '\0')
    return FALSE;

  return cb_phone_shim_is_known_region (region);
}

/* "de_DE.UTF-8@euro" → "DE"; NULL when the name holds no known region. */
static char *
region_from_locale_name (const char *name)
{
  const char *underscore = strchr (name, '_');
  char region[3];

  if (underscore == NULL)
    return NULL;
  if (!g_ascii_isalpha (underscore[1]) || !g_ascii_isalpha (underscore[2]))
    return NULL;
  if (underscore[3] != '\0' && underscore[3] != '.' && underscore[3] != '@')
    return NULL;

  region[0] = g_ascii_toupper (underscore[1]);
  region[1] = g_ascii_toupper (underscore[2]);
  region[2] = '\0';

  if (!cb_phone_is_known_region (region))
    return NULL;

  return g_strdup (region);
}

char *
cb_phone_default_region_from_locale (void)
{
  static const char * const variables[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

  /* The first variable set to something decides, as for setlocale(): LC_ALL=C means
   * the C locale even when LANG names a country. */
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *value = g_getenv (variables[i]);

      if (value != NULL && value[0] != '\0')
        return region_from_locale_name (value);
    }

  return NULL;
}

/* The index of @prefix in the table, or -1. */
static int
find_prefix (guint32 prefix)
{
  guint lo = 0;
  guint hi = cb_phone_tz_n_prefixes;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (cb_phone_tz_prefixes[mid] < prefix)
        lo = mid + 1;
      else if (cb_phone_tz_prefixes[mid] > prefix)
        hi = mid;
      else
        return (int) mid;
    }

  return -1;
}

/* The zone list of the longest table prefix among the first @max_len..@min_len digits
 * of @digits, or NULL. Like phonenumbers, a shorter @digits is used whole. */
static const char * const *
lookup_longest (const char *digits,
                guint       max_len,
                guint       min_len)
{
  gsize n_digits = strlen (digits);

  for (guint len = max_len; len >= min_len && len > 0; len--)
    {
      guint take = MIN (len, n_digits);
      guint32 value = 0;
      int index;

      if (take == 0 || take > 9)
        continue;
      for (guint i = 0; i < take; i++)
        {
          g_assert (g_ascii_isdigit (digits[i]));
          value = value * 10 + (guint32) (digits[i] - '0');
        }

      index = find_prefix (value);
      if (index >= 0)
        return &cb_phone_tz_lists[cb_phone_tz_list_offsets[index]];
    }

  return NULL;
}

/* phonenumbers.timezone.time_zones_for_number (phonenumbers.parse (e164)), including the
 * country-level fallback for non-geographical numbers: that looks up the country code,
 * then the country code without its last digits down to two digits (a one-digit code only
 * as itself), never the number's own prefixes. */
const char * const *
cb_phone_time_zones (const char *e164)
{
  CbParsedPhone parsed;
  gboolean geographical;
  const char * const *zones;
  CbPhoneResult result;

  if (e164 == NULL || !g_utf8_validate (e164, -1, NULL))
    return unknown_time_zones;

  result = parse_bounded (e164, e164 + strlen (e164), NULL, CB_PHONE_PARSE_WITH_TYPE,
                          &parsed, &geographical);
  if (result == CB_PHONE_UNPARSABLE || result == CB_PHONE_EMPTY)
    return unknown_time_zones;
  if (parsed.type == CB_PHONE_TYPE_UNKNOWN)
    return unknown_time_zones;

  if (geographical)
    {
      g_assert (parsed.e164[0] == '+');
      zones = lookup_longest (parsed.e164 + 1, cb_phone_tz_longest_prefix, 1);
    }
  else
    {
      char cc[16];

      g_snprintf (cc, sizeof cc, "%d", parsed.country_code);
      zones = lookup_longest (cc, cb_phone_tz_longest_prefix + 1, 2);
    }

  return zones != NULL ? zones : unknown_time_zones;
}

const char *
cb_phone_type_to_string (CbPhoneType type)
{
  switch (type)
    {
    case CB_PHONE_TYPE_FIXED_LINE:           return "fixed_line";
    case CB_PHONE_TYPE_MOBILE:               return "mobile";
    case CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE: return "fixed_line_or_mobile";
    case CB_PHONE_TYPE_TOLL_FREE:            return "toll_free";
    case CB_PHONE_TYPE_PREMIUM_RATE:         return "premium_rate";
    case CB_PHONE_TYPE_SHARED_COST:          return "shared_cost";
    case CB_PHONE_TYPE_VOIP:                 return "voip";
    case CB_PHONE_TYPE_PERSONAL_NUMBER:      return "personal_number";
    case CB_PHONE_TYPE_PAGER:                return "pager";
    case CB_PHONE_TYPE_UAN:                  return "uan";
    case CB_PHONE_TYPE_VOICEMAIL:            return "voicemail";
    case CB_PHONE_TYPE_UNKNOWN:
    default:                                 return "unknown";
    }
}
