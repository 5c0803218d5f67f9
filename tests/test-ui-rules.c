/* test-ui-rules.c — the New batch form's rules, without a display
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-test"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "cb-new-batch-rules.h"
#include "cb-test-util.h"

/* A complete form: a name, an agent and a caller ID, 10 valid rows, started now. */
static void
good_state (CbNewBatchState *state,
            GDateTime       *now)
{
  memset (state, 0, sizeof *state);
  state->name = "May reminders";
  state->has_agent = TRUE;
  state->has_caller_id = TRUE;
  state->source = CB_NEW_BATCH_SOURCE_FILE;
  state->rows_valid = 10;
  state->now = now;
  state->concurrency = 10;
  state->max_retries = 2;
  state->window_start = 9 * 60;
  state->window_end = 20 * 60;
  state->window_days = CB_NEW_BATCH_ALL_DAYS;
  state->zone_valid = TRUE;
  state->time_valid = TRUE;
}

static void
assert_primary (const CbNewBatchState *state,
                gboolean               sensitive,
                const char            *tooltip)
{
  CbNewBatchVerdict verdict;

  cb_new_batch_rules_evaluate (state, &verdict);
  g_assert_cmpint (verdict.primary_sensitive, ==, sensitive);
  g_assert_cmpstr (verdict.primary_tooltip, ==, tooltip);
  cb_new_batch_verdict_clear (&verdict);
}

static void
test_rules_start (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 5, 4, 12, 0, 0);
  CbNewBatchState state;
  CbNewBatchVerdict verdict;

  good_state (&state, now);
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_cmpint (verdict.action, ==, CB_NEW_BATCH_ACTION_START);
  g_assert_cmpstr (verdict.primary_label, ==, "Start Batch");
  g_assert_true (verdict.primary_sensitive);
  g_assert_null (verdict.primary_tooltip);
  g_assert_true (verdict.draft_sensitive);
  g_assert_null (verdict.draft_tooltip);
  g_assert_null (verdict.schedule_problem);
  g_assert_cmpuint (verdict.recipients, ==, 10);
  cb_new_batch_verdict_clear (&verdict);
}

static void
test_rules_missing (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 5, 4, 12, 0, 0);
  CbNewBatchState state;
  CbNewBatchVerdict verdict;

  good_state (&state, now);
  state.name = "   ";
  assert_primary (&state, FALSE, "Give the batch a name");
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_false (verdict.draft_sensitive);
  g_assert_cmpstr (verdict.draft_tooltip, ==, "Give the batch a name");
  cb_new_batch_verdict_clear (&verdict);

  good_state (&state, now);
  state.has_agent = FALSE;
  assert_primary (&state, FALSE, "Choose an agent");

  good_state (&state, now);
  state.has_caller_id = FALSE;
  assert_primary (&state, FALSE, "Choose a caller ID");

  good_state (&state, now);
  state.source = CB_NEW_BATCH_SOURCE_NONE;
  assert_primary (&state, FALSE, "Add recipients: upload a file or type their numbers");

  good_state (&state, now);
  state.validating = TRUE;
  assert_primary (&state, FALSE, "Wait until the recipients have been checked");
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_cmpuint (verdict.recipients, ==, 0);
  cb_new_batch_verdict_clear (&verdict);

  good_state (&state, now);
  state.source_error = TRUE;
  assert_primary (&state, FALSE, "The recipients could not be read: choose another file");

  good_state (&state, now);
  state.rows_valid = 0;
  state.rows_invalid = 3;
  state.skip_invalid = TRUE;
  assert_primary (&state, FALSE, "There is no valid recipient to call");

  good_state (&state, now);
  state.concurrency = 0;
  assert_primary (&state, FALSE, "Concurrent calls must be between 1 and 100");

  good_state (&state, now);
  state.max_retries = 11;
  assert_primary (&state, FALSE, "Retries must be between 0 and 10");
}

static void
test_rules_invalid_rows (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 5, 4, 12, 0, 0);
  CbNewBatchState state;
  CbNewBatchVerdict verdict;

  good_state (&state, now);
  state.rows_invalid = 1;
  assert_primary (&state, FALSE, "Fix the 1 invalid row or turn on “Skip invalid rows”");
  state.rows_invalid = 15;
  assert_primary (&state, FALSE, "Fix the 15 invalid rows or turn on “Skip invalid rows”");

  /* Skipping them, the batch has the valid rows only. */
  state.skip_invalid = TRUE;
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_true (verdict.primary_sensitive);
  g_assert_true (verdict.draft_sensitive);
  g_assert_cmpuint (verdict.recipients, ==, 10);
  cb_new_batch_verdict_clear (&verdict);
}

static void
test_rules_schedule (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 5, 4, 12, 0, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) past = g_date_time_add_minutes (now, -1);
  g_autoptr(GDateTime) limit = g_date_time_add (now, 30 * G_TIME_SPAN_DAY);
  g_autoptr(GDateTime) beyond = g_date_time_add_seconds (limit, 1);
  CbNewBatchState state;
  CbNewBatchVerdict verdict;

  good_state (&state, now);
  state.schedule_later = TRUE;
  state.date_chosen = TRUE;
  state.scheduled_at = tomorrow;
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_cmpint (verdict.action, ==, CB_NEW_BATCH_ACTION_SCHEDULE);
  g_assert_cmpstr (verdict.primary_label, ==, "Schedule Batch");
  g_assert_true (verdict.primary_sensitive);
  g_assert_null (verdict.schedule_problem);
  cb_new_batch_verdict_clear (&verdict);

  state.scheduled_at = limit;
  assert_primary (&state, TRUE, NULL);

  state.scheduled_at = beyond;
  assert_primary (&state, FALSE, "Pick a time at most 30 days from now");

  state.scheduled_at = now;
  assert_primary (&state, FALSE, "Pick a time in the future");

  /* A schedule problem does not stop saving a draft. */
  state.scheduled_at = past;
  cb_new_batch_rules_evaluate (&state, &verdict);
  g_assert_false (verdict.primary_sensitive);
  g_assert_cmpstr (verdict.schedule_problem, ==, "Pick a time in the future");
  g_assert_true (verdict.draft_sensitive);
  g_assert_null (verdict.draft_tooltip);
  cb_new_batch_verdict_clear (&verdict);

  state.scheduled_at = NULL;
  assert_primary (&state, FALSE, "That time does not exist on that day in this time zone");
  state.zone_valid = FALSE;
  assert_primary (&state, FALSE, "Pick a time zone");
  state.time_valid = FALSE;
  assert_primary (&state, FALSE, "Enter a time such as 09:30");
  state.date_chosen = FALSE;
  assert_primary (&state, FALSE, "Pick a day in the calendar");

  /* A problem with the batch comes first. */
  state.has_agent = FALSE;
  assert_primary (&state, FALSE, "Choose an agent");
}

static void
test_rules_window (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 5, 4, 12, 0, 0);
  CbNewBatchState state;
  g_autofree char *json = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *all_days = NULL;

  good_state (&state, now);
  g_assert_null (cb_new_batch_call_window (&state, FALSE));

  state.window_enabled = TRUE;
  state.window_days = 0x1f;  /* Monday to Friday */
  json = cb_new_batch_call_window (&state, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"windows\":[{\"start\":540,\"end\":1200}],"
                   "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]}");
  recipient = cb_new_batch_call_window (&state, TRUE);
  g_assert_cmpstr (recipient, ==,
                   "{\"windows\":[{\"start\":540,\"end\":1200}],"
                   "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"],"
                   "\"timezone\":\"recipient\"}");
  state.window_days = CB_NEW_BATCH_ALL_DAYS;
  all_days = cb_new_batch_call_window (&state, FALSE);
  g_assert_cmpstr (all_days, ==, "{\"windows\":[{\"start\":540,\"end\":1200}]}");

  assert_primary (&state, TRUE, NULL);
  state.window_days = 0;
  assert_primary (&state, FALSE, "Pick at least one day for the calling window");
  state.window_days = 1;
  state.window_end = state.window_start;
  assert_primary (&state, FALSE, "The calling window must end after it starts");
}

static void
test_parse_time (void)
{
  static const struct {
    const char *text;
    gboolean    ok;
    int         hour;
    int         minute;
  } cases[] = {
    { "9:30", TRUE, 9, 30 },
    { "09:30", TRUE, 9, 30 },
    { " 21:05 ", TRUE, 21, 5 },
    { "9", TRUE, 9, 0 },
    { "9.15", TRUE, 9, 15 },
    { "9:30 pm", TRUE, 21, 30 },
    { "9:30PM", TRUE, 21, 30 },
    { "12 AM", TRUE, 0, 0 },
    { "12:10 pm", TRUE, 12, 10 },
    { "0:00", TRUE, 0, 0 },
    { "23:59", TRUE, 23, 59 },
    { "24:00", FALSE, 0, 0 },
    { "9:60", FALSE, 0, 0 },
    { "9:5", FALSE, 0, 0 },
    { "13 pm", FALSE, 0, 0 },
    { "0 am", FALSE, 0, 0 },
    { "", FALSE, 0, 0 },
    { "noon", FALSE, 0, 0 },
    { "9:30 x", FALSE, 0, 0 },
    { "930", FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int hour = -1;
      int minute = -1;
      gboolean ok = cb_new_batch_parse_time (cases[i].text, &hour, &minute);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_cmpint (hour, ==, cases[i].hour);
          g_assert_cmpint (minute, ==, cases[i].minute);
        }
    }

  g_assert_false (cb_new_batch_parse_time (NULL, &(int){0}, &(int){0}));
}

static void
test_typed_to_csv (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = NULL;
  const char *expected;

  bytes = cb_new_batch_typed_to_csv ("+14155550123\n  (415) 555-0124 \n\n4155550125,x\n\"q\n");
  expected = "phone\n+14155550123\n(415) 555-0124\n\n\"4155550125,x\"\n\"\"\"q\"\n";
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));

  empty = cb_new_batch_typed_to_csv ("");
  g_assert_cmpmem (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty), "phone\n", 6);
}

static void
test_format_rows (void)
{
  static const guint rows[] = { 3, 7, 12, 13, 14, 15, 20, 21, 30, 31, 32, 40 };
  g_autofree char *all = NULL;
  g_autofree char *capped = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *none = NULL;
  g_autofree char *row = NULL;
  g_autofree char *line = NULL;

  all = cb_new_batch_format_rows (CB_NEW_BATCH_SOURCE_FILE, rows, G_N_ELEMENTS (rows), 0);
  g_assert_cmpstr (all, ==, "3, 7, 12–15, 20, 21, 30–32, 40");

  capped = cb_new_batch_format_rows (CB_NEW_BATCH_SOURCE_FILE, rows, G_N_ELEMENTS (rows), 3);
  g_assert_cmpstr (capped, ==, "3, 7, 12–15 and 6 more");

  typed = cb_new_batch_format_rows (CB_NEW_BATCH_SOURCE_TYPED, rows, 2, 0);
  g_assert_cmpstr (typed, ==, "2, 6");

  none = cb_new_batch_format_rows (CB_NEW_BATCH_SOURCE_FILE, NULL, 0, 5);
  g_assert_cmpstr (none, ==, "");

  row = cb_new_batch_row_label (CB_NEW_BATCH_SOURCE_FILE, 7);
  g_assert_cmpstr (row, ==, "Row 7");
  line = cb_new_batch_row_label (CB_NEW_BATCH_SOURCE_TYPED, 7);
  g_assert_cmpstr (line, ==, "Line 6");
}

/* The shortcuts window: each GtkShortcutsShortcut as "title|accelerator|action-name". */

static void
replace_str (char       **field,
             const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

typedef struct
{
  GPtrArray *entries;
  GString   *text;
  char      *property;
  char      *title;
  char      *accelerator;
  char      *action;
  gboolean   in_shortcut;
} OverlayParser;

static void
overlay_start (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  OverlayParser *parser = user_data;

  if (g_str_equal (element, "object"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "class") && g_str_equal (values[i], "GtkShortcutsShortcut"))
          parser->in_shortcut = TRUE;
    }
  else if (g_str_equal (element, "property") && parser->in_shortcut)
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "name"))
          replace_str (&parser->property, values[i]);
      g_string_truncate (parser->text, 0);
    }
}

static void
overlay_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 len,
              gpointer              user_data,
              GError              **error)
{
  OverlayParser *parser = user_data;

  if (parser->property != NULL)
    g_string_append_len (parser->text, text, len);
}

static void
overlay_end (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  OverlayParser *parser = user_data;

  if (g_str_equal (element, "property") && parser->property != NULL)
    {
      if (g_str_equal (parser->property, "title"))
        replace_str (&parser->title, parser->text->str);
      else if (g_str_equal (parser->property, "accelerator"))
        replace_str (&parser->accelerator, parser->text->str);
      else if (g_str_equal (parser->property, "action-name"))
        replace_str (&parser->action, parser->text->str);
      g_clear_pointer (&parser->property, g_free);
    }
  else if (g_str_equal (element, "object") && parser->in_shortcut)
    {
      g_ptr_array_add (parser->entries,
                       g_strdup_printf ("%s|%s|%s", parser->title ? parser->title : "",
                                        parser->accelerator ? parser->accelerator : "",
                                        parser->action ? parser->action : ""));
      g_clear_pointer (&parser->title, g_free);
      g_clear_pointer (&parser->accelerator, g_free);
      g_clear_pointer (&parser->action, g_free);
      parser->in_shortcut = FALSE;
    }
}

static void
test_shortcuts_listed (void)
{
  static const GMarkupParser markup = { overlay_start, overlay_end, overlay_text, NULL, NULL };
  /* Every shortcut of the window, the dialogs and the application, as they bind it:
   * CbWindow (win.preferences, win.new-batch, win.search, win.reload, window.close), the
   * New batch and catalog dialogs (Escape), CbApplication (app.quit) and GtkApplication
   * (win.show-help-overlay). */
  static const char * const expected[] = {
    "Preferences|<Primary>comma|",
    "Show Shortcuts||win.show-help-overlay",
    "Close Window|<Primary>w|",
    "Close Dialog|Escape|",
    "Quit||app.quit",
    "New Batch|<Primary>n|",
    "Search the Open Batch’s Recipients|<Primary>f|",
    "Reload|F5 <Primary>r|",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  OverlayParser parser = { entries, text, NULL, NULL, NULL, NULL, FALSE };

  bytes = g_resources_lookup_data ("/io/github/callboard/Callboard/gtk/help-overlay.ui", 0, &error);
  g_assert_no_error (error);

  context = g_markup_parse_context_new (&markup, 0, &parser, NULL);
  g_assert_true (g_markup_parse_context_parse (context, g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < entries->len; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_ptr_array_index (entries, i), "|", 3);
      g_auto(GStrv) accelerators = g_strsplit (fields[1], " ", -1);

      g_assert_cmpstr (g_ptr_array_index (entries, i), ==, expected[i]);

      /* GtkShortcutsShortcut shows nothing for an accelerator it cannot parse. */
      for (guint j = 0; fields[1][0] != '\0' && accelerators[j] != NULL; j++)
        {
          guint key = 0;
          GdkModifierType mods = 0;

          g_assert_true (gtk_accelerator_parse (accelerators[j], &key, &mods));
          g_assert_cmpuint (key, !=, 0);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/ui/rules/start", test_rules_start);
  g_test_add_func ("/ui/rules/missing", test_rules_missing);
  g_test_add_func ("/ui/rules/invalid-rows", test_rules_invalid_rows);
  g_test_add_func ("/ui/rules/schedule", test_rules_schedule);
  g_test_add_func ("/ui/rules/window", test_rules_window);
  g_test_add_func ("/ui/rules/parse-time", test_parse_time);
  g_test_add_func ("/ui/rules/typed-to-csv", test_typed_to_csv);
  g_test_add_func ("/ui/rules/format-rows", test_format_rows);
  g_test_add_func ("/ui/shortcuts/listed", test_shortcuts_listed);

  return g_test_run ();
}
