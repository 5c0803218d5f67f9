/* cb-page.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-page.h"

#include <glib/gi18n.h>

#include "cb-window.h"

typedef struct
{
  CbStore       *store;

  /* Catalog pages: provider account id → its name, for the rows' subtitles */
  GHashTable    *account_names;
  GtkStack      *stack;
  GtkLabel      *count_label;
  GtkListBox    *list_box;
  AdwStatusPage *error_status;
} CbPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CbPage, cb_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
cb_page_dispose (GObject *object)
{
  CbPage *self = (CbPage *)object;
  CbPagePrivate *priv = cb_page_get_instance_private (self);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&priv->store);

  G_OBJECT_CLASS (cb_page_parent_class)->dispose (object);
}

static void
cb_page_finalize (GObject *object)
{
  CbPage *self = (CbPage *)object;
  CbPagePrivate *priv = cb_page_get_instance_private (self);

  g_clear_pointer (&priv->account_names, g_hash_table_unref);

  G_OBJECT_CLASS (cb_page_parent_class)->finalize (object);
}

static void
cb_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  CbPage *self = CB_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, cb_page_get_store (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  CbPage *self = CB_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      cb_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (cb_page_parent_class)->constructed (object);

  /* The subclasses' templates are built by now. */
  cb_page_name_mnemonic_buttons (GTK_WIDGET (object));
}

static void
cb_page_class_init (CbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_page_constructed;
  object_class->dispose = cb_page_dispose;
  object_class->finalize = cb_page_finalize;
  object_class->get_property = cb_page_get_property;
  object_class->set_property = cb_page_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CB_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cb_page_init (CbPage *self)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);

  priv->account_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CbStore *
cb_page_get_store (CbPage *self)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);

  g_return_val_if_fail (CB_IS_PAGE (self), NULL);

  return priv->store;
}

void
cb_page_set_store (CbPage  *self,
                   CbStore *store)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);

  g_return_if_fail (CB_IS_PAGE (self));
  g_return_if_fail (!store || CB_IS_STORE (store));

  if (g_set_object (&priv->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STORE]);
}

gboolean
cb_page_reload (CbPage  *self,
                GError **error)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);

  g_return_val_if_fail (CB_IS_PAGE (self), FALSE);
  g_return_val_if_fail (CB_PAGE_GET_CLASS (self)->reload != NULL, FALSE);

  if (priv->store == NULL)
    return TRUE;

  return CB_PAGE_GET_CLASS (self)->reload (self, priv->store, error);
}

void
cb_page_show_model (CbPage                     *self,
                    GtkStack                   *stack,
                    GtkListBox                 *list_box,
                    GListModel                 *model,
                    GtkListBoxCreateWidgetFunc  create_row)
{
  g_return_if_fail (CB_IS_PAGE (self));
  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (GTK_IS_LIST_BOX (list_box));
  g_return_if_fail (G_IS_LIST_MODEL (model));
  g_return_if_fail (create_row != NULL);

  gtk_list_box_bind_model (list_box, model, create_row, self, NULL);
  gtk_stack_set_visible_child_name (stack, g_list_model_get_n_items (model) > 0 ? "list" : "empty");
}

void
cb_page_show_error (CbPage        *self,
                    GtkStack      *stack,
                    AdwStatusPage *error_status,
                    const GError  *error)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (CB_IS_PAGE (self));
  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (ADW_IS_STATUS_PAGE (error_status));
  g_return_if_fail (error != NULL);

  /* The description is markup. */
  escaped = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (error_status, escaped);
  gtk_stack_set_visible_child_name (stack, "error");
}

void
cb_page_toast (CbPage     *self,
               const char *title)
{
  GtkWidget *window;

  g_return_if_fail (CB_IS_PAGE (self));
  g_return_if_fail (title != NULL);

  window = gtk_widget_get_ancestor (GTK_WIDGET (self), CB_TYPE_WINDOW);
  if (window != NULL)
    cb_window_add_toast (CB_WINDOW (window), adw_toast_new (title));
}

static void
editor_saved_cb (CbPage     *self,
                 const char *id)
{
  g_assert (CB_IS_PAGE (self));

  cb_page_reload (self, NULL);
  cb_page_toast (self, _("Saved"));
}

void
cb_page_open_editor (CbPage        *self,
                     CbCatalogKind  kind,
                     const char    *id)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  CbCatalogDialog *dialog;
  GtkRoot *root;

  g_return_if_fail (CB_IS_PAGE (self));

  if (priv->store == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = cb_catalog_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                  priv->store, kind, id, &error);
  if (dialog == NULL)
    {
      cb_page_toast (self, error->message);
      return;
    }

  g_signal_connect_object (dialog, "saved", G_CALLBACK (editor_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  CbPage           *page;
  char             *id;
  char             *refused_heading;
  CbPageDeleteFunc  delete_func;
} DeleteRequest;

static void
delete_request_free (DeleteRequest *request)
{
  g_clear_object (&request->page);
  g_free (request->id);
  g_free (request->refused_heading);
  g_free (request);
}

static void
delete_request_notify (gpointer  data,
                       GClosure *closure)
{
  delete_request_free (data);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DeleteRequest    *request)
{
  CbPagePrivate *priv = cb_page_get_instance_private (request->page);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *refusal;
  GtkRoot *root;

  if (g_strcmp0 (response, "delete") != 0 || priv->store == NULL)
    return;

  if (request->delete_func (priv->store, request->id, &error))
    {
      cb_page_reload (request->page, NULL);
      cb_page_toast (request->page, _("Deleted"));
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (request->page));
  refusal = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                             : NULL,
                                                        request->refused_heading,
                                                        error->message));
  gtk_widget_set_name (GTK_WIDGET (refusal), "delete-refused");
  adw_message_dialog_add_response (refusal, "close", _("_Close"));
  adw_message_dialog_set_default_response (refusal, "close");
  adw_message_dialog_set_close_response (refusal, "close");
  gtk_window_present (GTK_WINDOW (refusal));
}

void
cb_page_confirm_delete (CbPage           *self,
                        const char       *id,
                        const char       *heading,
                        const char       *body,
                        const char       *refused_heading,
                        CbPageDeleteFunc  delete_func)
{
  DeleteRequest *request;
  AdwMessageDialog *dialog;
  GtkRoot *root;

  g_return_if_fail (CB_IS_PAGE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (heading != NULL);
  g_return_if_fail (refused_heading != NULL);
  g_return_if_fail (delete_func != NULL);

  request = g_new0 (DeleteRequest, 1);
  request->page = g_object_ref (self);
  request->id = g_strdup (id);
  request->refused_heading = g_strdup (refused_heading);
  request->delete_func = delete_func;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       heading, body));
  gtk_widget_set_name (GTK_WIDGET (dialog), "delete-confirm");
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (delete_response_cb), request,
                         delete_request_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (const char *icon_name,
            const char *tooltip,
            const char *action,
            const char *id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (id));

  return button;
}

void
cb_page_add_row_buttons (AdwActionRow *row,
                         const char   *id,
                         const char   *title,
                         const char   *edit_action,
                         const char   *delete_action)
{
  GtkWidget *button;

  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  g_return_if_fail (id != NULL);
  g_return_if_fail (title != NULL);
  g_return_if_fail (delete_action != NULL);

  if (edit_action != NULL)
    {
      /* Translators: a button's tooltip, %s names an agent or a number */
      g_autofree char *tooltip = g_strdup_printf (_("Edit “%s”"), title);

      button = row_button ("document-edit-symbolic", tooltip, edit_action, id);
      gtk_widget_set_name (button, "row-edit");
      adw_action_row_add_suffix (row, button);
    }

  {
    /* Translators: a button's tooltip, %s names an agent or a number */
    g_autofree char *tooltip = g_strdup_printf (_("Delete “%s”"), title);

    button = row_button ("user-trash-symbolic", tooltip, delete_action, id);
    gtk_widget_set_name (button, "row-delete");
    adw_action_row_add_suffix (row, button);
  }
}

static void
name_mnemonic_button (GtkButton *button)
{
  GtkWidget *child = gtk_button_get_child (button);

  g_assert (GTK_IS_BUTTON (button));

  if (!gtk_button_get_use_underline (button) || !GTK_IS_LABEL (child))
    return;

  /* The label's text is without the underline. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (child)),
                                  -1);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

void
cb_page_name_mnemonic_buttons (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "cb-mnemonic-name") == NULL)
    {
      /* GtkButton sets both names again when its label changes. */
      g_object_set_data (G_OBJECT (widget), "cb-mnemonic-name", GINT_TO_POINTER (TRUE));
      g_signal_connect (widget, "notify::label", G_CALLBACK (name_mnemonic_button), NULL);
      g_signal_connect (widget, "notify::use-underline", G_CALLBACK (name_mnemonic_button), NULL);
      name_mnemonic_button (GTK_BUTTON (widget));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cb_page_name_mnemonic_buttons (child);
}

/* Catalog pages */

static gboolean
catalog_reload (CbPage   *self,
                CbStore  *store,
                GError  **error)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);
  const CbPageCatalog *catalog = CB_PAGE_GET_CLASS (self)->catalog;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GListModel) accounts = NULL;
  g_autoptr(GListModel) items = NULL;
  g_autofree char *count = NULL;

  g_assert (CB_IS_PAGE (self));
  g_assert (catalog != NULL);

  if (!(accounts = cb_store_list_provider_accounts (store, &local_error)) ||
      !(items = catalog->list (store, &local_error)))
    {
      cb_page_show_error (self, priv->stack, priv->error_status, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_hash_table_remove_all (priv->account_names);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(CbProviderAccount) account = g_list_model_get_item (accounts, i);

      g_hash_table_insert (priv->account_names,
                           g_strdup (cb_provider_account_get_id (account)),
                           g_strdup (cb_provider_account_get_name (account)));
    }

  count = catalog->format_count (g_list_model_get_n_items (items));
  gtk_label_set_label (priv->count_label, count);

  cb_page_show_model (self, priv->stack, priv->list_box, items, catalog->create_row);

  return TRUE;
}

static void
catalog_add_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbPage *self = CB_PAGE (widget);

  cb_page_open_editor (self, CB_PAGE_GET_CLASS (self)->catalog->kind, NULL);
}

static void
catalog_edit_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  CbPage *self = CB_PAGE (widget);

  cb_page_open_editor (self, CB_PAGE_GET_CLASS (self)->catalog->kind,
                       g_variant_get_string (param, NULL));
}

static void
catalog_delete_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  CbPage *self = CB_PAGE (widget);
  CbPagePrivate *priv = cb_page_get_instance_private (self);
  const CbPageCatalog *catalog = CB_PAGE_GET_CLASS (self)->catalog;
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  if (priv->store == NULL)
    return;

  if (!(body = catalog->delete_body (priv->store, id, &error)))
    {
      cb_page_toast (self, error->message);
      return;
    }

  cb_page_confirm_delete (self, id, _(catalog->delete_heading), body,
                          _(catalog->refused_heading), catalog->delete_func);
}

void
cb_page_class_set_catalog (CbPageClass         *klass,
                           const char          *template_resource,
                           const CbPageCatalog *catalog)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  g_autofree char *add = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *delete = NULL;

  g_return_if_fail (CB_IS_PAGE_CLASS (klass));
  g_return_if_fail (template_resource != NULL);
  g_return_if_fail (catalog != NULL);
  g_return_if_fail (catalog->action_prefix != NULL);
  g_return_if_fail (catalog->list != NULL);
  g_return_if_fail (catalog->create_row != NULL);
  g_return_if_fail (catalog->format_count != NULL);
  g_return_if_fail (catalog->delete_body != NULL);
  g_return_if_fail (catalog->delete_func != NULL);

  klass->catalog = catalog;
  klass->reload = catalog_reload;

  /* The template is the subclass's; the children it names are the base's. */
  gtk_widget_class_set_template_from_resource (widget_class, template_resource);
  gtk_widget_class_bind_template_child_full (widget_class, "stack", FALSE,
                                             G_PRIVATE_OFFSET (CbPage, stack));
  gtk_widget_class_bind_template_child_full (widget_class, "count_label", FALSE,
                                             G_PRIVATE_OFFSET (CbPage, count_label));
  gtk_widget_class_bind_template_child_full (widget_class, "list_box", FALSE,
                                             G_PRIVATE_OFFSET (CbPage, list_box));
  gtk_widget_class_bind_template_child_full (widget_class, "error_status", FALSE,
                                             G_PRIVATE_OFFSET (CbPage, error_status));

  add = g_strconcat (catalog->action_prefix, ".add", NULL);
  edit = g_strconcat (catalog->action_prefix, ".edit", NULL);
  delete = g_strconcat (catalog->action_prefix, ".delete", NULL);
  gtk_widget_class_install_action (widget_class, add, NULL, catalog_add_action);
  gtk_widget_class_install_action (widget_class, edit, "s", catalog_edit_action);
  gtk_widget_class_install_action (widget_class, delete, "s", catalog_delete_action);
}

const char *
cb_page_get_account_name (CbPage     *self,
                          const char *account_id)
{
  CbPagePrivate *priv = cb_page_get_instance_private (self);
  const char *name;

  g_return_val_if_fail (CB_IS_PAGE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  name = g_hash_table_lookup (priv->account_names, account_id);

  return name != NULL ? name : account_id;
}
