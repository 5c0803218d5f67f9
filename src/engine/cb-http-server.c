/* cb-http-server.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-http"

#include "config.h"

#include "cb-http-server.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sys/socket.h>

/*
 * libsoup 3.2 does not notice when the peer of an idle keep-alive connection closes it:
 * the socket then sits in CLOSE_WAIT until the server is destroyed, and a few thousand
 * clients that come and go exhaust the file descriptors. A connection that stays idle
 * (between the end of a response and the next request) for IDLE_WATCH_AFTER_MS is
 * watched: when it becomes readable and a peek finds the end of the stream, the socket is
 * closed, which releases the descriptor. A request costs no watch of its own while the
 * clients keep their connections busy; a sweep, armed only while some connection is idle
 * and unwatched, sets the watches up.
 */

/* After refusing a body that is too large: how long the connection may still drain what the
 * client already sent, so that closing it does not reset the answer away. */
#define LINGER_MS           1000
#define LINGER_MAX_BYTES    (1024 * 1024)
#define IDLE_WATCH_AFTER_MS 25
#define IDLE_SWEEP_MS       50

typedef struct
{
  GSource *watch;        /* while idle and watched, else NULL */
  gint64   idle_since;   /* monotonic µs since the last response, 0 while busy */
} Connection;

struct _CbHttpServer
{
  GObject     parent_instance;

  SoupServer *server;
  GSocket    *listener;
  char       *url;
  guint16     port;
  /* GSocket → its Connection. The sockets are not referenced: a weak reference removes
   * them. */
  GHashTable *connections;
  guint       sweep_source;
};

G_DEFINE_FINAL_TYPE (CbHttpServer, cb_http_server, G_TYPE_OBJECT)

static void
connection_unwatch (Connection *connection)
{
  if (connection->watch != NULL)
    {
      g_source_destroy (connection->watch);
      g_clear_pointer (&connection->watch, g_source_unref);
    }
}

static void
connection_free (gpointer data)
{
  Connection *connection = data;

  connection_unwatch (connection);
  g_free (connection);
}

static void
socket_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  CbHttpServer *self = data;

  g_hash_table_remove (self->connections, where_the_object_was);
}

static gboolean
idle_socket_ready (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  CbHttpServer *self = user_data;
  Connection *connection = g_hash_table_lookup (self->connections, socket);
  gboolean peer_closed = FALSE;
  char byte;
  gssize n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    peer_closed = TRUE;
  else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    peer_closed = TRUE;
  else if ((condition & (G_IO_HUP | G_IO_ERR)) != 0 && n < 0)
    peer_closed = TRUE;

  /* Either the peer went away, or a new request arrived that libsoup now reads: the watch
   * is done in both cases. Returning G_SOURCE_REMOVE destroys it. */
  if (connection != NULL)
    g_clear_pointer (&connection->watch, g_source_unref);

  if (peer_closed)
    g_socket_close (socket, NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
sweep_cb (gpointer user_data)
{
  CbHttpServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean again = FALSE;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Connection *connection = value;
      GSocket *socket = key;

      if (connection->idle_since == 0 || connection->watch != NULL || g_socket_is_closed (socket))
        continue;

      if (now - connection->idle_since < IDLE_WATCH_AFTER_MS * 1000)
        {
          again = TRUE;
          continue;
        }

      connection->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (connection->watch, G_SOURCE_FUNC (idle_socket_ready), self, NULL);
      g_source_set_static_name (connection->watch, "[callboard] idle connection");
      g_source_attach (connection->watch, NULL);
    }

  if (again)
    return G_SOURCE_CONTINUE;

  self->sweep_source = 0;
  return G_SOURCE_REMOVE;
}

static void
request_finished (SoupServer        *server,
                  SoupServerMessage *msg,
                  gpointer           user_data)
{
  CbHttpServer *self = user_data;
  Connection *connection;
  GSocket *socket;

  socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_socket_is_closed (socket)
      || !(connection = g_hash_table_lookup (self->connections, socket)))
    return;

  connection->idle_since = g_get_monotonic_time ();
  if (self->sweep_source == 0)
    {
      self->sweep_source = g_timeout_add (IDLE_SWEEP_MS, sweep_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->sweep_source),
                                "[callboard] idle connections");
    }
}

static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  CbHttpServer *self = user_data;
  Connection *connection;
  GSocket *socket;

  socket = soup_server_message_get_socket (msg);
  if (socket == NULL)
    return;

  connection = g_hash_table_lookup (self->connections, socket);
  if (connection == NULL)
    {
      connection = g_new0 (Connection, 1);
      g_object_weak_ref (G_OBJECT (socket), socket_gone, self);
      g_hash_table_insert (self->connections, socket, connection);
    }

  /* Busy: no watch until it is idle again. */
  connection->idle_since = 0;
  connection_unwatch (connection);
}

void
cb_http_server_reply_json (SoupServerMessage *msg,
                           guint              status,
                           const char        *json)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (json != NULL);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

char *
cb_http_server_error_json (const char *code,
                           const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "details");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

void
cb_http_server_reply_error (SoupServerMessage *msg,
                            guint              status,
                            const char        *code,
                            const char        *message)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  text = cb_http_server_error_json (code, message);
  cb_http_server_reply_json (msg, status, text);
}

/* Refusing a body while it arrives: the connection is taken from libsoup, the answer written
 * with "Connection: close", and the rest of the body is not read (beyond a short drain). */

typedef struct
{
  GIOStream *stream;
  GSocket   *socket;
  char      *response;
  gsize      drained;
  gint64     deadline;
  guint8     buffer[16 * 1024];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_io_stream_close (refusal->stream, NULL, NULL);
  g_clear_object (&refusal->stream);
  g_clear_object (&refusal->socket);
  g_free (refusal->response);
  g_free (refusal);
}

static void
refusal_drained_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n > 0)
    refusal->drained += n;

  if (n <= 0 || refusal->drained >= LINGER_MAX_BYTES
      || g_get_monotonic_time () >= refusal->deadline)
    {
      refusal_free (refusal);
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream),
                             refusal->buffer, sizeof refusal->buffer, G_PRIORITY_DEFAULT, NULL,
                             refusal_drained_cb, refusal);
}

static void
refusal_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    {
      refusal_free (refusal);
      return;
    }

  g_output_stream_flush (G_OUTPUT_STREAM (object), NULL, NULL);
  if (refusal->socket != NULL)
    g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);

  refusal->deadline = g_get_monotonic_time () + LINGER_MS * 1000;
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream),
                             refusal->buffer, sizeof refusal->buffer, G_PRIORITY_DEFAULT, NULL,
                             refusal_drained_cb, refusal);
}

void
cb_http_server_refuse_now (SoupServerMessage *msg,
                           guint              status,
                           const char        *json)
{
  GSocket *socket;
  Refusal *refusal;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (json != NULL);

  socket = soup_server_message_get_socket (msg);
  refusal = g_new0 (Refusal, 1);
  if (socket != NULL)
    refusal->socket = g_object_ref (socket);
  refusal->stream = soup_server_message_steal_connection (msg);
  refusal->response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                       "Content-Type: application/json\r\n"
                                       "Content-Length: %zu\r\n"
                                       "Connection: close\r\n"
                                       "\r\n"
                                       "%s",
                                       status, soup_status_get_phrase (status), strlen (json), json);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   refusal->response, strlen (refusal->response),
                                   G_PRIORITY_DEFAULT, NULL, refusal_written_cb, refusal);
}

typedef struct
{
  guint64  max_bytes;
  guint64  received;
  guint    status;
  char    *json;
} BodyLimit;

static void
body_limit_free (gpointer  data,
                 GClosure *closure)
{
  BodyLimit *limit = data;

  g_free (limit->json);
  g_free (limit);
}

static void
limit_chunk_cb (SoupServerMessage *msg,
                GBytes            *chunk,
                gpointer           user_data)
{
  BodyLimit *limit = user_data;
  g_autofree char *json = NULL;
  guint status;

  limit->received += g_bytes_get_size (chunk);
  if (limit->received <= limit->max_bytes)
    return;

  status = limit->status;
  json = g_strdup (limit->json);
  g_signal_handlers_disconnect_by_func (msg, limit_chunk_cb, limit);
  cb_http_server_refuse_now (msg, status, json);
}

gboolean
cb_http_server_body_within (SoupServerMessage *msg,
                            guint64            max_bytes)
{
  SoupMessageHeaders *headers;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  headers = soup_server_message_get_request_headers (msg);
  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_NONE:
      return TRUE;
    case SOUP_ENCODING_CONTENT_LENGTH:
      return (guint64) soup_message_headers_get_content_length (headers) <= max_bytes;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_BYTERANGES:
    default:
      return FALSE;
    }
}

void
cb_http_server_limit_body (SoupServerMessage *msg,
                           guint64            max_bytes,
                           guint              status,
                           const char        *json)
{
  SoupMessageHeaders *headers;
  SoupEncoding encoding;
  BodyLimit *limit;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (json != NULL);

  headers = soup_server_message_get_request_headers (msg);
  encoding = soup_message_headers_get_encoding (headers);
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if ((guint64) soup_message_headers_get_content_length (headers) > max_bytes)
        cb_http_server_refuse_now (msg, status, json);
      return;
    }

  if (encoding == SOUP_ENCODING_NONE)
    return;

  limit = g_new0 (BodyLimit, 1);
  limit->max_bytes = max_bytes;
  limit->status = status;
  limit->json = g_strdup (json);
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (limit_chunk_cb), limit, body_limit_free, 0);
}

static void
healthz_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET
      && soup_server_message_get_method (msg) != SOUP_METHOD_HEAD)
    {
      cb_http_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                                  _("Use GET for /healthz"));
      return;
    }

  cb_http_server_reply_json (msg, SOUP_STATUS_OK, "{\"status\":\"ok\"}");
}

static void
cb_http_server_dispose (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

  cb_http_server_disconnect (self);
  g_clear_handle_id (&self->sweep_source, g_source_remove);

  if (self->connections != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->connections);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_object_weak_unref (key, socket_gone, self);
      g_clear_pointer (&self->connections, g_hash_table_unref);
    }

  g_clear_object (&self->server);

  G_OBJECT_CLASS (cb_http_server_parent_class)->dispose (object);
}

static void
cb_http_server_finalize (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (cb_http_server_parent_class)->finalize (object);
}

static void
cb_http_server_class_init (CbHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_http_server_dispose;
  object_class->finalize = cb_http_server_finalize;
}

static void
cb_http_server_init (CbHttpServer *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, connection_free);
  self->server = soup_server_new ("server-header", "callboard/" PACKAGE_VERSION " ", NULL);
  g_signal_connect_object (self->server, "request-started",
                           G_CALLBACK (request_started), self, 0);
  g_signal_connect_object (self->server, "request-finished",
                           G_CALLBACK (request_finished), self, 0);
  soup_server_add_handler (self->server, "/healthz", healthz_cb, NULL, NULL);
}

CbHttpServer *
cb_http_server_new (void)
{
  return g_object_new (CB_TYPE_HTTP_SERVER, NULL);
}

gboolean
cb_http_server_listen (CbHttpServer  *self,
                       const char    *host,
                       guint16        port,
                       GError       **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *host_text = NULL;

  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on"), host);
      return FALSE;
    }

  address = g_inet_socket_address_new (inet, port);
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  g_socket_set_listen_backlog (socket, CB_HTTP_SERVER_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error))
    return FALSE;
  if (!g_socket_listen (socket, error))
    return FALSE;
  if (!soup_server_listen_socket (self->server, socket, 0, error))
    return FALSE;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  host_text = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("http://[%s]:%u", host_text, self->port);
  else
    self->url = g_strdup_printf ("http://%s:%u", host_text, self->port);
  self->listener = g_steal_pointer (&socket);

  g_debug ("Listening on %s", self->url);

  return TRUE;
}

gboolean
cb_http_server_listen_address (CbHttpServer  *self,
                               const char    *address,
                               GError       **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  const char *port_text;
  guint64 port;

  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  colon = strrchr (address, ':');
  if (colon == NULL)
    goto bad;

  port_text = colon + 1;
  if (!g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, NULL))
    goto bad;

  if (address[0] == '[')
    {
      if (colon == address || colon[-1] != ']')
        goto bad;
      host = g_strndup (address + 1, colon - address - 2);
    }
  else if (colon == address)
    host = g_strdup ("127.0.0.1");
  else
    host = g_strndup (address, colon - address);

  return cb_http_server_listen (self, host, (guint16) port, error);

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an address to listen on: use HOST:PORT, e.g. 127.0.0.1:8787"),
               address);
  return FALSE;
}

void
cb_http_server_disconnect (CbHttpServer *self)
{
  g_return_if_fail (CB_IS_HTTP_SERVER (self));

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->listener);
  g_clear_pointer (&self->url, g_free);
  self->port = 0;
}

const char *
cb_http_server_get_url (CbHttpServer *self)
{
  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), NULL);

  return self->url;
}

guint16
cb_http_server_get_port (CbHttpServer *self)
{
  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), 0);

  return self->port;
}

SoupServer *
cb_http_server_get_soup_server (CbHttpServer *self)
{
  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), NULL);

  return self->server;
}

void
cb_http_server_add_handler (CbHttpServer       *self,
                            const char         *path,
                            SoupServerCallback  callback,
                            gpointer            user_data,
                            GDestroyNotify      destroy)
{
  g_return_if_fail (CB_IS_HTTP_SERVER (self));
  g_return_if_fail (callback != NULL);

  soup_server_add_handler (self->server, path, callback, user_data, destroy);
}

guint
cb_http_server_get_n_connections (CbHttpServer *self)
{
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), 0);

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_socket_is_closed (key))
        n++;
    }

  return n;
}
