/* test-store.c — the durable store on real SQLite files
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cb-store-catalog.h"
#include "cb-store.h"
#include "cb-store-private.h"
#include "cb-test-util.h"

static const char * const expected_tables[] = {
  "agents", "attempts", "batches", "outbox", "phone_numbers", "provider_accounts",
  "recipients", "schema_migrations", "settings", "suppressions", "webhook_inbox", NULL
};

static char *
new_db_path (const char *name)
{
  g_autofree char *dir = cb_test_tmp_path ("dbs");
  char *path;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_unlink (path);
  return path;
}

static CbStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  CbStore *store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static gint64
count_rows (CbStore    *store,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdaDataModel) model = cb_store_select (store, &error, sql, NULL);

  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  return cb_store_model_get_int64 (model, 0, 0, -1);
}

/* type, name, table and SQL of every schema object, sorted: two equal dumps mean equal
 * schemas. */
static char *
dump_schema (CbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int n_rows;

  model = cb_store_select (store, &error,
                           "SELECT type, name, tbl_name, sql FROM sqlite_master"
                           " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                           NULL);
  g_assert_no_error (error);

  n_rows = gda_data_model_get_n_rows (model);
  for (int row = 0; row < n_rows; row++)
    g_string_append_printf (out, "%s|%s|%s|%s\n",
                            cb_store_model_get_string (model, 0, row),
                            cb_store_model_get_string (model, 1, row),
                            cb_store_model_get_string (model, 2, row),
                            cb_store_model_get_string (model, 3, row));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
write_file (const char *path,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* Opening, schema, seed */

static void
test_open_fresh (void)
{
  g_autofree char *path = new_db_path ("fresh.sqlite");
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *with_db = g_strconcat (path, ".db", NULL);
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint i = 0;

  g_assert_cmpstr (cb_store_get_uri (store), ==, path);
  g_assert_cmpstr (cb_store_get_path (store), ==, path);
  g_assert_true (cb_store_is_sqlite (store));
  g_assert_cmpuint (cb_store_get_latest_schema_version (), ==, 3);
  g_assert_cmpuint (cb_store_get_schema_version (store), ==, 3);

  /* The file is exactly the path given: no ".db" appended. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (with_db, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lock, G_FILE_TEST_IS_REGULAR));

  model = cb_store_select (store, &error,
                           "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                           NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, g_strv_length ((char **)expected_tables));
  for (i = 0; expected_tables[i] != NULL; i++)
    g_assert_cmpstr (cb_store_model_get_string (model, 0, i), ==, expected_tables[i]);

  g_clear_object (&model);
  model = cb_store_select (store, &error, "PRAGMA journal_mode", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_store_model_get_string (model, 0, 0), ==, "wal");

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM schema_migrations"), ==, 3);

  /* The dialer's queue: a batch's pending rows in row order, without a sort or a scan. */
  g_clear_object (&model);
  model = cb_store_select (store, &error,
                           "EXPLAIN QUERY PLAN SELECT id FROM recipients"
                           " WHERE batch_id = 'b' AND status = 'pending' ORDER BY row_number"
                           " LIMIT 8", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  g_assert_cmpstr (cb_store_model_get_string (model, 3, 0), ==,
                   "SEARCH recipients USING INDEX recipients_queue (batch_id=? AND status=?)");
}

static void
test_open_paths (void)
{
  static const char * const names[] = { "plain", "with.db", "odd;name=x.sqlite3", "spaced name" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = new_db_path (names[i]);
      g_autofree char *with_db = g_strconcat (path, ".db", NULL);
      g_autoptr(CbStore) store = open_store (path);
      g_autoptr(GBytes) bytes = NULL;

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_false (g_file_test (with_db, G_FILE_TEST_EXISTS));
      g_clear_object (&store);

      bytes = read_bytes (path);
      g_assert_cmpuint (g_bytes_get_size (bytes), >=, 16);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 16, "SQLite format 3", 16);
    }
}

static void
test_open_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "callboard",
                                                "callboard.db", NULL);
  g_autofree char *dir = g_path_get_dirname (expected);
  g_autofree char *env_path = new_db_path ("from-env.db");
  g_autofree char *default_path = cb_store_default_path ();
  g_autoptr(CbStore) store = NULL;
  GStatBuf st;

  g_assert_cmpstr (default_path, ==, expected);

  store = open_store (NULL);
  g_assert_cmpstr (cb_store_get_path (store), ==, expected);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_clear_object (&store);

  g_setenv ("CALLBOARD_DB", env_path, TRUE);
  store = open_store (NULL);
  g_assert_cmpstr (cb_store_get_path (store), ==, env_path);
  g_clear_object (&store);
  g_unsetenv ("CALLBOARD_DB");

  /* A libgda connection string naming an SQLite file is the same file, locked the same. */
  {
    g_autofree char *dir_of = g_path_get_dirname (env_path);
    g_autofree char *uri = g_strdup_printf ("SQLite://DB_DIR=%s;DB_NAME=from-env", dir_of);
    g_autoptr(CbStore) first = open_store (uri);
    g_autoptr(CbStore) second = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (cb_store_get_path (first), ==, env_path);
    second = cb_store_open (env_path, CB_STORE_FLAGS_NONE, &error);
    g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_LOCKED);
    g_assert_null (second);
  }
}

static void
test_migrations_upgrade (void)
{
  g_autofree char *fresh_path = new_db_path ("fresh.db");
  g_autofree char *old_path = new_db_path ("old.db");
  g_autofree char *fresh_dump = NULL;
  g_autofree char *upgraded_dump = NULL;
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (fresh_path);
  fresh_dump = dump_schema (store);
  g_clear_object (&store);

  store = cb_store_open_at_version (old_path, CB_STORE_FLAGS_NONE, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_store_get_schema_version (store), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM sqlite_master"
                                      " WHERE name = 'attempts'"), ==, 0);
  g_assert_true (cb_store_set_setting (store, "kept", "across the upgrade", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_store (old_path);
  g_assert_cmpuint (cb_store_get_schema_version (store), ==, 3);
  upgraded_dump = dump_schema (store);
  g_assert_cmpstr (upgraded_dump, ==, fresh_dump);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM schema_migrations"), ==, 3);

  {
    g_autofree char *kept = cb_store_get_setting (store, "kept");
    g_assert_cmpstr (kept, ==, "across the upgrade");
  }
}

static void
test_schema_too_new (void)
{
  g_autofree char *path = new_db_path ("newer.db");
  g_autofree char *expected = NULL;
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (store, &error,
                                  "INSERT INTO schema_migrations (version, applied_at)"
                                  " VALUES (99, 0)",
                                  NULL), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&store);

  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_null (store);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_SCHEMA_TOO_NEW);
  expected = g_strdup_printf ("The database “%s” was written by a newer version of Callboard "
                              "(schema 99; this version knows up to 3). "
                              "Update Callboard to use it.", path);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_seed (void)
{
  g_autofree char *path = new_db_path ("seed.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GListModel) accounts = NULL;
  g_autoptr(GListModel) agents = NULL;
  g_autoptr(GListModel) numbers = NULL;
  g_autoptr(CbProviderAccount) account = NULL;
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(CbPhoneNumber) number = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) allowed = NULL;
  static const struct { const char *key, *value; } settings[] = {
    { "allowed_countries", "" },
    { "max_recipients", "100000" },
    { "max_file_bytes", "50000000" },
    { "default_max_retries", "2" },
    { "default_retry_delay_s", "600" },
    { "default_concurrency", "10" },
  };

  accounts = cb_store_list_provider_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  account = g_list_model_get_item (accounts, 0);
  g_assert_cmpstr (cb_provider_account_get_id (account), ==, "pa_sim");
  g_assert_cmpstr (cb_provider_account_get_kind (account), ==, "sim");
  g_assert_cmpstr (cb_provider_account_get_name (account), ==, "Simulator");
  g_assert_nonnull (cb_provider_account_get_created_at (account));

  agents = cb_store_list_agents (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 1);
  agent = g_list_model_get_item (agents, 0);
  g_assert_cmpstr (cb_agent_get_id (agent), ==, "agent_demo");
  g_assert_cmpstr (cb_agent_get_name (agent), ==, "Demo agent");
  g_assert_cmpstr (cb_agent_get_provider_account_id (agent), ==, "pa_sim");
  g_assert_cmpstr (cb_agent_get_default_phone_number_id (agent), ==, "pn_demo");
  g_assert_null (cb_agent_get_webhook_url (agent));

  numbers = cb_store_list_phone_numbers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (numbers), ==, 1);
  number = g_list_model_get_item (numbers, 0);
  g_assert_cmpstr (cb_phone_number_get_id (number), ==, "pn_demo");
  g_assert_cmpstr (cb_phone_number_get_number (number), ==, "+14155550100");
  g_assert_cmpstr (cb_phone_number_get_label (number), ==, "Demo number");
  g_assert_cmpstr (cb_phone_number_get_provider_account_id (number), ==, "pa_sim");

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *value = cb_store_get_setting (store, settings[i].key);
      g_assert_cmpstr (value, ==, settings[i].value);
    }
  allowed = cb_store_dup_allowed_countries (store);
  g_assert_cmpuint (g_strv_length (allowed), ==, 0);

  /* A user who deletes the demo agent does not get it back. */
  g_assert_cmpint (cb_store_exec (store, &error, "DELETE FROM agents WHERE id = 'agent_demo'",
                                  NULL), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_store (path);
  g_clear_object (&agents);
  agents = cb_store_list_agents (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM provider_accounts"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM phone_numbers"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM settings"), ==, 6);

  g_clear_object (&agent);
  agent = cb_store_get_agent (store, "agent_demo", &error);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Unknown agent “agent_demo”");
}

static void
test_reopen_keeps_data (void)
{
  g_autofree char *path = new_db_path ("reopen.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (cb_store_set_setting (store, "default_region", "US", &error));
  g_assert_true (cb_store_add_suppression (store, "+1 415 555 0199", "asked", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_store (path);
  value = cb_store_get_setting (store, "default_region");
  g_assert_cmpstr (value, ==, "US");
  list = cb_store_list_suppressions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
}

/* The single-engine lock */

static char *
expected_lock_message (const char *path,
                       int         pid)
{
  return g_strdup_printf ("Another Callboard engine is already using “%s” (process %d).",
                          path, pid);
}

static void
test_lock_same_process (void)
{
  g_autofree char *path = new_db_path ("locked.db");
  g_autofree char *expected = expected_lock_message (path, getpid ());
  g_autoptr(CbStore) first = open_store (path);
  g_autoptr(CbStore) second = NULL;
  g_autoptr(CbStore) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  second = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_null (second);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* Readers take no lock. */
  reader = cb_store_open (path, CB_STORE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  value = cb_store_get_setting (reader, "max_recipients");
  g_assert_cmpstr (value, ==, "100000");
  g_clear_object (&reader);

  g_clear_object (&first);
  second = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
}

static GPid
spawn_helper (const char *mode,
              const char *path,
              int        *stdin_fd,
              int        *stdout_fd)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_exe, mode, path, NULL };
  GPid pid = 0;

  g_assert_nonnull (self_exe);
  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, stdin_fd, stdout_fd, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

static char *
read_line_fd (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  while (read (fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (line, c);

  return g_string_free (line, FALSE);
}

static void
test_lock_other_process (void)
{
  g_autofree char *path = new_db_path ("shared.db");
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *line = NULL;
  int in_fd = -1, out_fd = -1;
  int status = 0;
  GPid pid;

  /* A child holds the database: this process is refused, naming the child. */
  pid = spawn_helper ("--hold-store", path, &in_fd, &out_fd);
  line = read_line_fd (out_fd);
  g_assert_cmpstr (line, ==, "open");

  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_null (store);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_LOCKED);
  expected = expected_lock_message (path, pid);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* Killed outright, it cannot clean up: the kernel releases the lock. */
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_spawn_close_pid (pid);
  close (in_fd);
  close (out_fd);

  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  /* This process holds it: a child is refused with this process' id. */
  g_clear_pointer (&line, g_free);
  g_clear_pointer (&expected, g_free);
  pid = spawn_helper ("--try-store", path, NULL, &out_fd);
  line = read_line_fd (out_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (out_fd);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);
  expected = expected_lock_message (path, getpid ());
  g_assert_cmpstr (line, ==, expected);
}

/* Files that are not ours */

/* @expected_message: what follows the quoted path, or NULL for any message */
static void
assert_refused_untouched (const char *name,
                          const char *data,
                          gsize       len,
                          const char *expected_message)
{
  g_autofree char *path = new_db_path (name);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;

  write_file (path, data, len);
  before = read_bytes (path);

  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_null (store);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE);
  if (expected_message != NULL)
    {
      g_autofree char *expected = g_strconcat ("“", path, "”", expected_message, NULL);
      g_assert_cmpstr (error->message, ==, expected);
    }
  else
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", path);
      g_assert_true (g_str_has_prefix (error->message, quoted));
    }
  g_clear_error (&error);

  store = cb_store_open (path, CB_STORE_FLAGS_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE);

  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_refuse_foreign_files (void)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0,
    'I', 'E', 'N', 'D', 0xae, 'B', 0x60, 0x82,
  };
  const char *not_sqlite = " is not a Callboard database (it is not an SQLite file). "
                           "It was left as it is.";
  g_autoptr(GString) corrupt = g_string_new_len ("SQLite format 3\0", 16);
  g_autofree char *other_path = new_db_path ("other-program.db");

  assert_refused_untouched ("notes.txt", "phone,first_name\n+14155550100,Ann\n", -1,
                            not_sqlite);
  assert_refused_untouched ("picture.png", (const char *)png, sizeof png, not_sqlite);
  assert_refused_untouched ("short.db", "SQL", 3, not_sqlite);

  /* A valid header over garbage: SQLite itself refuses it. */
  for (guint i = 0; i < 4096; i++)
    g_string_append_c (corrupt, (char)(i * 7 + 3));
  assert_refused_untouched ("corrupt.db", corrupt->str, corrupt->len, NULL);

  /* An SQLite database of another program is not taken over. */
  {
    g_autoptr(GError) error = NULL;
    GdaConnection *cnc;
    g_autofree char *dir = g_path_get_dirname (other_path);
    g_autofree char *cnc_string = g_strdup_printf ("DB_DIR=%s;DB_NAME=other-program", dir);
    g_autoptr(GBytes) bytes = NULL;

    cnc = gda_connection_open_from_string ("SQLite", cnc_string, NULL,
                                           GDA_CONNECTION_OPTIONS_NONE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gda_connection_execute_non_select_command (cnc, "CREATE TABLE notes (x TEXT)",
                                                                &error), !=, -1);
    g_assert_no_error (error);
    g_object_unref (cnc);

    bytes = read_bytes (other_path);
    assert_refused_untouched ("other-program.db", g_bytes_get_data (bytes, NULL),
                              g_bytes_get_size (bytes),
                              " is a database of another program, not a Callboard "
                              "database. It was left as it is.");
  }
}

static void
test_read_only (void)
{
  g_autofree char *dir = cb_test_tmp_path ("missing-dir");
  g_autofree char *path = g_build_filename (dir, "none.db", NULL);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *expected = g_strdup_printf ("There is no database at “%s”.", path);
  g_autofree char *existing = new_db_path ("read-only.db");
  g_autofree char *existing_lock = g_strconcat (existing, ".lock", NULL);
  g_autoptr(CbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GListModel) agents = NULL;

  store = cb_store_open (path, CB_STORE_FLAGS_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  store = open_store (existing);
  g_clear_object (&store);
  g_unlink (existing_lock);
  before = read_bytes (existing);

  store = cb_store_open (existing, CB_STORE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (cb_store_is_read_only (store));
  agents = cb_store_list_agents (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 1);

  g_assert_false (cb_store_set_setting (store, "x", "y", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&store);

  after = read_bytes (existing);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (existing_lock, G_FILE_TEST_EXISTS));
}

/* Settings and the do-not-call list */

static void
test_settings (void)
{
  g_autofree char *path = new_db_path ("settings.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) allowed = NULL;
  char *value;

  g_assert_null (cb_store_get_setting (store, "nothing"));

  g_assert_true (cb_store_set_setting (store, "greeting", "Grüß Gott “quoted” 'x'", &error));
  g_assert_no_error (error);
  value = cb_store_get_setting (store, "greeting");
  g_assert_cmpstr (value, ==, "Grüß Gott “quoted” 'x'");
  g_free (value);

  g_assert_true (cb_store_set_setting (store, "greeting", "", &error));
  value = cb_store_get_setting (store, "greeting");
  g_assert_cmpstr (value, ==, "");
  g_free (value);

  g_assert_true (cb_store_set_setting (store, "greeting", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (cb_store_get_setting (store, "greeting"));

  g_assert_false (cb_store_set_setting (store, "", "x", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (cb_store_set_setting (store, "allowed_countries", " us, ca;GB\tfr ", &error));
  allowed = cb_store_dup_allowed_countries (store);
  g_assert_cmpuint (g_strv_length (allowed), ==, 4);
  g_assert_cmpstr (allowed[0], ==, "US");
  g_assert_cmpstr (allowed[1], ==, "CA");
  g_assert_cmpstr (allowed[2], ==, "GB");
  g_assert_cmpstr (allowed[3], ==, "FR");
}

static void
test_suppressions (void)
{
  g_autofree char *path = new_db_path ("suppressions.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GHashTable) set = NULL;
  g_autoptr(CbSuppression) first = NULL;
  g_autoptr(CbSuppression) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_store_set_setting (store, "default_region", "US", &error));

  g_assert_true (cb_store_add_suppression (store, "+1 (415) 555-0123", "  asked twice ", &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_add_suppression (store, "415.555.0124", NULL, &error));
  g_assert_no_error (error);

  /* The same number written another way: no second entry; a new note replaces the old. */
  g_assert_true (cb_store_add_suppression (store, "(415) 555-0123", NULL, &error));
  g_assert_true (cb_store_add_suppression (store, "+14155550124", "lawyer", &error));
  g_assert_no_error (error);

  list = cb_store_list_suppressions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  first = g_list_model_get_item (list, 0);
  second = g_list_model_get_item (list, 1);
  g_assert_cmpstr (cb_suppression_get_number (first), ==, "+14155550123");
  g_assert_cmpstr (cb_suppression_get_note (first), ==, "asked twice");
  g_assert_nonnull (cb_suppression_get_created_at (first));
  g_assert_cmpstr (cb_suppression_get_number (second), ==, "+14155550124");
  g_assert_cmpstr (cb_suppression_get_note (second), ==, "lawyer");

  set = cb_store_dup_suppression_set (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (set), ==, 2);
  g_assert_true (g_hash_table_contains (set, "+14155550123"));
  g_assert_true (g_hash_table_contains (set, "+14155550124"));

  g_assert_false (cb_store_add_suppression (store, "12345", NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“12345” is not a valid phone number");
  g_clear_error (&error);

  g_assert_false (cb_store_add_suppression (store, "   ", NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (cb_store_remove_suppression (store, "415-555-0123", &error));
  g_assert_no_error (error);
  g_assert_false (cb_store_remove_suppression (store, "+14155550123", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "+14155550123 is not on the do-not-call list");
  g_clear_error (&error);

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM suppressions"), ==, 1);
}

static void
test_new_id (void)
{
  g_autofree char *a = cb_store_new_id ("batch");
  g_autofree char *b = cb_store_new_id ("batch");

  g_assert_cmpuint (strlen (a), ==, strlen ("batch_") + 24);
  g_assert_true (g_str_has_prefix (a, "batch_"));
  for (const char *p = a + 6; *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  g_assert_cmpstr (a, !=, b);

  /* Made later, sorted later. */
  g_usleep (2000);
  {
    g_autofree char *c = cb_store_new_id ("batch");
    g_assert_cmpstr (a, <, c);
    g_assert_cmpstr (b, <, c);
  }
}

/* Batches */

static CbBatchParams
default_params (const char *name)
{
  CbBatchParams params = {
    .name = name,
    .agent_id = "agent_demo",
    .phone_number_id = NULL,
    .timezone = "America/New_York",
    .max_retries = -1,
    .retry_delay_s = -1,
    .concurrency = 0,
    .call_window = NULL,
    .default_region = "US",
  };

  return params;
}

static const char fixture_csv[] =
  "\xEF\xBB\xBFphone,first_name,note\r\n"
  "+1 415 555 0101,Ann,\"Hello, \"\"world\"\"\"\r\n"
  "(415) 555-0102,Zoë,\"two\nlines\"\r\n"
  "\r\n"
  "+44 20 7946 0958,\"Back\\slash\",tab\there\r\n";

static void
check_fixture_batch (CbStore    *store,
                     CbBatch    *batch,
                     const char *name)
{
  static const struct {
    guint row;
    const char *phone, *raw, *vars;
  } expected[] = {
    { 2, "+14155550101", "+1 415 555 0101",
      "{\"first_name\":\"Ann\",\"note\":\"Hello, \\\"world\\\"\"}" },
    { 3, "+14155550102", "(415) 555-0102",
      "{\"first_name\":\"Zoë\",\"note\":\"two\\nlines\"}" },
    { 5, "+442079460958", "+44 20 7946 0958",
      "{\"first_name\":\"Back\\\\slash\",\"note\":\"tab\\there\"}" },
  };
  g_autoptr(GListModel) recipients = NULL;
  g_autoptr(GError) error = NULL;
  const CbBatchCounters *counters;

  g_assert_true (g_str_has_prefix (cb_batch_get_id (batch), "batch_"));
  g_assert_cmpstr (cb_batch_get_name (batch), ==, name);
  g_assert_cmpstr (cb_batch_get_agent_id (batch), ==, "agent_demo");
  g_assert_cmpstr (cb_batch_get_phone_number_id (batch), ==, "pn_demo");
  g_assert_cmpint (cb_batch_get_status (batch), ==, CB_BATCH_STATUS_DRAFT);
  g_assert_null (cb_batch_get_scheduled_at (batch));
  g_assert_cmpstr (cb_batch_get_timezone (batch), ==, "America/New_York");
  g_assert_cmpuint (cb_batch_get_max_retries (batch), ==, 2);
  g_assert_cmpuint (cb_batch_get_retry_delay_s (batch), ==, 600);
  g_assert_cmpuint (cb_batch_get_concurrency (batch), ==, 10);
  g_assert_null (cb_batch_get_call_window (batch));
  g_assert_cmpstr (cb_batch_get_default_region (batch), ==, "US");
  g_assert_null (cb_batch_get_pause_reason (batch));
  g_assert_null (cb_batch_get_error (batch));
  g_assert_nonnull (cb_batch_get_created_at (batch));
  g_assert_nonnull (cb_batch_get_updated_at (batch));
  g_assert_null (cb_batch_get_started_at (batch));
  g_assert_null (cb_batch_get_finished_at (batch));

  counters = cb_batch_get_counters (batch);
  g_assert_cmpuint (counters->total, ==, 3);
  g_assert_cmpuint (counters->pending, ==, 3);
  g_assert_cmpuint (counters->dialing + counters->completed + counters->failed +
                    counters->cancelled + counters->picked_up + counters->sent, ==, 0);

  recipients = cb_store_list_recipients (store, cb_batch_get_id (batch), 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (recipients), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(CbRecipient) r = g_list_model_get_item (recipients, i);
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (g_str_has_prefix (cb_recipient_get_id (r), "rcp_"));
      g_assert_cmpuint (strlen (cb_recipient_get_id (r)), ==, 28);
      g_assert_cmpstr (cb_recipient_get_batch_id (r), ==, cb_batch_get_id (batch));
      g_assert_cmpuint (cb_recipient_get_row (r), ==, expected[i].row);
      g_assert_cmpstr (cb_recipient_get_phone (r), ==, expected[i].phone);
      g_assert_cmpstr (cb_recipient_get_raw_phone (r), ==, expected[i].raw);
      g_assert_cmpstr (cb_recipient_get_dynamic_vars (r), ==, expected[i].vars);
      g_assert_true (json_parser_load_from_data (parser, cb_recipient_get_dynamic_vars (r), -1,
                                                 NULL));
      g_assert_cmpint (cb_recipient_get_status (r), ==, CB_RECIPIENT_STATUS_PENDING);
      g_assert_cmpuint (cb_recipient_get_attempts (r), ==, 0);
      g_assert_cmpint (cb_recipient_get_max_retries (r), ==, -1);
      g_assert_null (cb_recipient_get_provider_call_id (r));
      g_assert_null (cb_recipient_get_outcome (r));
      g_assert_null (cb_recipient_get_disconnection_reason (r));
      g_assert_cmpint (cb_recipient_get_duration_ms (r), ==, 0);
      g_assert_null (cb_recipient_get_transcript (r));
      g_assert_null (cb_recipient_get_analysis (r));
      g_assert_null (cb_recipient_get_error (r));
      g_assert_null (cb_recipient_get_next_attempt_at (r));
      g_assert_null (cb_recipient_get_started_at (r));
      g_assert_null (cb_recipient_get_ended_at (r));
      g_assert_nonnull (cb_recipient_get_updated_at (r));
    }
}

static void
test_batch_from_csv (void)
{
  g_autofree char *path = new_db_path ("batch.db");
  g_autofree char *csv = cb_test_tmp_path ("leads.csv");
  g_autoptr(CbStore) store = open_store (path);

  write_file (csv, fixture_csv, sizeof fixture_csv - 1);

  for (guint json = 0; json < 2; json++)
    {
      g_autoptr(CbImportReport) report = NULL;
      g_autoptr(CbBatch) batch = NULL;
      g_autoptr(CbBatch) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *stored_report = NULL;
      g_autofree char *report_json = NULL;
      CbBatchParams params = default_params (json ? "  JSON path  " : "Row path");

      cb_store_set_bulk_insert_json (store, json);
      batch = cb_store_import_file (store, &params, csv, FALSE, &report, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (batch);
      g_assert_nonnull (report);
      check_fixture_batch (store, batch, json ? "JSON path" : "Row path");

      again = cb_store_get_batch (store, cb_batch_get_id (batch), &error);
      g_assert_no_error (error);
      check_fixture_batch (store, again, json ? "JSON path" : "Row path");

      stored_report = cb_store_dup_batch_report (store, cb_batch_get_id (batch), &error);
      g_assert_no_error (error);
      report_json = cb_import_report_to_json_string (report, FALSE);
      g_assert_cmpstr (stored_report, ==, report_json);
    }

  /* After a reopen, the same. */
  {
    g_autoptr(GListModel) batches = NULL;
    g_autoptr(CbBatch) newest = NULL;
    g_autoptr(GError) error = NULL;

    g_clear_object (&store);
    store = open_store (path);
    batches = cb_store_list_batches (store, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (batches), ==, 2);
    newest = g_list_model_get_item (batches, 0);
    check_fixture_batch (store, newest, "JSON path");
  }
}

/* The rows @query finds, in its order ("2,4,3") in @rows; their count, which must be what
 * cb_store_count_recipients() says. */
static guint
query_rows (CbStore                *store,
            const CbRecipientQuery *query,
            GString                *rows)
{
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = cb_store_count_recipients (store, query, &error);

  g_assert_no_error (error);
  found = cb_store_query_recipients (store, query, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, g_list_model_get_n_items (found));

  g_string_truncate (rows, 0);
  for (guint i = 0; i < g_list_model_get_n_items (found); i++)
    {
      g_autoptr(CbRecipient) recipient = g_list_model_get_item (found, i);

      g_string_append_printf (rows, "%s%u", i ? "," : "", cb_recipient_get_row (recipient));
    }

  return (guint) count;
}

/* The detail page's search: a part of the number or of a variable's value, with LIKE's
 * wildcards taken literally, alone or with a status filter. */
static guint
search_rows (CbStore    *store,
             const char *batch_id,
             int         status,
             const char *search,
             GString    *rows)
{
  CbRecipientQuery query = { batch_id, status, search, CB_RECIPIENT_SORT_ROW, FALSE };

  return query_rows (store, &query, rows);
}

static void
test_batch_search (void)
{
  static const char csv[] =
    "phone,first_name,note\n"
    "+14155550101,Ann,50% off\n"
    "+14155550102,Bob,500 off\n"
    "+14155550103,Cy,a_b\n"
    "+14155550104,Dee,axb\n"
    "+14155550105,Eve,back\\slash\n"
    "+14155550106,Fay,\"say \"\"hi\"\", 100!\"\n";
  g_autofree char *path = new_db_path ("search.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GBytes) bytes = g_bytes_new_static (csv, sizeof csv - 1);
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchParams params = default_params ("Search");
  const char *id;

  batch = cb_store_import_bytes (store, &params, bytes, "search.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  id = cb_batch_get_id (batch);

  g_assert_cmpuint (search_rows (store, id, -1, NULL, rows), ==, 6);
  g_assert_cmpuint (search_rows (store, id, -1, "5550103", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "4");
  g_assert_cmpuint (search_rows (store, id, -1, "(415) 555-0103", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "4");
  g_assert_cmpuint (search_rows (store, id, -1, "555-010", rows), ==, 6);
  g_assert_cmpuint (search_rows (store, id, -1, "5-5", rows), ==, 0);
  g_assert_cmpuint (search_rows (store, id, -1, "bob", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "3");
  g_assert_cmpuint (search_rows (store, id, -1, "50%", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "2");
  g_assert_cmpuint (search_rows (store, id, -1, "a_b", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "4");
  g_assert_cmpuint (search_rows (store, id, -1, "k\\s", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "6");
  g_assert_cmpuint (search_rows (store, id, -1, "\"hi\"", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "7");
  g_assert_cmpuint (search_rows (store, id, -1, "100!", rows), ==, 1);
  g_assert_cmpstr (rows->str, ==, "7");
  g_assert_cmpuint (search_rows (store, id, -1, "off", rows), ==, 2);
  g_assert_cmpstr (rows->str, ==, "2,3");
  g_assert_cmpuint (search_rows (store, id, CB_RECIPIENT_STATUS_PENDING, "off", rows), ==, 2);
  g_assert_cmpuint (search_rows (store, id, CB_RECIPIENT_STATUS_COMPLETED, "off", rows), ==, 0);
  g_assert_cmpuint (search_rows (store, id, -1, "nobody", rows), ==, 0);
  /* The variables' names are no part of their values. */
  g_assert_cmpuint (search_rows (store, id, -1, "first_name", rows), ==, 0);
  g_assert_cmpuint (search_rows (store, id, -1, "note", rows), ==, 0);
}

/* Every sort of the detail page, both ways, with and without a filter and a search. */
static void
test_batch_sort (void)
{
  static const char csv[] =
    "phone,first_name\n"
    "+14155550103,Ann\n"
    "+14155550101,Bob\n"
    "+14155550102,Cy\n";
  g_autofree char *path = new_db_path ("sort.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GBytes) bytes = g_bytes_new_static (csv, sizeof csv - 1);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchParams params = default_params ("Sort");

  batch = cb_store_import_bytes (store, &params, bytes, "sort.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  for (int sort = CB_RECIPIENT_SORT_ROW; sort <= CB_RECIPIENT_SORT_ENDED; sort++)
    for (int variant = 0; variant < 8; variant++)
      {
        CbRecipientQuery query = { cb_batch_get_id (batch),
                                   variant & 2 ? CB_RECIPIENT_STATUS_PENDING : -1,
                                   variant & 4 ? "555" : NULL,
                                   sort, variant & 1 };
        g_autoptr(GString) rows = g_string_new (NULL);
        const char *expected;

        g_assert_cmpuint (query_rows (store, &query, rows), ==, 3);
        /* Ties (all pending, never called) fall back to the row, in the same direction. */
        if (sort == CB_RECIPIENT_SORT_PHONE)
          expected = query.descending ? "2,4,3" : "3,4,2";
        else
          expected = query.descending ? "4,3,2" : "2,3,4";
        g_assert_cmpstr (rows->str, ==, expected);
      }

  /* Rows 2 and 3 called: unset values (row 4's) last whichever the direction. */
  g_assert_cmpint (cb_store_exec (store, &error,
                                  "UPDATE recipients SET status = 'completed', attempts = 1,"
                                  " outcome = 'voicemail', duration_ms = 5000, ended_at = 3000"
                                  " WHERE row_number = 2", NULL), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_exec (store, &error,
                                  "UPDATE recipients SET status = 'failed', attempts = 3,"
                                  " outcome = 'answered', duration_ms = 1000, ended_at = 1000"
                                  " WHERE row_number = 3", NULL), ==, 1);
  g_assert_no_error (error);
  for (int sort = CB_RECIPIENT_SORT_ROW; sort <= CB_RECIPIENT_SORT_ENDED; sort++)
    for (int descending = 0; descending < 2; descending++)
      {
        static const char *orders[][2] = {
          [CB_RECIPIENT_SORT_ROW] = { "2,3,4", "4,3,2" },
          [CB_RECIPIENT_SORT_PHONE] = { "3,4,2", "2,4,3" },
          [CB_RECIPIENT_SORT_STATUS] = { "2,3,4", "4,3,2" },
          [CB_RECIPIENT_SORT_ATTEMPTS] = { "4,2,3", "3,2,4" },
          [CB_RECIPIENT_SORT_OUTCOME] = { "3,2,4", "2,3,4" },
          [CB_RECIPIENT_SORT_DURATION] = { "3,2,4", "2,3,4" },
          [CB_RECIPIENT_SORT_ENDED] = { "3,2,4", "2,3,4" },
        };
        CbRecipientQuery query = { cb_batch_get_id (batch), -1, "555", sort, descending };
        g_autoptr(GString) rows = g_string_new (NULL);

        g_assert_cmpuint (query_rows (store, &query, rows), ==, 3);
        g_assert_cmpstr (rows->str, ==, orders[sort][descending]);
      }

  /* The side panel's calls of a recipient, in their order. */
  {
    CbRecipientQuery query = { cb_batch_get_id (batch), CB_RECIPIENT_STATUS_FAILED, NULL,
                               CB_RECIPIENT_SORT_ROW, FALSE };
    g_autoptr(GListModel) found = cb_store_query_recipients (store, &query, 0, 100, &error);
    g_autoptr(CbRecipient) failed = NULL;
    g_autoptr(GPtrArray) attempts = NULL;
    CbAttemptInfo *info;

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (found), ==, 1);
    failed = g_list_model_get_item (found, 0);
    g_assert_cmpint (cb_store_exec (store, &error,
                                    "INSERT INTO attempts (id, recipient_id, batch_id, number,"
                                    " started_at, http_status, outcome, ended_at) VALUES"
                                    " ('att_2', ##r::string, ##b::string, 2, 500, 201,"
                                    " 'answered', 1000)",
                                    "r", cb_recipient_get_id (failed),
                                    "b", cb_batch_get_id (batch), NULL), ==, 1);
    g_assert_no_error (error);
    g_assert_cmpint (cb_store_exec (store, &error,
                                    "INSERT INTO attempts (id, recipient_id, batch_id, number,"
                                    " started_at, http_status, error) VALUES"
                                    " ('att_1', ##r::string, ##b::string, 1, 100, 503,"
                                    " 'Provider unavailable')",
                                    "r", cb_recipient_get_id (failed),
                                    "b", cb_batch_get_id (batch), NULL), ==, 1);
    g_assert_no_error (error);

    attempts = cb_store_list_attempts (store, cb_recipient_get_id (failed), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (attempts->len, ==, 2);
    info = g_ptr_array_index (attempts, 0);
    g_assert_cmpuint (info->number, ==, 1);
    g_assert_cmpint (info->http_status, ==, 503);
    g_assert_null (info->outcome);
    g_assert_cmpstr (info->error, ==, "Provider unavailable");
    g_assert_null (info->ended_at);
    g_assert_cmpint (g_date_time_to_unix (info->started_at), ==, 0);
    info = g_ptr_array_index (attempts, 1);
    g_assert_cmpuint (info->number, ==, 2);
    g_assert_cmpint (info->http_status, ==, 201);
    g_assert_cmpstr (info->outcome, ==, "answered");
    g_assert_null (info->error);
    g_assert_nonnull (info->ended_at);
  }
}

static void
test_batch_invalid_rows (void)
{
  g_autofree char *path = new_db_path ("invalid.db");
  g_autofree char *csv = cb_test_tmp_path ("invalid.csv");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GListModel) batches = NULL;
  g_autoptr(GListModel) recipients = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  CbBatchParams params = default_params ("Some bad rows");

  g_assert_true (cb_store_add_suppression (store, "+14155550109", NULL, &error));
  write_file (csv,
              "phone,name\n"
              "+14155550101,a\n"
              "12345,b\n"
              ",c\n"
              "+14155550101,d\n"
              "+14155550109,e\n"
              "+14155550102,f\n",
              -1);

  batch = cb_store_import_file (store, &params, csv, FALSE, &report, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID_RECIPIENTS);
  {
    g_autofree char *expected = g_strdup_printf (
        "4 rows are not valid: %s: row 4; %s: row 3; %s: row 5; %s: row 6.",
        cb_import_reason_message (CB_IMPORT_REASON_MISSING_PHONE),
        cb_import_reason_message (CB_IMPORT_REASON_INVALID_PHONE_NUMBER),
        cb_import_reason_message (CB_IMPORT_REASON_DUPLICATE),
        cb_import_reason_message (CB_IMPORT_REASON_SUPPRESSED));
    g_assert_cmpstr (error->message, ==, expected);
  }
  g_assert_nonnull (report);
  g_assert_cmpuint (cb_import_report_get_invalid (report), ==, 4);
  g_assert_cmpuint (cb_import_report_get_valid (report), ==, 2);
  g_clear_error (&error);
  g_clear_pointer (&report, cb_import_report_unref);

  batches = cb_store_list_batches (store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (batches), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM batches"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM recipients"), ==, 0);

  batch = cb_store_import_file (store, &params, csv, TRUE, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, 2);
  recipients = cb_store_list_recipients (store, cb_batch_get_id (batch), 0, 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (recipients), ==, 2);
  {
    g_autoptr(CbRecipient) a = g_list_model_get_item (recipients, 0);
    g_autoptr(CbRecipient) f = g_list_model_get_item (recipients, 1);

    g_assert_cmpuint (cb_recipient_get_row (a), ==, 2);
    g_assert_cmpuint (cb_recipient_get_row (f), ==, 7);
    g_assert_cmpstr (cb_recipient_get_dynamic_vars (f), ==, "{\"name\":\"f\"}");
  }

  stored = cb_store_dup_batch_report (store, cb_batch_get_id (batch), &error);
  g_assert_no_error (error);
  {
    g_autofree char *expected = cb_import_report_to_json_string (report, FALSE);
    g_assert_cmpstr (stored, ==, expected);
  }
}

static void
test_batch_params (void)
{
  g_autofree char *path = new_db_path ("params.db");
  g_autofree char *csv = cb_test_tmp_path ("params.csv");
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autofree char *max_name = g_strnfill (200, 'x');
  g_autoptr(CbStore) store = open_store (path);
  static const char *bad_windows[] = {
    "{", "[]", "{\"windows\":[{\"start\":600,\"end\":500}]}",
    "{\"windows\":[{\"start\":0,\"end\":1441}]}", "{\"days\":[\"Funday\"]}",
    "{\"timezone\":\"Mars/Olympus\"}",
  };
  struct {
    CbBatchParams params;
    const char *message;
  } cases[] = {
    { default_params (NULL), "The batch needs a name." },
    { default_params ("   "), "The batch needs a name." },
    { default_params (long_name), "The batch name is longer than 200 characters." },
  };
  CbBatchParams params;

  write_file (csv, "phone\n+14155550101\n", -1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CbBatch) batch = cb_store_import_file (store, &cases[i].params, csv, FALSE,
                                                       NULL, NULL, &error);
      g_assert_null (batch);
      g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

#define EXPECT_INVALID(message_) \
  G_STMT_START { \
    g_autoptr(GError) error_ = NULL; \
    g_autoptr(CbBatch) batch_ = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, \
                                                      &error_); \
    g_assert_null (batch_); \
    g_assert_error (error_, CB_STORE_ERROR, CB_STORE_ERROR_INVALID); \
    if ((message_) != NULL) \
      g_assert_cmpstr (error_->message, ==, (message_)); \
  } G_STMT_END

  params = default_params ("x");
  params.agent_id = "agent_nobody";
  EXPECT_INVALID ("Unknown agent “agent_nobody”");

  params = default_params ("x");
  params.phone_number_id = "pn_nothing";
  EXPECT_INVALID ("Unknown phone number “pn_nothing”");

  params = default_params ("x");
  params.timezone = "Europe/Atlantis";
  EXPECT_INVALID ("Unknown time zone “Europe/Atlantis”");

  params = default_params ("x");
  params.max_retries = 11;
  EXPECT_INVALID ("max_retries must be between 0 and 10 (not 11).");

  params = default_params ("x");
  params.concurrency = 1001;
  EXPECT_INVALID ("concurrency must be between 1 and 1000 (not 1001).");

  params = default_params ("x");
  params.retry_delay_s = 86401;
  EXPECT_INVALID ("retry_delay_s must be between 0 and 86400 (not 86401).");

  params = default_params ("x");
  params.default_region = "QQ";
  EXPECT_INVALID ("Unknown region “QQ”");

  for (guint i = 0; i < G_N_ELEMENTS (bad_windows); i++)
    {
      params = default_params ("x");
      params.call_window = bad_windows[i];
      EXPECT_INVALID (NULL);
    }

#undef EXPECT_INVALID

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM batches"), ==, 0);

  /* The limits themselves are accepted, and explicit values are kept. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CbBatch) batch = NULL;

    params = default_params (max_name);
    params.max_retries = 10;
    params.concurrency = 1000;
    params.retry_delay_s = 86400;
    params.phone_number_id = "pn_demo";
    params.call_window = "{\"windows\": [{\"start\": 540, \"end\": 1200}],"
                         " \"days\": [\"Monday\", \"Friday\"], \"timezone\": \"recipient\"}";
    batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (cb_batch_get_name (batch), ==, max_name);
    g_assert_cmpuint (cb_batch_get_max_retries (batch), ==, 10);
    g_assert_cmpuint (cb_batch_get_concurrency (batch), ==, 1000);
    g_assert_cmpuint (cb_batch_get_retry_delay_s (batch), ==, 86400);
    g_assert_cmpstr (cb_batch_get_call_window (batch), ==,
                     "{\"windows\":[{\"start\":540,\"end\":1200}],"
                     "\"days\":[\"Monday\",\"Friday\"],\"timezone\":\"recipient\"}");

    g_clear_object (&batch);
    params = default_params ("zero retries");
    params.max_retries = 0;
    params.retry_delay_s = 0;
    batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (cb_batch_get_max_retries (batch), ==, 0);
    g_assert_cmpuint (cb_batch_get_retry_delay_s (batch), ==, 0);
  }
}

static void
test_batch_list (void)
{
  g_autofree char *path = new_db_path ("list.db");
  g_autofree char *csv = cb_test_tmp_path ("list.csv");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GListModel) all = NULL;
  g_autoptr(GListModel) limited = NULL;
  g_autoptr(GListModel) pending = NULL;
  g_autoptr(GError) error = NULL;
  char *ids[3] = { NULL };
  CbBatchStatus status = CB_BATCH_STATUS_PENDING;

  write_file (csv, "phone\n+14155550101\n", -1);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Batch %u", i);
      CbBatchParams params = default_params (name);
      g_autoptr(CbBatch) batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL,
                                                       &error);
      g_assert_no_error (error);
      ids[i] = g_strdup (cb_batch_get_id (batch));
    }

  /* The same millisecond for all: the id decides, newest first either way. */
  g_assert_cmpint (cb_store_exec (store, &error, "UPDATE batches SET created_at = 1000", NULL), ==, 3);
  g_assert_cmpint (cb_store_exec (store, &error,
                                  "UPDATE batches SET created_at = 2000 WHERE id = ##id::string",
                                  "id", ids[0], NULL), ==, 1);

  all = cb_store_list_batches (store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 3);
  {
    g_autoptr(CbBatch) b0 = g_list_model_get_item (all, 0);
    g_autoptr(CbBatch) b1 = g_list_model_get_item (all, 1);
    g_autoptr(CbBatch) b2 = g_list_model_get_item (all, 2);
    const char *hi = g_strcmp0 (ids[1], ids[2]) > 0 ? ids[1] : ids[2];
    const char *lo = g_strcmp0 (ids[1], ids[2]) > 0 ? ids[2] : ids[1];

    g_assert_cmpstr (cb_batch_get_id (b0), ==, ids[0]);
    g_assert_cmpstr (cb_batch_get_id (b1), ==, hi);
    g_assert_cmpstr (cb_batch_get_id (b2), ==, lo);
  }

  limited = cb_store_list_batches (store, NULL, 2, &error);
  g_assert_cmpuint (g_list_model_get_n_items (limited), ==, 2);

  g_assert_true (cb_store_set_batch_status (store, ids[1], CB_BATCH_STATUS_PENDING, &error));
  g_assert_no_error (error);
  pending = cb_store_list_batches (store, &status, 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (pending), ==, 1);
  {
    g_autoptr(CbBatch) b = g_list_model_get_item (pending, 0);
    g_assert_cmpstr (cb_batch_get_id (b), ==, ids[1]);
  }

  for (guint i = 0; i < 3; i++)
    g_free (ids[i]);
}

static void
test_batch_transitions (void)
{
  g_autofree char *path = new_db_path ("transitions.db");
  g_autofree char *csv = cb_test_tmp_path ("transitions.csv");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) reread = NULL;
  g_autoptr(GListModel) recipients = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchParams params = default_params ("Lifecycle");
  const char *id;

  write_file (csv, "phone\n+14155550101\n+14155550102\n", -1);
  batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  id = cb_batch_get_id (batch);

  g_assert_false (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_PAUSED, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "Only a running batch can be paused; this one is draft.");
  g_clear_error (&error);

  g_assert_true (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_PENDING, &error));
  g_assert_true (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_RUNNING, &error));
  g_assert_no_error (error);

  reread = cb_store_get_batch (store, id, &error);
  g_assert_cmpint (cb_batch_get_status (reread), ==, CB_BATCH_STATUS_RUNNING);
  g_assert_nonnull (cb_batch_get_started_at (reread));
  g_assert_null (cb_batch_get_finished_at (reread));
  g_clear_object (&reread);

  g_assert_false (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "A running batch cannot be cancelled. Pause it first.");
  g_clear_error (&error);

  g_assert_true (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_PAUSED, &error));
  g_assert_true (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_no_error (error);

  reread = cb_store_get_batch (store, id, &error);
  g_assert_cmpint (cb_batch_get_status (reread), ==, CB_BATCH_STATUS_CANCELLED);
  g_assert_nonnull (cb_batch_get_finished_at (reread));
  g_assert_cmpuint (cb_batch_get_counters (reread)->pending, ==, 0);
  g_assert_cmpuint (cb_batch_get_counters (reread)->cancelled, ==, 2);
  g_assert_cmpuint (cb_batch_get_counters (reread)->total, ==, 2);

  recipients = cb_store_list_recipients (store, id, 0, 0, &error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CbRecipient) r = g_list_model_get_item (recipients, i);
      g_assert_cmpint (cb_recipient_get_status (r), ==, CB_RECIPIENT_STATUS_CANCELLED);
    }

  g_assert_false (cb_store_set_batch_status (store, id, CB_BATCH_STATUS_RUNNING, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "A cancelled batch cannot be started or resumed.");
  g_clear_error (&error);

  g_assert_false (cb_store_set_batch_status (store, "batch_nope", CB_BATCH_STATUS_PENDING,
                                             &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Unknown batch “batch_nope”");
}

static void
test_leftover_import (void)
{
  g_autofree char *path = new_db_path ("leftover.db");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (store, &error,
                                  "INSERT INTO batches (id, name, agent_id, status, timezone,"
                                  " max_retries, retry_delay_s, concurrency, created_at, updated_at)"
                                  " VALUES ('batch_crashed', 'x', 'agent_demo', 'importing', 'UTC',"
                                  " 2, 600, 10, 0, 0)",
                                  NULL), ==, 1);
  g_assert_cmpint (cb_store_exec (store, &error,
                                  "INSERT INTO recipients (id, batch_id, row_number, phone,"
                                  " dynamic_vars, status, updated_at)"
                                  " VALUES ('rcp_x', 'batch_crashed', 2, '+14155550101', '{}',"
                                  " 'pending', 0)",
                                  NULL), ==, 1);
  g_assert_no_error (error);
  g_assert_null (cb_store_get_batch (store, "batch_crashed", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&store);

  store = open_store (path);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM batches"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM recipients"), ==, 0);
}

static void
test_batch_100k (void)
{
  g_autofree char *path = new_db_path ("big.db");
  g_autofree char *csv = cb_test_tmp_path ("big.csv");
  g_autoptr(CbStore) store = open_store (path);
  g_autoptr(GString) data = g_string_new ("phone,first_name,appointment_date\n");
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) reread = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchParams params = default_params ("Hundred thousand");
  static const guint spot[] = { 0, 1, 49999, 99998, 99999 };
  g_autofree char *count_sql = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (data, "+1415%07u,Name %u,2026-05-%02u\n", 2000000 + i, i, 1 + i % 28);
  write_file (csv, data->str, data->len);

  batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, 100000);
  g_assert_cmpuint (cb_batch_get_counters (batch)->pending, ==, 100000);

  count_sql = g_strdup_printf ("SELECT count(*) FROM recipients WHERE batch_id = '%s'",
                               cb_batch_get_id (batch));
  g_assert_cmpint (count_rows (store, count_sql), ==, 100000);

  for (guint s = 0; s < G_N_ELEMENTS (spot); s++)
    {
      g_autoptr(GListModel) page = cb_store_list_recipients (store, cb_batch_get_id (batch),
                                                             spot[s], 1, &error);
      g_autoptr(CbRecipient) r = NULL;
      g_autofree char *phone = g_strdup_printf ("+1415%07u", 2000000 + spot[s]);
      g_autofree char *vars = g_strdup_printf ("{\"first_name\":\"Name %u\","
                                               "\"appointment_date\":\"2026-05-%02u\"}",
                                               spot[s], 1 + spot[s] % 28);

      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (page), ==, 1);
      r = g_list_model_get_item (page, 0);
      g_assert_cmpuint (cb_recipient_get_row (r), ==, spot[s] + 2);
      g_assert_cmpstr (cb_recipient_get_phone (r), ==, phone);
      g_assert_cmpstr (cb_recipient_get_dynamic_vars (r), ==, vars);
    }

  g_clear_object (&store);
  store = open_store (path);
  reread = cb_store_get_batch (store, cb_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_batch_get_counters (reread)->total, ==, 100000);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM recipients"), ==, 100000);
}

/* The same store on PostgreSQL, when CALLBOARD_TEST_PG names a database to use
 * ("PostgreSQL://HOST=127.0.0.1;PORT=5432;DB_NAME=callboard_test;USERNAME=…"). */
static void
test_postgresql (void)
{
  const char *uri = g_getenv ("CALLBOARD_TEST_PG");
  g_autofree char *csv = cb_test_tmp_path ("pg.csv");

  if (uri == NULL || *uri == '\0')
    {
      g_test_skip ("CALLBOARD_TEST_PG is not set");
      return;
    }

  write_file (csv, "phone,name\n+14155550101,\"A \"\"q\"\"\"\n+14155550102,Zoë\n", -1);

  /* Twice: the second open finds the schema and the seed in place. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CbStore) store = cb_store_open (uri, CB_STORE_FLAGS_NONE, &error);
      g_autoptr(CbAgent) agent = NULL;
      g_autoptr(CbBatch) batch = NULL;
      g_autoptr(CbBatch) reread = NULL;
      g_autoptr(GListModel) recipients = NULL;
      g_autofree char *value = NULL;
      CbBatchParams params = default_params ("On PostgreSQL");

      g_assert_no_error (error);
      g_assert_false (cb_store_is_sqlite (store));
      g_assert_null (cb_store_get_path (store));
      g_assert_cmpuint (cb_store_get_schema_version (store), ==,
                        cb_store_get_latest_schema_version ());

      agent = cb_store_get_agent (store, "agent_demo", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (cb_agent_get_default_phone_number_id (agent), ==, "pn_demo");
      g_assert_cmpint (cb_store_datetime_to_ms (cb_agent_get_created_at (agent)), >,
                       G_GINT64_CONSTANT (1600000000000));

      g_assert_true (cb_store_set_setting (store, "pg_round", round ? "two" : "one", &error));
      value = cb_store_get_setting (store, "pg_round");
      g_assert_cmpstr (value, ==, round ? "two" : "one");

      g_assert_true (cb_store_add_suppression (store, "+1 415 555 0199", NULL, &error));
      g_assert_no_error (error);

      batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, 2);

      recipients = cb_store_list_recipients (store, cb_batch_get_id (batch), 0, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (recipients), ==, 2);
      {
        g_autoptr(CbRecipient) a = g_list_model_get_item (recipients, 0);
        g_autoptr(CbRecipient) b = g_list_model_get_item (recipients, 1);

        g_assert_cmpstr (cb_recipient_get_phone (a), ==, "+14155550101");
        g_assert_cmpstr (cb_recipient_get_dynamic_vars (a), ==, "{\"name\":\"A \\\"q\\\"\"}");
        g_assert_cmpstr (cb_recipient_get_dynamic_vars (b), ==, "{\"name\":\"Zoë\"}");
        g_assert_nonnull (cb_recipient_get_updated_at (b));
      }

      g_assert_true (cb_store_set_batch_status (store, cb_batch_get_id (batch),
                                                CB_BATCH_STATUS_CANCELLED, &error));
      g_assert_no_error (error);
      reread = cb_store_get_batch (store, cb_batch_get_id (batch), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cb_batch_get_counters (reread)->cancelled, ==, 2);
    }
}

/* Helper modes for the lock tests, run as child processes of this program. */
static int
run_helper (const char *mode,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbStore) store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);

  if (g_str_equal (mode, "--try-store"))
    {
      fprintf (stdout, "%s\n", store != NULL ? "open" : error->message);
      fflush (stdout);
      /* The answer is all the parent wants: no exit handlers (leak checks) in the child. */
      _exit (store != NULL ? 0 : 3);
    }

  if (store == NULL)
    {
      fprintf (stdout, "%s\n", error->message);
      return 3;
    }

  fprintf (stdout, "open\n");
  fflush (stdout);
  for (;;)
    pause ();
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_has_prefix (argv[1], "--") && g_str_has_suffix (argv[1], "-store"))
    return run_helper (argv[1], argv[2]);

  cb_test_init (&argc, &argv);

  g_test_add_func ("/store/open/fresh", test_open_fresh);
  g_test_add_func ("/store/open/paths", test_open_paths);
  g_test_add_func ("/store/open/default-path", test_open_default_path);
  g_test_add_func ("/store/open/read-only", test_read_only);
  g_test_add_func ("/store/open/refuse-foreign-files", test_refuse_foreign_files);
  g_test_add_func ("/store/migrations/upgrade", test_migrations_upgrade);
  g_test_add_func ("/store/migrations/too-new", test_schema_too_new);
  g_test_add_func ("/store/seed", test_seed);
  g_test_add_func ("/store/reopen", test_reopen_keeps_data);
  g_test_add_func ("/store/lock/same-process", test_lock_same_process);
  g_test_add_func ("/store/lock/other-process", test_lock_other_process);
  g_test_add_func ("/store/settings", test_settings);
  g_test_add_func ("/store/suppressions", test_suppressions);
  g_test_add_func ("/store/new-id", test_new_id);
  g_test_add_func ("/store/batch/from-csv", test_batch_from_csv);
  g_test_add_func ("/store/batch/invalid-rows", test_batch_invalid_rows);
  g_test_add_func ("/store/batch/search", test_batch_search);
  g_test_add_func ("/store/batch/sort", test_batch_sort);
  g_test_add_func ("/store/batch/params", test_batch_params);
  g_test_add_func ("/store/batch/list", test_batch_list);
  g_test_add_func ("/store/batch/transitions", test_batch_transitions);
  g_test_add_func ("/store/batch/leftover-import", test_leftover_import);
  g_test_add_func ("/store/batch/100k", test_batch_100k);
  g_test_add_func ("/store/postgresql", test_postgresql);

  return g_test_run ();
}
