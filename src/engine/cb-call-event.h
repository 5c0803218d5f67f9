/* cb-call-event.h — one provider call event, normalized
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "cb-outcome.h"

G_BEGIN_DECLS

#define CB_TYPE_CALL_EVENT (cb_call_event_get_type ())

/* The keys Callboard puts in a call's metadata so an event finds its way back. */
#define CB_CALL_METADATA_BATCH_ID      "batch_id"
#define CB_CALL_METADATA_RECIPIENT_ID  "recipient_id"
#define CB_CALL_METADATA_ATTEMPT_ID    "attempt_id"

typedef enum
{
  CB_CALL_EVENT_REGISTERED,  /* polled: the call exists but has not connected yet */
  CB_CALL_EVENT_STARTED,     /* call_started, or polled while ongoing */
  CB_CALL_EVENT_ENDED,       /* call_ended, or polled once ended without analysis */
  CB_CALL_EVENT_ANALYZED,    /* call_analyzed, or polled once ended with analysis */
} CbCallEventKind;

/* Retell's call_status. */
typedef enum
{
  CB_CALL_STATUS_REGISTERED,
  CB_CALL_STATUS_NOT_CONNECTED,
  CB_CALL_STATUS_ONGOING,
  CB_CALL_STATUS_ENDED,
  CB_CALL_STATUS_ERROR,
} CbCallStatus;

typedef struct _CbCallEvent CbCallEvent;

struct _CbCallEvent
{
  char            *provider_call_id;
  CbCallEventKind  kind;
  CbCallStatus     call_status;
  /* CB_OUTCOME_… and its retry class once the call has ended (ENDED and ANALYZED),
   * else NULL and CB_RETRY_NEVER. */
  const char      *outcome;
  CbRetryClass     retry_class;
  char            *disconnection_reason;  /* the provider's own word, or NULL */
  char            *from_number;
  char            *to_number;
  gint64           start_ms;              /* ms since the epoch, 0 when unknown */
  gint64           end_ms;                /* ms since the epoch, 0 when unknown */
  gint64           duration_ms;           /* 0 when unknown or never connected */
  char            *transcript;            /* or NULL */
  char            *analysis_json;         /* JSON object text, or NULL */
  char            *metadata_json;         /* JSON text of the metadata sent, or NULL */
  /* Read from the metadata (CB_CALL_METADATA_…) when present as strings, else NULL. */
  char            *batch_id;
  char            *recipient_id;
  char            *attempt_id;
};

GType         cb_call_event_get_type              (void) G_GNUC_CONST;
CbCallEvent  *cb_call_event_new                   (void);
CbCallEvent  *cb_call_event_copy                  (const CbCallEvent *self);
void          cb_call_event_free                  (CbCallEvent       *self);

/* Sets metadata_json and the batch, recipient and attempt ids from @metadata_json;
 * NULL clears them. Text that is not JSON is kept as is, with no ids. */
/* The string member @name of a JSON object, or NULL when it is absent or not a string;
 * the array member, or NULL when it is absent or not an array. Unlike json-glib's getters,
 * a member of another type is no programming error: it comes from outside. */
const char   *cb_json_object_get_string           (JsonObject        *object,
                                                   const char        *name);
char         *cb_json_object_dup_string           (JsonObject        *object,
                                                   const char        *name);
JsonArray    *cb_json_object_get_array            (JsonObject        *object,
                                                   const char        *name);
void          cb_call_event_set_metadata_json     (CbCallEvent       *self,
                                                   const char        *metadata_json);

/* The tree JsonParser makes of @data, read faster for the common form of JSON (objects,
 * arrays, strings, integers of up to 18 digits, true, false, null); NULL for anything else,
 * valid or not, which the caller then hands to JsonParser. */
JsonNode     *cb_json_parse_fast                  (const char        *data,
                                                   gsize              len);
/* JsonParser reads arrays and objects by recursion: text nested deeper than this would
 * overflow the stack. Every JSON that comes from outside is checked against it first. */
#define CB_JSON_MAX_DEPTH 64

/* FALSE, with a JSON_PARSER_ERROR naming the byte, when @data (@len bytes, or up to its
 * NUL when @len is -1) nests arrays and objects more than CB_JSON_MAX_DEPTH deep, or holds a
 * second object or array after the first, which JsonParser would silently ignore ("{} {}"). */
gboolean      cb_json_check_text                  (const char        *data,
                                                   gssize             len,
                                                   GError           **error);
/* json_parser_load_from_data() and json_from_string(), after cb_json_check_text(). */
gboolean      cb_json_parser_load                 (JsonParser        *parser,
                                                   const char        *data,
                                                   gssize             len,
                                                   GError           **error);
JsonNode     *cb_json_from_string                 (const char        *text,
                                                   GError           **error);
/* The tree JsonParser makes of @data, or its error: by cb_json_parse_fast() when it can. */
JsonNode     *cb_json_parse                       (const char        *data,
                                                   gsize              len,
                                                   GError           **error);

/* "call_started", "call_ended", "call_analyzed", "registered" */
const char   *cb_call_event_kind_to_string        (CbCallEventKind    kind);
/* "registered", "not_connected", "ongoing", "ended", "error" */
const char   *cb_call_status_to_string            (CbCallStatus       status);
/* FALSE for an unknown word. */
gboolean      cb_call_status_from_string          (const char        *text,
                                                   CbCallStatus      *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbCallEvent, cb_call_event_free)

G_END_DECLS
