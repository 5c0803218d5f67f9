/* cb-window.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-ui"

#include "config.h"

#include "cb-window.h"

#include <glib/gi18n.h>

#include "cb-agents-page.h"
#include "cb-batches-page.h"
#include "cb-page.h"
#include "cb-phone-numbers-page.h"
#include "cb-preferences-window.h"
#include "cb-settings.h"
#include "cb-new-batch-dialog.h"
#include "cb-suppressions-page.h"

struct _CbWindow
{
  AdwApplicationWindow  parent_instance;

  CbStore              *store;
  CbEngine             *engine;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *content_box;
  GtkListBox           *sidebar;
  GtkStack             *stack;
  AdwWindowTitle       *content_title;
  CbBatchesPage        *batches_page;
};

G_DEFINE_FINAL_TYPE (CbWindow, cb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static GtkWidget *
create_sidebar_row (gpointer item,
                    gpointer user_data)
{
  GtkStackPage *page = item;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *image;
  GtkWidget *label;

  g_assert (GTK_IS_STACK_PAGE (page));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  image = gtk_image_new ();
  g_object_bind_property (page, "icon-name", image, "icon-name", G_BINDING_SYNC_CREATE);
  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  g_object_bind_property (page, "title", label, "label", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, gtk_stack_page_get_name (page));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);

  return row;
}

static void
sync_sidebar_selection (CbWindow *self)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->stack);
  guint position = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child), position++)
    {
      if (child == visible)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, position);

          if (row != NULL && gtk_list_box_get_selected_row (self->sidebar) != row)
            gtk_list_box_select_row (self->sidebar, row);
          break;
        }
    }
}

static void
stack_visible_child_cb (CbWindow   *self,
                        GParamSpec *pspec,
                        GtkStack   *stack)
{
  GtkWidget *visible = gtk_stack_get_visible_child (stack);
  GtkStackPage *page;

  g_assert (CB_IS_WINDOW (self));

  if (visible == NULL)
    return;

  page = gtk_stack_get_page (stack, visible);
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
  sync_sidebar_selection (self);
}

static void
sidebar_row_activated_cb (CbWindow      *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list_box)
{
  g_autoptr(GObject) page = NULL;
  GtkSelectionModel *pages;

  g_assert (CB_IS_WINDOW (self));

  pages = gtk_stack_get_pages (self->stack);
  page = g_list_model_get_item (G_LIST_MODEL (pages), gtk_list_box_row_get_index (row));
  g_object_unref (pages);

  if (page == NULL)
    return;

  gtk_stack_set_visible_child (self->stack, gtk_stack_page_get_child (GTK_STACK_PAGE (page)));
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
back_clicked_cb (CbWindow  *self,
                 GtkButton *button)
{
  g_assert (CB_IS_WINDOW (self));

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
leaflet_folded_cb (CbWindow   *self,
                   GParamSpec *pspec,
                   AdwLeaflet *leaflet)
{
  g_assert (CB_IS_WINDOW (self));

  /* Folded, the sidebar is a list to pick from; unfolded, it marks the page shown. */
  if (adw_leaflet_get_folded (leaflet))
    gtk_list_box_set_selection_mode (self->sidebar, GTK_SELECTION_NONE);
  else
    {
      gtk_list_box_set_selection_mode (self->sidebar, GTK_SELECTION_SINGLE);
      sync_sidebar_selection (self);
    }
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  cb_window_reload (CB_WINDOW (widget));
}

static void
new_batch_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);
  GtkWidget *dialog;

  dialog = cb_new_batch_dialog_new (GTK_WINDOW (self), self->store, self->engine);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);
  CbPreferencesWindow *preferences;

  if (self->store == NULL)
    return;

  preferences = cb_preferences_window_new (GTK_WINDOW (self), self->store, self->engine,
                                           cb_settings_get_default ());
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);
  CbBatchDetail *detail = cb_batches_page_get_detail (self->batches_page);
  const char *visible = gtk_stack_get_visible_child_name (self->stack);

  /* Search what is on screen: the do-not-call list has its own entry; elsewhere
   * the open batch's recipients are the thing to search. */
  if (g_strcmp0 (visible, "suppressions") == 0)
    gtk_widget_activate_action (gtk_stack_get_visible_child (self->stack),
                                "suppressions.search", NULL);
  else if (detail != NULL)
    {
      cb_window_show_page (self, "batches");
      cb_batch_detail_focus_search (detail);
    }
}

static void
cb_window_map (GtkWidget *widget)
{
  CbWindow *self = CB_WINDOW (widget);

  GTK_WIDGET_CLASS (cb_window_parent_class)->map (widget);

  cb_window_reload (self);
}

static gboolean
cb_window_close_request (GtkWindow *window)
{
  CbWindow *self = CB_WINDOW (window);

  if (self->settings != NULL)
    {
      gboolean maximized = gtk_window_is_maximized (window);
      int width;
      int height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      if (!maximized && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (cb_window_parent_class)->close_request (window);
}

static void
cb_window_constructed (GObject *object)
{
  CbWindow *self = CB_WINDOW (object);
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  G_OBJECT_CLASS (cb_window_parent_class)->constructed (object);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (CB_IS_PAGE (child))
        cb_page_set_store (CB_PAGE (child), self->store);
    }

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema != NULL)
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    {
      g_debug ("The GSettings schema %s is not installed: the window size is not kept", APP_ID);
      gtk_window_set_default_size (GTK_WINDOW (self), 960, 640);
    }
}

static void
cb_window_dispose (GObject *object)
{
  CbWindow *self = (CbWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_WINDOW);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cb_window_parent_class)->dispose (object);
}

static void
cb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CbWindow *self = CB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CbWindow *self = CB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_window_class_init (CbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = cb_window_constructed;
  object_class->dispose = cb_window_dispose;
  object_class->get_property = cb_window_get_property;
  object_class->set_property = cb_window_set_property;

  widget_class->map = cb_window_map;

  window_class->close_request = cb_window_close_request;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CB_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CB_TYPE_AGENTS_PAGE);
  g_type_ensure (CB_TYPE_BATCHES_PAGE);
  g_type_ensure (CB_TYPE_PHONE_NUMBERS_PAGE);
  g_type_ensure (CB_TYPE_SUPPRESSIONS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/callboard/Callboard/cb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, batches_page);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "win.new-batch", NULL, new_batch_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-batch", NULL);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
}

static void batch_finished_cb (CbWindow      *self,
                               CbBatch       *batch,
                               CbBatchesPage *page);

static void
cb_window_init (CbWindow *self)
{
  g_autoptr(GtkSelectionModel) pages = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  pages = gtk_stack_get_pages (self->stack);
  gtk_list_box_bind_model (self->sidebar, G_LIST_MODEL (pages), create_sidebar_row, self, NULL);
  g_signal_connect_object (self->batches_page, "batch-finished", G_CALLBACK (batch_finished_cb),
                           self, G_CONNECT_SWAPPED);

  stack_visible_child_cb (self, NULL, self->stack);
}

/**
 * cb_window_new:
 * @application: (nullable): the application
 * @store: the store the pages read from
 */
CbWindow *
cb_window_new (GtkApplication *application,
               CbStore        *store)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  return g_object_new (CB_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

CbStore *
cb_window_get_store (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);

  return self->store;
}

void
cb_window_reload (CbWindow *self)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autoptr(GError) error = NULL;

      if (!CB_IS_PAGE (child))
        continue;

      if (!cb_page_reload (CB_PAGE (child), &error))
        {
          GtkStackPage *page = gtk_stack_get_page (self->stack, child);
          AdwToast *toast;

          g_debug ("Could not load %s: %s", gtk_stack_page_get_name (page), error->message);
          /* Translators: %s is a page title, "Agents" */
          toast = adw_toast_new_format (_("Could not load “%s”"), gtk_stack_page_get_title (page));
          adw_toast_overlay_add_toast (self->toast_overlay, toast);
        }
    }
}

void
cb_window_show_page (CbWindow   *self,
                     const char *name)
{
  g_return_if_fail (CB_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  gtk_stack_set_visible_child_name (self->stack, name);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
batch_finished_cb (CbWindow      *self,
                   CbBatch       *batch,
                   CbBatchesPage *page)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  const CbBatchCounters *counters = cb_batch_get_counters (batch);

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  /* Translators: a desktop notification, %s is the batch name */
  title = g_strdup_printf (_("“%s” Has Finished"), cb_batch_get_name (batch));
  body = g_strdup_printf (_("%u answered, %u failed of %u recipients"),
                          counters->picked_up, counters->failed, counters->total);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  id = g_strconcat ("batch-finished-", cb_batch_get_id (batch), NULL);
  g_application_send_notification (app, id, notification);
}

static void
engine_batch_changed_cb (CbWindow   *self,
                         const char *batch_id,
                         CbEngine   *engine)
{
  g_assert (CB_IS_WINDOW (self));

  cb_batches_page_batch_changed (self->batches_page, batch_id, NULL);
}

static void
engine_recipients_changed_cb (CbWindow   *self,
                              const char *batch_id,
                              GStrv       recipient_ids,
                              CbEngine   *engine)
{
  g_assert (CB_IS_WINDOW (self));

  cb_batches_page_batch_changed (self->batches_page, batch_id,
                                 (const char * const *)recipient_ids);
}

void
cb_window_set_engine (CbWindow   *self,
                      CbEngine   *engine,
                      const char *problem)
{
  g_return_if_fail (CB_IS_WINDOW (self));
  g_return_if_fail (!engine || CB_IS_ENGINE (engine));

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);

  if (engine != NULL)
    {
      g_signal_connect_object (engine, "batch-changed",
                               G_CALLBACK (engine_batch_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "recipients-changed",
                               G_CALLBACK (engine_recipients_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  if (problem != NULL)
    {
      AdwToast *toast = adw_toast_new (problem);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

CbEngine *
cb_window_get_engine (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);

  return self->engine;
}

gboolean
cb_window_open_batch (CbWindow    *self,
                      const char  *batch_id,
                      GError     **error)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), FALSE);

  cb_window_show_page (self, "batches");
  return cb_batches_page_open_batch (self->batches_page, batch_id, error);
}

void
cb_window_add_toast (CbWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
