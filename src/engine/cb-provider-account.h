/* cb-provider-account.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_TYPE_PROVIDER_ACCOUNT (cb_provider_account_get_type ())

G_DECLARE_FINAL_TYPE (CbProviderAccount, cb_provider_account, CB, PROVIDER_ACCOUNT, GObject)

/* Properties: "id", "kind" ("sim", "retell", "vapi", "elevenlabs"), "name", "base-url",
 * "created-at" (GDateTime). The API key is never a property: it lives in the keyring. */
const char *cb_provider_account_get_id       (CbProviderAccount *self);
const char *cb_provider_account_get_kind     (CbProviderAccount *self);
const char *cb_provider_account_get_name     (CbProviderAccount *self);
const char *cb_provider_account_get_base_url (CbProviderAccount *self);
GDateTime  *cb_provider_account_get_created_at (CbProviderAccount *self);

G_END_DECLS
