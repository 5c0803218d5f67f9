/* cb-page.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-page.h"

typedef struct
{
  CbStore *store;
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
cb_page_class_init (CbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_page_dispose;
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
