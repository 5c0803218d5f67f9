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
#include "cb-window.h"

struct _CbBatchesPage
{
  CbPage         parent_instance;

  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
  CbBatchDetail *detail;
  gboolean       showing_detail;
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

  if (self->showing_detail)
    {
      gtk_stack_set_visible_child_name (self->stack, "detail");
      cb_batch_detail_refresh (self->detail, NULL);
    }

  return TRUE;
}

static CbEngine *
get_engine (CbBatchesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return CB_IS_WINDOW (root) ? cb_window_get_engine (CB_WINDOW (root)) : NULL;
}

gboolean
cb_batches_page_open_batch (CbBatchesPage  *self,
                            const char     *batch_id,
                            GError        **error)
{
  CbStore *store;

  g_return_val_if_fail (CB_IS_BATCHES_PAGE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  store = cb_page_get_store (CB_PAGE (self));
  if (!cb_batch_detail_show_batch (self->detail, store, get_engine (self), batch_id, error))
    return FALSE;

  self->showing_detail = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "detail");

  return TRUE;
}

CbBatchDetail *
cb_batches_page_get_detail (CbBatchesPage *self)
{
  g_return_val_if_fail (CB_IS_BATCHES_PAGE (self), NULL);

  return self->showing_detail ? self->detail : NULL;
}

void
cb_batches_page_batch_changed (CbBatchesPage      *self,
                               const char         *batch_id,
                               const char * const *recipient_ids)
{
  g_return_if_fail (CB_IS_BATCHES_PAGE (self));

  if (self->showing_detail &&
      g_strcmp0 (cb_batch_detail_get_batch_id (self->detail), batch_id) == 0)
    cb_batch_detail_refresh (self->detail, recipient_ids);

  if (recipient_ids == NULL)
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
           row != NULL;
           row = gtk_widget_get_next_sibling (row))
        {
          if (CB_IS_BATCH_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), batch_id) == 0)
            {
              g_autoptr(CbBatch) batch = cb_store_get_batch (cb_page_get_store (CB_PAGE (self)),
                                                             batch_id, NULL);

              if (batch != NULL)
                cb_batch_row_set_batch (CB_BATCH_ROW (row), batch);
              return;
            }
        }

      /* A batch the list does not show yet. */
      cb_page_reload (CB_PAGE (self), NULL);
    }
}

static void
row_activated_cb (CbBatchesPage *self,
                  GtkListBoxRow *row)
{
  g_autoptr(GError) error = NULL;

  if (!cb_batches_page_open_batch (self, gtk_widget_get_name (GTK_WIDGET (row)), &error))
    g_warning ("Could not open the batch: %s", error->message);
}

static void
detail_back_cb (CbBatchesPage *self)
{
  self->showing_detail = FALSE;
  cb_page_reload (CB_PAGE (self), NULL);
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
  gtk_widget_class_bind_template_child (widget_class, CbBatchesPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, detail_back_cb);
}

static void
cb_batches_page_init (CbBatchesPage *self)
{
  g_type_ensure (CB_TYPE_BATCH_ROW);
  g_type_ensure (CB_TYPE_BATCH_DETAIL);

  gtk_widget_init_template (GTK_WIDGET (self));
}
