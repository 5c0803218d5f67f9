/* cb-provider.h — a voice-AI provider that places calls and reports on them
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-call-event.h"

G_BEGIN_DECLS

#define CB_PROVIDER_ERROR (cb_provider_error_quark ())

typedef enum
{
  CB_PROVIDER_ERROR_RATE_LIMITED,      /* 429: see cb_provider_error_get_retry_after() */
  CB_PROVIDER_ERROR_UNAUTHORIZED,      /* 401, 402, 403: the key or the account */
  CB_PROVIDER_ERROR_BAD_REQUEST,       /* 400, 422 and other 4xx: not retryable */
  CB_PROVIDER_ERROR_NOT_FOUND,         /* 404: no such call */
  CB_PROVIDER_ERROR_SERVER,            /* 5xx */
  CB_PROVIDER_ERROR_NETWORK,           /* could not connect, connection lost */
  CB_PROVIDER_ERROR_TIMEOUT,           /* no answer in time */
  CB_PROVIDER_ERROR_INVALID_RESPONSE,  /* a 2xx answer we cannot read */
  CB_PROVIDER_ERROR_INVALID_EVENT,     /* a webhook body we cannot read */
  CB_PROVIDER_ERROR_IGNORED_EVENT,     /* a well-formed webhook of a kind we do not use */
} CbProviderError;

GQuark   cb_provider_error_quark            (void);
/* The HTTP status behind a CB_PROVIDER_ERROR (0 when there was no HTTP answer). */
guint    cb_provider_error_get_http_status  (const GError *error);
/* Seconds to wait before trying again, from Retry-After (0 when not given). */
guint    cb_provider_error_get_retry_after  (const GError *error);
/* Whether the request that failed with @error may have reached the provider (and so
 * placed a call): FALSE only when it provably never left, e.g. no connection could be
 * made. A request that may have reached it must not be sent again blindly. */
gboolean cb_provider_error_may_have_reached (const GError *error);
void     cb_provider_error_set_unsent       (GError       *error);
/* A CB_PROVIDER_ERROR carrying @http_status and @retry_after_s. */
GError  *cb_provider_error_new              (CbProviderError  code,
                                             guint            http_status,
                                             guint            retry_after_s,
                                             const char      *format,
                                             ...) G_GNUC_PRINTF (4, 5);

#define CB_TYPE_PROVIDER (cb_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (CbProvider, cb_provider, CB, PROVIDER, GObject)

struct _CbProviderClass
{
  GObjectClass parent_class;

  void         (*place_call_async)  (CbProvider          *self,
                                     const char          *from_number,
                                     const char          *to_number,
                                     const char          *agent_id,
                                     JsonObject          *dynamic_vars,
                                     JsonObject          *metadata,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  char        *(*place_call_finish) (CbProvider          *self,
                                     GAsyncResult        *result,
                                     GError             **error);
  void         (*get_call_async)    (CbProvider          *self,
                                     const char          *call_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  CbCallEvent *(*get_call_finish)   (CbProvider          *self,
                                     GAsyncResult        *result,
                                     GError             **error);
  gboolean     (*verify_webhook)    (CbProvider          *self,
                                     SoupMessageHeaders  *headers,
                                     GBytes              *body,
                                     gint64               now_ms,
                                     GError             **error);
  CbCallEvent *(*parse_webhook)     (CbProvider          *self,
                                     GBytes              *body,
                                     GError             **error);

  /*< private >*/
  gpointer _reserved[8];
};

/* Places one call. @agent_id: the provider's agent id (NULL: the number's own agent);
 * @dynamic_vars: variables for the agent (values that are not strings are sent as their
 * JSON text), may be NULL; @metadata: returned with every event of the call, may be NULL.
 * Finishes with the provider's call id, or a CB_PROVIDER_ERROR. */
void          cb_provider_place_call_async  (CbProvider          *self,
                                             const char          *from_number,
                                             const char          *to_number,
                                             const char          *agent_id,
                                             JsonObject          *dynamic_vars,
                                             JsonObject          *metadata,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char         *cb_provider_place_call_finish (CbProvider          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Reads a call's current state (the polling path when no webhook arrives). */
void          cb_provider_get_call_async    (CbProvider          *self,
                                             const char          *call_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
CbCallEvent  *cb_provider_get_call_finish   (CbProvider          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Checks a webhook's signature over the raw @body before anything else reads it;
 * @now_ms: the current time in ms since the epoch. Fails with a CB_SIGNATURE_ERROR. */
gboolean      cb_provider_verify_webhook    (CbProvider          *self,
                                             SoupMessageHeaders  *headers,
                                             GBytes              *body,
                                             gint64               now_ms,
                                             GError             **error);
/* Reads a verified webhook body; fails with CB_PROVIDER_ERROR_INVALID_EVENT, or
 * CB_PROVIDER_ERROR_IGNORED_EVENT for an event the engine has no use for (answer it 2xx). */
CbCallEvent  *cb_provider_parse_webhook     (CbProvider          *self,
                                             GBytes              *body,
                                             GError             **error);

G_END_DECLS
