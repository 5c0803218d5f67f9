/* cb-recipient-list.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-recipient-list.h"

#define PAGE_SIZE 100
/* Pages kept before the least recently used is dropped: a few screens either way. */
#define MAX_PAGES 64

typedef struct
{
  guint      index;
  GPtrArray *items;   /* CbRecipient* */
  gint64     used;
} Page;

struct _CbRecipientList
{
  GObject          parent_instance;

  CbStore         *store;
  char            *batch_id;
  int              status;
  char            *search;
  CbRecipientSort  sort;
  gboolean         descending;

  guint            n_items;
  GHashTable      *pages;   /* page index → Page* */
  gint64           clock;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbRecipientList, cb_recipient_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
query_init (CbRecipientList  *self,
            CbRecipientQuery *query)
{
  query->batch_id = self->batch_id;
  query->status = self->status;
  query->search = self->search;
  query->sort = self->sort;
  query->descending = self->descending;
}

static guint
count (CbRecipientList *self)
{
  g_autoptr(GError) error = NULL;
  CbRecipientQuery query;
  gint64 n;

  query_init (self, &query);
  n = cb_store_count_recipients (self->store, &query, &error);
  if (n < 0)
    {
      g_warning ("Could not count the recipients of %s: %s", self->batch_id, error->message);
      return 0;
    }

  return (guint)n;
}

static void
drop_oldest_page (CbRecipientList *self)
{
  GHashTableIter iter;
  gpointer key = NULL;
  gpointer value;
  gpointer oldest = NULL;
  gint64 oldest_used = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Page *page = value;

      if (page->used < oldest_used)
        {
          oldest_used = page->used;
          oldest = key;
        }
    }

  if (oldest_used != G_MAXINT64)
    g_hash_table_remove (self->pages, oldest);
}

static Page *
load_page (CbRecipientList *self,
           guint            index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  CbRecipientQuery query;
  Page *page;
  guint n;

  query_init (self, &query);
  model = cb_store_query_recipients (self->store, &query, index * PAGE_SIZE, PAGE_SIZE, &error);
  if (model == NULL)
    {
      g_warning ("Could not read the recipients of %s: %s", self->batch_id, error->message);
      return NULL;
    }

  if (g_hash_table_size (self->pages) >= MAX_PAGES)
    drop_oldest_page (self);

  page = g_new0 (Page, 1);
  page->index = index;
  n = g_list_model_get_n_items (model);
  page->items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (page->items, g_list_model_get_item (model, i));
  page->used = ++self->clock;
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);

  return page;
}

static GType
get_item_type (GListModel *model)
{
  return CB_TYPE_RECIPIENT;
}

static guint
get_n_items (GListModel *model)
{
  return CB_RECIPIENT_LIST (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  CbRecipientList *self = CB_RECIPIENT_LIST (model);
  guint index = position / PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL && !(page = load_page (self, index)))
    return NULL;

  page->used = ++self->clock;
  if (position % PAGE_SIZE >= page->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (page->items, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
cb_recipient_list_finalize (GObject *object)
{
  CbRecipientList *self = (CbRecipientList *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (cb_recipient_list_parent_class)->finalize (object);
}

static void
cb_recipient_list_class_init (CbRecipientListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_recipient_list_finalize;
}

static void
cb_recipient_list_init (CbRecipientList *self)
{
  self->status = -1;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
}

CbRecipientList *
cb_recipient_list_new (CbStore    *store,
                       const char *batch_id)
{
  CbRecipientList *self;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  self = g_object_new (CB_TYPE_RECIPIENT_LIST, NULL);
  self->store = g_object_ref (store);
  self->batch_id = g_strdup (batch_id);
  self->n_items = count (self);

  return self;
}

const char *
cb_recipient_list_get_batch_id (CbRecipientList *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT_LIST (self), NULL);

  return self->batch_id;
}

static void
reset (CbRecipientList *self)
{
  guint old = self->n_items;

  g_hash_table_remove_all (self->pages);
  self->n_items = count (self);
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

void
cb_recipient_list_set_query (CbRecipientList *self,
                             int              status,
                             const char      *search,
                             CbRecipientSort  sort,
                             gboolean         descending)
{
  g_return_if_fail (CB_IS_RECIPIENT_LIST (self));

  if (search != NULL && *search == '\0')
    search = NULL;

  if (self->status == status && g_strcmp0 (self->search, search) == 0 &&
      self->sort == sort && self->descending == descending)
    return;

  self->status = status;
  g_free (self->search);
  self->search = g_strdup (search);
  self->sort = sort;
  self->descending = descending;

  reset (self);
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  guint x = *(const guint *)a;
  guint y = *(const guint *)b;

  return x < y ? -1 : x > y;
}

void
cb_recipient_list_refresh (CbRecipientList    *self,
                           const char * const *recipient_ids)
{
  g_autoptr(GArray) touched = NULL;
  g_autoptr(GArray) positions = NULL;
  g_autoptr(GHashTable) ids = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CB_IS_RECIPIENT_LIST (self));

  /* A change of status moves rows in or out of a status filter, and any change may move
   * rows in an order other than the spreadsheet's. */
  if (self->status >= 0 || self->sort != CB_RECIPIENT_SORT_ROW ||
      self->search != NULL || recipient_ids == NULL)
    {
      reset (self);
      return;
    }

  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; recipient_ids[i] != NULL; i++)
    g_hash_table_add (ids, (gpointer)recipient_ids[i]);

  /* The cached pages holding a changed recipient, and each changed position: the order is
   * the spreadsheet's with nothing filtered, so positions stay where they are. */
  touched = g_array_new (FALSE, FALSE, sizeof (guint));
  positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;
      gboolean page_touched = FALSE;

      for (guint i = 0; i < page->items->len; i++)
        {
          CbRecipient *recipient = g_ptr_array_index (page->items, i);

          if (g_hash_table_contains (ids, cb_recipient_get_id (recipient)))
            {
              guint position = page->index * PAGE_SIZE + i;

              g_array_append_val (positions, position);
              page_touched = TRUE;
            }
        }

      if (page_touched)
        g_array_append_val (touched, page->index);
    }

  for (guint i = 0; i < touched->len; i++)
    load_page (self, g_array_index (touched, guint, i));

  /* Only the changed rows are rebound, in runs of consecutive positions: a whole page
   * would rebuild every visible row on each update. */
  g_array_sort (positions, compare_positions);
  for (guint i = 0; i < positions->len;)
    {
      guint first = g_array_index (positions, guint, i);
      guint n = 1;

      while (i + n < positions->len && g_array_index (positions, guint, i + n) == first + n)
        n++;
      if (first < self->n_items)
        g_list_model_items_changed (G_LIST_MODEL (self), first,
                                    MIN (n, self->n_items - first), MIN (n, self->n_items - first));
      i += n;
    }
}

guint
cb_recipient_list_get_n_cached_pages (CbRecipientList *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT_LIST (self), 0);

  return g_hash_table_size (self->pages);
}
