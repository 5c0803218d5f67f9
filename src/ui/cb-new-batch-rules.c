/* cb-new-batch-rules.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-new-batch-rules.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cb-schedule.h"

#define MAX_CONCURRENCY 100
#define MAX_RETRIES 10

void
cb_new_batch_verdict_clear (CbNewBatchVerdict *verdict)
{
  g_return_if_fail (verdict != NULL);

  g_clear_pointer (&verdict->primary_tooltip, g_free);
  g_clear_pointer (&verdict->draft_tooltip, g_free);
  g_clear_pointer (&verdict->schedule_problem, g_free);
}

/* The first reason the batch itself (without its schedule) cannot be created, or NULL. */
static char *
batch_problem (const CbNewBatchState *state)
{
  g_autofree char *name = g_strstrip (g_strdup (state->name != NULL ? state->name : ""));

  if (name[0] == '\0')
    return g_strdup (_("Give the batch a name"));
  if (!state->has_agent)
    return g_strdup (_("Choose an agent"));
  if (!state->has_caller_id)
    return g_strdup (_("Choose a caller ID"));
  if (state->source == CB_NEW_BATCH_SOURCE_NONE)
    return g_strdup (_("Add recipients: upload a file or type their numbers"));
  if (state->validating)
    return g_strdup (_("Wait until the recipients have been checked"));
  if (state->source_error)
    return g_strdup (_("The recipients could not be read: choose another file"));
  if (state->rows_valid == 0)
    return g_strdup (_("There is no valid recipient to call"));
  if (state->rows_invalid > 0 && !state->skip_invalid)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Fix the %u invalid row or turn on “Skip invalid rows”",
                                         "Fix the %u invalid rows or turn on “Skip invalid rows”",
                                         state->rows_invalid),
                            state->rows_invalid);
  if (state->concurrency < 1 || state->concurrency > MAX_CONCURRENCY)
    return g_strdup_printf (_("Concurrent calls must be between 1 and %d"), MAX_CONCURRENCY);
  if (state->max_retries < 0 || state->max_retries > MAX_RETRIES)
    return g_strdup_printf (_("Retries must be between 0 and %d"), MAX_RETRIES);
  if (state->window_enabled)
    {
      if (state->window_days == 0)
        return g_strdup (_("Pick at least one day for the calling window"));
      if (state->window_end <= state->window_start || state->window_end > 24 * 60)
        return g_strdup (_("The calling window must end after it starts"));
    }

  return NULL;
}

static char *
schedule_problem (const CbNewBatchState *state)
{
  if (!state->schedule_later)
    return NULL;
  if (!state->date_chosen)
    return g_strdup (_("Pick a day in the calendar"));
  if (!state->time_valid)
    return g_strdup (_("Enter a time such as 09:30"));
  if (!state->zone_valid)
    return g_strdup (_("Pick a time zone"));
  if (state->scheduled_at == NULL)
    return g_strdup (_("That time does not exist on that day in this time zone"));
  if (state->now != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!cb_schedule_check (state->scheduled_at, state->now, &error))
        {
          if (g_error_matches (error, CB_SCHEDULE_ERROR, CB_SCHEDULE_ERROR_TOO_FAR))
            return g_strdup (_("Pick a time at most 30 days from now"));
          return g_strdup (_("Pick a time in the future"));
        }
    }

  return NULL;
}

void
cb_new_batch_rules_evaluate (const CbNewBatchState *state,
                             CbNewBatchVerdict     *verdict)
{
  g_autofree char *problem = NULL;

  g_return_if_fail (state != NULL);
  g_return_if_fail (verdict != NULL);

  memset (verdict, 0, sizeof *verdict);

  if (state->schedule_later)
    {
      verdict->action = CB_NEW_BATCH_ACTION_SCHEDULE;
      verdict->primary_label = _("Schedule Batch");
    }
  else
    {
      verdict->action = CB_NEW_BATCH_ACTION_START;
      verdict->primary_label = _("Start Batch");
    }

  if (!state->validating && !state->source_error && state->source != CB_NEW_BATCH_SOURCE_NONE)
    verdict->recipients = state->rows_valid;

  problem = batch_problem (state);
  verdict->schedule_problem = schedule_problem (state);

  verdict->draft_sensitive = problem == NULL;
  verdict->draft_tooltip = g_strdup (problem);

  if (problem != NULL)
    verdict->primary_tooltip = g_steal_pointer (&problem);
  else if (verdict->schedule_problem != NULL)
    verdict->primary_tooltip = g_strdup (verdict->schedule_problem);

  verdict->primary_sensitive = verdict->primary_tooltip == NULL;
}

gboolean
cb_new_batch_parse_time (const char *text,
                         int        *hour,
                         int        *minute)
{
  g_autofree char *copy = NULL;
  const char *p;
  int h = 0;
  int m = 0;
  int digits = 0;
  gboolean pm = FALSE;
  gboolean am = FALSE;

  g_return_val_if_fail (hour != NULL, FALSE);
  g_return_val_if_fail (minute != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  copy = g_ascii_strdown (text, -1);
  p = g_strstrip (copy);

  while (g_ascii_isdigit (*p) && digits < 2)
    h = h * 10 + (*p++ - '0'), digits++;
  if (digits == 0)
    return FALSE;

  if (*p == ':' || *p == '.')
    {
      p++;
      if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
        return FALSE;
      m = (p[0] - '0') * 10 + (p[1] - '0');
      p += 2;
    }

  while (*p == ' ')
    p++;

  if (g_str_equal (p, "am") || g_str_equal (p, "a.m."))
    am = TRUE;
  else if (g_str_equal (p, "pm") || g_str_equal (p, "p.m."))
    pm = TRUE;
  else if (*p != '\0')
    return FALSE;

  if (am || pm)
    {
      if (h < 1 || h > 12)
        return FALSE;
      h = h % 12 + (pm ? 12 : 0);
    }

  if (h > 23 || m > 59)
    return FALSE;

  *hour = h;
  *minute = m;

  return TRUE;
}

GBytes *
cb_new_batch_typed_to_csv (const char *text)
{
  g_autoptr(GString) csv = g_string_new ("phone\n");
  g_auto(GStrv) lines = NULL;

  lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  /* A trailing line break does not make one more row. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (lines[i + 1] == NULL && line[0] == '\0')
        break;

      if (strpbrk (line, ",\"\r") != NULL)
        {
          g_autofree char *escaped = NULL;
          g_auto(GStrv) parts = g_strsplit (line, "\"", -1);

          escaped = g_strjoinv ("\"\"", parts);
          g_string_append_printf (csv, "\"%s\"\n", escaped);
        }
      else
        {
          g_string_append (csv, line);
          g_string_append_c (csv, '\n');
        }
    }

  return g_string_free_to_bytes (g_steal_pointer (&csv));
}

char *
cb_new_batch_row_label (CbNewBatchSource source,
                        guint            row)
{
  if (source == CB_NEW_BATCH_SOURCE_TYPED)
    return g_strdup_printf (_("Line %u"), row > 1 ? row - 1 : row);

  return g_strdup_printf (_("Row %u"), row);
}

char *
cb_new_batch_format_rows (CbNewBatchSource  source,
                          const guint      *rows,
                          guint             n_rows,
                          guint             max)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint items = 0;
  guint i = 0;
  guint shift = source == CB_NEW_BATCH_SOURCE_TYPED ? 1 : 0;

  g_return_val_if_fail (rows != NULL || n_rows == 0, NULL);

  if (max == 0)
    max = G_MAXUINT;

  while (i < n_rows)
    {
      guint j = i;

      while (j + 1 < n_rows && rows[j + 1] == rows[j] + 1)
        j++;

      if (items == max)
        {
          guint left = n_rows - i;

          /* Translators: after a list of row numbers, "3, 7 and 12 more" */
          g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, " and %u more",
                                                    " and %u more", left), left);
          break;
        }

      if (items > 0)
        g_string_append (out, ", ");

      if (j - i >= 2)
        {
          /* Translators: a range of row numbers, "12–15" */
          g_string_append_printf (out, _("%u–%u"), rows[i] - shift, rows[j] - shift);
          i = j + 1;
        }
      else
        {
          g_string_append_printf (out, "%u", rows[i] - shift);
          i++;
        }

      items++;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
cb_new_batch_call_window (const CbNewBatchState *state,
                          gboolean               recipient_local)
{
  static const char * const day_names[] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  };
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (state != NULL, NULL);

  if (!state->window_enabled)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "windows");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, state->window_start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_int_value (builder, state->window_end);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  if ((state->window_days & CB_NEW_BATCH_ALL_DAYS) != CB_NEW_BATCH_ALL_DAYS)
    {
      json_builder_set_member_name (builder, "days");
      json_builder_begin_array (builder);
      for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
        {
          if (state->window_days & (1u << i))
            json_builder_add_string_value (builder, day_names[i]);
        }
      json_builder_end_array (builder);
    }

  if (recipient_local)
    {
      json_builder_set_member_name (builder, "timezone");
      json_builder_add_string_value (builder, "recipient");
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}
