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

  /* Changes not shown yet: batch id → set of recipient ids (maybe empty) */
  GHashTable    *changes;
  guint          changes_source;
};

G_DEFINE_FINAL_TYPE (CbBatchesPage, cb_batches_page, CB_TYPE_PAGE)

enum {
  BATCH_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

static CbBatchRow *
find_row (CbBatchesPage *self,
          const char    *batch_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (CB_IS_BATCH_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), batch_id) == 0)
        return CB_BATCH_ROW (row);
    }

  return NULL;
}

gboolean
cb_batches_page_flush_changes (CbBatchesPage *self)
{
  g_autoptr(GHashTable) changes = NULL;
  CbStore *store;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  gboolean missing = FALSE;

  g_return_val_if_fail (CB_IS_BATCHES_PAGE (self), FALSE);

  g_clear_handle_id (&self->changes_source, g_source_remove);
  if (g_hash_table_size (self->changes) == 0)
    return FALSE;

  changes = g_steal_pointer (&self->changes);
  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  store = cb_page_get_store (CB_PAGE (self));
  if (store == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *batch_id = key;
      g_autoptr(GError) error = NULL;
      g_autoptr(CbBatch) batch = NULL;
      g_autofree gpointer *ids = NULL;
      CbBatchRow *row = find_row (self, batch_id);
      int before = -1;

      /* Read once, for its row and its detail. */
      if (!(batch = cb_store_get_batch (store, batch_id, &error)))
        {
          g_debug ("Could not read batch %s again: %s", batch_id, error->message);
          continue;
        }

      if (row != NULL)
        {
          before = cb_batch_get_status (cb_batch_row_get_batch (row));
          cb_batch_row_set_batch (row, batch);
        }
      else
        missing = TRUE;

      if (self->showing_detail &&
          g_strcmp0 (cb_batch_detail_get_batch_id (self->detail), batch_id) == 0)
        {
          if (before < 0)
            before = cb_batch_get_status (cb_batch_detail_get_batch (self->detail));
          ids = g_hash_table_get_keys_as_array (value, NULL);
          cb_batch_detail_update (self->detail, batch, (const char * const *)ids);
        }

      /* Maybe started and finished since the page last looked. */
      if (before >= 0 && before != CB_BATCH_STATUS_COMPLETED &&
          cb_batch_get_status (batch) == CB_BATCH_STATUS_COMPLETED)
        g_signal_emit (self, signals[BATCH_FINISHED], 0, batch);
    }

  /* A batch the list does not show yet. */
  if (missing)
    cb_page_reload (CB_PAGE (self), NULL);

  return TRUE;
}

static gboolean
changes_cb (gpointer user_data)
{
  CbBatchesPage *self = user_data;

  self->changes_source = 0;
  cb_batches_page_flush_changes (self);

  return G_SOURCE_REMOVE;
}

void
cb_batches_page_batch_changed (CbBatchesPage      *self,
                               const char         *batch_id,
                               const char * const *recipient_ids)
{
  GHashTable *recipients;

  g_return_if_fail (CB_IS_BATCHES_PAGE (self));
  g_return_if_fail (batch_id != NULL);

  recipients = g_hash_table_lookup (self->changes, batch_id);
  if (recipients == NULL)
    {
      recipients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->changes, g_strdup (batch_id), recipients);
    }

  for (guint i = 0; recipient_ids != NULL && recipient_ids[i] != NULL; i++)
    g_hash_table_add (recipients, g_strdup (recipient_ids[i]));

  /* Whatever the engine reports in the meantime is shown with this. */
  if (self->changes_source == 0)
    self->changes_source = g_timeout_add (CB_BATCHES_PAGE_UPDATE_INTERVAL_MS, changes_cb, self);
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
cb_batches_page_dispose (GObject *object)
{
  CbBatchesPage *self = (CbBatchesPage *)object;

  g_clear_handle_id (&self->changes_source, g_source_remove);

  G_OBJECT_CLASS (cb_batches_page_parent_class)->dispose (object);
}

static void
cb_batches_page_finalize (GObject *object)
{
  CbBatchesPage *self = (CbBatchesPage *)object;

  g_clear_pointer (&self->changes, g_hash_table_unref);

  G_OBJECT_CLASS (cb_batches_page_parent_class)->finalize (object);
}

static void
cb_batches_page_class_init (CbBatchesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  object_class->dispose = cb_batches_page_dispose;
  object_class->finalize = cb_batches_page_finalize;
  page_class->reload = cb_batches_page_reload;

  signals[BATCH_FINISHED] = g_signal_new ("batch-finished", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, CB_TYPE_BATCH);

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

  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
}
