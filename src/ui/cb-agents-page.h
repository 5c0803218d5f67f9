/* cb-agents-page.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-page.h"

G_BEGIN_DECLS

#define CB_TYPE_AGENTS_PAGE (cb_agents_page_get_type ())

G_DECLARE_FINAL_TYPE (CbAgentsPage, cb_agents_page, CB, AGENTS_PAGE, CbPage)

G_END_DECLS
