/* cb-store.c — the durable store (libgda: SQLite by default, PostgreSQL by connection string)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-store.h"
#include "cb-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cb-call-event.h"
#include "cb-phone.h"

#define SQLITE_HEADER        "SQLite format 3"  /* + the terminating NUL: 16 bytes */
#define CHUNK_ROWS           1000   /* recipients per transaction */
#define MULTIROW_ROWS        50     /* recipients per multi-row INSERT */
#define STALE_IMPORT_MS      (15 * 60 * 1000)
#define MAX_NAME_CHARS       200
#define PG_MIGRATION_LOCK_ID "727274101"

typedef struct
{
  GdaStatement *statement;
  GdaSet       *params;
} CachedStatement;

struct _CbStore
{
  GObject        parent_instance;

  GRecMutex      mutex;
  char          *uri;
  char          *path;        /* the SQLite file, or NULL */
  GdaConnection *cnc;
  GHashTable    *statements;  /* SQL → CachedStatement */
  int            lock_fd;
  guint          schema_version;
  guint          tx_depth;
  guint          tx_failed : 1;
  guint          tx_durable : 1;
  guint          sqlite : 1;
  guint          read_only : 1;
  guint          bulk_json : 1;
};

G_DEFINE_FINAL_TYPE (CbStore, cb_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cb-store-error-quark, cb_store_error)

const char CB_STORE_BATCH_COLUMNS[] =
  "id, name, agent_id, phone_number_id, status, scheduled_at, timezone, max_retries,"
  " retry_delay_s, concurrency, call_window, default_region, pause_reason, error,"
  " created_at, updated_at, started_at, finished_at, total, pending, dialing, completed,"
  " failed, cancelled, picked_up, sent";

const char CB_STORE_RECIPIENT_COLUMNS[] =
  "id, batch_id, row_number, phone, raw_phone, dynamic_vars, status, attempts, max_retries,"
  " provider_call_id, outcome, disconnection_reason, duration_ms, transcript, analysis, error,"
  " next_attempt_at, started_at, ended_at, updated_at";

static void
cached_statement_free (gpointer data)
{
  CachedStatement *cached = data;

  g_clear_object (&cached->statement);
  g_clear_object (&cached->params);
  g_free (cached);
}

static void
cb_store_dispose (GObject *object)
{
  CbStore *self = (CbStore *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);

  if (self->cnc != NULL)
    {
      if (gda_connection_is_opened (self->cnc))
        gda_connection_close (self->cnc);
      g_clear_object (&self->cnc);
    }

  /* Only once the database is closed: the lock guards it until then. */
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }

  G_OBJECT_CLASS (cb_store_parent_class)->dispose (object);
}

static void
cb_store_finalize (GObject *object)
{
  CbStore *self = (CbStore *)object;

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->path, g_free);
  g_rec_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (cb_store_parent_class)->finalize (object);
}

static void
cb_store_class_init (CbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_store_dispose;
  object_class->finalize = cb_store_finalize;
}

static void
cb_store_init (CbStore *self)
{
  g_rec_mutex_init (&self->mutex);
  self->lock_fd = -1;
  self->bulk_json = TRUE;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            cached_statement_free);
}

/* Ids and times */

static void
random_bytes (guint8 *buf,
              gsize   len)
{
  static GMutex mutex;
  static guint8 pool[4096];
  static gsize available;

  g_mutex_lock (&mutex);
  while (len > 0)
    {
      gsize n;

      if (available == 0)
        {
          gsize filled = 0;

          while (filled < sizeof pool)
            {
              ssize_t r = getrandom (pool + filled, sizeof pool - filled, 0);

              if (r < 0 && errno == EINTR)
                continue;
              if (r <= 0)
                break;
              filled += r;
            }

          /* No kernel random source at all: GLib's generator, seeded from the time. */
          for (; filled < sizeof pool; filled += 4)
            {
              guint32 v = g_random_int ();
              memcpy (pool + filled, &v, MIN (4, sizeof pool - filled));
            }

          available = sizeof pool;
        }

      n = MIN (len, available);
      memcpy (buf, pool + sizeof pool - available, n);
      memset (pool + sizeof pool - available, 0, n);
      available -= n;
      buf += n;
      len -= n;
    }
  g_mutex_unlock (&mutex);
}

/* Writes @prefix "_" and 24 hex characters into @out (at least strlen (prefix) + 26 bytes):
 * 12 for the time in milliseconds, 12 random. Ids made one after the other sort in that
 * order, so a batch's recipients go to the end of the primary-key index instead of all
 * over it (which made inserting them four times slower). */
static void
format_new_id (char       *out,
               const char *prefix)
{
  static const char hex[] = "0123456789abcdef";
  guint64 ms = (guint64)(g_get_real_time () / 1000);
  guint8 bytes[6];
  gsize len = strlen (prefix);

  random_bytes (bytes, sizeof bytes);
  memcpy (out, prefix, len);
  out[len++] = '_';
  for (int shift = 44; shift >= 0; shift -= 4)
    out[len++] = hex[(ms >> shift) & 0xf];
  for (guint i = 0; i < sizeof bytes; i++)
    {
      out[len++] = hex[bytes[i] >> 4];
      out[len++] = hex[bytes[i] & 0xf];
    }
  out[len] = '\0';
}

char *
cb_store_new_id (const char *prefix)
{
  char *id;

  g_return_val_if_fail (prefix != NULL && *prefix != '\0', NULL);

  id = g_malloc (strlen (prefix) + 26);
  format_new_id (id, prefix);
  return id;
}

gint64
cb_store_now_ms (void)
{
  return g_get_real_time () / 1000;
}

GDateTime *
cb_store_datetime_from_ms (gint64 ms)
{
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);

  return g_date_time_add (epoch, ms * G_TIME_SPAN_MILLISECOND);
}

gint64
cb_store_datetime_to_ms (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, 0);

  return g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
}

/* Accessors and locking */

GdaConnection *
cb_store_get_connection (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return self->cnc;
}

gboolean
cb_store_is_sqlite (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  return self->sqlite;
}

const char *
cb_store_get_path (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return self->path;
}

gboolean
cb_store_is_read_only (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  return self->read_only;
}

const char *
cb_store_get_uri (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return self->uri;
}

guint
cb_store_get_schema_version (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), 0);

  return self->schema_version;
}

guint
cb_store_get_latest_schema_version (void)
{
  const CbStoreMigration *steps;
  guint n_steps;

  steps = cb_store_get_migrations (&n_steps);
  return steps[n_steps - 1].version;
}

void
cb_store_set_bulk_insert_json (CbStore  *self,
                               gboolean  use_json)
{
  g_return_if_fail (CB_IS_STORE (self));

  self->bulk_json = !!use_json;
}

gboolean
cb_store_get_bulk_json (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  return self->sqlite && self->bulk_json;
}

void
cb_store_lock (CbStore *self)
{
  g_return_if_fail (CB_IS_STORE (self));

  g_rec_mutex_lock (&self->mutex);
}

void
cb_store_unlock (CbStore *self)
{
  g_return_if_fail (CB_IS_STORE (self));

  g_rec_mutex_unlock (&self->mutex);
}

static void
set_query_error (GError     **error,
                 const GError *cause)
{
  g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
               _("The database could not do it: %s"),
               cause != NULL && cause->message != NULL ? cause->message : _("unknown error"));
}

gboolean
cb_store_begin (CbStore  *self,
                GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);

  /* Holding the lock, a transaction in progress is this thread's own: nest in it. */
  if (self->tx_depth > 0)
    {
      self->tx_depth++;
      return TRUE;
    }

  if (!gda_connection_begin_transaction (self->cnc, NULL, GDA_TRANSACTION_ISOLATION_UNKNOWN,
                                         &local_error))
    {
      set_query_error (error, local_error);
      g_rec_mutex_unlock (&self->mutex);
      return FALSE;
    }

  self->tx_depth = 1;
  self->tx_failed = FALSE;
  return TRUE;
}

/* The connection runs with synchronous = NORMAL: a commit survives the program's death,
 * not the machine's. A durable transaction runs with FULL, which syncs the write-ahead
 * log before COMMIT returns; SQLite refuses the change inside a transaction. */
static gboolean
set_synchronous (CbStore     *self,
                 const char  *sql,
                 GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  /* libgda runs a PRAGMA as a SELECT, whether it answers a row or not. */
  model = cb_store_select (self, error, sql, NULL);

  return model != NULL;
}

static void
end_durable (CbStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->tx_durable)
    return;

  self->tx_durable = FALSE;
  if (!set_synchronous (self, "PRAGMA synchronous = NORMAL", &error))
    g_warning ("Could not set the database back to synchronous = NORMAL: %s", error->message);
}

gboolean
cb_store_begin_durable (CbStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (self->tx_depth == 0 && self->sqlite && !self->read_only)
    {
      if (!set_synchronous (self, "PRAGMA synchronous = FULL", error))
        {
          g_rec_mutex_unlock (&self->mutex);
          return FALSE;
        }
      self->tx_durable = TRUE;
    }

  if (!cb_store_begin (self, error))
    {
      end_durable (self);
      g_rec_mutex_unlock (&self->mutex);
      return FALSE;
    }

  g_rec_mutex_unlock (&self->mutex);
  return TRUE;
}

gboolean
cb_store_commit (CbStore  *self,
                 GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ret = TRUE;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (--self->tx_depth > 0)
    {
      g_rec_mutex_unlock (&self->mutex);
      return TRUE;
    }

  if (self->tx_failed)
    {
      gda_connection_rollback_transaction (self->cnc, NULL, NULL);
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   _("The changes were undone because a part of them failed."));
      ret = FALSE;
    }
  else if (!gda_connection_commit_transaction (self->cnc, NULL, &local_error))
    {
      set_query_error (error, local_error);
      gda_connection_rollback_transaction (self->cnc, NULL, NULL);
      ret = FALSE;
    }

  self->tx_failed = FALSE;
  end_durable (self);
  g_rec_mutex_unlock (&self->mutex);
  return ret;
}

void
cb_store_rollback (CbStore *self)
{
  g_return_if_fail (CB_IS_STORE (self));
  g_return_if_fail (self->tx_depth > 0);

  if (--self->tx_depth > 0)
    self->tx_failed = TRUE;
  else
    {
      gda_connection_rollback_transaction (self->cnc, NULL, NULL);
      self->tx_failed = FALSE;
      end_durable (self);
    }

  g_rec_mutex_unlock (&self->mutex);
}

/* Statements */

GdaStatement *
cb_store_prepare (CbStore     *self,
                  const char  *sql,
                  GdaSet     **params,
                  GError     **error)
{
  CachedStatement *cached;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  cached = g_hash_table_lookup (self->statements, sql);
  if (cached == NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GdaStatement) statement = NULL;
      GdaSet *set = NULL;

      statement = gda_connection_parse_sql_string (self->cnc, sql, &set, &local_error);
      if (statement == NULL)
        {
          g_critical ("Cannot parse “%s”: %s", sql, local_error->message);
          set_query_error (error, local_error);
          return NULL;
        }

      cached = g_new0 (CachedStatement, 1);
      cached->statement = g_steal_pointer (&statement);
      cached->params = set;
      g_hash_table_insert (self->statements, g_strdup (sql), cached);
    }

  if (params != NULL)
    *params = cached->params;

  return cached->statement;
}

static gboolean
holder_take_va (GdaHolder  *holder,
                va_list    *args,
                GError    **error)
{
  GType type = gda_holder_get_g_type (holder);
  GValue *value;

  if (type == G_TYPE_STRING)
    {
      const char *str = va_arg (*args, const char *);

      if (str == NULL)
        return gda_holder_set_value (holder, NULL, error);

      value = gda_value_new (G_TYPE_STRING);
      g_value_set_string (value, str);
    }
  else if (type == G_TYPE_INT)
    {
      value = gda_value_new (G_TYPE_INT);
      g_value_set_int (value, va_arg (*args, int));
    }
  else if (type == G_TYPE_INT64)
    {
      value = gda_value_new (G_TYPE_INT64);
      g_value_set_int64 (value, va_arg (*args, gint64));
    }
  else
    {
      g_critical ("Unsupported parameter type %s for “%s”",
                  g_type_name (type), gda_holder_get_id (holder));
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   "Unsupported parameter type %s", g_type_name (type));
      return FALSE;
    }

  return gda_holder_take_value (holder, value, error);
}

/* Binds the name/value pairs of @args to @set; every holder must be given. */
static gboolean
bind_params (GdaSet      *set,
             const char  *sql,
             va_list     *args,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  guint n_given = 0;
  const char *name;

  while ((name = va_arg (*args, const char *)) != NULL)
    {
      GdaHolder *holder = set != NULL ? gda_set_get_holder (set, name) : NULL;

      if (holder == NULL)
        {
          g_critical ("No parameter “%s” in “%s”", name, sql);
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                       "No parameter “%s” in the statement", name);
          return FALSE;
        }

      if (!holder_take_va (holder, args, &local_error))
        {
          set_query_error (error, local_error);
          return FALSE;
        }

      n_given++;
    }

  if (n_given != (set != NULL ? g_slist_length (set->holders) : 0))
    {
      g_critical ("“%s” needs %u parameters, %u given", sql,
                  set != NULL ? g_slist_length (set->holders) : 0, n_given);
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   "A statement is missing parameters");
      return FALSE;
    }

  return TRUE;
}

int
cb_store_exec_valist (CbStore    *self,
                      GError    **error,
                      const char *sql,
                      va_list     args)
{
  g_autoptr(GError) local_error = NULL;
  GdaStatement *statement;
  GdaSet *set = NULL;
  va_list copy;
  int ret = -1;

  g_return_val_if_fail (CB_IS_STORE (self), -1);
  g_return_val_if_fail (sql != NULL, -1);

  g_rec_mutex_lock (&self->mutex);

  if (!(statement = cb_store_prepare (self, sql, &set, error)))
    goto out;

  va_copy (copy, args);
  if (!bind_params (set, sql, &copy, error))
    {
      va_end (copy);
      goto out;
    }
  va_end (copy);

  /* -2: the database does not say how many rows changed (DDL). */
  ret = gda_connection_statement_execute_non_select (self->cnc, statement, set, NULL,
                                                     &local_error);
  if (ret == -2 && local_error == NULL)
    ret = 0;
  else if (ret < 0)
    {
      set_query_error (error, local_error);
      ret = -1;
    }

out:
  g_rec_mutex_unlock (&self->mutex);
  return ret;
}

int
cb_store_exec (CbStore    *self,
               GError    **error,
               const char *sql,
               ...)
{
  va_list args;
  int ret;

  va_start (args, sql);
  ret = cb_store_exec_valist (self, error, sql, args);
  va_end (args);

  return ret;
}

GdaDataModel *
cb_store_select (CbStore    *self,
                 GError    **error,
                 const char *sql,
                 ...)
{
  g_autoptr(GError) local_error = NULL;
  GdaDataModel *model = NULL;
  GdaStatement *statement;
  GdaSet *set = NULL;
  va_list args;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!(statement = cb_store_prepare (self, sql, &set, error)))
    goto out;

  va_start (args, sql);
  if (!bind_params (set, sql, &args, error))
    {
      va_end (args);
      goto out;
    }
  va_end (args);

  model = gda_connection_statement_execute_select_full (self->cnc, statement, set,
                                                        GDA_STATEMENT_MODEL_RANDOM_ACCESS,
                                                        NULL, &local_error);
  if (model == NULL)
    set_query_error (error, local_error);
  else
    {
      /* Counting fetches every row now, under the lock: the model is then read
       * without touching the connection. */
      gda_data_model_get_n_rows (model);
    }

out:
  g_rec_mutex_unlock (&self->mutex);
  return model;
}

/* Reading models */

const char *
cb_store_model_get_string (GdaDataModel *model,
                           int           col,
                           int           row)
{
  const GValue *value = gda_data_model_get_value_at (model, col, row, NULL);

  if (value == NULL || gda_value_is_null (value) || !G_VALUE_HOLDS_STRING (value))
    return NULL;

  return g_value_get_string (value);
}

gint64
cb_store_model_get_int64 (GdaDataModel *model,
                          int           col,
                          int           row,
                          gint64        if_null)
{
  const GValue *value = gda_data_model_get_value_at (model, col, row, NULL);

  if (value == NULL || gda_value_is_null (value))
    return if_null;
  if (G_VALUE_HOLDS_INT64 (value))
    return g_value_get_int64 (value);
  if (G_VALUE_HOLDS_INT (value))
    return g_value_get_int (value);
  if (G_VALUE_HOLDS_UINT (value))
    return g_value_get_uint (value);
  if (G_VALUE_HOLDS_UINT64 (value))
    return (gint64)g_value_get_uint64 (value);
  if (G_VALUE_HOLDS_LONG (value))
    return g_value_get_long (value);
  if (G_VALUE_HOLDS_DOUBLE (value))
    return (gint64)g_value_get_double (value);
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_value_get_boolean (value);
  if (G_VALUE_HOLDS_STRING (value) && g_value_get_string (value) != NULL)
    return g_ascii_strtoll (g_value_get_string (value), NULL, 10);
  if (value->g_type == GDA_TYPE_SHORT)
    return gda_value_get_short (value);
  if (value->g_type == GDA_TYPE_USHORT)
    return gda_value_get_ushort (value);

  return if_null;
}

GDateTime *
cb_store_model_dup_datetime (GdaDataModel *model,
                             int           col,
                             int           row)
{
  const GValue *value = gda_data_model_get_value_at (model, col, row, NULL);

  if (value == NULL || gda_value_is_null (value))
    return NULL;

  return cb_store_datetime_from_ms (cb_store_model_get_int64 (model, col, row, 0));
}

static int
model_n_rows (GdaDataModel *model)
{
  return model != NULL ? gda_data_model_get_n_rows (model) : 0;
}

/* Opening */

char *
cb_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "callboard", "callboard.db", NULL);
}

static gpointer
init_gda (gpointer data)
{
  gda_init ();
  return NULL;
}

/* 0: not SQLite; 1: SQLite or empty; -1: error (set). */
static int
check_sqlite_header (const char  *path,
                     GError     **error)
{
  char header[16];
  ssize_t n = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"), path, g_strerror (errsv));
      return -1;
    }

  while (n < (ssize_t)sizeof header)
    {
      ssize_t r = read (fd, header + n, sizeof header - n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  close (fd);

  if (n == 0)
    return 1;

  return n == sizeof header && memcmp (header, SQLITE_HEADER, sizeof header) == 0;
}

static int
read_lock_pid (int fd)
{
  /* The holder writes its process id right after taking the lock: wait a little. */
  for (guint tries = 0; tries < 50; tries++)
    {
      char buf[32] = { 0 };
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      gint64 pid;

      if (n > 0 && g_ascii_isdigit (buf[0]) &&
          (pid = g_ascii_strtoll (buf, NULL, 10)) > 0 && pid <= G_MAXINT)
        return (int)pid;

      g_usleep (2000);
    }

  return 0;
}

static gboolean
take_lock (CbStore  *self,
           GError  **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);
  char buf[32];
  int fd;
  int len;

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                   _("Could not create the lock file “%s”: %s"), lock_path, g_strerror (errsv));
      return FALSE;
    }

  /* flock() locks belong to the open file: a second open in this process conflicts too,
   * and the kernel drops the lock when the process dies, however it dies. */
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;

      if (errsv == EWOULDBLOCK)
        {
          int pid = read_lock_pid (fd);

          if (pid > 0)
            g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_LOCKED,
                         _("Another Callboard engine is already using “%s” (process %d)."),
                         self->path, pid);
          else
            g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_LOCKED,
                         _("Another Callboard engine is already using “%s”."), self->path);
        }
      else
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                     _("Could not lock “%s”: %s"), lock_path, g_strerror (errsv));

      close (fd);
      return FALSE;
    }

  len = g_snprintf (buf, sizeof buf, "%d\n", (int)getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, buf, len, 0) != len)
    g_debug ("Could not write the process id into %s: %s", lock_path, g_strerror (errno));

  self->lock_fd = fd;
  return TRUE;
}

/* "SQLite://DB_DIR=…;DB_NAME=…" → the file it names. */
static char *
sqlite_path_from_cnc_string (const char *params)
{
  GdaQuarkList *list = gda_quark_list_new_from_string (params);
  const char *dir = gda_quark_list_find (list, "DB_DIR");
  const char *name = gda_quark_list_find (list, "DB_NAME");
  const char *append = gda_quark_list_find (list, "APPEND_DB_EXTENSION");
  char *path = NULL;

  if (name != NULL && *name != '\0')
    {
      g_autofree char *file = NULL;

      if (append == NULL || (*append != 'f' && *append != 'F'))
        file = g_strconcat (name, ".db", NULL);
      else
        file = g_strdup (name);

      path = g_build_filename (dir != NULL && *dir != '\0' ? dir : ".", file, NULL);
    }

  gda_quark_list_free (list);
  return path;
}

static gboolean
exec_simple (CbStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (gda_connection_execute_non_select_command (self->cnc, sql, &local_error) == -1 ||
      local_error != NULL)
    {
      set_query_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/* A PRAGMA may or may not answer with a row, which libgda treats differently. */
static gboolean
pragma (CbStore     *self,
        const char  *sql,
        GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  model = gda_connection_execute_select_command (self->cnc, sql, NULL);
  if (model != NULL)
    return TRUE;

  return exec_simple (self, sql, error);
}

static GdaDataModel *
select_simple (CbStore     *self,
               const char  *sql,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GdaDataModel *model;

  model = gda_connection_execute_select_command (self->cnc, sql, &local_error);
  if (model == NULL)
    set_query_error (error, local_error);

  return model;
}

static gboolean
open_connection (CbStore       *self,
                 const char    *cnc_string,
                 gboolean       existed,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GdaConnectionOptions options = GDA_CONNECTION_OPTIONS_NONE;

  if (self->read_only)
    options |= GDA_CONNECTION_OPTIONS_READ_ONLY;

  if (self->sqlite)
    self->cnc = gda_connection_open_from_string ("SQLite", cnc_string, NULL, options,
                                                 &local_error);
  else
    self->cnc = gda_connection_open_from_string (NULL, cnc_string, NULL, options,
                                                 &local_error);

  if (self->cnc == NULL)
    {
      if (self->sqlite && existed)
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE,
                     _("“%s” is damaged and cannot be read as a database (%s). "
                       "It was left as it is."),
                     self->path, local_error != NULL ? local_error->message : "");
      else
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                     _("Could not open the database “%s”: %s"),
                     self->path != NULL ? self->path : self->uri,
                     local_error != NULL ? local_error->message : _("unknown error"));
      return FALSE;
    }

  return TRUE;
}

/* Checks that SQLite can read the file and that it is ours; returns the number of
 * tables, or -1. */
static int
check_sqlite_contents (CbStore   *self,
                       gboolean  *has_migrations,
                       GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdaDataModel) model = NULL;
  int n_tables;

  model = gda_connection_execute_select_command (
      self->cnc,
      "SELECT count(*), sum(CASE WHEN name = 'schema_migrations' THEN 1 ELSE 0 END)"
      " FROM sqlite_master WHERE type = 'table'",
      &local_error);

  if (model == NULL || model_n_rows (model) != 1)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is damaged and cannot be read as a database (%s). "
                     "It was left as it is."),
                   self->path,
                   local_error != NULL ? local_error->message : _("no table list"));
      return -1;
    }

  n_tables = (int)cb_store_model_get_int64 (model, 0, 0, 0);
  *has_migrations = cb_store_model_get_int64 (model, 1, 0, 0) > 0;

  if (n_tables > 0 && !*has_migrations)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is a database of another program, not a Callboard database. "
                     "It was left as it is."),
                   self->path);
      return -1;
    }

  return n_tables;
}

static gboolean
read_schema_version (CbStore  *self,
                     guint    *version,
                     GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  model = select_simple (self, "SELECT max(version) FROM schema_migrations", error);
  if (model == NULL)
    return FALSE;

  *version = model_n_rows (model) > 0 ? (guint)cb_store_model_get_int64 (model, 0, 0, 0) : 0;
  return TRUE;
}

static gboolean
has_migrations_table_other (CbStore   *self,
                            gboolean  *has_table,
                            GError   **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  model = select_simple (self,
                         "SELECT count(*) FROM information_schema.tables"
                         " WHERE table_name = 'schema_migrations'"
                         " AND table_schema = current_schema()",
                         error);
  if (model == NULL)
    return FALSE;

  *has_table = cb_store_model_get_int64 (model, 0, 0, 0) > 0;
  return TRUE;
}

static gboolean
exec_list (CbStore            *self,
           const char * const *sql,
           GError            **error)
{
  for (guint i = 0; sql != NULL && sql[i] != NULL; i++)
    {
      if (!exec_simple (self, sql[i], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (CbStore  *self,
         guint     max_version,
         GError  **error)
{
  const CbStoreMigration *steps;
  guint n_steps;

  steps = cb_store_get_migrations (&n_steps);

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(GError) local_error = NULL;
      const CbStoreMigration *step = &steps[i];

      if (step->version <= self->schema_version || step->version > max_version)
        continue;

      if (!cb_store_begin (self, &local_error))
        goto failed;

      if (!self->sqlite)
        {
          g_autoptr(GdaDataModel) model = NULL;
          gboolean has_table = FALSE;
          guint version = 0;

          /* Several engines may start at once on one PostgreSQL database. */
          model = select_simple (self, "SELECT pg_advisory_xact_lock (" PG_MIGRATION_LOCK_ID ")",
                                 &local_error);
          if (model == NULL ||
              !has_migrations_table_other (self, &has_table, &local_error) ||
              (has_table && !read_schema_version (self, &version, &local_error)))
            {
              cb_store_rollback (self);
              goto failed;
            }

          if (version >= step->version)
            {
              cb_store_rollback (self);
              self->schema_version = version;
              continue;
            }
        }

      if (!exec_list (self, self->sqlite ? step->sqlite_sql : step->other_sql, &local_error) ||
          !exec_list (self, step->sql, &local_error) ||
          (step->apply != NULL && !step->apply (self, &local_error)) ||
          cb_store_exec (self, &local_error,
                         "INSERT INTO schema_migrations (version, applied_at)"
                         " VALUES (##version::gint, ##now::gint64)",
                         "version", (int)step->version,
                         "now", cb_store_now_ms (),
                         NULL) < 0)
        {
          cb_store_rollback (self);
          goto failed;
        }

      if (!cb_store_commit (self, &local_error))
        goto failed;

      self->schema_version = step->version;
      continue;

    failed:
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                   _("Could not upgrade the database “%s” to version %u: %s"),
                   self->path != NULL ? self->path : self->uri, step->version,
                   local_error != NULL ? local_error->message : _("unknown error"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
delete_unfinished_imports (CbStore  *self,
                           GError  **error)
{
  /* An import interrupted by a crash left a hidden batch behind. With SQLite this engine
   * is the only one; on a shared database only the stale ones are someone's leftovers. */
  if (self->sqlite)
    return cb_store_exec (self, error,
                          "DELETE FROM batches WHERE status = 'importing'",
                          NULL) >= 0;

  return cb_store_exec (self, error,
                        "DELETE FROM batches WHERE status = 'importing'"
                        " AND updated_at < ##before::gint64",
                        "before", cb_store_now_ms () - STALE_IMPORT_MS,
                        NULL) >= 0;
}

CbStore *
cb_store_open_at_version (const char    *uri,
                          CbStoreFlags   flags,
                          guint          max_version,
                          GError       **error)
{
  static GOnce gda_once = G_ONCE_INIT;
  g_autoptr(CbStore) self = NULL;
  g_autofree char *cnc_string = NULL;
  g_autofree char *resolved = NULL;
  gboolean existed = FALSE;
  const char *sep;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_once (&gda_once, init_gda, NULL);

  self = g_object_new (CB_TYPE_STORE, NULL);
  self->read_only = (flags & CB_STORE_FLAGS_READ_ONLY) != 0;

  if (uri == NULL || *uri == '\0')
    uri = g_getenv ("CALLBOARD_DB");
  if (uri == NULL || *uri == '\0')
    {
      resolved = cb_store_default_path ();
      uri = resolved;
    }

  self->uri = g_strdup (uri);

  if ((sep = strstr (uri, "://")) != NULL)
    {
      g_autofree char *provider = g_strndup (uri, sep - uri);

      if (g_ascii_strcasecmp (provider, "SQLite") == 0)
        {
          self->path = sqlite_path_from_cnc_string (sep + 3);
          if (self->path == NULL)
            {
              g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                           _("The connection string “%s” names no database file (DB_NAME)."),
                           uri);
              return NULL;
            }
        }
      else
        cnc_string = g_strdup (uri);
    }
  else
    self->path = g_strdup (uri);

  self->sqlite = self->path != NULL;

  if (self->sqlite)
    {
      g_autofree char *absolute = g_canonicalize_filename (self->path, NULL);
      g_autofree char *real = realpath (absolute, NULL);
      g_autofree char *enc_dir = NULL;
      g_autofree char *enc_name = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *name = NULL;

      g_free (self->path);
      self->path = real != NULL ? g_steal_pointer (&real) : g_steal_pointer (&absolute);

      existed = g_file_test (self->path, G_FILE_TEST_EXISTS);

      if (existed && g_file_test (self->path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                       _("“%s” is a folder, not a database file."), self->path);
          return NULL;
        }

      if (existed)
        {
          int is_sqlite = check_sqlite_header (self->path, error);

          if (is_sqlite < 0)
            return NULL;

          if (is_sqlite == 0)
            {
              g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_A_DATABASE,
                           _("“%s” is not a Callboard database (it is not an SQLite file). "
                             "It was left as it is."),
                           self->path);
              return NULL;
            }
        }
      else if (self->read_only)
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                       _("There is no database at “%s”."), self->path);
          return NULL;
        }

      dir = g_path_get_dirname (self->path);
      name = g_path_get_basename (self->path);

      if (!self->read_only && g_mkdir_with_parents (dir, 0700) != 0)
        {
          int errsv = errno;

          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                       _("Could not create the folder “%s”: %s"), dir, g_strerror (errsv));
          return NULL;
        }

      if (!self->read_only && !take_lock (self, error))
        return NULL;

      enc_dir = gda_rfc1738_encode (dir);
      enc_name = gda_rfc1738_encode (name);
      cnc_string = g_strdup_printf ("DB_DIR=%s;DB_NAME=%s;APPEND_DB_EXTENSION=FALSE",
                                    enc_dir, enc_name);
    }

  if (!open_connection (self, cnc_string, existed, error))
    return NULL;

  if (self->sqlite)
    {
      gboolean has_migrations = FALSE;
      int n_tables;

      if ((n_tables = check_sqlite_contents (self, &has_migrations, error)) < 0)
        return NULL;

      if (!pragma (self, "PRAGMA busy_timeout = 5000", error) ||
          !pragma (self, "PRAGMA foreign_keys = ON", error))
        return NULL;

      if (self->read_only)
        {
          if (!pragma (self, "PRAGMA query_only = ON", error))
            return NULL;
        }
      else if (!pragma (self, "PRAGMA journal_mode = WAL", error) ||
               !pragma (self, "PRAGMA synchronous = NORMAL", error))
        return NULL;

      if (has_migrations && !read_schema_version (self, &self->schema_version, error))
        return NULL;
    }
  else
    {
      gboolean has_table = FALSE;

      if (!has_migrations_table_other (self, &has_table, error) ||
          (has_table && !read_schema_version (self, &self->schema_version, error)))
        return NULL;
    }

  if (self->schema_version > cb_store_get_latest_schema_version ())
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_SCHEMA_TOO_NEW,
                   _("The database “%s” was written by a newer version of Callboard "
                     "(schema %u; this version knows up to %u). Update Callboard to use it."),
                   self->path != NULL ? self->path : self->uri,
                   self->schema_version, cb_store_get_latest_schema_version ());
      return NULL;
    }

  if (self->read_only)
    {
      if (self->schema_version == 0)
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_OPEN,
                       _("“%s” holds no Callboard data yet."),
                       self->path != NULL ? self->path : self->uri);
          return NULL;
        }

      return g_steal_pointer (&self);
    }

  if (!migrate (self, max_version, error) || !delete_unfinished_imports (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

CbStore *
cb_store_open (const char    *uri,
               CbStoreFlags   flags,
               GError       **error)
{
  return cb_store_open_at_version (uri, flags, G_MAXUINT, error);
}

/* Settings */

char *
cb_store_get_setting (CbStore    *self,
                      const char *key)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  model = cb_store_select (self, &error,
                           "SELECT value FROM settings WHERE key = ##key::string",
                           "key", key,
                           NULL);
  if (model == NULL)
    {
      g_warning ("Could not read the setting %s: %s", key, error->message);
      return NULL;
    }

  if (model_n_rows (model) == 0)
    return NULL;

  return g_strdup (cb_store_model_get_string (model, 0, 0));
}

gboolean
cb_store_set_setting (CbStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  int changed;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (*key == '\0' || !g_utf8_validate (key, -1, NULL) ||
      (value != NULL && !g_utf8_validate (value, -1, NULL)))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("A setting needs a name and text in UTF-8."));
      return FALSE;
    }

  if (value == NULL)
    return cb_store_exec (self, error,
                          "DELETE FROM settings WHERE key = ##key::string",
                          "key", key,
                          NULL) >= 0;

  if (!cb_store_begin (self, error))
    return FALSE;

  changed = cb_store_exec (self, error,
                           "UPDATE settings SET value = ##value::string WHERE key = ##key::string",
                           "value", value,
                           "key", key,
                           NULL);
  if (changed == 0)
    changed = cb_store_exec (self, error,
                             "INSERT INTO settings (key, value) VALUES (##key::string, ##value::string)",
                             "key", key,
                             "value", value,
                             NULL);
  if (changed < 0)
    {
      cb_store_rollback (self);
      return FALSE;
    }

  return cb_store_commit (self, error);
}

static guint
get_setting_uint (CbStore *self,
                  const char *key,
                  guint       fallback)
{
  g_autofree char *text = cb_store_get_setting (self, key);
  guint64 value;

  if (text == NULL ||
      !g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT, &value, NULL))
    return fallback;

  return (guint)value;
}

char **
cb_store_dup_allowed_countries (CbStore *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  text = cb_store_get_setting (self, "allowed_countries");
  if (text != NULL)
    {
      g_strdelimit (text, ";\t\n\r", ' ');
      g_strdelimit (text, ",", ' ');
      parts = g_strsplit (text, " ", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          if (parts[i][0] != '\0')
            {
              g_autofree char *code = g_ascii_strup (parts[i], -1);
              g_strv_builder_add (builder, code);
            }
        }
    }

  return g_strv_builder_end (builder);
}

/* The region used for numbers written without "+": the setting, else the locale's. */
static char *
dup_default_region (CbStore *self)
{
  g_autofree char *region = cb_store_get_setting (self, "default_region");

  if (region != NULL && *g_strstrip (region) != '\0')
    return g_ascii_strup (region, -1);

  return cb_phone_default_region_from_locale ();
}

/* Record objects */

static CbProviderAccount *
provider_account_from_model (GdaDataModel *model,
                             int           row)
{
  g_autoptr(GDateTime) created_at = cb_store_model_dup_datetime (model, 4, row);

  return g_object_new (CB_TYPE_PROVIDER_ACCOUNT,
                       "id", cb_store_model_get_string (model, 0, row),
                       "kind", cb_store_model_get_string (model, 1, row),
                       "name", cb_store_model_get_string (model, 2, row),
                       "base-url", cb_store_model_get_string (model, 3, row),
                       "created-at", created_at,
                       NULL);
}

static CbAgent *
agent_from_model (GdaDataModel *model,
                  int           row)
{
  g_autoptr(GDateTime) created_at = cb_store_model_dup_datetime (model, 6, row);

  return g_object_new (CB_TYPE_AGENT,
                       "id", cb_store_model_get_string (model, 0, row),
                       "name", cb_store_model_get_string (model, 1, row),
                       "provider-account-id", cb_store_model_get_string (model, 2, row),
                       "provider-agent-id", cb_store_model_get_string (model, 3, row),
                       "default-phone-number-id", cb_store_model_get_string (model, 4, row),
                       "webhook-url", cb_store_model_get_string (model, 5, row),
                       "created-at", created_at,
                       NULL);
}

static CbPhoneNumber *
phone_number_from_model (GdaDataModel *model,
                         int           row)
{
  g_autoptr(GDateTime) created_at = cb_store_model_dup_datetime (model, 5, row);

  return g_object_new (CB_TYPE_PHONE_NUMBER,
                       "id", cb_store_model_get_string (model, 0, row),
                       "number", cb_store_model_get_string (model, 1, row),
                       "label", cb_store_model_get_string (model, 2, row),
                       "provider-account-id", cb_store_model_get_string (model, 3, row),
                       "provider-number-id", cb_store_model_get_string (model, 4, row),
                       "created-at", created_at,
                       NULL);
}

static CbSuppression *
suppression_from_model (GdaDataModel *model,
                        int           row)
{
  g_autoptr(GDateTime) created_at = cb_store_model_dup_datetime (model, 2, row);

  return g_object_new (CB_TYPE_SUPPRESSION,
                       "number", cb_store_model_get_string (model, 0, row),
                       "note", cb_store_model_get_string (model, 1, row),
                       "created-at", created_at,
                       NULL);
}

CbBatch *
cb_store_batch_from_model (GdaDataModel *model,
                           int           row)
{
  g_autoptr(GDateTime) scheduled_at = cb_store_model_dup_datetime (model, 5, row);
  g_autoptr(GDateTime) created_at = cb_store_model_dup_datetime (model, 14, row);
  g_autoptr(GDateTime) updated_at = cb_store_model_dup_datetime (model, 15, row);
  g_autoptr(GDateTime) started_at = cb_store_model_dup_datetime (model, 16, row);
  g_autoptr(GDateTime) finished_at = cb_store_model_dup_datetime (model, 17, row);
  CbBatchStatus status = CB_BATCH_STATUS_DRAFT;
  CbBatchCounters counters;
  CbBatch *batch;

  if (!cb_batch_status_from_string (cb_store_model_get_string (model, 4, row), &status))
    return NULL;

  batch = g_object_new (CB_TYPE_BATCH,
                        "id", cb_store_model_get_string (model, 0, row),
                        "name", cb_store_model_get_string (model, 1, row),
                        "agent-id", cb_store_model_get_string (model, 2, row),
                        "phone-number-id", cb_store_model_get_string (model, 3, row),
                        "status", (int)status,
                        "scheduled-at", scheduled_at,
                        "timezone", cb_store_model_get_string (model, 6, row),
                        "max-retries", (guint)cb_store_model_get_int64 (model, 7, row, 0),
                        "retry-delay-s", (guint)cb_store_model_get_int64 (model, 8, row, 0),
                        "concurrency", (guint)cb_store_model_get_int64 (model, 9, row, 0),
                        "call-window", cb_store_model_get_string (model, 10, row),
                        "default-region", cb_store_model_get_string (model, 11, row),
                        "pause-reason", cb_store_model_get_string (model, 12, row),
                        "error", cb_store_model_get_string (model, 13, row),
                        "created-at", created_at,
                        "updated-at", updated_at,
                        "started-at", started_at,
                        "finished-at", finished_at,
                        NULL);

  counters.total = cb_store_model_get_int64 (model, 18, row, 0);
  counters.pending = cb_store_model_get_int64 (model, 19, row, 0);
  counters.dialing = cb_store_model_get_int64 (model, 20, row, 0);
  counters.completed = cb_store_model_get_int64 (model, 21, row, 0);
  counters.failed = cb_store_model_get_int64 (model, 22, row, 0);
  counters.cancelled = cb_store_model_get_int64 (model, 23, row, 0);
  counters.picked_up = cb_store_model_get_int64 (model, 24, row, 0);
  counters.sent = cb_store_model_get_int64 (model, 25, row, 0);
  cb_batch_set_counters (batch, &counters);

  return batch;
}

CbRecipient *
cb_store_recipient_from_model (GdaDataModel *model,
                               int           row)
{
  g_autoptr(GDateTime) next_attempt_at = cb_store_model_dup_datetime (model, 16, row);
  g_autoptr(GDateTime) started_at = cb_store_model_dup_datetime (model, 17, row);
  g_autoptr(GDateTime) ended_at = cb_store_model_dup_datetime (model, 18, row);
  g_autoptr(GDateTime) updated_at = cb_store_model_dup_datetime (model, 19, row);
  CbRecipientStatus status = CB_RECIPIENT_STATUS_PENDING;

  if (!cb_recipient_status_from_string (cb_store_model_get_string (model, 6, row), &status))
    return NULL;

  return g_object_new (CB_TYPE_RECIPIENT,
                       "id", cb_store_model_get_string (model, 0, row),
                       "batch-id", cb_store_model_get_string (model, 1, row),
                       "row", (guint)cb_store_model_get_int64 (model, 2, row, 0),
                       "phone", cb_store_model_get_string (model, 3, row),
                       "raw-phone", cb_store_model_get_string (model, 4, row),
                       "dynamic-vars", cb_store_model_get_string (model, 5, row),
                       "status", (int)status,
                       "attempts", (guint)cb_store_model_get_int64 (model, 7, row, 0),
                       "max-retries", (int)cb_store_model_get_int64 (model, 8, row, -1),
                       "provider-call-id", cb_store_model_get_string (model, 9, row),
                       "outcome", cb_store_model_get_string (model, 10, row),
                       "disconnection-reason", cb_store_model_get_string (model, 11, row),
                       "duration-ms", MAX (0, cb_store_model_get_int64 (model, 12, row, 0)),
                       "transcript", cb_store_model_get_string (model, 13, row),
                       "analysis", cb_store_model_get_string (model, 14, row),
                       "error", cb_store_model_get_string (model, 15, row),
                       "next-attempt-at", next_attempt_at,
                       "started-at", started_at,
                       "ended-at", ended_at,
                       "updated-at", updated_at,
                       NULL);
}

typedef gpointer (*RowFunc) (GdaDataModel *model,
                             int           row);

static GListModel *
list_from_model (GdaDataModel *model,
                 GType         type,
                 RowFunc       func)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GListStore *store = g_list_store_new (type);
  int n_rows = model_n_rows (model);

  for (int row = 0; row < n_rows; row++)
    {
      gpointer item = func (model, row);

      if (item != NULL)
        g_ptr_array_add (items, item);
    }

  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return G_LIST_MODEL (store);
}

/* Lists */

GListModel *
cb_store_list_provider_accounts (CbStore  *self,
                                 GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  model = cb_store_select (self, error,
                           "SELECT id, kind, name, base_url, created_at FROM provider_accounts"
                           " ORDER BY created_at, id",
                           NULL);
  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_PROVIDER_ACCOUNT, (RowFunc)provider_account_from_model);
}

#define AGENT_SELECT \
  "SELECT id, name, provider_account_id, provider_agent_id, default_phone_number_id," \
  " webhook_url, created_at FROM agents"

GListModel *
cb_store_list_agents (CbStore  *self,
                      GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  model = cb_store_select (self, error, AGENT_SELECT " ORDER BY created_at, id", NULL);
  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_AGENT, (RowFunc)agent_from_model);
}

#define PHONE_NUMBER_SELECT \
  "SELECT id, number, label, provider_account_id, provider_number_id, created_at" \
  " FROM phone_numbers"

GListModel *
cb_store_list_phone_numbers (CbStore  *self,
                             GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  model = cb_store_select (self, error, PHONE_NUMBER_SELECT " ORDER BY created_at, id", NULL);
  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_PHONE_NUMBER, (RowFunc)phone_number_from_model);
}

GListModel *
cb_store_list_batches (CbStore             *self,
                       const CbBatchStatus *status,
                       guint                limit,
                       GError             **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  int max = limit == 0 || limit > G_MAXINT ? G_MAXINT : (int)limit;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  if (status != NULL)
    {
      sql = g_strdup_printf ("SELECT %s FROM batches WHERE status = ##status::string"
                             " ORDER BY created_at DESC, id DESC LIMIT ##limit::gint",
                             CB_STORE_BATCH_COLUMNS);
      model = cb_store_select (self, error, sql,
                               "status", cb_batch_status_to_string (*status),
                               "limit", max,
                               NULL);
    }
  else
    {
      sql = g_strdup_printf ("SELECT %s FROM batches WHERE status <> 'importing'"
                             " ORDER BY created_at DESC, id DESC LIMIT ##limit::gint",
                             CB_STORE_BATCH_COLUMNS);
      model = cb_store_select (self, error, sql, "limit", max, NULL);
    }

  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_BATCH, (RowFunc)cb_store_batch_from_model);
}

GListModel *
cb_store_list_recipients (CbStore     *self,
                          const char  *batch_id,
                          guint        offset,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  sql = g_strdup_printf ("SELECT %s FROM recipients WHERE batch_id = ##batch::string"
                         " ORDER BY row_number LIMIT ##limit::gint OFFSET ##offset::gint",
                         CB_STORE_RECIPIENT_COLUMNS);
  model = cb_store_select (self, error, sql,
                           "batch", batch_id,
                           "limit", limit == 0 || limit > G_MAXINT ? G_MAXINT : (int)limit,
                           "offset", offset > G_MAXINT ? G_MAXINT : (int)offset,
                           NULL);
  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_RECIPIENT, (RowFunc)cb_store_recipient_from_model);
}

/* Single records */

CbAgent *
cb_store_get_agent (CbStore     *self,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  model = cb_store_select (self, error, AGENT_SELECT " WHERE id = ##id::string",
                           "id", id,
                           NULL);
  if (model == NULL)
    return NULL;

  if (model_n_rows (model) == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown agent “%s”"), id);
      return NULL;
    }

  return agent_from_model (model, 0);
}

CbPhoneNumber *
cb_store_get_phone_number (CbStore     *self,
                           const char  *id,
                           GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  model = cb_store_select (self, error, PHONE_NUMBER_SELECT " WHERE id = ##id::string",
                           "id", id,
                           NULL);
  if (model == NULL)
    return NULL;

  if (model_n_rows (model) == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown phone number “%s”"), id);
      return NULL;
    }

  return phone_number_from_model (model, 0);
}

CbBatch *
cb_store_get_batch (CbStore     *self,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  CbBatch *batch;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sql = g_strdup_printf ("SELECT %s FROM batches WHERE id = ##id::string"
                         " AND status <> 'importing'",
                         CB_STORE_BATCH_COLUMNS);
  model = cb_store_select (self, error, sql, "id", id, NULL);
  if (model == NULL)
    return NULL;

  if (model_n_rows (model) == 0 || (batch = cb_store_batch_from_model (model, 0)) == NULL)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown batch “%s”"), id);
      return NULL;
    }

  return batch;
}

CbRecipient *
cb_store_get_recipient (CbStore     *self,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  CbRecipient *recipient;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sql = g_strdup_printf ("SELECT %s FROM recipients WHERE id = ##id::string",
                         CB_STORE_RECIPIENT_COLUMNS);
  model = cb_store_select (self, error, sql, "id", id, NULL);
  if (model == NULL)
    return NULL;

  if (model_n_rows (model) == 0 ||
      (recipient = cb_store_recipient_from_model (model, 0)) == NULL)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown recipient “%s”"), id);
      return NULL;
    }

  return recipient;
}

gboolean
cb_store_get_batch_counters (CbStore          *self,
                             const char       *batch_id,
                             CbBatchCounters  *counters,
                             GError          **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);
  g_return_val_if_fail (counters != NULL, FALSE);

  model = cb_store_select (self, error,
                           "SELECT total, pending, dialing, completed, failed, cancelled,"
                           " picked_up, sent FROM batches WHERE id = ##id::string",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    return FALSE;

  if (model_n_rows (model) == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown batch “%s”"), batch_id);
      return FALSE;
    }

  counters->total = cb_store_model_get_int64 (model, 0, 0, 0);
  counters->pending = cb_store_model_get_int64 (model, 1, 0, 0);
  counters->dialing = cb_store_model_get_int64 (model, 2, 0, 0);
  counters->completed = cb_store_model_get_int64 (model, 3, 0, 0);
  counters->failed = cb_store_model_get_int64 (model, 4, 0, 0);
  counters->cancelled = cb_store_model_get_int64 (model, 5, 0, 0);
  counters->picked_up = cb_store_model_get_int64 (model, 6, 0, 0);
  counters->sent = cb_store_model_get_int64 (model, 7, 0, 0);
  return TRUE;
}

/* Do-not-call list */

static gboolean
normalize_number (CbStore     *self,
                  const char  *number,
                  char       **e164,
                  GError     **error)
{
  g_autofree char *region = dup_default_region (self);
  CbParsedPhone parsed;

  if (number == NULL || !g_utf8_validate (number, -1, NULL))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("A phone number is needed."));
      return FALSE;
    }

  switch (cb_phone_parse (number, region, &parsed))
    {
    case CB_PHONE_OK:
      *e164 = g_strdup (parsed.e164);
      return TRUE;

    case CB_PHONE_EMPTY:
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("A phone number is needed."));
      return FALSE;

    case CB_PHONE_UNPARSABLE:
    case CB_PHONE_INVALID:
    default:
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("“%s” is not a valid phone number"), number);
      return FALSE;
    }
}

gboolean
cb_store_add_suppression (CbStore     *self,
                          const char  *number,
                          const char  *note,
                          GError     **error)
{
  g_autofree char *e164 = NULL;
  g_autofree char *clean_note = NULL;
  int changed;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  if (!normalize_number (self, number, &e164, error))
    return FALSE;

  if (note != NULL)
    {
      if (!g_utf8_validate (note, -1, NULL))
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                       _("The note is not valid UTF-8 text."));
          return FALSE;
        }

      clean_note = g_strstrip (g_strdup (note));
      if (*clean_note == '\0')
        g_clear_pointer (&clean_note, g_free);
    }

  if (!cb_store_begin (self, error))
    return FALSE;

  /* Already listed: keep it, with the new note when one is given. */
  if (clean_note != NULL)
    changed = cb_store_exec (self, error,
                             "UPDATE suppressions SET note = ##note::string"
                             " WHERE number = ##number::string",
                             "note", clean_note,
                             "number", e164,
                             NULL);
  else
    {
      g_autoptr(GdaDataModel) model = NULL;

      model = cb_store_select (self, error,
                               "SELECT number FROM suppressions WHERE number = ##number::string",
                               "number", e164,
                               NULL);
      changed = model != NULL ? model_n_rows (model) : -1;
    }

  if (changed == 0)
    changed = cb_store_exec (self, error,
                             "INSERT INTO suppressions (number, note, created_at)"
                             " VALUES (##number::string, ##note::string::null, ##now::gint64)",
                             "number", e164,
                             "note", clean_note,
                             "now", cb_store_now_ms (),
                             NULL);

  if (changed < 0)
    {
      cb_store_rollback (self);
      return FALSE;
    }

  return cb_store_commit (self, error);
}

gboolean
cb_store_remove_suppression (CbStore     *self,
                             const char  *number,
                             GError     **error)
{
  g_autofree char *e164 = NULL;
  int changed;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);

  if (!normalize_number (self, number, &e164, error))
    return FALSE;

  changed = cb_store_exec (self, error,
                           "DELETE FROM suppressions WHERE number = ##number::string",
                           "number", e164,
                           NULL);
  if (changed < 0)
    return FALSE;

  if (changed == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("%s is not on the do-not-call list"), e164);
      return FALSE;
    }

  return TRUE;
}

GListModel *
cb_store_list_suppressions (CbStore  *self,
                            GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  model = cb_store_select (self, error,
                           "SELECT number, note, created_at FROM suppressions ORDER BY number",
                           NULL);
  if (model == NULL)
    return NULL;

  return list_from_model (model, CB_TYPE_SUPPRESSION, (RowFunc)suppression_from_model);
}

GHashTable *
cb_store_dup_suppression_set (CbStore  *self,
                              GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  GHashTable *set;
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  model = cb_store_select (self, error, "SELECT number FROM suppressions", NULL);
  if (model == NULL)
    return NULL;

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n_rows = model_n_rows (model);
  for (int row = 0; row < n_rows; row++)
    {
      const char *number = cb_store_model_get_string (model, 0, row);

      if (number != NULL)
        g_hash_table_add (set, g_strdup (number));
    }

  return set;
}

/* Batches */

typedef struct
{
  char *name;
  char *agent_id;
  char *phone_number_id;
  char *timezone;
  guint max_retries;
  guint retry_delay_s;
  guint concurrency;
  char *call_window;
  char *default_region;
} ResolvedParams;

static void
resolved_params_clear (ResolvedParams *resolved)
{
  g_clear_pointer (&resolved->name, g_free);
  g_clear_pointer (&resolved->agent_id, g_free);
  g_clear_pointer (&resolved->phone_number_id, g_free);
  g_clear_pointer (&resolved->timezone, g_free);
  g_clear_pointer (&resolved->call_window, g_free);
  g_clear_pointer (&resolved->default_region, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ResolvedParams, resolved_params_clear)

static gboolean
resolve_number (const char  *what,
                int          value,
                guint        fallback,
                guint        min,
                guint        max,
                guint       *out,
                GError     **error)
{
  if (value < 0 || (value == 0 && min > 0))
    {
      *out = CLAMP (fallback, min, max);
      return TRUE;
    }

  if ((guint)value < min || (guint)value > max)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("%s must be between %u and %u (not %d)."), what, min, max, value);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

static gboolean
is_day_name (const char *day)
{
  static const char * const days[] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      if (g_ascii_strcasecmp (day, days[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_time_zone (const char *identifier)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (identifier == NULL || *identifier == '\0')
    return FALSE;

  tz = g_time_zone_new_identifier (identifier);
  return tz != NULL;
}

/* SPEC §5 call_window: {"windows":[{"start":540,"end":1200}], "days":[…], "timezone":…}.
 * Returns the compact JSON text to keep. */
static char *
validate_call_window (const char  *text,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *root;

  if (!cb_json_parser_load (parser, text, -1, &local_error))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("The calling window is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("The calling window must be a JSON object."));
      return NULL;
    }

  object = json_node_get_object (root);

  if (json_object_has_member (object, "windows"))
    {
      JsonNode *node = json_object_get_member (object, "windows");
      JsonArray *windows;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto bad_windows;

      windows = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (windows); i++)
        {
          JsonNode *item = json_array_get_element (windows, i);
          JsonObject *window;
          JsonNode *start, *end;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            goto bad_windows;

          window = json_node_get_object (item);
          start = json_object_get_member (window, "start");
          end = json_object_get_member (window, "end");
          if (start == NULL || end == NULL ||
              json_node_get_value_type (start) != G_TYPE_INT64 ||
              json_node_get_value_type (end) != G_TYPE_INT64 ||
              json_node_get_int (start) < 0 ||
              json_node_get_int (start) >= json_node_get_int (end) ||
              json_node_get_int (end) > 24 * 60)
            goto bad_windows;
        }
    }

  if (json_object_has_member (object, "days"))
    {
      JsonNode *node = json_object_get_member (object, "days");
      JsonArray *days;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto bad_days;

      days = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (days); i++)
        {
          JsonNode *item = json_array_get_element (days, i);

          if (json_node_get_value_type (item) != G_TYPE_STRING ||
              !is_day_name (json_node_get_string (item)))
            goto bad_days;
        }
    }

  if (json_object_has_member (object, "timezone"))
    {
      JsonNode *node = json_object_get_member (object, "timezone");
      const char *tz = json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : NULL;

      if (tz == NULL || (g_strcmp0 (tz, "recipient") != 0 && !is_time_zone (tz)))
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                       _("The calling window’s time zone must be an IANA time zone "
                         "or “recipient”."));
          return NULL;
        }
    }

  return json_to_string (root, FALSE);

bad_windows:
  g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
               _("The calling window’s “windows” must be a list of "
                 "{\"start\": minutes, \"end\": minutes} with 0 ≤ start < end ≤ 1440."));
  return NULL;

bad_days:
  g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
               _("The calling window’s “days” must be a list of day names "
                 "(“Monday” … “Sunday”)."));
  return NULL;
}

static gboolean
resolve_params (CbStore             *self,
                const CbBatchParams *params,
                ResolvedParams      *out,
                GError             **error)
{
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(GError) local_error = NULL;

  if (params->name == NULL || !g_utf8_validate (params->name, -1, NULL))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID, _("The batch needs a name."));
      return FALSE;
    }

  out->name = g_strstrip (g_strdup (params->name));
  if (*out->name == '\0')
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID, _("The batch needs a name."));
      return FALSE;
    }

  if (g_utf8_strlen (out->name, -1) > MAX_NAME_CHARS)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("The batch name is longer than %d characters."), MAX_NAME_CHARS);
      return FALSE;
    }

  if (params->agent_id == NULL || *params->agent_id == '\0')
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("Choose the agent that will make the calls."));
      return FALSE;
    }

  if (!(agent = cb_store_get_agent (self, params->agent_id, &local_error)))
    {
      if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                     _("Unknown agent “%s”"), params->agent_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  out->agent_id = g_strdup (params->agent_id);

  if (params->phone_number_id != NULL && *params->phone_number_id != '\0')
    {
      g_autoptr(CbPhoneNumber) number = NULL;

      if (!(number = cb_store_get_phone_number (self, params->phone_number_id, &local_error)))
        {
          if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
            g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                         _("Unknown phone number “%s”"), params->phone_number_id);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      out->phone_number_id = g_strdup (params->phone_number_id);
    }
  else if (cb_agent_get_default_phone_number_id (agent) != NULL)
    out->phone_number_id = g_strdup (cb_agent_get_default_phone_number_id (agent));
  else
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("Agent “%s” has no default caller ID: choose a phone number."),
                   params->agent_id);
      return FALSE;
    }

  if (params->timezone != NULL && *params->timezone != '\0')
    {
      if (!is_time_zone (params->timezone))
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                       _("Unknown time zone “%s”"), params->timezone);
          return FALSE;
        }
      out->timezone = g_strdup (params->timezone);
    }
  else
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      const char *identifier = g_time_zone_get_identifier (local);

      out->timezone = g_strdup (is_time_zone (identifier) ? identifier : "UTC");
    }

  if (!resolve_number ("max_retries", params->max_retries,
                       get_setting_uint (self, "default_max_retries", 2), 0, 10,
                       &out->max_retries, error) ||
      !resolve_number ("retry_delay_s", params->retry_delay_s,
                       get_setting_uint (self, "default_retry_delay_s", 600), 0, 86400,
                       &out->retry_delay_s, error) ||
      !resolve_number ("concurrency", params->concurrency,
                       get_setting_uint (self, "default_concurrency", 10), 1, 1000,
                       &out->concurrency, error))
    return FALSE;

  if (params->call_window != NULL && *params->call_window != '\0' &&
      !(out->call_window = validate_call_window (params->call_window, error)))
    return FALSE;

  if (params->default_region != NULL && *params->default_region != '\0')
    {
      if (!cb_phone_is_known_region (params->default_region))
        {
          g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                       _("Unknown region “%s”"), params->default_region);
          return FALSE;
        }
      out->default_region = g_strdup (params->default_region);
    }
  else
    out->default_region = dup_default_region (self);

  return TRUE;
}

/* A JSON string (null for NULL) of @len bytes of @str, or up to its NUL when @len is -1,
 * for SQLite's JSON functions: invalid UTF-8 is replaced first; runs of characters that
 * need no escape are copied whole. */
void
cb_store_append_json_string (GString    *out,
                             const char *str,
                             gssize      len)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;
  const char *end;
  const char *run;

  if (str == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  if (len < 0)
    len = strlen (str);
  if (!g_utf8_validate_len (str, len, NULL))
    {
      str = valid = g_utf8_make_valid (str, len);
      len = strlen (str);
    }

  g_string_append_c (out, '"');
  end = str + len;
  run = str;
  for (const char *p = str; p < end; p++)
    {
      guchar c = *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          g_string_append_len (out, "\\\"", 2);
          break;
        case '\\':
          g_string_append_len (out, "\\\\", 2);
          break;
        case '\n':
          g_string_append_len (out, "\\n", 2);
          break;
        case '\r':
          g_string_append_len (out, "\\r", 2);
          break;
        case '\t':
          g_string_append_len (out, "\\t", 2);
          break;
        default:
          {
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

            g_string_append_len (out, esc, 6);
          }
        }
    }
  g_string_append_len (out, run, end - run);
  g_string_append_c (out, '"');
}

/* Imported cells: a missing one is an empty string. */
static void
append_json_string (GString    *out,
                    const char *str)
{
  cb_store_append_json_string (out, str != NULL ? str : "", -1);
}

/* {"first_name":"Alice",…} */
static void
append_dynamic_vars (GString            *out,
                     const char * const *variables,
                     char              **values)
{
  g_string_append_c (out, '{');
  for (guint i = 0; variables != NULL && variables[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_json_string (out, variables[i]);
      g_string_append_c (out, ':');
      append_json_string (out, values != NULL ? values[i] : NULL);
    }
  g_string_append_c (out, '}');
}

static gboolean
insert_chunk_json (CbStore            *self,
                   const char         *batch_id,
                   const char * const *variables,
                   GPtrArray          *recipients,
                   guint               first,
                   guint               n,
                   gint64              now,
                   GError            **error)
{
  g_autoptr(GString) rows = g_string_sized_new (n * 160);
  g_autoptr(GString) vars = g_string_new (NULL);

  g_string_append_c (rows, '[');
  for (guint i = first; i < first + n; i++)
    {
      const CbImportRecipient *recipient = g_ptr_array_index (recipients, i);
      char id[32];

      format_new_id (id, "rcp");
      g_string_set_size (vars, 0);
      append_dynamic_vars (vars, variables, recipient->values);

      if (i > first)
        g_string_append_c (rows, ',');
      g_string_append (rows, "[\"");
      g_string_append (rows, id);
      g_string_append_len (rows, "\",", 2);
      g_string_append_printf (rows, "%u,", recipient->row);
      append_json_string (rows, recipient->e164);
      g_string_append_c (rows, ',');
      append_json_string (rows, recipient->raw);
      g_string_append_c (rows, ',');
      append_json_string (rows, recipient->region);
      g_string_append_c (rows, ',');
      append_json_string (rows, vars->str);
      g_string_append_c (rows, ']');
    }
  g_string_append_c (rows, ']');

  /* SQLite only: one parameter per chunk, unpacked by json_each(). Binding thousands of
   * parameters through libgda costs several times more than SQLite's JSON parser. */
  return cb_store_exec (self, error,
                        "INSERT INTO recipients (id, batch_id, row_number, phone, raw_phone, region,"
                        " dynamic_vars, status, attempts, max_retries, updated_at)"
                        " SELECT json_extract (value, '$[0]'), ##batch::string,"
                        " json_extract (value, '$[1]'), json_extract (value, '$[2]'),"
                        " json_extract (value, '$[3]'), json_extract (value, '$[4]'),"
                        " json_extract (value, '$[5]'), 'pending', 0, -1, ##now::gint64"
                        " FROM json_each (##rows::string)",
                        "batch", batch_id,
                        "now", now,
                        "rows", rows->str,
                        NULL) == (int)n;
}

static const char *
multirow_sql (guint n_rows)
{
  static char *sql[MULTIROW_ROWS + 1];
  static GMutex mutex;
  const char *ret;

  g_assert (n_rows > 0 && n_rows <= MULTIROW_ROWS);

  g_mutex_lock (&mutex);
  if (sql[n_rows] == NULL)
    {
      GString *str = g_string_new ("INSERT INTO recipients (id, batch_id, row_number, phone,"
                                   " raw_phone, region, dynamic_vars, status, attempts,"
                                   " max_retries, updated_at) VALUES ");

      for (guint i = 0; i < n_rows; i++)
        g_string_append_printf (str,
                                "%s(##i%u::string, ##batch::string, ##n%u::gint, ##p%u::string,"
                                " ##r%u::string::null, ##g%u::string::null, ##d%u::string,"
                                " 'pending', 0, -1, ##now::gint64)",
                                i > 0 ? ", " : "", i, i, i, i, i, i);
      sql[n_rows] = g_string_free (str, FALSE);
    }
  ret = sql[n_rows];
  g_mutex_unlock (&mutex);

  return ret;
}

static gboolean
set_string_holder (GdaSet      *set,
                   const char  *name,
                   const char  *value,
                   GError     **error)
{
  GdaHolder *holder = gda_set_get_holder (set, name);
  GValue *gvalue;

  g_assert (holder != NULL);

  if (value == NULL)
    return gda_holder_set_value (holder, NULL, error);

  gvalue = gda_value_new (G_TYPE_STRING);
  g_value_set_string (gvalue, value);
  return gda_holder_take_value (holder, gvalue, error);
}

/* Portable: multi-row INSERT … VALUES (…), (…) with parameters. */
static gboolean
insert_chunk_multirow (CbStore            *self,
                       const char         *batch_id,
                       const char * const *variables,
                       GPtrArray          *recipients,
                       guint               first,
                       guint               n,
                       gint64              now,
                       GError            **error)
{
  g_autoptr(GString) vars = g_string_new (NULL);

  for (guint done = 0; done < n; )
    {
      g_autoptr(GError) local_error = NULL;
      guint rows = MIN (MULTIROW_ROWS, n - done);
      GdaStatement *statement;
      GdaSet *set = NULL;
      GValue *value;

      if (!(statement = cb_store_prepare (self, multirow_sql (rows), &set, error)))
        return FALSE;

      if (!set_string_holder (set, "batch", batch_id, &local_error))
        goto failed;

      value = gda_value_new (G_TYPE_INT64);
      g_value_set_int64 (value, now);
      if (!gda_holder_take_value (gda_set_get_holder (set, "now"), value, &local_error))
        goto failed;

      for (guint i = 0; i < rows; i++)
        {
          const CbImportRecipient *recipient = g_ptr_array_index (recipients, first + done + i);
          char name[16];
          char id[32];

          format_new_id (id, "rcp");
          g_string_set_size (vars, 0);
          append_dynamic_vars (vars, variables, recipient->values);

          g_snprintf (name, sizeof name, "i%u", i);
          if (!set_string_holder (set, name, id, &local_error))
            goto failed;
          g_snprintf (name, sizeof name, "n%u", i);
          value = gda_value_new (G_TYPE_INT);
          g_value_set_int (value, (int)recipient->row);
          if (!gda_holder_take_value (gda_set_get_holder (set, name), value, &local_error))
            goto failed;
          g_snprintf (name, sizeof name, "p%u", i);
          if (!set_string_holder (set, name, recipient->e164, &local_error))
            goto failed;
          g_snprintf (name, sizeof name, "r%u", i);
          if (!set_string_holder (set, name, recipient->raw, &local_error))
            goto failed;
          g_snprintf (name, sizeof name, "g%u", i);
          if (!set_string_holder (set, name, recipient->region, &local_error))
            goto failed;
          g_snprintf (name, sizeof name, "d%u", i);
          if (!set_string_holder (set, name, vars->str, &local_error))
            goto failed;
        }

      if (gda_connection_statement_execute_non_select (self->cnc, statement, set, NULL,
                                                       &local_error) < 0)
        goto failed;

      done += rows;
      continue;

    failed:
      set_query_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static void
delete_batch_rows (CbStore    *self,
                   const char *batch_id)
{
  g_autoptr(GError) error = NULL;

  if (cb_store_exec (self, &error,
                     "DELETE FROM batches WHERE id = ##id::string",
                     "id", batch_id,
                     NULL) < 0)
    g_warning ("Could not remove the unfinished batch %s: %s", batch_id, error->message);
}

static CbBatch *
create_batch (CbStore             *self,
              const CbBatchParams *params,
              CbImportReport      *report,
              GCancellable        *cancellable,
              GError             **error)
{
  g_auto(ResolvedParams) resolved = { 0 };
  g_autofree char *batch_id = NULL;
  g_autofree char *report_json = NULL;
  const char * const *variables;
  GPtrArray *recipients;
  gint64 now;

  if (!resolve_params (self, params, &resolved, error))
    return NULL;

  recipients = cb_import_report_get_recipients (report);
  if (recipients == NULL || recipients->len == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("There is no valid recipient to call."));
      return NULL;
    }

  variables = cb_import_report_get_variables (report);
  report_json = cb_import_report_to_json_string (report, FALSE);
  batch_id = cb_store_new_id ("batch");
  now = cb_store_now_ms ();

  /* Hidden until every recipient is written; chunked commits keep SQLite fast, the hidden
   * status keeps the whole all-or-nothing (a crash leaves it for the next open to delete). */
  if (cb_store_exec (self, error,
                     "INSERT INTO batches (id, name, agent_id, phone_number_id, status, timezone,"
                     " max_retries, retry_delay_s, concurrency, call_window, default_region,"
                     " report_json, total, created_at, updated_at)"
                     " VALUES (##id::string, ##name::string, ##agent::string, ##number::string,"
                     " 'importing', ##tz::string, ##retries::gint, ##delay::gint,"
                     " ##concurrency::gint, ##window::string::null, ##region::string::null,"
                     " ##report::string::null, ##total::gint, ##now::gint64, ##now2::gint64)",
                     "id", batch_id,
                     "name", resolved.name,
                     "agent", resolved.agent_id,
                     "number", resolved.phone_number_id,
                     "tz", resolved.timezone,
                     "retries", (int)resolved.max_retries,
                     "delay", (int)resolved.retry_delay_s,
                     "concurrency", (int)resolved.concurrency,
                     "window", resolved.call_window,
                     "region", resolved.default_region,
                     "report", report_json,
                     "total", (int)recipients->len,
                     "now", now,
                     "now2", now,
                     NULL) < 0)
    return NULL;

  for (guint first = 0; first < recipients->len; first += CHUNK_ROWS)
    {
      guint n = MIN (CHUNK_ROWS, recipients->len - first);
      gboolean ok;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !cb_store_begin (self, error))
        goto failed;

      if (self->sqlite && self->bulk_json)
        ok = insert_chunk_json (self, batch_id, variables, recipients, first, n, now, error);
      else
        ok = insert_chunk_multirow (self, batch_id, variables, recipients, first, n, now,
                                    error);

      if (ok)
        ok = cb_store_exec (self, error,
                            "UPDATE batches SET updated_at = ##now::gint64 WHERE id = ##id::string",
                            "now", cb_store_now_ms (),
                            "id", batch_id,
                            NULL) == 1;

      if (!ok)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                         _("The database did not store every recipient."));
          cb_store_rollback (self);
          goto failed;
        }

      if (!cb_store_commit (self, error))
        goto failed;
    }

  now = cb_store_now_ms ();
  if (cb_store_exec (self, error,
                     "UPDATE batches SET status = 'draft', pending = ##n::gint,"
                     " updated_at = ##now::gint64 WHERE id = ##id::string",
                     "n", (int)recipients->len,
                     "now", now,
                     "id", batch_id,
                     NULL) != 1)
    goto failed;

  return cb_store_get_batch (self, batch_id, error);

failed:
  delete_batch_rows (self, batch_id);
  return NULL;
}

CbBatch *
cb_store_create_batch (CbStore             *self,
                       const CbBatchParams *params,
                       CbImportReport      *report,
                       GError             **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (report != NULL, NULL);

  if (self->read_only)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("The database is open read-only."));
      return NULL;
    }

  return create_batch (self, params, report, NULL, error);
}

static void
append_rows (GString *out,
             GArray  *rows)
{
  const guint max_listed = 10;

  if (rows->len == 1)
    g_string_append_printf (out, _("row %u"), g_array_index (rows, guint, 0));
  else
    {
      g_string_append (out, _("rows "));
      for (guint i = 0; i < rows->len && i < max_listed; i++)
        g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", g_array_index (rows, guint, i));
      if (rows->len > max_listed)
        g_string_append_printf (out, _(" and %u more"), rows->len - max_listed);
    }
}

static void
set_invalid_recipients_error (CbImportReport  *report,
                              GError         **error)
{
  g_autoptr(GString) details = g_string_new (NULL);
  guint invalid = cb_import_report_get_invalid (report);

  for (guint reason = 0; reason < CB_IMPORT_N_REASONS; reason++)
    {
      GArray *rows = cb_import_report_get_reason_rows (report, reason);

      if (rows == NULL || rows->len == 0)
        continue;

      if (details->len > 0)
        g_string_append (details, "; ");
      g_string_append_printf (details, "%s: ", cb_import_reason_message (reason));
      append_rows (details, rows);
    }

  g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID_RECIPIENTS,
               g_dngettext (GETTEXT_PACKAGE, "%u row is not valid: %s.",
                            "%u rows are not valid: %s.", invalid),
               invalid, details->str);
}

typedef CbImportReport *(*ImportFunc) (gpointer               source,
                                       const char            *display_name,
                                       const CbImportOptions *options,
                                       GCancellable          *cancellable,
                                       GError               **error);

static CbImportReport *
import_path (gpointer               source,
             const char            *display_name,
             const CbImportOptions *options,
             GCancellable          *cancellable,
             GError               **error)
{
  return cb_import_file (source, options, cancellable, error);
}

static CbImportReport *
import_bytes (gpointer               source,
              const char            *display_name,
              const CbImportOptions *options,
              GCancellable          *cancellable,
              GError               **error)
{
  return cb_import_bytes (source, display_name, options, cancellable, error);
}

static CbBatch *
import_and_create (CbStore              *self,
                   const CbBatchParams  *params,
                   ImportFunc            func,
                   gpointer              source,
                   const char           *display_name,
                   gboolean              skip_invalid,
                   CbImportReport      **report_out,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_auto(ResolvedParams) resolved = { 0 };
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(GHashTable) suppressed = NULL;
  g_auto(GStrv) allowed = NULL;
  CbImportOptions options = { 0 };
  CbBatch *batch;

  if (report_out != NULL)
    *report_out = NULL;

  if (self->read_only)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("The database is open read-only."));
      return NULL;
    }

  /* Refuse bad parameters before reading a large file. */
  if (!resolve_params (self, params, &resolved, error))
    return NULL;

  if (!(suppressed = cb_store_dup_suppression_set (self, error)))
    return NULL;

  allowed = cb_store_dup_allowed_countries (self);

  options.default_region = resolved.default_region;
  options.allowed_countries = (const char * const *)allowed;
  options.suppressed = suppressed;
  options.max_rows = get_setting_uint (self, "max_recipients", CB_IMPORT_DEFAULT_MAX_ROWS);
  options.max_bytes = get_setting_uint (self, "max_file_bytes", CB_IMPORT_DEFAULT_MAX_BYTES);
  options.keep_recipients = TRUE;
  options.keep_invalid = TRUE;

  if (!(report = func (source, display_name, &options, cancellable, error)))
    return NULL;

  if (cb_import_report_get_invalid (report) > 0 && !skip_invalid)
    {
      set_invalid_recipients_error (report, error);
      if (report_out != NULL)
        *report_out = g_steal_pointer (&report);
      return NULL;
    }

  batch = create_batch (self, params, report, cancellable, error);

  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);

  return batch;
}

CbBatch *
cb_store_import_file (CbStore              *self,
                      const CbBatchParams  *params,
                      const char           *path,
                      gboolean              skip_invalid,
                      CbImportReport      **report_out,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return import_and_create (self, params, import_path, (gpointer)path, NULL, skip_invalid,
                            report_out, cancellable, error);
}

CbBatch *
cb_store_import_bytes (CbStore              *self,
                       const CbBatchParams  *params,
                       GBytes               *bytes,
                       const char           *display_name,
                       gboolean              skip_invalid,
                       CbImportReport      **report_out,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  return import_and_create (self, params, import_bytes, bytes, display_name, skip_invalid,
                            report_out, cancellable, error);
}

char *
cb_store_dup_batch_report (CbStore     *self,
                           const char  *batch_id,
                           GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  model = cb_store_select (self, error,
                           "SELECT report_json FROM batches WHERE id = ##id::string"
                           " AND status <> 'importing'",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    return NULL;

  if (model_n_rows (model) == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown batch “%s”"), batch_id);
      return NULL;
    }

  return g_strdup (cb_store_model_get_string (model, 0, 0));
}

gboolean
cb_store_set_batch_status (CbStore        *self,
                           const char     *batch_id,
                           CbBatchStatus   status,
                           GError        **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  CbBatchStatus from;
  gint64 now = cb_store_now_ms ();
  int cancelled = 0;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!cb_store_begin (self, error))
    return FALSE;

  model = cb_store_select (self, error,
                           "SELECT status FROM batches WHERE id = ##id::string"
                           " AND status <> 'importing'",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    goto failed;

  if (model_n_rows (model) == 0 ||
      !cb_batch_status_from_string (cb_store_model_get_string (model, 0, 0), &from))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown batch “%s”"), batch_id);
      goto failed;
    }

  if (!cb_batch_check_transition (from, status, &local_error))
    {
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT, local_error->message);
      goto failed;
    }

  if (status == CB_BATCH_STATUS_CANCELLED)
    {
      cancelled = cb_store_exec (self, error,
                                 "UPDATE recipients SET status = 'cancelled',"
                                 " updated_at = ##now::gint64"
                                 " WHERE batch_id = ##id::string AND status = 'pending'",
                                 "now", now,
                                 "id", batch_id,
                                 NULL);
      if (cancelled < 0)
        goto failed;
    }

  /* The status is compared again: on a shared database another engine may have moved it. */
  if (cb_store_exec (self, error,
                     "UPDATE batches SET status = ##status::string, updated_at = ##now::gint64,"
                     " pending = pending - ##cancelled::gint,"
                     " cancelled = cancelled + ##cancelled2::gint,"
                     " pause_reason = CASE WHEN ##paused::gint = 1 THEN pause_reason ELSE NULL END,"
                     " started_at = CASE WHEN ##running::gint = 1 AND started_at IS NULL"
                     "   THEN ##now2::gint64 ELSE started_at END,"
                     " finished_at = CASE WHEN ##terminal::gint = 1"
                     "   THEN ##now3::gint64 ELSE finished_at END"
                     " WHERE id = ##id::string AND status = ##from::string",
                     "status", cb_batch_status_to_string (status),
                     "now", now,
                     "cancelled", cancelled,
                     "cancelled2", cancelled,
                     "paused", status == CB_BATCH_STATUS_PAUSED ? 1 : 0,
                     "running", status == CB_BATCH_STATUS_RUNNING ? 1 : 0,
                     "now2", now,
                     "terminal", cb_batch_status_is_terminal (status) ? 1 : 0,
                     "now3", now,
                     "id", batch_id,
                     "from", cb_batch_status_to_string (from),
                     NULL) != 1)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                     _("The batch “%s” changed meanwhile; try again."), batch_id);
      goto failed;
    }

  return cb_store_commit (self, error);

failed:
  cb_store_rollback (self);
  return FALSE;
}
