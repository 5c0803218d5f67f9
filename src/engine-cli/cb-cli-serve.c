/* cb-cli-serve.c — callboard-engine serve: the engine without a window
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "cb-api.h"
#include "cb-cli.h"
#include "cb-engine.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
cb_cli_serve (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(CbEngine) engine = NULL;
  g_autoptr(CbApi) api = NULL;
  g_autofree char *token = NULL;
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  const char *speed_env = g_getenv ("CALLBOARD_SIM_SPEED");
  double speed = 0;
  guint sigint_id, sigterm_id;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db,
      N_("Database: an SQLite file or a libgda connection string (default $CALLBOARD_DB, "
         "else the user’s data directory)"), N_("URI") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Address of the REST API and the webhook receiver (default $CALLBOARD_LISTEN, "
         "else 127.0.0.1:8787)"), N_("HOST:PORT") },
    { "sim-speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Play simulated calls N times faster than real time (default $CALLBOARD_SIM_SPEED, "
         "else 1)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Run the engine without a window: dialer, scheduler, "
                                           "webhook receiver and API, until interrupted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage;

  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unexpected argument “%s”"), argv[1]);
      goto usage;
    }

  if (speed == 0 && speed_env != NULL && speed_env[0] != '\0')
    speed = g_ascii_strtod (speed_env, NULL);
  if (speed == 0)
    speed = 1;
  if (!(speed >= 0.001 && speed <= 1e6))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--sim-speed %g is not between 0.001 and 1000000"), speed);
      goto usage;
    }

  store = cb_store_open (db, CB_STORE_FLAGS_NONE, &error);
  if (store == NULL)
    {
      fprintf (stderr, "callboard-engine serve: %s\n", error->message);
      return 2;
    }

  engine = cb_engine_new (store, listen);
  /* The REST API (SPEC §5), mounted before the server listens. */
  if (!(token = cb_api_dup_token (cb_store_get_uri (store), &error)))
    {
      fprintf (stderr, "callboard-engine serve: %s\n", error->message);
      return 2;
    }
  api = cb_api_new (engine, token);
  cb_engine_set_sim_speed (engine, speed);
  /* A call with no final event is polled after 15 minutes of its own time. */
  cb_dialer_set_poll_timeout (cb_engine_get_dialer (engine),
                              (guint) MAX (1000, CB_DIALER_DEFAULT_POLL_TIMEOUT_MS / speed));

  if (!cb_engine_start (engine, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        fprintf (stderr, _("callboard-engine serve: %s is already in use by another program: "
                           "stop it, or choose another address with --listen\n"),
                 listen != NULL ? listen : g_getenv ("CALLBOARD_LISTEN") != NULL
                                             ? g_getenv ("CALLBOARD_LISTEN")
                                             : CB_ENGINE_DEFAULT_LISTEN);
      else
        fprintf (stderr, "callboard-engine serve: %s\n", error->message);
      return 2;
    }

  printf (_("Engine listening on %s (database %s)\n"), cb_engine_get_url (engine),
          cb_store_get_uri (store));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  /* Calls in flight are left to their webhooks; the next start polls what is missing. */
  cb_engine_stop (engine);

  return 0;

usage:
  fprintf (stderr, "callboard-engine serve: %s\n", error->message);
  fprintf (stderr, "%s\n", _("Run “callboard-engine serve --help” for the options."));
  return 2;
}
