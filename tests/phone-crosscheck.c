/* phone-crosscheck.c — the C side of tests/phone-crosscheck.py
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads "P<TAB>REGION<TAB>HEX" (parse the UTF-8 text HEX with default region REGION,
 * "-" for none) and "Z<TAB>HEX" (time zones of the text HEX) lines on standard input and
 * prints one result line for each, in the format phone-crosscheck.py prints:
 *   RESULT<TAB>E164<TAB>REGION<TAB>COUNTRY_CODE<TAB>TYPE<TAB>ZONE,ZONE…   for P
 *   ZONE,ZONE…                                                         for Z
 */

#define G_LOG_DOMAIN "callboard-phone-crosscheck"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb-phone.h"

static const char *
result_to_string (CbPhoneResult result)
{
  switch (result)
    {
    case CB_PHONE_OK:         return "ok";
    case CB_PHONE_EMPTY:      return "empty";
    case CB_PHONE_UNPARSABLE: return "unparsable";
    case CB_PHONE_INVALID:    return "invalid";
    default:                  g_assert_not_reached ();
    }
}

static char *
unhex (const char *hex)
{
  gsize len = strlen (hex);
  char *text;

  if (len % 2 != 0)
    return NULL;

  text = g_malloc (len / 2 + 1);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_free (text);
          return NULL;
        }
      text[i] = (char) (hi * 16 + lo);
    }
  text[len / 2] = '\0';

  return text;
}

static void
print_zones (GString            *out,
             const char * const *zones)
{
  for (guint i = 0; zones[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, zones[i]);
    }
}

static gboolean
handle_line (char    *line,
             GString *out)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", -1);
  guint n_fields = g_strv_length (fields);
  g_autofree char *text = NULL;

  if (n_fields == 3 && strcmp (fields[0], "P") == 0)
    {
      const char *region = strcmp (fields[1], "-") == 0 ? NULL : fields[1];
      CbParsedPhone parsed;
      CbPhoneResult result;

      if ((text = unhex (fields[2])) == NULL)
        return FALSE;

      result = cb_phone_parse (text, region, &parsed);
      g_string_append_printf (out, "%s\t%s\t%s\t%d\t%s\t",
                              result_to_string (result), parsed.e164, parsed.region,
                              parsed.country_code, cb_phone_type_to_string (parsed.type));
      print_zones (out, cb_phone_time_zones (parsed.e164));
    }
  else if (n_fields == 2 && strcmp (fields[0], "Z") == 0)
    {
      if ((text = unhex (fields[1])) == NULL)
        return FALSE;

      print_zones (out, cb_phone_time_zones (text));
    }
  else
    {
      return FALSE;
    }

  g_string_append_c (out, '\n');

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) out = g_string_new (NULL);
  char *line = NULL;
  size_t line_size = 0;
  ssize_t len;
  guint line_no = 0;

  while ((len = getline (&line, &line_size, stdin)) >= 0)
    {
      line_no++;
      if (len > 0 && line[len - 1] == '\n')
        line[len - 1] = '\0';

      if (!handle_line (line, out))
        {
          fprintf (stderr, "line %u: malformed input\n", line_no);
          free (line);
          return EXIT_FAILURE;
        }
    }
  free (line);

  fwrite (out->str, 1, out->len, stdout);

  return EXIT_SUCCESS;
}
