/* cb-agent.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_TYPE_AGENT (cb_agent_get_type ())

G_DECLARE_FINAL_TYPE (CbAgent, cb_agent, CB, AGENT, GObject)

/* Properties: "id" (agent_…), "name", "provider-account-id", "provider-agent-id",
 * "default-phone-number-id" (pn_… or NULL), "webhook-url" (or NULL), "created-at".
 * The webhook signing secret is never a property. */
const char *cb_agent_get_id                      (CbAgent *self);
const char *cb_agent_get_name                    (CbAgent *self);
const char *cb_agent_get_provider_account_id     (CbAgent *self);
const char *cb_agent_get_provider_agent_id       (CbAgent *self);
const char *cb_agent_get_default_phone_number_id (CbAgent *self);
const char *cb_agent_get_webhook_url             (CbAgent *self);
GDateTime  *cb_agent_get_created_at              (CbAgent *self);

G_END_DECLS
