/* cb-store-catalog.h — what the dashboard edits and browses: agents, caller IDs,
 * provider accounts, and a batch's recipients page by page
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

/* Agents. @default_phone_number_id and @webhook_url may be NULL. Errors:
 * CB_STORE_ERROR_INVALID ("The name is empty", "Unknown provider account “x”"),
 * CB_STORE_ERROR_NOT_FOUND. */
CbAgent       *cb_store_create_agent           (CbStore      *self,
                                                const char   *name,
                                                const char   *provider_account_id,
                                                const char   *provider_agent_id,
                                                const char   *default_phone_number_id,
                                                const char   *webhook_url,
                                                GError      **error);
gboolean       cb_store_update_agent           (CbStore      *self,
                                                const char   *id,
                                                const char   *name,
                                                const char   *provider_account_id,
                                                const char   *provider_agent_id,
                                                const char   *default_phone_number_id,
                                                const char   *webhook_url,
                                                GError      **error);
/* Refused with CB_STORE_ERROR_CONFLICT while a batch that has not finished (draft,
 * pending, scheduled, running, paused) uses the agent; the message names the batch. */
gboolean       cb_store_delete_agent           (CbStore      *self,
                                                const char   *id,
                                                GError      **error);

/* Caller IDs. @number is normalised to E.164 with the default region. */
CbPhoneNumber *cb_store_create_phone_number    (CbStore      *self,
                                                const char   *number,
                                                const char   *label,
                                                const char   *provider_account_id,
                                                const char   *provider_number_id,
                                                GError      **error);
gboolean       cb_store_update_phone_number    (CbStore      *self,
                                                const char   *id,
                                                const char   *number,
                                                const char   *label,
                                                const char   *provider_account_id,
                                                const char   *provider_number_id,
                                                GError      **error);
/* Refused like cb_store_delete_agent() while an unfinished batch calls from it. */
gboolean       cb_store_delete_phone_number    (CbStore      *self,
                                                const char   *id,
                                                GError      **error);

/* Provider accounts (the API key is kept apart, with cb-secrets). */
CbProviderAccount *cb_store_create_provider_account (CbStore  *self,
                                                     const char *kind,
                                                     const char *name,
                                                     const char *base_url,
                                                     GError   **error);
/* Refused while an agent or a caller ID uses the account. */
gboolean       cb_store_delete_provider_account (CbStore     *self,
                                                 const char  *id,
                                                 GError     **error);

/* A batch's recipients, filtered, searched and sorted, for a table that reads them a page
 * at a time. */
typedef enum
{
  CB_RECIPIENT_SORT_ROW,
  CB_RECIPIENT_SORT_PHONE,
  CB_RECIPIENT_SORT_STATUS,
  CB_RECIPIENT_SORT_ATTEMPTS,
  CB_RECIPIENT_SORT_OUTCOME,
  CB_RECIPIENT_SORT_DURATION,
  CB_RECIPIENT_SORT_ENDED,
} CbRecipientSort;

typedef struct
{
  const char      *batch_id;
  int              status;      /* a CbRecipientStatus, or -1 for all */
  const char      *search;      /* a part of the number or of a variable's value, or NULL */
  CbRecipientSort  sort;
  gboolean         descending;
} CbRecipientQuery;

/* How many recipients match, or -1 with @error. */
gint64         cb_store_count_recipients       (CbStore                *self,
                                                const CbRecipientQuery *query,
                                                GError                **error);
/* The matching recipients from @offset, at most @limit, in the query's order (ties by row). */
GListModel    *cb_store_query_recipients       (CbStore                *self,
                                                const CbRecipientQuery *query,
                                                guint                   offset,
                                                guint                   limit,
                                                GError                **error);

/* One try at calling a recipient. */
typedef struct
{
  guint      number;
  GDateTime *started_at;
  GDateTime *ended_at;          /* or NULL */
  char      *provider_call_id;  /* or NULL */
  int        http_status;       /* 0: none */
  char      *outcome;           /* or NULL */
  char      *disconnection_reason;
  char      *error;
} CbAttemptInfo;

void           cb_attempt_info_free            (CbAttemptInfo *info);
/* CbAttemptInfo*, oldest first. */
GPtrArray     *cb_store_list_attempts          (CbStore      *self,
                                                const char   *recipient_id,
                                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbAttemptInfo, cb_attempt_info_free)

G_END_DECLS
