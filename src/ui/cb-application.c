/* cb-application.c — the callboard program: options, the store, windows, About
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-application.h"

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <string.h>

#include "cb-engine.h"
#include "cb-new-batch-rules.h"
#include "cb-settings.h"
#include "cb-window.h"

struct _CbApplication
{
  AdwApplication  parent_instance;

  CbStore        *store;
  CbEngine       *engine;
  /* Why the engine is not running, shown in the window. */
  char           *engine_problem;
  /* Shown instead of a window when the store could not be opened. */
  GtkWindow      *error_dialog;
};

G_DEFINE_FINAL_TYPE (CbApplication, cb_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The database: a path to an SQLite file or a libgda connection string"), N_("URI") },
  { "listen", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the REST API and the webhook receiver"), N_("HOST:PORT") },
  { "sim-speed", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Play simulated calls this many times faster than real time"), N_("N") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

/* Relative paths are taken from the directory the command ran in, which is not
 * the primary instance's when Callboard is already running. */
static char *
resolve_db_uri (GApplicationCommandLine *command_line,
                const char              *uri)
{
  const char *cwd;

  if (uri == NULL || uri[0] == '\0')
    return NULL;

  if (strstr (uri, "://") != NULL || g_path_is_absolute (uri))
    return g_strdup (uri);

  cwd = g_application_command_line_get_cwd (command_line);
  if (cwd == NULL)
    return g_strdup (uri);

  return g_build_filename (cwd, uri, NULL);
}

static void
error_dialog_response_cb (CbApplication *self,
                          const char    *response,
                          GtkWindow     *dialog)
{
  g_assert (CB_IS_APPLICATION (self));

  gtk_window_destroy (dialog);
  g_application_quit (G_APPLICATION (self));
}

static void
show_open_error (CbApplication *self,
                 const GError  *error)
{
  GtkWidget *dialog;

  g_assert (CB_IS_APPLICATION (self));

  dialog = adw_message_dialog_new (NULL, _("Could Not Open the Database"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Quit"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Callboard"));
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (error_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);

  g_set_weak_pointer (&self->error_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_batch_defaults (CbStore    *store,
                     GParamSpec *pspec,
                     CbSettings *settings)
{
  CbNewBatchState state = { 0 };
  g_autofree char *retries = NULL;
  g_autofree char *concurrency = NULL;
  g_autofree char *window = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (CB_IS_STORE (store));
  g_assert (CB_IS_SETTINGS (settings));

  retries = g_strdup_printf ("%u", cb_settings_get_default_max_retries (settings));
  concurrency = g_strdup_printf ("%u", cb_settings_get_default_concurrency (settings));

  state.window_enabled = cb_settings_get_window_enabled (settings);
  state.window_start = cb_settings_get_window_start_hour (settings) * 60;
  state.window_end = cb_settings_get_window_end_hour (settings) * 60;
  state.window_days = cb_settings_get_window_days (settings) & CB_NEW_BATCH_ALL_DAYS;
  if (state.window_enabled && state.window_end > state.window_start
      && state.window_end <= 24 * 60 && state.window_days != 0)
    window = cb_new_batch_call_window (&state, cb_settings_get_window_recipient_local (settings));

  if (!cb_store_set_setting (store, "default_max_retries", retries, &error)
      || !cb_store_set_setting (store, "default_concurrency", concurrency, &error)
      || !cb_store_set_setting (store, "default_call_window", window, &error))
    g_warning ("Could not keep the batch defaults in the database: %s", error->message);
}

void
cb_application_bind_batch_defaults (CbSettings *settings,
                                    CbStore    *store)
{
  static const char * const signals[] = {
    "notify::default-max-retries", "notify::default-concurrency", "notify::window-enabled",
    "notify::window-start-hour", "notify::window-end-hour", "notify::window-days",
    "notify::window-recipient-local",
  };

  g_return_if_fail (CB_IS_SETTINGS (settings));
  g_return_if_fail (CB_IS_STORE (store));

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (settings, signals[i], G_CALLBACK (sync_batch_defaults), store,
                             G_CONNECT_SWAPPED);

  sync_batch_defaults (store, NULL, settings);
}

/* The engine runs in-process on the main loop. When it cannot start (the address is
 * taken), the window still browses the store and says why nothing is dialled. */
static void
start_engine (CbApplication *self,
              const char    *listen,
              double         sim_speed)
{
  g_autoptr(GError) error = NULL;
  const char *env_speed = g_getenv ("CALLBOARD_SIM_SPEED");

  g_assert (CB_IS_APPLICATION (self));
  g_assert (self->store != NULL);

  self->engine = cb_engine_new (self->store, listen);
  if (sim_speed <= 0 && env_speed != NULL)
    sim_speed = g_ascii_strtod (env_speed, NULL);
  if (sim_speed <= 0)
    sim_speed = cb_settings_get_sim_speed (cb_settings_get_default ());
  if (sim_speed > 0)
    cb_engine_set_sim_speed (self->engine, sim_speed);
  /* The window goes first. */
  cb_engine_set_sim_background (self->engine, TRUE);

  if (!cb_engine_start (self->engine, &error))
    {
      const char *address = listen ? listen : g_getenv ("CALLBOARD_LISTEN");

      if (address == NULL)
        address = CB_ENGINE_DEFAULT_LISTEN;

      g_warning ("The engine could not start: %s", error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        self->engine_problem =
          g_strdup_printf (_("Calls cannot be placed: the address %s is used by another "
                             "program, perhaps another Callboard. Quit it, or start Callboard "
                             "with --listen and a free address."), address);
      else
        self->engine_problem = g_strdup_printf (_("Calls cannot be placed: %s"), error->message);
      g_clear_object (&self->engine);
    }
}

static int
cb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("callboard %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

static int
cb_application_command_line (GApplication            *application,
                              GApplicationCommandLine *command_line)
{
  CbApplication *self = CB_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *db = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *listen = NULL;
  double sim_speed = 0;

  g_variant_dict_lookup (options, "db", "s", &db);
  g_variant_dict_lookup (options, "listen", "s", &listen);
  g_variant_dict_lookup (options, "sim-speed", "d", &sim_speed);
  uri = resolve_db_uri (command_line, db);

  if (self->store == NULL && self->error_dialog == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* NULL: CALLBOARD_DB, else the default path */
      self->store = cb_store_open (uri, CB_STORE_FLAGS_NONE, &error);
      if (self->store == NULL)
        {
          g_application_command_line_printerr (command_line, "%s\n", error->message);
          show_open_error (self, error);
          return 1;
        }

      cb_application_bind_batch_defaults (cb_settings_get_default (), self->store);
      start_engine (self, listen, sim_speed);
    }
  else if (uri != NULL && self->store != NULL &&
           g_strcmp0 (uri, cb_store_get_uri (self->store)) != 0)
    {
      g_application_command_line_printerr (command_line,
                                           _("Callboard is already running with the database “%s”.\n"),
                                           cb_store_get_uri (self->store));
    }

  g_application_activate (application);

  return 0;
}

/* Software OpenGL (Mesa's llvmpipe, softpipe) draws GTK's GL renderer's frames slower than
 * cairo does, on the CPU the engine needs too: on such machines (virtual desktops, machines
 * without a GPU) the window uses the cairo renderer, as later GTK releases do by themselves.
 * GSK_RENDERER, when set, is left as it is. Call before any window is realized. */
void
cb_application_choose_renderer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  const char *renderer;
  gboolean software;

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return;

  /* Without GL at all, GTK picks cairo itself. */
  if (!gdk_display_prepare_gl (display, NULL)
      || (context = gdk_display_create_gl_context (display, NULL)) == NULL
      || !gdk_gl_context_realize (context, NULL))
    return;

  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  software = renderer != NULL && (strstr (renderer, "llvmpipe") != NULL
                                  || strstr (renderer, "softpipe") != NULL);
  g_debug ("OpenGL renderer: %s", renderer != NULL ? renderer : "unknown");
  gdk_gl_context_clear_current ();

  if (software)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

static void
cb_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (cb_application_parent_class)->startup (application);

  /* Before the engine's threads start and before the first window. */
  cb_application_choose_renderer ();
}

static void
cb_application_activate (GApplication *application)
{
  CbApplication *self = CB_APPLICATION (application);
  GtkWindow *window;

  if (self->error_dialog != NULL)
    {
      gtk_window_present (self->error_dialog);
      return;
    }

  if (self->store == NULL)
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (cb_window_new (GTK_APPLICATION (self), self->store));
      cb_window_set_engine (CB_WINDOW (window), self->engine, self->engine_problem);
    }

  gtk_window_present (window);
}

static void
cb_application_shutdown (GApplication *application)
{
  CbApplication *self = CB_APPLICATION (application);

  G_APPLICATION_CLASS (cb_application_parent_class)->shutdown (application);

  if (self->engine != NULL)
    cb_engine_stop (self->engine);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
}

static void
cb_application_dispose (GObject *object)
{
  CbApplication *self = (CbApplication *)object;

  g_clear_weak_pointer (&self->error_dialog);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_pointer (&self->engine_problem, g_free);

  G_OBJECT_CLASS (cb_application_parent_class)->dispose (object);
}

static void
cb_application_class_init (CbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cb_application_dispose;

  app_class->handle_local_options = cb_application_handle_local_options;
  app_class->command_line = cb_application_command_line;
  app_class->startup = cb_application_startup;
  app_class->activate = cb_application_activate;
  app_class->shutdown = cb_application_shutdown;
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  CbApplication *self = user_data;
  g_autoptr(GBytes) metainfo = NULL;
  g_autofree char *release_notes = NULL;
  GtkWidget *about;

  metainfo = g_resources_lookup_data ("/io/github/callboard/Callboard/metainfo.xml",
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (metainfo != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (metainfo, NULL),
                                         g_bytes_get_size (metainfo));

      release_notes = cb_application_dup_release_notes (text, PACKAGE_VERSION, NULL);
    }

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Callboard"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Callboard authors"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/callboard/callboard",
                        "issue-url", "https://github.com/callboard/callboard/issues",
                        "copyright", _("© 2026 The Callboard authors"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  if (release_notes != NULL)
    {
      adw_about_window_set_release_notes (ADW_ABOUT_WINDOW (about), release_notes);
      adw_about_window_set_release_notes_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
    }

  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  CbApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing the windows first lets them keep their size and state. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
cb_application_init (CbApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Place batch calls with voice agents"));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

CbApplication *
cb_application_new (void)
{
  return g_object_new (CB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/callboard/Callboard",
                       NULL);
}

CbStore *
cb_application_get_store (CbApplication *self)
{
  g_return_val_if_fail (CB_IS_APPLICATION (self), NULL);

  return self->store;
}

CbEngine *
cb_application_get_engine (CbApplication *self)
{
  g_return_val_if_fail (CB_IS_APPLICATION (self), NULL);

  return self->engine;
}

/* Release notes from the metainfo */

typedef struct
{
  const char *version;    /* wanted, or NULL for the first */
  char       *found;      /* the version of the release read */
  GString    *notes;
  guint       in_release : 1;
  guint       in_description : 1;
  guint       done : 1;
} ReleaseNotes;

static void
release_notes_start (GMarkupParseContext  *context,
                     const char           *element,
                     const char          **names,
                     const char          **values,
                     gpointer              user_data,
                     GError              **error)
{
  ReleaseNotes *rn = user_data;

  if (rn->done)
    return;

  if (g_str_equal (element, "release"))
    {
      const char *version = NULL;

      for (guint i = 0; names[i] != NULL; i++)
        {
          if (g_str_equal (names[i], "version"))
            version = values[i];
        }

      if (version != NULL && (rn->version == NULL || g_str_equal (rn->version, version)))
        {
          rn->in_release = TRUE;
          g_free (rn->found);
          rn->found = g_strdup (version);
        }
    }
  else if (rn->in_release && g_str_equal (element, "description"))
    rn->in_description = TRUE;
  else if (rn->in_description)
    g_string_append_printf (rn->notes, "<%s>", element);
}

static void
release_notes_end (GMarkupParseContext  *context,
                   const char           *element,
                   gpointer              user_data,
                   GError              **error)
{
  ReleaseNotes *rn = user_data;

  if (rn->done)
    return;

  if (rn->in_description && g_str_equal (element, "description"))
    rn->in_description = FALSE;
  else if (rn->in_description)
    g_string_append_printf (rn->notes, "</%s>", element);
  else if (rn->in_release && g_str_equal (element, "release"))
    {
      rn->in_release = FALSE;
      rn->done = TRUE;
    }
}

static void
release_notes_text (GMarkupParseContext  *context,
                    const char           *text,
                    gsize                 text_len,
                    gpointer              user_data,
                    GError              **error)
{
  ReleaseNotes *rn = user_data;
  g_autofree char *collapsed = NULL;
  g_autofree char *escaped = NULL;
  g_auto(GStrv) words = NULL;

  if (rn->done || !rn->in_description)
    return;

  /* Collapse the XML file's line breaks and indentation into single spaces. */
  collapsed = g_strndup (text, text_len);
  words = g_strsplit_set (g_strstrip (collapsed), " \t\r\n", -1);
  g_clear_pointer (&collapsed, g_free);
  {
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; words[i] != NULL; i++)
      {
        if (words[i][0] == '\0')
          continue;
        if (joined->len > 0)
          g_string_append_c (joined, ' ');
        g_string_append (joined, words[i]);
      }

    escaped = g_markup_escape_text (joined->str, -1);
  }

  g_string_append (rn->notes, escaped);
}

char *
cb_application_dup_release_notes (const char  *metainfo,
                                  const char  *version,
                                  char       **version_out)
{
  static const GMarkupParser parser = {
    release_notes_start, release_notes_end, release_notes_text, NULL, NULL,
  };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  ReleaseNotes rn = { version, NULL, NULL, FALSE, FALSE, FALSE };
  g_autofree char *found = NULL;

  g_return_val_if_fail (metainfo != NULL, NULL);

  rn.notes = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &rn, NULL);
  if (!g_markup_parse_context_parse (context, metainfo, -1, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_debug ("Could not read the metainfo's release notes: %s", error->message);

  found = g_steal_pointer (&rn.found);

  if (error != NULL || !rn.done || rn.notes->len == 0)
    {
      g_string_free (rn.notes, TRUE);
      return NULL;
    }

  if (version_out != NULL)
    *version_out = g_steal_pointer (&found);

  return g_string_free (rn.notes, FALSE);
}
