/* cb-suppressions-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_SUPPRESSIONS_PAGE (cb_suppressions_page_get_type ())

G_DECLARE_FINAL_TYPE (CbSuppressionsPage, cb_suppressions_page, CB, SUPPRESSIONS_PAGE, CbPage)

G_END_DECLS
