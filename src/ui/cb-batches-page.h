/* cb-batches-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_BATCHES_PAGE (cb_batches_page_get_type ())

G_DECLARE_FINAL_TYPE (CbBatchesPage, cb_batches_page, CB, BATCHES_PAGE, CbPage)

G_END_DECLS
