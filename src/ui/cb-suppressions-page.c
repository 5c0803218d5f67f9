/* cb-suppressions-page.c — the do-not-call list
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-suppressions-page.h"

#include <glib/gi18n.h>

struct _CbSuppressionsPage
{
  CbPage         parent_instance;

  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
};

G_DEFINE_FINAL_TYPE (CbSuppressionsPage, cb_suppressions_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbSuppression *suppression = item;
  const char *note;
  GDateTime *created_at;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  g_assert (CB_IS_SUPPRESSION (suppression));

  note = cb_suppression_get_note (suppression);
  created_at = cb_suppression_get_created_at (suppression);

  if (note != NULL && note[0] != '\0')
    subtitle = g_strdup (note);
  else if (created_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (created_at);
      /* Translators: the date a number was put on the do-not-call list, "24 Nov 2026" */
      g_autofree char *date = g_date_time_format (local, C_("blocked date", "%-d %b %Y"));

      /* Translators: %s is a date, "24 Nov 2026" */
      subtitle = g_strdup_printf (_("Blocked since %s"), date);
    }

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_suppression_get_number (suppression));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, cb_suppression_get_number (suppression));

  return row;
}

static gboolean
cb_suppressions_page_reload (CbPage   *page,
                             CbStore  *store,
                             GError  **error)
{
  CbSuppressionsPage *self = CB_SUPPRESSIONS_PAGE (page);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) suppressions = NULL;
  g_autofree char *count = NULL;
  guint n_suppressions;

  if (!(suppressions = cb_store_list_suppressions (store, &local_error)))
    {
      cb_page_show_error (page, self->stack, self->error_status, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  n_suppressions = g_list_model_get_n_items (suppressions);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u Blocked Number", "%u Blocked Numbers", n_suppressions),
                           n_suppressions);
  gtk_label_set_label (self->count_label, count);

  cb_page_show_model (page, self->stack, self->list_box, suppressions, create_row);

  return TRUE;
}

static void
cb_suppressions_page_class_init (CbSuppressionsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  page_class->reload = cb_suppressions_page_reload;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-suppressions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, error_status);
}

static void
cb_suppressions_page_init (CbSuppressionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
