/* cb-api.h — the REST API (SPEC §5) and the Retell- and Zudu-compatible creates
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cb-engine.h"

G_BEGIN_DECLS

/* Recipients in a batch's detail: GET …/batch-calls/{id}?recipients_offset=&recipients_limit= */
#define CB_API_DEFAULT_RECIPIENTS_LIMIT 1000
#define CB_API_MAX_RECIPIENTS_LIMIT     10000
/* Batches in a list page: GET …/batch-calls?limit= */
#define CB_API_DEFAULT_LIST_LIMIT       100
#define CB_API_MAX_LIST_LIMIT           1000
/* A request body may be this much larger than the "max_file_bytes" setting (form fields and
 * multipart boundaries around the file). */
#define CB_API_BODY_OVERHEAD            (1024 * 1024)

#define CB_TYPE_API (cb_api_get_type ())

G_DECLARE_FINAL_TYPE (CbApi, cb_api, CB, API, GObject)

/* Mounts every route of SPEC §5 (`/v1/…`, `/create-batch-call`, `/batch-call`) on
 * @engine's HTTP server until the CbApi is disposed. Requests must carry @token
 * (`Authorization: Bearer TOKEN`; the Zudu-compatible route takes it in `X-API-KEY` and
 * `X-API-SECRET`). Bodies larger than the limits are refused while they arrive (413). */
CbApi    *cb_api_new                (CbEngine     *engine,
                                     const char   *token);
/* CALLBOARD_API_TOKEN when set, else the "api-token" secret kept for @store_uri (the
 * store's URI), made on first use. */
char     *cb_api_dup_token          (const char   *store_uri,
                                     GError      **error);

/* The JSON objects the API answers with (also for the dashboard and tests). */
JsonNode *cb_api_batch_to_json      (CbApi        *self,
                                     CbBatch      *batch,
                                     gboolean      with_validation);
JsonNode *cb_api_recipient_to_json  (CbRecipient  *recipient);

/* Tests: whether lists and details read an SQLite store straight from its file (the
 * default) or, as for any other database, through libgda. */
void      cb_api_set_direct_reader_enabled (CbApi    *self,
                                            gboolean  enabled);

G_END_DECLS
