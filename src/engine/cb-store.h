/* cb-store.h — the durable store (libgda: SQLite by default, PostgreSQL by connection string)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-agent.h"
#include "cb-batch.h"
#include "cb-import.h"
#include "cb-phone-number.h"
#include "cb-provider-account.h"
#include "cb-recipient.h"
#include "cb-suppression.h"

G_BEGIN_DECLS

#define CB_STORE_ERROR (cb_store_error_quark ())

typedef enum
{
  CB_STORE_ERROR_OPEN,                /* cannot open or create the database */
  CB_STORE_ERROR_LOCKED,              /* another engine works on this SQLite file */
  CB_STORE_ERROR_NOT_A_DATABASE,      /* the file is not an SQLite database, or is corrupt */
  CB_STORE_ERROR_SCHEMA_TOO_NEW,      /* written by a newer Callboard */
  CB_STORE_ERROR_QUERY,               /* a statement failed */
  CB_STORE_ERROR_NOT_FOUND,           /* no such batch / agent / … */
  CB_STORE_ERROR_CONFLICT,            /* refused by the lifecycle, or still in use */
  CB_STORE_ERROR_INVALID,             /* a bad argument: empty name, unknown agent… */
  CB_STORE_ERROR_INVALID_RECIPIENTS,  /* the file has invalid rows and skip_invalid is off */
} CbStoreError;

typedef enum
{
  CB_STORE_FLAGS_NONE      = 0,
  /* Open an existing database to read it: no lock, no migration, no seed, no writes.
   * Used by `callboard-engine validate` for the settings and the do-not-call list. */
  CB_STORE_FLAGS_READ_ONLY = 1 << 0,
} CbStoreFlags;

/* What a new batch is made of (the recipients come from a CbImportReport). */
typedef struct
{
  const char *name;
  const char *agent_id;         /* required, must exist */
  const char *phone_number_id;  /* NULL: the agent's default caller ID */
  const char *timezone;         /* IANA; NULL: the local zone's identifier */
  int         max_retries;      /* < 0: default (2) */
  int         retry_delay_s;    /* < 0: default (600) */
  int         concurrency;      /* <= 0: default (10) */
  const char *call_window;      /* JSON text of SPEC §5 call_window, or NULL */
  const char *default_region;   /* or NULL */
} CbBatchParams;

#define CB_TYPE_STORE (cb_store_get_type ())

G_DECLARE_FINAL_TYPE (CbStore, cb_store, CB, STORE, GObject)

GQuark         cb_store_error_quark              (void);
/* "$XDG_DATA_HOME/callboard/callboard.db" */
char          *cb_store_default_path             (void);

/* @uri: a path to an SQLite file, a libgda connection string ("PostgreSQL://HOST=…;DB_NAME=…"),
 * or NULL for CALLBOARD_DB, else the default path. Creates or migrates the schema, seeds a
 * new database (SPEC §2) and takes the single-engine lock for SQLite. */
CbStore       *cb_store_open                     (const char        *uri,
                                                  CbStoreFlags       flags,
                                                  GError           **error);
const char    *cb_store_get_uri                  (CbStore           *self);
guint          cb_store_get_schema_version       (CbStore           *self);
/* The latest schema version this build knows. */
guint          cb_store_get_latest_schema_version (void);

/* Settings (key/value text) */
char          *cb_store_get_setting              (CbStore           *self,
                                                  const char        *key);
gboolean       cb_store_set_setting              (CbStore           *self,
                                                  const char        *key,
                                                  const char        *value,
                                                  GError           **error);
/* The "allowed_countries" setting split into region codes; empty = all allowed. */
char         **cb_store_dup_allowed_countries    (CbStore           *self);

/* Lists: GListModels of the record GObjects, newest first for batches. */
GListModel    *cb_store_list_provider_accounts   (CbStore           *self,
                                                  GError           **error);
GListModel    *cb_store_list_agents              (CbStore           *self,
                                                  GError           **error);
GListModel    *cb_store_list_phone_numbers       (CbStore           *self,
                                                  GError           **error);
/* @status: NULL for all; @limit: 0 for no limit. */
GListModel    *cb_store_list_batches             (CbStore           *self,
                                                  const CbBatchStatus *status,
                                                  guint              limit,
                                                  GError           **error);
GListModel    *cb_store_list_recipients          (CbStore           *self,
                                                  const char        *batch_id,
                                                  guint              offset,
                                                  guint              limit,
                                                  GError           **error);

CbAgent       *cb_store_get_agent                (CbStore           *self,
                                                  const char        *id,
                                                  GError           **error);
CbPhoneNumber *cb_store_get_phone_number         (CbStore           *self,
                                                  const char        *id,
                                                  GError           **error);
CbBatch       *cb_store_get_batch                (CbStore           *self,
                                                  const char        *id,
                                                  GError           **error);

/* Do-not-call list. @number is normalised to E.164 (with the default region). */
gboolean       cb_store_add_suppression          (CbStore           *self,
                                                  const char        *number,
                                                  const char        *note,
                                                  GError           **error);
gboolean       cb_store_remove_suppression       (CbStore           *self,
                                                  const char        *number,
                                                  GError           **error);
GListModel    *cb_store_list_suppressions        (CbStore           *self,
                                                  GError           **error);
/* A set of E.164 strings, for CbImportOptions.suppressed. */
GHashTable    *cb_store_dup_suppression_set      (CbStore           *self,
                                                  GError           **error);

/* Creates a draft batch from a report read with keep_recipients, its recipients
 * (committed in chunks) and its validation report, all or nothing. */
CbBatch       *cb_store_create_batch             (CbStore           *self,
                                                  const CbBatchParams *params,
                                                  CbImportReport    *report,
                                                  GError           **error);
/* The one call the UI and the API use: reads @path with the store's settings (allowed
 * countries, do-not-call list, limits) and @default_region, refuses invalid rows with
 * CB_STORE_ERROR_INVALID_RECIPIENTS unless @skip_invalid, and creates the draft batch.
 * @report_out, when not NULL, receives the report even when this fails on invalid rows. */
CbBatch       *cb_store_import_file              (CbStore           *self,
                                                  const CbBatchParams *params,
                                                  const char        *path,
                                                  gboolean           skip_invalid,
                                                  CbImportReport   **report_out,
                                                  GCancellable      *cancellable,
                                                  GError           **error);
/* The same for an upload held in memory. */
CbBatch       *cb_store_import_bytes             (CbStore           *self,
                                                  const CbBatchParams *params,
                                                  GBytes            *bytes,
                                                  const char        *display_name,
                                                  gboolean           skip_invalid,
                                                  CbImportReport   **report_out,
                                                  GCancellable      *cancellable,
                                                  GError           **error);
/* The validation report kept with a batch (SPEC §4 JSON text). */
char          *cb_store_dup_batch_report         (CbStore           *self,
                                                  const char        *batch_id,
                                                  GError           **error);
/* Changes a batch's status, refusing what the lifecycle refuses (CB_STORE_ERROR_CONFLICT). */
gboolean       cb_store_set_batch_status         (CbStore           *self,
                                                  const char        *batch_id,
                                                  CbBatchStatus      status,
                                                  GError           **error);

G_END_DECLS
