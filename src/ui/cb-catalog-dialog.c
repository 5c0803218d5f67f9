/* cb-catalog-dialog.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-catalog-dialog.h"

#include <glib/gi18n.h>

#include "cb-store-catalog.h"

struct _CbCatalogDialog
{
  AdwWindow       parent_instance;

  CbStore        *store;
  CbCatalogKind   kind;
  char           *id;

  /* ids parallel to the combo rows' string lists; NULL for "None" */
  GPtrArray      *account_ids;
  GPtrArray      *caller_ids;

  AdwWindowTitle *title;
  GtkButton      *save_button;
  AdwEntryRow    *name_row;
  AdwEntryRow    *number_row;
  AdwEntryRow    *label_row;
  AdwEntryRow    *note_row;
  AdwComboRow    *account_row;
  AdwEntryRow    *provider_id_row;
  AdwComboRow    *caller_row;
  AdwEntryRow    *webhook_row;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (CbCatalogDialog, cb_catalog_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
save_clicked_cb (CbCatalogDialog *self)
{
  g_assert (CB_IS_CATALOG_DIALOG (self));

  cb_catalog_dialog_save (self, NULL);
}

static void
entry_changed_cb (CbCatalogDialog *self)
{
  g_assert (CB_IS_CATALOG_DIALOG (self));

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
cb_catalog_dialog_finalize (GObject *object)
{
  CbCatalogDialog *self = (CbCatalogDialog *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->account_ids, g_ptr_array_unref);
  g_clear_pointer (&self->caller_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (cb_catalog_dialog_parent_class)->finalize (object);
}

static void
cb_catalog_dialog_class_init (CbCatalogDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cb_catalog_dialog_finalize;

  /* The record's id, or the number for the do-not-call list. */
  signals [SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-catalog-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, title);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, number_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, provider_id_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, caller_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, webhook_row);
  gtk_widget_class_bind_template_child (widget_class, CbCatalogDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_catalog_dialog_init (CbCatalogDialog *self)
{
  self->account_ids = g_ptr_array_new_with_free_func (g_free);
  self->caller_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static const char *
get_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Fills @row with @names (after "None" when @with_none) and selects the entry whose id is
 * @selected_id (or the first one). */
static void
fill_combo (AdwComboRow *row,
            GPtrArray   *ids,
            GPtrArray   *names,
            gboolean     with_none,
            const char  *selected_id)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint selected = 0;

  g_assert (ids->len == 0);

  if (with_none)
    {
      gtk_string_list_append (list, C_("caller ID or account", "None"));
      g_ptr_array_add (ids, NULL);
    }

  for (guint i = 0; i < names->len; i += 2)
    {
      if (g_strcmp0 (g_ptr_array_index (names, i), selected_id) == 0)
        selected = ids->len;
      g_ptr_array_add (ids, g_strdup (g_ptr_array_index (names, i)));
      gtk_string_list_append (list, g_ptr_array_index (names, i + 1));
    }

  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (row, selected);
}

static const char *
combo_id (AdwComboRow *row,
          GPtrArray   *ids)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= ids->len)
    return NULL;

  return g_ptr_array_index (ids, selected);
}

/* id, name, id, name… of the provider accounts or the caller IDs */
static GPtrArray *
dup_choices (CbStore        *store,
             CbCatalogKind   kind,
             GError        **error)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  model = kind == CB_CATALOG_KIND_AGENT ? cb_store_list_provider_accounts (store, error)
                                        : cb_store_list_phone_numbers (store, error);
  if (model == NULL)
    return NULL;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (CB_IS_PROVIDER_ACCOUNT (item))
        {
          g_ptr_array_add (out, g_strdup (cb_provider_account_get_id (CB_PROVIDER_ACCOUNT (item))));
          g_ptr_array_add (out, g_strdup (cb_provider_account_get_name (CB_PROVIDER_ACCOUNT (item))));
        }
      else
        {
          CbPhoneNumber *number = CB_PHONE_NUMBER (item);
          const char *label = cb_phone_number_get_label (number);

          g_ptr_array_add (out, g_strdup (cb_phone_number_get_id (number)));
          if (label != NULL && *label != '\0')
            /* Translators: a caller ID in a list, "+14155550100 (Sales)" */
            g_ptr_array_add (out, g_strdup_printf (_("%s (%s)"),
                                                   cb_phone_number_get_number (number), label));
          else
            g_ptr_array_add (out, g_strdup (cb_phone_number_get_number (number)));
        }
    }

  return g_steal_pointer (&out);
}

CbCatalogDialog *
cb_catalog_dialog_new (GtkWindow      *parent,
                       CbStore        *store,
                       CbCatalogKind   kind,
                       const char     *id,
                       GError        **error)
{
  CbCatalogDialog *self;
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(CbPhoneNumber) number = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GPtrArray) callers = NULL;
  const char *account_id = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (kind != CB_CATALOG_KIND_SUPPRESSION || id == NULL, NULL);

  if (kind == CB_CATALOG_KIND_AGENT && id != NULL &&
      !(agent = cb_store_get_agent (store, id, error)))
    return NULL;
  if (kind == CB_CATALOG_KIND_PHONE_NUMBER && id != NULL &&
      !(number = cb_store_get_phone_number (store, id, error)))
    return NULL;

  if (kind != CB_CATALOG_KIND_SUPPRESSION &&
      (!(accounts = dup_choices (store, CB_CATALOG_KIND_AGENT, error)) ||
       (kind == CB_CATALOG_KIND_AGENT &&
        !(callers = dup_choices (store, CB_CATALOG_KIND_PHONE_NUMBER, error)))))
    return NULL;

  self = g_object_new (CB_TYPE_CATALOG_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->kind = kind;
  self->id = g_strdup (id);

  gtk_widget_set_visible (GTK_WIDGET (self->name_row), kind == CB_CATALOG_KIND_AGENT);
  gtk_widget_set_visible (GTK_WIDGET (self->number_row), kind != CB_CATALOG_KIND_AGENT);
  gtk_widget_set_visible (GTK_WIDGET (self->label_row), kind == CB_CATALOG_KIND_PHONE_NUMBER);
  gtk_widget_set_visible (GTK_WIDGET (self->note_row), kind == CB_CATALOG_KIND_SUPPRESSION);
  gtk_widget_set_visible (GTK_WIDGET (self->account_row), kind != CB_CATALOG_KIND_SUPPRESSION);
  gtk_widget_set_visible (GTK_WIDGET (self->provider_id_row), kind != CB_CATALOG_KIND_SUPPRESSION);
  gtk_widget_set_visible (GTK_WIDGET (self->caller_row), kind == CB_CATALOG_KIND_AGENT);
  gtk_widget_set_visible (GTK_WIDGET (self->webhook_row), kind == CB_CATALOG_KIND_AGENT);

  switch (kind)
    {
    case CB_CATALOG_KIND_AGENT:
      adw_window_title_set_title (self->title, id ? _("Edit Agent") : _("New Agent"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_id_row),
                                     _("Provider’s agent ID"));
      if (agent != NULL)
        {
          set_text (self->name_row, cb_agent_get_name (agent));
          set_text (self->provider_id_row, cb_agent_get_provider_agent_id (agent));
          set_text (self->webhook_row, cb_agent_get_webhook_url (agent));
          account_id = cb_agent_get_provider_account_id (agent);
        }
      fill_combo (self->account_row, self->account_ids, accounts, FALSE, account_id);
      fill_combo (self->caller_row, self->caller_ids, callers, TRUE,
                  agent ? cb_agent_get_default_phone_number_id (agent) : NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      break;

    case CB_CATALOG_KIND_PHONE_NUMBER:
      adw_window_title_set_title (self->title, id ? _("Edit Caller ID") : _("New Caller ID"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_id_row),
                                     _("Provider’s number ID"));
      if (number != NULL)
        {
          set_text (self->number_row, cb_phone_number_get_number (number));
          set_text (self->label_row, cb_phone_number_get_label (number));
          set_text (self->provider_id_row, cb_phone_number_get_provider_number_id (number));
          account_id = cb_phone_number_get_provider_account_id (number);
        }
      /* A new caller ID starts on the first account. */
      if (number == NULL && accounts->len > 0)
        account_id = g_ptr_array_index (accounts, 0);
      fill_combo (self->account_row, self->account_ids, accounts, TRUE, account_id);
      gtk_widget_grab_focus (GTK_WIDGET (self->number_row));
      break;

    case CB_CATALOG_KIND_SUPPRESSION:
    default:
      adw_window_title_set_title (self->title, _("Block a Number"));
      gtk_button_set_label (self->save_button, _("_Block"));
      gtk_widget_grab_focus (GTK_WIDGET (self->number_row));
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  return self;
}

gboolean
cb_catalog_dialog_save (CbCatalogDialog  *self,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GObject) created = NULL;
  g_autofree char *saved_id = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (CB_IS_CATALOG_DIALOG (self), FALSE);

  switch (self->kind)
    {
    case CB_CATALOG_KIND_AGENT:
      if (self->id != NULL)
        ok = cb_store_update_agent (self->store, self->id, get_text (self->name_row),
                                    combo_id (self->account_row, self->account_ids),
                                    get_text (self->provider_id_row),
                                    combo_id (self->caller_row, self->caller_ids),
                                    get_text (self->webhook_row), &local_error);
      else if ((created = G_OBJECT (cb_store_create_agent (self->store, get_text (self->name_row),
                                                           combo_id (self->account_row,
                                                                     self->account_ids),
                                                           get_text (self->provider_id_row),
                                                           combo_id (self->caller_row,
                                                                     self->caller_ids),
                                                           get_text (self->webhook_row),
                                                           &local_error))))
        {
          saved_id = g_strdup (cb_agent_get_id (CB_AGENT (created)));
          ok = TRUE;
        }
      break;

    case CB_CATALOG_KIND_PHONE_NUMBER:
      if (self->id != NULL)
        ok = cb_store_update_phone_number (self->store, self->id, get_text (self->number_row),
                                           get_text (self->label_row),
                                           combo_id (self->account_row, self->account_ids),
                                           get_text (self->provider_id_row), &local_error);
      else if ((created = G_OBJECT (cb_store_create_phone_number (self->store,
                                                                  get_text (self->number_row),
                                                                  get_text (self->label_row),
                                                                  combo_id (self->account_row,
                                                                            self->account_ids),
                                                                  get_text (self->provider_id_row),
                                                                  &local_error))))
        {
          saved_id = g_strdup (cb_phone_number_get_id (CB_PHONE_NUMBER (created)));
          ok = TRUE;
        }
      break;

    case CB_CATALOG_KIND_SUPPRESSION:
    default:
      ok = cb_store_add_suppression (self->store, get_text (self->number_row),
                                     get_text (self->note_row), &local_error);
      saved_id = g_strdup (get_text (self->number_row));
      break;
    }

  if (!ok)
    {
      gtk_label_set_label (self->error_label, local_error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (saved_id == NULL)
    saved_id = g_strdup (self->id);

  g_signal_emit (self, signals [SAVED], 0, saved_id);
  gtk_window_close (GTK_WINDOW (self));

  return TRUE;
}
