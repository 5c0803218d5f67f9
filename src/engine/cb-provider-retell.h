/* cb-provider-retell.h — Retell's HTTP API (and the simulator, which speaks it)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-provider.h"

G_BEGIN_DECLS

#define CB_PROVIDER_RETELL_DEFAULT_BASE_URL  "https://api.retellai.com"
#define CB_PROVIDER_RETELL_DEFAULT_TIMEOUT_S 30

#define CB_TYPE_PROVIDER_RETELL (cb_provider_retell_get_type ())

G_DECLARE_FINAL_TYPE (CbProviderRetell, cb_provider_retell, CB, PROVIDER_RETELL, CbProvider)

/* Properties (construct-only): "base-url" (default CB_PROVIDER_RETELL_DEFAULT_BASE_URL),
 * "api-key" (write-only: it authenticates requests and verifies webhooks),
 * "session" (a SoupSession to share between providers; NULL makes one with
 * cb_provider_retell_new_session()), "timeout" (seconds, for the session it makes). */
CbProvider  *cb_provider_retell_new         (const char       *base_url,
                                             const char       *api_key);
const char  *cb_provider_retell_get_base_url (CbProviderRetell *self);
/* A session fit for many calls in flight: up to 256 connections (per host too),
 * keep-alive, @timeout_s for each request (0 for none). */
SoupSession *cb_provider_retell_new_session (guint             timeout_s);

/* A Retell call object as a CbCallEvent of @kind (what get-call and webhooks carry). */
CbCallEvent *cb_provider_retell_event_from_call (JsonObject      *call,
                                                 CbCallEventKind  kind,
                                                 GError         **error);

G_END_DECLS
