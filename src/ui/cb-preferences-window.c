/* cb-preferences-window.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-preferences-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cb-new-batch-rules.h"
#include "cb-page.h"
#include "cb-phone.h"
#include "cb-secrets.h"

struct _CbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  CbStore              *store;
  CbEngine             *engine;
  CbSettings           *settings;
  char                 *token;

  GtkSpinButton        *retries_spin;
  GtkSpinButton        *concurrency_spin;
  AdwExpanderRow       *window_row;
  GtkSpinButton        *start_spin;
  GtkSpinButton        *end_spin;
  GtkBox               *days_box;
  GtkSwitch            *local_switch;
  AdwEntryRow          *region_row;
  AdwEntryRow          *countries_row;
  AdwPreferencesGroup  *accounts_group;
  AdwActionRow         *address_row;
  AdwActionRow         *token_row;
  GtkSpinButton        *speed_spin;

  GPtrArray            *account_rows;
  GtkToggleButton      *day_buttons[7];
};

G_DEFINE_FINAL_TYPE (CbPreferencesWindow, cb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static GQuark
prefs_error_quark (void)
{
  return g_quark_from_static_string ("cb-preferences-error");
}

gboolean
cb_preferences_parse_region (const char  *text,
                             char       **normalized,
                             GError     **error)
{
  g_autofree char *code = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (normalized != NULL, FALSE);

  code = g_ascii_strup (g_strstrip (g_strdup (text)), -1);
  if (*code != '\0' && !cb_phone_is_known_region (code))
    {
      g_set_error (error, prefs_error_quark (), 0,
                   _("“%s” is not a country code such as US, GB or DE."), code);
      return FALSE;
    }

  *normalized = g_steal_pointer (&code);
  return TRUE;
}

gboolean
cb_preferences_parse_countries (const char  *text,
                                char       **normalized,
                                GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *copy = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (normalized != NULL, FALSE);

  copy = g_strdup (text);
  g_strdelimit (copy, ",;\t\n\r", ' ');
  parts = g_strsplit (copy, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *code = NULL;

      if (parts[i][0] == '\0')
        continue;

      if (!cb_preferences_parse_region (parts[i], &code, error))
        return FALSE;

      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, code);
    }

  *normalized = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static void
toast (CbPreferencesWindow *self,
       const char          *title)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
}

/* Numbers */

static void
region_apply_cb (CbPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  if (!cb_preferences_parse_region (gtk_editable_get_text (GTK_EDITABLE (self->region_row)),
                                    &region, &error) ||
      !cb_store_set_setting (self->store, "default_region", region, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->region_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->region_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), region);
  toast (self, _("Default region saved"));
}

static void
countries_apply_cb (CbPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *countries = NULL;

  if (!cb_preferences_parse_countries (gtk_editable_get_text (GTK_EDITABLE (self->countries_row)),
                                       &countries, &error) ||
      !cb_store_set_setting (self->store, "allowed_countries", countries, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->countries_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->countries_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->countries_row), countries);
  toast (self, _("Allowed countries saved"));
}

/* Calling window days */

static void
day_toggled_cb (CbPreferencesWindow *self)
{
  guint days = 0;

  for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
    if (gtk_toggle_button_get_active (self->day_buttons[i]))
      days |= 1u << i;

  /* At least one day: the last one cannot be switched off. */
  if (days == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
        if (cb_settings_get_window_days (self->settings) & (1u << i))
          gtk_toggle_button_set_active (self->day_buttons[i], TRUE);
      return;
    }

  cb_settings_set_window_days (self->settings, days);
}

static void
days_changed_cb (CbPreferencesWindow *self)
{
  guint days = cb_settings_get_window_days (self->settings);

  for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
    gtk_toggle_button_set_active (self->day_buttons[i], (days & (1u << i)) != 0);
}

/* Provider accounts */

static char *
secret_name (const char *account_id)
{
  return g_strdup_printf ("provider:%s", account_id);
}

static char *
dup_key_subtitle (CbPreferencesWindow *self,
                  CbProviderAccount   *account)
{
  g_autofree char *name = secret_name (cb_provider_account_get_id (account));
  g_autofree char *key = NULL;
  g_autofree char *masked = NULL;
  g_autoptr(GError) error = NULL;
  const char *kind = cb_provider_account_get_kind (account);

  key = cb_secrets_lookup (cb_store_get_uri (self->store), name, &error);
  if (error != NULL)
    /* Translators: %s says why the keyring could not be read */
    return g_strdup_printf (_("The key could not be read: %s"), error->message);

  if (key == NULL)
    return g_strdup (g_str_equal (kind, "sim") ? _("Simulator · a key is made on first use")
                                               : _("No API key: calls cannot be placed"));

  masked = cb_secrets_mask (key);
  /* Translators: a provider kind ("retell") and its masked API key ("key_…abcd") */
  return g_strdup_printf (_("%s · API key %s"), kind, masked);
}

static void change_key_clicked_cb (GtkButton           *button,
                                   CbPreferencesWindow *self);

static void
reload_accounts (CbPreferencesWindow *self)
{
  g_autoptr(GListModel) accounts = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->account_rows->len; i++)
    adw_preferences_group_remove (self->accounts_group, g_ptr_array_index (self->account_rows, i));
  g_ptr_array_set_size (self->account_rows, 0);

  if (!(accounts = cb_store_list_provider_accounts (self->store, &error)))
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(CbProviderAccount) account = g_list_model_get_item (accounts, i);
      g_autofree char *subtitle = dup_key_subtitle (self, account);
      g_autofree char *tooltip = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_provider_account_get_name (account));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_name (row, cb_provider_account_get_id (account));

      button = gtk_button_new_with_mnemonic (_("_Change Key…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_name (button, "change-key");
      /* Translators: %s is a provider account's name */
      tooltip = g_strdup_printf (_("Change the API key of “%s”"),
                                 cb_provider_account_get_name (account));
      gtk_widget_set_tooltip_text (button, tooltip);
      g_object_set_data_full (G_OBJECT (button), "account-id",
                              g_strdup (cb_provider_account_get_id (account)), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (change_key_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      cb_page_name_mnemonic_buttons (button);

      adw_preferences_group_add (self->accounts_group, row);
      g_ptr_array_add (self->account_rows, row);
    }
}

gboolean
cb_preferences_window_set_api_key (CbPreferencesWindow  *self,
                                   const char           *account_id,
                                   const char           *key,
                                   GError              **error)
{
  g_autofree char *name = NULL;
  g_autofree char *clean = NULL;

  g_return_val_if_fail (CB_IS_PREFERENCES_WINDOW (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  clean = g_strstrip (g_strdup (key));
  if (*clean == '\0')
    {
      g_set_error (error, prefs_error_quark (), 0, _("The API key is empty."));
      return FALSE;
    }

  name = secret_name (account_id);
  if (!cb_secrets_store (cb_store_get_uri (self->store), name, clean, error))
    return FALSE;

  /* The running engine reads the key again for its next call and webhook. */
  if (self->engine != NULL)
    cb_engine_forget_provider_account (self->engine, account_id);

  reload_accounts (self);
  return TRUE;
}

static void
key_response_cb (AdwMessageDialog    *dialog,
                 const char          *response,
                 CbPreferencesWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *account_id = g_object_get_data (G_OBJECT (dialog), "account-id");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save") != 0)
    return;

  if (!cb_preferences_window_set_api_key (self, account_id, gtk_editable_get_text (entry), &error))
    toast (self, error->message);
  else
    toast (self, _("API key saved"));
}

static void
change_key_clicked_cb (GtkButton           *button,
                       CbPreferencesWindow *self)
{
  const char *account_id = g_object_get_data (G_OBJECT (button), "account-id");
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Change API Key"),
                                                       _("The key is kept in your keyring. "
                                                         "Callboard never shows it again.")));
  gtk_widget_set_name (GTK_WIDGET (dialog), "change-key-dialog");
  /* A plain entry that hides its text: GtkPasswordEntry warns when its dialog goes away
   * on GTK 4.8. */
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("New API key"),
                                  -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "account-id", g_strdup (account_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (key_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* API server */

static void
copy_token_cb (CbPreferencesWindow *self)
{
  if (self->token == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->token);
  toast (self, _("Token copied"));
}

/* The application keeps the store's batch defaults in step with these settings; here a
 * window that makes no hours (until ≤ from, or no day) is only marked. */
static void
call_window_changed_cb (CbPreferencesWindow *self)
{
  guint start = cb_settings_get_window_start_hour (self->settings);
  guint end = cb_settings_get_window_end_hour (self->settings);
  guint days = cb_settings_get_window_days (self->settings) & CB_NEW_BATCH_ALL_DAYS;

  if (cb_settings_get_window_enabled (self->settings) && (end <= start || end > 24 || days == 0))
    gtk_widget_add_css_class (GTK_WIDGET (self->window_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->window_row), "error");
}

static void
speed_changed_cb (CbPreferencesWindow *self)
{
  if (self->engine != NULL)
    cb_engine_set_sim_speed (self->engine, cb_settings_get_sim_speed (self->settings));
}

static void
cb_preferences_window_dispose (GObject *object)
{
  CbPreferencesWindow *self = (CbPreferencesWindow *)object;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  G_OBJECT_CLASS (cb_preferences_window_parent_class)->dispose (object);
}

static void
cb_preferences_window_finalize (GObject *object)
{
  CbPreferencesWindow *self = (CbPreferencesWindow *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->account_rows, g_ptr_array_unref);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (cb_preferences_window_parent_class)->finalize (object);
}

static void
cb_preferences_window_class_init (CbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_preferences_window_dispose;
  object_class->finalize = cb_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, retries_spin);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, window_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, start_spin);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, end_spin);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, days_box);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, local_switch);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, region_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, countries_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, speed_spin);
  gtk_widget_class_bind_template_callback (widget_class, region_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, countries_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_token_cb);
}

static void
cb_preferences_window_init (CbPreferencesWindow *self)
{
  /* Translators: abbreviated days of the week, on toggle buttons */
  static const char * const day_labels[] = { N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
                                             N_("Fri"), N_("Sat"), N_("Sun") };
  static const char * const day_names[] = { N_("Monday"), N_("Tuesday"), N_("Wednesday"),
                                            N_("Thursday"), N_("Friday"), N_("Saturday"),
                                            N_("Sunday") };

  self->account_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_page_name_mnemonic_buttons (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
    {
      self->day_buttons[i] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_(day_labels[i])));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->day_buttons[i]), _(day_names[i]));
      gtk_box_append (self->days_box, GTK_WIDGET (self->day_buttons[i]));
    }
}

CbPreferencesWindow *
cb_preferences_window_new (GtkWindow  *parent,
                           CbStore    *store,
                           CbEngine   *engine,
                           CbSettings *settings)
{
  CbPreferencesWindow *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;
  g_autofree char *countries = NULL;
  const char *env_token;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (!engine || CB_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (CB_IS_SETTINGS (settings), NULL);

  self = g_object_new (CB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;
  self->settings = g_object_ref (settings);

  /* Batch defaults, bound both ways to the settings. */
#define BIND(prop, target, target_prop) \
  g_object_bind_property (settings, prop, target, target_prop, \
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE)
  BIND ("default-max-retries", gtk_spin_button_get_adjustment (self->retries_spin), "value");
  BIND ("default-concurrency", gtk_spin_button_get_adjustment (self->concurrency_spin), "value");
  BIND ("window-enabled", self->window_row, "enable-expansion");
  BIND ("window-start-hour", gtk_spin_button_get_adjustment (self->start_spin), "value");
  BIND ("window-end-hour", gtk_spin_button_get_adjustment (self->end_spin), "value");
  BIND ("window-recipient-local", self->local_switch, "active");
  BIND ("sim-speed", gtk_spin_button_get_adjustment (self->speed_spin), "value");
#undef BIND

  days_changed_cb (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
    g_signal_connect_swapped (self->day_buttons[i], "toggled", G_CALLBACK (day_toggled_cb), self);
  g_signal_connect_swapped (settings, "notify::window-days", G_CALLBACK (days_changed_cb), self);
  g_signal_connect_swapped (settings, "notify::sim-speed", G_CALLBACK (speed_changed_cb), self);
  {
    static const char * const window_signals[] = {
      "notify::window-enabled", "notify::window-start-hour", "notify::window-end-hour",
      "notify::window-days", "notify::window-recipient-local",
    };

    for (guint i = 0; i < G_N_ELEMENTS (window_signals); i++)
      g_signal_connect_swapped (settings, window_signals[i],
                                G_CALLBACK (call_window_changed_cb), self);
  }

  /* Numbers: engine settings, kept in the store, read by the importer. */
  region = cb_store_get_setting (store, "default_region");
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), region ? region : "");
  countries = cb_store_get_setting (store, "allowed_countries");
  gtk_editable_set_text (GTK_EDITABLE (self->countries_row), countries ? countries : "");

  reload_accounts (self);

  /* API server */
  if (engine != NULL && cb_engine_get_url (engine) != NULL)
    adw_action_row_set_subtitle (self->address_row, cb_engine_get_url (engine));
  else
    adw_action_row_set_subtitle (self->address_row, _("Not running"));

  env_token = g_getenv ("CALLBOARD_API_TOKEN");
  if (env_token != NULL && *env_token != '\0')
    self->token = g_strdup (env_token);
  else
    self->token = cb_secrets_ensure (cb_store_get_uri (store), "api-token", &error);

  if (self->token != NULL)
    {
      g_autofree char *masked = cb_secrets_mask (self->token);

      adw_action_row_set_subtitle (self->token_row, masked);
    }
  else
    adw_action_row_set_subtitle (self->token_row, error->message);

  return self;
}
