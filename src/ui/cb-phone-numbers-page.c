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
  CbPage parent_instance;
};

G_DEFINE_FINAL_TYPE (CbPhoneNumbersPage, cb_phone_numbers_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbPage *page = user_data;
  CbPhoneNumber *number = item;
  const char *account_id;
  const char *account_name;
  const char *label;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *icon;

  g_assert (CB_IS_PHONE_NUMBERS_PAGE (page));
  g_assert (CB_IS_PHONE_NUMBER (number));

  account_id = cb_phone_number_get_provider_account_id (number);
  account_name = account_id != NULL ? cb_page_get_account_name (page, account_id)
                                    : _("No provider account");

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

static char *
format_count (guint n_numbers)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u Phone Number", "%u Phone Numbers", n_numbers),
                          n_numbers);
}

static char *
delete_body (CbStore     *store,
             const char  *id,
             GError     **error)
{
  g_autoptr(CbPhoneNumber) number = NULL;

  if (!(number = cb_store_get_phone_number (store, id, error)))
    return NULL;

  /* Translators: %s is a phone number */
  return g_strdup_printf (_("Calls will no longer come from %s. Agents using it as their default "
                            "caller ID will have none."), cb_phone_number_get_number (number));
}

static const CbPageCatalog phone_numbers_catalog = {
  .kind = CB_CATALOG_KIND_PHONE_NUMBER,
  .action_prefix = "phone-numbers",
  .list = cb_store_list_phone_numbers,
  .create_row = create_row,
  .format_count = format_count,
  .delete_body = delete_body,
  .delete_heading = N_("Delete Caller ID?"),
  .refused_heading = N_("Cannot Delete Caller ID"),
  .delete_func = cb_store_delete_phone_number,
};

static void
cb_phone_numbers_page_class_init (CbPhoneNumbersPageClass *klass)
{
  cb_page_class_set_catalog (CB_PAGE_CLASS (klass),
                             "/io/github/callboard/Callboard/cb-phone-numbers-page.ui",
                             &phone_numbers_catalog);
}

static void
cb_phone_numbers_page_init (CbPhoneNumbersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
