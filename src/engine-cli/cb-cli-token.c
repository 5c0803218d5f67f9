/* cb-cli-token.c — callboard-engine token
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* callboard-engine token [--db URI]
 *
 * Prints the REST API token: CALLBOARD_API_TOKEN when set, else the token kept with the
 * secrets of the database (made on first use, as `serve` would). The database itself is not
 * opened, so this works while an engine runs on it. Exit status: 0 printed, 2 otherwise. */

#define G_LOG_DOMAIN "callboard-cli"

#include "config.h"

#include "cb-cli.h"

#include <glib/gi18n.h>

#include "cb-api.h"
#include "cb-store.h"

int
cb_cli_token (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *token = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db,
      N_("The database whose token to print (default: CALLBOARD_DB, else the user’s database)"),
      N_("URI") },
    G_OPTION_ENTRY_NULL
  };


  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Print the REST API token: send it as "
                                  "“Authorization: Bearer TOKEN”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto failed;

  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unexpected argument “%s”"), argv[1]);
      goto failed;
    }

  /* The same database cb_store_open() would choose, named the same way. */
  if (db != NULL && *db != '\0')
    uri = g_strdup (db);
  else if (g_getenv ("CALLBOARD_DB") != NULL && *g_getenv ("CALLBOARD_DB") != '\0')
    uri = g_strdup (g_getenv ("CALLBOARD_DB"));
  else
    uri = cb_store_default_path ();

  if (!(token = cb_api_dup_token (uri, &error)))
    goto failed;

  printf ("%s\n", token);
  return 0;

failed:
  fprintf (stderr, "callboard-engine token: %s\n", error->message);
  return 2;
}
