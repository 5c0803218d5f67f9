/* test-engine-webhooks.c — POST /webhooks/sim: signatures, the inbox, exactly once
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-engine.h"
#include "cb-provider-retell.h"
#include "cb-signature.h"
#include "cb-store-dialer.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

#define SIM_KEY "test-sim-key-webhooks"

typedef struct
{
  CbStore     *store;
  CbEngine    *engine;
  CbBatch     *batch;
  GPtrArray   *claims;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) csv = NULL;
  CbBatchParams params = { 0 };
  static guint n;

  {
    g_autofree char *name = g_strdup_printf ("webhooks-%u.db", n++);

    path = cb_test_tmp_path (name);
  }
  f->store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->engine = cb_engine_new (f->store, "127.0.0.1:0");
  g_assert_true (cb_engine_start (f->engine, &error));

  params.name = "Webhooks";
  params.agent_id = "agent_demo";
  params.max_retries = data != NULL ? 2 : 0;
  params.retry_delay_s = data != NULL ? 600 : 0;
  csv = g_bytes_new_static ("phone\n+12122021000\n+12122021001\n", 32);
  f->batch = cb_store_import_bytes (f->store, &params, csv, "t.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Claimed by hand (the batch is pending, so the dialer leaves it alone): two attempts
   * waiting for their events. */
  g_assert_true (cb_store_dialer_set_status (f->store, cb_batch_get_id (f->batch),
                                             CB_BATCH_STATUS_PENDING, NULL, cb_store_now_ms (), &error));
  f->claims = cb_store_dialer_claim (f->store, cb_batch_get_id (f->batch), 2, cb_store_now_ms (),
                                     NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->claims->len, ==, 2);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->claims, g_ptr_array_unref);
  g_clear_object (&f->batch);
  if (f->engine != NULL)
    cb_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
}

static char *
event_body (const char  *event,
            const char  *call_id,
            CbDialClaim *claim,
            const char  *reason)
{
  return g_strdup_printf ("{\"event\":\"%s\",\"call\":{\"call_id\":\"%s\",\"call_type\":\"phone_call\","
                          "\"agent_id\":\"agent_demo\",\"call_status\":\"ended\","
                          "\"from_number\":\"+14155550100\",\"to_number\":\"%s\","
                          "\"direction\":\"outbound\",\"metadata\":{\"batch_id\":\"%s\","
                          "\"recipient_id\":\"%s\",\"attempt_id\":\"%s\"},"
                          "\"start_timestamp\":1770000000000,\"end_timestamp\":1770000060000,"
                          "\"duration_ms\":60000,\"disconnection_reason\":\"%s\","
                          "\"transcript\":\"%s\"%s}}",
                          event, call_id, claim->phone, claim->batch_id, claim->recipient_id,
                          claim->attempt_id, reason,
                          g_str_equal (event, "call_analyzed") ? "Agent: hello" : "",
                          g_str_equal (event, "call_analyzed")
                            ? ",\"call_analysis\":{\"call_summary\":\"ok\",\"call_successful\":true}"
                            : "");
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  GBytes **out = data;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  if (*out == NULL)
    *out = g_bytes_new (NULL, 0);
}

static guint
post (Fixture    *f,
      const char *path,
      const char *body,
      const char *signature,
      char      **reply)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s%s", cb_engine_get_url (f->engine), path);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;

  if (signature != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  CB_SIGNATURE_RETELL_HEADER, signature);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &answer);
  while (answer == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (reply != NULL)
    *reply = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));

  return soup_message_get_status (msg);
}

static char *
sign (const char *key,
      const char *body,
      gint64      ts)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return cb_signature_retell_sign (key, bytes, ts);
}

static char *
snapshot (Fixture *f)
{
  CbBatchCounters c = { 0 };
  g_autoptr(GdaDataModel) model = NULL;
  GString *s = g_string_new (NULL);

  g_assert_true (cb_store_get_batch_counters (f->store, cb_batch_get_id (f->batch), &c, NULL));
  g_string_append_printf (s, "p%u d%u c%u f%u u%u s%u;", c.pending, c.dialing, c.completed,
                          c.failed, c.picked_up, c.sent);
  model = cb_store_select (f->store, NULL,
                           "SELECT COUNT (*) FROM webhook_inbox", NULL);
  g_string_append_printf (s, "inbox %" G_GINT64_FORMAT ";", cb_store_model_get_int64 (model, 0, 0, -1));
  g_clear_object (&model);
  model = cb_store_select (f->store, NULL,
                           "SELECT COUNT (*) FROM recipients WHERE status = 'dialing'", NULL);
  g_string_append_printf (s, "dialing %" G_GINT64_FORMAT, cb_store_model_get_int64 (model, 0, 0, -1));

  return g_string_free (s, FALSE);
}

static const char *
recipient_status (Fixture    *f,
                  const char *id)
{
  g_autoptr(CbRecipient) r = cb_store_get_recipient (f->store, id, NULL);

  g_assert_nonnull (r);
  return cb_recipient_status_to_string (cb_recipient_get_status (r));
}

/* A node's shape with the type of each value, so an integer read as a double shows. */
static void
describe (JsonNode *node,
          GString  *out)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_string_append_printf (out, "%s:", (const char *) l->data);
            describe (json_object_get_member (object, l->data), out);
            g_string_append_c (out, ',');
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        {
          describe (json_array_get_element (json_node_get_array (node), i), out);
          g_string_append_c (out, ',');
        }
      g_string_append_c (out, ']');
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      g_string_append_printf (out, "%s=", g_type_name (json_node_get_value_type (node)));
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (out, "<%s>", json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      else
        g_string_append_printf (out, "%.17g", json_node_get_double (node));
      break;
    }
}

static void
test_fast_json (void)
{
  /* Read by the fast reader: the tree must be JsonParser's. */
  static const char *fast[] = {
    "{}",
    "[]",
    " \t\r\n{ \"a\" : 1 , \"b\":[ true,false ,null ] }\n",
    "{\"event\":\"call_ended\",\"call\":{\"call_id\":\"c1\",\"start_timestamp\":1770000000000,"
    "\"metadata\":{\"batch_id\":\"b\",\"attempt_id\":\"a\"},\"duration_ms\":-0}}",
    "{\"n\":-9223372036854775,\"m\":999999999999999999,\"z\":0,\"e\":[[],{},[{}]]}",
    "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\u0001 caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
    /* A repeated member: the last one wins, where the first stood. */
    "{\"a\":1,\"b\":2,\"a\":\"again\"}",
    "[\"x\",{\"y\":[1,2,{\"z\":null}]}]",
  };
  /* Valid or not, left to JsonParser. */
  static const char *slow[] = {
    "",
    "   ",
    "1",
    "\"text\"",
    "{\"a\":1.5}",
    "{\"a\":1e3}",
    "{\"a\":0123}",
    "{\"a\":1234567890123456789}",
    "{\"a\":\"\\ud83d\\ude00\"}",
    "{\"a\":\"\\u0000\"}",
    "{\"\":1}",
    "{\"a\":tru}",
    "{\"a\":truex}",
    "{\"a\":1,}",
    "[1,]",
    "{\"a\" 1}",
    "{\"a\":1}x",
    "{\"a\":\"tab\there\"}",
    "{\"a\":\"\xff\"}",
    "{\"a\":\"\\x\"}",
    "{\"a\":\"unterminated}",
    "{\"a\":- 1}",
    "{/* comment */\"a\":1}",
    "var a = {\"a\":1};",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\xef\xbb\xbf{\"bom\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fast); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonNode) node = cb_json_parse_fast (fast[i], strlen (fast[i]));
      g_autoptr(GString) ours = g_string_new (NULL);
      g_autoptr(GString) theirs = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      g_test_message ("fast: %s", fast[i]);
      g_assert_nonnull (node);
      g_assert_true (json_parser_load_from_data (parser, fast[i], strlen (fast[i]), &error));
      g_assert_no_error (error);
      describe (node, ours);
      describe (json_parser_get_root (parser), theirs);
      g_assert_cmpstr (ours->str, ==, theirs->str);
      {
        g_autofree char *a = json_to_string (node, FALSE);
        g_autofree char *b = json_to_string (json_parser_get_root (parser), FALSE);

        g_assert_cmpstr (a, ==, b);
      }
    }

  {
    g_autoptr(JsonNode) node = cb_json_parse_fast (fast[6], strlen (fast[6]));
    g_autofree char *text = json_to_string (node, FALSE);

    g_assert_cmpstr (text, ==, "{\"a\":\"again\",\"b\":2}");
  }

  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) expected = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      gboolean valid;

      g_test_message ("slow: %s", slow[i]);
      g_assert_null (cb_json_parse_fast (slow[i], strlen (slow[i])));

      /* cb_json_parse() answers what JsonParser does, error included. */
      valid = json_parser_load_from_data (parser, slow[i], strlen (slow[i]), &expected);
      node = cb_json_parse (slow[i], strlen (slow[i]), &error);
      if (valid)
        {
          g_autofree char *a = NULL;
          g_autofree char *b = NULL;

          g_assert_no_error (error);
          /* An empty text is valid, with no root. */
          if (json_parser_get_root (parser) == NULL)
            {
              g_assert_null (node);
              continue;
            }
          g_assert_nonnull (node);
          a = json_to_string (node, FALSE);
          b = json_to_string (json_parser_get_root (parser), FALSE);
          g_assert_cmpstr (a, ==, b);
        }
      else
        {
          g_assert_null (node);
          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, ==, expected->message);
          g_assert_cmpint (error->code, ==, expected->code);
        }
    }
}

/* Bodies the fast reader takes and bodies it leaves to JsonParser are stored alike: what
 * the provider's own parse says. */
/* Text nested deeper than CB_JSON_MAX_DEPTH never reaches JsonParser, whose recursion it
 * would run out of stack, nor does a second value, which JsonParser would drop: each is
 * refused with the byte where it went wrong. */
static void
test_json_text (void)
{
  g_autofree char *open = g_strnfill (CB_JSON_MAX_DEPTH, '[');
  g_autofree char *close = g_strnfill (CB_JSON_MAX_DEPTH, ']');
  g_autofree char *deepest = g_strconcat (open, close, NULL);
  g_autofree char *too_deep = g_strconcat ("{\"a\":", open, close, "}", NULL);
  g_autofree char *brackets = g_strnfill (1000, '[');
  g_autofree char *in_string = g_strdup_printf ("{\"a\":\"\\\"%s\",\"b\":[1]}", brackets);
  g_autofree char *huge_open = g_strnfill (1000000, '[');
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_json_check_text (deepest, -1, &error));
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) node = cb_json_parse (deepest, strlen (deepest), &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  }

  g_assert_false (cb_json_check_text (too_deep, -1, &error));
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "arrays and objects are nested more than 64 deep (at byte 69)");
  g_clear_error (&error);

  /* Only @len bytes are read: cut before the bracket that went too deep, it passes. */
  g_assert_true (cb_json_check_text (too_deep, 68, &error));
  g_assert_no_error (error);

  /* Brackets inside a string, after an escaped quote, do not count. */
  {
    g_autoptr(JsonNode) node = cb_json_parse (in_string, strlen (in_string), &error);

    g_assert_no_error (error);
    g_assert_nonnull (node);
  }

  /* JsonParser takes "{} {}" as "{}": refused here, wherever the second value starts. */
  {
    static const struct { const char *text; const char *message; } second[] = {
      { "{\"a\":1} {\"b\":2}", "unexpected text after the end (at byte 9)" },
      { "[1][2]", "unexpected text after the end (at byte 4)" },
      { "{\"a\":\"}\"}\n\n[]", "unexpected text after the end (at byte 12)" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (second); i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();

        g_assert_true (json_parser_load_from_data (parser, second[i].text, -1, NULL));
        g_assert_null (cb_json_parse (second[i].text, strlen (second[i].text), &error));
        g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
        g_assert_cmpstr (error->message, ==, second[i].message);
        g_clear_error (&error);
      }
  }

  /* A million brackets: an error, not a crash, through every entry point. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(JsonNode) node = NULL;

    g_assert_null (cb_json_parse (huge_open, strlen (huge_open), &error));
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
    g_clear_error (&error);
    g_assert_false (cb_json_parser_load (parser, huge_open, -1, &error));
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
    g_clear_error (&error);
    node = cb_json_from_string (huge_open, &error);
    g_assert_null (node);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  }
}

static void
test_body_forms (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CbProvider) retell = cb_provider_retell_new ("http://127.0.0.1:9", SIM_KEY);
  char *forms[2];

  {
    CbDialClaim *a = g_ptr_array_index (f->claims, 0);
    CbDialClaim *b = g_ptr_array_index (f->claims, 1);

    forms[0] = g_strdup_printf ("{\"event\":\"call_analyzed\",\"call\":{\"call_id\":\"call_0\","
                                "\"call_status\":\"ended\",\"metadata\":{\"batch_id\":\"%s\","
                                "\"recipient_id\":\"%s\",\"attempt_id\":\"%s\"},"
                                "\"start_timestamp\":1770000000000,\"end_timestamp\":1770000060000,"
                                "\"duration_ms\":60000,\"disconnection_reason\":\"user_hangup\","
                                "\"transcript\":\"Agent: caf\\u00e9\\nUser: \\\"hi\\\"\","
                                "\"call_analysis\":{\"call_summary\":\"ok\",\"call_successful\":true,"
                                "\"custom\":[1,null]}}}",
                                a->batch_id, a->recipient_id, a->attempt_id);
    /* An analysis with a fraction, and an escaped surrogate pair, are JsonParser's to read. */
    forms[1] = g_strdup_printf ("{ \"event\" : \"call_analyzed\" , \"call\" : { \"call_id\" :"
                                " \"call_1\" , \"call_status\" : \"ended\" , \"metadata\" : {"
                                " \"batch_id\" : \"%s\" , \"recipient_id\" : \"%s\" ,"
                                " \"attempt_id\" : \"%s\" } , \"start_timestamp\" : 1770000000000 ,"
                                " \"end_timestamp\" : 1770000060000 , \"duration_ms\" : 60000 ,"
                                " \"disconnection_reason\" : \"user_hangup\" , \"transcript\" :"
                                " \"Agent: \\ud83d\\ude00\" , \"call_analysis\" : {"
                                " \"call_summary\" : \"ok\" , \"score\" : 0.5 } } }",
                                b->batch_id, b->recipient_id, b->attempt_id);
  }
  {
    g_autoptr(JsonNode) fast = cb_json_parse_fast (forms[0], strlen (forms[0]));
    g_autoptr(JsonNode) slow = cb_json_parse_fast (forms[1], strlen (forms[1]));

    g_assert_nonnull (fast);
    g_assert_null (slow);
  }

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      CbDialClaim *claim = g_ptr_array_index (f->claims, i);
      g_autofree char *body = g_steal_pointer (&forms[i]);
      g_autofree char *sig = sign (SIM_KEY, body, g_get_real_time () / 1000);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(CbCallEvent) event = NULL;
      g_autoptr(CbRecipient) r = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *reply = NULL;

      g_assert_cmpuint (post (f, "/webhooks/sim", body, sig, &reply), ==, 200);
      g_assert_cmpstr (reply, ==, "{\"status\":\"ok\"}");

      event = cb_provider_parse_webhook (retell, bytes, &error);
      g_assert_no_error (error);
      r = cb_store_get_recipient (f->store, claim->recipient_id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cb_recipient_get_status (r), ==, CB_RECIPIENT_STATUS_COMPLETED);
      g_assert_cmpstr (cb_recipient_get_transcript (r), ==, event->transcript);
      g_assert_cmpstr (cb_recipient_get_analysis (r), ==, event->analysis_json);
      g_assert_cmpstr (cb_recipient_get_outcome (r), ==, event->outcome);
      g_assert_cmpint (cb_recipient_get_duration_ms (r), ==, 60000);
    }

  {
    CbDialClaim *claim = g_ptr_array_index (f->claims, 0);
    g_autoptr(CbRecipient) r = cb_store_get_recipient (f->store, claim->recipient_id, NULL);

    g_assert_cmpstr (cb_recipient_get_transcript (r), ==, "Agent: caf\xc3\xa9\nUser: \"hi\"");
    g_assert_cmpstr (cb_recipient_get_analysis (r), ==,
                     "{\"call_summary\":\"ok\",\"call_successful\":true,\"custom\":[1,null]}");
  }
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  CbDialClaim *claim = g_ptr_array_index (f->claims, 0);
  g_autofree char *body = event_body ("call_ended", "call_a", claim, "user_hangup");
  g_autofree char *before = snapshot (f);
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *good = sign (SIM_KEY, body, now);
  g_autofree char *wrong_key = sign ("another-key", body, now);
  g_autofree char *stale = sign (SIM_KEY, body, now - 6 * 60 * 1000);
  g_autofree char *tampered = g_strdup (body);
  g_autofree char *reply = NULL;

  /* One character changed after signing. */
  *strstr (tampered, "user_hangup") = 'U';

  g_assert_cmpuint (post (f, "/webhooks/sim", tampered, good, &reply), ==, 401);
  g_assert_nonnull (strstr (reply, "\"code\":\"invalid_signature\""));
  /* Every error has the same shape as the REST API's. */
  g_assert_true (g_str_has_suffix (reply, ",\"details\":null}}"));
  g_assert_cmpuint (post (f, "/webhooks/sim", body, wrong_key, NULL), ==, 401);
  g_assert_cmpuint (post (f, "/webhooks/sim", body, stale, NULL), ==, 401);
  g_assert_cmpuint (post (f, "/webhooks/sim", body, NULL, NULL), ==, 401);
  g_assert_cmpuint (post (f, "/webhooks/nobody", body, good, NULL), ==, 404);

  {
    g_autofree char *after = snapshot (f);
    g_assert_cmpstr (after, ==, before);
  }
  g_assert_cmpstr (recipient_status (f, claim->recipient_id), ==, "dialing");
  g_assert_cmpuint (cb_webhook_receiver_get_n_rejected (cb_engine_get_webhook_receiver (f->engine)),
                    ==, 4);

  /* Signed, but its event is not a string: refused, nothing changes. */
  {
    const char *odd = "{\"event\":{\"name\":\"call_ended\"},\"call\":{\"call_id\":\"call_a\"}}";
    g_autofree char *sig = sign (SIM_KEY, odd, now);
    g_autofree char *answer = NULL;
    g_autofree char *after = NULL;

    g_assert_cmpuint (post (f, "/webhooks/sim", odd, sig, &answer), ==, 400);
    g_assert_nonnull (strstr (answer, "\"code\":\"invalid_event\""));
    g_assert_nonnull (strstr (answer, "\"message\":\"The webhook body has no “event” string\""));
    after = snapshot (f);
    g_assert_cmpstr (after, ==, before);
  }

  /* Signed, but nested deeper than any event: refused before JsonParser's recursion could
   * run out of stack, and the receiver goes on. */
  {
    g_autofree char *open = g_strnfill (100000, '[');
    g_autofree char *close = g_strnfill (100000, ']');
    g_autofree char *deep = g_strconcat (open, close, NULL);
    g_autofree char *sig = sign (SIM_KEY, deep, now);
    g_autofree char *answer = NULL;
    g_autofree char *after = NULL;

    g_assert_cmpuint (post (f, "/webhooks/sim", deep, sig, &answer), ==, 400);
    g_assert_nonnull (strstr (answer, "nested more than 64 deep (at byte 65)"));
    g_assert_cmpuint (post (f, "/webhooks/sim", body, stale, NULL), ==, 401);
    after = snapshot (f);
    g_assert_cmpstr (after, ==, before);
  }

  /* Larger than any event: refused from its Content-Length, before the body is read. */
  {
    g_autofree char *head = g_strdup_printf ("POST /webhooks/sim HTTP/1.1\r\n"
                                             "Host: 127.0.0.1\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: %u\r\n\r\n{\"event\":",
                                             CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES + 1);
    g_autoptr(GBytes) request = g_bytes_new (head, strlen (head));
    guint16 port = cb_http_server_get_port (cb_engine_get_http_server (f->engine));
    g_autofree char *answer = cb_test_raw_exchange (port, request);
    g_autofree char *after = NULL;

    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
    g_assert_true (g_str_has_suffix (answer, "\r\n\r\n{\"error\":{\"code\":\"payload_too_large\","
                                     "\"message\":\"The webhook is larger than the limit of "
                                     "16.0\u00a0MB\",\"details\":null}}"));
    g_assert_cmpuint (post (f, "/webhooks/sim", body, stale, NULL), ==, 401);
    after = snapshot (f);
    g_assert_cmpstr (after, ==, before);
  }

  /* A call_status that is not a string counts as none, as a number does. */
  {
    g_autoptr(CbProvider) retell = cb_provider_retell_new ("http://127.0.0.1:9", SIM_KEY);
    const char *odd = "{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_a\","
                      "\"call_status\":[\"ended\"]}}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (odd, strlen (odd));
    g_autoptr(CbCallEvent) event = NULL;
    g_autoptr(GError) error = NULL;

    event = cb_provider_parse_webhook (retell, bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpint (event->call_status, ==, CB_CALL_STATUS_ENDED);
  }
}

static void
log_applied_cb (CbWebhookReceiver *receiver,
                CbDialApplied     *applied,
                GString           *log)
{
  g_string_append_c (log, 'a');
}

/* "written" comes after the group's "applied", once the store is free again. */
static void
log_written_cb (CbWebhookReceiver *receiver,
                GString           *log)
{
  g_string_append_c (log, cb_webhook_receiver_is_writing (receiver) ? '!' : 'w');
}

static void
test_once (Fixture       *f,
           gconstpointer  data)
{
  CbDialClaim *claim = g_ptr_array_index (f->claims, 0);
  CbWebhookReceiver *receiver = cb_engine_get_webhook_receiver (f->engine);
  g_autofree char *body = event_body ("call_ended", "call_a", claim, "user_hangup");
  g_autofree char *sig = sign (SIM_KEY, body, g_get_real_time () / 1000);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *reply = NULL;
  g_autofree char *reply2 = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_signal_connect (receiver, "applied", G_CALLBACK (log_applied_cb), log);
  g_signal_connect (receiver, "written", G_CALLBACK (log_written_cb), log);

  g_assert_cmpuint (post (f, "/webhooks/sim", body, sig, &reply), ==, 200);
  g_assert_cmpstr (reply, ==, "{\"status\":\"ok\"}");
  first = snapshot (f);
  g_assert_cmpstr (first, ==, "p0 d1 c1 f0 u1 s0;inbox 1;dialing 1");
  g_assert_cmpstr (recipient_status (f, claim->recipient_id), ==, "completed");
  g_assert_cmpstr (log->str, ==, "aw");

  g_assert_cmpuint (post (f, "/webhooks/sim", body, sig, &reply2), ==, 200);
  g_assert_cmpstr (reply2, ==, "{\"status\":\"duplicate\"}");
  second = snapshot (f);
  g_assert_cmpstr (second, ==, first);
  /* A duplicate is not applied again; its group is written all the same. */
  g_assert_cmpstr (log->str, ==, "aww");
  g_assert_false (cb_webhook_receiver_is_writing (receiver));

  g_signal_handlers_disconnect_by_data (receiver, log);
}

static void
test_out_of_order (Fixture       *f,
                   gconstpointer  data)
{
  CbDialClaim *claim = g_ptr_array_index (f->claims, 1);
  g_autofree char *analyzed = event_body ("call_analyzed", "call_b", claim, "dial_busy");
  g_autofree char *ended = event_body ("call_ended", "call_b", claim, "dial_busy");
  g_autofree char *sig1 = sign (SIM_KEY, analyzed, g_get_real_time () / 1000);
  g_autofree char *sig2 = sign (SIM_KEY, ended, g_get_real_time () / 1000);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autoptr(CbRecipient) r = NULL;

  g_assert_cmpuint (post (f, "/webhooks/sim", analyzed, sig1, NULL), ==, 200);
  s1 = snapshot (f);
  /* Busy with no retries left (max_retries 0): failed, once. */
  g_assert_cmpstr (s1, ==, "p0 d1 c0 f1 u0 s0;inbox 1;dialing 1");
  g_assert_cmpuint (post (f, "/webhooks/sim", ended, sig2, NULL), ==, 200);
  s2 = snapshot (f);
  g_assert_cmpstr (s2, ==, "p0 d1 c0 f1 u0 s0;inbox 2;dialing 1");

  r = cb_store_get_recipient (f->store, claim->recipient_id, NULL);
  g_assert_cmpstr (cb_recipient_get_outcome (r), ==, "busy");
  g_assert_cmpstr (cb_recipient_get_disconnection_reason (r), ==, "dial_busy");
  g_assert_cmpstr (cb_recipient_get_transcript (r), ==, "Agent: hello");
}

/* With retries left: busy comes back after retry_delay_s, an invalid destination never. */
static void
test_retry_by_reason (Fixture       *f,
                      gconstpointer  data)
{
  CbDialClaim *busy = g_ptr_array_index (f->claims, 0);
  CbDialClaim *invalid = g_ptr_array_index (f->claims, 1);
  g_autofree char *b1 = event_body ("call_ended", "call_busy", busy, "dial_busy");
  g_autofree char *b2 = event_body ("call_ended", "call_invalid", invalid, "invalid_destination");
  g_autofree char *sig1 = sign (SIM_KEY, b1, g_get_real_time () / 1000);
  g_autofree char *sig2 = sign (SIM_KEY, b2, g_get_real_time () / 1000);
  g_autoptr(CbRecipient) r1 = NULL;
  g_autoptr(CbRecipient) r2 = NULL;
  g_autofree char *counters = NULL;
  gint64 before = g_get_real_time () / 1000;
  gint64 next;

  g_assert_cmpuint (post (f, "/webhooks/sim", b1, sig1, NULL), ==, 200);
  g_assert_cmpuint (post (f, "/webhooks/sim", b2, sig2, NULL), ==, 200);
  counters = snapshot (f);
  g_assert_cmpstr (counters, ==, "p1 d0 c0 f1 u0 s0;inbox 2;dialing 0");

  r1 = cb_store_get_recipient (f->store, busy->recipient_id, NULL);
  g_assert_cmpint (cb_recipient_get_status (r1), ==, CB_RECIPIENT_STATUS_PENDING);
  g_assert_cmpstr (cb_recipient_get_outcome (r1), ==, "busy");
  g_assert_nonnull (cb_recipient_get_next_attempt_at (r1));
  next = g_date_time_to_unix (cb_recipient_get_next_attempt_at (r1)) * 1000;
  g_assert_cmpint (next, >=, before + 600 * 1000 - 1000);
  g_assert_cmpint (next, <=, g_get_real_time () / 1000 + 600 * 1000);

  r2 = cb_store_get_recipient (f->store, invalid->recipient_id, NULL);
  g_assert_cmpint (cb_recipient_get_status (r2), ==, CB_RECIPIENT_STATUS_FAILED);
  g_assert_cmpstr (cb_recipient_get_outcome (r2), ==, "invalid_destination");
  g_assert_null (cb_recipient_get_next_attempt_at (r2));
}

static CbCallEvent *
parse_event (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  const char *kind;
  CbCallEvent *event;

  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member (root, "event");
  event = cb_provider_retell_event_from_call (json_object_get_object_member (root, "call"),
                                              g_str_equal (kind, "call_started")
                                                ? CB_CALL_EVENT_STARTED
                                                : g_str_equal (kind, "call_ended")
                                                ? CB_CALL_EVENT_ENDED : CB_CALL_EVENT_ANALYZED,
                                              &error);
  g_assert_no_error (error);

  return event;
}

/* A group of @n events from @bodies, as the receiver hands them to the store. */
static void
fill_group (char        **bodies,
            guint         n,
            CbCallEvent **events,
            char        **keys,
            CbDialEvent  *group)
{
  for (guint i = 0; i < n; i++)
    {
      events[i] = parse_event (bodies[i]);
      keys[i] = cb_store_dialer_event_key (events[i]);
      group[i].provider = "sim";
      group[i].event_key = keys[i];
      group[i].body = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      group[i].event = events[i];
    }
}

static void
clear_group (char          **bodies,
             guint           n,
             CbCallEvent   **events,
             char          **keys,
             CbDialEvent    *group,
             CbDialApplied  *applied)
{
  for (guint i = 0; i < n; i++)
    {
      g_bytes_unref (group[i].body);
      cb_dial_applied_clear (&applied[i]);
      cb_call_event_free (events[i]);
      g_free (keys[i]);
      g_free (bodies[i]);
    }
}

static char *
recipient_row (Fixture    *f,
               const char *id)
{
  g_autoptr(CbRecipient) r = cb_store_get_recipient (f->store, id, NULL);

  g_assert_nonnull (r);
  return g_strdup_printf ("%s %s %s %s %s",
                          cb_recipient_status_to_string (cb_recipient_get_status (r)),
                          cb_recipient_get_outcome (r),
                          cb_recipient_get_disconnection_reason (r),
                          cb_recipient_get_transcript (r),
                          cb_recipient_get_analysis (r));
}

/* Events that arrive together are written as a group, with the same outcome as one by
 * one: the JSON path (SQLite) and the portable path give the same rows. */
static void
test_group (Fixture       *f,
            gconstpointer  data)
{
  CbDialClaim *a = g_ptr_array_index (f->claims, 0);
  CbDialClaim *b = g_ptr_array_index (f->claims, 1);
  CbDialClaim stranger = *a;
  char *bodies[5] = { NULL };
  CbCallEvent *events[5] = { NULL };
  CbDialEvent group[5] = { { 0 } };
  CbDialApplied applied[5] = { { 0 } };
  char *keys[5] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *counters = NULL;
  g_autofree char *row_a = NULL;
  g_autofree char *row_b = NULL;

  cb_store_set_bulk_insert_json (f->store, strstr (g_test_get_path (), "json") != NULL);

  stranger.attempt_id = (char *) "att_unknown";
  bodies[0] = event_body ("call_ended", "call_a", a, "user_hangup");
  /* The same call analysed in the same group: adds its transcript and analysis. */
  bodies[1] = event_body ("call_analyzed", "call_a", a, "user_hangup");
  /* A repeat within the group. */
  bodies[2] = event_body ("call_ended", "call_a", a, "user_hangup");
  /* A call id that needs escaping, in JSON and in SQL. */
  bodies[3] = event_body ("call_ended", "call_\\\"b'\\u00e9", b, "dial_busy");
  bodies[4] = event_body ("call_ended", "call_x", &stranger, "user_hangup");

  fill_group (bodies, G_N_ELEMENTS (group), events, keys, group);

  g_assert_true (cb_store_begin (f->store, &error));
  g_assert_true (cb_store_dialer_apply_events_locked (f->store, group, G_N_ELEMENTS (group),
                                                      cb_store_now_ms (), applied, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_commit (f->store, &error));

  g_assert_false (applied[0].duplicate);
  g_assert_true (applied[0].finalized);
  g_assert_cmpint (applied[0].recipient_status, ==, CB_RECIPIENT_STATUS_COMPLETED);
  g_assert_cmpstr (applied[0].attempt_id, ==, a->attempt_id);
  g_assert_false (applied[1].duplicate);
  g_assert_false (applied[1].finalized);
  g_assert_cmpstr (applied[1].recipient_id, ==, a->recipient_id);
  g_assert_true (applied[2].duplicate);
  g_assert_null (applied[2].attempt_id);
  g_assert_true (applied[3].finalized);
  g_assert_cmpint (applied[3].recipient_status, ==, CB_RECIPIENT_STATUS_FAILED);
  g_assert_false (applied[4].duplicate);
  g_assert_null (applied[4].attempt_id);

  counters = snapshot (f);
  g_assert_cmpstr (counters, ==, "p0 d0 c1 f1 u1 s0;inbox 4;dialing 0");
  row_a = recipient_row (f, a->recipient_id);
  g_assert_cmpstr (row_a, ==, "completed answered user_hangup Agent: hello "
                              "{\"call_summary\":\"ok\",\"call_successful\":true}");
  row_b = recipient_row (f, b->recipient_id);
  g_assert_cmpstr (row_b, ==, "failed busy dial_busy  (null)");

  {
    g_autoptr(GdaDataModel) model = cb_store_select (f->store, NULL,
                                                     "SELECT event_key, body, applied_at IS NULL"
                                                     " FROM webhook_inbox ORDER BY event_key",
                                                     NULL);
    g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 4);
    g_assert_cmpstr (cb_store_model_get_string (model, 0, 0), ==, "call_analyzed:call_a");
    g_assert_cmpstr (cb_store_model_get_string (model, 1, 0), ==, bodies[1]);
    g_assert_cmpstr (cb_store_model_get_string (model, 0, 1), ==, "call_ended:call_\"b'\u00e9");
    g_assert_cmpstr (cb_store_model_get_string (model, 1, 1), ==, bodies[3]);
    g_assert_cmpint (cb_store_model_get_int64 (model, 2, 1, -1), ==, 0);
    g_assert_cmpstr (cb_store_model_get_string (model, 0, 3), ==, "call_ended:call_x");
    g_assert_cmpint (cb_store_model_get_int64 (model, 2, 3, -1), ==, 1);
  }

  clear_group (bodies, G_N_ELEMENTS (group), events, keys, group, applied);
}

/* A call's start counts while its recipient is dialing, in a group as one by one: a start
 * read after the call's end (which had none) leaves the recipient alone. */
static void
test_group_started (Fixture       *f,
                    gconstpointer  data)
{
  CbDialClaim *a = g_ptr_array_index (f->claims, 0);
  CbDialClaim *b = g_ptr_array_index (f->claims, 1);
  GString *ended_b;
  char *bodies[3] = { NULL };
  CbCallEvent *events[3] = { NULL };
  CbDialEvent group[3] = { { 0 } };
  CbDialApplied applied[3] = { { 0 } };
  char *keys[3] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbRecipient) ra = NULL;
  g_autoptr(CbRecipient) rb = NULL;
  g_autofree char *counters = NULL;

  cb_store_set_bulk_insert_json (f->store, strstr (g_test_get_path (), "json") != NULL);

  bodies[0] = event_body ("call_started", "call_a", a, "");
  bodies[1] = event_body ("call_ended", "call_b", b, "dial_no_answer");
  ended_b = g_string_new (bodies[1]);
  g_free (bodies[1]);
  g_assert_cmpuint (g_string_replace (ended_b, "\"start_timestamp\":1770000000000,", "", 1), ==, 1);
  bodies[1] = g_string_free (ended_b, FALSE);
  bodies[2] = event_body ("call_started", "call_b", b, "");

  fill_group (bodies, G_N_ELEMENTS (group), events, keys, group);
  g_assert_cmpint (events[1]->start_ms, ==, 0);

  g_assert_true (cb_store_begin (f->store, &error));
  g_assert_true (cb_store_dialer_apply_events_locked (f->store, group, G_N_ELEMENTS (group),
                                                      cb_store_now_ms (), applied, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_commit (f->store, &error));

  g_assert_false (applied[0].finalized);
  g_assert_cmpint (applied[0].recipient_status, ==, CB_RECIPIENT_STATUS_DIALING);
  g_assert_true (applied[1].finalized);
  g_assert_cmpint (applied[1].recipient_status, ==, CB_RECIPIENT_STATUS_FAILED);
  g_assert_false (applied[2].finalized);
  g_assert_cmpint (applied[2].recipient_status, ==, CB_RECIPIENT_STATUS_FAILED);

  ra = cb_store_get_recipient (f->store, a->recipient_id, NULL);
  g_assert_cmpint (cb_recipient_get_status (ra), ==, CB_RECIPIENT_STATUS_DIALING);
  g_assert_nonnull (cb_recipient_get_started_at (ra));
  g_assert_cmpint (g_date_time_to_unix (cb_recipient_get_started_at (ra)), ==, 1770000000);
  rb = cb_store_get_recipient (f->store, b->recipient_id, NULL);
  g_assert_cmpint (cb_recipient_get_status (rb), ==, CB_RECIPIENT_STATUS_FAILED);
  g_assert_null (cb_recipient_get_started_at (rb));

  counters = snapshot (f);
  g_assert_cmpstr (counters, ==, "p0 d1 c0 f1 u0 s0;inbox 3;dialing 1");

  clear_group (bodies, G_N_ELEMENTS (group), events, keys, group, applied);
}

/* The store fails on the last write of the group (the inbox row, after the attempt, the
 * recipient and the counters): 500, and none of it is kept; delivered again, it is. */
static void
test_store_failure (Fixture       *f,
                    gconstpointer  data)
{
  CbDialClaim *claim = g_ptr_array_index (f->claims, 0);
  g_autofree char *body = event_body ("call_ended", "call_a", claim, "user_hangup");
  g_autofree char *sig = sign (SIM_KEY, body, g_get_real_time () / 1000);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *reply = NULL;

  /* One inbox row per provider from now on: the event's own row cannot be written. */
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "INSERT INTO webhook_inbox (id, provider, event_key, received_at,"
                                  " body) VALUES ('evt_x', 'sim', 'call_ended:call_x', 1, '{}')",
                                  NULL), ==, 1);
  g_assert_cmpint (cb_store_exec (f->store, &error,
                                  "CREATE UNIQUE INDEX one_per_provider ON webhook_inbox (provider)",
                                  NULL), >=, 0);
  g_assert_no_error (error);
  before = snapshot (f);

  g_test_expect_message ("callboard-webhooks", G_LOG_LEVEL_WARNING,
                         "Could not store 1 webhook events: *");
  g_assert_cmpuint (post (f, "/webhooks/sim", body, sig, &reply), ==, 500);
  g_test_assert_expected_messages ();
  g_assert_nonnull (strstr (reply, "\"code\":\"store_failed\""));
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (recipient_status (f, claim->recipient_id), ==, "dialing");

  g_assert_cmpint (cb_store_exec (f->store, &error, "DROP INDEX one_per_provider", NULL), >=, 0);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_free);
  g_assert_cmpuint (post (f, "/webhooks/sim", body, sig, &reply), ==, 200);
  g_assert_cmpstr (reply, ==, "{\"status\":\"ok\"}");
  g_clear_pointer (&after, g_free);
  after = snapshot (f);
  g_assert_cmpstr (after, ==, "p0 d1 c1 f0 u1 s0;inbox 2;dialing 1");
}

static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  gboolean *read = data;

  *read = TRUE;
}

static gboolean
set_true_cb (gpointer data)
{
  gboolean *done = data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Sends @body signed, and returns once the engine has begun writing it: the group's thread
 * then waits for the store, which the caller holds. */
static SoupMessage *
post_until_writing (Fixture      *f,
                    SoupSession  *session,
                    const char   *body,
                    GBytes      **answer)
{
  SoupServer *server = cb_http_server_get_soup_server (cb_engine_get_http_server (f->engine));
  g_autofree char *url = g_strdup_printf ("%s/webhooks/sim", cb_engine_get_url (f->engine));
  g_autofree char *sig = sign (SIM_KEY, body, g_get_real_time () / 1000);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessage *msg = soup_message_new ("POST", url);
  gboolean read = FALSE;
  gboolean idle = FALSE;
  gulong id;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                CB_SIGNATURE_RETELL_HEADER, sig);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  id = g_signal_connect (server, "request-read", G_CALLBACK (request_read_cb), &read);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, answer);
  while (!read)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (server, id);

  /* The request is held; the group starts from an idle of a higher priority than this one. */
  g_idle_add_full (G_PRIORITY_LOW, set_true_cb, &idle, NULL);
  while (!idle)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (*answer);
  return msg;
}

/* Stopped while a group is written: the write completes and is kept, but nobody is told
 * 2xx once the server is gone. */
static void
test_stop_while_writing (Fixture       *f,
                         gconstpointer  data)
{
  CbDialClaim *claim = g_ptr_array_index (f->claims, 0);
  g_autofree char *body = event_body ("call_ended", "call_a", claim, "user_hangup");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *after = NULL;

  cb_store_lock (f->store);
  msg = post_until_writing (f, session, body, &answer);
  cb_engine_stop (f->engine);
  cb_store_unlock (f->store);
  g_clear_object (&f->engine);

  while (answer == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NONE);
  g_assert_cmpuint (g_bytes_get_size (answer), ==, 0);

  after = snapshot (f);
  g_assert_cmpstr (after, ==, "p0 d1 c1 f0 u1 s0;inbox 1;dialing 1");
  g_assert_cmpstr (recipient_status (f, claim->recipient_id), ==, "completed");
}

static void
applied_cb (CbWebhookReceiver *receiver,
            CbDialApplied     *applied,
            GPtrArray         *order)
{
  g_ptr_array_add (order, g_strdup (applied->attempt_id));
}

/* A polled event applied while a group is written comes after it, for the store and for
 * the listeners; the group is answered. */
static void
test_poll_while_writing (Fixture       *f,
                         gconstpointer  data)
{
  CbWebhookReceiver *receiver = cb_engine_get_webhook_receiver (f->engine);
  CbDialClaim *a = g_ptr_array_index (f->claims, 0);
  CbDialClaim *b = g_ptr_array_index (f->claims, 1);
  g_autofree char *body_a = event_body ("call_ended", "call_a", a, "user_hangup");
  g_autofree char *body_b = event_body ("call_ended", "call_b", b, "dial_busy");
  g_autoptr(CbCallEvent) event_b = parse_event (body_b);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gboolean duplicate = TRUE;
  gulong id;

  id = g_signal_connect (receiver, "applied", G_CALLBACK (applied_cb), order);
  cb_store_lock (f->store);
  msg = post_until_writing (f, session, body_a, &answer);
  cb_store_unlock (f->store);

  g_assert_true (cb_webhook_receiver_apply (receiver, "sim", NULL, event_b, &duplicate, &error));
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpuint (order->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (order, 0), ==, a->attempt_id);
  g_assert_cmpstr (g_ptr_array_index (order, 1), ==, b->attempt_id);

  while (answer == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                   "{\"status\":\"ok\"}", 15);

  after = snapshot (f);
  g_assert_cmpstr (after, ==, "p0 d0 c1 f1 u1 s0;inbox 2;dialing 0");
  g_signal_handler_disconnect (receiver, id);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);
  cb_test_init (&argc, &argv);

  g_test_add ("/engine/webhooks/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/engine/webhooks/once", Fixture, NULL, fixture_setup, test_once, fixture_teardown);
  g_test_add_func ("/engine/webhooks/fast-json", test_fast_json);
  g_test_add_func ("/engine/webhooks/json-text", test_json_text);
  g_test_add ("/engine/webhooks/body-forms", Fixture, NULL, fixture_setup, test_body_forms,
              fixture_teardown);
  g_test_add ("/engine/webhooks/out-of-order", Fixture, NULL, fixture_setup, test_out_of_order,
              fixture_teardown);

  g_test_add ("/engine/webhooks/store-failure", Fixture, NULL, fixture_setup, test_store_failure,
              fixture_teardown);
  g_test_add ("/engine/webhooks/stop-while-writing", Fixture, NULL, fixture_setup,
              test_stop_while_writing, fixture_teardown);
  g_test_add ("/engine/webhooks/poll-while-writing", Fixture, NULL, fixture_setup,
              test_poll_while_writing, fixture_teardown);
  g_test_add ("/engine/webhooks/group-json", Fixture, NULL, fixture_setup, test_group,
              fixture_teardown);
  g_test_add ("/engine/webhooks/group-started-json", Fixture, NULL, fixture_setup,
              test_group_started, fixture_teardown);
  g_test_add ("/engine/webhooks/group-started-portable", Fixture, NULL, fixture_setup,
              test_group_started, fixture_teardown);
  g_test_add ("/engine/webhooks/group-portable", Fixture, NULL, fixture_setup, test_group,
              fixture_teardown);
  g_test_add ("/engine/webhooks/retry-by-reason", Fixture, "retries", fixture_setup,
              test_retry_by_reason, fixture_teardown);

  return g_test_run ();
}
