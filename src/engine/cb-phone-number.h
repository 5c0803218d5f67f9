/* cb-phone-number.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_TYPE_PHONE_NUMBER (cb_phone_number_get_type ())

/* A caller ID (SPEC §2 "Phone number"). */
G_DECLARE_FINAL_TYPE (CbPhoneNumber, cb_phone_number, CB, PHONE_NUMBER, GObject)

/* Properties: "id" (pn_…), "number" (E.164), "label", "provider-account-id",
 * "provider-number-id", "created-at". */
const char *cb_phone_number_get_id                  (CbPhoneNumber *self);
const char *cb_phone_number_get_number              (CbPhoneNumber *self);
const char *cb_phone_number_get_label               (CbPhoneNumber *self);
const char *cb_phone_number_get_provider_account_id (CbPhoneNumber *self);
const char *cb_phone_number_get_provider_number_id  (CbPhoneNumber *self);
GDateTime  *cb_phone_number_get_created_at          (CbPhoneNumber *self);

G_END_DECLS
