/* cb-call-window.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-window"

#include "config.h"

#include "cb-call-window.h"
#include "cb-schedule.h"
#include "cb-schedule-private.h"

#include "cb-call-event.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define MINUTES_PER_DAY 1440
#define SECONDS_PER_DAY 86400
#define ALL_DAYS 0xFE   /* bits 1 (Monday) … 7 (Sunday), as GDateWeekday */

/* How far next_open() looks. One zone: the window repeats every week, and a clock change
 * can empty a day only once in a row, so two weeks and a day always find it. Several
 * zones: whether their windows meet can change with each zone's summer time, so a whole
 * year (and the same fortnight) is searched. */
#define SEARCH_DAYS_ONE_ZONE   15
#define SEARCH_DAYS_MANY_ZONES (366 + 15)

typedef struct
{
  guint start;  /* minutes since local midnight */
  guint end;    /* exclusive */
  guint index;  /* position in the JSON, for messages */
} Span;

struct _CbCallWindow
{
  Span      *spans;     /* sorted, disjoint, not touching */
  guint      n_spans;
  guint8     days;      /* 1 << GDateWeekday */
  char      *timezone;  /* NULL, "recipient" or an IANA name */
  GTimeZone *tz;        /* for an IANA name */
};

static const char * const day_names[] = {
  NULL, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

G_DEFINE_QUARK (cb-call-window-error-quark, cb_call_window_error)
G_DEFINE_BOXED_TYPE (CbCallWindow, cb_call_window, cb_call_window_ref, cb_call_window_unref)

static void
cb_call_window_clear (gpointer data)
{
  CbCallWindow *self = data;

  g_clear_pointer (&self->spans, g_free);
  g_clear_pointer (&self->timezone, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
}

CbCallWindow *
cb_call_window_ref (CbCallWindow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
cb_call_window_unref (CbCallWindow *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, cb_call_window_clear);
}

/* Parsing */

static const char *
node_kind (JsonNode *node)
{
  GType type;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return _("a string");
  if (type == G_TYPE_BOOLEAN)
    return _("true or false");

  return _("a number");
}

G_GNUC_PRINTF (2, 3)
static void
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CB_CALL_WINDOW_ERROR,
                                                CB_CALL_WINDOW_ERROR_INVALID,
                                                format, args));
  va_end (args);
}

static gboolean
read_minutes (JsonNode    *node,
              const char  *path,
              gint64      *out,
              GError     **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (d == floor (d) && fabs (d) < 1e15)
        {
          *out = (gint64) d;
          return TRUE;
        }

      set_invalid (error, _("%s: expected a whole number of minutes, got %g"), path, d);
      return FALSE;
    }

  set_invalid (error, _("%s: expected a whole number of minutes, got %s"),
               path, node_kind (node));
  return FALSE;
}

static gboolean
parse_span (JsonNode    *node,
            const char  *path,
            guint        index,
            Span        *span,
            GError     **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  g_autofree char *start_path = NULL;
  g_autofree char *end_path = NULL;
  JsonNode *start_node, *end_node;
  gint64 start, end;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, _("%s: expected an object with start and end, got %s"),
                   path, node_kind (node));
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "start") && !g_str_equal (l->data, "end"))
      {
        set_invalid (error, _("%s.%s: unknown field (expected start and end)"),
                     path, (const char *) l->data);
        return FALSE;
      }

  start_path = g_strdup_printf ("%s.start", path);
  end_path = g_strdup_printf ("%s.end", path);

  if (!(start_node = json_object_get_member (object, "start")))
    {
      set_invalid (error, _("%s is missing"), start_path);
      return FALSE;
    }
  if (!read_minutes (start_node, start_path, &start, error))
    return FALSE;
  if (start < 0)
    {
      set_invalid (error, _("%s: %" G_GINT64_FORMAT " is before 0 (midnight)"),
                   start_path, start);
      return FALSE;
    }
  if (start >= MINUTES_PER_DAY)
    {
      set_invalid (error, _("%s: %" G_GINT64_FORMAT " is beyond 1439"), start_path, start);
      return FALSE;
    }

  if (!(end_node = json_object_get_member (object, "end")))
    {
      set_invalid (error, _("%s is missing"), end_path);
      return FALSE;
    }
  if (!read_minutes (end_node, end_path, &end, error))
    return FALSE;
  if (end < 0)
    {
      set_invalid (error, _("%s: %" G_GINT64_FORMAT " is before 0 (midnight)"), end_path, end);
      return FALSE;
    }
  if (end > MINUTES_PER_DAY)
    {
      set_invalid (error, _("%s: %" G_GINT64_FORMAT " is beyond 1440"), end_path, end);
      return FALSE;
    }

  if (start >= end)
    {
      set_invalid (error, _("%s: start %" G_GINT64_FORMAT " is not before end %" G_GINT64_FORMAT),
                   path, start, end);
      return FALSE;
    }

  span->start = start;
  span->end = end;
  span->index = index;

  return TRUE;
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const Span *sa = a;
  const Span *sb = b;

  if (sa->start != sb->start)
    return sa->start < sb->start ? -1 : 1;
  return sa->index < sb->index ? -1 : sa->index > sb->index;
}

static gboolean
parse_windows (CbCallWindow  *self,
               JsonObject    *object,
               const char    *field,
               GError       **error)
{
  g_autofree Span *spans = NULL;
  JsonNode *node;
  JsonArray *array;
  guint n, out;

  if (!(node = json_object_get_member (object, "windows")))
    {
      set_invalid (error, _("%s.windows is missing"), field);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (error, _("%s.windows: expected an array, got %s"), field, node_kind (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      set_invalid (error, _("%s.windows is empty: give at least one window"), field);
      return FALSE;
    }

  spans = g_new0 (Span, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s.windows[%u]", field, i);

      if (!parse_span (json_array_get_element (array, i), path, i, &spans[i], error))
        return FALSE;
    }

  qsort (spans, n, sizeof (Span), compare_spans);

  for (guint i = 1; i < n; i++)
    if (spans[i].start < spans[i - 1].end)
      {
        const Span *later = spans[i].index > spans[i - 1].index ? &spans[i] : &spans[i - 1];
        const Span *earlier = later == &spans[i] ? &spans[i - 1] : &spans[i];

        set_invalid (error, _("%s.windows[%u]: %u–%u overlaps windows[%u] (%u–%u)"),
                     field, later->index, later->start, later->end,
                     earlier->index, earlier->start, earlier->end);
        return FALSE;
      }

  /* Join windows that touch: [540,720) and [720,1200) are [540,1200). */
  out = 0;
  for (guint i = 1; i < n; i++)
    {
      if (spans[i].start == spans[out].end)
        spans[out].end = spans[i].end;
      else
        spans[++out] = spans[i];
    }

  self->n_spans = out + 1;
  self->spans = g_steal_pointer (&spans);

  return TRUE;
}

static gboolean
parse_days (CbCallWindow  *self,
            JsonObject    *object,
            const char    *field,
            GError       **error)
{
  const char *key = "days";
  JsonNode *node;
  JsonArray *array;
  guint n;
  guint8 days = 0;

  if (json_object_has_member (object, "days") && json_object_has_member (object, "day"))
    {
      set_invalid (error, _("%s: give either days or day, not both"), field);
      return FALSE;
    }
  if (json_object_has_member (object, "day"))
    key = "day";

  node = json_object_get_member (object, key);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      self->days = ALL_DAYS;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (error, _("%s.%s: expected an array of day names, got %s"),
                   field, key, node_kind (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *name;
      guint day = 0;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          set_invalid (error, _("%s.%s[%u]: expected a day name, got %s"),
                       field, key, i, node_kind (element));
          return FALSE;
        }

      name = json_node_get_string (element);
      for (guint d = G_DATE_MONDAY; d <= G_DATE_SUNDAY; d++)
        if (g_ascii_strcasecmp (name, day_names[d]) == 0)
          day = d;

      if (day == 0)
        {
          g_autofree char *valid = g_utf8_make_valid (name, -1);

          set_invalid (error, _("%s.%s[%u]: “%s” is not a day of the week"),
                       field, key, i, valid);
          return FALSE;
        }

      days |= 1 << day;
    }

  self->days = days != 0 ? days : ALL_DAYS;

  return TRUE;
}

static gboolean
parse_timezone (CbCallWindow  *self,
                JsonObject    *object,
                const char    *field,
                GError       **error)
{
  JsonNode *node = json_object_get_member (object, "timezone");
  const char *name;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_invalid (error, _("%s.timezone: expected a time zone name or “recipient”, got %s"),
                   field, node_kind (node));
      return FALSE;
    }

  name = json_node_get_string (node);
  if (g_ascii_strcasecmp (name, CB_CALL_WINDOW_RECIPIENT) == 0)
    {
      self->timezone = g_strdup (CB_CALL_WINDOW_RECIPIENT);
      return TRUE;
    }

  if (!(self->tz = cb_time_zone_new_iana (name)))
    {
      g_autofree char *valid = g_utf8_make_valid (name, -1);

      set_invalid (error, _("%s.timezone: “%s” is not a known time zone"), field, valid);
      return FALSE;
    }

  self->timezone = g_strdup (name);

  return TRUE;
}

CbCallWindow *
cb_call_window_new_from_json_full (JsonNode    *node,
                                   const char  *field,
                                   GError     **error)
{
  g_autoptr(CbCallWindow) self = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (field == NULL)
    field = "call_window";

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, _("%s: expected an object, got %s"), field, node_kind (node));
      return NULL;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_str_equal (name, "windows") && !g_str_equal (name, "days") &&
          !g_str_equal (name, "day") && !g_str_equal (name, "timezone"))
        {
          g_autofree char *valid = g_utf8_make_valid (name, -1);

          set_invalid (error, _("%s.%s: unknown field (expected windows, days and timezone)"),
                       field, valid);
          return NULL;
        }
    }

  self = g_atomic_rc_box_new0 (CbCallWindow);

  if (!parse_windows (self, object, field, error) ||
      !parse_days (self, object, field, error) ||
      !parse_timezone (self, object, field, error))
    return NULL;

  return g_steal_pointer (&self);
}

CbCallWindow *
cb_call_window_new_from_json (JsonNode  *node,
                              GError   **error)
{
  return cb_call_window_new_from_json_full (node, NULL, error);
}

CbCallWindow *
cb_call_window_new_from_string (const char  *text,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = json_parser_new_immutable ();
  if (!cb_json_parser_load (parser, text, -1, &local_error))
    {
      g_set_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID_JSON,
                   _("call_window is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  if (!(root = json_parser_get_root (parser)))
    {
      g_set_error (error, CB_CALL_WINDOW_ERROR, CB_CALL_WINDOW_ERROR_INVALID_JSON,
                   _("call_window is empty"));
      return NULL;
    }

  return cb_call_window_new_from_json (root, error);
}

/* Accessors and canonical form */

JsonNode *
cb_call_window_to_json (CbCallWindow *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "windows");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_spans; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start");
      json_builder_add_int_value (builder, self->spans[i].start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_int_value (builder, self->spans[i].end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (self->days != ALL_DAYS)
    {
      json_builder_set_member_name (builder, "days");
      json_builder_begin_array (builder);
      for (guint d = G_DATE_MONDAY; d <= G_DATE_SUNDAY; d++)
        if (self->days & (1 << d))
          json_builder_add_string_value (builder, day_names[d]);
      json_builder_end_array (builder);
    }

  if (self->timezone != NULL)
    {
      json_builder_set_member_name (builder, "timezone");
      json_builder_add_string_value (builder, self->timezone);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
cb_call_window_to_string (CbCallWindow *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  node = cb_call_window_to_json (self);

  return json_to_string (node, FALSE);
}

guint
cb_call_window_get_n_windows (CbCallWindow *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_spans;
}

void
cb_call_window_get_window (CbCallWindow *self,
                           guint         index,
                           guint        *start,
                           guint        *end)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_spans);

  if (start != NULL)
    *start = self->spans[index].start;
  if (end != NULL)
    *end = self->spans[index].end;
}

gboolean
cb_call_window_allows_day (CbCallWindow *self,
                           GDateWeekday  weekday)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (weekday >= G_DATE_MONDAY && weekday <= G_DATE_SUNDAY, FALSE);

  return (self->days & (1 << weekday)) != 0;
}

const char *
cb_call_window_get_timezone (CbCallWindow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->timezone;
}

gboolean
cb_call_window_is_per_recipient (CbCallWindow *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_strcmp0 (self->timezone, CB_CALL_WINDOW_RECIPIENT) == 0;
}

/* Evaluation */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;

  return q;
}

/* Day 0 (1970-01-01) was a Thursday. */
static guint
weekday_of_day (gint64 day)
{
  return (guint) (((day % 7) + 7 + 3) % 7) + 1;
}

/* Whether a wall-clock reading (seconds since 1970-01-01 00:00 on that clock) is open. */
static gboolean
wall_is_open (const CbCallWindow *self,
              gint64              wall)
{
  gint64 day = floor_div (wall, SECONDS_PER_DAY);
  gint64 second = wall - day * SECONDS_PER_DAY;

  if ((self->days & (1 << weekday_of_day (day))) == 0)
    return FALSE;

  for (guint i = 0; i < self->n_spans; i++)
    if (second >= self->spans[i].start * 60 && second < self->spans[i].end * 60)
      return TRUE;

  return FALSE;
}

static gboolean
open_in_zones (const CbCallWindow *self,
               GPtrArray          *zones,
               gint64              t)
{
  for (guint i = 0; i < zones->len; i++)
    {
      GTimeZone *tz = g_ptr_array_index (zones, i);
      int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, t);

      if (!wall_is_open (self, t + g_time_zone_get_offset (tz, interval)))
        return FALSE;
    }

  return TRUE;
}

static GTimeZone *
batch_time_zone (const char *batch_zone)
{
  GTimeZone *tz = cb_time_zone_new_iana (batch_zone);

  return tz != NULL ? tz : g_time_zone_new_utc ();
}

static GPtrArray *
resolve_zones (CbCallWindow       *self,
               const char * const *recipient_zones,
               const char         *batch_zone)
{
  GPtrArray *zones = g_ptr_array_new_with_free_func ((GDestroyNotify) g_time_zone_unref);

  if (self->tz != NULL)
    {
      g_ptr_array_add (zones, g_time_zone_ref (self->tz));
      return zones;
    }

  if (cb_call_window_is_per_recipient (self) && recipient_zones != NULL)
    {
      for (guint i = 0; recipient_zones[i] != NULL; i++)
        {
          gboolean seen = FALSE;
          GTimeZone *tz;

          for (guint j = 0; j < i && !seen; j++)
            seen = g_str_equal (recipient_zones[i], recipient_zones[j]);

          if (!seen && (tz = cb_time_zone_new_iana (recipient_zones[i])))
            g_ptr_array_add (zones, tz);
        }
    }

  if (zones->len == 0)
    g_ptr_array_add (zones, batch_time_zone (batch_zone));

  return zones;
}

gboolean
cb_call_window_contains (CbCallWindow       *self,
                         GDateTime          *now,
                         const char * const *recipient_zones,
                         const char         *batch_zone)
{
  g_autoptr(GPtrArray) zones = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  zones = resolve_zones (self, recipient_zones, batch_zone);

  return open_in_zones (self, zones, g_date_time_to_unix (now));
}

/* Adds to @out every instant of [@a, @b) at which the window may open in @tz: the start of
 * each window on each allowed local day, and each clock change (a window may open because
 * the clock jumped into it). Between two of these, the window cannot go from closed to
 * open in this zone. */
static void
collect_openings (const CbCallWindow *self,
                  GTimeZone          *tz,
                  gint64              a,
                  gint64              b,
                  GArray             *out)
{
  int first = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, a);
  int last = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, b - 1);
  gint64 seg_start = a;

  for (int k = first; k <= last; k++)
    {
      gint64 seg_end = k < last ? cb_time_zone_interval_start (tz, k + 1, seg_start, b - 1) : b;
      gint32 offset = g_time_zone_get_offset (tz, k);
      gint64 first_day = floor_div (seg_start + offset, SECONDS_PER_DAY);
      gint64 last_day = floor_div (seg_end - 1 + offset, SECONDS_PER_DAY);

      g_array_append_val (out, seg_start);

      for (gint64 day = first_day; day <= last_day; day++)
        {
          if ((self->days & (1 << weekday_of_day (day))) == 0)
            continue;

          for (guint i = 0; i < self->n_spans; i++)
            {
              gint64 t = day * SECONDS_PER_DAY + self->spans[i].start * 60 - offset;

              if (t >= seg_start && t < seg_end)
                g_array_append_val (out, t);
            }
        }

      seg_start = seg_end;
    }
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

GDateTime *
cb_call_window_next_open (CbCallWindow       *self,
                          GDateTime          *now,
                          const char * const *recipient_zones,
                          const char         *batch_zone)
{
  g_autoptr(GPtrArray) zones = NULL;
  g_autoptr(GArray) candidates = NULL;
  gint64 now_s, horizon;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  zones = resolve_zones (self, recipient_zones, batch_zone);
  now_s = g_date_time_to_unix (now);

  if (open_in_zones (self, zones, now_s))
    return g_date_time_to_utc (now);

  horizon = now_s + (gint64) SECONDS_PER_DAY *
    (zones->len == 1 ? SEARCH_DAYS_ONE_ZONE : SEARCH_DAYS_MANY_ZONES);
  candidates = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Day by day, so the usual answer (later today, tomorrow) costs little. */
  for (gint64 a = now_s + 1; a < horizon; a += SECONDS_PER_DAY)
    {
      gint64 b = MIN (a + SECONDS_PER_DAY, horizon);

      g_array_set_size (candidates, 0);
      for (guint i = 0; i < zones->len; i++)
        collect_openings (self, g_ptr_array_index (zones, i), a, b, candidates);

      g_array_sort (candidates, compare_int64);

      for (guint i = 0; i < candidates->len; i++)
        {
          gint64 t = g_array_index (candidates, gint64, i);

          if (open_in_zones (self, zones, t))
            return g_date_time_new_from_unix_utc (t);
        }
    }

  return NULL;
}
