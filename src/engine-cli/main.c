/* main.c — callboard-engine
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cb-cli.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} CbCliCommand;

static const CbCliCommand commands[] = {
  { "validate", cb_cli_validate, N_("Check a CSV, XLSX or XLS recipient file and print the report") },
  { "serve", cb_cli_serve, N_("Run the engine without a window until interrupted") },
  { "export", cb_cli_export, N_("Write a batch’s report as XLSX or CSV") },
  { "sim", cb_cli_sim, N_("Run the call simulator (Retell’s API) until interrupted") },
  { "token", cb_cli_token, N_("Print the REST API token") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n%s\n", _("Usage: callboard-engine COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “callboard-engine COMMAND --help” for a command’s options."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("callboard-engine");

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return 0;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("callboard-engine %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("callboard-engine %s", commands[i].name);

          /* GOption's usage line and error messages name the command. */
          g_set_prgname (prgname);
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  fprintf (stderr, _("Unknown command “%s”.\n\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
