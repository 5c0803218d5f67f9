/* cb-phone-numbers-page.c — the caller IDs calls are placed from
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-phone-numbers-page.h"

#include <glib/gi18n.h>

#include "cb-store-catalog.h"

struct _CbPhoneNumbersPage
{
  CbPage         parent_instance;

  /* provider account id → its name, for the rows' subtitles */
  GHashTable    *account_names;

  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
};

G_DEFINE_FINAL_TYPE (CbPhoneNumbersPage, cb_phone_numbers_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbPhoneNumbersPage *self = user_data;
  CbPhoneNumber *number = item;
  const char *account_name;
  const char *label;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *icon;

  g_assert (CB_IS_PHONE_NUMBERS_PAGE (self));
  g_assert (CB_IS_PHONE_NUMBER (number));

  if (cb_phone_number_get_provider_account_id (number) == NULL)
    account_name = _("No provider account");
  else if (!(account_name = g_hash_table_lookup (self->account_names,
                                                 cb_phone_number_get_provider_account_id (number))))
    account_name = cb_phone_number_get_provider_account_id (number);

  label = cb_phone_number_get_label (number);
  if (label != NULL && label[0] != '\0')
    /* Translators: a caller ID's label and its provider account, "Main line · Simulator" */
    subtitle = g_strdup_printf (_("%s · %s"), label, account_name);
  else
    subtitle = g_strdup (account_name);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_phone_number_get_number (number));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, cb_phone_number_get_id (number));
  gtk_widget_add_css_class (row, "phone-number-row");

  icon = gtk_image_new_from_icon_name ("phone-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Caller ID"),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  cb_page_add_row_buttons (ADW_ACTION_ROW (row), cb_phone_number_get_id (number),
                           cb_phone_number_get_number (number),
                           "phone-numbers.edit", "phone-numbers.delete");

  return row;
}

static gboolean
cb_phone_numbers_page_reload (CbPage   *page,
                              CbStore  *store,
                              GError  **error)
{
  CbPhoneNumbersPage *self = CB_PHONE_NUMBERS_PAGE (page);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) accounts = NULL;
  g_autoptr(GListModel) numbers = NULL;
  g_autofree char *count = NULL;
  guint n_numbers;

  if (!(accounts = cb_store_list_provider_accounts (store, &local_error)) ||
      !(numbers = cb_store_list_phone_numbers (store, &local_error)))
    {
      cb_page_show_error (page, self->stack, self->error_status, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_hash_table_remove_all (self->account_names);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(CbProviderAccount) account = g_list_model_get_item (accounts, i);

      g_hash_table_insert (self->account_names,
                           g_strdup (cb_provider_account_get_id (account)),
                           g_strdup (cb_provider_account_get_name (account)));
    }

  n_numbers = g_list_model_get_n_items (numbers);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u Phone Number", "%u Phone Numbers", n_numbers),
                           n_numbers);
  gtk_label_set_label (self->count_label, count);

  cb_page_show_model (page, self->stack, self->list_box, numbers, create_row);

  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  cb_page_open_editor (CB_PAGE (widget), CB_CATALOG_KIND_PHONE_NUMBER, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  cb_page_open_editor (CB_PAGE (widget), CB_CATALOG_KIND_PHONE_NUMBER,
                       g_variant_get_string (param, NULL));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbPage *page = CB_PAGE (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(CbPhoneNumber) number = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  if (cb_page_get_store (page) == NULL)
    return;

  if (!(number = cb_store_get_phone_number (cb_page_get_store (page), id, &error)))
    {
      cb_page_toast (page, error->message);
      return;
    }

  /* Translators: %s is a phone number */
  body = g_strdup_printf (_("Calls will no longer come from %s. Agents using it as their default "
                            "caller ID will have none."), cb_phone_number_get_number (number));
  cb_page_confirm_delete (page, id, _("Delete Caller ID?"), body, _("Cannot Delete Caller ID"),
                          cb_store_delete_phone_number);
}

static void
cb_phone_numbers_page_finalize (GObject *object)
{
  CbPhoneNumbersPage *self = (CbPhoneNumbersPage *)object;

  g_clear_pointer (&self->account_names, g_hash_table_unref);

  G_OBJECT_CLASS (cb_phone_numbers_page_parent_class)->finalize (object);
}

static void
cb_phone_numbers_page_class_init (CbPhoneNumbersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  object_class->finalize = cb_phone_numbers_page_finalize;

  page_class->reload = cb_phone_numbers_page_reload;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-phone-numbers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbPhoneNumbersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbPhoneNumbersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbPhoneNumbersPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CbPhoneNumbersPage, error_status);

  gtk_widget_class_install_action (widget_class, "phone-numbers.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "phone-numbers.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "phone-numbers.delete", "s", delete_action);
}

static void
cb_phone_numbers_page_init (CbPhoneNumbersPage *self)
{
  self->account_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}
