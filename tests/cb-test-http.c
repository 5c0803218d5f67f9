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

/* Plain sockets */

typedef struct
{
  GString  *received;
  gboolean  done;
  guint8    buffer[4096];
} RawRead;

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawRead *read = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      read->done = TRUE;
      return;
    }

  g_string_append_len (read->received, (const char *) read->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), read->buffer, sizeof read->buffer,
                             G_PRIORITY_DEFAULT, NULL, raw_read_cb, read);
}

static void
raw_written_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  /* The server may close while the client still writes: that is the point. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
raw_done (gpointer data)
{
  return ((RawRead *) data)->done;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

char *
cb_test_raw_exchange (guint16  port,
                      GBytes  *request_bytes)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  RawRead read = { 0 };
  gboolean written = FALSE;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  read.received = g_string_new (NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             read.buffer, sizeof read.buffer, G_PRIORITY_DEFAULT, NULL,
                             raw_read_cb, &read);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   g_bytes_get_data (request_bytes, NULL),
                                   g_bytes_get_size (request_bytes), G_PRIORITY_DEFAULT, NULL,
                                   raw_written_cb, &written);
  cb_test_wait_until (flag_set, &written, 30);
  g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, NULL);
  cb_test_wait_until (raw_done, &read, 30);

  return g_string_free (read.received, FALSE);
}
