/* cb-suppression.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_TYPE_SUPPRESSION (cb_suppression_get_type ())

/* One entry of the do-not-call list. */
G_DECLARE_FINAL_TYPE (CbSuppression, cb_suppression, CB, SUPPRESSION, GObject)

/* Properties: "number" (E.164), "note" (or NULL), "created-at". */
const char *cb_suppression_get_number     (CbSuppression *self);
const char *cb_suppression_get_note       (CbSuppression *self);
GDateTime  *cb_suppression_get_created_at (CbSuppression *self);

G_END_DECLS
