/* cb-agents-page.c — the agents of every provider account
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-agents-page.h"

#include <glib/gi18n.h>

#include "cb-store-catalog.h"

struct _CbAgentsPage
{
  CbPage         parent_instance;

  /* provider account id → its name, for the rows' subtitles */
  GHashTable    *account_names;

  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
};

G_DEFINE_FINAL_TYPE (CbAgentsPage, cb_agents_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbAgentsPage *self = user_data;
  CbAgent *agent = item;
  const char *account_name;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *avatar;

  g_assert (CB_IS_AGENTS_PAGE (self));
  g_assert (CB_IS_AGENT (agent));

  account_name = g_hash_table_lookup (self->account_names,
                                      cb_agent_get_provider_account_id (agent));
  if (account_name == NULL)
    account_name = cb_agent_get_provider_account_id (agent);

  /* Translators: an agent's provider account and the provider's id of the agent,
   * "Simulator · agent_1234" */
  subtitle = g_strdup_printf (_("%s · %s"), account_name, cb_agent_get_provider_agent_id (agent));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_agent_get_name (agent));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, cb_agent_get_id (agent));

  avatar = adw_avatar_new (32, cb_agent_get_name (agent), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (avatar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cb_agent_get_name (agent),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  cb_page_add_row_buttons (ADW_ACTION_ROW (row), cb_agent_get_id (agent), cb_agent_get_name (agent),
                           "agents.edit", "agents.delete");

  return row;
}

static gboolean
cb_agents_page_reload (CbPage   *page,
                       CbStore  *store,
                       GError  **error)
{
  CbAgentsPage *self = CB_AGENTS_PAGE (page);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) accounts = NULL;
  g_autoptr(GListModel) agents = NULL;
  g_autofree char *count = NULL;
  guint n_agents;

  if (!(accounts = cb_store_list_provider_accounts (store, &local_error)) ||
      !(agents = cb_store_list_agents (store, &local_error)))
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

  n_agents = g_list_model_get_n_items (agents);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Agent", "%u Agents", n_agents),
                           n_agents);
  gtk_label_set_label (self->count_label, count);

  cb_page_show_model (page, self->stack, self->list_box, agents, create_row);

  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  cb_page_open_editor (CB_PAGE (widget), CB_CATALOG_KIND_AGENT, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  cb_page_open_editor (CB_PAGE (widget), CB_CATALOG_KIND_AGENT, g_variant_get_string (param, NULL));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbPage *page = CB_PAGE (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  if (cb_page_get_store (page) == NULL)
    return;

  if (!(agent = cb_store_get_agent (cb_page_get_store (page), id, &error)))
    {
      cb_page_toast (page, error->message);
      return;
    }

  /* Translators: %s is an agent's name */
  body = g_strdup_printf (_("“%s” will be removed from Callboard. Finished batches keep their "
                            "records."), cb_agent_get_name (agent));
  cb_page_confirm_delete (page, id, _("Delete Agent?"), body, _("Cannot Delete Agent"),
                          cb_store_delete_agent);
}

static void
cb_agents_page_finalize (GObject *object)
{
  CbAgentsPage *self = (CbAgentsPage *)object;

  g_clear_pointer (&self->account_names, g_hash_table_unref);

  G_OBJECT_CLASS (cb_agents_page_parent_class)->finalize (object);
}

static void
cb_agents_page_class_init (CbAgentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  object_class->finalize = cb_agents_page_finalize;

  page_class->reload = cb_agents_page_reload;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-agents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbAgentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbAgentsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbAgentsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CbAgentsPage, error_status);

  gtk_widget_class_install_action (widget_class, "agents.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "agents.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "agents.delete", "s", delete_action);
}

static void
cb_agents_page_init (CbAgentsPage *self)
{
  self->account_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}
