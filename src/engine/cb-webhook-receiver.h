/* cb-webhook-receiver.h — POST /webhooks/{provider}: verified, stored, applied once
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-http-server.h"
#include "cb-provider.h"
#include "cb-store-dialer.h"

G_BEGIN_DECLS

#define CB_TYPE_WEBHOOK_RECEIVER (cb_webhook_receiver_get_type ())

/* A webhook body larger than this is refused with 413 before it is read: a provider's
 * largest event, a long call's transcript with its word timings, is a few megabytes. */
#define CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES (16 * 1000 * 1000)

G_DECLARE_FINAL_TYPE (CbWebhookReceiver, cb_webhook_receiver, CB, WEBHOOK_RECEIVER, GObject)

/* The providers that may have sent a webhook to /webhooks/@name (a provider kind such as
 * "retell" or "sim", or a provider account id): a new array of CbProvider references,
 * empty or NULL when there are none. The first whose signature matches is used. */
typedef GPtrArray *(*CbWebhookProviderLookup) (const char *name,
                                               gpointer    user_data);

/* Signals:
 *   "applied" (gpointer applied): a CbDialApplied, after an event (from a webhook or a
 *   poll) was stored and applied; not emitted for duplicates.
 *   "written": a group of webhook events was written on its thread and answered; the next
 *   group, if any, starts right after the handlers return. */
CbWebhookReceiver *cb_webhook_receiver_new      (CbStore                 *store,
                                                 CbWebhookProviderLookup  lookup,
                                                 gpointer                 user_data,
                                                 GDestroyNotify           destroy);
/* Serves POST /webhooks/{provider} on @server, and refuses larger bodies than
 * CB_WEBHOOK_RECEIVER_MAX_BODY_BYTES there. */
void               cb_webhook_receiver_attach   (CbWebhookReceiver       *self,
                                                 CbHttpServer            *server);
/* The path every event goes through, webhook or poll: stores @event under its key unless
 * it is known already, applies it once and emits "applied". @body: the raw webhook body,
 * or NULL. */
gboolean           cb_webhook_receiver_apply    (CbWebhookReceiver       *self,
                                                 const char              *provider,
                                                 GBytes                  *body,
                                                 const CbCallEvent       *event,
                                                 gboolean                *duplicate,
                                                 GError                 **error);

/* TRUE while a group of events is being written on its thread: the store's lock is taken
 * until "written". */
gboolean           cb_webhook_receiver_is_writing       (CbWebhookReceiver *self);

/* Totals since creation: accepted (2xx, duplicates included), duplicates, and refused
 * for their signature (401). */
guint              cb_webhook_receiver_get_n_accepted   (CbWebhookReceiver *self);
guint              cb_webhook_receiver_get_n_duplicates (CbWebhookReceiver *self);
guint              cb_webhook_receiver_get_n_rejected   (CbWebhookReceiver *self);

G_END_DECLS
