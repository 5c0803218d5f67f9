/* cb-suppressions-page.c — the do-not-call list
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-suppressions-page.h"

#include <glib/gi18n.h>
#include <string.h>

struct _CbSuppressionsPage
{
  CbPage          parent_instance;

  GtkCustomFilter *filter;
  GCancellable    *cancellable;

  GtkStack        *stack;
  GtkLabel        *count_label;
  GtkListBox      *list_box;
  GtkSearchEntry  *search_entry;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_status;
  AdwStatusPage   *no_match_status;
};

G_DEFINE_FINAL_TYPE (CbSuppressionsPage, cb_suppressions_page, CB_TYPE_PAGE)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbSuppression *suppression = item;
  const char *note;
  GDateTime *created_at;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  g_assert (CB_IS_SUPPRESSION (suppression));

  note = cb_suppression_get_note (suppression);
  created_at = cb_suppression_get_created_at (suppression);

  if (note != NULL && note[0] != '\0')
    subtitle = g_strdup (note);
  else if (created_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (created_at);
      /* Translators: the date a number was put on the do-not-call list, "24 Nov 2026" */
      g_autofree char *date = g_date_time_format (local, C_("blocked date", "%-d %b %Y"));

      /* Translators: %s is a date, "24 Nov 2026" */
      subtitle = g_strdup_printf (_("Blocked since %s"), date);
    }

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_suppression_get_number (suppression));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, cb_suppression_get_number (suppression));
  cb_page_add_row_buttons (ADW_ACTION_ROW (row), cb_suppression_get_number (suppression),
                           cb_suppression_get_number (suppression), NULL, "suppressions.remove");

  return row;
}

/* Digits typed with or without "+", spaces or dashes match the number; any other text
 * matches the note, case-insensitively. */
static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  CbSuppressionsPage *self = user_data;
  CbSuppression *suppression = item;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const char *note = cb_suppression_get_note (suppression);
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_autofree char *folded_note = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  if (digits->len > 0 && strstr (cb_suppression_get_number (suppression), digits->str) != NULL)
    return TRUE;

  if (note == NULL)
    return FALSE;

  folded = g_utf8_casefold (text, -1);
  folded_note = g_utf8_casefold (note, -1);

  return strstr (folded_note, folded) != NULL;
}

static void
update_state (CbSuppressionsPage *self,
              GListModel         *all)
{
  if (all != NULL && g_list_model_get_n_items (all) == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
search_changed_cb (CbSuppressionsPage *self)
{
  g_autofree char *description = NULL;

  g_assert (CB_IS_SUPPRESSIONS_PAGE (self));

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);

  /* Translators: %s is what was typed in the search entry */
  description = g_strdup_printf (_("No blocked number or note matches “%s”."),
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  adw_status_page_set_description (self->no_match_status, description);
}

static gboolean
cb_suppressions_page_reload (CbPage   *page,
                             CbStore  *store,
                             GError  **error)
{
  CbSuppressionsPage *self = CB_SUPPRESSIONS_PAGE (page);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) suppressions = NULL;
  g_autoptr(GtkFilterListModel) filtered = NULL;
  g_autofree char *count = NULL;
  guint n_suppressions;

  if (!(suppressions = cb_store_list_suppressions (store, &local_error)))
    {
      cb_page_show_error (page, self->stack, self->error_status, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  n_suppressions = g_list_model_get_n_items (suppressions);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u Blocked Number", "%u Blocked Numbers", n_suppressions),
                           n_suppressions);
  gtk_label_set_label (self->count_label, count);

  filtered = gtk_filter_list_model_new (g_object_ref (suppressions),
                                        g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (filtered), create_row, self, NULL);
  update_state (self, suppressions);

  return TRUE;
}

/* Import */

typedef struct
{
  CbStore        *store;
  char           *path;
  CbImportReport *report;
  guint           added;
  guint           already_listed;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->store);
  g_free (job->path);
  g_clear_pointer (&job->report, cb_import_report_unref);
  g_free (job);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(GHashTable) listed = NULL;
  g_autofree char *region = NULL;
  CbImportOptions options = { 0 };
  GError *error = NULL;
  GPtrArray *recipients;

  region = cb_store_get_setting (job->store, "default_region");
  if (region != NULL && *g_strstrip (region) != '\0')
    options.default_region = region;
  options.keep_recipients = TRUE;

  if (!(listed = cb_store_dup_suppression_set (job->store, &error)) ||
      !(job->report = cb_import_file (job->path, &options, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  recipients = cb_import_report_get_recipients (job->report);
  for (guint i = 0; i < recipients->len; i++)
    {
      CbImportRecipient *recipient = g_ptr_array_index (recipients, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }

      if (g_hash_table_contains (listed, recipient->e164))
        {
          job->already_listed++;
          continue;
        }

      if (!cb_store_add_suppression (job->store, recipient->e164, NULL, &error))
        {
          g_prefix_error (&error, _("Row %u: "), recipient->row);
          g_task_return_error (task, error);
          return;
        }
      job->added++;
    }

  g_task_return_boolean (task, TRUE);
}

char *
cb_suppressions_import_summary (guint           added,
                                guint           already_listed,
                                CbImportReport *report)
{
  static const CbImportReason reasons[] = {
    CB_IMPORT_REASON_MISSING_PHONE,
    CB_IMPORT_REASON_INVALID_PHONE_NUMBER,
    CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED,
    CB_IMPORT_REASON_DUPLICATE,
    CB_IMPORT_REASON_SUPPRESSED,
  };
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);

  g_string_append_printf (out,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Added %u number to the do-not-call list.",
                                       "Added %u numbers to the do-not-call list.",
                                       added),
                          added);
  if (already_listed > 0)
    {
      g_string_append_c (out, ' ');
      g_string_append_printf (out,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u was already on it.",
                                           "%u were already on it.",
                                           already_listed),
                              already_listed);
    }

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      GArray *rows = cb_import_report_get_reason_rows (report, reasons[i]);
      g_autoptr(GString) list = NULL;

      if (rows == NULL || rows->len == 0)
        continue;

      list = g_string_new (NULL);
      for (guint j = 0; j < rows->len; j++)
        g_string_append_printf (list, "%s%u", j > 0 ? ", " : "", g_array_index (rows, guint, j));

      g_string_append_c (out, '\n');
      g_string_append_printf (out,
                              /* Translators: a reason, then the spreadsheet rows that failed
                               * for it: "Not a valid phone number: rows 3, 7" */
                              g_dngettext (GETTEXT_PACKAGE, "%s: row %s", "%s: rows %s",
                                           rows->len),
                              cb_import_reason_message (reasons[i]), list->str);
    }

  return g_string_free (out, FALSE);
}

static void
set_busy (CbSuppressionsPage *self,
          gboolean            busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "suppressions.import", !busy);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbSuppressionsPage) self = user_data;
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  AdwMessageDialog *dialog;
  GtkRoot *root;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  cb_page_reload (CB_PAGE (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CANCELLED))
        return;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                                : NULL,
                                                           _("Could Not Import the File"),
                                                           error->message));
    }
  else if (cb_import_report_get_invalid (job->report) == 0)
    {
      summary = cb_suppressions_import_summary (job->added, job->already_listed, job->report);
      cb_page_toast (CB_PAGE (self), summary);
      return;
    }
  else
    {
      summary = cb_suppressions_import_summary (job->added, job->already_listed, job->report);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                                : NULL,
                                                           _("Some Rows Were Not Imported"),
                                                           summary));
    }

  gtk_widget_set_name (GTK_WIDGET (dialog), "import-report");
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cb_suppressions_page_import_file (CbSuppressionsPage *self,
                                  GFile              *file)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  g_return_if_fail (CB_IS_SUPPRESSIONS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->cancellable == NULL);

  if (cb_page_get_store (CB_PAGE (self)) == NULL)
    return;

  if (g_file_peek_path (file) == NULL)
    {
      cb_page_toast (CB_PAGE (self), _("Only files on this computer can be imported."));
      return;
    }

  job = g_new0 (ImportJob, 1);
  job->store = g_object_ref (cb_page_get_store (CB_PAGE (self)));
  job->path = g_file_get_path (file);

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);

  task = g_task_new (NULL, self->cancellable, import_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, cb_suppressions_page_import_file);
  g_task_set_task_data (task, job, (GDestroyNotify)import_job_free);
  g_task_run_in_thread (task, import_thread);
}

gboolean
cb_suppressions_page_is_busy (CbSuppressionsPage *self)
{
  g_return_val_if_fail (CB_IS_SUPPRESSIONS_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

static void
chooser_response_cb (GtkNativeDialog    *chooser,
                     int                 response,
                     CbSuppressionsPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    cb_suppressions_page_import_file (self, file);

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

/* Actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  cb_page_open_editor (CB_PAGE (widget), CB_CATALOG_KIND_SUPPRESSION, NULL);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbSuppressionsPage *self = CB_SUPPRESSIONS_PAGE (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;
  GtkRoot *root = gtk_widget_get_root (widget);

  chooser = gtk_file_chooser_native_new (_("Import Numbers to Block"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Spreadsheets (CSV, XLSX, XLS)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_suffix (filter, "xls");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  const char *number = g_variant_get_string (param, NULL);
  g_autofree char *body = NULL;

  /* Translators: %s is a phone number */
  body = g_strdup_printf (_("Batches will call %s again if it is in their list."), number);
  cb_page_confirm_delete (CB_PAGE (widget), number, _("Unblock Number?"), body,
                          _("Cannot Unblock Number"), cb_store_remove_suppression);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbSuppressionsPage *self = CB_SUPPRESSIONS_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
cb_suppressions_page_dispose (GObject *object)
{
  CbSuppressionsPage *self = (CbSuppressionsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cb_suppressions_page_parent_class)->dispose (object);
}

static void
cb_suppressions_page_finalize (GObject *object)
{
  CbSuppressionsPage *self = (CbSuppressionsPage *)object;

  g_clear_object (&self->filter);

  G_OBJECT_CLASS (cb_suppressions_page_parent_class)->finalize (object);
}

static void
cb_suppressions_page_class_init (CbSuppressionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CbPageClass *page_class = CB_PAGE_CLASS (klass);

  object_class->dispose = cb_suppressions_page_dispose;
  object_class->finalize = cb_suppressions_page_finalize;

  page_class->reload = cb_suppressions_page_reload;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-suppressions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CbSuppressionsPage, error_status);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_action (widget_class, "suppressions.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "suppressions.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "suppressions.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "suppressions.search", NULL, search_action);
}

static void
cb_suppressions_page_init (CbSuppressionsPage *self)
{
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->no_match_status = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_widget_set_name (GTK_WIDGET (self->no_match_status), "suppressions-no-match");
  adw_status_page_set_icon_name (self->no_match_status, "edit-find-symbolic");
  adw_status_page_set_title (self->no_match_status, _("No Matches"));
  gtk_widget_add_css_class (GTK_WIDGET (self->no_match_status), "compact");
  gtk_list_box_set_placeholder (self->list_box, GTK_WIDGET (self->no_match_status));
}
