/* cb-batch-detail.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-batch-detail.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cb-call-event.h"
#include "cb-format.h"
#include "cb-outcome-chart.h"
#include "cb-report.h"
#include "cb-store-catalog.h"

struct _CbBatchDetail
{
  GtkWidget           parent_instance;

  CbStore            *store;
  CbEngine           *engine;
  CbBatch            *batch;
  CbRecipientList    *recipients;
  GtkSingleSelection *selection;
  CbRecipientItem    *shown_item;
  char               *status_css;

  AdwFlap            *flap;
  GtkLabel           *name_label;
  GtkLabel           *status_label;
  GtkLabel           *time_label;
  GtkLabel           *counters_label;
  GtkLabel           *reason_label;
  GtkProgressBar     *progress_bar;
  CbOutcomeChart     *chart;
  GtkLabel           *legend_answered;
  GtkLabel           *legend_unanswered;
  GtkLabel           *legend_failed;
  GtkLabel           *legend_calling;
  GtkLabel           *legend_cancelled;
  GtkLabel           *legend_labels[CB_OUTCOME_CHART_N_PARTS];
  GtkButton          *pause_button;
  GtkButton          *cancel_button;
  GtkButton          *retry_button;
  GtkButton          *export_button;
  GtkSpinner         *export_spinner;
  GCancellable       *export_cancellable;
  GFile              *exported;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_filter;
  GtkDropDown        *sort_dropdown;
  GtkToggleButton    *descending_button;
  GtkColumnView      *column_view;
  GtkLabel           *shown_label;
  GtkBox             *side_box;
};

G_DEFINE_FINAL_TYPE (CbBatchDetail, cb_batch_detail, GTK_TYPE_WIDGET)

enum {
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (CbBatchDetail *self,
       const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

/* Actions and what the lifecycle allows */

static void
set_action (GtkButton  *button,
            gboolean    sensitive,
            const char *why_not,
            const char *what)
{
  gtk_widget_set_sensitive (GTK_WIDGET (button), sensitive);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), sensitive ? what : why_not);
}

static void
update_actions (CbBatchDetail *self)
{
  CbBatchStatus status = cb_batch_get_status (self->batch);
  const CbBatchCounters *counters = cb_batch_get_counters (self->batch);
  const char *no_engine = _("Calls cannot be placed: the engine is not running");
  gboolean engine = self->engine != NULL;

  if (status == CB_BATCH_STATUS_PAUSED)
    {
      gtk_button_set_label (self->pause_button, _("_Resume"));
      set_action (self->pause_button, engine, no_engine, _("Start calling again"));
    }
  else
    {
      gtk_button_set_label (self->pause_button, _("_Pause"));
      if (status == CB_BATCH_STATUS_RUNNING)
        set_action (self->pause_button, engine, no_engine,
                    _("Place no new calls; calls in progress finish"));
      else
        set_action (self->pause_button, FALSE, _("Only a running batch can be paused"), NULL);
    }

  switch (status)
    {
    case CB_BATCH_STATUS_RUNNING:
      set_action (self->cancel_button, FALSE,
                  _("A running batch cannot be cancelled: pause it first"), NULL);
      break;
    case CB_BATCH_STATUS_DRAFT:
    case CB_BATCH_STATUS_PENDING:
    case CB_BATCH_STATUS_SCHEDULED:
    case CB_BATCH_STATUS_PAUSED:
      set_action (self->cancel_button, engine, no_engine,
                  _("Call no one else in this batch"));
      break;
    case CB_BATCH_STATUS_COMPLETED:
    case CB_BATCH_STATUS_CANCELLED:
    case CB_BATCH_STATUS_FAILED:
    default:
      set_action (self->cancel_button, FALSE, _("The batch has already ended"), NULL);
      break;
    }

  /* Red only while it can be pressed: a faded red button reads as an error. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->cancel_button)))
    gtk_widget_add_css_class (GTK_WIDGET (self->cancel_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->cancel_button), "destructive-action");

  if (counters->failed == 0)
    set_action (self->retry_button, FALSE, _("No call has failed"), NULL);
  else if (status == CB_BATCH_STATUS_CANCELLED || status == CB_BATCH_STATUS_DRAFT)
    set_action (self->retry_button, FALSE, _("The batch is not running"), NULL);
  else
    set_action (self->retry_button, engine, no_engine,
                _("Call the recipients whose calls failed again"));
}

static void
run_result (CbBatchDetail *self,
            gboolean       ok,
            GError        *error)
{
  if (!ok)
    toast (self, error->message);
  cb_batch_detail_refresh (self, NULL);
}

static void
pause_clicked_cb (CbBatchDetail *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_return_if_fail (self->engine != NULL && self->batch != NULL);

  if (cb_batch_get_status (self->batch) == CB_BATCH_STATUS_PAUSED)
    ok = cb_engine_resume_batch (self->engine, cb_batch_get_id (self->batch), &error);
  else
    ok = cb_engine_pause_batch (self->engine, cb_batch_get_id (self->batch), &error);

  run_result (self, ok, error);
}

static void
cancel_clicked_cb (CbBatchDetail *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_return_if_fail (self->engine != NULL && self->batch != NULL);

  ok = cb_engine_cancel_batch (self->engine, cb_batch_get_id (self->batch), &error);
  run_result (self, ok, error);
}

static void
retry_clicked_cb (CbBatchDetail *self)
{
  g_autoptr(GError) error = NULL;
  int n;

  g_return_if_fail (self->engine != NULL && self->batch != NULL);

  n = cb_engine_retry_failed (self->engine, cb_batch_get_id (self->batch), &error);
  if (n >= 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d recipient will be called again",
                                      "%d recipients will be called again", n), n);
      toast (self, text);
    }
  run_result (self, n >= 0, error);
}

/* The header: status, counters, chart */

/* A label's text changes only when it differs: each change lays the page out again. */
static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
update_header (CbBatchDetail *self)
{
  const CbBatchCounters *counters = cb_batch_get_counters (self->batch);
  CbBatchStatus status = cb_batch_get_status (self->batch);
  g_autofree char *counters_text = cb_format_batch_counters (counters);
  g_autofree char *time_text = NULL;
  g_autofree char *percent = NULL;
  const char *reason;
  double progress = cb_batch_counters_get_progress (counters);

  set_label (self->name_label, cb_batch_get_name (self->batch));
  set_label (self->status_label, cb_format_batch_status (status));
  if (g_strcmp0 (self->status_css, cb_format_batch_status_css (status)) != 0)
    {
      if (self->status_css != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), self->status_css);
      g_free (self->status_css);
      self->status_css = g_strdup (cb_format_batch_status_css (status));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), self->status_css);
    }

  time_text = cb_format_batch_time (status, cb_batch_get_scheduled_at (self->batch),
                                    cb_batch_get_started_at (self->batch),
                                    cb_batch_get_finished_at (self->batch),
                                    cb_batch_get_created_at (self->batch), NULL);
  set_label (self->time_label, time_text ? time_text : "");
  set_label (self->counters_label, counters_text);

  reason = cb_batch_get_pause_reason (self->batch);
  if (reason == NULL || status != CB_BATCH_STATUS_PAUSED)
    reason = status == CB_BATCH_STATUS_FAILED ? cb_batch_get_error (self->batch) : NULL;
  set_label (self->reason_label, reason ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL);

  if (gtk_progress_bar_get_fraction (self->progress_bar) != progress)
    gtk_progress_bar_set_fraction (self->progress_bar, progress);
  /* Translators: how much of a batch is done, "42%" */
  percent = g_strdup_printf (_("%.0f%%"), progress * 100);
  if (g_strcmp0 (gtk_progress_bar_get_text (self->progress_bar), percent) != 0)
    gtk_progress_bar_set_text (self->progress_bar, percent);

  cb_outcome_chart_set_counters (self->chart, counters);
  for (guint i = 0; i < CB_OUTCOME_CHART_N_PARTS; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s %u", cb_outcome_chart_part_label (i),
                                               cb_outcome_chart_get_part (counters, i));
      set_label (self->legend_labels[i], text);
    }

  update_actions (self);
}

/* The recipients table */

static const char *
recipient_status_label (CbRecipientStatus status)
{
  switch (status)
    {
    case CB_RECIPIENT_STATUS_PENDING:
      return C_("recipient status", "Pending");
    case CB_RECIPIENT_STATUS_DIALING:
      return C_("recipient status", "Calling");
    case CB_RECIPIENT_STATUS_COMPLETED:
      return C_("recipient status", "Completed");
    case CB_RECIPIENT_STATUS_FAILED:
      return C_("recipient status", "Failed");
    case CB_RECIPIENT_STATUS_CANCELLED:
      return C_("recipient status", "Cancelled");
    default:
      return C_("recipient status", "Unknown");
    }
}

/* "first_name: Ana · appointment_date: May 5" */
static char *
format_vars (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (json == NULL || !cb_json_parser_load (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("");

  object = json_node_get_object (json_parser_get_root (parser));
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (out->len > 0)
        g_string_append (out, " · ");
      g_string_append_printf (out, "%s: %s", name,
                              JSON_NODE_HOLDS_VALUE (value) ? json_node_get_string (value) : "");
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
format_duration (gint64 ms)
{
  if (ms <= 0)
    return g_strdup ("");

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", ms / 60000, (int)(ms / 1000 % 60));
}

/* The table's cells: an inscription each, set up by kind of column and bound by column.
 * Unlike a label, an inscription asks for a size that does not depend on its text, so a
 * page of rows whose texts all change (Pending to Calling, when a batch starts) is not
 * measured again: that layout took about 30 ms of the main loop under GTK 4.8. */

static void
new_cell (GtkListItem *item,
          float        xalign,
          const char  *css_class)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  gtk_inscription_set_xalign (cell, xalign);
  gtk_inscription_set_text_overflow (cell, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_lines (cell, 1);
  gtk_inscription_set_nat_lines (cell, 1);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (cell), css_class);
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
setup_number_cell_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      CbBatchDetail            *self)
{
  new_cell (item, 1.f, "numeric");
}

static void
setup_phone_cell_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     CbBatchDetail            *self)
{
  new_cell (item, 0.f, "numeric");
}

static void
setup_text_cell_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    CbBatchDetail            *self)
{
  new_cell (item, 0.f, NULL);
}

static void
setup_vars_cell_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    CbBatchDetail            *self)
{
  new_cell (item, 0.f, "dim-label");
}

/* What each column shows of a recipient. */
typedef enum
{
  CELL_ROW,
  CELL_PHONE,
  CELL_STATUS,
  CELL_ATTEMPTS,
  CELL_OUTCOME,
  CELL_DURATION,
  CELL_VARS,
} CellKind;

static void
update_cell (GtkInscription *cell,
             CellKind        kind,
             CbRecipient    *recipient)
{
  g_autofree char *owned = NULL;
  const char *text = NULL;
  char number[16];

  switch (kind)
    {
    case CELL_ROW:
      g_snprintf (number, sizeof number, "%u", cb_recipient_get_row (recipient));
      text = number;
      break;
    case CELL_PHONE:
      text = cb_recipient_get_phone (recipient);
      break;
    case CELL_STATUS:
      text = recipient_status_label (cb_recipient_get_status (recipient));
      break;
    case CELL_ATTEMPTS:
      g_snprintf (number, sizeof number, "%u", cb_recipient_get_attempts (recipient));
      text = number;
      break;
    case CELL_OUTCOME:
      text = cb_recipient_get_outcome (recipient);
      if (text == NULL)
        text = cb_recipient_get_error (recipient);
      break;
    case CELL_DURATION:
      text = owned = format_duration (cb_recipient_get_duration_ms (recipient));
      break;
    case CELL_VARS:
      text = owned = format_vars (cb_recipient_get_dynamic_vars (recipient));
      break;
    default:
      g_assert_not_reached ();
    }

  if (text == NULL)
    text = "";
  if (g_strcmp0 (gtk_inscription_get_text (cell), text) != 0)
    gtk_inscription_set_text (cell, text);
}

static GQuark
cell_kind_quark (void)
{
  return g_quark_from_static_string ("callboard-cell-kind");
}

/* A shown recipient changed in the store: its row stays, its cell follows. */
static void
cell_recipient_changed_cb (CbRecipientItem *item,
                           GParamSpec      *pspec,
                           GtkInscription  *cell)
{
  CellKind kind = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (cell), cell_kind_quark ()));

  update_cell (cell, kind, cb_recipient_item_get_recipient (item));
}

/* The cell follows its item: the recipient shown at a position changes as calls end, and
 * in a filtered or sorted table another recipient may come to the position. */
static void
bind_cell (GtkListItem *list_item,
           CellKind     kind)
{
  CbRecipientItem *item = gtk_list_item_get_item (list_item);
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));

  if (item == NULL)
    return;

  update_cell (cell, kind, cb_recipient_item_get_recipient (item));
  g_object_set_qdata (G_OBJECT (cell), cell_kind_quark (), GINT_TO_POINTER (kind));
  g_signal_connect_object (item, "notify::recipient",
                           G_CALLBACK (cell_recipient_changed_cb), cell, 0);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     CbBatchDetail            *self)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  if (item != NULL && cell != NULL)
    g_signal_handlers_disconnect_by_func (item, cell_recipient_changed_cb, cell);
}

static void
bind_row_cell_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  CbBatchDetail            *self)
{
  bind_cell (item, CELL_ROW);
}

static void
bind_phone_cell_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    CbBatchDetail            *self)
{
  bind_cell (item, CELL_PHONE);
}

static void
bind_status_cell_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     CbBatchDetail            *self)
{
  bind_cell (item, CELL_STATUS);
}

static void
bind_attempts_cell_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       CbBatchDetail            *self)
{
  bind_cell (item, CELL_ATTEMPTS);
}

static void
bind_outcome_cell_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      CbBatchDetail            *self)
{
  bind_cell (item, CELL_OUTCOME);
}

static void
bind_duration_cell_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       CbBatchDetail            *self)
{
  bind_cell (item, CELL_DURATION);
}

static void
bind_vars_cell_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   CbBatchDetail            *self)
{
  bind_cell (item, CELL_VARS);
}

static void
update_shown (CbBatchDetail *self)
{
  guint n = self->recipients ? g_list_model_get_n_items (G_LIST_MODEL (self->recipients)) : 0;
  g_autofree char *text =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u recipient", "%u recipients", n), n);

  set_label (self->shown_label, text);
}

static void
query_changed_cb (CbBatchDetail *self)
{
  static const CbRecipientSort sorts[] = {
    CB_RECIPIENT_SORT_ROW, CB_RECIPIENT_SORT_PHONE, CB_RECIPIENT_SORT_STATUS,
    CB_RECIPIENT_SORT_ATTEMPTS, CB_RECIPIENT_SORT_OUTCOME, CB_RECIPIENT_SORT_DURATION,
    CB_RECIPIENT_SORT_ENDED,
  };
  guint status = gtk_drop_down_get_selected (self->status_filter);
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);

  if (self->recipients == NULL)
    return;

  cb_recipient_list_set_query (self->recipients,
                               status == 0 || status == GTK_INVALID_LIST_POSITION
                                 ? -1 : (int)status - 1,
                               gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                               sort < G_N_ELEMENTS (sorts) ? sorts[sort] : CB_RECIPIENT_SORT_ROW,
                               gtk_toggle_button_get_active (self->descending_button));
  update_shown (self);
}

/* The side panel: one recipient's calls */

static void
side_add (CbBatchDetail *self,
          const char    *title,
          const char    *value,
          gboolean       wrap)
{
  GtkWidget *heading;
  GtkWidget *label;

  if (value == NULL || value[0] == '\0')
    return;

  heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0.f);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_widget_set_margin_top (heading, 6);
  gtk_box_append (self->side_box, heading);

  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0.f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (!wrap)
    gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (self->side_box, label);
}

static char *
format_time (GDateTime *dt)
{
  g_autoptr(GDateTime) local = NULL;

  if (dt == NULL)
    return NULL;

  local = g_date_time_to_local (dt);
  return g_date_time_format (local, "%x %X");
}

static void
show_recipient (CbBatchDetail *self,
                CbRecipient   *recipient)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autofree char *vars = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *title = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->side_box))) != NULL)
    gtk_box_remove (self->side_box, child);

  if (recipient == NULL)
    {
      adw_flap_set_reveal_flap (self->flap, FALSE);
      return;
    }

  title = g_strdup_printf (_("Row %u"), cb_recipient_get_row (recipient));
  child = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (child), 0.f);
  gtk_widget_add_css_class (child, "title-3");
  gtk_box_append (self->side_box, child);

  side_add (self, _("Phone number"), cb_recipient_get_phone (recipient), FALSE);
  side_add (self, _("As uploaded"), cb_recipient_get_raw_phone (recipient), FALSE);
  side_add (self, _("Status"), recipient_status_label (cb_recipient_get_status (recipient)),
            TRUE);
  side_add (self, _("Outcome"), cb_recipient_get_outcome (recipient), TRUE);
  side_add (self, _("Disconnection reason"), cb_recipient_get_disconnection_reason (recipient),
            TRUE);
  duration = format_duration (cb_recipient_get_duration_ms (recipient));
  side_add (self, _("Duration"), duration, FALSE);
  side_add (self, _("Error"), cb_recipient_get_error (recipient), TRUE);
  vars = format_vars (cb_recipient_get_dynamic_vars (recipient));
  side_add (self, _("Variables"), vars, TRUE);

  attempts = cb_store_list_attempts (self->store, cb_recipient_get_id (recipient), &error);
  if (attempts == NULL)
    side_add (self, _("Attempts"), error->message, TRUE);
  else if (attempts->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < attempts->len; i++)
        {
          CbAttemptInfo *attempt = g_ptr_array_index (attempts, i);
          g_autofree char *when = format_time (attempt->started_at);

          if (text->len > 0)
            g_string_append_c (text, '\n');
          /* Translators: "2. 05/05/26 09:00:12 — voicemail" */
          g_string_append_printf (text, _("%u. %s — %s"), attempt->number, when ? when : "",
                                  attempt->outcome ? attempt->outcome
                                  : attempt->error ? attempt->error
                                  : _("in progress"));
        }
      side_add (self, _("Attempts"), text->str, TRUE);
    }

  side_add (self, _("Transcript"), cb_recipient_get_transcript (recipient), TRUE);
  side_add (self, _("Analysis"), cb_recipient_get_analysis (recipient), TRUE);

  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
shown_recipient_changed_cb (CbBatchDetail *self)
{
  show_recipient (self, cb_recipient_item_get_recipient (self->shown_item));
}

static void
selection_changed_cb (CbBatchDetail *self)
{
  CbRecipientItem *item = gtk_single_selection_get_selected_item (self->selection);

  /* The panel follows the selected recipient's changes as its row does. */
  if (item != self->shown_item)
    {
      if (self->shown_item != NULL)
        g_signal_handlers_disconnect_by_func (self->shown_item, shown_recipient_changed_cb,
                                              self);
      g_set_object (&self->shown_item, item);
      if (item != NULL)
        g_signal_connect_object (item, "notify::recipient",
                                 G_CALLBACK (shown_recipient_changed_cb), self,
                                 G_CONNECT_SWAPPED);
    }

  show_recipient (self, item != NULL ? cb_recipient_item_get_recipient (item) : NULL);
}

static void
close_side_cb (CbBatchDetail *self)
{
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
back_clicked_cb (CbBatchDetail *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

/* Export report */

static void
open_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  const char *uri = g_variant_get_string (param, NULL);

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
set_exporting (CbBatchDetail *self,
               gboolean       exporting)
{
  gtk_widget_set_visible (GTK_WIDGET (self->export_spinner), exporting);
  gtk_spinner_set_spinning (self->export_spinner, exporting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !exporting);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->export_button),
                               exporting ? _("Writing the report…")
                                         : _("Save every recipient’s outcome as XLSX or CSV"));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbBatchDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_steal_pointer (&self->exported);
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;
  g_autofree char *uri = NULL;
  AdwToast *report_toast;
  GtkWidget *overlay;

  g_clear_object (&self->export_cancellable);
  set_exporting (self, FALSE);

  if (!cb_report_write_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says why the report could not be written */
          g_autofree char *message = g_strdup_printf (_("The report was not saved: %s"),
                                                      error->message);
          toast (self, message);
        }
      return;
    }

  basename = g_file_get_basename (file);
  uri = g_file_get_uri (file);
  /* Translators: %s is a file name */
  title = g_strdup_printf (_("Report saved as “%s”"), basename);
  report_toast = adw_toast_new (title);
  adw_toast_set_button_label (report_toast, _("_Open"));
  adw_toast_set_action_name (report_toast, "detail.open-report");
  adw_toast_set_action_target_value (report_toast, g_variant_new_string (uri));

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), report_toast);
  else
    g_object_unref (report_toast);
}

gboolean
cb_batch_detail_export (CbBatchDetail  *self,
                        GFile          *file,
                        GError        **error)
{
  g_autofree char *path = NULL;
  CbReportFormat format;

  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (self->batch != NULL, FALSE);

  if (self->export_cancellable != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("A report is already being written."));
      return FALSE;
    }

  if (!(path = g_file_get_path (file)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Reports can only be saved to files on this computer."));
      return FALSE;
    }

  if (!cb_report_format_from_path (path, &format, error))
    return FALSE;

  self->export_cancellable = g_cancellable_new ();
  g_set_object (&self->exported, file);
  set_exporting (self, TRUE);
  cb_report_write_async (self->store, cb_batch_get_id (self->batch), format, path,
                         self->export_cancellable, export_done_cb, g_object_ref (self));

  return TRUE;
}

gboolean
cb_batch_detail_is_exporting (CbBatchDetail *self)
{
  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), FALSE);

  return self->export_cancellable != NULL;
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    CbBatchDetail   *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      CbReportFormat format;

      /* No ".xlsx" or ".csv" typed: the chosen filter's. */
      if (path != NULL && !cb_report_format_from_path (path, &format, NULL))
        {
          GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
          gboolean csv = filter != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (filter),
                                                                          "extension"), "csv") == 0;
          g_autofree char *with_ext = g_strconcat (path, csv ? ".csv" : ".xlsx", NULL);

          g_object_unref (file);
          file = g_file_new_for_path (with_ext);
        }

      if (!cb_batch_detail_export (self, file, &error))
        toast (self, error->message);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_clicked_cb (CbBatchDetail *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;
  g_autofree char *name = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->batch == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export Report"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Excel workbook (XLSX)"));
  gtk_file_filter_add_suffix (filter, "xlsx");
  g_object_set_data (G_OBJECT (filter), "extension", (gpointer)"xlsx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Comma-separated values (CSV)"));
  gtk_file_filter_add_suffix (filter, "csv");
  g_object_set_data (G_OBJECT (filter), "extension", (gpointer)"csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);

  name = cb_report_dup_file_name (self->batch, CB_REPORT_FORMAT_XLSX);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
static void
cb_batch_detail_dispose (GObject *object)
{
  CbBatchDetail *self = (CbBatchDetail *)object;

  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);
  if (self->shown_item != NULL)
    g_signal_handlers_disconnect_by_func (self->shown_item, shown_recipient_changed_cb, self);
  g_clear_object (&self->shown_item);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_BATCH_DETAIL);
  g_clear_object (&self->recipients);
  g_clear_object (&self->batch);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_pointer (&self->status_css, g_free);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->exported);

  G_OBJECT_CLASS (cb_batch_detail_parent_class)->dispose (object);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  cb_batch_detail_focus_search (CB_BATCH_DETAIL (widget));
}

static void
cb_batch_detail_class_init (CbBatchDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_batch_detail_dispose;

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "batchdetail");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-batch-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, flap);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, status_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, time_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, counters_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, reason_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, chart);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, legend_answered);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, legend_unanswered);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, legend_failed);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, legend_calling);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, legend_cancelled);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, retry_button);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, export_button);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, export_spinner);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, status_filter);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, descending_button);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, column_view);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, selection);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, shown_label);
  gtk_widget_class_bind_template_child (widget_class, CbBatchDetail, side_box);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_side_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_number_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_phone_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_vars_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_phone_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_status_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_attempts_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_outcome_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_duration_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_vars_cell_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_cell_cb);

  gtk_widget_class_install_action (widget_class, "detail.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "detail.open-report", "s", open_report_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "detail.search", NULL);
}

static void
cb_batch_detail_init (CbBatchDetail *self)
{
  g_type_ensure (CB_TYPE_OUTCOME_CHART);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In the order of CbOutcomeChartPart */
  self->legend_labels[CB_OUTCOME_CHART_ANSWERED] = self->legend_answered;
  self->legend_labels[CB_OUTCOME_CHART_UNANSWERED] = self->legend_unanswered;
  self->legend_labels[CB_OUTCOME_CHART_FAILED] = self->legend_failed;
  self->legend_labels[CB_OUTCOME_CHART_CALLING] = self->legend_calling;
  self->legend_labels[CB_OUTCOME_CHART_CANCELLED] = self->legend_cancelled;

  set_exporting (self, FALSE);
}

GtkWidget *
cb_batch_detail_new (void)
{
  return g_object_new (CB_TYPE_BATCH_DETAIL, NULL);
}

gboolean
cb_batch_detail_show_batch (CbBatchDetail  *self,
                            CbStore        *store,
                            CbEngine       *engine,
                            const char     *batch_id,
                            GError        **error)
{
  g_autoptr(CbBatch) batch = NULL;

  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), FALSE);
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!(batch = cb_store_get_batch (store, batch_id, error)))
    return FALSE;

  g_set_object (&self->store, store);
  g_set_object (&self->engine, engine);
  g_set_object (&self->batch, batch);

  g_clear_object (&self->recipients);
  self->recipients = cb_recipient_list_new (store, batch_id);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->recipients));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  adw_flap_set_reveal_flap (self->flap, FALSE);

  /* A new batch starts with the table as the spreadsheet had it. */
  g_signal_handlers_block_by_func (self->search_entry, query_changed_cb, self);
  g_signal_handlers_block_by_func (self->status_filter, query_changed_cb, self);
  g_signal_handlers_block_by_func (self->sort_dropdown, query_changed_cb, self);
  g_signal_handlers_block_by_func (self->descending_button, query_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_filter, 0);
  gtk_drop_down_set_selected (self->sort_dropdown, 0);
  gtk_toggle_button_set_active (self->descending_button, FALSE);
  g_signal_handlers_unblock_by_func (self->search_entry, query_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->status_filter, query_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->sort_dropdown, query_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->descending_button, query_changed_cb, self);

  update_header (self);
  update_shown (self);

  return TRUE;
}

const char *
cb_batch_detail_get_batch_id (CbBatchDetail *self)
{
  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), NULL);

  return self->batch ? cb_batch_get_id (self->batch) : NULL;
}

CbBatch *
cb_batch_detail_get_batch (CbBatchDetail *self)
{
  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), NULL);

  return self->batch;
}

CbRecipientList *
cb_batch_detail_get_recipients (CbBatchDetail *self)
{
  g_return_val_if_fail (CB_IS_BATCH_DETAIL (self), NULL);

  return self->recipients;
}

void
cb_batch_detail_update (CbBatchDetail      *self,
                        CbBatch            *batch,
                        const char * const *recipient_ids)
{
  g_return_if_fail (CB_IS_BATCH_DETAIL (self));
  g_return_if_fail (CB_IS_BATCH (batch));
  g_return_if_fail (self->batch != NULL);
  g_return_if_fail (g_strcmp0 (cb_batch_get_id (batch), cb_batch_get_id (self->batch)) == 0);

  g_set_object (&self->batch, batch);
  update_header (self);

  /* The selection stays at its position, whose item is the same object. */
  if (recipient_ids != NULL && recipient_ids[0] != NULL)
    {
      cb_recipient_list_refresh (self->recipients, recipient_ids);
      update_shown (self);
    }
}

void
cb_batch_detail_refresh (CbBatchDetail      *self,
                         const char * const *recipient_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbBatch) batch = NULL;

  g_return_if_fail (CB_IS_BATCH_DETAIL (self));

  if (self->batch == NULL)
    return;

  if (!(batch = cb_store_get_batch (self->store, cb_batch_get_id (self->batch), &error)))
    {
      g_debug ("Could not read the batch again: %s", error->message);
      return;
    }

  cb_batch_detail_update (self, batch, recipient_ids);
}

void
cb_batch_detail_focus_search (CbBatchDetail *self)
{
  g_return_if_fail (CB_IS_BATCH_DETAIL (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
