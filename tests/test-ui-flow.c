/* test-ui-flow.c — the New batch flow and the batch detail in a real window, with the
 * engine and its simulator in-process; screenshots of the pages into the build dir
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-test"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cb-batch-detail.h"
#include "cb-batches-page.h"
#include "cb-engine.h"
#include "cb-new-batch-dialog.h"
#include "cb-preferences-window.h"
#include "cb-report.h"
#include "cb-store-catalog.h"
#include "cb-test-util.h"
#include "cb-window.h"

static gboolean have_display;

typedef struct
{
  CbStore  *store;
  CbEngine *engine;
  CbWindow *window;
} Fixture;

static GtkWidget *
find_by_name (GtkWidget  *root,
              const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_name (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
wait_for (gboolean (*done) (gpointer),
          gpointer  data,
          guint     seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

/* Toasts are gone before a screenshot: they would cover the page. */
static void
dismiss_toasts (GtkWidget *root)
{
  GType toast_type = g_type_from_name ("AdwToastWidget");
  GtkWidget *toast;

  if (toast_type == 0)
    return;

  /* Toasts only time out while the window is focused, which it never is without a
   * window manager: their close button dismisses them. */
  for (guint i = 0; i < 10 && (toast = find_by_type (root, toast_type)) != NULL; i++)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (toast); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_BUTTON (child) &&
            g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)),
                       "window-close-symbolic") == 0)
          {
            g_signal_emit_by_name (child, "clicked");
            break;
          }
      iterate (100);
    }
}

/* Xvfb has no window manager: the window keeps its default size, which counts the
 * decorations' margins, so the size is corrected until the content is @width × @height. */
static void
size_window (GtkWindow *window,
             int        width,
             int        height)
{
  gtk_window_set_default_size (window, width, height);
  iterate (100);
  if (gtk_widget_get_width (GTK_WIDGET (window)) > 0 &&
      (gtk_widget_get_width (GTK_WIDGET (window)) != width ||
       gtk_widget_get_height (GTK_WIDGET (window)) != height))
    {
      gtk_window_set_default_size (window,
                                   2 * width - gtk_widget_get_width (GTK_WIDGET (window)),
                                   2 * height - gtk_widget_get_height (GTK_WIDGET (window)));
      iterate (100);
    }
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int width;
  int height;

  dismiss_toasts (widget);
  iterate (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                          "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  if (!have_display)
    return;

  db = cb_test_tmp_path ("flow.db");
  g_unlink (db);
  f->store = cb_store_open (db, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->engine = cb_engine_new (f->store, "127.0.0.1:0");
  cb_engine_set_sim_speed (f->engine, 200);
  g_assert_true (cb_engine_start (f->engine, &error));
  g_assert_no_error (error);

  f->window = cb_window_new (NULL, f->store);
  g_object_ref_sink (f->window);
  cb_window_set_engine (f->window, f->engine, NULL);
  gtk_window_present (GTK_WINDOW (f->window));
  size_window (GTK_WINDOW (f->window), 1280, 800);
  iterate (200);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (!have_display)
    return;

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  cb_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
}

static gboolean
dialog_idle (gpointer data)
{
  return !cb_new_batch_dialog_is_busy (data);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static CbNewBatchDialog *
open_dialog (Fixture    *f,
             const char *name,
             const char *file)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  CbNewBatchDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-batch", NULL);
  iterate (200);
  dialog = NULL;
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (CB_IS_NEW_BATCH_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);

  gtk_editable_set_text (GTK_EDITABLE (find_by_name (GTK_WIDGET (dialog), "batch-name")), name);
  cb_new_batch_dialog_load_file (dialog, gfile);
  g_assert_true (wait_for (dialog_idle, dialog, 30));
  iterate (100);

  return dialog;
}

static CbBatch *
newest_batch (Fixture *f)
{
  g_autoptr(GListModel) batches = cb_store_list_batches (f->store, NULL, 0, NULL);

  g_assert_nonnull (batches);
  g_assert_cmpuint (g_list_model_get_n_items (batches), >, 0);
  return g_list_model_get_item (batches, 0);
}

static void
test_flow_empty (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const pages[] = { "Batch calls", "Agents", "Phone numbers",
                                        "Do-not-call list" };
  GtkWidget *sidebar;
  guint i = 0;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  sidebar = find_by_name (GTK_WIDGET (f->window), "sidebar");
  for (GtkWidget *row = gtk_widget_get_first_child (sidebar); row != NULL;
       row = gtk_widget_get_next_sibling (row), i++)
    {
      GList *labelled = NULL;

      g_assert_cmpuint (i, <, G_N_ELEMENTS (pages));
      (void)labelled;
    }
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (pages));
  g_assert_true (gtk_widget_get_mapped (find_by_name (GTK_WIDGET (f->window), "empty-new-batch")));
  screenshot (GTK_WIDGET (f->window), "empty");
}

static void
test_flow_invalid_rows (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = NULL;
  CbNewBatchDialog *dialog;
  GtkWidget *row;
  GtkWidget *primary;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  path = cb_test_tmp_path ("invalid.csv");
  g_assert_true (g_file_set_contents (path,
                                      "phone,first_name\n"
                                      "+14155550100,Ada\n"
                                      "12345,Bob\n"
                                      "+14155550101,Cy\n"
                                      "+14155550100,Dup\n"
                                      "letters,Eve\n", -1, NULL));
  dialog = open_dialog (f, "With problems", path);

  row = find_by_name (GTK_WIDGET (dialog), "invalid_phone_number");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Rows 3, 6");
  row = find_by_name (GTK_WIDGET (dialog), "duplicate");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Row 5");

  primary = find_by_name (GTK_WIDGET (dialog), "new-batch-primary");
  g_assert_false (gtk_widget_get_sensitive (primary));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (primary), ==,
                   "Fix the 3 invalid rows or turn on “Skip invalid rows”");
  size_window (GTK_WINDOW (dialog), 720, 800);
  screenshot (GTK_WIDGET (dialog), "new-batch-invalid-rows");

  gtk_switch_set_active (GTK_SWITCH (find_by_name (GTK_WIDGET (dialog), "skip-invalid")), TRUE);
  g_assert_true (gtk_widget_get_sensitive (primary));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_flow_schedule (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *sample = g_build_filename (SRCDIR, "data", "sample.csv", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) far = g_date_time_add_days (now, 40);
  g_autoptr(CbBatch) batch = NULL;
  CbNewBatchDialog *dialog;
  GtkWidget *primary;
  GtkCalendar *calendar;
  GtkWidget *status;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  dialog = open_dialog (f, "Tomorrow's reminders", sample);
  primary = find_by_name (GTK_WIDGET (dialog), "new-batch-primary");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (primary)), ==, "Start Batch");
  g_assert_true (gtk_widget_get_sensitive (primary));

  gtk_switch_set_active (GTK_SWITCH (find_by_name (GTK_WIDGET (dialog), "schedule-later")), TRUE);
  calendar = GTK_CALENDAR (find_by_name (GTK_WIDGET (dialog), "schedule-calendar"));

  /* Beyond 30 days: refused, with the reason. */
  gtk_calendar_select_day (calendar, far);
  g_assert_false (gtk_widget_get_sensitive (primary));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (primary), ==, "Pick a day in the calendar");

  gtk_calendar_select_day (calendar, tomorrow);
  gtk_editable_set_text (GTK_EDITABLE (find_by_name (GTK_WIDGET (dialog), "schedule-time")),
                         "10:30");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (primary)), ==, "Schedule Batch");
  g_assert_true (gtk_widget_get_sensitive (primary));
  screenshot (GTK_WIDGET (dialog), "new-batch");

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  gtk_widget_activate (primary);
  g_assert_true (wait_for (pointer_cleared, &dialog, 30));

  batch = newest_batch (f);
  g_assert_cmpstr (cb_batch_get_name (batch), ==, "Tomorrow's reminders");
  g_assert_cmpint (cb_batch_get_status (batch), ==, CB_BATCH_STATUS_SCHEDULED);
  g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, 3);

  status = find_by_name (GTK_WIDGET (f->window), "batch-status");
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Scheduled");

  /* Back to the list: the batch is there, scheduled. */
  gtk_widget_activate (find_by_name (GTK_WIDGET (f->window), "batch-back"));
  iterate (200);
  g_assert_nonnull (find_by_name (GTK_WIDGET (f->window), cb_batch_get_id (batch)));
  screenshot (GTK_WIDGET (f->window), "batch-calls-scheduled");
}

static gboolean
not_exporting (gpointer data)
{
  return !cb_batch_detail_is_exporting (data);
}

static gboolean
batch_completed (gpointer data)
{
  Fixture *f = data;
  g_autoptr(CbBatch) batch = newest_batch (f);

  return cb_batch_get_status (batch) == CB_BATCH_STATUS_COMPLETED;
}

/* A few more batches and agents, so the list pages look like a day's work. */
static void
add_pages_content (Fixture    *f,
                   const char *sample)
{
  static const struct { const char *name; CbBatchStatus status; } batches[] = {
    { "Renewal follow-ups", CB_BATCH_STATUS_DRAFT },
    { "Clinic survey, March", CB_BATCH_STATUS_CANCELLED },
    { "Delivery confirmations", CB_BATCH_STATUS_SCHEDULED },
  };
  g_autoptr(GListModel) agents = cb_store_list_agents (f->store, NULL);
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (agents);
  agent = g_list_model_get_item (agents, 0);
  g_assert_nonnull (agent);

  for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
    {
      CbBatchParams params = { 0 };
      g_autoptr(CbBatch) batch = NULL;

      params.name = batches[i].name;
      params.agent_id = cb_agent_get_id (agent);
      params.max_retries = -1;
      params.retry_delay_s = -1;
      batch = cb_store_import_file (f->store, &params, sample, FALSE, NULL, NULL, &error);
      g_assert_no_error (error);
      if (batches[i].status == CB_BATCH_STATUS_SCHEDULED)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);

          g_assert_true (cb_engine_schedule_batch (f->engine, cb_batch_get_id (batch), later,
                                                   &error));
        }
      else if (batches[i].status != CB_BATCH_STATUS_DRAFT)
        g_assert_true (cb_store_set_batch_status (f->store, cb_batch_get_id (batch),
                                                  batches[i].status, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 2; i++)
    {
      static const char * const names[] = { "Billing assistant", "Survey agent" };
      static const char * const ids[] = { "agent_billing_01", "agent_survey_02" };
      g_autoptr(CbAgent) added = NULL;

      added = cb_store_create_agent (f->store, names[i],
                                     cb_agent_get_provider_account_id (agent), ids[i],
                                     cb_agent_get_default_phone_number_id (agent), NULL, &error);
      g_assert_no_error (error);
    }
}

static GtkWidget *
open_preferences (Fixture *f)
{
  GtkWidget *preferences = NULL;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.preferences", NULL);
  iterate (200);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (CB_IS_PREFERENCES_WINDOW (l->data))
      preferences = l->data;
  g_assert_nonnull (preferences);
  size_window (GTK_WINDOW (preferences), 720, 800);

  return preferences;
}

static void
test_flow_start (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *sample = g_build_filename (SRCDIR, "data", "sample.csv", NULL);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) xlsx = NULL;
  g_autoptr(GFile) csv = NULL;
  g_autoptr(GFile) other = NULL;
  g_autofree char *xlsx_path = cb_test_tmp_path ("report.xlsx");
  g_autofree char *csv_path = cb_test_tmp_path ("report.csv");
  g_autofree char *other_path = cb_test_tmp_path ("report.txt");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;
  CbNewBatchDialog *dialog;
  CbBatchDetail *detail;
  GtkWidget *status;
  GtkWidget *preferences;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  dialog = open_dialog (f, "Appointment reminders", sample);
  /* Unanswered calls are not retried, so the batch ends with the first round. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_name (GTK_WIDGET (dialog), "batch-retries")),
                             0);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  gtk_widget_activate (find_by_name (GTK_WIDGET (dialog), "new-batch-primary"));
  g_assert_true (wait_for (pointer_cleared, &dialog, 30));

  g_assert_true (wait_for (batch_completed, f, 120));
  iterate (500);

  batch = newest_batch (f);
  status = find_by_name (GTK_WIDGET (f->window), "batch-status");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Completed");
  g_assert_false (gtk_widget_get_sensitive (find_by_name (GTK_WIDGET (f->window), "batch-cancel")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (find_by_name (GTK_WIDGET (f->window),
                                                              "batch-cancel")),
                   ==, "The batch has already ended");
  screenshot (GTK_WIDGET (f->window), "batch-detail");

  /* Export the report, XLSX then CSV, off the main loop. */
  detail = CB_BATCH_DETAIL (find_by_type (GTK_WIDGET (f->window), CB_TYPE_BATCH_DETAIL));
  g_assert_nonnull (detail);
  g_assert_true (gtk_widget_get_sensitive (find_by_name (GTK_WIDGET (f->window), "batch-export")));

  xlsx = g_file_new_for_path (xlsx_path);
  g_assert_true (cb_batch_detail_export (detail, xlsx, &error));
  g_assert_no_error (error);
  g_assert_true (cb_batch_detail_is_exporting (detail));
  g_assert_false (gtk_widget_get_sensitive (find_by_name (GTK_WIDGET (f->window), "batch-export")));
  g_assert_false (cb_batch_detail_export (detail, xlsx, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (wait_for (not_exporting, detail, 60));
  g_assert_true (g_file_get_contents (xlsx_path, &contents, &len, &error));
  g_assert_cmpuint (len, >, 4);
  g_assert_cmpmem (contents, 4, "PK\x03\x04", 4);
  g_clear_pointer (&contents, g_free);

  csv = g_file_new_for_path (csv_path);
  g_assert_true (cb_batch_detail_export (detail, csv, &error));
  g_assert_true (wait_for (not_exporting, detail, 60));
  g_assert_true (g_file_get_contents (csv_path, &contents, &len, &error));
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "Row,Phone,first_name,appointment_date,Status,Attempts,Outcome,"
                                 "Disconnection reason,Duration (s),Started,Ended,"
                                 "Transcript summary");
  /* The header, the three recipients, and the empty string after the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  /* The simulator picks each call's outcome: answered or not, the recipient has ended. */
  g_assert_true (g_str_has_prefix (lines[1], "2,+14155550100,Ada,2026-05-05 09:00,completed,") ||
                 g_str_has_prefix (lines[1], "2,+14155550100,Ada,2026-05-05 09:00,failed,"));
  g_assert_true (gtk_widget_get_sensitive (find_by_name (GTK_WIDGET (f->window), "batch-export")));

  /* A name that is neither .xlsx nor .csv is refused before anything runs. */
  other = g_file_new_for_path (other_path);
  g_assert_false (cb_batch_detail_export (detail, other, &error));
  g_assert_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FORMAT);
  g_assert_false (cb_batch_detail_is_exporting (detail));
  g_assert_false (g_file_query_exists (other, NULL));

  add_pages_content (f, sample);
  gtk_widget_activate (find_by_name (GTK_WIDGET (f->window), "batch-back"));
  cb_window_reload (f->window);
  iterate (200);
  g_assert_nonnull (find_by_name (GTK_WIDGET (f->window), cb_batch_get_id (batch)));
  screenshot (GTK_WIDGET (f->window), "batch-calls");

  cb_window_show_page (f->window, "agents");
  iterate (200);
  screenshot (GTK_WIDGET (f->window), "agents");

  cb_window_show_page (f->window, "batches");
  preferences = open_preferences (f);
  screenshot (preferences, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* The text of the status pill in batch @batch_id's row of the Batch calls list, or NULL
 * when the list has no such row. */
static const char *
row_status (Fixture    *f,
            const char *batch_id)
{
  GtkWidget *list = find_by_name (GTK_WIDGET (f->window), "batches-list");
  GtkWidget *row = list != NULL ? find_by_name (list, batch_id) : NULL;
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();

  if (row == NULL)
    return NULL;

  g_ptr_array_add (todo, row);
  while (todo->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (todo, todo->len - 1);

      if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "status-pill"))
        return gtk_label_get_label (GTK_LABEL (widget));
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (todo, child);
    }

  return NULL;
}

typedef struct
{
  Fixture    *f;
  const char *batch_id;
  const char *status;
} RowWait;

static gboolean
row_shows (gpointer data)
{
  RowWait *wait = data;

  return g_strcmp0 (row_status (wait->f, wait->batch_id), wait->status) == 0;
}

static void
count_finished_cb (CbBatchesPage *page,
                   CbBatch       *batch,
                   guint         *n_finished)
{
  (*n_finished)++;
}

/* The Batch calls list follows a batch as the engine runs it, without a reload. */
static void
test_flow_list_live (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *sample = g_build_filename (SRCDIR, "data", "sample.csv", NULL);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) other = NULL;
  g_autoptr(CbBatch) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) recipients = NULL;
  g_autoptr(CbRecipient) first = NULL;
  CbBatchParams params = {
    .name = "Live list",
    .agent_id = "agent_demo",
    .max_retries = 0,
    .retry_delay_s = -1,
    .default_region = "US",
  };
  CbBatchesPage *page;
  const char *ids[2] = { NULL, NULL };
  RowWait wait = { f, NULL, NULL };
  guint n_finished = 0;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  batch = cb_store_import_file (f->store, &params, sample, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  wait.batch_id = cb_batch_get_id (batch);
  cb_window_reload (f->window);
  iterate (200);
  g_assert_cmpstr (row_status (f, wait.batch_id), ==, "Draft");
  page = CB_BATCHES_PAGE (find_by_type (GTK_WIDGET (f->window), CB_TYPE_BATCHES_PAGE));
  g_signal_connect (page, "batch-finished", G_CALLBACK (count_finished_cb), &n_finished);

  /* Running, then completed, with the list shown all along. */
  g_assert_true (cb_engine_start_batch (f->engine, wait.batch_id, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (batch_completed, f, 120));
  wait.status = "Completed";
  g_assert_true (wait_for (row_shows, &wait, 10));
  g_assert_cmpuint (n_finished, ==, 1);

  /* A change the engine reports only through its recipients: the row follows it too. */
  params.name = "Reported by its recipients";
  other = cb_store_import_file (f->store, &params, sample, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  params.name = "Changed twice";
  third = cb_store_import_file (f->store, &params, sample, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  cb_window_reload (f->window);
  iterate (200);
  g_assert_cmpstr (row_status (f, cb_batch_get_id (other)), ==, "Draft");

  recipients = cb_store_list_recipients (f->store, cb_batch_get_id (other), 0, 1, &error);
  g_assert_no_error (error);
  first = g_list_model_get_item (recipients, 0);
  g_assert_nonnull (first);
  ids[0] = cb_recipient_get_id (first);
  g_assert_true (cb_store_set_batch_status (f->store, cb_batch_get_id (other),
                                            CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (f->engine, "recipients-changed", cb_batch_get_id (other), ids);
  wait.batch_id = cb_batch_get_id (other);
  wait.status = "Cancelled";
  g_assert_true (wait_for (row_shows, &wait, 10));

  /* Changes in a row are shown together, once. */
  g_clear_object (&recipients);
  g_clear_object (&first);
  recipients = cb_store_list_recipients (f->store, cb_batch_get_id (third), 0, 1, &error);
  g_assert_no_error (error);
  first = g_list_model_get_item (recipients, 0);
  g_assert_nonnull (first);
  ids[0] = cb_recipient_get_id (first);
  g_assert_true (cb_store_set_batch_status (f->store, cb_batch_get_id (third),
                                            CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (f->engine, "batch-changed", cb_batch_get_id (third));
  g_signal_emit_by_name (f->engine, "recipients-changed", cb_batch_get_id (third), ids);
  g_assert_cmpstr (row_status (f, cb_batch_get_id (third)), ==, "Draft");
  g_assert_true (cb_batches_page_flush_changes (page));
  g_assert_cmpstr (row_status (f, cb_batch_get_id (third)), ==, "Cancelled");
  g_assert_false (cb_batches_page_flush_changes (page));
  g_assert_cmpuint (n_finished, ==, 1);

  /* A later change of a completed batch notifies no one. */
  g_signal_emit_by_name (f->engine, "batch-changed", cb_batch_get_id (batch));
  g_assert_true (cb_batches_page_flush_changes (page));
  g_assert_cmpstr (row_status (f, cb_batch_get_id (batch)), ==, "Completed");
  g_assert_cmpuint (n_finished, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  have_display = gtk_init_check ();
  if (have_display)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      adw_init ();
      /* Pages switch at once, so each screenshot shows the page it names. */
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
      /* AdwApplication loads style.css from its resources; the tests have no application. */
      gtk_css_provider_load_from_resource (css, "/io/github/callboard/Callboard/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      /* The screen is exactly 1280×800: no room for the decorations' frame around it. */
      g_clear_object (&css);
      css = gtk_css_provider_new ();
      gtk_css_provider_load_from_data (css, "window.csd, window.solid-csd "
                                            "{ margin: 0; padding: 0; box-shadow: none; }", -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_USER);
    }

  g_test_add ("/ui/flow/empty", Fixture, NULL, fixture_setup, test_flow_empty, fixture_teardown);
  g_test_add ("/ui/flow/invalid-rows", Fixture, NULL, fixture_setup, test_flow_invalid_rows,
              fixture_teardown);
  g_test_add ("/ui/flow/schedule", Fixture, NULL, fixture_setup, test_flow_schedule,
              fixture_teardown);
  g_test_add ("/ui/flow/start", Fixture, NULL, fixture_setup, test_flow_start, fixture_teardown);
  g_test_add ("/ui/flow/list-live", Fixture, NULL, fixture_setup, test_flow_list_live,
              fixture_teardown);

  return g_test_run ();
}
