/* cb-api.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-api"

#include "config.h"

#include "cb-api.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "cb-call-event.h"
#include "cb-call-window.h"
#include "cb-clock.h"
#include "cb-import-private.h"
#include "cb-phone.h"
#include "cb-report.h"
#include "cb-schedule.h"
#include "cb-secrets.h"
#include "cb-store-private.h"

#define BATCHES_PATH        "/v1/agents/batch-calls"
#define RETELL_PATH         "/create-batch-call"
#define ZUDU_PATH           "/batch-call"
/* Retell's calling window zone when a request names none. */
#define RETELL_DEFAULT_ZONE "America/Los_Angeles"
/* A batch's concurrency when the "default_concurrency" setting gives none, as in the store. */
#define DEFAULT_CONCURRENCY 10
/* How many columns CB_STORE_BATCH_COLUMNS names. */
#define CB_API_BATCH_N_COLUMNS 26

static const char sample_csv[] =
  "phone,first_name,appointment_date\n"
  "+1 415 555 0100,Ada,2026-05-05 09:00\n"
  "+1 415 555 0101,Grace,2026-05-05 09:30\n"
  "+1 415 555 0102,Linus,2026-05-06 14:00\n";

struct _CbApi
{
  GObject       parent_instance;

  CbEngine     *engine;
  CbStore      *store;
  CbHttpServer *server;
  GCancellable *cancellable;
  guint8        token_digest[32];
  gulong        request_started_id;

  /* Lists and pages of recipients straight from an SQLite store's file (open_reader()). */
  sqlite3      *reader;
  sqlite3_stmt *page;
  sqlite3_stmt *list[4];   /* by filters: 1 status, 2 cursor */
  gboolean      reader_tried;
  gboolean      reader_disabled;
};

G_DEFINE_FINAL_TYPE (CbApi, cb_api, G_TYPE_OBJECT)

typedef enum
{
  FLAVOR_V1,
  FLAVOR_RETELL,
  FLAVOR_ZUDU,
} Flavor;

typedef enum
{
  MODE_START,
  MODE_SCHEDULE,
  MODE_DRAFT,
} Mode;

/* Errors */

typedef struct
{
  guint     status;
  char     *code;
  char     *message;
  JsonNode *details;
} ApiError;

static void
api_error_free (ApiError *error)
{
  if (error == NULL)
    return;

  g_free (error->code);
  g_free (error->message);
  g_clear_pointer (&error->details, json_node_unref);
  g_free (error);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApiError, api_error_free)

static ApiError *
api_error_new_literal (guint       status,
                       const char *code,
                       JsonNode   *details,
                       const char *message)
{
  ApiError *error = g_new0 (ApiError, 1);

  error->status = status;
  error->code = g_strdup (code);
  error->message = g_strdup (message);
  error->details = details;

  return error;
}

static ApiError *api_error_new (guint       status,
                                const char *code,
                                JsonNode   *details,
                                const char *format,
                                ...) G_GNUC_PRINTF (4, 5);

static ApiError *
api_error_new (guint       status,
               const char *code,
               JsonNode   *details,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return api_error_new_literal (status, code, details, message);
}

static JsonNode *
field_details (const char *field)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "field", field);
  json_node_take_object (node, object);

  return node;
}

/* 400 invalid_field, naming the field in the message and in details.field. */
static ApiError *field_error (const char *field,
                              const char *format,
                              ...) G_GNUC_PRINTF (2, 3);

static ApiError *
field_error (const char *field,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_field", field_details (field),
                                message);
}

static ApiError *
internal_error (const GError *error)
{
  return api_error_new (SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_error", NULL,
                        _("The request could not be completed: %s"), error->message);
}

/* Replies */

static void
reply_text (SoupServerMessage *msg,
            guint              status,
            const char        *content_type,
            char              *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
reply_node (SoupServerMessage *msg,
            guint              status,
            JsonNode          *node)
{
  reply_text (msg, status, "application/json", json_to_string (node, FALSE));
}

static JsonNode *
zudu_wrap (const char *message,
           const char *status,
           const char *error,
           JsonNode   *data)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "message", message);
  json_object_set_string_member (object, "status", status);
  if (error != NULL)
    json_object_set_string_member (object, "error", error);
  else
    json_object_set_null_member (object, "error");
  if (data != NULL)
    json_object_set_member (object, "data", data);
  else
    json_object_set_null_member (object, "data");
  json_node_take_object (node, object);

  return node;
}

static char *
error_body (Flavor          flavor,
            const ApiError *error)
{
  g_autoptr(JsonNode) root = NULL;

  if (flavor == FLAVOR_ZUDU)
    root = zudu_wrap (_("Batch call was not created"), "error", error->message, NULL);
  else
    {
      JsonObject *outer = json_object_new ();
      JsonObject *inner = json_object_new ();

      json_object_set_string_member (inner, "code", error->code);
      json_object_set_string_member (inner, "message", error->message);
      if (error->details != NULL)
        json_object_set_member (inner, "details", json_node_copy (error->details));
      else
        json_object_set_null_member (inner, "details");
      json_object_set_object_member (outer, "error", inner);
      root = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (root, outer);
    }

  return json_to_string (root, FALSE);
}

static void
reply_error (SoupServerMessage *msg,
             Flavor             flavor,
             const ApiError    *error)
{
  if (error->status == SOUP_STATUS_UNAUTHORIZED && flavor != FLAVOR_ZUDU)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
  reply_text (msg, error->status, "application/json", error_body (flavor, error));
}

static void
reply_new_error (SoupServerMessage *msg,
                 Flavor             flavor,
                 ApiError          *error)
{
  reply_error (msg, flavor, error);
  api_error_free (error);
}

static void
reply_method_not_allowed (SoupServerMessage *msg,
                          Flavor             flavor,
                          const char        *allow)
{
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  reply_new_error (msg, flavor,
                   api_error_new (SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
                                  _("%s is not allowed on %s; use %s"), method, path, allow));
}

/* TRUE when the method is GET (or HEAD), else replies 405. */
static gboolean
expect_get (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
    return TRUE;

  reply_method_not_allowed (msg, FLAVOR_V1, "GET, HEAD");
  return FALSE;
}

static gboolean
expect_post (SoupServerMessage *msg,
             Flavor             flavor)
{
  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
    return TRUE;

  reply_method_not_allowed (msg, flavor, "POST");
  return FALSE;
}

/* Authentication */

static void
digest_token (const char *token,
              guint8      digest[32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (checksum, (const guchar *) token, strlen (token));
  g_checksum_get_digest (checksum, digest, &len);
  g_assert (len == 32);
}

/* Compares digests, so neither the time taken nor its length says anything about the token. */
static gboolean
token_matches (CbApi      *self,
               const char *given)
{
  guint8 digest[32];
  guint8 diff = 0;

  if (given == NULL)
    return FALSE;

  digest_token (given, digest);
  for (guint i = 0; i < sizeof digest; i++)
    diff |= digest[i] ^ self->token_digest[i];

  return diff == 0;
}

static gboolean
is_authorized (CbApi             *self,
               SoupServerMessage *msg,
               Flavor             flavor)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value;

  if (flavor == FLAVOR_ZUDU)
    {
      gboolean key_ok = token_matches (self, soup_message_headers_get_one (headers, "X-API-KEY"));
      gboolean secret_ok = token_matches (self,
                                          soup_message_headers_get_one (headers, "X-API-SECRET"));

      return key_ok & secret_ok;
    }

  value = soup_message_headers_get_one (headers, "Authorization");
  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return FALSE;

  value += 7;
  while (*value == ' ')
    value++;

  return token_matches (self, value);
}

static ApiError *
unauthorized_error (Flavor flavor)
{
  if (flavor == FLAVOR_ZUDU)
    return api_error_new_literal (SOUP_STATUS_UNAUTHORIZED, "unauthorized", NULL,
                                  _("Send the API token in both X-API-KEY and X-API-SECRET."));

  return api_error_new_literal (SOUP_STATUS_UNAUTHORIZED, "unauthorized", NULL,
                                _("Send the API token as “Authorization: Bearer TOKEN” "
                                  "(callboard-engine token prints it)."));
}

/* Limits */

static guint64
get_setting_u64 (CbStore    *store,
                 const char *key,
                 guint64     fallback)
{
  g_autofree char *text = cb_store_get_setting (store, key);
  guint64 value;

  if (text != NULL && g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, G_MAXINT64, &value,
                                                  NULL))
    return value;

  return fallback;
}

/* The "default_call_window" setting (SPEC §5 call_window JSON, written by Preferences) in
 * its canonical form, for a batch created without its own; NULL when unset, empty or not
 * a valid window (with a warning: a bad setting must not stop batches being created). */
static char *
dup_default_call_window (CbStore *store)
{
  g_autofree char *text = cb_store_get_setting (store, "default_call_window");
  g_autoptr(CbCallWindow) window = NULL;
  g_autoptr(GError) error = NULL;

  if (text == NULL || *g_strstrip (text) == '\0')
    return NULL;

  if (!(window = cb_call_window_new_from_string (text, &error)))
    {
      g_warning ("Ignoring the setting default_call_window “%s”: %s", text, error->message);
      return NULL;
    }

  return cb_call_window_to_string (window);
}

static guint
max_recipients (CbApi *self)
{
  return (guint) MIN (G_MAXUINT, get_setting_u64 (self->store, "max_recipients",
                                                  CB_IMPORT_DEFAULT_MAX_ROWS));
}

static guint64
max_file_bytes (CbApi *self)
{
  return get_setting_u64 (self->store, "max_file_bytes", CB_IMPORT_DEFAULT_MAX_BYTES);
}

static guint64
max_body_bytes (CbApi *self)
{
  return max_file_bytes (self) + CB_API_BODY_OVERHEAD;
}

static ApiError *
too_large_error (CbApi *self)
{
  return api_error_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large", NULL,
                        _("The request is larger than the limit of %" G_GUINT64_FORMAT
                          " bytes for a file."), max_file_bytes (self));
}

static ApiError *
too_many_error (CbApi *self,
                guint  count)
{
  return api_error_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large", NULL,
                        _("%u recipients are more than the limit of %u per batch."),
                        count, max_recipients (self));
}

static Flavor
flavor_for_path (const char *path)
{
  if (g_str_equal (path, ZUDU_PATH) || g_str_has_prefix (path, ZUDU_PATH "/"))
    return FLAVOR_ZUDU;
  if (g_str_equal (path, RETELL_PATH) || g_str_has_prefix (path, RETELL_PATH "/"))
    return FLAVOR_RETELL;
  return FLAVOR_V1;
}

static gboolean
is_api_path (const char *path)
{
  return g_str_equal (path, "/v1") || g_str_has_prefix (path, "/v1/")
         || g_str_equal (path, RETELL_PATH) || g_str_has_prefix (path, RETELL_PATH "/")
         || g_str_equal (path, ZUDU_PATH) || g_str_has_prefix (path, ZUDU_PATH "/");
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  CbApi *self = user_data;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_autoptr(ApiError) error = NULL;
  g_autofree char *body = NULL;
  guint64 max_bytes;

  if (!is_api_path (path))
    return;

  /* An unauthenticated body is read and dropped, never kept. */
  if (!is_authorized (self, msg, flavor_for_path (path)))
    soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  max_bytes = max_body_bytes (self);
  if (cb_http_server_body_within (msg, max_bytes))
    return;

  error = too_large_error (self);
  body = error_body (flavor_for_path (path), error);
  cb_http_server_limit_body (msg, max_bytes, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, body);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), user_data, 0);
}

/* JSON output */

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *time)
{
  json_builder_set_member_name (builder, name);
  if (time != NULL)
    {
      g_autofree char *text = cb_rfc3339_format (time);
      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* A time in ms since the epoch as cb_rfc3339_format() writes it ("2026-05-05T09:00:00Z"),
 * without a GDateTime; FALSE (and nothing written) outside the years 1 to 9999. */
static gboolean
append_ms_time (GString *out,
                gint64   ms)
{
  gint64 s = ms >= 0 ? ms / 1000 : -((999 - ms) / 1000);
  char text[24];
  char *p;

  text[0] = '"';
  if ((p = cb_civil_time_write (text + 1, s)) == NULL)
    return FALSE;
  p = cb_utc_offset_write (p, 0);
  *p++ = '"';
  g_string_append_len (out, text, p - text);

  return TRUE;
}

/* A row of a query: the current row of an SQLite statement, or a row of a libgda model. */
typedef struct
{
  sqlite3_stmt *stmt;
  GdaDataModel *model;
  int           row;
} RowSource;

static const char *
row_string (RowSource *src,
            int        col)
{
  if (src->stmt != NULL)
    return (const char *) sqlite3_column_text (src->stmt, col);
  return cb_store_model_get_string (src->model, col, src->row);
}

static gboolean
row_is_null (RowSource *src,
             int        col)
{
  const GValue *value;

  if (src->stmt != NULL)
    return sqlite3_column_type (src->stmt, col) == SQLITE_NULL;

  value = gda_data_model_get_value_at (src->model, col, src->row, NULL);
  return value == NULL || gda_value_is_null (value);
}

static gint64
row_int64 (RowSource *src,
           int        col,
           gint64     if_null)
{
  if (src->stmt != NULL)
    return sqlite3_column_type (src->stmt, col) == SQLITE_NULL
           ? if_null : sqlite3_column_int64 (src->stmt, col);
  return cb_store_model_get_int64 (src->model, col, src->row, if_null);
}

/* Appends a time column as cb_rfc3339_format() writes it, or null when it holds none a
 * GDateTime could hold. */
static void
append_row_time (GString   *out,
                 RowSource *src,
                 int        col)
{
  if (row_is_null (src, col) || !append_ms_time (out, row_int64 (src, col, 0)))
    g_string_append_len (out, "null", 4);
}

static void append_json_string (GString *out, const char *str, gboolean like_json_glib);

static void
append_batch_member (GString    *out,
                     const char *name)
{
  g_string_append_c (out, ',');
  append_json_string (out, name, TRUE);
  g_string_append_c (out, ':');
}

static void
append_batch_string (GString    *out,
                     const char *name,
                     const char *value)
{
  append_batch_member (out, name);
  append_json_string (out, value, TRUE);
}

static void
append_batch_int (GString    *out,
                  const char *name,
                  gint64      value)
{
  append_batch_member (out, name);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

#define NO_TIME G_MININT64

static void
append_batch_time (GString    *out,
                   const char *name,
                   gint64      ms)
{
  append_batch_member (out, name);
  if (ms == NO_TIME || !append_ms_time (out, ms))
    g_string_append_len (out, "null", 4);
}

/* JSON text kept in the database, as json-glib writes it back, or null. */
static void
append_batch_json_text (GString    *out,
                        const char *name,
                        const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *normal = NULL;

  append_batch_member (out, name);
  if (text != NULL && *text != '\0')
    node = cb_json_from_string (text, NULL);

  if (node != NULL && (normal = json_to_string (node, FALSE)) != NULL)
    g_string_append (out, normal);
  else
    g_string_append_len (out, "null", 4);
}

/* Lists and pages of recipients are read straight from an SQLite store's file with a
 * read-only connection of the API's own: no GValue for each cell, no row object for each
 * row, and no wait on the store's lock (WAL: readers never block the engine's writes).
 * FALSE for another database, or a file that cannot be opened so: read through libgda. */
static gboolean
open_reader (CbApi *self)
{
  const char *path;

  if (self->reader_disabled)
    return FALSE;
  if (self->reader_tried)
    return self->reader != NULL;

  self->reader_tried = TRUE;
  path = cb_store_get_path (self->store);
  if (!cb_store_is_sqlite (self->store) || path == NULL)
    return FALSE;

  if (sqlite3_open_v2 (path, &self->reader, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_busy_timeout (self->reader, 5000) != SQLITE_OK)
    {
      g_debug ("Reading lists through libgda: %s",
               self->reader != NULL ? sqlite3_errmsg (self->reader) : "out of memory");
      g_clear_pointer (&self->reader, sqlite3_close);
    }

  return self->reader != NULL;
}

/* What the API shows of a batch, from a CbBatch or straight from a row of
 * "SELECT CB_STORE_BATCH_COLUMNS" as cb_store_batch_from_model() reads it. */
typedef struct
{
  const char     *id;
  const char     *name;
  const char     *agent_id;
  const char     *phone_number_id;
  const char     *from_number;
  CbBatchStatus   status;
  gint64          scheduled_at;   /* ms, or NO_TIME */
  const char     *timezone;
  guint           max_retries;
  guint           retry_delay_s;
  guint           concurrency;
  const char     *call_window;
  const char     *default_region;
  const char     *pause_reason;
  const char     *error;
  CbBatchCounters counters;
  gint64          created_at;
  gint64          updated_at;
  gint64          started_at;
  gint64          finished_at;
} BatchFields;

static gint64
datetime_ms (GDateTime *time)
{
  return time != NULL ? cb_store_datetime_to_ms (time) : NO_TIME;
}

static void
batch_fields_from_batch (BatchFields *fields,
                         CbBatch     *batch,
                         const char  *from_number)
{
  fields->id = cb_batch_get_id (batch);
  fields->name = cb_batch_get_name (batch);
  fields->agent_id = cb_batch_get_agent_id (batch);
  fields->phone_number_id = cb_batch_get_phone_number_id (batch);
  fields->from_number = from_number;
  fields->status = cb_batch_get_status (batch);
  fields->scheduled_at = datetime_ms (cb_batch_get_scheduled_at (batch));
  fields->timezone = cb_batch_get_timezone (batch);
  fields->max_retries = cb_batch_get_max_retries (batch);
  fields->retry_delay_s = cb_batch_get_retry_delay_s (batch);
  fields->concurrency = cb_batch_get_concurrency (batch);
  fields->call_window = cb_batch_get_call_window (batch);
  fields->default_region = cb_batch_get_default_region (batch);
  fields->pause_reason = cb_batch_get_pause_reason (batch);
  fields->error = cb_batch_get_error (batch);
  fields->counters = *cb_batch_get_counters (batch);
  fields->created_at = datetime_ms (cb_batch_get_created_at (batch));
  fields->updated_at = datetime_ms (cb_batch_get_updated_at (batch));
  fields->started_at = datetime_ms (cb_batch_get_started_at (batch));
  fields->finished_at = datetime_ms (cb_batch_get_finished_at (batch));
}

static gint64
row_time (RowSource *src,
          int        col)
{
  return row_is_null (src, col) ? NO_TIME : row_int64 (src, col, 0);
}

/* Column @n_columns (after CB_STORE_BATCH_COLUMNS) holds the caller ID's number. FALSE for a
 * row that makes no batch. */
static gboolean
batch_fields_from_row (BatchFields *fields,
                       RowSource   *src,
                       int          n_columns)
{
  if (!cb_batch_status_from_string (row_string (src, 4), &fields->status))
    return FALSE;

  fields->id = row_string (src, 0);
  fields->name = row_string (src, 1);
  fields->agent_id = row_string (src, 2);
  fields->phone_number_id = row_string (src, 3);
  fields->scheduled_at = row_time (src, 5);
  fields->timezone = row_string (src, 6);
  fields->max_retries = (guint) row_int64 (src, 7, 0);
  fields->retry_delay_s = (guint) row_int64 (src, 8, 0);
  fields->concurrency = (guint) row_int64 (src, 9, 0);
  fields->call_window = row_string (src, 10);
  fields->default_region = row_string (src, 11);
  fields->pause_reason = row_string (src, 12);
  fields->error = row_string (src, 13);
  fields->created_at = row_time (src, 14);
  fields->updated_at = row_time (src, 15);
  fields->started_at = row_time (src, 16);
  fields->finished_at = row_time (src, 17);
  fields->counters.total = (guint) row_int64 (src, 18, 0);
  fields->counters.pending = (guint) row_int64 (src, 19, 0);
  fields->counters.dialing = (guint) row_int64 (src, 20, 0);
  fields->counters.completed = (guint) row_int64 (src, 21, 0);
  fields->counters.failed = (guint) row_int64 (src, 22, 0);
  fields->counters.cancelled = (guint) row_int64 (src, 23, 0);
  fields->counters.picked_up = (guint) row_int64 (src, 24, 0);
  fields->counters.sent = (guint) row_int64 (src, 25, 0);
  fields->from_number = fields->phone_number_id != NULL ? row_string (src, n_columns) : NULL;

  return TRUE;
}

/* The batch as a JSON object, written straight to text: exactly what json-glib writes for
 * the same members, without building a tree for each batch of a list. */
static void
append_batch_fields (CbApi             *self,
                     GString           *out,
                     const BatchFields *b,
                     gboolean           with_validation)
{
  g_autoptr(GDateTime) next_window_at = NULL;

  if (b->status == CB_BATCH_STATUS_RUNNING)
    next_window_at = cb_engine_dup_next_window_at (self->engine, b->id);

  g_string_append (out, "{\"id\":");
  append_json_string (out, b->id, TRUE);
  append_batch_string (out, "name", b->name);
  append_batch_string (out, "agent_id", b->agent_id);
  append_batch_string (out, "phone_number_id", b->phone_number_id);
  append_batch_string (out, "from_number", b->from_number);
  append_batch_string (out, "status", cb_batch_status_to_string (b->status));
  append_batch_time (out, "scheduled_at", b->scheduled_at);
  append_batch_string (out, "timezone", b->timezone);
  append_batch_int (out, "max_retries", b->max_retries);
  append_batch_int (out, "retry_delay_s", b->retry_delay_s);
  append_batch_int (out, "concurrency", b->concurrency);
  append_batch_json_text (out, "call_window", b->call_window);
  append_batch_string (out, "default_region", b->default_region);
  append_batch_string (out, "pause_reason", b->pause_reason);
  append_batch_string (out, "error", b->error);
  append_batch_time (out, "next_window_at", datetime_ms (next_window_at));

  g_string_append_printf (out, ",\"counters\":{\"total\":%u,\"pending\":%u,\"dialing\":%u,"
                               "\"completed\":%u,\"failed\":%u,\"cancelled\":%u,"
                               "\"picked_up\":%u,\"sent\":%u}",
                          b->counters.total, b->counters.pending, b->counters.dialing,
                          b->counters.completed, b->counters.failed, b->counters.cancelled,
                          b->counters.picked_up, b->counters.sent);

  append_batch_time (out, "created_at", b->created_at);
  append_batch_time (out, "updated_at", b->updated_at);
  append_batch_time (out, "started_at", b->started_at);
  append_batch_time (out, "finished_at", b->finished_at);

  if (with_validation)
    {
      g_autofree char *report = cb_store_dup_batch_report (self->store, b->id, NULL);

      append_batch_json_text (out, "validation", report);
    }

  g_string_append_c (out, '}');
}

static void
append_batch (CbApi      *self,
              GString    *out,
              CbBatch    *batch,
              const char *from_number,
              gboolean    with_validation)
{
  BatchFields fields;

  batch_fields_from_batch (&fields, batch, from_number);
  append_batch_fields (self, out, &fields, with_validation);
}

static JsonNode *
batch_to_json (CbApi      *self,
               CbBatch    *batch,
               const char *from_number,
               gboolean    with_validation)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  append_batch (self, out, batch, from_number, with_validation);
  node = cb_json_from_string (out->str, &error);
  g_assert_no_error (error);

  return node;
}

static char *
dup_from_number (CbApi   *self,
                 CbBatch *batch)
{
  g_autoptr(CbPhoneNumber) number = NULL;

  if (cb_batch_get_phone_number_id (batch) == NULL)
    return NULL;

  number = cb_store_get_phone_number (self->store, cb_batch_get_phone_number_id (batch), NULL);
  return number != NULL ? g_strdup (cb_phone_number_get_number (number)) : NULL;
}

JsonNode *
cb_api_batch_to_json (CbApi    *self,
                      CbBatch  *batch,
                      gboolean  with_validation)
{
  g_autofree char *from_number = NULL;

  g_return_val_if_fail (CB_IS_API (self), NULL);
  g_return_val_if_fail (CB_IS_BATCH (batch), NULL);

  from_number = dup_from_number (self, batch);
  return batch_to_json (self, batch, from_number, with_validation);
}

/* Recipients are written straight to text: a page holds up to 10,000 of them. */

/* A JSON string. @like_json_glib: \b and \f as json-glib writes them, and DEL escaped too. */
static void
append_json_string (GString    *out,
                    const char *str,
                    gboolean    like_json_glib)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;

  if (str == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);

  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append_len (out, "\\n", 2);
      else if (c == '\r')
        g_string_append_len (out, "\\r", 2);
      else if (c == '\t')
        g_string_append_len (out, "\\t", 2);
      else if (like_json_glib && c == '\b')
        g_string_append_len (out, "\\b", 2);
      else if (like_json_glib && c == '\f')
        g_string_append_len (out, "\\f", 2);
      else if (c < 0x20 || (like_json_glib && c == 0x7f))
        {
          char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
          g_string_append_len (out, esc, 6);
        }
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_string (GString    *out,
               const char *str)
{
  append_json_string (out, str, FALSE);
}

static void
append_member (GString    *out,
               const char *name)
{
  g_string_append_c (out, ',');
  append_string (out, name);
  g_string_append_c (out, ':');
}

static void
append_time (GString   *out,
             GDateTime *time)
{
  g_autofree char *text = time != NULL ? cb_rfc3339_format (time) : NULL;

  append_string (out, text);
}

/* JSON object text the engine wrote itself (dynamic variables, call analysis) goes in as it
 * is; anything that does not even look like an object is parsed, or left out as null. */
static void
append_object_text (GString    *out,
                    const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len >= 2 && text[0] == '{' && text[len - 1] == '}' && g_utf8_validate (text, len, NULL))
    g_string_append_len (out, text, len);
  else
    {
      g_autoptr(JsonNode) node = text != NULL ? cb_json_from_string (text, NULL) : NULL;
      g_autofree char *valid = node != NULL ? json_to_string (node, FALSE) : NULL;

      g_string_append (out, valid != NULL ? valid : "null");
    }
}

static void
append_recipient (GString     *out,
                  CbRecipient *recipient)
{
  int max_retries = cb_recipient_get_max_retries (recipient);

  g_string_append (out, "{\"id\":");
  append_string (out, cb_recipient_get_id (recipient));
  g_string_append_printf (out, ",\"row\":%u", cb_recipient_get_row (recipient));
  append_member (out, "phone");
  append_string (out, cb_recipient_get_phone (recipient));
  append_member (out, "raw_phone");
  append_string (out, cb_recipient_get_raw_phone (recipient));
  append_member (out, "dynamic_vars");
  append_object_text (out, cb_recipient_get_dynamic_vars (recipient));
  append_member (out, "status");
  append_string (out, cb_recipient_status_to_string (cb_recipient_get_status (recipient)));
  g_string_append_printf (out, ",\"attempts\":%u", cb_recipient_get_attempts (recipient));
  if (max_retries >= 0)
    g_string_append_printf (out, ",\"max_retries\":%d", max_retries);
  else
    g_string_append (out, ",\"max_retries\":null");
  append_member (out, "provider_call_id");
  append_string (out, cb_recipient_get_provider_call_id (recipient));
  append_member (out, "outcome");
  append_string (out, cb_recipient_get_outcome (recipient));
  append_member (out, "disconnection_reason");
  append_string (out, cb_recipient_get_disconnection_reason (recipient));
  if (cb_recipient_get_ended_at (recipient) != NULL || cb_recipient_get_duration_ms (recipient) > 0)
    g_string_append_printf (out, ",\"duration_ms\":%" G_GINT64_FORMAT,
                            cb_recipient_get_duration_ms (recipient));
  else
    g_string_append (out, ",\"duration_ms\":null");
  append_member (out, "transcript");
  append_string (out, cb_recipient_get_transcript (recipient));
  append_member (out, "analysis");
  if (cb_recipient_get_analysis (recipient) != NULL && *cb_recipient_get_analysis (recipient))
    append_object_text (out, cb_recipient_get_analysis (recipient));
  else
    g_string_append (out, "null");
  append_member (out, "error");
  append_string (out, cb_recipient_get_error (recipient));
  append_member (out, "next_attempt_at");
  append_time (out, cb_recipient_get_next_attempt_at (recipient));
  append_member (out, "started_at");
  append_time (out, cb_recipient_get_started_at (recipient));
  append_member (out, "ended_at");
  append_time (out, cb_recipient_get_ended_at (recipient));
  g_string_append_c (out, '}');
}

JsonNode *
cb_api_recipient_to_json (CbRecipient *recipient)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CB_IS_RECIPIENT (recipient), NULL);

  append_recipient (text, recipient);
  return cb_json_from_string (text->str, NULL);
}

/* Reading request fields. Each getter leaves *out alone when the member is absent or null. */

static gboolean
is_absent (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *field,
            const char **out,
            ApiError   **error)
{
  JsonNode *node;

  if (is_absent (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *error = field_error (field, _("%s must be a string"), field);
      return FALSE;
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         const char  *field,
         gint64       min,
         gint64       max,
         gint64      *out,
         ApiError   **error)
{
  JsonNode *node;

  if (is_absent (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      *error = field_error (field, _("%s must be an integer from %" G_GINT64_FORMAT
                                     " to %" G_GINT64_FORMAT), field, min, max);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          const char  *field,
          gboolean    *out,
          ApiError   **error)
{
  JsonNode *node;

  if (is_absent (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      *error = field_error (field, _("%s must be true or false"), field);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* Milliseconds since the epoch, as an integer or a number without a fraction. */
static gboolean
get_ms (JsonObject  *object,
        const char  *member,
        GDateTime  **out,
        ApiError   **error)
{
  JsonNode *node;
  gint64 ms;

  if (is_absent (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    ms = json_node_get_int (node);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE
           && json_node_get_double (node) == (double) (gint64) json_node_get_double (node))
    ms = (gint64) json_node_get_double (node);
  else
    {
      *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_scheduled_at",
                              field_details (member),
                              _("%s must be a Unix time in milliseconds"), member);
      return FALSE;
    }

  if (!(*out = cb_datetime_new_from_unix_ms (ms)))
    {
      *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_scheduled_at",
                              field_details (member),
                              _("%s %" G_GINT64_FORMAT " is not a time Callboard can use"),
                              member, ms);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_members (JsonObject         *object,
               const char * const *known,
               ApiError          **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          *error = field_error (l->data, _("Unknown field “%s”"), (const char *) l->data);
          return FALSE;
        }
    }

  return TRUE;
}

/* The create request, whichever route it came through */

typedef struct
{
  char      *phone;      /* NULL when missing or blank */
  char     **keys;
  char     **values;
  int        max_retries;
} InRecipient;

static void
in_recipient_free (InRecipient *recipient)
{
  g_free (recipient->phone);
  g_strfreev (recipient->keys);
  g_strfreev (recipient->values);
  g_free (recipient);
}

typedef struct
{
  Flavor     flavor;
  Mode       mode;
  char      *name;
  char      *agent_id;
  char      *phone_number_id;
  char      *from_number;
  char      *timezone;
  char      *default_region;
  char      *phone_column;
  char      *call_window;
  int        max_retries;
  int        retry_delay_s;
  int        concurrency;
  gboolean   skip_invalid;
  GDateTime *scheduled_at;
  /* JSON recipients (InRecipient*), or a file */
  GPtrArray *recipients;
  const char *recipients_field;  /* "recipients" / "tasks" */
  GBytes    *file;
  char      *file_name;
} CreateRequest;

static void
create_request_free (CreateRequest *request)
{
  g_free (request->name);
  g_free (request->agent_id);
  g_free (request->phone_number_id);
  g_free (request->from_number);
  g_free (request->timezone);
  g_free (request->default_region);
  g_free (request->phone_column);
  g_free (request->call_window);
  g_clear_pointer (&request->scheduled_at, g_date_time_unref);
  g_clear_pointer (&request->recipients, g_ptr_array_unref);
  g_clear_pointer (&request->file, g_bytes_unref);
  g_free (request->file_name);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CreateRequest, create_request_free)

static CreateRequest *
create_request_new (Flavor flavor)
{
  CreateRequest *request = g_new0 (CreateRequest, 1);

  request->flavor = flavor;
  request->mode = MODE_START;
  request->max_retries = -1;
  request->retry_delay_s = -1;
  request->concurrency = -1;

  return request;
}

static char *
scalar_to_string (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));

    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }

    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");

    default:
      return NULL;
    }
}

/* One element of recipients[] / tasks[]. */
static InRecipient *
parse_recipient (JsonNode    *node,
                 const char  *list,
                 guint        index,
                 const char  *phone_member,
                 const char  *vars_member,
                 gboolean     with_max_retries,
                 gboolean     strict,
                 ApiError   **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *phone_field = g_strdup_printf ("%s[%u].%s", list, index, phone_member);
  g_autofree char *vars_field = g_strdup_printf ("%s[%u].%s", list, index, vars_member);
  g_autofree char *retries_field = g_strdup_printf ("%s[%u].max_retries", list, index);
  InRecipient *recipient;
  JsonObject *object;
  const char *phone = NULL;
  gint64 max_retries = -1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *field = g_strdup_printf ("%s[%u]", list, index);
      *error = field_error (field, _("%s must be an object"), field);
      return NULL;
    }

  object = json_node_get_object (node);

  if (strict)
    {
      const char *known[] = { phone_member, vars_member, "max_retries", NULL };
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          if (!g_strv_contains (known, l->data))
            {
              g_autofree char *field = g_strdup_printf ("%s[%u].%s", list, index,
                                                        (const char *) l->data);
              *error = field_error (field, _("Unknown field “%s”"), field);
              return NULL;
            }
        }
    }

  if (!get_string (object, phone_member, phone_field, &phone, error))
    return NULL;

  if (with_max_retries
      && !get_int (object, "max_retries", retries_field, 0, 10, &max_retries, error))
    return NULL;

  if (!is_absent (object, vars_member))
    {
      JsonNode *vars = json_object_get_member (object, vars_member);
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (vars))
        {
          *error = field_error (vars_field, _("%s must be an object of strings"), vars_field);
          return NULL;
        }

      members = json_object_get_members (json_node_get_object (vars));
      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (vars), l->data);
          char *text;

          if (JSON_NODE_HOLDS_NULL (value))
            continue;

          if (*(const char *) l->data == '\0' || !(text = scalar_to_string (value)))
            {
              g_autofree char *field = g_strdup_printf ("%s.%s", vars_field,
                                                        (const char *) l->data);
              *error = field_error (field, _("%s must be a string"), field);
              return NULL;
            }

          g_ptr_array_add (keys, g_strdup (l->data));
          g_ptr_array_add (values, text);
        }
    }

  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);

  recipient = g_new0 (InRecipient, 1);
  if (phone != NULL && !cb_import_text_is_blank (phone, -1))
    recipient->phone = g_strdup (phone);
  recipient->keys = (char **) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
  recipient->values = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
  recipient->max_retries = (int) max_retries;

  return recipient;
}

static gboolean
parse_recipients (CbApi          *self,
                  CreateRequest  *request,
                  JsonObject     *object,
                  const char     *list,
                  const char     *phone_member,
                  const char     *vars_member,
                  gboolean        with_max_retries,
                  gboolean        strict,
                  ApiError      **error)
{
  JsonNode *node = json_object_get_member (object, list);
  JsonArray *array;
  guint n;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *error = field_error (list, _("%s is required"), list);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *error = field_error (list, _("%s must be a list"), list);
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      *error = field_error (list, _("%s must hold at least one recipient"), list);
      return FALSE;
    }

  if (n > max_recipients (self))
    {
      *error = too_many_error (self, n);
      return FALSE;
    }

  request->recipients = g_ptr_array_new_full (n, (GDestroyNotify) in_recipient_free);
  request->recipients_field = list;
  for (guint i = 0; i < n; i++)
    {
      InRecipient *recipient = parse_recipient (json_array_get_element (array, i), list, i,
                                                phone_member, vars_member, with_max_retries,
                                                strict, error);
      if (recipient == NULL)
        return FALSE;
      g_ptr_array_add (request->recipients, recipient);
    }

  return TRUE;
}

static gboolean
parse_scheduled_at (CreateRequest  *request,
                    JsonObject     *object,
                    ApiError      **error)
{
  const char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (is_absent (object, "scheduled_at"))
    return TRUE;

  if (!get_string (object, "scheduled_at", "scheduled_at", &text, error))
    {
      g_free ((*error)->code);
      (*error)->code = g_strdup ("invalid_scheduled_at");
      return FALSE;
    }

  if (!(request->scheduled_at = cb_rfc3339_parse (text, &local_error)))
    {
      *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_scheduled_at",
                              field_details ("scheduled_at"),
                              _("scheduled_at “%s” is not an RFC 3339 time such as "
                                "2026-05-05T09:00:00Z"), text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_call_window (CreateRequest  *request,
                   JsonObject     *object,
                   const char     *member,
                   ApiError      **error)
{
  g_autoptr(CbCallWindow) window = NULL;
  g_autoptr(GError) local_error = NULL;

  if (is_absent (object, member))
    return TRUE;

  window = cb_call_window_new_from_json_full (json_object_get_member (object, member), member,
                                              &local_error);
  if (window == NULL)
    {
      *error = field_error (member, "%s", local_error->message);
      return FALSE;
    }

  request->call_window = cb_call_window_to_string (window);
  return TRUE;
}

static gboolean
parse_timezone (CreateRequest  *request,
                JsonObject     *object,
                ApiError      **error)
{
  g_autoptr(GTimeZone) zone = NULL;
  const char *text = NULL;

  if (!get_string (object, "timezone", "timezone", &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  if (!(zone = cb_time_zone_new_iana (text)))
    {
      *error = field_error ("timezone", _("timezone “%s” is not an IANA time zone such as "
                                          "America/New_York"), text);
      return FALSE;
    }

  request->timezone = g_strdup (text);
  return TRUE;
}

static gboolean
parse_v1 (CbApi          *self,
          CreateRequest  *request,
          JsonObject     *object,
          gboolean        has_file,
          ApiError      **error)
{
  static const char * const known[] = {
    "name", "agent_id", "phone_number_id", "recipients", "scheduled_at", "timezone",
    "max_retries", "retry_delay_s", "concurrency", "call_window", "default_region",
    "skip_invalid", "status", "phone_column", NULL
  };
  const char *name = NULL, *agent_id = NULL, *phone_number_id = NULL;
  const char *default_region = NULL, *status = NULL, *phone_column = NULL;
  gint64 max_retries = -1, retry_delay_s = -1, concurrency = -1;

  if (!check_members (object, known, error))
    return FALSE;

  if (!get_string (object, "name", "name", &name, error)
      || !get_string (object, "agent_id", "agent_id", &agent_id, error)
      || !get_string (object, "phone_number_id", "phone_number_id", &phone_number_id, error)
      || !get_string (object, "default_region", "default_region", &default_region, error)
      || !get_string (object, "status", "status", &status, error)
      || !get_string (object, "phone_column", "phone_column", &phone_column, error)
      || !get_int (object, "max_retries", "max_retries", 0, 10, &max_retries, error)
      || !get_int (object, "retry_delay_s", "retry_delay_s", 0, 86400, &retry_delay_s, error)
      || !get_int (object, "concurrency", "concurrency", 1, 1000, &concurrency, error)
      || !get_bool (object, "skip_invalid", "skip_invalid", &request->skip_invalid, error)
      || !parse_timezone (request, object, error)
      || !parse_call_window (request, object, "call_window", error)
      || !parse_scheduled_at (request, object, error))
    return FALSE;

  if (name == NULL || cb_import_text_is_blank (name, -1))
    {
      *error = field_error ("name", _("name is required"));
      return FALSE;
    }

  if (agent_id == NULL || *agent_id == '\0')
    {
      *error = field_error ("agent_id", _("agent_id is required (GET /v1/agents lists them)"));
      return FALSE;
    }

  if (status != NULL && !g_str_equal (status, "draft"))
    {
      *error = field_error ("status", _("status may only be “draft” (or left out to start the "
                                        "batch)"));
      return FALSE;
    }

  if (status != NULL && request->scheduled_at != NULL)
    {
      *error = field_error ("status", _("A draft has no scheduled_at: leave one of them out"));
      return FALSE;
    }

  if (phone_column != NULL && !has_file)
    {
      *error = field_error ("phone_column", _("phone_column goes with an uploaded csv_file"));
      return FALSE;
    }

  request->name = g_strdup (name);
  request->agent_id = g_strdup (agent_id);
  request->phone_number_id = phone_number_id != NULL && *phone_number_id != '\0'
                               ? g_strdup (phone_number_id) : NULL;
  request->default_region = default_region != NULL ? g_ascii_strup (default_region, -1) : NULL;
  request->phone_column = g_strdup (phone_column);
  request->max_retries = (int) max_retries;
  request->retry_delay_s = (int) retry_delay_s;
  request->concurrency = (int) concurrency;
  request->mode = status != NULL ? MODE_DRAFT
                  : request->scheduled_at != NULL ? MODE_SCHEDULE : MODE_START;

  if (has_file)
    {
      if (json_object_has_member (object, "recipients"))
        {
          *error = field_error ("recipients", _("Send recipients or upload csv_file, not both"));
          return FALSE;
        }
      return TRUE;
    }

  return parse_recipients (self, request, object, "recipients", "phone", "dynamic_vars", TRUE,
                           TRUE, error);
}

static char *
default_name (void)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();

  return g_date_time_format (now, "Batch call %Y-%m-%d %H:%M UTC");
}

static gboolean
parse_retell (CbApi          *self,
              CreateRequest  *request,
              JsonObject     *object,
              ApiError      **error)
{
  const char *from_number = NULL, *name = NULL;
  gint64 reserved = -1;

  if (!get_string (object, "from_number", "from_number", &from_number, error)
      || !get_string (object, "name", "name", &name, error)
      || !get_int (object, "reserved_concurrency", "reserved_concurrency", 0,
                   CB_DIALER_DEFAULT_ACCOUNT_LIMIT - 1, &reserved, error)
      || !get_ms (object, "trigger_timestamp", &request->scheduled_at, error)
      || !parse_call_window (request, object, "call_time_window", error))
    return FALSE;

  if (from_number == NULL || *from_number == '\0')
    {
      *error = field_error ("from_number", _("from_number is required"));
      return FALSE;
    }

  request->from_number = g_strdup (from_number);
  request->name = name != NULL && !cb_import_text_is_blank (name, -1) ? g_strdup (name)
                                                                     : default_name ();
  /* Retell's reserved_concurrency is what the account keeps for calls outside batches:
   * the batch may use the rest. Here it is the provider account's lines, and a batch
   * never goes beyond the default concurrency it would have had. */
  if (reserved >= 0)
    request->concurrency = (int) MIN (get_setting_u64 (self->store, "default_concurrency",
                                                       DEFAULT_CONCURRENCY),
                                      (guint64) (CB_DIALER_DEFAULT_ACCOUNT_LIMIT - reserved));
  request->timezone = g_strdup (RETELL_DEFAULT_ZONE);
  request->mode = request->scheduled_at != NULL ? MODE_SCHEDULE : MODE_START;

  return parse_recipients (self, request, object, "tasks", "to_number",
                           "retell_llm_dynamic_variables", FALSE, FALSE, error);
}

static gboolean
parse_zudu (CbApi          *self,
            CreateRequest  *request,
            JsonObject     *object,
            ApiError      **error)
{
  const char *from_number = NULL, *name = NULL, *agent_id = NULL, *status = NULL;
  gboolean send_now = FALSE;

  if (!get_string (object, "from_number", "from_number", &from_number, error)
      || !get_string (object, "name", "name", &name, error)
      || !get_string (object, "agent_id", "agent_id", &agent_id, error)
      || !get_string (object, "status", "status", &status, error)
      || !get_bool (object, "send_now", "send_now", &send_now, error)
      || !get_ms (object, "trigger_timestamp", &request->scheduled_at, error)
      || !parse_timezone (request, object, error))
    return FALSE;

  if (from_number == NULL || *from_number == '\0')
    {
      *error = field_error ("from_number", _("from_number is required"));
      return FALSE;
    }

  if (name != NULL && g_utf8_strlen (name, -1) > 255)
    {
      *error = field_error ("name", _("name is longer than 255 characters"));
      return FALSE;
    }

  if (status != NULL && !g_str_equal (status, "draft") && !g_str_equal (status, "scheduled"))
    {
      *error = field_error ("status", _("status must be “draft” or “scheduled”"));
      return FALSE;
    }

  if (status != NULL && g_str_equal (status, "draft"))
    request->mode = MODE_DRAFT;
  else if (send_now)
    request->mode = MODE_START;
  else if (request->scheduled_at != NULL)
    request->mode = MODE_SCHEDULE;
  else if (status != NULL)
    {
      *error = field_error ("trigger_timestamp",
                            _("A scheduled batch needs trigger_timestamp (milliseconds)"));
      return FALSE;
    }
  else
    request->mode = MODE_START;

  /* A draft keeps no time; one sent now ignores it. */
  if (request->mode != MODE_SCHEDULE)
    g_clear_pointer (&request->scheduled_at, g_date_time_unref);

  request->from_number = g_strdup (from_number);
  request->agent_id = agent_id != NULL && *agent_id != '\0' ? g_strdup (agent_id) : NULL;
  request->name = name != NULL && !cb_import_text_is_blank (name, -1) ? g_strdup (name)
                                                                     : default_name ();
  if (request->timezone == NULL)
    request->timezone = g_strdup ("UTC");

  return parse_recipients (self, request, object, "tasks", "to_number", "dynamic_variables",
                           TRUE, FALSE, error);
}

/* multipart/form-data: the text fields become a JSON object with the types the JSON body
 * would have, so both go through the same checks. */
static gboolean
form_field_to_json (JsonObject  *object,
                    const char  *name,
                    const char  *value,
                    ApiError   **error)
{
  static const char * const integers[] = { "max_retries", "retry_delay_s", "concurrency", NULL };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (value));

  if (g_strv_contains (integers, name))
    {
      gint64 number;

      if (!g_ascii_string_to_signed (trimmed, 10, G_MININT32, G_MAXINT32, &number, NULL))
        {
          *error = field_error (name, _("%s must be an integer, not “%s”"), name, value);
          return FALSE;
        }
      json_object_set_int_member (object, name, number);
    }
  else if (g_str_equal (name, "skip_invalid"))
    {
      if (g_ascii_strcasecmp (trimmed, "true") == 0 || g_str_equal (trimmed, "1"))
        json_object_set_boolean_member (object, name, TRUE);
      else if (g_ascii_strcasecmp (trimmed, "false") == 0 || g_str_equal (trimmed, "0")
               || *trimmed == '\0')
        json_object_set_boolean_member (object, name, FALSE);
      else
        {
          *error = field_error (name, _("skip_invalid must be true or false, not “%s”"), value);
          return FALSE;
        }
    }
  else if (g_str_equal (name, "call_window"))
    {
      JsonNode *node = cb_json_from_string (trimmed, &local_error);

      if (node == NULL)
        {
          *error = field_error (name, _("call_window must be a JSON object: %s"),
                                local_error != NULL ? local_error->message : _("it is empty"));
          return FALSE;
        }
      json_object_set_member (object, name, node);
    }
  else if (*trimmed != '\0')
    json_object_set_string_member (object, name, value);

  return TRUE;
}

static CreateRequest *
parse_multipart (CbApi               *self,
                 SoupMessageHeaders  *headers,
                 GBytes              *body,
                 ApiError           **error)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);
  g_autoptr(CreateRequest) request = create_request_new (FLAVOR_V1);
  g_autoptr(JsonObject) object = json_object_new ();
  int n;

  if (multipart == NULL)
    {
      *error = api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_multipart", NULL,
                                      _("The multipart/form-data body could not be read."));
      return NULL;
    }

  n = soup_multipart_get_length (multipart);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      const char *name;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      if (!soup_message_headers_get_content_disposition (part_headers, &disposition, &params)
          || (name = g_hash_table_lookup (params, "name")) == NULL)
        {
          *error = api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_multipart", NULL,
                                          _("Each part of the form needs a name."));
          return NULL;
        }

      if (g_str_equal (name, "csv_file"))
        {
          const char *file_name = g_hash_table_lookup (params, "filename");

          g_clear_pointer (&request->file, g_bytes_unref);
          g_clear_pointer (&request->file_name, g_free);
          request->file = g_bytes_ref (part_body);
          request->file_name = g_strdup (file_name != NULL && *file_name != '\0' ? file_name
                                                                                 : "csv_file");
        }
      else
        {
          gsize len;
          const char *data = g_bytes_get_data (part_body, &len);
          g_autofree char *value = g_strndup (data != NULL ? data : "", len);

          if (!g_utf8_validate (value, len, NULL) || strlen (value) != len)
            {
              *error = field_error (name, _("%s must be UTF-8 text"), name);
              return NULL;
            }
          if (!form_field_to_json (object, name, value, error))
            return NULL;
        }
    }

  if (request->file == NULL)
    {
      if (json_object_has_member (object, "recipients"))
        *error = field_error ("recipients", _("Upload the recipients as the file csv_file "
                                              "(or send a JSON body with recipients)"));
      else
        *error = field_error ("csv_file", _("csv_file is required: a CSV, XLSX or XLS file "
                                            "with a phone column"));
      return NULL;
    }

  if (!parse_v1 (self, request, object, TRUE, error))
    return NULL;

  return g_steal_pointer (&request);
}

static CreateRequest *
parse_request (CbApi               *self,
               Flavor               flavor,
               SoupMessageHeaders  *headers,
               GBytes              *body,
               ApiError           **error)
{
  g_autoptr(CreateRequest) request = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *content_type = NULL;
  const char *type;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;
  gboolean ok;

  type = soup_message_headers_get_content_type (headers, NULL);
  if (type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0)
    {
      if (flavor != FLAVOR_V1)
        {
          *error = api_error_new_literal (SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                          "unsupported_media_type", NULL,
                                          _("Send the batch as application/json."));
          return NULL;
        }
      return parse_multipart (self, headers, body, error);
    }

  if (type != NULL && g_ascii_strcasecmp (type, "application/json") != 0
      && !g_str_has_suffix (type, "+json"))
    {
      *error = api_error_new (SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", NULL,
                              _("Send application/json or multipart/form-data, not %s"), type);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (len == 0)
    {
      *error = api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                                      _("The request has no body: send a JSON object."));
      return NULL;
    }

  if (!cb_json_parser_load (parser, data, len, &local_error))
    {
      *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                              _("The body is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *error = api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                                      _("The body must be a JSON object."));
      return NULL;
    }

  request = create_request_new (flavor);
  switch (flavor)
    {
    case FLAVOR_V1:
      ok = parse_v1 (self, request, json_node_get_object (root), FALSE, error);
      break;

    case FLAVOR_RETELL:
      ok = parse_retell (self, request, json_node_get_object (root), error);
      break;

    case FLAVOR_ZUDU:
      ok = parse_zudu (self, request, json_node_get_object (root), error);
      break;

    default:
      g_assert_not_reached ();
    }

  return ok ? g_steal_pointer (&request) : NULL;
}

/* Resolving the agent and the caller ID */

static CbPhoneNumber *
find_phone_number (CbApi       *self,
                   const char  *number,
                   ApiError   **error)
{
  g_autoptr(GListModel) numbers = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(numbers = cb_store_list_phone_numbers (self->store, &local_error)))
    {
      *error = internal_error (local_error);
      return NULL;
    }

  for (guint i = 0; i < g_list_model_get_n_items (numbers); i++)
    {
      g_autoptr(CbPhoneNumber) candidate = g_list_model_get_item (numbers, i);

      if (g_strcmp0 (cb_phone_number_get_number (candidate), number) == 0)
        return g_steal_pointer (&candidate);
    }

  *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "phone_number_not_found",
                          field_details ("from_number"),
                          _("from_number %s is not one of the caller IDs (GET /v1/phone-numbers "
                            "lists them)"), number);
  return NULL;
}

static CbAgent *
find_agent_for_number (CbApi          *self,
                       CbPhoneNumber  *number,
                       ApiError      **error)
{
  g_autoptr(GListModel) agents = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(agents = cb_store_list_agents (self->store, &local_error)))
    {
      *error = internal_error (local_error);
      return NULL;
    }

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr(CbAgent) agent = g_list_model_get_item (agents, i);

      if (g_strcmp0 (cb_agent_get_default_phone_number_id (agent),
                     cb_phone_number_get_id (number)) == 0)
        return g_steal_pointer (&agent);
    }

  *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "agent_not_found",
                          field_details ("from_number"),
                          _("No agent uses %s as its caller ID: make it an agent’s default "
                            "phone number first"), cb_phone_number_get_number (number));
  return NULL;
}

static gboolean
resolve_agent (CbApi          *self,
               CreateRequest  *request,
               ApiError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (request->from_number != NULL)
    {
      g_autoptr(CbPhoneNumber) number = find_phone_number (self, request->from_number, error);

      if (number == NULL)
        return FALSE;

      g_free (request->phone_number_id);
      request->phone_number_id = g_strdup (cb_phone_number_get_id (number));

      if (request->agent_id == NULL)
        {
          g_autoptr(CbAgent) agent = find_agent_for_number (self, number, error);

          if (agent == NULL)
            return FALSE;
          request->agent_id = g_strdup (cb_agent_get_id (agent));
          return TRUE;
        }
    }

  if (request->agent_id != NULL)
    {
      g_autoptr(CbAgent) agent = cb_store_get_agent (self->store, request->agent_id, &local_error);

      if (agent == NULL)
        {
          if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
            *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "agent_not_found",
                                    field_details ("agent_id"),
                                    _("There is no agent “%s” (GET /v1/agents lists them)"),
                                    request->agent_id);
          else
            *error = internal_error (local_error);
          return FALSE;
        }

      if (request->phone_number_id == NULL && cb_agent_get_default_phone_number_id (agent) == NULL)
        {
          *error = field_error ("phone_number_id",
                                _("Agent “%s” has no default caller ID: give phone_number_id"),
                                request->agent_id);
          return FALSE;
        }
    }

  if (request->phone_number_id != NULL && request->from_number == NULL)
    {
      g_autoptr(CbPhoneNumber) number = cb_store_get_phone_number (self->store,
                                                                   request->phone_number_id,
                                                                   &local_error);

      if (number == NULL)
        {
          if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
            *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "phone_number_not_found",
                                    field_details ("phone_number_id"),
                                    _("There is no phone number “%s” (GET /v1/phone-numbers "
                                      "lists them)"), request->phone_number_id);
          else
            *error = internal_error (local_error);
          return FALSE;
        }
    }

  return TRUE;
}

/* Recipients from JSON: written as CSV for the importer (the same checks as a file), with the
 * rows mapped back to positions in the list afterwards. */

typedef struct
{
  GBytes     *csv;
  char       *phone_header;
  GPtrArray  *variables;   /* union of the dynamic variable names, first seen first */
  GArray     *positions;   /* CSV data row k (spreadsheet row k + 2) → position, 1-based */
  GArray     *missing;     /* positions without a phone */
  GArray     *fixups;      /* positions whose variables differ from the union's */
} JsonRows;

static void
json_rows_clear (JsonRows *rows)
{
  g_clear_pointer (&rows->csv, g_bytes_unref);
  g_clear_pointer (&rows->phone_header, g_free);
  g_clear_pointer (&rows->variables, g_ptr_array_unref);
  g_clear_pointer (&rows->positions, g_array_unref);
  g_clear_pointer (&rows->missing, g_array_unref);
  g_clear_pointer (&rows->fixups, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JsonRows, json_rows_clear)

static void
append_csv_cell (GString    *out,
                 const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
name_taken (GPtrArray  *variables,
            const char *name)
{
  for (guint i = 0; i < variables->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (variables, i), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
json_rows_build (JsonRows  *rows,
                 GPtrArray *recipients)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  GString *csv;
  guint n_vars;

  rows->variables = g_ptr_array_new_with_free_func (g_free);
  rows->positions = g_array_new (FALSE, FALSE, sizeof (guint));
  rows->missing = g_array_new (FALSE, FALSE, sizeof (guint));
  rows->fixups = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < recipients->len; i++)
    {
      InRecipient *recipient = g_ptr_array_index (recipients, i);

      for (guint j = 0; recipient->keys[j] != NULL; j++)
        {
          if (!g_hash_table_contains (seen, recipient->keys[j]))
            {
              g_hash_table_add (seen, recipient->keys[j]);
              g_hash_table_insert (index, recipient->keys[j],
                                   GUINT_TO_POINTER (rows->variables->len));
              g_ptr_array_add (rows->variables, g_strdup (recipient->keys[j]));
            }
        }
    }
  n_vars = rows->variables->len;

  rows->phone_header = g_strdup ("phone");
  for (guint i = 1; name_taken (rows->variables, rows->phone_header); i++)
    {
      g_free (rows->phone_header);
      rows->phone_header = g_strdup_printf ("phone_%u", i);
    }

  csv = g_string_sized_new (64 * (recipients->len + 1));
  append_csv_cell (csv, rows->phone_header);
  for (guint j = 0; j < n_vars; j++)
    {
      g_string_append_c (csv, ',');
      append_csv_cell (csv, g_ptr_array_index (rows->variables, j));
    }
  g_string_append (csv, "\r\n");

  for (guint i = 0; i < recipients->len; i++)
    {
      InRecipient *recipient = g_ptr_array_index (recipients, i);
      g_autofree const char **cells = NULL;
      guint position = i + 1;
      guint n_keys;

      if (recipient->phone == NULL)
        {
          g_array_append_val (rows->missing, position);
          continue;
        }

      n_keys = g_strv_length (recipient->keys);
      cells = g_new0 (const char *, n_vars + 1);
      for (guint j = 0; j < n_keys; j++)
        cells[GPOINTER_TO_UINT (g_hash_table_lookup (index, recipient->keys[j]))] =
          recipient->values[j];

      append_csv_cell (csv, recipient->phone);
      for (guint j = 0; j < n_vars; j++)
        {
          g_string_append_c (csv, ',');
          append_csv_cell (csv, cells[j] != NULL ? cells[j] : "");
        }
      g_string_append (csv, "\r\n");

      g_array_append_val (rows->positions, position);
      if (n_keys != n_vars)
        g_array_append_val (rows->fixups, position);
    }

  rows->csv = g_string_free_to_bytes (csv);
}

static guint
map_row (JsonRows *rows,
         guint     sheet_row)
{
  g_assert (sheet_row >= 2 && sheet_row - 2 < rows->positions->len);
  return g_array_index (rows->positions, guint, sheet_row - 2);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* SPEC §4's report for a list of recipients: rows are positions in the list (1 = the first). */
static JsonNode *
json_rows_report (JsonRows       *rows,
                  CbImportReport *report,
                  const char     *list,
                  const char     *phone_member,
                  guint           total)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "file", list);
  add_int (builder, "rows", total);
  add_int (builder, "valid", cb_import_report_get_valid (report));
  add_int (builder, "invalid", cb_import_report_get_invalid (report) + rows->missing->len);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, phone_member);
  for (guint j = 0; j < rows->variables->len; j++)
    json_builder_add_string_value (builder, g_ptr_array_index (rows->variables, j));
  json_builder_end_array (builder);
  add_string (builder, "phone_column", phone_member);

  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  for (guint reason = 0; reason < CB_IMPORT_N_REASONS; reason++)
    {
      GArray *sheet_rows = cb_import_report_get_reason_rows (report, reason);
      g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));

      if (reason == CB_IMPORT_REASON_MISSING_PHONE)
        g_array_append_vals (positions, rows->missing->data, rows->missing->len);
      for (guint i = 0; sheet_rows != NULL && i < sheet_rows->len; i++)
        {
          guint position = map_row (rows, g_array_index (sheet_rows, guint, i));
          g_array_append_val (positions, position);
        }

      if (positions->len == 0)
        continue;

      g_array_sort (positions, compare_uint);
      json_builder_begin_object (builder);
      add_string (builder, "reason", cb_import_reason_to_string (reason));
      add_string (builder, "message", cb_import_reason_message (reason));
      json_builder_set_member_name (builder, "rows");
      json_builder_begin_array (builder);
      for (guint i = 0; i < positions->len; i++)
        json_builder_add_int_value (builder, g_array_index (positions, guint, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
recipient_vars_json (InRecipient *recipient)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  for (guint j = 0; recipient->keys[j] != NULL; j++)
    json_object_set_string_member (object, recipient->keys[j], recipient->values[j]);
  json_node_set_object (node, object);

  return json_to_string (node, FALSE);
}

/* After the batch was made from the CSV: rows become positions in the list, the report is
 * the list's, and per-recipient max_retries and variables are what the request said. */
static gboolean
apply_json_rows (CbApi          *self,
                 const char     *batch_id,
                 CreateRequest  *request,
                 JsonRows       *rows,
                 JsonNode       *report,
                 GError        **error)
{
  g_autofree char *report_text = json_to_string (report, FALSE);

  if (!cb_store_begin (self->store, error))
    return FALSE;

  if (rows->missing->len == 0)
    {
      if (cb_store_exec (self->store, error,
                         "UPDATE recipients SET row_number = row_number - 1"
                         " WHERE batch_id = ##batch::string",
                         "batch", batch_id,
                         NULL) < 0)
        goto failed;
    }
  else
    {
      /* In ascending order every new number is below every number not yet moved. */
      for (guint k = 0; k < rows->positions->len; k++)
        {
          if (cb_store_exec (self->store, error,
                             "UPDATE recipients SET row_number = ##position::gint"
                             " WHERE batch_id = ##batch::string AND row_number = ##row::gint",
                             "position", (int) g_array_index (rows->positions, guint, k),
                             "batch", batch_id,
                             "row", (int) k + 2,
                             NULL) < 0)
            goto failed;
        }
    }

  if (cb_store_exec (self->store, error,
                     "UPDATE batches SET report_json = ##report::string WHERE id = ##batch::string",
                     "report", report_text,
                     "batch", batch_id,
                     NULL) < 0)
    goto failed;

  for (guint i = 0; i < request->recipients->len; i++)
    {
      InRecipient *recipient = g_ptr_array_index (request->recipients, i);

      if (recipient->max_retries >= 0 && recipient->phone != NULL
          && cb_store_exec (self->store, error,
                            "UPDATE recipients SET max_retries = ##retries::gint"
                            " WHERE batch_id = ##batch::string AND row_number = ##row::gint",
                            "retries", recipient->max_retries,
                            "batch", batch_id,
                            "row", (int) i + 1,
                            NULL) < 0)
        goto failed;
    }

  for (guint k = 0; k < rows->fixups->len; k++)
    {
      guint position = g_array_index (rows->fixups, guint, k);
      g_autofree char *vars = recipient_vars_json (g_ptr_array_index (request->recipients,
                                                                      position - 1));

      if (cb_store_exec (self->store, error,
                         "UPDATE recipients SET dynamic_vars = ##vars::string"
                         " WHERE batch_id = ##batch::string AND row_number = ##row::gint",
                         "vars", vars,
                         "batch", batch_id,
                         "row", (int) position,
                         NULL) < 0)
        goto failed;
    }

  return cb_store_commit (self->store, error);

failed:
  cb_store_rollback (self->store);
  return FALSE;
}

static void
delete_batch (CbApi      *self,
              const char *batch_id)
{
  g_autoptr(GError) error = NULL;

  if (cb_store_exec (self->store, &error,
                     "DELETE FROM batches WHERE id = ##id::string",
                     "id", batch_id,
                     NULL) < 0)
    g_warning ("Could not remove the batch %s of a failed request: %s", batch_id,
               error->message);
}

/* Creating, in a worker thread */

typedef struct
{
  CbApi              *api;
  SoupServerMessage  *msg;
  Flavor              flavor;
  SoupMessageHeaders *headers;
  GBytes             *body;
  gulong              finished_id;
  gboolean            finished;   /* the client went away before the answer */
  /* results */
  CreateRequest      *request;
  char               *batch_id;
  ApiError           *error;
} CreateJob;

static void
create_job_free (CreateJob *job)
{
  g_clear_signal_handler (&job->finished_id, job->msg);
  g_clear_object (&job->api);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->headers, soup_message_headers_unref);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->request, create_request_free);
  g_free (job->batch_id);
  api_error_free (job->error);
  g_free (job);
}

static ApiError *
import_error (CbApi        *self,
              const GError *error,
              const char   *phone_column)
{
  if (error->domain == CB_IMPORT_ERROR)
    {
      switch (error->code)
        {
        case CB_IMPORT_ERROR_NO_PHONE_COLUMN:
          if (phone_column != NULL)
            return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                          field_details ("phone_column"), error->message);
          return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_file",
                                        field_details ("csv_file"), error->message);

        case CB_IMPORT_ERROR_TOO_LARGE:
        case CB_IMPORT_ERROR_TOO_MANY_ROWS:
          return api_error_new_literal (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                                        NULL, error->message);

        case CB_IMPORT_ERROR_INVALID_OPTION:
          return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                        field_details ("phone_column"), error->message);

        case CB_IMPORT_ERROR_CANCELLED:
          return internal_error (error);

        default:
          return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_file",
                                        field_details ("csv_file"), error->message);
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return internal_error (error);

  return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_file",
                                field_details ("csv_file"), error->message);
}

static ApiError *
invalid_recipients_error (JsonNode   *report,
                          guint       invalid,
                          guint       total,
                          const char *what)
{
  if (invalid == 0)
    return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_recipients", report,
                                  _("There is no recipient to call."));

  if (invalid == total)
    return api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_recipients", report,
                          _("None of the %u %s is valid: see the groups in details."),
                          total, what);

  return api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_recipients", report,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "%u of the %u %s is not valid: fix it, or send "
                                     "skip_invalid=true to create the batch from the valid ones.",
                                     "%u of the %u %s are not valid: fix them, or send "
                                     "skip_invalid=true to create the batch from the valid ones.",
                                     invalid),
                        invalid, total, what);
}

static gboolean
create_batch (CbApi          *self,
              CreateRequest  *request,
              char          **batch_id_out,
              ApiError      **error,
              GCancellable   *cancellable)
{
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(GHashTable) suppressed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(JsonNode) report_json = NULL;
  g_auto(GStrv) allowed = NULL;
  g_auto(JsonRows) rows = { 0 };
  g_autofree char *region = NULL;
  CbImportOptions options = { 0 };
  CbBatchParams params = { 0 };
  gint64 started = g_get_monotonic_time ();
  guint invalid, total;

  if (!resolve_agent (self, request, error))
    return FALSE;

  if (request->scheduled_at != NULL)
    {
      g_autoptr(GDateTime) now = cb_clock_get_now_utc ();
      const char *field = request->flavor == FLAVOR_V1 ? "scheduled_at" : "trigger_timestamp";

      if (!cb_schedule_check (request->scheduled_at, now, &local_error))
        {
          *error = api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_scheduled_at",
                                  field_details (field), "%s", local_error->message);
          return FALSE;
        }
    }

  if (request->default_region != NULL)
    {
      if (!cb_phone_is_known_region (request->default_region))
        {
          *error = field_error ("default_region", _("default_region “%s” is not a region code "
                                                    "such as US or GB"), request->default_region);
          return FALSE;
        }
      region = g_strdup (request->default_region);
    }
  else
    {
      g_autofree char *setting = cb_store_get_setting (self->store, "default_region");

      if (setting != NULL && *g_strstrip (setting) != '\0')
        region = g_ascii_strup (setting, -1);
      else
        region = cb_phone_default_region_from_locale ();
    }

  if (!(suppressed = cb_store_dup_suppression_set (self->store, &local_error)))
    {
      *error = internal_error (local_error);
      return FALSE;
    }
  allowed = cb_store_dup_allowed_countries (self->store);

  options.default_region = region;
  options.allowed_countries = (const char * const *) allowed;
  options.suppressed = suppressed;
  options.max_rows = max_recipients (self);
  options.max_bytes = (goffset) max_file_bytes (self);
  options.keep_recipients = TRUE;

  if (request->recipients != NULL)
    {
      json_rows_build (&rows, request->recipients);
      total = request->recipients->len;

      if (rows.positions->len > 0)
        {
          options.phone_column = rows.phone_header;
          report = cb_import_bytes (rows.csv, request->recipients_field, &options, cancellable,
                                    &local_error);
          if (report == NULL)
            {
              *error = import_error (self, local_error, NULL);
              return FALSE;
            }
        }
      else
        {
          /* Not one phone: no need to read anything. */
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          const char *phone_member = request->flavor == FLAVOR_V1 ? "phone" : "to_number";

          json_builder_begin_object (builder);
          add_string (builder, "file", request->recipients_field);
          add_int (builder, "rows", total);
          add_int (builder, "valid", 0);
          add_int (builder, "invalid", total);
          json_builder_set_member_name (builder, "columns");
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, phone_member);
          for (guint j = 0; j < rows.variables->len; j++)
            json_builder_add_string_value (builder, g_ptr_array_index (rows.variables, j));
          json_builder_end_array (builder);
          add_string (builder, "phone_column", phone_member);
          json_builder_set_member_name (builder, "groups");
          json_builder_begin_array (builder);
          json_builder_begin_object (builder);
          add_string (builder, "reason", cb_import_reason_to_string (CB_IMPORT_REASON_MISSING_PHONE));
          add_string (builder, "message",
                      cb_import_reason_message (CB_IMPORT_REASON_MISSING_PHONE));
          json_builder_set_member_name (builder, "rows");
          json_builder_begin_array (builder);
          for (guint i = 0; i < total; i++)
            json_builder_add_int_value (builder, i + 1);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          json_builder_end_array (builder);
          json_builder_end_object (builder);

          *error = invalid_recipients_error (json_builder_get_root (builder), total, total,
                                             request->recipients_field);
          return FALSE;
        }

      report_json = json_rows_report (&rows, report, request->recipients_field,
                                      request->flavor == FLAVOR_V1 ? "phone" : "to_number",
                                      total);
      invalid = cb_import_report_get_invalid (report) + rows.missing->len;
    }
  else
    {
      options.phone_column = request->phone_column;
      report = cb_import_bytes (request->file, request->file_name, &options, cancellable,
                                &local_error);
      if (report == NULL)
        {
          *error = import_error (self, local_error, request->phone_column);
          return FALSE;
        }

      report_json = cb_import_report_to_json (report);
      total = cb_import_report_get_rows (report);
      invalid = cb_import_report_get_invalid (report);
    }

  if ((invalid > 0 && !request->skip_invalid) || cb_import_report_get_valid (report) == 0)
    {
      *error = invalid_recipients_error (g_steal_pointer (&report_json), invalid, total,
                                         request->recipients != NULL ? request->recipients_field
                                                                     : _("rows"));
      return FALSE;
    }

  g_debug ("Read %u rows in %.3f s", total, (g_get_monotonic_time () - started) / 1e6);
  started = g_get_monotonic_time ();

  params.name = request->name;
  params.agent_id = request->agent_id;
  params.phone_number_id = request->phone_number_id;
  params.timezone = request->timezone;
  params.max_retries = request->max_retries;
  params.retry_delay_s = request->retry_delay_s;
  params.concurrency = request->concurrency;
  if (request->call_window == NULL)
    request->call_window = dup_default_call_window (self->store);
  params.call_window = request->call_window;
  params.default_region = region;

  if (!(batch = cb_store_create_batch (self->store, &params, report, &local_error)))
    {
      if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID))
        *error = api_error_new_literal (SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                        local_error->message);
      else
        *error = internal_error (local_error);
      return FALSE;
    }

  if (request->recipients != NULL
      && !apply_json_rows (self, cb_batch_get_id (batch), request, &rows, report_json,
                           &local_error))
    {
      delete_batch (self, cb_batch_get_id (batch));
      *error = internal_error (local_error);
      return FALSE;
    }

  g_debug ("Stored batch %s in %.3f s", cb_batch_get_id (batch),
           (g_get_monotonic_time () - started) / 1e6);

  *batch_id_out = g_strdup (cb_batch_get_id (batch));
  return TRUE;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CreateJob *job = task_data;

  job->request = parse_request (job->api, job->flavor, job->headers, job->body, &job->error);
  if (job->request != NULL)
    create_batch (job->api, job->request, &job->batch_id, &job->error, cancellable);

  g_task_return_boolean (task, TRUE);
}

static ApiError *
engine_error (CbApi        *self,
              const char   *batch_id,
              const GError *error,
              const char   *invalid_code)
{
  if (g_error_matches (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_NOT_FOUND))
    return api_error_new (SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                          _("There is no batch “%s”"), batch_id);

  if (g_error_matches (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_CONFLICT))
    {
      g_autoptr(CbBatch) batch = cb_store_get_batch (self->store, batch_id, NULL);
      g_autofree char *code = NULL;
      JsonObject *object = json_object_new ();
      JsonNode *details = json_node_new (JSON_NODE_OBJECT);
      const char *status = batch != NULL ? cb_batch_status_to_string (cb_batch_get_status (batch))
                                         : "unknown";

      code = g_strdup_printf ("batch_%s", status);
      json_object_set_string_member (object, "status", status);
      json_node_take_object (details, object);

      return api_error_new_literal (SOUP_STATUS_CONFLICT, code, details, error->message);
    }

  if (g_error_matches (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_INVALID))
    return api_error_new_literal (SOUP_STATUS_BAD_REQUEST, invalid_code,
                                  g_str_equal (invalid_code, "invalid_scheduled_at")
                                    ? field_details ("scheduled_at") : NULL,
                                  error->message);

  return internal_error (error);
}

static JsonNode *
retell_response (CbBatch       *batch,
                 const char    *from_number,
                 CreateRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GDateTime *when = cb_batch_get_scheduled_at (batch);

  if (when == NULL)
    when = cb_batch_get_created_at (batch);

  json_builder_begin_object (builder);
  add_string (builder, "batch_call_id", cb_batch_get_id (batch));
  add_string (builder, "name", cb_batch_get_name (batch));
  add_string (builder, "from_number", from_number);
  add_int (builder, "scheduled_timestamp", when != NULL ? cb_datetime_to_unix_ms (when) : 0);
  add_int (builder, "total_task_count", cb_batch_get_counters (batch)->total);
  if (cb_batch_get_call_window (batch) != NULL)
    {
      g_autoptr(JsonNode) window = cb_json_from_string (cb_batch_get_call_window (batch), NULL);

      /* Retell spells the days "day". */
      if (window != NULL && JSON_NODE_HOLDS_OBJECT (window))
        {
          JsonObject *object = json_node_get_object (window);

          if (json_object_has_member (object, "days"))
            {
              json_object_set_member (object, "day",
                                      json_node_copy (json_object_get_member (object, "days")));
              json_object_remove_member (object, "days");
            }
          json_builder_set_member_name (builder, "call_time_window");
          json_builder_add_value (builder, g_steal_pointer (&window));
        }
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
add_ms (JsonBuilder *builder,
        const char  *name,
        GDateTime   *time)
{
  json_builder_set_member_name (builder, name);
  if (time != NULL)
    json_builder_add_int_value (builder, cb_datetime_to_unix_ms (time));
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
zudu_response (CbBatch    *batch,
               const char *from_number)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const CbBatchCounters *counters = cb_batch_get_counters (batch);

  json_builder_begin_object (builder);
  add_string (builder, "batch_call_id", cb_batch_get_id (batch));
  add_string (builder, "name", cb_batch_get_name (batch));
  add_string (builder, "from_number", from_number);
  add_ms (builder, "scheduled_timestamp", cb_batch_get_scheduled_at (batch));
  add_int (builder, "total_task_count", counters->total);
  add_int (builder, "total", counters->total);
  add_int (builder, "sent", counters->sent);
  add_int (builder, "picked_up", counters->picked_up);
  add_int (builder, "completed", counters->completed);
  add_string (builder, "agent_id", cb_batch_get_agent_id (batch));
  add_string (builder, "status", cb_batch_status_to_string (cb_batch_get_status (batch)));
  add_string (builder, "timezone", cb_batch_get_timezone (batch));
  add_ms (builder, "last_sent_timestamp", cb_batch_get_started_at (batch));
  add_ms (builder, "created_timestamp", cb_batch_get_created_at (batch));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CreateJob *job = g_task_get_task_data (G_TASK (result));
  CbApi *self = job->api;
  SoupServerMessage *msg = job->msg;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *from_number = NULL;
  gboolean ok = TRUE;

  if (job->error != NULL)
    goto failed;

  /* Nobody is waiting for the answer any more: the batch stays a draft. */
  if (job->finished)
    return;

  g_assert (job->batch_id != NULL);

  if (job->request->mode == MODE_START)
    ok = cb_engine_start_batch (self->engine, job->batch_id, &local_error);
  else if (job->request->mode == MODE_SCHEDULE)
    ok = cb_engine_schedule_batch (self->engine, job->batch_id, job->request->scheduled_at,
                                   &local_error);

  if (!ok)
    {
      job->error = engine_error (self, job->batch_id, local_error, "invalid_scheduled_at");
      delete_batch (self, job->batch_id);
      goto failed;
    }

  if (!(batch = cb_store_get_batch (self->store, job->batch_id, &local_error)))
    {
      job->error = internal_error (local_error);
      goto failed;
    }

  from_number = dup_from_number (self, batch);
  switch (job->flavor)
    {
    case FLAVOR_V1:
      node = batch_to_json (self, batch, from_number, TRUE);
      reply_node (msg, SOUP_STATUS_ACCEPTED, node);
      break;

    case FLAVOR_RETELL:
      node = retell_response (batch, from_number, job->request);
      reply_node (msg, SOUP_STATUS_CREATED, node);
      break;

    case FLAVOR_ZUDU:
      node = zudu_wrap (_("Batch call created successfully"), "success", NULL,
                        zudu_response (batch, from_number));
      reply_node (msg, SOUP_STATUS_CREATED, node);
      break;

    default:
      g_assert_not_reached ();
    }

  soup_server_message_unpause (msg);
  return;

failed:
  if (job->finished)
    return;
  reply_error (msg, job->flavor, job->error);
  soup_server_message_unpause (msg);
}

static void
create_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  CreateJob *job = user_data;

  job->finished = TRUE;
}

static void
handle_create (CbApi             *self,
               SoupServerMessage *msg,
               Flavor             flavor)
{
  g_autoptr(GTask) task = NULL;
  CreateJob *job = g_new0 (CreateJob, 1);

  job->api = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->flavor = flavor;
  job->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  job->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (create_finished_cb), job);
  soup_server_message_pause (msg);

  task = g_task_new (self, self->cancellable, create_done, NULL);
  g_task_set_source_tag (task, handle_create);
  g_task_set_task_data (task, job, (GDestroyNotify) create_job_free);
  g_task_run_in_thread (task, create_thread);
}

/* Listing and reading */

static gboolean
query_uint (GHashTable  *query,
            const char  *name,
            guint        min,
            guint        max,
            guint       *out,
            ApiError   **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 value;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      *error = field_error (name, _("%s must be an integer from %u to %u"), name, min, max);
      return FALSE;
    }

  *out = (guint) value;
  return TRUE;
}

static GHashTable *
dup_numbers_by_id (CbApi *self)
{
  g_autoptr(GListModel) numbers = cb_store_list_phone_numbers (self->store, NULL);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; numbers != NULL && i < g_list_model_get_n_items (numbers); i++)
    {
      g_autoptr(CbPhoneNumber) number = g_list_model_get_item (numbers, i);

      g_hash_table_insert (table, g_strdup (cb_phone_number_get_id (number)),
                           g_strdup (cb_phone_number_get_number (number)));
    }

  return table;
}

/* The list's statement for its filters, newest first as cb_store_list_batches() orders
 * them, the cursor being the last id seen; with the caller ID's number after the batch's
 * columns. One statement for each combination of filters, in libgda's parameter syntax
 * (no NULL parameter for it to rewrite and prepare again on every call) or SQLite's. */
static char *
batch_list_sql (gboolean with_status,
                gboolean with_cursor,
                gboolean for_sqlite)
{
  const char *status = !with_status ? ""
                       : for_sqlite ? " AND status = :status"
                       : " AND status = ##status::string";
  const char *cursor = !with_cursor ? ""
                       : for_sqlite ? " AND (created_at < :at OR (created_at = :at AND id < :cursor))"
                       : " AND (created_at < ##c1::gint64"
                         " OR (created_at = ##c2::gint64 AND id < ##c3::string))";

  return g_strdup_printf ("SELECT %s, (SELECT number FROM phone_numbers p"
                          " WHERE p.id = b.phone_number_id)"
                          " FROM batches b WHERE status <> 'importing'%s%s"
                          " ORDER BY created_at DESC, id DESC LIMIT %s",
                          CB_STORE_BATCH_COLUMNS, status, cursor,
                          for_sqlite ? ":limit" : "##limit::gint");
}

/* Appends the batches of a list page (comma-separated) from a row; sets *@next_cursor when
 * there are more. */
static void
append_list_row (CbApi     *self,
                 GString   *out,
                 RowSource *src,
                 guint      index,
                 guint      limit,
                 guint     *n,
                 char     **next_cursor)
{
  BatchFields fields;

  if (index >= limit)
    return;

  if (index == limit - 1)
    {
      g_free (*next_cursor);
      *next_cursor = g_strdup (row_string (src, 0));
    }

  if (!batch_fields_from_row (&fields, src, CB_API_BATCH_N_COLUMNS))
    return;

  if ((*n)++ > 0)
    g_string_append_c (out, ',');
  append_batch_fields (self, out, &fields, FALSE);
}

static gboolean
append_batch_list (CbApi       *self,
                   GString     *out,
                   const char  *status,
                   const char  *cursor,
                   gint64       cursor_created_at,
                   guint        limit,
                   char       **next_cursor,
                   GError     **error)
{
  guint which = (status != NULL ? 1 : 0) | (cursor != NULL ? 2 : 0);
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  RowSource src = { NULL, NULL, 0 };
  guint n = 0;
  guint n_rows = 0;
  sqlite3_stmt *stmt = NULL;

  if (open_reader (self))
    {
      if (self->list[which] == NULL)
        {
          sql = batch_list_sql (status != NULL, cursor != NULL, TRUE);
          if (sqlite3_prepare_v2 (self->reader, sql, -1, &self->list[which], NULL) != SQLITE_OK)
            {
              g_debug ("Listing batches through libgda: %s", sqlite3_errmsg (self->reader));
              g_clear_pointer (&self->list[which], sqlite3_finalize);
            }
          g_clear_pointer (&sql, g_free);
        }
      stmt = self->list[which];
    }

  if (stmt != NULL)
    {
      int rc;

      src.stmt = stmt;
      sqlite3_reset (stmt);
      if ((status == NULL
           || sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":status"), status,
                                 -1, SQLITE_STATIC) == SQLITE_OK)
          && (cursor == NULL
              || (sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":at"),
                                      cursor_created_at) == SQLITE_OK
                  && sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":cursor"),
                                        cursor, -1, SQLITE_STATIC) == SQLITE_OK))
          && sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"),
                               (int) limit + 1) == SQLITE_OK)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            append_list_row (self, out, &src, n_rows++, limit, &n, next_cursor);
          if (rc == SQLITE_DONE)
            {
              sqlite3_reset (stmt);
              if (n_rows <= limit)
                g_clear_pointer (next_cursor, g_free);
              return TRUE;
            }
        }

      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   _("Could not list batches: %s"), sqlite3_errmsg (self->reader));
      sqlite3_reset (stmt);
      return FALSE;
    }

  sql = batch_list_sql (status != NULL, cursor != NULL, FALSE);
  if (status != NULL && cursor != NULL)
    model = cb_store_select (self->store, error, sql,
                             "status", status,
                             "c1", cursor_created_at,
                             "c2", cursor_created_at,
                             "c3", cursor,
                             "limit", (int) limit + 1,
                             NULL);
  else if (status != NULL)
    model = cb_store_select (self->store, error, sql,
                             "status", status,
                             "limit", (int) limit + 1,
                             NULL);
  else if (cursor != NULL)
    model = cb_store_select (self->store, error, sql,
                             "c1", cursor_created_at,
                             "c2", cursor_created_at,
                             "c3", cursor,
                             "limit", (int) limit + 1,
                             NULL);
  else
    model = cb_store_select (self->store, error, sql,
                             "limit", (int) limit + 1,
                             NULL);
  if (model == NULL)
    return FALSE;

  src.model = model;
  n_rows = (guint) gda_data_model_get_n_rows (model);
  for (src.row = 0; (guint) src.row < n_rows; src.row++)
    append_list_row (self, out, &src, src.row, limit, &n, next_cursor);
  if (n_rows <= limit)
    g_clear_pointer (next_cursor, g_free);

  return TRUE;
}

static void
handle_list (CbApi             *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *next_cursor = NULL;
  gint64 cursor_created_at = 0;
  ApiError *api_error = NULL;
  const char *status_text = query != NULL ? g_hash_table_lookup (query, "status") : NULL;
  const char *cursor = query != NULL ? g_hash_table_lookup (query, "cursor") : NULL;
  CbBatchStatus status;
  guint limit = CB_API_DEFAULT_LIST_LIMIT;

  if (!query_uint (query, "limit", 1, CB_API_MAX_LIST_LIMIT, &limit, &api_error))
    {
      reply_new_error (msg, FLAVOR_V1, api_error);
      return;
    }

  if (status_text != NULL && *status_text != '\0'
      && !cb_batch_status_from_string (status_text, &status))
    {
      reply_new_error (msg, FLAVOR_V1,
                       field_error ("status", _("status “%s” is not one of draft, pending, "
                                                "scheduled, running, paused, completed, "
                                                "cancelled, failed"), status_text));
      return;
    }
  if (status_text != NULL && *status_text == '\0')
    status_text = NULL;
  if (cursor != NULL && *cursor == '\0')
    cursor = NULL;

  if (cursor != NULL)
    {
      g_autoptr(GdaDataModel) at = cb_store_select (self->store, &error,
                                                    "SELECT created_at FROM batches"
                                                    " WHERE id = ##id::string"
                                                    " AND status <> 'importing'",
                                                    "id", cursor,
                                                    NULL);
      if (at == NULL)
        {
          reply_new_error (msg, FLAVOR_V1, internal_error (error));
          return;
        }
      if (gda_data_model_get_n_rows (at) == 0)
        {
          reply_new_error (msg, FLAVOR_V1,
                           field_error ("cursor", _("cursor “%s” is not a next_cursor this list "
                                                    "gave"), cursor));
          return;
        }
      cursor_created_at = cb_store_model_get_int64 (at, 0, 0, 0);
    }

  out = g_string_sized_new (1024 * (gsize) MIN (limit, 100) + 64);
  g_string_append (out, "{\"batch_calls\":[");
  if (!append_batch_list (self, out, status_text, cursor, cursor_created_at, limit, &next_cursor,
                          &error))
    {
      reply_new_error (msg, FLAVOR_V1, internal_error (error));
      return;
    }
  g_string_append (out, "],\"next_cursor\":");
  if (next_cursor != NULL)
    append_json_string (out, next_cursor, TRUE);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  reply_text (msg, SOUP_STATUS_OK, "application/json",
              g_string_free (g_steal_pointer (&out), FALSE));
}

static CbBatch *
lookup_batch (CbApi             *self,
              SoupServerMessage *msg,
              const char        *batch_id)
{
  g_autoptr(GError) error = NULL;
  CbBatch *batch = cb_store_get_batch (self->store, batch_id, &error);

  if (batch != NULL)
    return batch;

  if (g_error_matches (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
    reply_new_error (msg, FLAVOR_V1, api_error_new (SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                                                    _("There is no batch “%s”"), batch_id));
  else
    reply_new_error (msg, FLAVOR_V1, internal_error (error));

  return NULL;
}

/* A row of "SELECT CB_STORE_RECIPIENT_COLUMNS" as append_recipient() writes the recipient
 * cb_store_recipient_from_model() would make of it, without making it: a page holds up to
 * 10,000. FALSE (nothing written) for a row that makes no recipient. */
static gboolean
append_recipient_row (GString   *out,
                      RowSource *src)
{
  CbRecipientStatus status;
  gint64 max_retries = row_int64 (src, 8, -1);
  gint64 duration_ms = MAX (0, row_int64 (src, 12, 0));
  const char *analysis = row_string (src, 14);
  gboolean has_end;

  if (!cb_recipient_status_from_string (row_string (src, 6), &status))
    return FALSE;

  g_string_append (out, "{\"id\":");
  append_string (out, row_string (src, 0));
  g_string_append_printf (out, ",\"row\":%u", (guint) row_int64 (src, 2, 0));
  append_member (out, "phone");
  append_string (out, row_string (src, 3));
  append_member (out, "raw_phone");
  append_string (out, row_string (src, 4));
  append_member (out, "dynamic_vars");
  append_object_text (out, row_string (src, 5));
  append_member (out, "status");
  append_string (out, cb_recipient_status_to_string (status));
  g_string_append_printf (out, ",\"attempts\":%u", (guint) row_int64 (src, 7, 0));
  if ((int) max_retries >= 0)
    g_string_append_printf (out, ",\"max_retries\":%d", (int) max_retries);
  else
    g_string_append (out, ",\"max_retries\":null");
  append_member (out, "provider_call_id");
  append_string (out, row_string (src, 9));
  append_member (out, "outcome");
  append_string (out, row_string (src, 10));
  append_member (out, "disconnection_reason");
  append_string (out, row_string (src, 11));
  /* The end as a GDateTime would hold it: between the years 1 and 9999. */
  has_end = !row_is_null (src, 18)
            && row_int64 (src, 18, 0) >= G_GINT64_CONSTANT (-62135596800000)
            && row_int64 (src, 18, 0) < G_GINT64_CONSTANT (253402300800000);
  if (has_end || duration_ms > 0)
    g_string_append_printf (out, ",\"duration_ms\":%" G_GINT64_FORMAT, duration_ms);
  else
    g_string_append (out, ",\"duration_ms\":null");
  append_member (out, "transcript");
  append_string (out, row_string (src, 13));
  append_member (out, "analysis");
  if (analysis != NULL && *analysis != '\0')
    append_object_text (out, analysis);
  else
    g_string_append (out, "null");
  append_member (out, "error");
  append_string (out, row_string (src, 15));
  append_member (out, "next_attempt_at");
  append_row_time (out, src, 16);
  append_member (out, "started_at");
  append_row_time (out, src, 17);
  append_member (out, "ended_at");
  append_row_time (out, src, 18);
  g_string_append_c (out, '}');

  return TRUE;
}

/* The next item of a JSON array of @n recipients so far: the row of @src after a comma,
 * counted in @n; a row that makes no recipient leaves @out as it was. */
static void
append_recipient_item (GString   *out,
                       RowSource *src,
                       int       *n)
{
  gsize len = out->len;

  if (*n > 0)
    g_string_append_c (out, ',');
  if (append_recipient_row (out, src))
    (*n)++;
  else
    g_string_truncate (out, len);
}

/* A detail's page of recipients (see open_reader()), or NULL. */
static sqlite3_stmt *
page_statement (CbApi *self)
{
  g_autofree char *sql = NULL;

  if (!open_reader (self))
    return NULL;
  if (self->page != NULL)
    return self->page;

  sql = g_strdup_printf ("SELECT %s FROM recipients WHERE batch_id = ?1"
                         " ORDER BY row_number LIMIT ?2 OFFSET ?3",
                         CB_STORE_RECIPIENT_COLUMNS);
  if (sqlite3_prepare_v2 (self->reader, sql, -1, &self->page, NULL) != SQLITE_OK)
    {
      g_debug ("Reading recipients through libgda: %s", sqlite3_errmsg (self->reader));
      g_clear_pointer (&self->page, sqlite3_finalize);
    }

  return self->page;
}

void
cb_api_set_direct_reader_enabled (CbApi    *self,
                                  gboolean  enabled)
{
  g_return_if_fail (CB_IS_API (self));

  self->reader_disabled = !enabled;
}

/* Appends the page's recipients, comma-separated; how many, or -1 with @error. */
static int
append_recipients_page (CbApi       *self,
                        GString     *out,
                        const char  *batch_id,
                        guint        offset,
                        guint        limit,
                        GError     **error)
{
  sqlite3_stmt *stmt = page_statement (self);
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  RowSource src = { NULL, NULL, 0 };
  int n = 0;
  int n_rows;

  if (stmt != NULL)
    {
      int rc;

      src.stmt = stmt;
      sqlite3_reset (stmt);
      if (sqlite3_bind_text (stmt, 1, batch_id, -1, SQLITE_STATIC) == SQLITE_OK
          && sqlite3_bind_int (stmt, 2, (int) limit) == SQLITE_OK
          && sqlite3_bind_int (stmt, 3, (int) offset) == SQLITE_OK)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            append_recipient_item (out, &src, &n);
          if (rc == SQLITE_DONE)
            {
              sqlite3_reset (stmt);
              return n;
            }
        }

      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   _("Could not read the recipients of batch “%s”: %s"), batch_id,
                   sqlite3_errmsg (self->reader));
      sqlite3_reset (stmt);
      return -1;
    }

  /* The page as cb_store_list_recipients() reads it. */
  sql = g_strdup_printf ("SELECT %s FROM recipients WHERE batch_id = ##batch::string"
                         " ORDER BY row_number LIMIT ##limit::gint OFFSET ##offset::gint",
                         CB_STORE_RECIPIENT_COLUMNS);
  model = cb_store_select (self->store, error, sql,
                           "batch", batch_id,
                           "limit", (int) limit,
                           "offset", (int) offset,
                           NULL);
  if (model == NULL)
    return -1;

  src.model = model;
  n_rows = gda_data_model_get_n_rows (model);
  for (src.row = 0; src.row < n_rows; src.row++)
    append_recipient_item (out, &src, &n);

  return n;
}

static void
handle_detail (CbApi             *self,
               SoupServerMessage *msg,
               const char        *batch_id,
               GHashTable        *query)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *from_number = NULL;
  ApiError *api_error = NULL;
  guint offset = 0, limit = CB_API_DEFAULT_RECIPIENTS_LIMIT, total;
  gsize batch_len;
  int n;

  if (!query_uint (query, "recipients_offset", 0, G_MAXINT32, &offset, &api_error)
      || !query_uint (query, "recipients_limit", 1, CB_API_MAX_RECIPIENTS_LIMIT, &limit,
                      &api_error))
    {
      reply_new_error (msg, FLAVOR_V1, api_error);
      return;
    }

  if (!(batch = lookup_batch (self, msg, batch_id)))
    return;

  from_number = dup_from_number (self, batch);
  total = cb_batch_get_counters (batch)->total;

  /* The batch object without its closing brace, then the page of recipients. */
  out = g_string_sized_new (2048 + 1024 * (gsize) MIN (limit, total));
  append_batch (self, out, batch, from_number, TRUE);
  g_assert (out->len > 0 && out->str[out->len - 1] == '}');
  g_string_truncate (out, out->len - 1);
  g_string_append (out, ",\"recipients\":[");
  batch_len = out->len;

  if ((n = append_recipients_page (self, out, batch_id, offset, limit, &error)) < 0)
    {
      g_string_truncate (out, batch_len);
      reply_new_error (msg, FLAVOR_V1, internal_error (error));
      return;
    }

  g_string_append_printf (out, "],\"recipients_offset\":%u,\"recipients_limit\":%u,"
                               "\"recipients_next_offset\":", offset, limit);
  if ((guint64) offset + (guint) n < total)
    g_string_append_printf (out, "%u}", offset + (guint) n);
  else
    g_string_append (out, "null}");

  reply_text (msg, SOUP_STATUS_OK, "application/json", g_string_free (g_steal_pointer (&out), FALSE));
}

static void
handle_action (CbApi             *self,
               SoupServerMessage *msg,
               const char        *batch_id,
               const char        *action)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean ok = TRUE;
  int retried = -1;

  if (!(batch = lookup_batch (self, msg, batch_id)))
    return;

  /* Pausing is for a running batch (SPEC §5): pausing a paused one is a conflict too, as
   * resuming a running one is, not a success that changed nothing. */
  if (g_str_equal (action, "pause") && cb_batch_get_status (batch) == CB_BATCH_STATUS_PAUSED)
    {
      g_autoptr(GError) conflict = g_error_new (CB_ENGINE_ERROR, CB_ENGINE_ERROR_CONFLICT,
                                                _("Only a running batch can be paused; this one "
                                                  "is %s"), "paused");

      reply_new_error (msg, FLAVOR_V1, engine_error (self, batch_id, conflict, "invalid_request"));
      return;
    }
  g_clear_object (&batch);

  if (g_str_equal (action, "start"))
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(GDateTime) scheduled_at = NULL;
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      if (len > 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          static const char * const known[] = { "scheduled_at", NULL };
          g_autoptr(CreateRequest) request = create_request_new (FLAVOR_V1);
          ApiError *api_error = NULL;
          JsonNode *node;

          if (!cb_json_parser_load (parser, data, len, &error)
              || !(node = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (node))
            {
              reply_new_error (msg, FLAVOR_V1,
                               api_error_new (SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                                              _("The body must be a JSON object: %s"),
                                              error != NULL ? error->message : _("it is not one")));
              return;
            }

          if (!check_members (json_node_get_object (node), known, &api_error)
              || !parse_scheduled_at (request, json_node_get_object (node), &api_error))
            {
              reply_new_error (msg, FLAVOR_V1, api_error);
              return;
            }
          scheduled_at = g_steal_pointer (&request->scheduled_at);
        }

      if (scheduled_at != NULL)
        ok = cb_engine_schedule_batch (self->engine, batch_id, scheduled_at, &error);
      else
        ok = cb_engine_start_batch (self->engine, batch_id, &error);
    }
  else if (g_str_equal (action, "cancel"))
    ok = cb_engine_cancel_batch (self->engine, batch_id, &error);
  else if (g_str_equal (action, "pause"))
    ok = cb_engine_pause_batch (self->engine, batch_id, &error);
  else if (g_str_equal (action, "resume"))
    ok = cb_engine_resume_batch (self->engine, batch_id, &error);
  else if (g_str_equal (action, "retry"))
    ok = (retried = cb_engine_retry_failed (self->engine, batch_id, &error)) >= 0;
  else
    g_assert_not_reached ();

  if (!ok)
    {
      reply_new_error (msg, FLAVOR_V1,
                       engine_error (self, batch_id, error,
                                     g_str_equal (action, "start") ? "invalid_scheduled_at"
                                                                   : "invalid_request"));
      return;
    }

  if (!(batch = lookup_batch (self, msg, batch_id)))
    return;

  root = cb_api_batch_to_json (self, batch, FALSE);
  if (retried >= 0)
    json_object_set_int_member (json_node_get_object (root), "retried", retried);
  reply_node (msg, SOUP_STATUS_OK, root);
}

typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;
  char              *file_name;
  CbReportFormat     format;
  char              *batch_id;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_signal_handler (&job->finished_id, job->msg);
  g_clear_object (&job->msg);
  g_free (job->file_name);
  g_free (job->batch_id);
  g_free (job);
}

static void
set_attachment (SoupServerMessage *msg,
                const char        *file_name)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, (gpointer) "filename", (gpointer) file_name);
  soup_message_headers_set_content_disposition (soup_server_message_get_response_headers (msg),
                                                "attachment", params);
}

static void
report_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ReportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = cb_report_write_bytes_finish (result, &error);

  if (job->finished)
    {
      report_job_free (job);
      return;
    }

  if (bytes == NULL)
    {
      if (g_error_matches (error, CB_REPORT_ERROR, CB_REPORT_ERROR_NOT_FOUND))
        reply_new_error (job->msg, FLAVOR_V1,
                         api_error_new (SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                                        _("There is no batch “%s”"), job->batch_id));
      else
        reply_new_error (job->msg, FLAVOR_V1, internal_error (error));
    }
  else
    {
      soup_server_message_set_status (job->msg, SOUP_STATUS_OK, NULL);
      set_attachment (job->msg, job->file_name);
      soup_server_message_set_response (job->msg, cb_report_format_get_content_type (job->format),
                                        SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
                                        g_bytes_get_size (bytes));
    }

  soup_server_message_unpause (job->msg);
  report_job_free (job);
}

static void
report_finished_cb (ReportJob *job)
{
  job->finished = TRUE;
}

static void
handle_report (CbApi             *self,
               SoupServerMessage *msg,
               const char        *batch_id,
               CbReportFormat     format)
{
  g_autoptr(CbBatch) batch = NULL;
  ReportJob *job;

  if (!(batch = lookup_batch (self, msg, batch_id)))
    return;

  job = g_new0 (ReportJob, 1);
  job->msg = g_object_ref (msg);
  job->format = format;
  job->file_name = cb_report_dup_file_name (batch, format);
  job->batch_id = g_strdup (batch_id);
  job->finished_id = g_signal_connect_swapped (msg, "finished", G_CALLBACK (report_finished_cb),
                                               job);

  soup_server_message_pause (msg);
  cb_report_write_bytes_async (self->store, batch_id, format, self->cancellable, report_done, job);
}

static void
handle_agents (CbApi             *self,
               SoupServerMessage *msg)
{
  g_autoptr(GListModel) agents = NULL;
  g_autoptr(GHashTable) numbers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!(agents = cb_store_list_agents (self->store, &error)))
    {
      reply_new_error (msg, FLAVOR_V1, internal_error (error));
      return;
    }

  numbers = dup_numbers_by_id (self);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "agents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr(CbAgent) agent = g_list_model_get_item (agents, i);
      const char *number_id = cb_agent_get_default_phone_number_id (agent);

      json_builder_begin_object (builder);
      add_string (builder, "id", cb_agent_get_id (agent));
      add_string (builder, "name", cb_agent_get_name (agent));
      add_string (builder, "provider_account_id", cb_agent_get_provider_account_id (agent));
      add_string (builder, "provider_agent_id", cb_agent_get_provider_agent_id (agent));
      add_string (builder, "default_phone_number_id", number_id);
      add_string (builder, "default_from_number",
                  number_id != NULL ? g_hash_table_lookup (numbers, number_id) : NULL);
      add_string (builder, "webhook_url", cb_agent_get_webhook_url (agent));
      add_time (builder, "created_at", cb_agent_get_created_at (agent));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  reply_node (msg, SOUP_STATUS_OK, root);
}

static void
handle_phone_numbers (CbApi             *self,
                      SoupServerMessage *msg)
{
  g_autoptr(GListModel) numbers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!(numbers = cb_store_list_phone_numbers (self->store, &error)))
    {
      reply_new_error (msg, FLAVOR_V1, internal_error (error));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "phone_numbers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (numbers); i++)
    {
      g_autoptr(CbPhoneNumber) number = g_list_model_get_item (numbers, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", cb_phone_number_get_id (number));
      add_string (builder, "number", cb_phone_number_get_number (number));
      add_string (builder, "label", cb_phone_number_get_label (number));
      add_string (builder, "provider_account_id",
                  cb_phone_number_get_provider_account_id (number));
      add_string (builder, "provider_number_id", cb_phone_number_get_provider_number_id (number));
      add_time (builder, "created_at", cb_phone_number_get_created_at (number));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  reply_node (msg, SOUP_STATUS_OK, root);
}

static void
handle_sample (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  set_attachment (msg, "sample.csv");
  soup_server_message_set_response (msg, "text/csv; charset=utf-8", SOUP_MEMORY_STATIC,
                                    sample_csv, strlen (sample_csv));
}

static void
reply_not_found (SoupServerMessage *msg,
                 Flavor             flavor,
                 const char        *path)
{
  reply_new_error (msg, flavor, api_error_new (SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                                               _("There is nothing at %s"), path));
}

static void
v1_cb (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  CbApi *self = user_data;
  g_auto(GStrv) parts = NULL;
  const char *rest;

  if (!is_authorized (self, msg, FLAVOR_V1))
    {
      reply_new_error (msg, FLAVOR_V1, unauthorized_error (FLAVOR_V1));
      return;
    }

  if (g_str_equal (path, "/v1/agents") || g_str_equal (path, "/v1/agents/"))
    {
      if (expect_get (msg))
        handle_agents (self, msg);
      return;
    }

  if (g_str_equal (path, "/v1/phone-numbers") || g_str_equal (path, "/v1/phone-numbers/"))
    {
      if (expect_get (msg))
        handle_phone_numbers (self, msg);
      return;
    }

  if (g_str_equal (path, BATCHES_PATH) || g_str_equal (path, BATCHES_PATH "/"))
    {
      const char *method = soup_server_message_get_method (msg);

      if (method == SOUP_METHOD_POST)
        handle_create (self, msg, FLAVOR_V1);
      else if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
        handle_list (self, msg, query);
      else
        reply_method_not_allowed (msg, FLAVOR_V1, "GET, HEAD, POST");
      return;
    }

  if (g_str_equal (path, BATCHES_PATH "/sample.csv"))
    {
      if (expect_get (msg))
        handle_sample (msg);
      return;
    }

  if (!g_str_has_prefix (path, BATCHES_PATH "/"))
    {
      reply_not_found (msg, FLAVOR_V1, path);
      return;
    }

  rest = path + strlen (BATCHES_PATH "/");
  parts = g_strsplit (rest, "/", 3);
  if (parts[0] == NULL || *parts[0] == '\0' || (parts[1] != NULL && parts[2] != NULL))
    {
      reply_not_found (msg, FLAVOR_V1, path);
      return;
    }

  if (parts[1] == NULL || *parts[1] == '\0')
    {
      if (expect_get (msg))
        handle_detail (self, msg, parts[0], query);
      return;
    }

  if (g_str_equal (parts[1], "cancel") || g_str_equal (parts[1], "start")
      || g_str_equal (parts[1], "pause") || g_str_equal (parts[1], "resume")
      || g_str_equal (parts[1], "retry"))
    {
      if (expect_post (msg, FLAVOR_V1))
        handle_action (self, msg, parts[0], parts[1]);
      return;
    }

  if (g_str_equal (parts[1], "report.xlsx") || g_str_equal (parts[1], "report.csv"))
    {
      if (expect_get (msg))
        handle_report (self, msg, parts[0],
                       g_str_equal (parts[1], "report.xlsx") ? CB_REPORT_FORMAT_XLSX
                                                             : CB_REPORT_FORMAT_CSV);
      return;
    }

  reply_not_found (msg, FLAVOR_V1, path);
}

static void
compat_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  CbApi *self = user_data;
  Flavor flavor = flavor_for_path (path);

  if (!is_authorized (self, msg, flavor))
    {
      reply_new_error (msg, flavor, unauthorized_error (flavor));
      return;
    }

  if (!g_str_equal (path, flavor == FLAVOR_ZUDU ? ZUDU_PATH : RETELL_PATH))
    {
      reply_not_found (msg, flavor, path);
      return;
    }

  if (expect_post (msg, flavor))
    handle_create (self, msg, flavor);
}

/* GObject */

static void
cb_api_dispose (GObject *object)
{
  CbApi *self = CB_API (object);

  g_cancellable_cancel (self->cancellable);

  if (self->server != NULL)
    {
      SoupServer *server = cb_http_server_get_soup_server (self->server);

      soup_server_remove_handler (server, "/v1");
      soup_server_remove_handler (server, RETELL_PATH);
      soup_server_remove_handler (server, ZUDU_PATH);
      g_clear_signal_handler (&self->request_started_id, server);
    }

  g_clear_object (&self->server);
  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->page, sqlite3_finalize);
  for (guint i = 0; i < G_N_ELEMENTS (self->list); i++)
    g_clear_pointer (&self->list[i], sqlite3_finalize);
  g_clear_pointer (&self->reader, sqlite3_close);

  G_OBJECT_CLASS (cb_api_parent_class)->dispose (object);
}

static void
cb_api_class_init (CbApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_api_dispose;
}

static void
cb_api_init (CbApi *self)
{
  self->cancellable = g_cancellable_new ();
}

CbApi *
cb_api_new (CbEngine   *engine,
            const char *token)
{
  CbApi *self;
  SoupServer *server;

  g_return_val_if_fail (CB_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (token != NULL && *token != '\0', NULL);

  self = g_object_new (CB_TYPE_API, NULL);
  self->engine = g_object_ref (engine);
  self->store = g_object_ref (cb_engine_get_store (engine));
  self->server = g_object_ref (cb_engine_get_http_server (engine));
  digest_token (token, self->token_digest);

  cb_http_server_add_handler (self->server, "/v1", v1_cb, self, NULL);
  cb_http_server_add_handler (self->server, RETELL_PATH, compat_cb, self, NULL);
  cb_http_server_add_handler (self->server, ZUDU_PATH, compat_cb, self, NULL);

  server = cb_http_server_get_soup_server (self->server);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (request_started_cb), self);

  return self;
}

char *
cb_api_dup_token (const char  *store_uri,
                  GError     **error)
{
  const char *env = g_getenv ("CALLBOARD_API_TOKEN");

  g_return_val_if_fail (store_uri != NULL, NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return cb_secrets_ensure (store_uri, "api-token", error);
}
