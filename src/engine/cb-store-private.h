/* cb-store-private.h — what the engine shares internally about the store
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libgda/libgda.h>

#include "cb-store.h"

G_BEGIN_DECLS

/* libgda 5 declares none of these; every engine file that uses libgda includes this header. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaConnection, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaDataModel, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaStatement, g_object_unref)

/*
 * Threads: a CbStore holds one connection. Every public cb_store_*() call takes the
 * store's recursive lock, so the store may be used from the main thread while an import
 * runs in a worker thread. Code that runs several statements that belong together takes
 * the lock itself with cb_store_lock()/cb_store_unlock() (or a transaction, which holds it).
 *
 * Times are stored as integer milliseconds since the Unix epoch (UTC); NULL when unset.
 *
 * Statements: SQL with libgda placeholders, "##name::type" (type: string, gint, gint64,
 * add "::null" when the value may be NULL). Prepared once per store and cached.
 * The variadic helpers take name/value pairs terminated by NULL; the C type of each value
 * follows its placeholder: string → const char * (NULL allowed with ::null),
 * gint → int, gint64 → gint64 (cast literals: (gint64) 0).
 */

/* "batch" → "batch_" + 24 lowercase hex characters: 12 for the time in ms, 12 from the
 * system's random source. Later ids sort after earlier ones (one ms apart or more). */
char          *cb_store_new_id                 (const char    *prefix);
gint64         cb_store_now_ms                 (void);
/* A UTC GDateTime for a time in ms since the epoch. */
GDateTime     *cb_store_datetime_from_ms       (gint64         ms);
gint64         cb_store_datetime_to_ms         (GDateTime     *dt);

GdaConnection *cb_store_get_connection         (CbStore       *self);
gboolean       cb_store_is_sqlite              (CbStore       *self);
/* The SQLite file, or NULL for another database. */
const char    *cb_store_get_path               (CbStore       *self);
gboolean       cb_store_is_read_only           (CbStore       *self);

void           cb_store_lock                   (CbStore       *self);
void           cb_store_unlock                 (CbStore       *self);

/* A transaction holds the store's lock from begin to commit/rollback. */
gboolean       cb_store_begin                  (CbStore       *self,
                                                GError       **error);
/* cb_store_begin() for a transaction whose commit returns only once its changes would
 * also survive a power failure (when it is the outermost one). */
gboolean       cb_store_begin_durable          (CbStore       *self,
                                                GError       **error);
gboolean       cb_store_commit                 (CbStore       *self,
                                                GError       **error);
void           cb_store_rollback               (CbStore       *self);

/* The cached prepared statement for @sql and its parameter set (both owned by the store;
 * use them with the lock held). */
GdaStatement  *cb_store_prepare                (CbStore       *self,
                                                const char    *sql,
                                                GdaSet       **params,
                                                GError       **error);
/* Runs a statement that returns no rows; the number of rows changed, or -1 on error. */
int            cb_store_exec                   (CbStore       *self,
                                                GError       **error,
                                                const char    *sql,
                                                ...) G_GNUC_NULL_TERMINATED;
int            cb_store_exec_valist            (CbStore       *self,
                                                GError       **error,
                                                const char    *sql,
                                                va_list        args);
/* Runs a SELECT; a random-access data model. */
GdaDataModel  *cb_store_select                 (CbStore       *self,
                                                GError       **error,
                                                const char    *sql,
                                                ...) G_GNUC_NULL_TERMINATED;

/* Reading a data model cell, NULL-tolerant: NULL strings, 0 for NULL numbers. */
const char    *cb_store_model_get_string       (GdaDataModel  *model,
                                                int            col,
                                                int            row);
gint64         cb_store_model_get_int64        (GdaDataModel  *model,
                                                int            col,
                                                int            row,
                                                gint64         if_null);
GDateTime     *cb_store_model_dup_datetime     (GdaDataModel  *model,
                                                int            col,
                                                int            row);

/* Builds the record objects from a row of their "SELECT <columns>" (see cb-store.c). */
extern const char CB_STORE_BATCH_COLUMNS[];
extern const char CB_STORE_RECIPIENT_COLUMNS[];
CbBatch       *cb_store_batch_from_model       (GdaDataModel  *model,
                                                int            row);
CbRecipient   *cb_store_recipient_from_model   (GdaDataModel  *model,
                                                int            row);

CbRecipient   *cb_store_get_recipient          (CbStore       *self,
                                                const char    *id,
                                                GError       **error);
/* Re-reads the counters of the batch row into @counters. */
gboolean       cb_store_get_batch_counters     (CbStore       *self,
                                                const char    *batch_id,
                                                CbBatchCounters *counters,
                                                GError       **error);

/* Record objects: setters for what changes while a batch runs (notify on change only). */
void           cb_batch_set_counters           (CbBatch       *self,
                                                const CbBatchCounters *counters);
GDateTime     *cb_recipient_get_updated_at     (CbRecipient   *self);

/* cb-store-migrations.c */
typedef struct
{
  guint               version;
  const char * const *sql;           /* portable statements, NULL-terminated */
  const char * const *sqlite_sql;    /* only for SQLite, before @sql, or NULL */
  const char * const *other_sql;     /* only for other databases, before @sql, or NULL */
  gboolean          (*apply)         (CbStore  *store,
                                      GError  **error);  /* data changes, or NULL */
} CbStoreMigration;

const CbStoreMigration *cb_store_get_migrations (guint *n_migrations);
/* Opens like cb_store_open() but migrates no further than @max_version (tests). */
CbStore       *cb_store_open_at_version        (const char    *uri,
                                                CbStoreFlags   flags,
                                                guint          max_version,
                                                GError       **error);
/* Recipients are written with one multi-row statement per ~50 rows on every database,
 * or, on SQLite, with a JSON array expanded by json_each() (the default, faster). */
void           cb_store_set_bulk_insert_json   (CbStore       *self,
                                                gboolean       use_json);
/* TRUE when bulk writes may use SQLite's JSON functions (SQLite, and not turned off). */
gboolean       cb_store_get_bulk_json          (CbStore       *self);
void           cb_store_append_json_string     (GString       *out,
                                                const char    *str,
                                                gssize         len);

G_END_DECLS
