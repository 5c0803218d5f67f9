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
  CbPage parent_instance;
};

G_DEFINE_FINAL_TYPE (CbAgentsPage, cb_agents_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbPage *page = user_data;
  CbAgent *agent = item;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *avatar;

  g_assert (CB_IS_AGENTS_PAGE (page));
  g_assert (CB_IS_AGENT (agent));

  /* Translators: an agent's provider account and the provider's id of the agent,
   * "Simulator · agent_1234" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              cb_page_get_account_name (page,
                                                        cb_agent_get_provider_account_id (agent)),
                              cb_agent_get_provider_agent_id (agent));

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

static char *
format_count (guint n_agents)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Agent", "%u Agents", n_agents),
                          n_agents);
}

static char *
delete_body (CbStore     *store,
             const char  *id,
             GError     **error)
{
  g_autoptr(CbAgent) agent = NULL;

  if (!(agent = cb_store_get_agent (store, id, error)))
    return NULL;

  /* Translators: %s is an agent's name */
  return g_strdup_printf (_("“%s” will be removed from Callboard. Finished batches keep their "
                            "records."), cb_agent_get_name (agent));
}

static const CbPageCatalog agents_catalog = {
  .kind = CB_CATALOG_KIND_AGENT,
  .action_prefix = "agents",
  .list = cb_store_list_agents,
  .create_row = create_row,
  .format_count = format_count,
  .delete_body = delete_body,
  .delete_heading = N_("Delete Agent?"),
  .refused_heading = N_("Cannot Delete Agent"),
  .delete_func = cb_store_delete_agent,
};

static void
cb_agents_page_class_init (CbAgentsPageClass *klass)
{
  cb_page_class_set_catalog (CB_PAGE_CLASS (klass),
                             "/io/github/callboard/Callboard/cb-agents-page.ui",
                             &agents_catalog);
}

static void
cb_agents_page_init (CbAgentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
