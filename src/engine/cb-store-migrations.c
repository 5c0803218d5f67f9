/* cb-store-migrations.c — the versioned database schema
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-store-private.h"

/*
 * Each step runs in its own transaction and is recorded in schema_migrations.
 * Steps are never edited once released: a change is a new step. The SQL is portable
 * between SQLite and PostgreSQL: TEXT, INTEGER and INT64 (times in milliseconds since
 * the epoch, UTC). INT64 is the type name libgda's SQLite provider reads as a 64-bit
 * integer (it reads INTEGER and BIGINT columns as 32-bit); PostgreSQL gets it as a
 * domain over BIGINT.
 */

static const char * const v1_other_sql[] = {
  "CREATE DOMAIN int64 AS BIGINT",
  NULL
};

/* Version 1: settings, providers, agents, caller IDs, batches, recipients, do-not-call. */
static const char * const v1_sql[] = {
  "CREATE TABLE schema_migrations ("
  " version INTEGER NOT NULL PRIMARY KEY,"
  " applied_at INT64 NOT NULL)",

  "CREATE TABLE settings ("
  " key TEXT NOT NULL PRIMARY KEY,"
  " value TEXT NOT NULL)",

  /* API keys live in the keyring, never here. */
  "CREATE TABLE provider_accounts ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " kind TEXT NOT NULL,"
  " name TEXT NOT NULL,"
  " base_url TEXT,"
  " created_at INT64 NOT NULL)",

  "CREATE TABLE phone_numbers ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " number TEXT NOT NULL,"
  " label TEXT,"
  " provider_account_id TEXT REFERENCES provider_accounts (id) ON DELETE SET NULL,"
  " provider_number_id TEXT,"
  " created_at INT64 NOT NULL)",
  "CREATE INDEX phone_numbers_number ON phone_numbers (number)",

  /* The webhook signing secret lives in the keyring, never here. */
  "CREATE TABLE agents ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " name TEXT NOT NULL,"
  " provider_account_id TEXT NOT NULL REFERENCES provider_accounts (id),"
  " provider_agent_id TEXT,"
  " default_phone_number_id TEXT REFERENCES phone_numbers (id) ON DELETE SET NULL,"
  " webhook_url TEXT,"
  " created_at INT64 NOT NULL)",

  /* agent_id and phone_number_id are kept even when the agent or number is deleted:
   * the dialer then fails the batch with a reason (SPEC §3). status "importing" is a
   * batch whose recipients are still being written; nothing else ever sees it. */
  "CREATE TABLE batches ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " name TEXT NOT NULL,"
  " agent_id TEXT NOT NULL,"
  " phone_number_id TEXT,"
  " status TEXT NOT NULL,"
  " scheduled_at INT64,"
  " timezone TEXT NOT NULL,"
  " max_retries INTEGER NOT NULL,"
  " retry_delay_s INTEGER NOT NULL,"
  " concurrency INTEGER NOT NULL,"
  " call_window TEXT,"
  " default_region TEXT,"
  " pause_reason TEXT,"
  " error TEXT,"
  " report_json TEXT,"
  " total INTEGER NOT NULL DEFAULT 0,"
  " pending INTEGER NOT NULL DEFAULT 0,"
  " dialing INTEGER NOT NULL DEFAULT 0,"
  " completed INTEGER NOT NULL DEFAULT 0,"
  " failed INTEGER NOT NULL DEFAULT 0,"
  " cancelled INTEGER NOT NULL DEFAULT 0,"
  " picked_up INTEGER NOT NULL DEFAULT 0,"
  " sent INTEGER NOT NULL DEFAULT 0,"
  " created_at INT64 NOT NULL,"
  " updated_at INT64 NOT NULL,"
  " started_at INT64,"
  " finished_at INT64)",
  "CREATE INDEX batches_status ON batches (status, scheduled_at)",
  "CREATE INDEX batches_created ON batches (created_at, id)",

  /* max_retries -1: the batch's. claimed_by/claimed_until: the engine dialling the row
   * (several engines may share a PostgreSQL database). */
  "CREATE TABLE recipients ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
  " row_number INTEGER NOT NULL,"
  " phone TEXT NOT NULL,"
  " raw_phone TEXT,"
  " region TEXT,"
  " dynamic_vars TEXT NOT NULL,"
  " status TEXT NOT NULL,"
  " attempts INTEGER NOT NULL DEFAULT 0,"
  " max_retries INTEGER NOT NULL DEFAULT -1,"
  " provider_call_id TEXT,"
  " outcome TEXT,"
  " disconnection_reason TEXT,"
  " duration_ms INT64,"
  " transcript TEXT,"
  " analysis TEXT,"
  " error TEXT,"
  " next_attempt_at INT64,"
  " started_at INT64,"
  " ended_at INT64,"
  " updated_at INT64 NOT NULL,"
  " claimed_by TEXT,"
  " claimed_until INT64)",
  "CREATE INDEX recipients_due ON recipients (batch_id, status, next_attempt_at)",
  "CREATE UNIQUE INDEX recipients_row ON recipients (batch_id, row_number)",
  "CREATE INDEX recipients_call ON recipients (provider_call_id)"
  " WHERE provider_call_id IS NOT NULL",

  "CREATE TABLE suppressions ("
  " number TEXT NOT NULL PRIMARY KEY,"
  " note TEXT,"
  " created_at INT64 NOT NULL)",
  NULL
};

/* Version 2: what the dialer and the webhook receiver keep: attempts, the inbox of
 * provider events (stored before they are acknowledged, applied once) and the outbox
 * of outgoing conversation.completed events. */
static const char * const v2_sql[] = {
  "CREATE TABLE attempts ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " recipient_id TEXT NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,"
  " batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
  " number INTEGER NOT NULL,"
  " started_at INT64 NOT NULL,"
  " provider_call_id TEXT,"
  " http_status INTEGER,"
  " outcome TEXT,"
  " disconnection_reason TEXT,"
  " error TEXT,"
  " ended_at INT64)",
  "CREATE UNIQUE INDEX attempts_recipient ON attempts (recipient_id, number)",
  "CREATE INDEX attempts_batch ON attempts (batch_id, started_at)",
  "CREATE INDEX attempts_call ON attempts (provider_call_id)"
  " WHERE provider_call_id IS NOT NULL",

  "CREATE TABLE webhook_inbox ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " provider TEXT NOT NULL,"
  " event_key TEXT NOT NULL UNIQUE,"
  " received_at INT64 NOT NULL,"
  " body TEXT NOT NULL,"
  " applied_at INT64)",
  "CREATE INDEX webhook_inbox_unapplied ON webhook_inbox (applied_at, received_at)",

  "CREATE TABLE outbox ("
  " id TEXT NOT NULL PRIMARY KEY,"
  " kind TEXT NOT NULL,"
  " agent_id TEXT,"
  " target_url TEXT NOT NULL,"
  " body TEXT NOT NULL,"
  " attempts INTEGER NOT NULL DEFAULT 0,"
  " created_at INT64 NOT NULL,"
  " next_attempt_at INT64,"
  " delivered_at INT64,"
  " last_error TEXT)",
  "CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at)",
  NULL
};

/* Version 3: the dialer takes a batch's pending recipients in row order, a few dozen at a
 * time. Without this index each claim stepped over every row already dialled (all of a
 * batch's rows by its end), or sorted every pending one. */
static const char * const v3_sql[] = {
  "CREATE INDEX recipients_queue ON recipients (batch_id, status, row_number)",
  NULL
};

/* SPEC §2: what a new user finds on first run. A step runs once per database, so
 * whatever the user deletes later stays deleted. */
static const struct
{
  const char *key;
  const char *value;
} default_settings[] = {
  { "allowed_countries", "" },
  { "max_recipients", "100000" },
  { "max_file_bytes", "50000000" },
  { "default_max_retries", "2" },
  { "default_retry_delay_s", "600" },
  { "default_concurrency", "10" },
};

static gboolean
seed_v1 (CbStore  *store,
         GError  **error)
{
  gint64 now = cb_store_now_ms ();

  if (cb_store_exec (store, error,
                     "INSERT INTO provider_accounts (id, kind, name, base_url, created_at)"
                     " VALUES (##id::string, ##kind::string, ##name::string,"
                     " ##url::string::null, ##now::gint64)",
                     "id", "pa_sim",
                     "kind", "sim",
                     "name", "Simulator",
                     "url", NULL,
                     "now", now,
                     NULL) < 0)
    return FALSE;

  if (cb_store_exec (store, error,
                     "INSERT INTO phone_numbers (id, number, label, provider_account_id,"
                     " provider_number_id, created_at)"
                     " VALUES (##id::string, ##number::string, ##label::string,"
                     " ##account::string, ##pid::string::null, ##now::gint64)",
                     "id", "pn_demo",
                     "number", "+14155550100",
                     "label", "Demo number",
                     "account", "pa_sim",
                     "pid", NULL,
                     "now", now,
                     NULL) < 0)
    return FALSE;

  if (cb_store_exec (store, error,
                     "INSERT INTO agents (id, name, provider_account_id, provider_agent_id,"
                     " default_phone_number_id, webhook_url, created_at)"
                     " VALUES (##id::string, ##name::string, ##account::string,"
                     " ##pid::string, ##pn::string, ##url::string::null, ##now::gint64)",
                     "id", "agent_demo",
                     "name", "Demo agent",
                     "account", "pa_sim",
                     "pid", "agent_demo",
                     "pn", "pn_demo",
                     "url", NULL,
                     "now", now,
                     NULL) < 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (default_settings); i++)
    {
      if (cb_store_exec (store, error,
                         "INSERT INTO settings (key, value) VALUES (##key::string, ##value::string)",
                         "key", default_settings[i].key,
                         "value", default_settings[i].value,
                         NULL) < 0)
        return FALSE;
    }

  return TRUE;
}

static const CbStoreMigration migrations[] = {
  { 1, v1_sql, NULL, v1_other_sql, seed_v1 },
  { 2, v2_sql, NULL, NULL, NULL },
  { 3, v3_sql, NULL, NULL, NULL },
};

const CbStoreMigration *
cb_store_get_migrations (guint *n_migrations)
{
  g_assert (n_migrations != NULL);

  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
