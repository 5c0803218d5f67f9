/* cb-http-server.h — the engine's one HTTP server: webhooks, /healthz, the REST API
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CB_HTTP_SERVER_BACKLOG 1024

#define CB_TYPE_HTTP_SERVER (cb_http_server_get_type ())

G_DECLARE_FINAL_TYPE (CbHttpServer, cb_http_server, CB, HTTP_SERVER, GObject)

/* A SoupServer with `GET /healthz` ({"status":"ok"}). It listens through its own socket
 * with a backlog of CB_HTTP_SERVER_BACKLOG, and closes idle keep-alive connections within
 * a tenth of a second of their peer closing them (libsoup 3.2 leaves them in CLOSE_WAIT
 * otherwise). */
CbHttpServer *cb_http_server_new              (void);
/* @host: an IP address or "localhost"; @port: 0 for any free port. Fails with a
 * G_IO_ERROR (G_IO_ERROR_ADDRESS_IN_USE when the port is taken). */
gboolean      cb_http_server_listen           (CbHttpServer       *self,
                                               const char         *host,
                                               guint16             port,
                                               GError            **error);
/* Parses "HOST:PORT" ("127.0.0.1:8787", "[::1]:8787", ":8787") and listens there. */
gboolean      cb_http_server_listen_address   (CbHttpServer       *self,
                                               const char         *address,
                                               GError            **error);
void          cb_http_server_disconnect       (CbHttpServer       *self);
/* "http://127.0.0.1:8787" once listening, else NULL. */
const char   *cb_http_server_get_url          (CbHttpServer       *self);
guint16       cb_http_server_get_port         (CbHttpServer       *self);
SoupServer   *cb_http_server_get_soup_server  (CbHttpServer       *self);
void          cb_http_server_add_handler      (CbHttpServer       *self,
                                               const char         *path,
                                               SoupServerCallback  callback,
                                               gpointer            user_data,
                                               GDestroyNotify      destroy);
/* Connections the server holds open right now. */
guint         cb_http_server_get_n_connections (CbHttpServer      *self);

/* Refuses @msg at once with @status and the JSON @json: its connection is taken from
 * libsoup, the answer written with "Connection: close", and the rest of the body is not
 * read (beyond a short drain, so that closing does not reset the answer away). */
void          cb_http_server_refuse_now       (SoupServerMessage  *msg,
                                               guint               status,
                                               const char         *json);
/* For a "got-headers" handler: refuses @msg as cb_http_server_refuse_now() does as soon as
 * its body is known to pass @max_bytes, from its Content-Length or while its chunks
 * arrive. */
/* TRUE when @msg carries no body, or declares one of at most @max_bytes: no limit to set,
 * nor refusal to prepare. */
gboolean      cb_http_server_body_within      (SoupServerMessage  *msg,
                                               guint64             max_bytes);
void          cb_http_server_limit_body       (SoupServerMessage  *msg,
                                               guint64             max_bytes,
                                               guint               status,
                                               const char         *json);

/* Helpers for handlers: a JSON body, and SPEC §5's error shape
 * {"error":{"code":…,"message":…,"details":null}}. */
char         *cb_http_server_error_json       (const char         *code,
                                               const char         *message);
void          cb_http_server_reply_json       (SoupServerMessage  *msg,
                                               guint               status,
                                               const char         *json);
void          cb_http_server_reply_error      (SoupServerMessage  *msg,
                                               guint               status,
                                               const char         *code,
                                               const char         *message);

G_END_DECLS
