/* cb-test-http.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-test-http.h"

#include <string.h>

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Exchange;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

static gboolean
exchange_done (gpointer data)
{
  return ((Exchange *) data)->done;
}

CbTestResponse *
cb_test_http (const char *method,
              const char *url,
              const char *bearer,
              const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  CbTestResponse *response;
  Exchange exchange = { 0 };

  g_assert_nonnull (msg);

  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &exchange);
  cb_test_wait_until (exchange_done, &exchange, 30);
  g_assert_no_error (exchange.error);

  response = g_new0 (CbTestResponse, 1);
  response->status = soup_message_get_status (msg);
  response->body = exchange.body;
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return response;
}

const char *
cb_test_response_text (CbTestResponse *response)
{
  if (response->text == NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (response->body, &len);

      response->text = g_strndup (data != NULL ? data : "", len);
    }

  return response->text;
}

JsonNode *
cb_test_response_json (CbTestResponse *response)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (cb_test_response_text (response), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

void
cb_test_response_free (CbTestResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->text);
  g_free (response);
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
cb_test_wait_until (gboolean (*done) (gpointer data),
                    gpointer   data,
                    guint      timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (10, wake_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting after %u seconds", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake_id);
}

static gboolean
deadline_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

void
cb_test_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  cb_test_wait_until (deadline_passed, &deadline, ms / 1000 + 5);
}
