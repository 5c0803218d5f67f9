/* test-ui.c — the dashboard window over a real store, under a display (Xvfb in CI)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-test"

#include "config.h"

#include <adwaita.h>
#include <epoxy/gl.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cb-application.h"
#include "cb-catalog-dialog.h"
#include "cb-store-catalog.h"
#include "cb-suppressions-page.h"
#include "cb-format.h"
#include "cb-page.h"
#include "cb-preferences-window.h"
#include "cb-secrets.h"
#include "cb-settings.h"
#include "cb-new-batch-dialog.h"
#include "cb-store.h"
#include "cb-test-util.h"
#include "cb-window.h"

static gboolean have_display;

/* Widget helpers */

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

/* The first AdwPreferencesRow under @root titled @title. */
static AdwPreferencesRow *
find_row_titled (GtkWidget  *root,
                 const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return ADW_PREFERENCES_ROW (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwPreferencesRow *found = find_row_titled (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first GtkLabel under @root showing @text. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The text of every GtkLabel or GtkInscription (as @type says) under @root, in widget
 * order, joined with @separator, leaving out hidden widgets and the stack pages not shown
 * (mapped or not). */
static void
collect_texts (GtkWidget *root,
               GType      type,
               char       separator,
               GString   *out)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return;

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (out->len > 0)
        g_string_append_c (out, separator);
      g_string_append (out, GTK_IS_LABEL (root) ? gtk_label_get_label (GTK_LABEL (root))
                                                : gtk_inscription_get_text (GTK_INSCRIPTION (root)));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, type, separator, out);
}

static char *
dup_labels (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect_texts (root, GTK_TYPE_LABEL, '\n', out);

  return g_string_free (out, FALSE);
}

/* The rows of a list box (not its placeholder), or the children of another widget. */
static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_LIST_BOX (widget) || GTK_IS_LIST_BOX_ROW (child))
      n++;

  return n;
}

/* The name of the inner stack's visible child of a page: "empty", "list" or "error". */
static const char *
page_state (GtkWidget *page)
{
  GtkWidget *stack = gtk_widget_get_first_child (page);

  g_assert_true (GTK_IS_STACK (stack));

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
frame_drawn_cb (GdkFrameClock *clock,
                guint         *n)
{
  (*n)++;
}

/* Waits until @widget's window has drawn @n more frames (the table's rows are made and
 * bound in its layout). */
static void
wait_for_frames (GtkWidget *widget,
                 guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint drawn = 0;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_drawn_cb), &drawn);
  gtk_widget_queue_draw (widget);
  while (drawn < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      gtk_widget_queue_draw (widget);
    }
  g_signal_handler_disconnect (clock, handler);
}

static void
wait_until_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  /* Let the first frame and the pages' transitions settle. */
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
destroy_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static CbStore *
open_temp_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path (name);
  CbStore *store;

  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (CB_IS_STORE (store));

  return store;
}

/* The toplevel of @type named @name (any name when NULL), or NULL. */
static GtkWidget *
find_toplevel (GType       type,
               const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_visible (window) &&
          (name == NULL || g_strcmp0 (gtk_widget_get_name (window), name) == 0))
        return window;
    }

  return NULL;
}

static void
settle (void)
{
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
set_row_text (GtkWidget  *root,
              const char *name,
              const char *text)
{
  GtkWidget *row = find_by_name (root, name);

  g_assert_true (GTK_IS_EDITABLE (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Answers the message dialog named @name with @response and returns its body. */
static char *
answer_dialog (const char *name,
               const char *response)
{
  GtkWidget *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG, name);
  char *body;

  g_assert_nonnull (dialog);
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, name) == dialog)
    gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();

  return body;
}

static CbCatalogDialog *
open_editor (GtkWidget  *page,
             const char *action,
             const char *id)
{
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (page, action, id ? "s" : NULL, id));
  settle ();
  dialog = find_toplevel (CB_TYPE_CATALOG_DIALOG, NULL);
  g_assert_nonnull (dialog);

  return CB_CATALOG_DIALOG (dialog);
}

static gboolean
import_busy (gpointer page)
{
  return cb_suppressions_page_is_busy (page);
}

static void
test_window_catalog (void)
{
  static const char csv[] =
    "phone,note\n"
    "+14155550111,first\n"
    "12345,typo\n"
    "\n"
    "+1 415 555 0111,again\n"
    "(415) 555-0122,listed\n"
    "415-555-0133,new\n";
  static const char one_row[] = "phone\n+14155550123\n";
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (one_row, sizeof one_row - 1);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = cb_test_tmp_path ("block.csv");
  g_autofree char *body = NULL;
  g_autofree char *agent_id = NULL;
  CbBatchParams params = { .name = "Reminders", .agent_id = "agent_demo", .timezone = "UTC",
                           .max_retries = -1, .retry_delay_s = -1 };
  CbCatalogDialog *dialog;
  CbWindow *window;
  GtkWidget *page;
  GtkWidget *search;
  AdwPreferencesRow *row;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  store = open_temp_store ("catalog.db");
  g_assert_true (cb_store_set_setting (store, "default_region", "US", &error));
  window = cb_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  /* Agents: add one through the form; an empty name is refused in the form. */
  cb_window_show_page (window, "agents");
  page = find_by_name (GTK_WIDGET (window), "agents-page");
  dialog = open_editor (page, "agents.add", NULL);
  g_assert_false (cb_catalog_dialog_save (dialog, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (gtk_widget_get_visible (find_by_name (GTK_WIDGET (dialog), "catalog-error")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_by_name (GTK_WIDGET (dialog),
                                                                 "catalog-error"))),
                   ==, "The name is empty.");
  set_row_text (GTK_WIDGET (dialog), "catalog-name", "Sales agent");
  set_row_text (GTK_WIDGET (dialog), "catalog-provider-id", "agent_sales");
  g_assert_true (cb_catalog_dialog_save (dialog, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_null (find_toplevel (CB_TYPE_CATALOG_DIALOG, NULL));
  g_assert_cmpuint (count_children (find_by_name (page, "agents-list")), ==, 2);
  row = find_row_titled (page, "Sales agent");
  g_assert_nonnull (row);
  agent_id = g_strdup (gtk_widget_get_name (GTK_WIDGET (row)));
  g_assert_true (g_str_has_prefix (agent_id, "agent_"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Simulator · agent_sales");
  g_assert_nonnull (find_by_name (GTK_WIDGET (row), "row-edit"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (find_by_name (GTK_WIDGET (row), "row-delete")),
                   ==, "Delete “Sales agent”");

  /* Edit it: the form starts from what is stored. */
  dialog = open_editor (page, "agents.edit", agent_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_by_name (GTK_WIDGET (dialog),
                                                                      "catalog-name"))),
                   ==, "Sales agent");
  set_row_text (GTK_WIDGET (dialog), "catalog-name", "Renewals agent");
  g_assert_true (cb_catalog_dialog_save (dialog, &error));
  settle ();
  agent = cb_store_get_agent (store, agent_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_agent_get_name (agent), ==, "Renewals agent");
  g_assert_cmpstr (cb_agent_get_provider_agent_id (agent), ==, "agent_sales");
  g_assert_nonnull (find_row_titled (page, "Renewals agent"));

  /* Deleting an agent an unfinished batch uses is refused, with the store's reason. */
  batch = cb_store_import_bytes (store, &params, bytes, "one.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (page, "agents.delete", "s", "agent_demo"));
  settle ();
  body = answer_dialog ("delete-confirm", "delete");
  g_assert_cmpstr (body, ==,
                   "“Demo agent” will be removed from Callboard. Finished batches keep their "
                   "records.");
  g_clear_pointer (&body, g_free);
  body = answer_dialog ("delete-refused", "close");
  g_assert_cmpstr (body, ==,
                   "This agent is used by the batch “Reminders”, which has not finished. "
                   "Cancel the batch or wait until it completes.");
  g_clear_pointer (&body, g_free);
  g_assert_nonnull (find_row_titled (page, "Demo agent"));

  /* Cancel does nothing; Delete removes the other one. */
  g_assert_true (gtk_widget_activate_action (page, "agents.delete", "s", agent_id));
  settle ();
  g_free (answer_dialog ("delete-confirm", "cancel"));
  g_assert_nonnull (find_row_titled (page, "Renewals agent"));
  g_assert_true (gtk_widget_activate_action (page, "agents.delete", "s", agent_id));
  settle ();
  g_free (answer_dialog ("delete-confirm", "delete"));
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "delete-refused"));
  g_assert_null (find_row_titled (page, "Renewals agent"));
  g_assert_cmpuint (count_children (find_by_name (page, "agents-list")), ==, 1);

  /* Phone numbers: the form shows why a number is refused, then normalises a good one. */
  cb_window_show_page (window, "phone-numbers");
  page = find_by_name (GTK_WIDGET (window), "phone-numbers-page");
  dialog = open_editor (page, "phone-numbers.add", NULL);
  set_row_text (GTK_WIDGET (dialog), "catalog-number", "12345");
  g_assert_false (cb_catalog_dialog_save (dialog, NULL));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_by_name (GTK_WIDGET (dialog),
                                                                 "catalog-error"))),
                   ==, "“12345” is not a valid phone number");
  set_row_text (GTK_WIDGET (dialog), "catalog-number", "(415) 555-0177");
  g_assert_false (gtk_widget_get_visible (find_by_name (GTK_WIDGET (dialog), "catalog-error")));
  set_row_text (GTK_WIDGET (dialog), "catalog-label", "Support");
  g_assert_true (cb_catalog_dialog_save (dialog, NULL));
  settle ();
  row = find_row_titled (page, "+14155550177");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Support · Simulator");

  g_assert_true (cb_store_set_batch_status (store, cb_batch_get_id (batch),
                                            CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_true (gtk_widget_activate_action (page, "phone-numbers.delete", "s",
                                             gtk_widget_get_name (GTK_WIDGET (row))));
  settle ();
  g_free (answer_dialog ("delete-confirm", "delete"));
  g_assert_null (find_row_titled (page, "+14155550177"));

  /* Do-not-call list: block by hand, with the validation error shown first. */
  cb_window_show_page (window, "suppressions");
  page = find_by_name (GTK_WIDGET (window), "suppressions-page");
  g_assert_cmpstr (page_state (page), ==, "empty");
  dialog = open_editor (page, "suppressions.add", NULL);
  g_assert_false (gtk_widget_get_visible (find_by_name (GTK_WIDGET (dialog), "catalog-name")));
  set_row_text (GTK_WIDGET (dialog), "catalog-number", "555");
  g_assert_false (cb_catalog_dialog_save (dialog, NULL));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_by_name (GTK_WIDGET (dialog),
                                                                 "catalog-error"))),
                   ==, "“555” is not a valid phone number");
  set_row_text (GTK_WIDGET (dialog), "catalog-number", "+1 (415) 555-0122");
  set_row_text (GTK_WIDGET (dialog), "catalog-note", "Asked twice");
  g_assert_true (cb_catalog_dialog_save (dialog, NULL));
  settle ();
  g_assert_cmpstr (page_state (page), ==, "list");
  row = find_row_titled (page, "+14155550122");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Asked twice");

  /* Import: valid rows are added, invalid ones are reported with their rows. */
  g_assert_true (g_file_set_contents (path, csv, -1, &error));
  file = g_file_new_for_path (path);
  cb_suppressions_page_import_file (CB_SUPPRESSIONS_PAGE (page), file);
  g_assert_true (cb_suppressions_page_is_busy (CB_SUPPRESSIONS_PAGE (page)));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (import_busy (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  settle ();
  body = answer_dialog ("import-report", "close");
  g_assert_cmpstr (body, ==,
                   "Added 2 numbers to the do-not-call list. 1 was already on it.\n"
                   "Not a valid phone number: row 3\n"
                   "Same number as an earlier row: row 5");
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 3);
  g_assert_nonnull (find_row_titled (page, "+14155550111"));
  g_assert_nonnull (find_row_titled (page, "+14155550133"));

  /* Search by digits (any punctuation) or by note. */
  search = find_by_name (page, "suppressions-search");
  gtk_editable_set_text (GTK_EDITABLE (search), "555-0133");
  g_signal_emit_by_name (search, "search-changed");
  settle ();
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 1);
  g_assert_nonnull (find_row_titled (page, "+14155550133"));
  gtk_editable_set_text (GTK_EDITABLE (search), "TWICE");
  g_signal_emit_by_name (search, "search-changed");
  settle ();
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 1);
  g_assert_nonnull (find_row_titled (page, "+14155550122"));
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody");
  g_signal_emit_by_name (search, "search-changed");
  settle ();
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 0);
  g_assert_cmpstr (page_state (page), ==, "list");
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  settle ();

  /* Remove. */
  g_assert_true (gtk_widget_activate_action (page, "suppressions.remove", "s", "+14155550111"));
  settle ();
  g_free (answer_dialog ("delete-confirm", "delete"));
  g_assert_null (find_row_titled (page, "+14155550111"));
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 2);

  /* A file the importer cannot read says why. */
  g_assert_true (g_file_set_contents (path, "", 0, &error));
  cb_suppressions_page_import_file (CB_SUPPRESSIONS_PAGE (page), file);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (import_busy (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  settle ();
  g_assert_nonnull (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "import-report"));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (
                     find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "import-report"))),
                   ==, "Could Not Import the File");
  g_free (answer_dialog ("import-report", "close"));
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 2);

  destroy_window (GTK_WINDOW (window));
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_settings_typed (void)
{
  g_autoptr(CbSettings) settings = cb_settings_new ();
  g_autoptr(GSettings) gsettings = NULL;
  guint notified = 0;
  guint retries = 0;

  g_assert_true (cb_settings_is_persistent (settings));
  gsettings = g_settings_new (APP_ID);

  /* The schema's defaults. */
  g_assert_cmpuint (cb_settings_get_default_max_retries (settings), ==, 2);
  g_assert_cmpuint (cb_settings_get_default_concurrency (settings), ==, 10);
  g_assert_false (cb_settings_get_window_enabled (settings));
  g_assert_cmpuint (cb_settings_get_window_start_hour (settings), ==, 9);
  g_assert_cmpuint (cb_settings_get_window_end_hour (settings), ==, 20);
  g_assert_cmpuint (cb_settings_get_window_days (settings), ==, 0x1f);
  g_assert_true (cb_settings_get_window_recipient_local (settings));
  g_assert_cmpfloat (cb_settings_get_sim_speed (settings), ==, 1.0);

  /* A property writes its key and notifies; a key written elsewhere notifies too. */
  g_signal_connect (settings, "notify::default-max-retries", G_CALLBACK (notify_count_cb),
                    &notified);
  g_object_set (settings, "default-max-retries", 4, NULL);
  g_assert_cmpuint (g_settings_get_uint (gsettings, "default-max-retries"), ==, 4);
  g_assert_cmpuint (notified, ==, 1);
  g_settings_set_uint (gsettings, "default-max-retries", 7);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (settings, "default-max-retries", &retries, NULL);
  g_assert_cmpuint (retries, ==, 7);

  /* Out of range values are clamped to the schema's range, not refused. */
  cb_settings_set_default_max_retries (settings, 99);
  g_assert_cmpuint (cb_settings_get_default_max_retries (settings), ==, 10);
  cb_settings_set_default_concurrency (settings, 0);
  g_assert_cmpuint (cb_settings_get_default_concurrency (settings), ==, 1);
  cb_settings_set_sim_speed (settings, 5000);
  g_assert_cmpfloat (g_settings_get_double (gsettings, "sim-speed"), ==, 1000.0);
  cb_settings_set_window_days (settings, 0x41);
  g_assert_cmpuint (g_settings_get_uint (gsettings, "window-days"), ==, 0x41);

  g_settings_reset (gsettings, "default-max-retries");
  g_settings_reset (gsettings, "default-concurrency");
  g_settings_reset (gsettings, "sim-speed");
  g_settings_reset (gsettings, "window-days");
}

static char *
store_setting (CbStore    *store,
               const char *key)
{
  return cb_store_get_setting (store, key);
}

/* The REST API's batch defaults follow the preferences from the start, on every change,
 * and stop following once the store is gone. */
static void
test_settings_batch_defaults (void)
{
  g_autoptr(CbSettings) settings = cb_settings_new ();
  g_autoptr(GSettings) gsettings = g_settings_new (APP_ID);
  CbStore *store = open_temp_store ("batch-defaults.db");
  g_autofree char *retries = NULL;
  g_autofree char *concurrency = NULL;
  g_autofree char *window = NULL;

  cb_settings_set_default_max_retries (settings, 4);
  cb_application_bind_batch_defaults (settings, store);
  retries = store_setting (store, "default_max_retries");
  concurrency = store_setting (store, "default_concurrency");
  window = store_setting (store, "default_call_window");
  g_assert_cmpstr (retries, ==, "4");
  g_assert_cmpstr (concurrency, ==, "10");
  g_assert_null (window);

  /* A change made anywhere, here through GSettings, reaches the store. */
  g_settings_set_uint (gsettings, "default-concurrency", 3);
  g_clear_pointer (&concurrency, g_free);
  concurrency = store_setting (store, "default_concurrency");
  g_assert_cmpstr (concurrency, ==, "3");

  cb_settings_set_window_end_hour (settings, 17);
  cb_settings_set_window_recipient_local (settings, FALSE);
  cb_settings_set_window_enabled (settings, TRUE);
  window = store_setting (store, "default_call_window");
  g_assert_cmpstr (window, ==,
                   "{\"windows\":[{\"start\":540,\"end\":1020}],"
                   "\"days\":[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]}");

  /* Hours that make no window remove it: such batches call at any time. */
  cb_settings_set_window_end_hour (settings, 9);
  g_clear_pointer (&window, g_free);
  window = store_setting (store, "default_call_window");
  g_assert_null (window);

  g_object_unref (store);
  cb_settings_set_default_max_retries (settings, 6);

  g_settings_reset (gsettings, "default-max-retries");
  g_settings_reset (gsettings, "default-concurrency");
  g_settings_reset (gsettings, "window-enabled");
  g_settings_reset (gsettings, "window-end-hour");
  g_settings_reset (gsettings, "window-recipient-local");
}

static void
test_preferences_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (cb_preferences_parse_countries ("us, ca;gb", &out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "US,CA,GB");
  g_clear_pointer (&out, g_free);

  g_assert_true (cb_preferences_parse_countries ("  ", &out, &error));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);

  g_assert_false (cb_preferences_parse_countries ("US, XX", &out, &error));
  g_assert_cmpstr (error->message, ==, "“XX” is not a country code such as US, GB or DE.");
  g_assert_null (out);
  g_clear_error (&error);

  g_assert_true (cb_preferences_parse_region (" de ", &out, &error));
  g_assert_cmpstr (out, ==, "DE");
  g_clear_pointer (&out, g_free);
  g_assert_true (cb_preferences_parse_region ("", &out, &error));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_assert_false (cb_preferences_parse_region ("USA", &out, &error));
  g_assert_cmpstr (error->message, ==, "“USA” is not a country code such as US, GB or DE.");
}

static void
clipboard_text_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_window_preferences (void)
{
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *key = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *expected = NULL;
  CbSettings *settings = cb_settings_get_default ();
  CbWindow *window;
  GtkWidget *preferences;
  GtkWidget *dialog;
  AdwPreferencesRow *row;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  g_unsetenv ("CALLBOARD_API_TOKEN");
  store = open_temp_store ("preferences.db");
  window = cb_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  settle ();
  preferences = find_toplevel (CB_TYPE_PREFERENCES_WINDOW, NULL);
  g_assert_nonnull (preferences);

  /* The API token: masked, never in full on screen, copied in full. */
  token = cb_secrets_lookup (cb_store_get_uri (store), "api-token", &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  masked = cb_secrets_mask (token);
  row = ADW_PREFERENCES_ROW (find_by_name (preferences, "pref-token"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, masked);
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), token));
  g_signal_emit_by_name (find_by_name (preferences, "pref-copy-token"), "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (preferences), NULL,
                                 clipboard_text_cb, &copied);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (copied == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (copied, ==, token);

  /* A provider key: kept as a secret, shown masked. */
  g_assert_false (cb_preferences_window_set_api_key (CB_PREFERENCES_WINDOW (preferences),
                                                     "pa_sim", "  ", &error));
  g_assert_cmpstr (error->message, ==, "The API key is empty.");
  g_clear_error (&error);
  g_assert_true (cb_preferences_window_set_api_key (CB_PREFERENCES_WINDOW (preferences), "pa_sim",
                                                    "key_0123456789abcdef", &error));
  g_assert_no_error (error);
  key = cb_secrets_lookup (cb_store_get_uri (store), "provider:pa_sim", &error);
  g_assert_cmpstr (key, ==, "key_0123456789abcdef");
  row = ADW_PREFERENCES_ROW (find_by_name (preferences, "pa_sim"));
  g_clear_pointer (&masked, g_free);
  masked = cb_secrets_mask (key);
  expected = g_strdup_printf ("sim · API key %s", masked);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, expected);
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), key));

  /* "Change Key…" asks for the key in a password entry. */
  g_signal_emit_by_name (find_by_name (GTK_WIDGET (row), "change-key"), "clicked");
  settle ();
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "change-key-dialog");
  g_assert_nonnull (dialog);
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (adw_message_dialog_get_extra_child (
                                             ADW_MESSAGE_DIALOG (dialog)))));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))),
                         "key_new_value_9999");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  settle ();
  g_clear_pointer (&key, g_free);
  key = cb_secrets_lookup (cb_store_get_uri (store), "provider:pa_sim", &error);
  g_assert_cmpstr (key, ==, "key_new_value_9999");

  /* Numbers: engine settings in the store; a bad code changes nothing. */
  gtk_editable_set_text (GTK_EDITABLE (find_by_name (preferences, "pref-region")), "gb");
  g_signal_emit_by_name (find_by_name (preferences, "pref-region"), "apply");
  setting = cb_store_get_setting (store, "default_region");
  g_assert_cmpstr (setting, ==, "GB");
  g_clear_pointer (&setting, g_free);
  gtk_editable_set_text (GTK_EDITABLE (find_by_name (preferences, "pref-countries")), "gb, ie");
  g_signal_emit_by_name (find_by_name (preferences, "pref-countries"), "apply");
  setting = cb_store_get_setting (store, "allowed_countries");
  g_assert_cmpstr (setting, ==, "GB,IE");
  g_clear_pointer (&setting, g_free);
  gtk_editable_set_text (GTK_EDITABLE (find_by_name (preferences, "pref-countries")), "gb, zz");
  g_signal_emit_by_name (find_by_name (preferences, "pref-countries"), "apply");
  setting = cb_store_get_setting (store, "allowed_countries");
  g_assert_cmpstr (setting, ==, "GB,IE");
  g_clear_pointer (&setting, g_free);
  g_assert_true (gtk_widget_has_css_class (find_by_name (preferences, "pref-countries"), "error"));

  /* Batch defaults: written to the settings, used by the New batch dialog. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_name (preferences, "pref-retries")), 5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_name (preferences, "pref-concurrency")), 3);
  g_assert_cmpuint (cb_settings_get_default_max_retries (settings), ==, 5);
  g_assert_cmpuint (cb_settings_get_default_concurrency (settings), ==, 3);
  gtk_window_destroy (GTK_WINDOW (preferences));
  settle ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-batch", NULL));
  settle ();
  dialog = find_toplevel (CB_TYPE_NEW_BATCH_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_by_name (dialog,
                                                                                  "batch-retries"))),
                   ==, 5);
  gtk_window_destroy (GTK_WINDOW (dialog));

  cb_settings_set_default_max_retries (settings, 2);
  cb_settings_set_default_concurrency (settings, 10);
  destroy_window (GTK_WINDOW (window));
}

/* Tests that need a display */

static void
test_window_seeded (void)
{
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkSelectionModel) pages = NULL;
  g_autofree char *labels = NULL;
  static const struct { const char *name; const char *title; } expected[] = {
    { "batches", "Batch calls" },
    { "agents", "Agents" },
    { "phone-numbers", "Phone numbers" },
    { "suppressions", "Do-not-call list" },
  };
  CbWindow *window;
  GtkWidget *stack;
  GtkWidget *sidebar;
  GtkWidget *page;
  GtkWidget *status;
  AdwPreferencesRow *row;

  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  store = open_temp_store ("seeded.db");
  window = cb_window_new (NULL, store);
  g_assert_true (cb_window_get_store (window) == store);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Callboard");
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  /* The four sections, in order, in the stack and in the sidebar. */
  stack = find_by_name (GTK_WIDGET (window), "pages");
  g_assert_true (GTK_IS_STACK (stack));
  pages = gtk_stack_get_pages (GTK_STACK (stack));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (expected));

  sidebar = find_by_name (GTK_WIDGET (window), "sidebar");
  g_assert_true (GTK_IS_LIST_BOX (sidebar));
  g_assert_cmpuint (count_children (sidebar), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkStackPage *stack_page = GTK_STACK_PAGE (item);
      GtkListBoxRow *sidebar_row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (sidebar), i);
      g_autofree char *row_labels = NULL;

      g_assert_cmpstr (gtk_stack_page_get_name (stack_page), ==, expected[i].name);
      g_assert_cmpstr (gtk_stack_page_get_title (stack_page), ==, expected[i].title);
      g_assert_true (g_str_has_suffix (gtk_stack_page_get_icon_name (stack_page), "-symbolic"));
      g_assert_true (CB_IS_PAGE (gtk_stack_page_get_child (stack_page)));

      row_labels = dup_labels (GTK_WIDGET (sidebar_row));
      g_assert_cmpstr (row_labels, ==, expected[i].title);
    }

  /* Batch calls: the seed has none. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "batches");
  page = find_by_name (stack, "batches-page");
  g_assert_nonnull (page);
  g_assert_cmpstr (page_state (page), ==, "empty");
  status = find_by_name (page, "batches-empty");
  g_assert_true (ADW_IS_STATUS_PAGE (status));
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Batch Calls");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   "Upload a spreadsheet of phone numbers, pick an agent, and start calling now or at a time you choose.");

  /* Agents: the seeded demo agent, with its provider account. */
  cb_window_show_page (window, "agents");
  page = find_by_name (stack, "agents-page");
  g_assert_cmpstr (page_state (page), ==, "list");
  g_assert_cmpuint (count_children (find_by_name (page, "agents-list")), ==, 1);
  row = find_row_titled (page, "Demo agent");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (row)), ==, "agent_demo");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Simulator · "));
  labels = dup_labels (page);
  g_assert_nonnull (strstr (labels, "1 Agent\n"));
  g_clear_pointer (&labels, g_free);

  /* Phone numbers: the seeded caller ID, in E.164. */
  page = find_by_name (stack, "phone-numbers-page");
  g_assert_cmpstr (page_state (page), ==, "list");
  g_assert_cmpuint (count_children (find_by_name (page, "phone-numbers-list")), ==, 1);
  row = find_row_titled (page, "+14155550100");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (row)), ==, "pn_demo");

  /* Do-not-call list: empty, until a number is added through the store. */
  page = find_by_name (stack, "suppressions-page");
  g_assert_cmpstr (page_state (page), ==, "empty");
  status = find_by_name (page, "suppressions-empty");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Blocked Numbers");
  g_assert_null (find_row_titled (page, "+14155550123"));

  g_assert_true (cb_store_add_suppression (store, "+1 415-555-0123", "Asked not to be called",
                                           &error));
  g_assert_no_error (error);

  /* Nothing changes until the window reloads… */
  g_assert_cmpstr (page_state (page), ==, "empty");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));

  g_assert_cmpstr (page_state (page), ==, "list");
  row = find_row_titled (page, "+14155550123");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Asked not to be called");
  g_assert_cmpuint (count_children (find_by_name (page, "suppressions-list")), ==, 1);

  /* Picking a section in the sidebar shows its page and titles the content. */
  cb_window_show_page (window, "batches");
  g_signal_emit_by_name (sidebar, "row-activated",
                         gtk_list_box_get_row_at_index (GTK_LIST_BOX (sidebar), 3));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "suppressions");
  g_assert_true (gtk_list_box_get_selected_row (GTK_LIST_BOX (sidebar)) ==
                 gtk_list_box_get_row_at_index (GTK_LIST_BOX (sidebar), 3));
  labels = dup_labels (GTK_WIDGET (window));
  g_assert_nonnull (strstr (labels, "Do-not-call list"));
  g_clear_pointer (&labels, g_free);

  cb_window_show_page (window, "agents");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "agents");
  g_assert_true (gtk_list_box_get_selected_row (GTK_LIST_BOX (sidebar)) ==
                 gtk_list_box_get_row_at_index (GTK_LIST_BOX (sidebar), 1));

  destroy_window (GTK_WINDOW (window));
}

static void
test_window_batches (void)
{
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbBatch) first = NULL;
  g_autoptr(CbBatch) second = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autofree char *csv = cb_test_tmp_path ("leads.csv");
  g_autofree char *labels = NULL;
  CbBatchParams params = {
    .name = "May leads",
    .agent_id = "agent_demo",
    .max_retries = -1,
    .retry_delay_s = -1,
    .concurrency = 0,
    .default_region = "US",
  };
  CbWindow *window;
  GtkWidget *page;
  GtkWidget *list;
  GtkWidget *row;

  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  store = open_temp_store ("batches.db");
  g_assert_true (g_file_set_contents (csv,
                                      "phone,first_name\n"
                                      "+14155550111,Ann\n"
                                      "+14155550112,Bob\n"
                                      "+14155550113,Cy\n", -1, &error));
  g_assert_no_error (error);

  first = cb_store_import_file (store, &params, csv, FALSE, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  params.name = "June leads";
  second = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);

  window = cb_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  page = find_by_name (GTK_WIDGET (window), "batches-page");
  g_assert_cmpstr (page_state (page), ==, "list");
  list = find_by_name (page, "batches-list");
  g_assert_cmpuint (count_children (list), ==, 2);

  /* Newest first */
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  g_assert_cmpstr (gtk_widget_get_name (row), ==, cb_batch_get_id (second));
  labels = dup_labels (row);
  g_assert_true (g_str_has_prefix (labels, "June leads\nDraft\n"
                                   "0\u00a0of\u00a03\u00a0done · 0\u00a0answered · 0\u00a0failed\n"
                                   "Created "));
  g_clear_pointer (&labels, g_free);

  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_cmpstr (gtk_widget_get_name (row), ==, cb_batch_get_id (first));
  labels = dup_labels (row);
  g_assert_true (g_str_has_prefix (labels, "May leads\nDraft\n"));
  g_clear_pointer (&labels, g_free);

  labels = dup_labels (page);
  g_assert_true (g_str_has_prefix (labels, "2 Batches\n"));
  g_clear_pointer (&labels, g_free);

  /* A status change shows after a reload, with its pill. */
  g_assert_true (cb_store_set_batch_status (store, cb_batch_get_id (first),
                                            CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_no_error (error);
  cb_window_reload (window);
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  labels = dup_labels (row);
  g_assert_true (g_str_has_prefix (labels, "May leads\nCancelled\n"));
  g_assert_true (gtk_widget_has_css_class (find_label (row, "Cancelled"), "status-pill"));
  g_assert_true (gtk_widget_has_css_class (find_label (row, "Cancelled"), "status-cancelled"));
  g_assert_false (gtk_widget_has_css_class (find_label (row, "Cancelled"), "status-draft"));

  /* The detail page's search narrows the table to the matching recipients. */
  {
    static const struct { const char *text; guint rows; const char *cells; } searches[] = {
      /* Row is the spreadsheet's row; no duration yet. */
      { "bob", 1, "3|+14155550112|Pending|0|||first_name: Bob" },
      { "+1415555011", 3, NULL },
      { "(415) 555-0113", 1, "4|+14155550113|Pending|0|||first_name: Cy" },
      { "50%", 0, "" },
      { "", 3, NULL },
    };
    GtkWidget *detail;
    GtkWidget *search;
    GListModel *table;

    g_assert_true (cb_window_open_batch (window, cb_batch_get_id (second), &error));
    g_assert_no_error (error);
    detail = find_by_name (GTK_WIDGET (window), "recipients-table");
    search = find_by_name (GTK_WIDGET (window), "recipient-search");
    table = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (detail)));
    g_assert_cmpuint (g_list_model_get_n_items (table), ==, 3);
    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      {
        gtk_editable_set_text (GTK_EDITABLE (search), searches[i].text);
        g_signal_emit_by_name (search, "search-changed");
        while (g_main_context_pending (NULL))
          g_main_context_iteration (NULL, FALSE);
        g_assert_cmpuint (g_list_model_get_n_items (table), ==, searches[i].rows);

        /* What the rows show, once drawn. */
        if (searches[i].cells != NULL)
          {
            g_autoptr(GString) cells = g_string_new (NULL);

            wait_for_frames (detail, 2);
            /* The table's cells, joined with "|". */
            collect_texts (detail, GTK_TYPE_INSCRIPTION, '|', cells);
            g_assert_cmpstr (cells->str, ==, searches[i].cells);
          }
      }
  }

  destroy_window (GTK_WINDOW (window));
}

static void
test_window_size_kept (void)
{
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  CbWindow *window;
  int width;
  int height;

  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  store = open_temp_store ("size.db");
  settings = g_settings_new (APP_ID);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");

  window = cb_window_new (NULL, store);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 960);
  g_assert_cmpint (height, ==, 640);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 480);
  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 480);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* The next window opens at that size. */
  window = cb_window_new (NULL, store);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 480);
  destroy_window (GTK_WINDOW (window));
}

/* Tests without a display */

static void
test_format_batch_time (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GTimeZone) new_york = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(GDateTime) scheduled = g_date_time_new_utc (2026, 11, 24, 9, 0, 0);
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 11, 23, 14, 2, 30);
  g_autoptr(GDateTime) started = g_date_time_new_utc (2026, 11, 24, 9, 0, 4);
  g_autoptr(GDateTime) finished = g_date_time_new_utc (2026, 11, 24, 10, 15, 0);
  char *text;

  g_assert_nonnull (paris);
  g_assert_nonnull (new_york);

  text = cb_format_batch_time (CB_BATCH_STATUS_SCHEDULED, scheduled, NULL, NULL, created, utc);
  g_assert_cmpstr (text, ==, "Scheduled for Tue 24 Nov, 09:00");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_SCHEDULED, scheduled, NULL, NULL, created, paris);
  g_assert_cmpstr (text, ==, "Scheduled for Tue 24 Nov, 10:00");
  g_free (text);

  /* The day changes with the zone. */
  text = cb_format_batch_time (CB_BATCH_STATUS_SCHEDULED, scheduled, NULL, NULL, created,
                               new_york);
  g_assert_cmpstr (text, ==, "Scheduled for Tue 24 Nov, 04:00");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_DRAFT, NULL, NULL, NULL, created, utc);
  g_assert_cmpstr (text, ==, "Created Mon 23 Nov, 14:02");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_RUNNING, scheduled, started, NULL, created, utc);
  g_assert_cmpstr (text, ==, "Started Tue 24 Nov, 09:00");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_PAUSED, NULL, started, NULL, created, paris);
  g_assert_cmpstr (text, ==, "Started Tue 24 Nov, 10:00");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_COMPLETED, scheduled, started, finished, created,
                               utc);
  g_assert_cmpstr (text, ==, "Finished Tue 24 Nov, 10:15");
  g_free (text);

  /* A pending batch that was scheduled and came due */
  text = cb_format_batch_time (CB_BATCH_STATUS_PENDING, scheduled, NULL, NULL, created, utc);
  g_assert_cmpstr (text, ==, "Scheduled for Tue 24 Nov, 09:00");
  g_free (text);

  text = cb_format_batch_time (CB_BATCH_STATUS_DRAFT, NULL, NULL, NULL, NULL, utc);
  g_assert_null (text);
}

static void
test_format_batch_counters (void)
{
  CbBatchCounters counters = {
    .total = 250, .pending = 228, .dialing = 2, .completed = 12, .failed = 3, .cancelled = 5,
    .picked_up = 8, .sent = 30,
  };
  g_autofree char *text = NULL;
  g_autofree char *empty = NULL;
  CbBatchCounters none = { 0 };

  text = cb_format_batch_counters (&counters);
  g_assert_cmpstr (text, ==, "20\u00a0of\u00a0250\u00a0done · 8\u00a0answered · 3\u00a0failed");

  empty = cb_format_batch_counters (&none);
  g_assert_cmpstr (empty, ==, "0\u00a0of\u00a00\u00a0done · 0\u00a0answered · 0\u00a0failed");
}

static void
test_format_batch_status (void)
{
  static const struct { CbBatchStatus status; const char *label; const char *css; } cases[] = {
    { CB_BATCH_STATUS_DRAFT, "Draft", "status-draft" },
    { CB_BATCH_STATUS_PENDING, "Pending", "status-pending" },
    { CB_BATCH_STATUS_SCHEDULED, "Scheduled", "status-scheduled" },
    { CB_BATCH_STATUS_RUNNING, "Running", "status-running" },
    { CB_BATCH_STATUS_PAUSED, "Paused", "status-paused" },
    { CB_BATCH_STATUS_COMPLETED, "Completed", "status-completed" },
    { CB_BATCH_STATUS_CANCELLED, "Cancelled", "status-cancelled" },
    { CB_BATCH_STATUS_FAILED, "Failed", "status-failed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cb_format_batch_status (cases[i].status), ==, cases[i].label);
      g_assert_cmpstr (cb_format_batch_status_css (cases[i].status), ==, cases[i].css);
      /* The CSS class is the status word of the API. */
      g_assert_cmpstr (cases[i].css + strlen ("status-"), ==,
                       cb_batch_status_to_string (cases[i].status));
    }
}

static void
test_release_notes (void)
{
  g_autofree char *path = g_build_filename (SRCDIR, "data",
                                            "io.github.callboard.Callboard.metainfo.xml.in", NULL);
  g_autofree char *metainfo = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;
  static const char *two_releases =
    "<component><releases>"
    "<release version=\"0.2.0\" date=\"2027-01-10\"><description><p>Second &amp; better.</p>"
    "</description></release>"
    "<release version=\"0.1.0\" date=\"2026-11-23\"><description>\n  <p>First\n    one.</p>\n"
    "<ul><li>A</li><li>B</li></ul></description></release>"
    "</releases></component>";

  g_file_get_contents (path, &metainfo, NULL, &error);
  g_assert_no_error (error);

  /* The About window's notes are the metainfo's, for this version. */
  notes = cb_application_dup_release_notes (metainfo, PACKAGE_VERSION, NULL);
  g_assert_nonnull (notes);
  g_assert_true (g_str_has_prefix (notes, "<p>The first release of Callboard.</p><ul><li>"));
  g_assert_true (g_str_has_suffix (notes, "</li></ul>"));
  g_clear_pointer (&notes, g_free);

  notes = cb_application_dup_release_notes (two_releases, NULL, &version);
  g_assert_cmpstr (version, ==, "0.2.0");
  g_assert_cmpstr (notes, ==, "<p>Second &amp; better.</p>");
  g_clear_pointer (&notes, g_free);

  notes = cb_application_dup_release_notes (two_releases, "0.1.0", NULL);
  g_assert_cmpstr (notes, ==, "<p>First one.</p><ul><li>A</li><li>B</li></ul>");
  g_clear_pointer (&notes, g_free);

  g_assert_null (cb_application_dup_release_notes (two_releases, "9.9", NULL));
  g_assert_null (cb_application_dup_release_notes ("<component><releases>", NULL, NULL));
  g_assert_null (cb_application_dup_release_notes ("not xml at all", NULL, NULL));
}

/* The renderer the application picks: cairo where OpenGL is software, and never over
 * a GSK_RENDERER the user set. Each case runs in its own process (GTK reads the choice
 * once, for the first window). */
static gboolean
gl_is_software (void)
{
  g_autoptr(GdkGLContext) context = NULL;
  const char *name;
  gboolean software;

  if (!gdk_display_prepare_gl (gdk_display_get_default (), NULL)
      || (context = gdk_display_create_gl_context (gdk_display_get_default (), NULL)) == NULL
      || !gdk_gl_context_realize (context, NULL))
    return TRUE;

  gdk_gl_context_make_current (context);
  name = (const char *) glGetString (GL_RENDERER);
  g_test_message ("OpenGL renderer: %s", name);
  software = name == NULL || strstr (name, "llvmpipe") != NULL || strstr (name, "softpipe") != NULL;
  gdk_gl_context_clear_current ();

  return software;
}

static const char *
renderer_of_new_window (void)
{
  GtkWidget *window = gtk_window_new ();
  const char *name;

  gtk_widget_realize (window);
  name = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  gtk_window_destroy (GTK_WINDOW (window));

  return name;
}

static void
test_renderer_choice (void)
{
  if (!have_display)
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return;
    }

  if (g_test_subprocess ())
    {
      const char *preset = g_strrstr (g_test_get_path (), "/kept") != NULL ? "gl" : NULL;
      gboolean software;

      if (preset != NULL)
        g_setenv ("GSK_RENDERER", preset, TRUE);
      else
        g_unsetenv ("GSK_RENDERER");
      software = gl_is_software ();

      cb_application_choose_renderer ();
      if (preset != NULL)
        {
          g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
          g_assert_cmpstr (renderer_of_new_window (), !=, "GskCairoRenderer");
        }
      else if (software)
        {
          g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
          g_assert_cmpstr (renderer_of_new_window (), ==, "GskCairoRenderer");
        }
      else
        {
          g_assert_null (g_getenv ("GSK_RENDERER"));
          g_assert_cmpstr (renderer_of_new_window (), !=, "GskCairoRenderer");
        }
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/ui/format/batch-time", test_format_batch_time);
  g_test_add_func ("/ui/format/batch-counters", test_format_batch_counters);
  g_test_add_func ("/ui/format/batch-status", test_format_batch_status);
  g_test_add_func ("/ui/about/release-notes", test_release_notes);
  g_test_add_func ("/ui/renderer/chosen", test_renderer_choice);
  g_test_add_func ("/ui/renderer/kept", test_renderer_choice);
  g_test_add_func ("/ui/window/seeded", test_window_seeded);
  g_test_add_func ("/ui/window/batches", test_window_batches);
  g_test_add_func ("/ui/window/size-kept", test_window_size_kept);
  g_test_add_func ("/ui/window/catalog", test_window_catalog);
  g_test_add_func ("/ui/window/preferences", test_window_preferences);
  g_test_add_func ("/ui/settings/typed", test_settings_typed);
  g_test_add_func ("/ui/settings/batch-defaults", test_settings_batch_defaults);
  g_test_add_func ("/ui/preferences/parse", test_preferences_parse);

  return g_test_run ();
}
