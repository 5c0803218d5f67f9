/* cb-cli-sim.c — callboard-engine sim
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-cli"

#include "config.h"

#include "cb-cli.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "cb-sim-server.h"

typedef struct
{
  const char *flag;
  const char *property;
  double      value;
} RateOption;

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT". */
static gboolean
parse_listen (const char  *text,
              char       **host,
              guint16     *port,
              GError     **error)
{
  g_autofree char *host_part = NULL;
  const char *port_text;
  const char *colon;
  guint64 value;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto invalid;
      host_part = g_strndup (text + 1, close - text - 1);
      port_text = close + 2;
    }
  else
    {
      if ((colon = strrchr (text, ':')) == NULL)
        goto invalid;
      host_part = colon == text ? g_strdup (CB_SIM_SERVER_DEFAULT_HOST)
                                : g_strndup (text, colon - text);
      port_text = colon + 1;
    }

  if (host_part[0] == '\0' ||
      !g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &value, NULL))
    goto invalid;

  *host = g_steal_pointer (&host_part);
  *port = (guint16) value;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--listen “%s” is not of the form HOST:PORT (like 127.0.0.1:8788)"), text);
  return FALSE;
}

static char *
random_key (void)
{
  GString *key = g_string_new ("key_");

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (key, "%08x", g_random_int ());

  return g_string_free (key, FALSE);
}

int
cb_cli_sim (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CbSimServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *webhook_url = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *host = NULL;
  double speed = 1.0;
  int slow_delay = 3000;
  guint16 port = 0;
  guint sigint_id, sigterm_id;
  gboolean generated_key = FALSE;
  RateOption rates[] = {
    { "--answer-rate", "answer-rate", -1 },
    { "--rate-429", "rate-429", 0 },
    { "--rate-500", "rate-500", 0 },
    { "--slow-rate", "slow-rate", 0 },
    { "--drop-webhook-rate", "drop-webhook-rate", 0 },
    { "--duplicate-webhook-rate", "duplicate-webhook-rate", 0 },
    { "--out-of-order-rate", "out-of-order-rate", 0 },
  };
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Address to listen on (default 127.0.0.1:8788)"), N_("HOST:PORT") },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
      N_("API key clients must send; it signs the webhooks (default $CALLBOARD_SIM_KEY, "
         "else a random one)"), N_("KEY") },
    { "webhook-url", 0, 0, G_OPTION_ARG_STRING, &webhook_url,
      N_("Where to send call_started, call_ended and call_analyzed"), N_("URL") },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Play calls N times faster than real time (default 1)"), N_("N") },
    { "answer-rate", 0, 0, G_OPTION_ARG_DOUBLE, &rates[0].value,
      N_("Share of calls answered, 0 to 1 (default 0.6)"), N_("F") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Make outcomes repeatable: the same seed and requests give the same calls"), N_("N") },
    { "rate-429", 0, 0, G_OPTION_ARG_DOUBLE, &rates[1].value,
      N_("Share of create requests answered 429 with Retry-After"), N_("F") },
    { "rate-500", 0, 0, G_OPTION_ARG_DOUBLE, &rates[2].value,
      N_("Share of create requests answered 500"), N_("F") },
    { "slow-rate", 0, 0, G_OPTION_ARG_DOUBLE, &rates[3].value,
      N_("Share of create requests answered only after --slow-delay"), N_("F") },
    { "slow-delay", 0, 0, G_OPTION_ARG_INT, &slow_delay,
      N_("Delay of slow answers in milliseconds (default 3000)"), N_("MS") },
    { "drop-webhook-rate", 0, 0, G_OPTION_ARG_DOUBLE, &rates[4].value,
      N_("Share of webhooks never sent"), N_("F") },
    { "duplicate-webhook-rate", 0, 0, G_OPTION_ARG_DOUBLE, &rates[5].value,
      N_("Share of webhooks sent twice"), N_("F") },
    { "out-of-order-rate", 0, 0, G_OPTION_ARG_DOUBLE, &rates[6].value,
      N_("Share of calls whose call_analyzed comes before call_ended"), N_("F") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Run the call simulator, which speaks Retell’s "
                                           "API, until interrupted."));
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

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      if (rates[i].value == -1 && i == 0)
        continue;
      if (!(rates[i].value >= 0.0 && rates[i].value <= 1.0))
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s %g is not between 0 and 1"), rates[i].flag, rates[i].value);
          goto usage;
        }
    }

  if (!(speed >= 0.001 && speed <= 1e6))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--speed %g is not between 0.001 and 1000000"), speed);
      goto usage;
    }

  if (slow_delay < 0 || slow_delay > 600 * 1000)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--slow-delay %d is not between 0 and 600000 milliseconds"), slow_delay);
      goto usage;
    }

  if (!parse_listen (listen ? listen : CB_SIM_SERVER_DEFAULT_HOST ":8788", &host, &port, &error))
    goto usage;

  if (webhook_url != NULL && !g_uri_is_valid (webhook_url, G_URI_FLAGS_NONE, NULL))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--webhook-url “%s” is not a valid URL"), webhook_url);
      goto usage;
    }

  if (api_key == NULL)
    api_key = g_strdup (g_getenv ("CALLBOARD_SIM_KEY"));
  if (api_key == NULL || api_key[0] == '\0')
    {
      g_free (api_key);
      api_key = random_key ();
      generated_key = TRUE;
    }

  server = cb_sim_server_new (api_key);
  g_object_set (server,
                "webhook-url", webhook_url,
                "speed", speed,
                "slow-delay", (guint) slow_delay,
                NULL);

  if (seed_text != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--seed “%s” is not a non-negative integer"), seed_text);
          goto usage;
        }
      g_object_set (server, "seed", seed, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      if (rates[i].value >= 0)
        g_object_set (server, rates[i].property, rates[i].value, NULL);
    }

  if (!cb_sim_server_listen (server, host, port, &error))
    {
      fprintf (stderr, "callboard-engine sim: %s\n", error->message);
      return 2;
    }

  printf (_("Simulator listening on %s\n"), cb_sim_server_get_url (server));
  if (generated_key)
    printf (_("API key: %s\n"), api_key);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  return 0;

usage:
  fprintf (stderr, "callboard-engine sim: %s\n", error->message);
  fprintf (stderr, "%s\n", _("Run “callboard-engine sim --help” for the options."));
  return 2;
}
