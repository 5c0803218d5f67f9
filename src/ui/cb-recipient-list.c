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

/* The items */

struct _CbRecipientItem
{
  GObject      parent_instance;

  CbRecipient *recipient;
  guint        position;
};

enum {
  ITEM_PROP_0,
  ITEM_PROP_RECIPIENT,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

G_DEFINE_FINAL_TYPE (CbRecipientItem, cb_recipient_item, G_TYPE_OBJECT)

static void
cb_recipient_item_finalize (GObject *object)
{
  CbRecipientItem *self = (CbRecipientItem *)object;

  g_clear_object (&self->recipient);

  G_OBJECT_CLASS (cb_recipient_item_parent_class)->finalize (object);
}

static void
cb_recipient_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbRecipientItem *self = CB_RECIPIENT_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_RECIPIENT:
      g_value_set_object (value, self->recipient);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_recipient_item_class_init (CbRecipientItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_recipient_item_finalize;
  object_class->get_property = cb_recipient_item_get_property;

  item_properties[ITEM_PROP_RECIPIENT] =
    g_param_spec_object ("recipient", NULL, NULL, CB_TYPE_RECIPIENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
cb_recipient_item_init (CbRecipientItem *self)
{
}

CbRecipient *
cb_recipient_item_get_recipient (CbRecipientItem *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT_ITEM (self), NULL);

  return self->recipient;
}

static gboolean
same_time (GDateTime *a,
           GDateTime *b)
{
  return a == b || (a != NULL && b != NULL && g_date_time_equal (a, b));
}

/* Whether anything a recipient shows differs: most of a page read again is unchanged. */
static gboolean
same_recipient (CbRecipient *a,
                CbRecipient *b)
{
  return g_strcmp0 (cb_recipient_get_id (a), cb_recipient_get_id (b)) == 0 &&
         cb_recipient_get_status (a) == cb_recipient_get_status (b) &&
         cb_recipient_get_attempts (a) == cb_recipient_get_attempts (b) &&
         cb_recipient_get_max_retries (a) == cb_recipient_get_max_retries (b) &&
         cb_recipient_get_duration_ms (a) == cb_recipient_get_duration_ms (b) &&
         cb_recipient_get_row (a) == cb_recipient_get_row (b) &&
         g_strcmp0 (cb_recipient_get_outcome (a), cb_recipient_get_outcome (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_error (a), cb_recipient_get_error (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_disconnection_reason (a),
                    cb_recipient_get_disconnection_reason (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_provider_call_id (a),
                    cb_recipient_get_provider_call_id (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_phone (a), cb_recipient_get_phone (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_raw_phone (a), cb_recipient_get_raw_phone (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_dynamic_vars (a), cb_recipient_get_dynamic_vars (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_transcript (a), cb_recipient_get_transcript (b)) == 0 &&
         g_strcmp0 (cb_recipient_get_analysis (a), cb_recipient_get_analysis (b)) == 0 &&
         same_time (cb_recipient_get_next_attempt_at (a), cb_recipient_get_next_attempt_at (b)) &&
         same_time (cb_recipient_get_started_at (a), cb_recipient_get_started_at (b)) &&
         same_time (cb_recipient_get_ended_at (a), cb_recipient_get_ended_at (b));
}

static void
item_set_recipient (CbRecipientItem *self,
                    CbRecipient     *recipient)
{
  g_assert (CB_IS_RECIPIENT_ITEM (self));
  g_assert (CB_IS_RECIPIENT (recipient));

  if (self->recipient != NULL && same_recipient (self->recipient, recipient))
    return;

  g_set_object (&self->recipient, recipient);
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_RECIPIENT]);
}

/* The list */

typedef struct
{
  guint      index;
  GPtrArray *items;   /* CbRecipientItem* */
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
  /* Every item alive, in a page or held elsewhere (a table's row, a selection): position →
   * CbRecipientItem*, unowned, removed as each is disposed. A position keeps its item while
   * the query stays: what moves is the recipients, not the rows of a view. */
  GHashTable      *items;
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

/* Weak references are notified as the item is disposed, its fields still there. */
static void
item_disposed_cb (gpointer  data,
                  GObject  *where_the_object_was)
{
  CbRecipientList *self = data;
  CbRecipientItem *item = (CbRecipientItem *)where_the_object_was;
  gpointer key = GUINT_TO_POINTER (item->position);

  if (g_hash_table_lookup (self->items, key) == item)
    g_hash_table_remove (self->items, key);
}

/* The item at @position: the one already alive, if any, showing @recipient now. */
static CbRecipientItem *
dup_item (CbRecipientList *self,
          CbRecipient     *recipient,
          guint            position)
{
  CbRecipientItem *item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));

  if (item != NULL)
    {
      g_object_ref (item);
      item_set_recipient (item, recipient);
      return item;
    }

  item = g_object_new (CB_TYPE_RECIPIENT_ITEM, NULL);
  item->position = position;
  item->recipient = g_object_ref (recipient);
  g_hash_table_insert (self->items, GUINT_TO_POINTER (position), item);
  g_object_weak_ref (G_OBJECT (item), item_disposed_cb, self);

  return item;
}

/* The items alive stay with whoever holds them, no longer this list's. */
static void
forget_items (CbRecipientList *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_weak_unref (value, item_disposed_cb, self);
  g_hash_table_remove_all (self->items);
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

  if (!g_hash_table_contains (self->pages, GUINT_TO_POINTER (index)) &&
      g_hash_table_size (self->pages) >= MAX_PAGES)
    drop_oldest_page (self);

  page = g_new0 (Page, 1);
  page->index = index;
  n = g_list_model_get_n_items (model);
  page->items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbRecipient) recipient = g_list_model_get_item (model, i);

      g_ptr_array_add (page->items, dup_item (self, recipient, index * PAGE_SIZE + i));
    }
  page->used = ++self->clock;
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);

  return page;
}

static GType
get_item_type (GListModel *model)
{
  return CB_TYPE_RECIPIENT_ITEM;
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

  /* Items a table still holds outlive the list. */
  g_clear_pointer (&self->pages, g_hash_table_unref);
  forget_items (self);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->search, g_free);

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
  self->items = g_hash_table_new (NULL, NULL);
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

/* Another query: every position changes, to new items. */
static void
reset (CbRecipientList *self)
{
  guint old = self->n_items;

  g_hash_table_remove_all (self->pages);
  forget_items (self);
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

/* Reads again the pages at these positions (sorted), which brings their items up to date. */
static void
reload_pages (CbRecipientList *self,
              GArray          *positions)
{
  guint last = G_MAXUINT;

  for (guint i = 0; i < positions->len; i++)
    {
      guint index = g_array_index (positions, guint, i) / PAGE_SIZE;

      if (index != last)
        load_page (self, index);
      last = index;
    }
}

/* The rows may have moved anywhere. Pages are only a cache: without them, the items left
 * are those something else holds (a view's rows, a selection). Only their pages are read
 * again, each item then showing the recipient now at its position, and the count changes
 * at the end. Telling the whole list changed would make a view look for its rows through
 * every position, reading every page. */
static void
refresh_moved (CbRecipientList *self)
{
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  guint old_n = self->n_items;
  guint new_n = count (self);
  guint common = MIN (old_n, new_n);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_remove_all (self->pages);
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint position = GPOINTER_TO_UINT (key);

      if (position < common)
        g_array_append_val (positions, position);
    }
  g_array_sort (positions, compare_positions);

  self->n_items = new_n;
  reload_pages (self, positions);
  if (old_n != new_n)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_n - common, new_n - common);
}

void
cb_recipient_list_refresh (CbRecipientList    *self,
                           const char * const *recipient_ids)
{
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GArray) positions = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_return_if_fail (CB_IS_RECIPIENT_LIST (self));

  if (recipient_ids == NULL)
    {
      reset (self);
      return;
    }

  /* A change of status moves rows in or out of a status filter, and any change may move
   * rows in an order other than the spreadsheet's. */
  if (self->status >= 0 || self->sort != CB_RECIPIENT_SORT_ROW || self->search != NULL)
    {
      refresh_moved (self);
      return;
    }

  /* The order is the spreadsheet's with nothing filtered: each recipient stays at its
   * position, and only the pages holding a changed one that is read or shown are read
   * again. Their items change in place: a view redraws the changed cells only. */
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; recipient_ids[i] != NULL; i++)
    g_hash_table_add (ids, (gpointer)recipient_ids[i]);

  positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CbRecipientItem *item = value;
      guint position = GPOINTER_TO_UINT (key);

      if (position < self->n_items &&
          g_hash_table_contains (ids, cb_recipient_get_id (item->recipient)))
        g_array_append_val (positions, position);
    }
  g_array_sort (positions, compare_positions);

  reload_pages (self, positions);
}

guint
cb_recipient_list_get_n_cached_pages (CbRecipientList *self)
{
  g_return_val_if_fail (CB_IS_RECIPIENT_LIST (self), 0);

  return g_hash_table_size (self->pages);
}
