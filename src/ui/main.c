/* main.c — callboard, the dashboard
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cb-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(CbApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Callboard"));

  app = cb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
