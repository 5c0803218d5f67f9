/* cb-test-http.h — real HTTP requests from tests, on the test's own main loop
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  char               *text;     /* filled by cb_test_response_text() */
} CbTestResponse;

/* Sends one request and iterates the default main context until the answer is in, so a
 * server running in this same process keeps serving. @bearer and @body (JSON text) may
 * be NULL. A transport failure fails the test. */
CbTestResponse *cb_test_http          (const char     *method,
                                       const char     *url,
                                       const char     *bearer,
                                       const char     *body);
/* The body as text (NUL-terminated) / parsed as JSON (fails the test when it is not). */
const char     *cb_test_response_text (CbTestResponse *response);
JsonNode       *cb_test_response_json (CbTestResponse *response);
void            cb_test_response_free (CbTestResponse *response);

/* Iterates the default main context until @done returns TRUE; fails the test after
 * @timeout_s seconds. */
void            cb_test_wait_until    (gboolean      (*done) (gpointer data),
                                       gpointer        data,
                                       guint           timeout_s);
/* Writes @request on a plain socket to 127.0.0.1:@port and returns all the server sent
 * back until it closed: for answers a client library would not read, such as a refusal
 * written while the request's body is still being sent. */
char           *cb_test_raw_exchange  (guint16         port,
                                       GBytes         *request);
/* Iterates the default main context for @ms milliseconds. */
void            cb_test_spin          (guint           ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbTestResponse, cb_test_response_free)

G_END_DECLS
