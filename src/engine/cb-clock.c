/* cb-clock.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-clock"

#include "config.h"

#include "cb-clock.h"

typedef struct
{
  guint            id;
  CbClockWatchFunc func;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Watch;

static GMutex clock_mutex;
static GDateTime *fake_now;   /* UTC, or NULL for the real clock */
static GSList *watches;       /* of Watch, guarded by clock_mutex */
static guint last_watch_id;

GDateTime *
cb_clock_get_now_utc (void)
{
  GDateTime *now = NULL;

  g_mutex_lock (&clock_mutex);
  if (fake_now != NULL)
    now = g_date_time_ref (fake_now);
  g_mutex_unlock (&clock_mutex);

  if (now == NULL)
    now = g_date_time_new_now_utc ();

  return now;
}

gboolean
cb_clock_is_fake (void)
{
  gboolean ret;

  g_mutex_lock (&clock_mutex);
  ret = fake_now != NULL;
  g_mutex_unlock (&clock_mutex);

  return ret;
}

/* Calls the watches outside the lock, so a watch may read the clock. A watch removed
 * while the list is being walked is still called this once. */
static void
notify_watches (void)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();
  g_autoptr(GArray) copy = g_array_new (FALSE, FALSE, sizeof (Watch));

  g_mutex_lock (&clock_mutex);
  for (const GSList *l = watches; l != NULL; l = l->next)
    g_array_append_val (copy, *(Watch *) l->data);
  g_mutex_unlock (&clock_mutex);

  for (guint i = 0; i < copy->len; i++)
    {
      const Watch *w = &g_array_index (copy, Watch, i);
      w->func (now, w->user_data);
    }
}

void
cb_clock_set_fake (GDateTime *now)
{
  GDateTime *utc = now != NULL ? g_date_time_to_utc (now) : NULL;

  g_mutex_lock (&clock_mutex);
  g_clear_pointer (&fake_now, g_date_time_unref);
  fake_now = utc;
  g_mutex_unlock (&clock_mutex);

  notify_watches ();
}

void
cb_clock_advance (GTimeSpan span)
{
  gboolean moved = FALSE;

  g_mutex_lock (&clock_mutex);
  if (fake_now != NULL)
    {
      GDateTime *later = g_date_time_add (fake_now, span);

      if (later != NULL)
        {
          g_date_time_unref (fake_now);
          fake_now = later;
          moved = TRUE;
        }
    }
  g_mutex_unlock (&clock_mutex);

  g_return_if_fail (moved);

  notify_watches ();
}

guint
cb_clock_add_watch (CbClockWatchFunc func,
                    gpointer         user_data,
                    GDestroyNotify   destroy)
{
  Watch *w;
  guint id;

  g_return_val_if_fail (func != NULL, 0);

  w = g_new0 (Watch, 1);
  w->func = func;
  w->user_data = user_data;
  w->destroy = destroy;

  g_mutex_lock (&clock_mutex);
  id = w->id = ++last_watch_id;
  watches = g_slist_append (watches, w);
  g_mutex_unlock (&clock_mutex);

  return id;
}

void
cb_clock_remove_watch (guint id)
{
  Watch *found = NULL;

  g_return_if_fail (id != 0);

  g_mutex_lock (&clock_mutex);
  for (GSList *l = watches; l != NULL; l = l->next)
    {
      Watch *w = l->data;

      if (w->id == id)
        {
          found = w;
          watches = g_slist_delete_link (watches, l);
          break;
        }
    }
  g_mutex_unlock (&clock_mutex);

  g_return_if_fail (found != NULL);

  if (found->destroy != NULL)
    found->destroy (found->user_data);
  g_free (found);
}
