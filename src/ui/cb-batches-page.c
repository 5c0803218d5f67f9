/* cb-batches-page.c — every batch call, newest first
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-batches-page.h"

#include <glib/gi18n.h>

#include "cb-batch-row.h"

struct _CbBatchesPage
{
  CbPage         parent_instance;

  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
};

G_DEFINE_FINAL_TYPE (CbBatchesPage, cb_batches_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbBatch *batch = item;
  GtkWidget *row;

  g_assert (CB_IS_BATCH (batch));

  row = cb_batch_row_new (batch);
  gtk_widget_set_name (row, cb_batch_get_id (batch));

  return row;
}

static gboolean
cb_batches_page_reload (CbPage   *page,
                        CbStore  *store,
                        GError  **error)
{
  CbBatchesPage *self = CB_BATCHES_PAGE (page);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) batches = NULL;
  g_autofree char *count = NULL;
  guint n_batches;

  if (!(batches = cb_store_list_batches (store, NULL, 0, &local_error)))
    {
      cb_page_show_error (page, self->stack, self->error_status, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  n_batches = g_list_model_get_n_items (batches);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Batch", "%u Batches", n_batches),
                           n_batches);
  gtk_label_set_label (self->count_label, count);

  cb_page_show_model (page, self->stack, self->list_box, batches, create_row);

  return TRUE;
}

static void
cb_batches_page_class_init (CbBatchesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  page_class->reload = cb_batches_page_reload;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-batches-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbBatchesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbBatchesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchesPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CbBatchesPage, error_status);
}

static void
cb_batches_page_init (CbBatchesPage *self)
{
  g_type_ensure (CB_TYPE_BATCH_ROW);

  gtk_widget_init_template (GTK_WIDGET (self));
}
