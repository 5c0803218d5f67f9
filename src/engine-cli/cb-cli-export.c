/* cb-cli-export.c — callboard-engine export
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* callboard-engine export BATCH_ID --output FILE.xlsx|FILE.csv [--db URI]
 *
 * Writes the batch report of SPEC §7; the format follows the file name's extension.
 * The database is opened read-only, without the single-engine lock, so this works while
 * `callboard-engine serve` or the dashboard runs on the same database.
 * Exit status: 0 written, 1 no such batch, 2 anything else (the reason goes to stderr). */

#define G_LOG_DOMAIN "callboard-cli"

#include "config.h"

#include "cb-cli.h"

#include <glib/gi18n.h>

#include "cb-report.h"
#include "cb-store.h"

#define EXIT_WRITTEN   0
#define EXIT_NO_BATCH  1
#define EXIT_FAILED    2

static void
print_error (const char *message)
{
  fprintf (stderr, "callboard-engine: %s\n", message);
}

int
cb_cli_export (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbStore) store = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *output = NULL;
  g_autofree char *db = NULL;
  CbReportFormat format;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The report file to write; its extension (.xlsx or .csv) chooses the format"),
      N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_STRING, &db,
      N_("Database to read (default: CALLBOARD_DB, else the user’s database)"), N_("URI") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };


  context = g_option_context_new (_("BATCH_ID"));
  g_option_context_set_summary (context,
                                _("Write a batch's report: a workbook with a Summary and a "
                                  "Recipients sheet (.xlsx), or the recipients as CSV (.csv).\n"
                                  "Exit status: 0 written, 1 no such batch, 2 other errors."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  if (args == NULL || args[0] == NULL)
    {
      print_error (_("Name the batch to export: callboard-engine export BATCH_ID --output FILE.xlsx"));
      return EXIT_FAILED;
    }
  if (args[1] != NULL)
    {
      print_error (_("Export one batch at a time."));
      return EXIT_FAILED;
    }
  if (output == NULL || output[0] == '\0')
    {
      print_error (_("Name the file to write with --output FILE.xlsx or --output FILE.csv."));
      return EXIT_FAILED;
    }

  if (!cb_report_format_from_path (output, &format, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  store = cb_store_open (db, CB_STORE_FLAGS_READ_ONLY, &error);
  if (store == NULL)
    {
      print_error (error->message);
      return EXIT_FAILED;
    }

  if (!cb_report_write (store, args[0], format, output, NULL, &error))
    {
      print_error (error->message);
      return g_error_matches (error, CB_REPORT_ERROR, CB_REPORT_ERROR_NOT_FOUND)
             ? EXIT_NO_BATCH : EXIT_FAILED;
    }

  return EXIT_WRITTEN;
}
