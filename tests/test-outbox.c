/* test-outbox.c — outgoing conversation.completed events: signed, retried, exactly once
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cb-clock.h"
#include "cb-engine.h"
#include "cb-outbox.h"
#include "cb-schedule.h"
#include "cb-secrets.h"
#include "cb-signature.h"
#include "cb-store-private.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

/* A loopback receiver that checks every request's signature with the agent's secret. */
typedef struct
{
  SoupServer *server;
  char       *url;
  char       *secret;
  guint       fail_first;    /* answer 500 to this many requests first */
  gboolean    always_fail;
  GPtrArray  *bodies;        /* char *, every request */
  guint       n_accepted;
  guint       n_bad_signature;
} Receiver;

typedef struct
{
  char     *path;
  CbStore  *store;
  CbBatch  *batch;
  CbOutbox *outbox;
  Receiver  receiver;
  char     *rcp[3];
} Fixture;

static void
receive_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Receiver *receiver = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *signature = soup_message_headers_get_one (headers, "Callboard-Signature");

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (receiver->bodies, g_strndup (g_bytes_get_data (body, NULL),
                                                g_bytes_get_size (body)));

  if (!cb_signature_timestamped_verify (receiver->secret, body, signature,
                                        g_date_time_to_unix (now),
                                        CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error)
      || g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/json") != 0)
    {
      receiver->n_bad_signature++;
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }

  if (receiver->always_fail || receiver->bodies->len <= receiver->fail_first)
    {
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }

  receiver->n_accepted++;
  soup_server_message_set_status (msg, 204, NULL);
}

static void
receiver_start (Receiver   *receiver,
                const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  receiver->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (receiver->server, "/hook", receive_cb, receiver, NULL);
  g_assert_true (soup_server_listen_local (receiver->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (receiver->server);
  receiver->url = g_strdup_printf ("http://127.0.0.1:%d/hook", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  receiver->secret = g_strdup (secret);
  receiver->bodies = g_ptr_array_new_with_free_func (g_free);
}

static void
receiver_stop (Receiver *receiver)
{
  soup_server_disconnect (receiver->server);
  g_clear_object (&receiver->server);
  g_free (receiver->url);
  g_free (receiver->secret);
  g_ptr_array_unref (receiver->bodies);
}

static void
exec_ok (CbStore    *store,
         const char *sql,
         const char *id)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (store, &error, sql, "id", id, NULL), >=, 0);
  g_assert_no_error (error);
}

static gint64
query_int (CbStore    *store,
           const char *sql,
           const char *id)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  if (id != NULL)
    model = cb_store_select (store, &error, sql, "id", id, NULL);
  else
    model = cb_store_select (store, &error, sql, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  return cb_store_model_get_int64 (model, 0, 0, -1);
}

static char *
query_string (CbStore    *store,
              const char *sql,
              const char *id)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = cb_store_select (store, &error, sql, "id", id, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  return g_strdup (cb_store_model_get_string (model, 0, 0));
}

static char *
recipient_at_row (Fixture *f,
                  guint    row)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = cb_store_select (f->store, &error,
                           "SELECT id FROM recipients WHERE batch_id = ##b::string"
                           " AND row_number = ##r::gint",
                           "b", cb_batch_get_id (f->batch),
                           "r", (int) row,
                           NULL);
  g_assert_no_error (error);
  return g_strdup (cb_store_model_get_string (model, 0, 0));
}

/* Row 2 answered (with its analysis), row 3 failed before any call, row 4 still pending.
 * Both finished ones ended @ended_ms. */
static void
finish_recipients (Fixture *f,
                   gint64   ended_ms)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE recipients SET status = 'completed', attempts = 1,"
                                  " provider_call_id = 'call_abc', outcome = 'answered',"
                                  " disconnection_reason = 'agent_hangup', duration_ms = 42000,"
                                  " started_at = ##s::gint64, ended_at = ##e::gint64,"
                                  " transcript = 'Agent: Hi Alice', analysis = ##a::string"
                                  " WHERE id = ##id::string",
                                  "s", ended_ms - 42000,
                                  "e", ended_ms,
                                  "a", "{\"call_summary\":\"Booked.\",\"call_successful\":true}",
                                  "id", f->rcp[0],
                                  NULL), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE recipients SET status = 'failed', attempts = 2,"
                                  " outcome = 'network_error', ended_at = ##e::gint64,"
                                  " error = 'Connection refused' WHERE id = ##id::string",
                                  "e", ended_ms,
                                  "id", f->rcp[1],
                                  NULL), ==, 1);
  g_assert_no_error (error);
}

static void
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autofree char *secret = NULL;
  CbBatchParams params = { 0 };
  g_autofree char *name = NULL;
  static guint n;
  static const char text[] = "phone,first_name\n+12122021000,Alice\n+12122021001,Bob\n"
                             "+12122021002,Carol\n";

  name = g_strdup_printf ("outbox-%u.db", n++);
  f->path = cb_test_tmp_path (name);
  open_store (f);

  secret = cb_secrets_ensure (cb_store_get_uri (f->store), "agent-webhook:agent_demo", &error);
  g_assert_no_error (error);
  receiver_start (&f->receiver, secret);
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "UPDATE agents SET webhook_url = ##url::string"
                                  " WHERE id = 'agent_demo'",
                                  "url", f->receiver.url,
                                  NULL), ==, 1);

  params.name = "Renewals";
  params.agent_id = "agent_demo";
  params.max_retries = -1;
  params.retry_delay_s = -1;
  csv = g_bytes_new_static (text, strlen (text));
  f->batch = cb_store_import_bytes (f->store, &params, csv, "r.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    f->rcp[i] = recipient_at_row (f, i + 2);

  f->outbox = cb_outbox_new (f->store);
  cb_outbox_set_speed (f->outbox, 0.001);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->outbox);
  cb_test_spin (20);
  g_clear_object (&f->batch);
  g_clear_object (&f->store);
  receiver_stop (&f->receiver);
  for (guint i = 0; i < 3; i++)
    g_free (f->rcp[i]);
  g_free (f->path);
  cb_clock_set_fake (NULL);
}

static char *
expected_event_id (const char *recipient_id,
                   guint       attempts)
{
  return g_strdup_printf ("evt_%s_%u", recipient_id + strlen ("rcp_"), attempts);
}

static gboolean
n_delivered_is_2 (gpointer data)
{
  Fixture *f = data;

  return query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL",
                    NULL) == 2;
}

static JsonObject *
find_event (Fixture    *f,
            JsonParser *parser,
            const char *id)
{
  for (guint i = 0; i < f->receiver.bodies->len; i++)
    {
      JsonObject *object;

      g_assert_true (json_parser_load_from_data (parser, g_ptr_array_index (f->receiver.bodies, i),
                                                 -1, NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }

  return NULL;
}

static void
test_deliver (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *id0 = expected_event_id (f->rcp[0], 1);
  g_autofree char *id1 = expected_event_id (f->rcp[1], 2);
  g_autofree char *expected = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  JsonObject *event;
  JsonObject *event_data;
  JsonNode *data_node;
  gint64 ended = cb_store_now_ms () - 1000;

  finish_recipients (f, ended);
  cb_outbox_start (f->outbox);
  cb_test_wait_until (n_delivered_is_2, f, 20);

  g_assert_cmpuint (f->receiver.bodies->len, ==, 2);
  g_assert_cmpuint (f->receiver.n_accepted, ==, 2);
  g_assert_cmpuint (f->receiver.n_bad_signature, ==, 0);

  event = find_event (f, parser, id0);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "conversation.completed");
  created_at = cb_rfc3339_parse (json_object_get_string_member (event, "created_at"), NULL);
  g_assert_nonnull (created_at);

  /* The data, member for member. */
  data_node = json_object_get_member (event, "data");
  event_data = json_node_get_object (data_node);
  json_object_remove_member (event_data, "started_at");
  json_object_remove_member (event_data, "ended_at");
  json_generator_set_root (generator, data_node);
  payload = json_generator_to_data (generator, NULL);
  expected = g_strdup_printf ("{\"batch_id\":\"%s\",\"batch_name\":\"Renewals\","
                              "\"agent_id\":\"agent_demo\",\"recipient\":{\"id\":\"%s\","
                              "\"phone\":\"+12122021000\",\"row\":2,"
                              "\"dynamic_vars\":{\"first_name\":\"Alice\"}},"
                              "\"call_id\":\"call_abc\",\"status\":\"completed\",\"attempts\":1,"
                              "\"outcome\":\"answered\",\"disconnection_reason\":\"agent_hangup\","
                              "\"duration_ms\":42000,\"transcript\":\"Agent: Hi Alice\","
                              "\"analysis\":{\"call_summary\":\"Booked.\","
                              "\"call_successful\":true}}",
                              cb_batch_get_id (f->batch), f->rcp[0]);
  g_assert_cmpstr (payload, ==, expected);

  /* Times in RFC 3339 UTC. */
  g_assert_true (find_event (f, parser, id0) != NULL);
  event_data = json_object_get_object_member (find_event (f, parser, id0), "data");
  {
    g_autoptr(GDateTime) started = cb_rfc3339_parse (json_object_get_string_member (event_data, "started_at"), NULL);
    g_autoptr(GDateTime) ended_at = cb_rfc3339_parse (json_object_get_string_member (event_data, "ended_at"), NULL);

    g_assert_nonnull (started);
    g_assert_cmpint (g_date_time_to_unix (ended_at), ==, ended / 1000);
    g_assert_cmpint (g_date_time_to_unix (started), ==, (ended - 42000) / 1000);
  }

  /* The failed one: no call, no analysis. */
  event = find_event (f, parser, id1);
  g_assert_nonnull (event);
  event_data = json_object_get_object_member (event, "data");
  g_assert_cmpstr (json_object_get_string_member (event_data, "status"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (event_data, "outcome"), ==, "network_error");
  g_assert_true (json_object_get_null_member (event_data, "call_id"));
  g_assert_true (json_object_get_null_member (event_data, "analysis"));
  g_assert_true (json_object_get_null_member (event_data, "started_at"));

  /* The stored body is the one sent. */
  stored = query_string (f->store, "SELECT body FROM outbox WHERE id = ##id::string", id1);
  g_assert_true (g_ptr_array_find_with_equal_func (f->receiver.bodies, stored, g_str_equal, NULL));
  g_assert_cmpint (query_int (f->store, "SELECT attempts FROM outbox WHERE id = ##id::string", id1),
                   ==, 1);

  /* Sweeping again finds nothing new, and nothing more is sent. */
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, (const char * const []) { f->rcp[0], f->rcp[1], f->rcp[2], NULL },
                                    &error), ==, 0);
  cb_test_spin (200);
  g_assert_cmpuint (f->receiver.bodies->len, ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox", NULL),
                   ==, 2);
}

static gboolean
first_attempt_failed (gpointer data)
{
  Fixture *f = data;
  g_autofree char *id = expected_event_id (f->rcp[1], 2);

  return query_int (f->store, "SELECT attempts FROM outbox WHERE id = ##id::string", id) >= 1;
}

static gboolean
delivered (gpointer data)
{
  Fixture *f = data;
  g_autofree char *id = expected_event_id (f->rcp[1], 2);

  return query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string"
                              " AND delivered_at IS NOT NULL", id) == 1;
}

static void
test_retry_across_restart (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = expected_event_id (f->rcp[1], 2);

  /* Only the failed row: the answered one would wait for nothing else. */
  finish_recipients (f, cb_store_now_ms () - 1000);
  exec_ok (f->store, "UPDATE recipients SET status = 'pending' WHERE id = ##id::string", f->rcp[0]);
  f->receiver.fail_first = 3;

  cb_outbox_start (f->outbox);
  cb_test_wait_until (first_attempt_failed, f, 20);

  /* The program stops and starts again on the same database. */
  g_clear_object (&f->outbox);
  g_clear_object (&f->batch);
  g_clear_object (&f->store);
  cb_test_spin (20);
  open_store (f);
  f->outbox = cb_outbox_new (f->store);
  cb_outbox_set_speed (f->outbox, 0.001);
  cb_outbox_start (f->outbox);

  cb_test_wait_until (delivered, f, 20);
  cb_test_spin (200);

  g_assert_cmpuint (f->receiver.bodies->len, ==, 4);
  g_assert_cmpuint (f->receiver.n_accepted, ==, 1);
  g_assert_cmpuint (f->receiver.n_bad_signature, ==, 0);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (g_ptr_array_index (f->receiver.bodies, i), ==,
                     g_ptr_array_index (f->receiver.bodies, 0));
  g_assert_cmpint (query_int (f->store, "SELECT attempts FROM outbox WHERE id = ##id::string", id),
                   ==, 4);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string"
                                        " AND last_error IS NULL AND next_attempt_at IS NULL", id),
                   ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox", NULL),
                   ==, 1);
}

static gboolean
attempts_reached (Fixture *f,
                  gint64   n)
{
  g_autofree char *id = expected_event_id (f->rcp[1], 2);

  return query_int (f->store, "SELECT attempts FROM outbox WHERE id = ##id::string", id) >= n;
}

static gboolean
two_attempts (gpointer data)
{
  return attempts_reached (data, 2);
}

static gboolean
three_attempts (gpointer data)
{
  return attempts_reached (data, 3);
}

static void
test_give_up_after_a_day (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 5, 5, 9, 0, 0);
  g_autofree char *id = expected_event_id (f->rcp[1], 2);
  g_autofree char *last_error = NULL;

  cb_clock_set_fake (start);
  cb_outbox_set_speed (f->outbox, 1.0);
  finish_recipients (f, cb_store_datetime_to_ms (start));
  exec_ok (f->store, "UPDATE recipients SET status = 'pending' WHERE id = ##id::string", f->rcp[0]);
  f->receiver.always_fail = TRUE;

  cb_outbox_start (f->outbox);
  cb_test_wait_until (first_attempt_failed, f, 20);
  /* The next try waits for the (fake) clock: 10 s. */
  cb_test_spin (100);
  g_assert_cmpuint (f->receiver.bodies->len, ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT next_attempt_at FROM outbox WHERE id = ##id::string",
                              id), ==, cb_store_datetime_to_ms (start) + 10000);

  cb_clock_advance (11 * G_TIME_SPAN_SECOND);
  cb_test_wait_until (two_attempts, f, 20);
  g_assert_cmpint (query_int (f->store, "SELECT next_attempt_at FROM outbox WHERE id = ##id::string",
                              id), ==, cb_store_datetime_to_ms (start) + 11000 + 20000);

  /* A day later: one last try, then it is given up. */
  cb_clock_advance (24 * G_TIME_SPAN_HOUR);
  cb_test_wait_until (three_attempts, f, 20);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string"
                                        " AND next_attempt_at IS NULL AND delivered_at IS NULL", id),
                   ==, 1);
  last_error = query_string (f->store, "SELECT last_error FROM outbox WHERE id = ##id::string", id);
  g_assert_cmpstr (last_error, ==, "HTTP 500 Internal Server Error");

  cb_clock_advance (24 * G_TIME_SPAN_HOUR);
  cb_test_spin (200);
  g_assert_cmpuint (f->receiver.bodies->len, ==, 3);
  g_assert_cmpuint (f->receiver.n_bad_signature, ==, 0);
}

static void
test_no_webhook_url (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  exec_ok (f->store, "UPDATE agents SET webhook_url = NULL WHERE id = ##id::string", "agent_demo");
  finish_recipients (f, cb_store_now_ms ());

  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 0);
  g_assert_no_error (error);
  cb_outbox_start (f->outbox);
  cb_test_spin (200);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox", NULL),
                   ==, 0);
  g_assert_cmpuint (f->receiver.bodies->len, ==, 0);

  exec_ok (f->store, "UPDATE agents SET webhook_url = '' WHERE id = ##id::string", "agent_demo");
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 0);
}

static void
test_sweeps_are_idempotent (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id3 = expected_event_id (f->rcp[1], 3);
  const char * const ids[] = { f->rcp[0], f->rcp[1], f->rcp[2], NULL };

  finish_recipients (f, cb_store_now_ms () - 1000);

  g_assert_cmpint (cb_outbox_sweep (f->outbox, ids, &error), ==, 2);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 0);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, ids, &error), ==, 0);
  g_assert_no_error (error);

  /* A new round for the failed recipient (retry): its next end is a new event. */
  exec_ok (f->store, "UPDATE recipients SET attempts = 3 WHERE id = ##id::string", f->rcp[1]);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 1);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string", id3),
                   ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox", NULL),
                   ==, 3);
}

static void
test_waits_for_analysis (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id0 = expected_event_id (f->rcp[0], 1);
  const char * const ids[] = { f->rcp[0], NULL };

  cb_outbox_set_speed (f->outbox, 1.0);
  finish_recipients (f, cb_store_now_ms ());
  exec_ok (f->store, "UPDATE recipients SET analysis = NULL WHERE id = ##id::string", f->rcp[0]);

  /* Ended just now, connected, no analysis yet: it waits; the failed one goes. */
  g_assert_cmpint (cb_outbox_sweep (f->outbox, NULL, &error), ==, 1);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, ids, &error), ==, 0);

  exec_ok (f->store, "UPDATE recipients SET analysis = '{\"call_summary\":\"Late.\"}'"
                     " WHERE id = ##id::string", f->rcp[0]);
  g_assert_cmpint (cb_outbox_sweep (f->outbox, ids, &error), ==, 1);
  g_assert_no_error (error);
  body = query_string (f->store, "SELECT body FROM outbox WHERE id = ##id::string", id0);
  g_assert_nonnull (strstr (body, "\"analysis\":{\"call_summary\":\"Late.\"}"));
}

static gboolean
analysis_wait_over (gpointer data)
{
  Fixture *f = data;
  g_autofree char *id0 = expected_event_id (f->rcp[0], 1);

  return query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string"
                              " AND delivered_at IS NOT NULL", id0) == 1;
}

static void
test_analysis_wait_ends (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id0 = expected_event_id (f->rcp[0], 1);
  g_autofree char *body = NULL;

  /* 30 s × 0.001: the event goes without the analysis that never came. */
  finish_recipients (f, cb_store_now_ms ());
  exec_ok (f->store, "UPDATE recipients SET analysis = NULL WHERE id = ##id::string", f->rcp[0]);
  cb_outbox_start (f->outbox);
  cb_test_wait_until (analysis_wait_over, f, 20);
  body = query_string (f->store, "SELECT body FROM outbox WHERE id = ##id::string", id0);
  g_assert_nonnull (strstr (body, "\"analysis\":null"));
}

static void
test_engine_signal (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CbEngine) engine = cb_engine_new (f->store, "127.0.0.1:0");
  const char * const ids[] = { f->rcp[1], NULL };
  g_autofree char *id1 = expected_event_id (f->rcp[1], 2);

  cb_outbox_attach (f->outbox, engine);
  finish_recipients (f, cb_store_now_ms () - 1000);

  g_signal_emit_by_name (engine, "recipients-changed", cb_batch_get_id (f->batch), ids);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE id = ##id::string", id1),
                   ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox", NULL),
                   ==, 1);
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/outbox/deliver", test_deliver);
  ADD ("/outbox/retry-across-restart", test_retry_across_restart);
  ADD ("/outbox/give-up-after-a-day", test_give_up_after_a_day);
  ADD ("/outbox/no-webhook-url", test_no_webhook_url);
  ADD ("/outbox/sweeps-are-idempotent", test_sweeps_are_idempotent);
  ADD ("/outbox/waits-for-analysis", test_waits_for_analysis);
  ADD ("/outbox/analysis-wait-ends", test_analysis_wait_ends);
  ADD ("/outbox/engine-signal", test_engine_signal);

#undef ADD

  return g_test_run ();
}
