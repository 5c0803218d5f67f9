/* cb-cli-validate.c — callboard-engine validate
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* callboard-engine validate FILE [--region CC] [--json] [--phone-column NAME]
 *                                 [--invalid-out FIXME.csv] [--allowed-countries CC,CC]
 *                                 [--db URI]
 *
 * Prints the validation report of SPEC §4. Exit status: 0 every row is valid, 1 some rows
 * are invalid (the report is printed all the same), 2 the file (or an option, or the
 * database) could not be used; the reason goes to stderr.
 *
 * The do-not-call list and the allowed countries come from the database when there is
 * one: it is opened read-only and never created or written. --allowed-countries
 * overrides the setting. */

#define G_LOG_DOMAIN "callboard-cli"

#include "config.h"

#include "cb-cli.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cb-import.h"
#include "cb-store.h"

#define EXIT_VALID   0
#define EXIT_INVALID 1
#define EXIT_FAILED  2

static void
print_error (const char *message)
{
  fprintf (stderr, "callboard-engine: %s\n", message);
}

/* "3, 7, 12–15": runs of three or more rows become ranges. */
static char *
format_rows (GArray *rows)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint i = 0;

  while (i < rows->len)
    {
      guint first = g_array_index (rows, guint, i);
      guint j = i;

      while (j + 1 < rows->len && g_array_index (rows, guint, j + 1) == g_array_index (rows, guint, j) + 1)
        j++;

      if (out->len > 0)
        g_string_append (out, ", ");

      if (j - i >= 2)
        {
          g_string_append_printf (out, "%u–%u", first, g_array_index (rows, guint, j));
          i = j + 1;
        }
      else
        {
          g_string_append_printf (out, "%u", first);
          i++;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
print_human_report (CbImportReport *report)
{
  g_autofree char *columns = g_strjoinv (", ", (char **)cb_import_report_get_columns (report));
  guint rows = cb_import_report_get_rows (report);
  guint invalid = cb_import_report_get_invalid (report);

  printf (_("File: %s\n"), cb_import_report_get_file (report));
  printf (_("Rows: %u (%u valid, %u invalid)\n"), rows, cb_import_report_get_valid (report), invalid);
  printf (_("Columns: %s\n"), columns);
  printf (_("Phone column: %s\n"), cb_import_report_get_phone_column (report));

  if (invalid == 0)
    {
      printf ("\n%s\n", _("Every row is valid."));
      return;
    }

  for (guint reason = 0; reason < CB_IMPORT_N_REASONS; reason++)
    {
      GArray *reason_rows = cb_import_report_get_reason_rows (report, reason);
      g_autofree char *list = NULL;

      if (reason_rows->len == 0)
        continue;

      list = format_rows (reason_rows);
      printf ("\n");
      printf (ngettext ("%s (%s), %u row:\n", "%s (%s), %u rows:\n", reason_rows->len),
              cb_import_reason_message (reason), cb_import_reason_to_string (reason),
              reason_rows->len);
      printf ("  %s\n", list);
    }
}

/* Reads the do-not-call list and the allowed countries from the database, when there is
 * one. A database that exists but cannot be read is an error: validating without its
 * do-not-call list would call rows valid that are not. */
static gboolean
load_store_settings (const char   *db,
                     GHashTable  **suppressed,
                     GStrv        *allowed,
                     GError      **error)
{
  g_autoptr(CbStore) store = NULL;
  g_autofree char *default_path = NULL;
  const char *uri = db;

  if (uri == NULL || uri[0] == '\0')
    uri = g_getenv ("CALLBOARD_DB");
  if (uri == NULL || uri[0] == '\0')
    uri = default_path = cb_store_default_path ();

  /* No database yet: nothing is suppressed and every country is allowed. Only a path
   * given with --db must exist. */
  if (strstr (uri, "://") == NULL && !g_file_test (uri, G_FILE_TEST_EXISTS) && db == NULL)
    return TRUE;

  store = cb_store_open (uri, CB_STORE_FLAGS_READ_ONLY, error);
  if (store == NULL)
    return FALSE;

  *suppressed = cb_store_dup_suppression_set (store, error);
  if (*suppressed == NULL)
    return FALSE;

  *allowed = cb_store_dup_allowed_countries (store);

  return TRUE;
}

int
cb_cli_validate (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(GHashTable) suppressed = NULL;
  g_auto(GStrv) files = NULL;
  g_auto(GStrv) allowed = NULL;
  g_autofree char *region = NULL;
  g_autofree char *phone_column = NULL;
  g_autofree char *invalid_out = NULL;
  g_autofree char *allowed_countries = NULL;
  g_autofree char *db = NULL;
  gboolean json = FALSE;
  CbImportOptions options = { 0, };
  const GOptionEntry entries[] = {
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("Country of numbers written without “+” (default: the locale’s)"), N_("CC") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the report as JSON"), NULL },
    { "phone-column", 0, 0, G_OPTION_ARG_STRING, &phone_column,
      N_("The column holding the phone numbers (default: phone, phone_number, to_number or number)"),
      N_("NAME") },
    { "invalid-out", 0, 0, G_OPTION_ARG_FILENAME, &invalid_out,
      N_("Save the invalid rows as CSV, with their row number and reason"), N_("FIXME.csv") },
    { "allowed-countries", 0, 0, G_OPTION_ARG_STRING, &allowed_countries,
      N_("Countries that may be called (default: the database’s setting, else all)"),
      N_("CC,CC") },
    { "db", 0, 0, G_OPTION_ARG_STRING, &db,
      N_("Database to read the do-not-call list and settings from"), N_("URI") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    G_OPTION_ENTRY_NULL
  };


  context = g_option_context_new (_("FILE"));
  g_option_context_set_summary (context,
                                _("Check a CSV, XLSX or XLS recipient file and print the report.\n"
                                  "Exit status: 0 every row is valid, 1 some rows are invalid, "
                                  "2 the file cannot be read."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  if (files == NULL || files[0] == NULL)
    {
      print_error (_("Name the recipient file to check: callboard-engine validate FILE"));
      return EXIT_FAILED;
    }
  if (files[1] != NULL)
    {
      print_error (_("Check one file at a time."));
      return EXIT_FAILED;
    }

  if (!load_store_settings (db, &suppressed, &allowed, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  if (allowed_countries != NULL)
    {
      g_clear_pointer (&allowed, g_strfreev);
      allowed = g_strsplit (allowed_countries, ",", -1);
    }

  options.default_region = region;
  options.allowed_countries = (const char * const *)allowed;
  options.phone_column = phone_column;
  options.suppressed = suppressed;
  options.keep_invalid = invalid_out != NULL;

  report = cb_import_file (files[0], &options, NULL, &error);
  if (report == NULL)
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  if (json)
    {
      g_autofree char *text = cb_import_report_to_json_string (report, FALSE);

      printf ("%s\n", text);
    }
  else
    print_human_report (report);

  fflush (stdout);

  if (invalid_out != NULL && !cb_import_report_write_invalid_csv (report, invalid_out, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  return cb_import_report_get_invalid (report) > 0 ? EXIT_INVALID : EXIT_VALID;
}
