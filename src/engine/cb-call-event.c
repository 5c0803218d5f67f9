/* cb-call-event.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-call-event"

#include "config.h"

#include "cb-call-event.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (CbCallEvent, cb_call_event, cb_call_event_copy, cb_call_event_free)

static const char *kind_names[] = {
  [CB_CALL_EVENT_REGISTERED] = "registered",
  [CB_CALL_EVENT_STARTED] = "call_started",
  [CB_CALL_EVENT_ENDED] = "call_ended",
  [CB_CALL_EVENT_ANALYZED] = "call_analyzed",
};

static const char *status_names[] = {
  [CB_CALL_STATUS_REGISTERED] = "registered",
  [CB_CALL_STATUS_NOT_CONNECTED] = "not_connected",
  [CB_CALL_STATUS_ONGOING] = "ongoing",
  [CB_CALL_STATUS_ENDED] = "ended",
  [CB_CALL_STATUS_ERROR] = "error",
};

CbCallEvent *
cb_call_event_new (void)
{
  CbCallEvent *self = g_new0 (CbCallEvent, 1);

  self->retry_class = CB_RETRY_NEVER;
  return self;
}

CbCallEvent *
cb_call_event_copy (const CbCallEvent *self)
{
  CbCallEvent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->provider_call_id = g_strdup (self->provider_call_id);
  copy->disconnection_reason = g_strdup (self->disconnection_reason);
  copy->from_number = g_strdup (self->from_number);
  copy->to_number = g_strdup (self->to_number);
  copy->transcript = g_strdup (self->transcript);
  copy->analysis_json = g_strdup (self->analysis_json);
  copy->metadata_json = g_strdup (self->metadata_json);
  copy->batch_id = g_strdup (self->batch_id);
  copy->recipient_id = g_strdup (self->recipient_id);
  copy->attempt_id = g_strdup (self->attempt_id);

  return copy;
}

void
cb_call_event_free (CbCallEvent *self)
{
  if (self == NULL)
    return;

  g_free (self->provider_call_id);
  g_free (self->disconnection_reason);
  g_free (self->from_number);
  g_free (self->to_number);
  g_free (self->transcript);
  g_free (self->analysis_json);
  g_free (self->metadata_json);
  g_free (self->batch_id);
  g_free (self->recipient_id);
  g_free (self->attempt_id);
  g_free (self);
}

char *
cb_json_object_dup_string (JsonObject *object,
                           const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

void
cb_call_event_set_metadata_json (CbCallEvent *self,
                                 const char  *metadata_json)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;

  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->metadata_json, g_free);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->recipient_id, g_free);
  g_clear_pointer (&self->attempt_id, g_free);

  if (metadata_json == NULL)
    return;

  self->metadata_json = g_strdup (metadata_json);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, metadata_json, -1, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  self->batch_id = cb_json_object_dup_string (object, CB_CALL_METADATA_BATCH_ID);
  self->recipient_id = cb_json_object_dup_string (object, CB_CALL_METADATA_RECIPIENT_ID);
  self->attempt_id = cb_json_object_dup_string (object, CB_CALL_METADATA_ATTEMPT_ID);
}

const char *
cb_call_event_kind_to_string (CbCallEventKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

const char *
cb_call_status_to_string (CbCallStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);

  return status_names[status];
}

gboolean
cb_call_status_from_string (const char   *text,
                            CbCallStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (strcmp (status_names[i], text) == 0)
        {
          *status = (CbCallStatus) i;
          return TRUE;
        }
    }

  return FALSE;
}
