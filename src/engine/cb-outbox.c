/* cb-outbox.c — outgoing conversation.completed events, durable and retried (SPEC §6)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-outbox"

#include "config.h"

#include "cb-outbox.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-call-event.h"
#include "cb-clock.h"
#include "cb-schedule.h"
#include "cb-secrets.h"
#include "cb-signature.h"
#include "cb-store-private.h"

/* A row being delivered keeps its next_attempt_at this far ahead, so a second engine on
 * the same database (or this one after a crash) leaves it alone meanwhile. */
#define LEASE_MS ((CB_OUTBOX_TIMEOUT_S + 50) * 1000)
/* Recipients read per sweep statement. */
#define SWEEP_PAGE 1000

struct _CbOutbox
{
  GObject       parent_instance;

  CbStore      *store;
  SoupSession  *session;
  GCancellable *cancellable;
  double        speed;

  GHashTable   *in_flight;   /* event id set */
  GHashTable   *waiting;     /* recipient id → gint64 * (ms): when to stop waiting for the analysis */
  guint         timer;
  guint         clock_watch;
  gboolean      started;
};

G_DEFINE_FINAL_TYPE (CbOutbox, cb_outbox, G_TYPE_OBJECT)

/* One POST in flight. It keeps the store (not the outbox) alive: a 2xx that arrives
 * after the outbox is gone is still recorded. */
typedef struct
{
  GWeakRef  outbox;
  CbStore  *store;
  char     *id;
  gint64    created_at;
  guint     attempts;
  double    speed;
} Delivery;

static void schedule_pump (CbOutbox *self);

static void
delivery_free (Delivery *delivery)
{
  g_weak_ref_clear (&delivery->outbox);
  g_clear_object (&delivery->store);
  g_free (delivery->id);
  g_free (delivery);
}

static gint64
now_ms (void)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();

  return cb_store_datetime_to_ms (now);
}

static gint64
scaled_ms (double speed,
           gint64 seconds)
{
  return MAX (1, (gint64) (seconds * 1000.0 * speed));
}

/* 10 s, 20 s, 40 s, … up to an hour, after the @attempts-th failure. */
static gint64
backoff_ms (double speed,
            guint  attempts)
{
  gint64 seconds = CB_OUTBOX_FIRST_DELAY_S;

  for (guint i = 1; i < attempts && seconds < CB_OUTBOX_MAX_DELAY_S; i++)
    seconds *= 2;

  return scaled_ms (speed, MIN (seconds, CB_OUTBOX_MAX_DELAY_S));
}

/* "evt_0190abcd…_2" */
static char *
event_id (const char *recipient_id,
          gint64      attempts)
{
  const char *hex = g_str_has_prefix (recipient_id, "rcp_") ? recipient_id + 4 : recipient_id;

  return g_strdup_printf ("evt_%s_%" G_GINT64_FORMAT, hex, attempts);
}

/* Events */

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       ms)
{
  json_builder_set_member_name (builder, name);
  if (ms > 0)
    {
      g_autoptr(GDateTime) dt = cb_store_datetime_from_ms (ms);
      g_autofree char *text = cb_rfc3339_format (dt);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A JSON object stored as text, or @fallback (an empty object, or null). */
static void
add_json_member (JsonBuilder *builder,
                 const char  *name,
                 const char  *text,
                 gboolean     empty_object)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  json_builder_set_member_name (builder, name);
  if (text != NULL && cb_json_parser_load (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else if (empty_object)
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
}

#define SWEEP_COLUMNS \
  "r.id, r.batch_id, r.row_number, r.phone, r.dynamic_vars, r.status, r.attempts," \
  " r.provider_call_id, r.outcome, r.disconnection_reason, r.duration_ms, r.transcript," \
  " r.analysis, r.started_at, r.ended_at, b.name, b.agent_id, a.webhook_url"

enum {
  COL_ID, COL_BATCH_ID, COL_ROW, COL_PHONE, COL_VARS, COL_STATUS, COL_ATTEMPTS, COL_CALL_ID,
  COL_OUTCOME, COL_REASON, COL_DURATION, COL_TRANSCRIPT, COL_ANALYSIS, COL_STARTED,
  COL_ENDED, COL_BATCH_NAME, COL_AGENT_ID, COL_WEBHOOK_URL
};

static char *
build_body (GdaDataModel *model,
            int           row,
            const char   *id,
            gint64        created_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  gint64 duration = cb_store_model_get_int64 (model, COL_DURATION, row, -1);

  json_builder_begin_object (builder);
  add_string_member (builder, "event", CB_OUTBOX_EVENT_CONVERSATION_COMPLETED);
  add_string_member (builder, "id", id);
  add_time_member (builder, "created_at", created_at);

  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  add_string_member (builder, "batch_id", cb_store_model_get_string (model, COL_BATCH_ID, row));
  add_string_member (builder, "batch_name",
                     cb_store_model_get_string (model, COL_BATCH_NAME, row));
  add_string_member (builder, "agent_id", cb_store_model_get_string (model, COL_AGENT_ID, row));

  json_builder_set_member_name (builder, "recipient");
  json_builder_begin_object (builder);
  add_string_member (builder, "id", cb_store_model_get_string (model, COL_ID, row));
  add_string_member (builder, "phone", cb_store_model_get_string (model, COL_PHONE, row));
  json_builder_set_member_name (builder, "row");
  json_builder_add_int_value (builder, cb_store_model_get_int64 (model, COL_ROW, row, 0));
  add_json_member (builder, "dynamic_vars", cb_store_model_get_string (model, COL_VARS, row),
                   TRUE);
  json_builder_end_object (builder);

  add_string_member (builder, "call_id", cb_store_model_get_string (model, COL_CALL_ID, row));
  add_string_member (builder, "status", cb_store_model_get_string (model, COL_STATUS, row));
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, cb_store_model_get_int64 (model, COL_ATTEMPTS, row, 0));
  add_string_member (builder, "outcome", cb_store_model_get_string (model, COL_OUTCOME, row));
  add_string_member (builder, "disconnection_reason",
                     cb_store_model_get_string (model, COL_REASON, row));
  json_builder_set_member_name (builder, "duration_ms");
  if (duration >= 0)
    json_builder_add_int_value (builder, duration);
  else
    json_builder_add_null_value (builder);
  add_time_member (builder, "started_at", cb_store_model_get_int64 (model, COL_STARTED, row, 0));
  add_time_member (builder, "ended_at", cb_store_model_get_int64 (model, COL_ENDED, row, 0));
  add_string_member (builder, "transcript",
                     cb_store_model_get_string (model, COL_TRANSCRIPT, row));
  add_json_member (builder, "analysis", cb_store_model_get_string (model, COL_ANALYSIS, row),
                   FALSE);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Writes the event unless a row with its id exists. 1 written, 0 already there, -1. */
static int
enqueue (CbOutbox      *self,
         GdaDataModel  *model,
         int            row,
         gint64         now,
         GError       **error)
{
  g_autoptr(GdaDataModel) seen = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;

  id = event_id (cb_store_model_get_string (model, COL_ID, row),
                 cb_store_model_get_int64 (model, COL_ATTEMPTS, row, 0));
  body = build_body (model, row, id, now);

  if (!cb_store_begin (self->store, error))
    return -1;

  seen = cb_store_select (self->store, error,
                          "SELECT id FROM outbox WHERE id = ##id::string",
                          "id", id,
                          NULL);
  if (seen == NULL)
    goto failed;
  if (gda_data_model_get_n_rows (seen) > 0)
    {
      cb_store_rollback (self->store);
      return 0;
    }

  if (cb_store_exec (self->store, error,
                     "INSERT INTO outbox (id, kind, agent_id, target_url, body, attempts,"
                     " created_at, next_attempt_at) VALUES (##id::string, ##kind::string,"
                     " ##agent::string, ##url::string, ##body::string, 0, ##now::gint64,"
                     " ##now::gint64)",
                     "id", id,
                     "kind", CB_OUTBOX_EVENT_CONVERSATION_COMPLETED,
                     "agent", cb_store_model_get_string (model, COL_AGENT_ID, row),
                     "url", cb_store_model_get_string (model, COL_WEBHOOK_URL, row),
                     "body", body,
                     "now", now,
                     NULL) < 0)
    goto failed;

  if (!cb_store_commit (self->store, error))
    return -1;

  g_debug ("Event %s queued for %s", id, cb_store_model_get_string (model, COL_WEBHOOK_URL, row));
  return 1;

failed:
  cb_store_rollback (self->store);
  return -1;
}

/* Sweeps one page: the recipients after @after_id (every one when @only_id is NULL), or
 * only @only_id. Returns the number of rows read, or -1; *@written grows. */
static int
sweep_page (CbOutbox    *self,
            const char  *only_id,
            char       **after_id,
            gint64       now,
            int         *written,
            GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  gint64 wait_ms = scaled_ms (self->speed, CB_OUTBOX_ANALYSIS_WAIT_S);
  gint64 since = now - (gint64) CB_OUTBOX_MAX_AGE_S * 1000;
  int n_rows;

  if (only_id != NULL)
    model = cb_store_select (self->store, error,
                             "SELECT " SWEEP_COLUMNS " FROM recipients r"
                             " JOIN batches b ON b.id = r.batch_id"
                             " JOIN agents a ON a.id = b.agent_id"
                             " WHERE r.id = ##id::string AND r.status IN ('completed', 'failed')"
                             " AND a.webhook_url IS NOT NULL AND a.webhook_url <> ''",
                             "id", only_id,
                             NULL);
  else
    model = cb_store_select (self->store, error,
                             "SELECT " SWEEP_COLUMNS " FROM recipients r"
                             " JOIN batches b ON b.id = r.batch_id"
                             " JOIN agents a ON a.id = b.agent_id"
                             " LEFT JOIN outbox o"
                             " ON o.id = 'evt_' || SUBSTR(r.id, 5) || '_' || r.attempts"
                             " WHERE r.id > ##after::string AND r.status IN ('completed', 'failed')"
                             " AND r.ended_at >= ##since::gint64"
                             " AND a.webhook_url IS NOT NULL AND a.webhook_url <> ''"
                             " AND o.id IS NULL"
                             " ORDER BY r.id LIMIT ##limit::gint",
                             "after", *after_id != NULL ? *after_id : "",
                             "since", since,
                             "limit", SWEEP_PAGE,
                             NULL);
  if (model == NULL)
    return -1;

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      const char *id = cb_store_model_get_string (model, COL_ID, i);
      gint64 ended = cb_store_model_get_int64 (model, COL_ENDED, i, 0);
      int ret;

      g_free (*after_id);
      *after_id = g_strdup (id);

      /* A call that connected reports its analysis after it ended: wait for it a while. */
      if (cb_store_model_get_string (model, COL_ANALYSIS, i) == NULL
          && cb_store_model_get_string (model, COL_CALL_ID, i) != NULL
          && ended > 0 && ended + wait_ms > now)
        {
          gint64 *until = g_new (gint64, 1);

          *until = ended + wait_ms;
          g_hash_table_replace (self->waiting, g_strdup (id), until);
          continue;
        }

      g_hash_table_remove (self->waiting, id);
      ret = enqueue (self, model, i, now, error);
      if (ret < 0)
        return -1;
      *written += ret;
    }

  return n_rows;
}

int
cb_outbox_sweep (CbOutbox            *self,
                 const char * const  *recipient_ids,
                 GError             **error)
{
  g_autofree char *after_id = NULL;
  gint64 now;
  int written = 0;

  g_return_val_if_fail (CB_IS_OUTBOX (self), -1);

  now = now_ms ();

  if (recipient_ids != NULL)
    {
      for (guint i = 0; recipient_ids[i] != NULL; i++)
        {
          if (sweep_page (self, recipient_ids[i], &after_id, now, &written, error) < 0)
            return -1;
        }
    }
  else
    {
      int n;

      do
        n = sweep_page (self, NULL, &after_id, now, &written, error);
      while (n == SWEEP_PAGE);

      if (n < 0)
        return -1;
    }

  if (written > 0 || g_hash_table_size (self->waiting) > 0)
    schedule_pump (self);

  return written;
}

/* Delivery */

static void
record_result (CbStore    *store,
               const char *id,
               gboolean    delivered,
               gint64      next_attempt_at,
               const char *last_error)
{
  g_autoptr(GError) error = NULL;
  gint64 now = now_ms ();
  int n;

  if (delivered)
    n = cb_store_exec (store, &error,
                       "UPDATE outbox SET delivered_at = ##now::gint64, attempts = attempts + 1,"
                       " next_attempt_at = NULL, last_error = NULL WHERE id = ##id::string",
                       "now", now,
                       "id", id,
                       NULL);
  else
    n = cb_store_exec (store, &error,
                       "UPDATE outbox SET attempts = attempts + 1,"
                       " next_attempt_at = CASE WHEN ##next::gint64 > 0 THEN ##next::gint64"
                       " ELSE NULL END, last_error = ##error::string"
                       " WHERE id = ##id::string AND delivered_at IS NULL",
                       "next", next_attempt_at,
                       "error", last_error,
                       "id", id,
                       NULL);

  if (n < 0)
    g_warning ("Could not record the delivery of event %s: %s", id, error->message);
}

static void
finish_delivery (Delivery   *delivery,
                 guint       status,
                 const char *reason,
                 gint64      retry_after_ms)
{
  g_autoptr(CbOutbox) self = g_weak_ref_get (&delivery->outbox);
  gint64 now = now_ms ();

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      record_result (delivery->store, delivery->id, TRUE, 0, NULL);
      g_debug ("Event %s delivered", delivery->id);
    }
  else
    {
      g_autofree char *last_error = NULL;
      guint attempts = delivery->attempts + 1;
      gint64 deadline = delivery->created_at + scaled_ms (delivery->speed, CB_OUTBOX_MAX_AGE_S);
      gint64 next;

      if (status != 0)
        last_error = g_strdup_printf (_("HTTP %u %s"), status, reason != NULL ? reason : "");
      else
        last_error = g_strdup (reason);
      g_strchomp (last_error);

      next = now + MAX (backoff_ms (delivery->speed, attempts), retry_after_ms);
      if (now >= deadline || retry_after_ms < 0)
        {
          g_message ("Gave up event %s after %u attempts: %s", delivery->id, attempts, last_error);
          record_result (delivery->store, delivery->id, FALSE, 0, last_error);
        }
      else
        {
          g_debug ("Event %s failed (%s), next attempt in %" G_GINT64_FORMAT " ms",
                   delivery->id, last_error, next - now);
          record_result (delivery->store, delivery->id, FALSE, next, last_error);
        }
    }

  if (self != NULL)
    {
      g_hash_table_remove (self->in_flight, delivery->id);
      schedule_pump (self);
    }
}

static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  guint64 seconds = 0;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, CB_OUTBOX_MAX_DELAY_S,
                                                     &seconds, NULL))
    return 0;

  return (gint64) seconds * 1000;
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Delivery *delivery = user_data;
  SoupSession *session = SOUP_SESSION (source);
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Stopped: cb_outbox_stop() gave the row back. */
          delivery_free (delivery);
          return;
        }
      finish_delivery (delivery, 0, error->message, 0);
    }
  else
    finish_delivery (delivery, soup_message_get_status (msg), soup_message_get_reason_phrase (msg),
                     parse_retry_after (msg));

  delivery_free (delivery);
}

static void
start_delivery (CbOutbox   *self,
                const char *id,
                const char *agent_id,
                const char *url,
                const char *body,
                guint       attempts,
                gint64      created_at)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *secret_name = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *signature = NULL;
  Delivery *delivery;

  delivery = g_new0 (Delivery, 1);
  g_weak_ref_init (&delivery->outbox, self);
  delivery->store = g_object_ref (self->store);
  delivery->id = g_strdup (id);
  delivery->attempts = attempts;
  delivery->created_at = created_at;
  delivery->speed = self->speed;
  g_hash_table_add (self->in_flight, g_strdup (id));

  msg = url != NULL ? soup_message_new (SOUP_METHOD_POST, url) : NULL;
  if (msg == NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("“%s” is not a valid webhook address"),
                                                 url != NULL ? url : "");

      /* It will not get better by itself: give up now. */
      finish_delivery (delivery, 0, reason, -1);
      delivery_free (delivery);
      return;
    }

  secret_name = g_strdup_printf ("agent-webhook:%s", agent_id != NULL ? agent_id : "");
  secret = cb_secrets_ensure (cb_store_get_uri (self->store), secret_name, &error);
  if (secret == NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("No signing secret for agent %s: %s"),
                                                 agent_id, error->message);

      finish_delivery (delivery, 0, reason, 0);
      delivery_free (delivery);
      return;
    }

  now = cb_clock_get_now_utc ();
  bytes = g_bytes_new (body, strlen (body));
  signature = cb_signature_timestamped_sign (secret, bytes, g_date_time_to_unix (now));

  soup_message_set_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                CB_SIGNATURE_CALLBOARD_HEADER, signature);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    send_cb, delivery);
}

/* Starts what is due; returns the time the next row comes due (ms), or 0. */
static gint64
pump (CbOutbox *self)
{
  g_autoptr(GdaDataModel) due = NULL;
  g_autoptr(GdaDataModel) next = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = now_ms ();
  gint64 next_at = 0;
  guint room;
  int n_rows;

  /* Recipients whose analysis did not come in time go without it. */
  if (g_hash_table_size (self->waiting) > 0)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key;
      gpointer value;

      g_hash_table_iter_init (&iter, self->waiting);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (*(gint64 *) value <= now)
            {
              g_ptr_array_add (ids, g_strdup (key));
              g_hash_table_iter_remove (&iter);
            }
        }

      if (ids->len > 0)
        {
          g_ptr_array_add (ids, NULL);
          if (cb_outbox_sweep (self, (const char * const *) ids->pdata, &error) < 0)
            {
              g_warning ("Could not queue events: %s", error->message);
              g_clear_error (&error);
            }
        }

      g_hash_table_iter_init (&iter, self->waiting);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        next_at = next_at == 0 ? *(gint64 *) value : MIN (next_at, *(gint64 *) value);
    }

  room = CB_OUTBOX_MAX_IN_FLIGHT - MIN (CB_OUTBOX_MAX_IN_FLIGHT,
                                        g_hash_table_size (self->in_flight));
  if (room > 0)
    {
      due = cb_store_select (self->store, &error,
                             "SELECT id, agent_id, target_url, body, attempts, created_at,"
                             " next_attempt_at FROM outbox"
                             " WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL"
                             " AND next_attempt_at <= ##now::gint64"
                             " ORDER BY next_attempt_at LIMIT ##limit::gint",
                             "now", now,
                             "limit", (int) room,
                             NULL);
      if (due == NULL)
        {
          g_warning ("Could not read the outbox: %s", error->message);
          return now + 1000;
        }

      n_rows = gda_data_model_get_n_rows (due);
      for (int i = 0; i < n_rows; i++)
        {
          const char *id = cb_store_model_get_string (due, 0, i);
          int claimed;

          if (g_hash_table_contains (self->in_flight, id))
            continue;

          /* Taken only if no other engine took it first. */
          claimed = cb_store_exec (self->store, &error,
                                   "UPDATE outbox SET next_attempt_at = ##lease::gint64"
                                   " WHERE id = ##id::string AND delivered_at IS NULL"
                                   " AND next_attempt_at = ##was::gint64",
                                   "lease", now + LEASE_MS,
                                   "id", id,
                                   "was", cb_store_model_get_int64 (due, 6, i, 0),
                                   NULL);
          if (claimed < 0)
            {
              g_warning ("Could not take event %s: %s", id, error->message);
              g_clear_error (&error);
              continue;
            }
          if (claimed == 0)
            continue;

          start_delivery (self, id,
                          cb_store_model_get_string (due, 1, i),
                          cb_store_model_get_string (due, 2, i),
                          cb_store_model_get_string (due, 3, i),
                          (guint) cb_store_model_get_int64 (due, 4, i, 0),
                          cb_store_model_get_int64 (due, 5, i, now));
        }
    }

  next = cb_store_select (self->store, &error,
                          "SELECT next_attempt_at FROM outbox"
                          " WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL"
                          " ORDER BY next_attempt_at LIMIT 1",
                          NULL);
  if (next != NULL && gda_data_model_get_n_rows (next) > 0)
    {
      gint64 at = cb_store_model_get_int64 (next, 0, 0, 0);

      if (at > 0)
        next_at = next_at == 0 ? at : MIN (next_at, at);
    }

  return next_at;
}

static gboolean
pump_cb (gpointer user_data)
{
  CbOutbox *self = user_data;
  gint64 next_at;
  gint64 delay;

  self->timer = 0;
  if (!self->started)
    return G_SOURCE_REMOVE;

  next_at = pump (self);
  if (next_at > 0 && self->timer == 0)
    {
      /* A fake clock does not move by itself: its watch pumps again when it does. */
      delay = CLAMP (next_at - now_ms (), 0, 3600 * 1000);
      if (!cb_clock_is_fake () || delay == 0)
        self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MAX (delay, 1), pump_cb,
                                          self, NULL);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_pump (CbOutbox *self)
{
  if (!self->started)
    return;

  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_idle_add_full (G_PRIORITY_DEFAULT, pump_cb, self, NULL);
}

static void
clock_changed_cb (GDateTime *now,
                  gpointer   user_data)
{
  schedule_pump (user_data);
}

/* Engine */

static void
recipients_changed_cb (CbEngine   *engine,
                       const char *batch_id,
                       GStrv       recipient_ids,
                       CbOutbox   *self)
{
  g_autoptr(GError) error = NULL;

  if (recipient_ids != NULL
      && cb_outbox_sweep (self, (const char * const *) recipient_ids, &error) < 0)
    g_warning ("Could not queue the events of batch %s: %s", batch_id, error->message);
}

void
cb_outbox_attach (CbOutbox *self,
                  CbEngine *engine)
{
  g_return_if_fail (CB_IS_OUTBOX (self));
  g_return_if_fail (CB_IS_ENGINE (engine));

  g_signal_connect_object (engine, "recipients-changed", G_CALLBACK (recipients_changed_cb),
                           self, G_CONNECT_DEFAULT);
}

/* Lifecycle */

void
cb_outbox_start (CbOutbox *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CB_IS_OUTBOX (self));

  if (self->started)
    return;

  self->started = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->clock_watch = cb_clock_add_watch (clock_changed_cb, self, NULL);

  if (cb_outbox_sweep (self, NULL, &error) < 0)
    g_warning ("Could not queue the events of finished calls: %s", error->message);

  schedule_pump (self);
}

void
cb_outbox_stop (CbOutbox *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (CB_IS_OUTBOX (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->clock_watch != 0)
    {
      cb_clock_remove_watch (self->clock_watch);
      self->clock_watch = 0;
    }

  /* What was in flight is due again for the next start. */
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;

      if (cb_store_exec (self->store, &error,
                         "UPDATE outbox SET next_attempt_at = ##now::gint64"
                         " WHERE id = ##id::string AND delivered_at IS NULL"
                         " AND next_attempt_at IS NOT NULL",
                         "now", now_ms (),
                         "id", key,
                         NULL) < 0)
        g_warning ("Could not give event %s back: %s", (const char *) key, error->message);
    }
  g_hash_table_remove_all (self->in_flight);
}

void
cb_outbox_set_speed (CbOutbox *self,
                     double    speed)
{
  g_return_if_fail (CB_IS_OUTBOX (self));

  self->speed = CLAMP (speed, 1e-6, 1e6);
}

double
cb_outbox_get_speed (CbOutbox *self)
{
  g_return_val_if_fail (CB_IS_OUTBOX (self), 1.0);

  return self->speed;
}

/* GObject */

static void
cb_outbox_dispose (GObject *object)
{
  CbOutbox *self = CB_OUTBOX (object);

  if (self->store != NULL)
    cb_outbox_stop (self);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_outbox_parent_class)->dispose (object);
}

static void
cb_outbox_finalize (GObject *object)
{
  CbOutbox *self = CB_OUTBOX (object);

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_hash_table_unref);

  G_OBJECT_CLASS (cb_outbox_parent_class)->finalize (object);
}

static void
cb_outbox_class_init (CbOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_outbox_dispose;
  object_class->finalize = cb_outbox_finalize;
}

static void
cb_outbox_init (CbOutbox *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Callboard/%s", PACKAGE_VERSION);

  self->speed = 1.0;
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->session = soup_session_new_with_options ("timeout", CB_OUTBOX_TIMEOUT_S,
                                                 "user-agent", user_agent,
                                                 "max-conns-per-host", CB_OUTBOX_MAX_IN_FLIGHT,
                                                 NULL);
  self->cancellable = g_cancellable_new ();
}

CbOutbox *
cb_outbox_new (CbStore *store)
{
  CbOutbox *self;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  self = g_object_new (CB_TYPE_OUTBOX, NULL);
  self->store = g_object_ref (store);

  return self;
}
