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

static GtkWidget *
suffix_switch (AdwActionRow *row)
{
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (row, sw);
  adw_action_row_set_activatable_widget (row, sw);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1);

  return sw;
}

static GtkSpinButton *
spin_row (AdwPreferencesGroup *group,
          AdwExpanderRow      *expander,
          const char          *title,
          const char          *subtitle,
          double               min,
          double               max,
          double               value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  if (expander != NULL)
    adw_expander_row_add_row (expander, row);
  else
    adw_preferences_group_add (group, row);

  return GTK_SPIN_BUTTON (spin);
}

static GtkWidget *
flat_button (const char *label,
             const char *tooltip,
             GCallback   callback,
             gpointer    self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_signal_connect_swapped (button, "clicked", callback, self);

  return button;
}

static AdwComboRow *
combo_row (AdwPreferencesGroup *group,
           const char          *title,
           GtkStringList       *names)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  adw_preferences_group_add (group, row);
  g_object_unref (names);

  return ADW_COMBO_ROW (row);
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
build (CbNewBatchDialog *self)
{
  static const char * const day_labels[] = {
    N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) agents = NULL;
  g_autoptr(GListModel) numbers = NULL;
  g_autoptr(GTimeZone) local_tz = g_time_zone_new_local ();
  const char *local_zone = g_time_zone_get_identifier (local_tz);
  CbSettings *settings = cb_settings_get_default ();
  GtkStringList *names;
  GtkWidget *toolbar;
  GtkWidget *header;
  GtkWidget *cancel;
  GtkWidget *page;
  AdwPreferencesGroup *group;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *scrolled;
  GtkDropTarget *drop;
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GtkStringList *zone_names;

  gtk_window_set_title (GTK_WINDOW (self), _("New Batch"));
  gtk_window_set_default_size (GTK_WINDOW (self), 720, 760);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->primary_button = GTK_BUTTON (gtk_button_new_with_label (_("Start Batch")));
  gtk_widget_set_name (GTK_WIDGET (self->primary_button), "new-batch-primary");
  gtk_widget_add_css_class (GTK_WIDGET (self->primary_button), "suggested-action");
  g_signal_connect_swapped (self->primary_button, "clicked", G_CALLBACK (primary_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->primary_button));
  self->draft_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Save as _Draft")));
  gtk_widget_set_name (GTK_WIDGET (self->draft_button), "new-batch-draft");
  g_signal_connect_swapped (self->draft_button, "clicked", G_CALLBACK (draft_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->draft_button));
  gtk_box_append (GTK_BOX (toolbar), header);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->toasts), TRUE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->toasts));
  page = adw_preferences_page_new ();
  adw_toast_overlay_set_child (self->toasts, page);
  adw_window_set_content (ADW_WINDOW (self), toolbar);

  /* Name, agent, caller ID */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
  self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->name_row), "batch-name");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Batch name"));
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (update), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->name_row));

  self->agent_ids = g_ptr_array_new_with_free_func (g_free);
  names = gtk_string_list_new (NULL);
  if ((agents = cb_store_list_agents (self->store, &error)))
    for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
      {
        g_autoptr(CbAgent) agent = g_list_model_get_item (agents, i);

        g_ptr_array_add (self->agent_ids, g_strdup (cb_agent_get_id (agent)));
        gtk_string_list_append (names, cb_agent_get_name (agent));
      }
  self->agent_row = combo_row (group, _("Agent"), names);
  gtk_widget_set_name (GTK_WIDGET (self->agent_row), "batch-agent");
  g_signal_connect_swapped (self->agent_row, "notify::selected", G_CALLBACK (update), self);

  self->caller_ids = g_ptr_array_new_with_free_func (g_free);
  names = gtk_string_list_new (NULL);
  g_clear_error (&error);
  if ((numbers = cb_store_list_phone_numbers (self->store, &error)))
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
  self->caller_row = combo_row (group, _("Caller ID"), names);
  g_signal_connect_swapped (self->caller_row, "notify::selected", G_CALLBACK (update), self);

  /* Recipients */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Recipients"));
  adw_preferences_group_set_description (group,
    _("A header row, a phone column (phone, phone_number, to_number or number), and any "
      "other columns: each becomes a variable the agent receives."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
  self->file_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), _("Upload file"));
  adw_action_row_set_subtitle (self->file_row, _("CSV, XLSX or XLS, or drop a file here"));
  adw_action_row_add_prefix (self->file_row, gtk_image_new_from_icon_name ("document-open-symbolic"));
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reading the recipients"), -1);
  adw_action_row_add_suffix (self->file_row, GTK_WIDGET (self->progress));
  self->cancel_import_button = GTK_BUTTON (flat_button (_("Stop"), _("Stop reading the file"),
                                                       G_CALLBACK (cancel_import_cb), self));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_import_button), FALSE);
  adw_action_row_add_suffix (self->file_row, GTK_WIDGET (self->cancel_import_button));
  row = flat_button (_("Download _Sample"), _("Save a sample CSV with the expected columns"),
                     G_CALLBACK (download_sample_cb), self);
  gtk_widget_add_css_class (row, "flat");
  adw_action_row_add_suffix (self->file_row, row);
  row = flat_button (_("_Choose File…"), _("Upload a CSV, XLSX or XLS file"),
                     G_CALLBACK (upload_cb), self);
  gtk_widget_set_name (row, "upload-file");
  adw_action_row_add_suffix (self->file_row, row);
  adw_preferences_group_add (group, GTK_WIDGET (self->file_row));

  row = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Type numbers"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), _("One phone number per line"));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_size_request (scrolled, -1, 100);
  gtk_widget_add_css_class (scrolled, "card");
  self->typed_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_monospace (self->typed_view, TRUE);
  gtk_text_view_set_top_margin (self->typed_view, 6);
  gtk_text_view_set_left_margin (self->typed_view, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->typed_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Phone numbers, one per line"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->typed_view));
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->typed_view), "changed",
                            G_CALLBACK (typed_changed_cb), self);
  gtk_box_append (GTK_BOX (box), scrolled);
  {
    GtkWidget *check = flat_button (_("C_heck Numbers"), _("Use these numbers as the recipients"),
                                    G_CALLBACK (check_typed_cb), self);

    gtk_widget_set_name (check, "check-numbers");
    gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Check Numbers"), -1);
    gtk_widget_set_halign (check, GTK_ALIGN_END);
    gtk_box_append (GTK_BOX (box), check);
  }
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), box);
  adw_preferences_group_add (group, row);

  /* Validation report */
  self->report_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->report_group, _("Validation"));
  gtk_widget_set_name (GTK_WIDGET (self->report_group), "validation-report");
  gtk_widget_set_visible (GTK_WIDGET (self->report_group), FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->report_group);
  self->report_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->report_box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->report_box, "boxed-list");
  adw_preferences_group_add (self->report_group, self->report_box);
  box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "boxed-list");
  gtk_widget_set_margin_top (box, 12);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Skip invalid rows"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Create the batch from the valid rows only"));
  self->skip_switch = GTK_SWITCH (suffix_switch (ADW_ACTION_ROW (row)));
  gtk_widget_set_name (GTK_WIDGET (self->skip_switch), "skip-invalid");
  g_signal_connect_swapped (self->skip_switch, "notify::active", G_CALLBACK (update), self);
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Fix them in a spreadsheet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("The invalid rows with their row number and reason"));
  self->save_invalid_button = GTK_BUTTON (flat_button (_("Save _Invalid Rows…"),
                                                      _("Save the invalid rows as a CSV file"),
                                                      G_CALLBACK (save_invalid_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->save_invalid_button));
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  adw_preferences_group_add (self->report_group, box);

  /* Preview */
  self->preview_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->preview_group, _("What the Agent Receives"));
  adw_preferences_group_set_description (self->preview_group,
                                         _("The first recipients and their variables"));
  gtk_widget_set_visible (GTK_WIDGET (self->preview_group), FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->preview_group);
  self->preview_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->preview_grid, 24);
  gtk_grid_set_row_spacing (self->preview_grid, 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->preview_grid), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self->preview_grid), "preview-grid");
  adw_preferences_group_add (self->preview_group, GTK_WIDGET (self->preview_grid));

  /* Schedule */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("When to Call"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Schedule for later"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Up to 30 days ahead; otherwise calls start now"));
  self->schedule_switch = GTK_SWITCH (suffix_switch (ADW_ACTION_ROW (row)));
  gtk_widget_set_name (GTK_WIDGET (self->schedule_switch), "schedule-later");
  g_signal_connect_swapped (self->schedule_switch, "notify::active",
                            G_CALLBACK (schedule_changed_cb), self);
  adw_preferences_group_add (group, row);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 12);
  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_widget_set_name (GTK_WIDGET (self->calendar), "schedule-calendar");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->calendar),
                               _("Days in bold can be picked: from today up to 30 days ahead"));
  gtk_widget_add_css_class (GTK_WIDGET (self->calendar), "card");
  tomorrow = g_date_time_add_days (now, 1);
  gtk_calendar_select_day (self->calendar, tomorrow);
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->calendar, "next-month", G_CALLBACK (mark_selectable_days), self);
  g_signal_connect_swapped (self->calendar, "prev-month", G_CALLBACK (mark_selectable_days), self);
  g_signal_connect_swapped (self->calendar, "next-year", G_CALLBACK (mark_selectable_days), self);
  g_signal_connect_swapped (self->calendar, "prev-year", G_CALLBACK (mark_selectable_days), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->calendar));
  {
    GtkWidget *list = gtk_list_box_new ();

    gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
    gtk_widget_add_css_class (list, "boxed-list");
    self->time_row = ADW_ENTRY_ROW (adw_entry_row_new ());
    gtk_widget_set_name (GTK_WIDGET (self->time_row), "schedule-time");
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->time_row), _("Time"));
    gtk_editable_set_text (GTK_EDITABLE (self->time_row), "09:00");
    g_signal_connect_swapped (self->time_row, "changed", G_CALLBACK (update), self);
    gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->time_row));
    self->zones = load_zones (local_zone ? local_zone : "UTC");
    zone_names = gtk_string_list_new ((const char * const *)self->zones);
    self->zone_row = ADW_COMBO_ROW (adw_combo_row_new ());
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->zone_row), _("Time zone"));
    adw_combo_row_set_model (self->zone_row, G_LIST_MODEL (zone_names));
    g_object_unref (zone_names);
    g_signal_connect_swapped (self->zone_row, "notify::selected",
                              G_CALLBACK (schedule_changed_cb), self);
    gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->zone_row));
    gtk_box_append (GTK_BOX (box), list);
  }
  self->schedule_problem = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->schedule_problem), "schedule-problem");
  gtk_label_set_xalign (self->schedule_problem, 0.f);
  gtk_widget_add_css_class (GTK_WIDGET (self->schedule_problem), "error");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->schedule_problem));
  self->schedule_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->schedule_revealer, box);
  adw_preferences_group_add (group, GTK_WIDGET (self->schedule_revealer));

  /* Advanced */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Advanced"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
  self->window_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->window_row), _("Calling window"));
  adw_expander_row_set_subtitle (self->window_row, _("Call only on these days and hours"));
  adw_expander_row_set_show_enable_switch (self->window_row, TRUE);
  adw_expander_row_set_enable_expansion (self->window_row,
                                         cb_settings_get_window_enabled (settings));
  g_signal_connect_swapped (self->window_row, "notify::enable-expansion", G_CALLBACK (update), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->window_row));
  self->window_start = spin_row (group, self->window_row, _("From hour"), NULL, 0, 23,
                                cb_settings_get_window_start_hour (settings));
  self->window_end = spin_row (group, self->window_row, _("Until hour"), NULL, 1, 24,
                              cb_settings_get_window_end_hour (settings));
  g_signal_connect_swapped (self->window_start, "value-changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->window_end, "value-changed", G_CALLBACK (update), self);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Days"));
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (guint i = 0; i < 7; i++)
    {
      self->day_buttons[i] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_(day_labels[i])));
      gtk_toggle_button_set_active (self->day_buttons[i],
                                    (cb_settings_get_window_days (settings) & (1u << i)) != 0);
      g_signal_connect_swapped (self->day_buttons[i], "toggled", G_CALLBACK (update), self);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->day_buttons[i]));
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_expander_row_add_row (self->window_row, row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Recipient’s local time"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Hours in each recipient’s time zone, from their number"));
  self->recipient_local = GTK_SWITCH (suffix_switch (ADW_ACTION_ROW (row)));
  gtk_switch_set_active (self->recipient_local, cb_settings_get_window_recipient_local (settings));
  adw_expander_row_add_row (self->window_row, row);
  self->concurrency = spin_row (group, NULL, _("Concurrent calls"),
                                _("How many calls may be in progress at once"), 1, 100,
                                cb_settings_get_default_concurrency (settings));
  self->retries = spin_row (group, NULL, _("Retries"),
                            _("Tries again after busy, no answer or voicemail"), 0, 10,
                            cb_settings_get_default_max_retries (settings));
  gtk_widget_set_name (GTK_WIDGET (self->retries), "batch-retries");
  g_signal_connect_swapped (self->concurrency, "value-changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->retries, "value-changed", G_CALLBACK (update), self);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
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
  g_clear_pointer (&self->agent_ids, g_ptr_array_unref);
  g_clear_pointer (&self->caller_ids, g_ptr_array_unref);
  g_clear_pointer (&self->zones, g_strfreev);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_new_batch_dialog_parent_class)->dispose (object);
}

static void
cb_new_batch_dialog_class_init (CbNewBatchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_new_batch_dialog_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_new_batch_dialog_init (CbNewBatchDialog *self)
{
}

GtkWidget *
cb_new_batch_dialog_new (GtkWindow *parent,
                         CbStore   *store,
                         CbEngine  *engine)
{
  CbNewBatchDialog *self;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  self = g_object_new (CB_TYPE_NEW_BATCH_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;
  build (self);
  mark_selectable_days (self);
  update (self);

  return GTK_WIDGET (self);
}
