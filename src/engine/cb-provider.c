/* cb-provider.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-provider"

#include "config.h"

#include "cb-provider.h"

typedef struct
{
  guint    http_status;
  guint    retry_after_s;
  gboolean unsent;
} CbProviderErrorPrivate;

static void
cb_provider_error_private_init (CbProviderErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->retry_after_s = 0;
  priv->unsent = FALSE;
}

static void
cb_provider_error_private_copy (const CbProviderErrorPrivate *src,
                                CbProviderErrorPrivate       *dest)
{
  *dest = *src;
}

static void
cb_provider_error_private_clear (CbProviderErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (CbProviderError, cb_provider_error)

G_DEFINE_ABSTRACT_TYPE (CbProvider, cb_provider, G_TYPE_OBJECT)

GError *
cb_provider_error_new (CbProviderError  code,
                       guint            http_status,
                       guint            retry_after_s,
                       const char      *format,
                       ...)
{
  CbProviderErrorPrivate *priv;
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (CB_PROVIDER_ERROR, code, format, args);
  va_end (args);

  priv = cb_provider_error_get_private (error);
  priv->http_status = http_status;
  priv->retry_after_s = retry_after_s;

  return error;
}

guint
cb_provider_error_get_http_status (const GError *error)
{
  CbProviderErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != CB_PROVIDER_ERROR)
    return 0;

  priv = cb_provider_error_get_private (error);
  return priv->http_status;
}

guint
cb_provider_error_get_retry_after (const GError *error)
{
  CbProviderErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != CB_PROVIDER_ERROR)
    return 0;

  priv = cb_provider_error_get_private (error);
  return priv->retry_after_s;
}

gboolean
cb_provider_error_may_have_reached (const GError *error)
{
  g_return_val_if_fail (error != NULL, TRUE);

  if (error->domain != CB_PROVIDER_ERROR)
    return TRUE;

  return !cb_provider_error_get_private (error)->unsent;
}

void
cb_provider_error_set_unsent (GError *error)
{
  g_return_if_fail (error != NULL);
  g_return_if_fail (error->domain == CB_PROVIDER_ERROR);

  cb_provider_error_get_private (error)->unsent = TRUE;
}

static void
cb_provider_class_init (CbProviderClass *klass)
{
}

static void
cb_provider_init (CbProvider *self)
{
}

void
cb_provider_place_call_async (CbProvider          *self,
                              const char          *from_number,
                              const char          *to_number,
                              const char          *agent_id,
                              JsonObject          *dynamic_vars,
                              JsonObject          *metadata,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CB_IS_PROVIDER (self));
  g_return_if_fail (from_number != NULL);
  g_return_if_fail (to_number != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  CB_PROVIDER_GET_CLASS (self)->place_call_async (self, from_number, to_number, agent_id,
                                                  dynamic_vars, metadata, cancellable,
                                                  callback, user_data);
}

char *
cb_provider_place_call_finish (CbProvider    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (CB_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return CB_PROVIDER_GET_CLASS (self)->place_call_finish (self, result, error);
}

void
cb_provider_get_call_async (CbProvider          *self,
                            const char          *call_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CB_IS_PROVIDER (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  CB_PROVIDER_GET_CLASS (self)->get_call_async (self, call_id, cancellable, callback, user_data);
}

CbCallEvent *
cb_provider_get_call_finish (CbProvider    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (CB_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return CB_PROVIDER_GET_CLASS (self)->get_call_finish (self, result, error);
}

gboolean
cb_provider_verify_webhook (CbProvider          *self,
                            SoupMessageHeaders  *headers,
                            GBytes              *body,
                            gint64               now_ms,
                            GError             **error)
{
  g_return_val_if_fail (CB_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return CB_PROVIDER_GET_CLASS (self)->verify_webhook (self, headers, body, now_ms, error);
}

CbCallEvent *
cb_provider_parse_webhook (CbProvider  *self,
                           GBytes      *body,
                           GError     **error)
{
  g_return_val_if_fail (CB_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return CB_PROVIDER_GET_CLASS (self)->parse_webhook (self, body, error);
}
