/* cb-phone-numbers-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_PHONE_NUMBERS_PAGE (cb_phone_numbers_page_get_type ())

G_DECLARE_FINAL_TYPE (CbPhoneNumbersPage, cb_phone_numbers_page, CB, PHONE_NUMBERS_PAGE, CbPage)

G_END_DECLS
