/* cb-new-batch-dialog.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-new-batch-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cb-import.h"
#include "cb-page.h"
#include "cb-schedule.h"
#include "cb-settings.h"
#include "cb-window.h"

#define PREVIEW_ROWS 5

struct _CbNewBatchDialog
{
  AdwWindow         parent_instance;

  CbStore          *store;
  CbEngine         *engine;
  GPtrArray        *agent_ids;
  GPtrArray        *caller_ids;
  GStrv             zones;

  CbNewBatchSource  source;
  CbImportReport   *report;
  char             *source_error;
  GCancellable     *cancellable;
  gboolean          creating;

  AdwToastOverlay  *toasts;
  AdwEntryRow      *name_row;
  AdwComboRow      *agent_row;
  AdwComboRow      *caller_row;
  AdwActionRow     *file_row;
  GtkProgressBar   *progress;
  GtkButton        *cancel_import_button;
  GtkTextView      *typed_view;
  guint             typed_timeout;
  AdwPreferencesGroup *report_group;
  GtkWidget        *report_box;
  GtkSwitch        *skip_switch;
  GtkButton        *save_invalid_button;
  AdwPreferencesGroup *preview_group;
  GtkGrid          *preview_grid;
  GtkSwitch        *schedule_switch;
  GtkRevealer      *schedule_revealer;
  GtkCalendar      *calendar;
  AdwEntryRow      *time_row;
  AdwComboRow      *zone_row;
  GtkLabel         *schedule_problem;
  AdwExpanderRow   *window_row;
  GtkSpinButton    *window_start;
  GtkSpinButton    *window_end;
  GtkToggleButton  *day_buttons[7];
  GtkSwitch        *recipient_local;
  GtkSpinButton    *concurrency;
  GtkSpinButton    *retries;
  GtkButton        *primary_button;
  GtkButton        *draft_button;
};

G_DEFINE_FINAL_TYPE (CbNewBatchDialog, cb_new_batch_dialog, ADW_TYPE_WINDOW)

/* How long typing must pause before typed numbers are checked */
#define TYPED_CHECK_DELAY_MS 700

static void update (CbNewBatchDialog *self);

static void
toast (CbNewBatchDialog *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/* The state for the rules */

static const char *
selected_id (AdwComboRow *row,
             GPtrArray   *ids)
{
  guint i = adw_combo_row_get_selected (row);

  return i < ids->len ? g_ptr_array_index (ids, i) : NULL;
}

static const char *
selected_zone (CbNewBatchDialog *self)
{
  guint i = adw_combo_row_get_selected (self->zone_row);

  return self->zones != NULL && i < g_strv_length (self->zones) ? self->zones[i] : NULL;
}

void
cb_new_batch_dialog_get_state (CbNewBatchDialog *self,
                               CbNewBatchState  *state)
{
  g_autoptr(GDateTime) date = NULL;
  const char *zone;
  int hour = 0;
  int minute = 0;

  g_return_if_fail (CB_IS_NEW_BATCH_DIALOG (self));

  memset (state, 0, sizeof *state);
  state->name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  state->has_agent = selected_id (self->agent_row, self->agent_ids) != NULL;
  state->has_caller_id = selected_id (self->caller_row, self->caller_ids) != NULL;
  state->source = self->source;
  state->validating = self->cancellable != NULL;
  state->source_error = self->source_error != NULL;
  if (self->report != NULL)
    {
      state->rows_valid = cb_import_report_get_valid (self->report);
      state->rows_invalid = cb_import_report_get_invalid (self->report);
    }
  state->skip_invalid = gtk_switch_get_active (self->skip_switch);

  state->schedule_later = gtk_switch_get_active (self->schedule_switch);
  zone = selected_zone (self);
  state->zone_valid = zone != NULL;
  state->time_valid = cb_new_batch_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->time_row)),
                                               &hour, &minute);
  state->now = g_date_time_new_now_utc ();
  date = gtk_calendar_get_date (self->calendar);
  state->date_chosen = zone != NULL &&
                       cb_schedule_day_is_selectable (g_date_time_get_year (date),
                                                      g_date_time_get_month (date),
                                                      g_date_time_get_day_of_month (date),
                                                      zone, state->now);
  if (state->date_chosen && state->time_valid)
    state->scheduled_at = cb_schedule_local_to_utc (g_date_time_get_year (date),
                                                    g_date_time_get_month (date),
                                                    g_date_time_get_day_of_month (date),
                                                    hour, minute, zone, NULL);

  state->window_enabled = adw_expander_row_get_enable_expansion (self->window_row);
  state->window_start = (guint)gtk_spin_button_get_value_as_int (self->window_start) * 60;
  state->window_end = (guint)gtk_spin_button_get_value_as_int (self->window_end) * 60;
  for (guint i = 0; i < 7; i++)
    if (gtk_toggle_button_get_active (self->day_buttons[i]))
      state->window_days |= 1u << i;
  state->concurrency = gtk_spin_button_get_value_as_int (self->concurrency);
  state->max_retries = gtk_spin_button_get_value_as_int (self->retries);
}

static void
state_clear (CbNewBatchState *state)
{
  g_clear_pointer (&state->now, g_date_time_unref);
  g_clear_pointer (&state->scheduled_at, g_date_time_unref);
}

gboolean
cb_new_batch_dialog_is_busy (CbNewBatchDialog *self)
{
  g_return_val_if_fail (CB_IS_NEW_BATCH_DIALOG (self), FALSE);

  return self->cancellable != NULL || self->creating;
}

static void
update (CbNewBatchDialog *self)
{
  CbNewBatchState state;
  CbNewBatchVerdict verdict;

  cb_new_batch_dialog_get_state (self, &state);
  cb_new_batch_rules_evaluate (&state, &verdict);

  gtk_button_set_label (self->primary_button, verdict.primary_label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->primary_button),
                            verdict.primary_sensitive && !self->creating);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->primary_button), verdict.primary_tooltip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->draft_button),
                            verdict.draft_sensitive && !self->creating);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->draft_button),
                               verdict.draft_tooltip ? verdict.draft_tooltip
                               : _("Keep the batch to start it later"));
  gtk_label_set_label (self->schedule_problem,
                       verdict.schedule_problem ? verdict.schedule_problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->schedule_problem),
                          state.schedule_later && verdict.schedule_problem != NULL);

  cb_new_batch_verdict_clear (&verdict);
  state_clear (&state);
}

/* The validation report and the preview */

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_grid_remove (GTK_GRID (box), child);
    }
}

static void
show_report (CbNewBatchDialog *self)
{
  g_autofree char *summary = NULL;
  GtkWidget *row;
  GPtrArray *recipients;
  const char * const *variables;
  guint n_vars;

  clear_box (self->report_box);
  clear_box (GTK_WIDGET (self->preview_grid));

  gtk_widget_set_visible (GTK_WIDGET (self->report_group),
                          self->report != NULL || self->source_error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_group), self->report != NULL &&
                          cb_import_report_get_valid (self->report) > 0);

  if (self->source_error != NULL)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Could not read the recipients"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), self->source_error);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-error-symbolic"));
      gtk_widget_add_css_class (row, "error");
      gtk_list_box_append (GTK_LIST_BOX (self->report_box), row);
      gtk_widget_set_sensitive (GTK_WIDGET (self->skip_switch), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_invalid_button), FALSE);
      return;
    }

  if (self->report == NULL)
    return;

  summary = g_strdup_printf (_("%u of %u rows are valid"), cb_import_report_get_valid (self->report),
                             cb_import_report_get_rows (self->report));
  adw_preferences_group_set_description (self->report_group, summary);

  for (guint reason = 0; reason < CB_IMPORT_N_REASONS; reason++)
    {
      GArray *rows = cb_import_report_get_reason_rows (self->report, reason);
      g_autofree char *list = NULL;
      g_autofree char *subtitle = NULL;

      if (rows == NULL || rows->len == 0)
        continue;

      list = cb_new_batch_format_rows (self->source, (const guint *)rows->data, rows->len, 12);
      subtitle = self->source == CB_NEW_BATCH_SOURCE_TYPED
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Line %s", "Lines %s", rows->len), list)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Row %s", "Rows %s", rows->len), list);
      row = adw_action_row_new ();
      gtk_widget_set_name (row, cb_import_reason_to_string (reason));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_import_reason_message (reason));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      gtk_list_box_append (GTK_LIST_BOX (self->report_box), row);
    }

  if (cb_import_report_get_invalid (self->report) == 0)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Every row is valid"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("emblem-ok-symbolic"));
      gtk_list_box_append (GTK_LIST_BOX (self->report_box), row);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->skip_switch),
                            cb_import_report_get_invalid (self->report) > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_invalid_button),
                            cb_import_report_get_invalid (self->report) > 0);

  /* What the agent receives: the number and each column as a variable. */
  variables = cb_import_report_get_variables (self->report);
  n_vars = variables ? g_strv_length ((char **)variables) : 0;
  recipients = cb_import_report_get_recipients (self->report);
  for (guint c = 0; c <= n_vars; c++)
    {
      GtkWidget *heading = gtk_label_new (c == 0 ? _("Phone number") : variables[c - 1]);

      gtk_label_set_xalign (GTK_LABEL (heading), 0.f);
      gtk_widget_add_css_class (heading, "heading");
      gtk_grid_attach (self->preview_grid, heading, c, 0, 1, 1);
    }
  for (guint r = 0; recipients != NULL && r < recipients->len && r < PREVIEW_ROWS; r++)
    {
      CbImportRecipient *recipient = g_ptr_array_index (recipients, r);

      for (guint c = 0; c <= n_vars; c++)
        {
          GtkWidget *cell = gtk_label_new (c == 0 ? recipient->e164 : recipient->values[c - 1]);

          gtk_label_set_xalign (GTK_LABEL (cell), 0.f);
          gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
          if (c == 0)
            gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (self->preview_grid, cell, c, r + 1, 1, 1);
        }
    }
}

/* Reading a file or the typed numbers, in a thread */

typedef struct
{
  GFile  *file;
  GBytes *bytes;
  char   *display_name;
  char   *default_region;
  GStrv   allowed;
  GHashTable *suppressed;
  guint   max_rows;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->display_name);
  g_free (job->default_region);
  g_strfreev (job->allowed);
  g_clear_pointer (&job->suppressed, g_hash_table_unref);
  g_free (job);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  CbImportOptions options = { 0 };
  CbImportReport *report;
  GError *error = NULL;

  options.default_region = job->default_region;
  options.allowed_countries = (const char * const *)job->allowed;
  options.suppressed = job->suppressed;
  options.max_rows = job->max_rows;
  options.keep_recipients = TRUE;
  options.keep_invalid = TRUE;

  if (job->file != NULL)
    {
      g_autofree char *path = g_file_get_path (job->file);

      if (path != NULL)
        report = cb_import_file (path, &options, cancellable, &error);
      else
        {
          g_autoptr(GBytes) bytes = g_file_load_bytes (job->file, cancellable, NULL, &error);

          report = bytes ? cb_import_bytes (bytes, job->display_name, &options, cancellable, &error)
                         : NULL;
        }
    }
  else
    report = cb_import_bytes (job->bytes, job->display_name, &options, cancellable, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify)cb_import_report_unref);
}

static gboolean
pulse_cb (gpointer data)
{
  CbNewBatchDialog *self = data;

  gtk_progress_bar_pulse (self->progress);

  return G_SOURCE_CONTINUE;
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbNewBatchDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  CbImportReport *report;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  g_clear_handle_id ((guint *)g_object_get_data (G_OBJECT (result), "pulse"), g_source_remove);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      g_clear_pointer (&report, cb_import_report_unref);
      if (self->report == NULL)
        self->source = CB_NEW_BATCH_SOURCE_NONE;
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_import_button), FALSE);
      adw_action_row_set_subtitle (self->file_row, _("Reading cancelled"));
      update (self);
      return;
    }

  g_clear_object (&self->cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_import_button), FALSE);

  g_clear_pointer (&self->report, cb_import_report_unref);
  g_clear_pointer (&self->source_error, g_free);
  if (report == NULL)
    self->source_error = g_strdup (error->message);
  self->report = report;

  if (report != NULL && self->source == CB_NEW_BATCH_SOURCE_FILE)
    {
      g_autofree char *subtitle =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u row", "%s · %u rows",
                                      cb_import_report_get_rows (report)),
                         cb_import_report_get_file (report), cb_import_report_get_rows (report));
      adw_action_row_set_subtitle (self->file_row, subtitle);
    }

  show_report (self);
  update (self);
}

static void
start_import (CbNewBatchDialog *self,
              GFile            *file,
              GBytes           *bytes,
              const char       *display_name)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;
  ImportJob *job;
  guint *pulse;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  job = g_new0 (ImportJob, 1);
  job->file = file ? g_object_ref (file) : NULL;
  job->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  job->display_name = g_strdup (display_name);
  region = cb_store_get_setting (self->store, "default_region");
  job->default_region = region && *region ? g_steal_pointer (&region) : NULL;
  job->allowed = cb_store_dup_allowed_countries (self->store);
  job->suppressed = cb_store_dup_suppression_set (self->store, &error);
  if (job->suppressed == NULL)
    g_warning ("Could not read the do-not-call list: %s", error->message);

  self->source = file ? CB_NEW_BATCH_SOURCE_FILE : CB_NEW_BATCH_SOURCE_TYPED;
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->source_error, g_free);

  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_import_button), TRUE);
  if (file != NULL)
    adw_action_row_set_subtitle (self->file_row, display_name);

  task = g_task_new (NULL, self->cancellable, import_done_cb, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify)import_job_free);
  pulse = g_new0 (guint, 1);
  *pulse = g_timeout_add (100, pulse_cb, self);
  g_object_set_data_full (G_OBJECT (task), "pulse", pulse, g_free);
  g_task_run_in_thread (task, import_thread);

  update (self);
}

void
cb_new_batch_dialog_load_file (CbNewBatchDialog *self,
                               GFile            *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (CB_IS_NEW_BATCH_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  name = g_file_get_basename (file);
  start_import (self, file, NULL, name);
}

static void
cancel_import_cb (CbNewBatchDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
check_typed_cb (CbNewBatchDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->typed_view);
  GtkTextIter start;
  GtkTextIter end;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) csv = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  csv = cb_new_batch_typed_to_csv (text);
  adw_action_row_set_subtitle (self->file_row, _("CSV, XLSX or XLS, or drop a file here"));
  start_import (self, NULL, csv, _("Typed numbers"));
}

static gboolean
typed_idle_cb (gpointer data)
{
  CbNewBatchDialog *self = data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->typed_view);

  self->typed_timeout = 0;

  /* Typed numbers replace a file only once there is something typed. */
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    check_typed_cb (self);
  else if (self->source == CB_NEW_BATCH_SOURCE_TYPED)
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      g_clear_pointer (&self->report, cb_import_report_unref);
      g_clear_pointer (&self->source_error, g_free);
      self->source = CB_NEW_BATCH_SOURCE_NONE;
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_import_button), FALSE);
      show_report (self);
      update (self);
    }

  return G_SOURCE_REMOVE;
}

/* Typed numbers are checked on their own once typing pauses. */
static void
typed_changed_cb (CbNewBatchDialog *self)
{
  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  self->typed_timeout = g_timeout_add (TYPED_CHECK_DELAY_MS, typed_idle_cb, self);
}

/* File choosers */

static void
upload_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    CbNewBatchDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      cb_new_batch_dialog_load_file (self, file);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
upload_cb (CbNewBatchDialog *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (_("Upload Recipients"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Spreadsheets (CSV, XLSX, XLS)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_suffix (filter, "xls");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const names[] = { N_("CSV"), N_("Excel Workbook (XLSX)"),
                                             N_("Excel 97–2003 Workbook (XLS)") };
      static const char * const suffixes[] = { "csv", "xlsx", "xls" };

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(names[i]));
      gtk_file_filter_add_suffix (filter, suffixes[i]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }

  g_signal_connect (chooser, "response", G_CALLBACK (upload_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_response_cb (GtkNativeDialog  *chooser,
                  int               response,
                  CbNewBatchDialog *self)
{
  gboolean sample = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "sample"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (sample)
        {
          g_autoptr(GBytes) bytes =
            g_resources_lookup_data ("/io/github/callboard/Callboard/sample.csv", 0, &error);

          ok = bytes != NULL &&
               g_file_replace_contents (file, g_bytes_get_data (bytes, NULL),
                                        g_bytes_get_size (bytes), NULL, FALSE,
                                        G_FILE_CREATE_NONE, NULL, NULL, &error);
        }
      else
        ok = self->report != NULL && path != NULL &&
             cb_import_report_write_invalid_csv (self->report, path, &error);

      if (ok)
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          toast (self, text);
        }
      else
        toast (self, error ? error->message : _("Could not save the file"));
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
save_file (CbNewBatchDialog *self,
           const char       *title,
           const char       *name,
           gboolean          sample)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "sample", GINT_TO_POINTER (sample));
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
download_sample_cb (CbNewBatchDialog *self)
{
  save_file (self, _("Download Sample"), "callboard-sample.csv", TRUE);
}

static void
save_invalid_cb (CbNewBatchDialog *self)
{
  save_file (self, _("Save Invalid Rows"), _("invalid-rows.csv"), FALSE);
}

static gboolean
drop_cb (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         CbNewBatchDialog *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;

  cb_new_batch_dialog_load_file (self, g_value_get_object (value));

  return TRUE;
}

/* The schedule */

/* GtkCalendar's arrows are icons without a name: prev and next month, then prev and next year. */
static void
name_calendar_arrows (GtkCalendar *calendar)
{
  const char *names[] = {
    _("Previous month"), _("Next month"), _("Previous year"), _("Next year"),
  };
  static const char * const icons[] = {
    "pan-start-symbolic", "pan-end-symbolic", "pan-start-symbolic", "pan-end-symbolic",
  };
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (calendar));
  GtkWidget *arrows[G_N_ELEMENTS (names)];
  guint n_arrows = 0;

  for (GtkWidget *child = header ? gtk_widget_get_first_child (header) : NULL;
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_BUTTON (child))
        continue;
      if (n_arrows == G_N_ELEMENTS (arrows) ||
          g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), icons[n_arrows]) != 0)
        return;
      arrows[n_arrows++] = child;
    }

  for (guint i = 0; i < n_arrows; i++)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (arrows[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, names[i],
                                      -1);
      gtk_widget_set_tooltip_text (arrows[i], names[i]);
    }
}

static void
mark_selectable_days (CbNewBatchDialog *self)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (self->calendar);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *zone = selected_zone (self);
  int year = g_date_time_get_year (shown);
  int month = g_date_time_get_month (shown);

  gtk_calendar_clear_marks (self->calendar);
  if (zone == NULL)
    return;

  for (int day = 1; day <= g_date_get_days_in_month (month, year); day++)
    if (cb_schedule_day_is_selectable (year, month, day, zone, now))
      gtk_calendar_mark_day (self->calendar, day);
}

static void
schedule_changed_cb (CbNewBatchDialog *self)
{
  gtk_revealer_set_reveal_child (self->schedule_revealer,
                                 gtk_switch_get_active (self->schedule_switch));
  mark_selectable_days (self);
  update (self);
}

/* Creating the batch */

typedef struct
{
  CbBatchParams  params;
  char          *name;
  char          *agent_id;
  char          *phone_number_id;
  char          *timezone;
  char          *call_window;
  CbNewBatchAction action;
  gboolean       draft;
  GDateTime     *scheduled_at;
} CreateJob;

static void
create_job_free (CreateJob *job)
{
  g_free (job->name);
  g_free (job->agent_id);
  g_free (job->phone_number_id);
  g_free (job->timezone);
  g_free (job->call_window);
  g_clear_pointer (&job->scheduled_at, g_date_time_unref);
  g_free (job);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CbNewBatchDialog *self = source_object;
  CreateJob *job = task_data;
  GError *error = NULL;
  CbBatch *batch;

  batch = cb_store_create_batch (self->store, &job->params, self->report, &error);
  if (batch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, batch, g_object_unref);
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CbNewBatchDialog *self = CB_NEW_BATCH_DIALOG (object);
  CreateJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autofree char *message = NULL;
  gboolean ok = TRUE;

  self->creating = FALSE;

  if (!(batch = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      toast (self, error->message);
      update (self);
      return;
    }

  if (!job->draft)
    {
      if (self->engine == NULL)
        {
          g_set_error_literal (&error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_FAILED,
                               _("The batch was saved as a draft: the engine is not running"));
          ok = FALSE;
        }
      else if (job->action == CB_NEW_BATCH_ACTION_SCHEDULE)
        ok = cb_engine_schedule_batch (self->engine, cb_batch_get_id (batch), job->scheduled_at,
                                       &error);
      else
        ok = cb_engine_start_batch (self->engine, cb_batch_get_id (batch), &error);
    }

  if (!ok)
    message = g_strdup (error->message);
  else if (job->draft)
    message = g_strdup_printf (_("“%s” saved as a draft"), cb_batch_get_name (batch));
  else if (job->action == CB_NEW_BATCH_ACTION_SCHEDULE)
    message = g_strdup_printf (_("“%s” is scheduled"), cb_batch_get_name (batch));
  else
    message = g_strdup_printf (_("“%s” has started"), cb_batch_get_name (batch));

  if (CB_IS_WINDOW (parent))
    {
      cb_window_reload (CB_WINDOW (parent));
      cb_window_open_batch (CB_WINDOW (parent), cb_batch_get_id (batch), NULL);
      cb_window_add_toast (CB_WINDOW (parent), adw_toast_new (message));
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
create (CbNewBatchDialog *self,
        gboolean          draft)
{
  g_autoptr(GTask) task = NULL;
  CbNewBatchState state;
  CbNewBatchVerdict verdict;
  CreateJob *job;

  cb_new_batch_dialog_get_state (self, &state);
  cb_new_batch_rules_evaluate (&state, &verdict);
  if (draft ? !verdict.draft_sensitive : !verdict.primary_sensitive)
    {
      cb_new_batch_verdict_clear (&verdict);
      state_clear (&state);
      return;
    }

  job = g_new0 (CreateJob, 1);
  job->name = g_strstrip (g_strdup (state.name));
  job->agent_id = g_strdup (selected_id (self->agent_row, self->agent_ids));
  job->phone_number_id = g_strdup (selected_id (self->caller_row, self->caller_ids));
  job->timezone = g_strdup (selected_zone (self));
  job->call_window = cb_new_batch_call_window (&state,
                                               gtk_switch_get_active (self->recipient_local));
  job->action = verdict.action;
  job->draft = draft;
  job->scheduled_at = state.scheduled_at ? g_date_time_ref (state.scheduled_at) : NULL;
  job->params.name = job->name;
  job->params.agent_id = job->agent_id;
  job->params.phone_number_id = job->phone_number_id;
  job->params.timezone = job->timezone;
  job->params.max_retries = state.max_retries;
  job->params.retry_delay_s = -1;
  job->params.concurrency = state.concurrency;
  job->params.call_window = job->call_window;

  cb_new_batch_verdict_clear (&verdict);
  state_clear (&state);

  self->creating = TRUE;
  update (self);

  task = g_task_new (self, NULL, create_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)create_job_free);
  g_task_run_in_thread (task, create_thread);
}

static void
primary_cb (CbNewBatchDialog *self)
{
  create (self, FALSE);
}

static void
draft_cb (CbNewBatchDialog *self)
{
  create (self, TRUE);
}

/* Building the form */

static GtkStringList *
list_agents (CbNewBatchDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) agents = NULL;
  GtkStringList *names = gtk_string_list_new (NULL);

  if (!(agents = cb_store_list_agents (self->store, &error)))
    {
      toast (self, error->message);
      return names;
    }

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr(CbAgent) agent = g_list_model_get_item (agents, i);

      g_ptr_array_add (self->agent_ids, g_strdup (cb_agent_get_id (agent)));
      gtk_string_list_append (names, cb_agent_get_name (agent));
    }

  return names;
}

static GtkStringList *
list_caller_ids (CbNewBatchDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) numbers = NULL;
  GtkStringList *names = gtk_string_list_new (NULL);

  if (!(numbers = cb_store_list_phone_numbers (self->store, &error)))
    {
      toast (self, error->message);
      return names;
    }

  for (guint i = 0; i < g_list_model_get_n_items (numbers); i++)
    {
      g_autoptr(CbPhoneNumber) number = g_list_model_get_item (numbers, i);
      const char *label = cb_phone_number_get_label (number);
      g_autofree char *text = label && *label
        ? g_strdup_printf ("%s (%s)", cb_phone_number_get_number (number), label)
        : g_strdup (cb_phone_number_get_number (number));

      g_ptr_array_add (self->caller_ids, g_strdup (cb_phone_number_get_id (number)));
      gtk_string_list_append (names, text);
    }

  return names;
}

static GStrv
load_zones (const char *local)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_strv_builder_add (builder, local);
  if (g_strcmp0 (local, "UTC") != 0)
    g_strv_builder_add (builder, "UTC");

  if (g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &contents, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = NULL;

          if (lines[i][0] == '#' || lines[i][0] == '\0')
            continue;
          fields = g_strsplit (lines[i], "\t", 4);
          if (g_strv_length (fields) >= 3 && g_strcmp0 (fields[2], local) != 0)
            g_ptr_array_add (names, g_strdup (fields[2]));
        }
    }

  g_ptr_array_sort (names, (GCompareFunc)(void (*)(void))g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (names, i));

  return g_strv_builder_end (builder);
}

static void
cb_new_batch_dialog_dispose (GObject *object)
{
  CbNewBatchDialog *self = (CbNewBatchDialog *)object;

  g_clear_handle_id (&self->typed_timeout, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->report, cb_import_report_unref);
  g_clear_pointer (&self->source_error, g_free);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_NEW_BATCH_DIALOG);

  G_OBJECT_CLASS (cb_new_batch_dialog_parent_class)->dispose (object);
}

static void
cb_new_batch_dialog_finalize (GObject *object)
{
  CbNewBatchDialog *self = (CbNewBatchDialog *)object;

  g_clear_pointer (&self->agent_ids, g_ptr_array_unref);
  g_clear_pointer (&self->caller_ids, g_ptr_array_unref);
  g_clear_pointer (&self->zones, g_strfreev);

  G_OBJECT_CLASS (cb_new_batch_dialog_parent_class)->finalize (object);
}

static void
cb_new_batch_dialog_class_init (CbNewBatchDialogClass *klass)
{
  static const char * const day_ids[] = {
    "day_mon", "day_tue", "day_wed", "day_thu", "day_fri", "day_sat", "day_sun",
  };
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_STATIC_ASSERT (G_N_ELEMENTS (day_ids) ==
                   G_N_ELEMENTS (((CbNewBatchDialog *)NULL)->day_buttons));

  object_class->dispose = cb_new_batch_dialog_dispose;
  object_class->finalize = cb_new_batch_dialog_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/callboard/Callboard/cb-new-batch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, agent_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, caller_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, cancel_import_button);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, typed_view);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, report_group);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, report_box);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, skip_switch);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, save_invalid_button);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, preview_group);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, schedule_switch);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, schedule_revealer);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, time_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, zone_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, schedule_problem);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, window_row);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, window_start);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, window_end);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, recipient_local);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, concurrency);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, retries);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, primary_button);
  gtk_widget_class_bind_template_child (widget_class, CbNewBatchDialog, draft_button);
  for (guint i = 0; i < G_N_ELEMENTS (day_ids); i++)
    gtk_widget_class_bind_template_child_full (widget_class, day_ids[i], FALSE,
                                               G_STRUCT_OFFSET (CbNewBatchDialog, day_buttons) +
                                               i * sizeof (GtkToggleButton *));

  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, primary_cb);
  gtk_widget_class_bind_template_callback (widget_class, draft_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_import_cb);
  gtk_widget_class_bind_template_callback (widget_class, download_sample_cb);
  gtk_widget_class_bind_template_callback (widget_class, upload_cb);
  gtk_widget_class_bind_template_callback (widget_class, typed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_typed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_invalid_cb);
  gtk_widget_class_bind_template_callback (widget_class, schedule_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mark_selectable_days);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_new_batch_dialog_init (CbNewBatchDialog *self)
{
  g_autoptr(GTimeZone) local_tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GtkStringList) zone_names = NULL;
  const char *local_zone = g_time_zone_get_identifier (local_tz);
  CbSettings *settings = cb_settings_get_default ();
  GtkDropTarget *drop;

  /* The template's handlers read these. */
  self->agent_ids = g_ptr_array_new_with_free_func (g_free);
  self->caller_ids = g_ptr_array_new_with_free_func (g_free);
  self->zones = load_zones (local_zone ? local_zone : "UTC");

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_page_name_mnemonic_buttons (GTK_WIDGET (self));

  zone_names = gtk_string_list_new ((const char * const *)self->zones);
  adw_combo_row_set_model (self->zone_row, G_LIST_MODEL (zone_names));
  gtk_calendar_select_day (self->calendar, tomorrow);
  name_calendar_arrows (self->calendar);

  /* The batch defaults from the preferences. */
  adw_expander_row_set_enable_expansion (self->window_row,
                                         cb_settings_get_window_enabled (settings));
  gtk_spin_button_set_value (self->window_start, cb_settings_get_window_start_hour (settings));
  gtk_spin_button_set_value (self->window_end, cb_settings_get_window_end_hour (settings));
  for (guint i = 0; i < G_N_ELEMENTS (self->day_buttons); i++)
    gtk_toggle_button_set_active (self->day_buttons[i],
                                  (cb_settings_get_window_days (settings) & (1u << i)) != 0);
  gtk_switch_set_active (self->recipient_local, cb_settings_get_window_recipient_local (settings));
  gtk_spin_button_set_value (self->concurrency, cb_settings_get_default_concurrency (settings));
  gtk_spin_button_set_value (self->retries, cb_settings_get_default_max_retries (settings));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

GtkWidget *
cb_new_batch_dialog_new (GtkWindow *parent,
                         CbStore   *store,
                         CbEngine  *engine)
{
  CbNewBatchDialog *self;
  g_autoptr(GtkStringList) agent_names = NULL;
  g_autoptr(GtkStringList) caller_names = NULL;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  self = g_object_new (CB_TYPE_NEW_BATCH_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;

  agent_names = list_agents (self);
  adw_combo_row_set_model (self->agent_row, G_LIST_MODEL (agent_names));
  caller_names = list_caller_ids (self);
  adw_combo_row_set_model (self->caller_row, G_LIST_MODEL (caller_names));

  mark_selectable_days (self);
  update (self);

  return GTK_WIDGET (self);
}
