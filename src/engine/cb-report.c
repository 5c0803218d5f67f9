/* cb-report.c — batch reports: XLSX (Summary + Recipients) and CSV (Recipients), SPEC §7
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-report"

#include "config.h"

#include "cb-report.h"

#include "cb-call-event.h"
#include "cb-schedule.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cb-outcome.h"
#include "cb-store-private.h"

G_DEFINE_QUARK (cb-report-error-quark, cb_report_error)

/* Excel keeps at most this many characters in a cell. */
#define XLSX_MAX_CELL_CHARS 32767
/* The transcript's beginning stands in for a missing call summary. */
#define TRANSCRIPT_SUMMARY_CHARS 200
/* Column widths, in characters. */
#define MIN_WIDTH 6
#define MAX_WIDTH 60
/* CSV output is handed to the stream in chunks of about this size. */
#define CSV_CHUNK 65536
/* Buffer of the Recipients sheet's temporary file. */
#define XLSX_SHEET_BUFFER (1024 * 1024)

#define DATE_FORMAT "yyyy-mm-dd hh:mm:ss"

typedef enum
{
  CELL_EMPTY,
  CELL_STRING,
  CELL_INT,
  CELL_SECONDS,  /* num: milliseconds, shown in seconds */
  CELL_TIME,     /* num: milliseconds since the epoch */
} CellKind;

typedef struct
{
  CellKind    kind;
  const char *str;
  gint64      num;
} Cell;

/* One recipient row as read from a page, its strings in the page's GStringChunk. */
typedef struct
{
  gint64      row;
  const char *phone;
  const char *dynamic_vars;
  const char *status;
  gint64      attempts;
  const char *outcome;
  const char *disconnection_reason;
  gint64      duration_ms;   /* -1: unknown */
  gint64      started_ms;    /* 0: unset */
  gint64      ended_ms;
  const char *transcript;    /* its first TRANSCRIPT_SUMMARY_CHARS + 1 characters */
  const char *analysis;
} PageRow;

typedef struct
{
  char  *label;
  gint64 count;
} OutcomeCount;

typedef struct
{
  CbStore    *store;
  CbBatch    *batch;
  char       *agent;
  char       *caller_id;
  GTimeZone  *tz;
  int         tz_interval;  /* the interval of the last lookups, or -1 */
  gint32      tz_offset;    /* its offset */
  gint64      tz_from;      /* the earliest and latest times (UTC s) looked up in it */
  gint64      tz_to;
  GPtrArray  *variables;   /* char *, the dynamic variables in the file's column order */
  GPtrArray  *outcomes;    /* OutcomeCount *, most frequent first once counted */
  GHashTable *outcome_by_category;  /* status or outcome → OutcomeCount *, borrowed */
  GHashTable *outcome_by_label;     /* label → OutcomeCount *, borrowed */
  gboolean    count_outcomes;
  sqlite3    *db;          /* a read-only connection of its own to an SQLite store, or NULL */
  sqlite3_stmt *page;      /* its statement for a page of recipients */
  GHashTable *variable_index;  /* name → its index + 1 */
  GString    *name;        /* scratch for the JSON scanner */
  GPtrArray  *values;      /* const char *, per variable, for the current row */
  GPtrArray  *owned;       /* strings made for the current row */
} Report;

static void
outcome_count_free (OutcomeCount *count)
{
  g_free (count->label);
  g_free (count);
}

static void
report_free (Report *report)
{
  g_clear_object (&report->store);
  g_clear_object (&report->batch);
  g_free (report->agent);
  g_free (report->caller_id);
  g_clear_pointer (&report->tz, g_time_zone_unref);
  g_clear_pointer (&report->variables, g_ptr_array_unref);
  g_clear_pointer (&report->outcomes, g_ptr_array_unref);
  g_clear_pointer (&report->outcome_by_category, g_hash_table_unref);
  g_clear_pointer (&report->outcome_by_label, g_hash_table_unref);
  g_clear_pointer (&report->page, sqlite3_finalize);
  g_clear_pointer (&report->db, sqlite3_close);
  g_clear_pointer (&report->variable_index, g_hash_table_unref);
  if (report->name != NULL)
    g_string_free (report->name, TRUE);
  g_clear_pointer (&report->values, g_ptr_array_unref);
  g_clear_pointer (&report->owned, g_ptr_array_unref);
  g_free (report);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Report, report_free)

/* Formats */

gboolean
cb_report_format_from_path (const char      *path,
                            CbReportFormat  *format,
                            GError         **error)
{
  const char *dot;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format != NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot != NULL && strchr (dot, '/') == NULL)
    {
      if (g_ascii_strcasecmp (dot, ".xlsx") == 0)
        {
          *format = CB_REPORT_FORMAT_XLSX;
          return TRUE;
        }
      if (g_ascii_strcasecmp (dot, ".csv") == 0)
        {
          *format = CB_REPORT_FORMAT_CSV;
          return TRUE;
        }
    }

  g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FORMAT,
               _("“%s” ends in neither .xlsx nor .csv: the report's format is chosen by the "
                 "file name's extension."),
               path);
  return FALSE;
}

const char *
cb_report_format_get_content_type (CbReportFormat format)
{
  if (format == CB_REPORT_FORMAT_XLSX)
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return "text/csv; charset=utf-8";
}

const char *
cb_report_format_get_extension (CbReportFormat format)
{
  return format == CB_REPORT_FORMAT_XLSX ? "xlsx" : "csv";
}

char *
cb_report_dup_file_name (CbBatch        *batch,
                         CbReportFormat  format)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *batch_name;

  g_return_val_if_fail (CB_IS_BATCH (batch), NULL);

  batch_name = cb_batch_get_name (batch);
  for (const char *p = batch_name != NULL ? batch_name : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) c) != NULL)
        g_string_append_c (name, '_');
      else
        g_string_append_unichar (name, c);
    }
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  if (name->len == 0 || name->str[0] == '.')
    g_string_assign (name, cb_batch_get_id (batch));

  g_string_append_printf (name, "-report.%s", cb_report_format_get_extension (format));
  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* Labels */

static const char *
category_label (const char *category)
{
  static const struct
  {
    const char *key;
    const char *label;
  } labels[] = {
    { CB_OUTCOME_ANSWERED, N_("Answered") },
    { CB_OUTCOME_NO_ANSWER, N_("No answer") },
    { CB_OUTCOME_BUSY, N_("Busy") },
    { CB_OUTCOME_VOICEMAIL, N_("Voicemail") },
    { CB_OUTCOME_FAILED, N_("Failed") },
    { CB_OUTCOME_INVALID_DESTINATION, N_("Invalid destination") },
    { CB_OUTCOME_DECLINED, N_("Declined") },
    { CB_OUTCOME_BLOCKED, N_("Blocked") },
    { CB_OUTCOME_STOPPED, N_("Stopped") },
    { CB_OUTCOME_PROVIDER_ERROR, N_("Provider error") },
    { CB_OUTCOME_RATE_LIMITED, N_("Rate limited") },
    { CB_OUTCOME_NETWORK_ERROR, N_("Network error") },
    { CB_OUTCOME_INVALID_REQUEST, N_("Invalid request") },
    { "engine_interrupted", N_("Interrupted") },
    { "suppressed", N_("Do not call") },
    { "pending", N_("Pending") },
    { "dialing", N_("Dialing") },
    { "cancelled", N_("Cancelled") },
    { "completed", N_("Completed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_str_equal (category, labels[i].key))
        return _(labels[i].label);
    }

  return category;
}

/* Reading the JSON objects the store keeps (dynamic_vars, analysis). json-glib builds a
 * tree and emits signals for every member: far too slow for 100,000 rows, so a report
 * reads them with this small scanner, which only ever looks at one object's members. */

static const char *
json_skip_ws (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static int
json_hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* @p is at the opening quote. Appends the unescaped text to @out (when not NULL) and
 * returns what follows the closing quote, or NULL when the string is malformed. */
static const char *
json_read_string (const char *p,
                  GString    *out)
{
  g_assert (*p == '"');

  p++;
  for (;;)
    {
      const char *start = p;
      int cp;

      while (*p != '"' && *p != '\\' && *p != '\0')
        p++;
      if (out != NULL && p > start)
        g_string_append_len (out, start, p - start);
      if (*p == '"')
        return p + 1;
      if (*p == '\0')
        return NULL;

      p++;
      switch (*p)
        {
        case '"':
        case '\\':
        case '/':
          if (out != NULL)
            g_string_append_c (out, *p);
          p++;
          break;

        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          if (out != NULL)
            g_string_append_c (out, *p == 'b' ? '\b' : *p == 'f' ? '\f' : *p == 'n' ? '\n'
                                    : *p == 'r' ? '\r' : '\t');
          p++;
          break;

        case 'u':
          if ((cp = json_hex4 (p + 1)) < 0)
            return NULL;
          p += 5;
          if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u')
            {
              int low = json_hex4 (p + 2);

              if (low >= 0xdc00 && low < 0xe000)
                {
                  cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                  p += 6;
                }
            }
          if (cp == 0 || (cp >= 0xd800 && cp < 0xe000))
            cp = 0xfffd;
          if (out != NULL)
            g_string_append_unichar (out, cp);
          break;

        default:
          return NULL;
        }
    }
}

/* Skips one value; NULL when it is malformed. */
static const char *
json_skip_value (const char *p)
{
  const char *start;

  p = json_skip_ws (p);
  if (*p == '"')
    return json_read_string (p, NULL);

  if (*p == '{' || *p == '[')
    {
      int depth = 0;

      while (*p != '\0')
        {
          if (*p == '"')
            {
              if ((p = json_read_string (p, NULL)) == NULL)
                return NULL;
              continue;
            }
          if (*p == '{' || *p == '[')
            depth++;
          else if ((*p == '}' || *p == ']') && --depth == 0)
            return p + 1;
          p++;
        }
      return NULL;
    }

  /* A number, true, false or null. */
  start = p;
  while (*p != '\0' && *p != ',' && *p != '}' && *p != ']' && !g_ascii_isspace (*p))
    p++;
  return p > start ? p : NULL;
}

/* Called with each member's (unescaped) name and its value's text; FALSE stops. */
typedef gboolean (*JsonMemberFunc) (const char *name,
                                    const char *value,
                                    const char *end,
                                    gpointer    user_data);

/* FALSE when @text is not a JSON object. @name is a buffer for the members' names. */
static gboolean
json_foreach_member (const char     *text,
                     GString        *name,
                     JsonMemberFunc  func,
                     gpointer        user_data)
{
  const char *p = json_skip_ws (text);

  if (*p != '{')
    return FALSE;
  p = json_skip_ws (p + 1);
  if (*p == '}')
    return TRUE;

  for (;;)
    {
      const char *value;
      const char *end;

      if (*p != '"')
        return FALSE;
      g_string_truncate (name, 0);
      if ((p = json_read_string (p, name)) == NULL)
        return FALSE;
      p = json_skip_ws (p);
      if (*p != ':')
        return FALSE;
      value = json_skip_ws (p + 1);
      if ((end = json_skip_value (value)) == NULL)
        return FALSE;
      if (!func (name->str, value, end, user_data))
        return TRUE;

      p = json_skip_ws (end);
      if (*p == ',')
        {
          p = json_skip_ws (p + 1);
          continue;
        }
      return *p == '}';
    }
}

/* What a cell shows for a value: a string unescaped, nothing for null, anything else
 * as written. */
static char *
json_value_text (const char *value,
                 const char *end)
{
  if (*value == '"')
    {
      GString *text = g_string_new (NULL);

      json_read_string (value, text);
      return g_string_free (text, FALSE);
    }

  if (end - value == 4 && strncmp (value, "null", 4) == 0)
    return NULL;

  return g_strndup (value, end - value);
}

/* Loading what the report is about */

static GPtrArray *
variables_from_report_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) variables = NULL;
  const char *phone_column;
  JsonObject *object;
  JsonArray *columns;

  if (text == NULL || !cb_json_parser_load (parser, text, -1, NULL))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  object = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (object, "columns")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "columns")))
    return NULL;

  columns = json_object_get_array_member (object, "columns");
  phone_column = cb_json_object_get_string (object, "phone_column");
  variables = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonNode *node = json_array_get_element (columns, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      name = json_node_get_string (node);
      if (phone_column != NULL && g_str_equal (name, phone_column))
        continue;
      g_ptr_array_add (variables, g_strdup (name));
    }

  return g_steal_pointer (&variables);
}

typedef struct
{
  GHashTable *seen;
  GPtrArray  *variables;
} CollectKeys;

static gboolean
collect_key (const char *name,
             const char *value,
             const char *end,
             gpointer    user_data)
{
  CollectKeys *collect = user_data;

  if (!g_hash_table_contains (collect->seen, name))
    {
      char *copy = g_strdup (name);

      g_ptr_array_add (collect->variables, copy);
      g_hash_table_add (collect->seen, copy);
    }

  return TRUE;
}

/* Without a file's columns (a batch made from JSON): every key any recipient has, in
 * the order they first appear. */
static gboolean
variables_from_recipients (Report        *report,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) name = g_string_new (NULL);
  CollectKeys collect;
  gint64 after = G_MININT64;

  report->variables = g_ptr_array_new_with_free_func (g_free);
  collect.seen = seen;
  collect.variables = report->variables;

  for (;;)
    {
      g_autoptr(GdaDataModel) model = NULL;
      int n_rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      model = cb_store_select (report->store, error,
                               "SELECT row_number, dynamic_vars FROM recipients"
                               " WHERE batch_id = ##batch::string AND row_number > ##after::gint64"
                               " ORDER BY row_number LIMIT ##limit::gint",
                               "batch", cb_batch_get_id (report->batch),
                               "after", after,
                               "limit", CB_REPORT_PAGE_SIZE,
                               NULL);
      if (model == NULL)
        return FALSE;

      n_rows = gda_data_model_get_n_rows (model);
      for (int i = 0; i < n_rows; i++)
        {
          const char *text = cb_store_model_get_string (model, 1, i);

          after = cb_store_model_get_int64 (model, 0, i, 0);
          if (text != NULL)
            json_foreach_member (text, name, collect_key, &collect);
        }

      if (n_rows < CB_REPORT_PAGE_SIZE)
        return TRUE;
    }
}

/* Counts a recipient under its chart category: a finished one by its outcome, the others
 * by their status. */
static void
count_outcome (Report     *report,
               const char *status,
               const char *outcome)
{
  const char *category = status != NULL ? status : "pending";
  OutcomeCount *count;

  if ((g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "failed") == 0)
      && outcome != NULL && outcome[0] != '\0')
    category = outcome;

  count = g_hash_table_lookup (report->outcome_by_category, category);
  if (count == NULL)
    {
      const char *label = category_label (category);

      count = g_hash_table_lookup (report->outcome_by_label, label);
      if (count == NULL)
        {
          count = g_new0 (OutcomeCount, 1);
          count->label = g_strdup (label);
          g_ptr_array_add (report->outcomes, count);
          g_hash_table_insert (report->outcome_by_label, count->label, count);
        }
      g_hash_table_insert (report->outcome_by_category, g_strdup (category), count);
    }

  count->count++;
}

static int
compare_outcomes (gconstpointer a,
                  gconstpointer b)
{
  const OutcomeCount *ca = *(OutcomeCount * const *) a;
  const OutcomeCount *cb = *(OutcomeCount * const *) b;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;
  return g_utf8_collate (ca->label, cb->label);
}

/* Reading the recipients straight from an SQLite file, with a read-only connection of the
 * report's own: no lock on the store for the engine to wait on, and no GValue for every
 * cell. Another database, or a file that cannot be opened so, is read through libgda.
 * Both give the rows of PAGE_COLUMNS in row order, a page at a time. */

#define PAGE_COLUMNS \
  "row_number, phone, dynamic_vars, status, attempts, outcome, disconnection_reason," \
  " duration_ms, started_at, ended_at, SUBSTR(transcript, 1, 201), analysis"

static gboolean direct_reader_disabled;

void
cb_report_set_direct_reader_enabled (gboolean enabled)
{
  direct_reader_disabled = !enabled;
}

static void
open_direct_reader (Report *report)
{
  const char *path = cb_store_get_path (report->store);
  sqlite3 *db = NULL;

  if (direct_reader_disabled || !cb_store_is_sqlite (report->store) || path == NULL)
    return;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_busy_timeout (db, 5000) != SQLITE_OK
      || sqlite3_prepare_v2 (db,
                             "SELECT " PAGE_COLUMNS " FROM recipients"
                             " WHERE batch_id = ?1 AND row_number > ?2"
                             " ORDER BY row_number LIMIT ?3",
                             -1, &report->page, NULL) != SQLITE_OK)
    {
      g_debug ("Reading the recipients through libgda: %s",
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
      g_clear_pointer (&report->page, sqlite3_finalize);
      sqlite3_close (db);
      return;
    }

  report->db = db;
}

static Report *
report_load (CbStore       *store,
             const char    *batch_id,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(Report) report = g_new0 (Report, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *report_json = NULL;
  const char *agent_id;
  const char *phone_number_id;

  report->store = g_object_ref (store);
  report->tz_interval = -1;
  report->name = g_string_new (NULL);
  report->owned = g_ptr_array_new_with_free_func (g_free);

  cb_store_lock (store);

  report->batch = cb_store_get_batch (store, batch_id, &local_error);
  if (report->batch == NULL)
    {
      cb_store_unlock (store);
      if (g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
        g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_NOT_FOUND,
                     _("There is no batch “%s”."), batch_id);
      else
        g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                     _("Could not read batch “%s”: %s"), batch_id, local_error->message);
      return NULL;
    }

  agent_id = cb_batch_get_agent_id (report->batch);
  if (agent_id != NULL)
    {
      g_autoptr(CbAgent) agent = cb_store_get_agent (store, agent_id, NULL);

      report->agent = agent != NULL
                      ? g_strdup_printf ("%s (%s)", cb_agent_get_name (agent), agent_id)
                      : g_strdup (agent_id);
    }

  phone_number_id = cb_batch_get_phone_number_id (report->batch);
  if (phone_number_id != NULL)
    {
      g_autoptr(CbPhoneNumber) number = cb_store_get_phone_number (store, phone_number_id, NULL);

      report->caller_id = g_strdup (number != NULL ? cb_phone_number_get_number (number)
                                                   : phone_number_id);
    }

  report_json = cb_store_dup_batch_report (store, batch_id, NULL);

  cb_store_unlock (store);

  report->outcomes = g_ptr_array_new_with_free_func ((GDestroyNotify) outcome_count_free);
  report->outcome_by_category = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  report->outcome_by_label = g_hash_table_new (g_str_hash, g_str_equal);
  open_direct_reader (report);

  report->variables = variables_from_report_json (report_json);
  if (report->variables == NULL || report->variables->len == 0)
    {
      g_clear_pointer (&report->variables, g_ptr_array_unref);
      if (!variables_from_recipients (report, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                         _("Could not read batch “%s”: %s"), batch_id, local_error->message);
          return NULL;
        }
    }

  report->variable_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < report->variables->len; i++)
    g_hash_table_insert (report->variable_index, g_ptr_array_index (report->variables, i),
                         GUINT_TO_POINTER (i + 1));

  report->values = g_ptr_array_sized_new (report->variables->len);
  g_ptr_array_set_size (report->values, report->variables->len);

  report->tz = cb_batch_get_timezone (report->batch) != NULL
               ? g_time_zone_new_identifier (cb_batch_get_timezone (report->batch))
               : NULL;
  if (report->tz == NULL)
    report->tz = g_time_zone_new_utc ();

  return g_steal_pointer (&report);
}

/* Times in the batch's time zone */

/* Seconds since the epoch of the wall-clock time in the batch's zone, and the offset.
 * Rows come in time order more or less, so the zone's interval of the last lookups is
 * kept: the intervals follow each other in time, so any time between two that fell in the
 * same interval falls in it too. */
static gint64
local_seconds (Report *report,
               gint64  ms,
               gint32 *offset_out)
{
  gint64 utc_s = ms >= 0 ? ms / 1000 : -((999 - ms) / 1000);
  gint32 offset;

  if (report->tz_interval >= 0 && utc_s >= report->tz_from && utc_s <= report->tz_to)
    offset = report->tz_offset;
  else
    {
      int interval = g_time_zone_find_interval (report->tz, G_TIME_TYPE_UNIVERSAL, utc_s);

      offset = interval >= 0 ? g_time_zone_get_offset (report->tz, interval) : 0;
      if (interval >= 0 && interval == report->tz_interval)
        {
          report->tz_from = MIN (report->tz_from, utc_s);
          report->tz_to = MAX (report->tz_to, utc_s);
        }
      else
        {
          report->tz_interval = interval;
          report->tz_offset = offset;
          report->tz_from = report->tz_to = utc_s;
        }
    }

  if (offset_out != NULL)
    *offset_out = offset;
  return utc_s + offset;
}

static double
excel_serial (Report *report,
              gint64  ms)
{
  gint64 local_s = local_seconds (report, ms, NULL);
  double frac = (double) (ms - (ms >= 0 ? ms / 1000 : -((999 - ms) / 1000)) * 1000) / 1000.0;

  /* Day 25569 is 1970-01-01 in Excel's 1900 date system. */
  return ((double) local_s + frac) / 86400.0 + 25569.0;
}

/* "2026-05-05T11:00:00+02:00", "2026-05-05T09:00:00Z" */
static void
append_rfc3339 (GString *out,
                Report  *report,
                gint64   ms)
{
  gint32 offset = 0;
  gint64 local_s = local_seconds (report, ms, &offset);
  char text[32];
  char *p;

  if ((p = cb_civil_time_write (text, local_s)) == NULL)
    return;

  p = cb_utc_offset_write (p, offset);
  g_string_append_len (out, text, p - text);
}

/* Rows */

typedef struct
{
  const char *summary;      /* the best one found so far, and its rank */
  const char *summary_end;
  guint       rank;
  const char *nested;       /* call_analysis, when the analysis holds a whole call */
  const char *nested_end;
} FindSummary;

static gboolean
find_summary (const char *name,
              const char *value,
              const char *end,
              gpointer    user_data)
{
  static const char * const keys[] = { "call_summary", "transcript_summary", "summary" };
  FindSummary *find = user_data;

  if (*value == '{' && g_str_equal (name, "call_analysis"))
    {
      find->nested = value;
      find->nested_end = end;
      return TRUE;
    }

  /* A string of more than its two quotes. */
  if (*value != '"' || end - value <= 2)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (keys) && i < find->rank; i++)
    {
      if (g_str_equal (name, keys[i]))
        {
          find->summary = value;
          find->summary_end = end;
          find->rank = i;
          break;
        }
    }

  return TRUE;
}

/* The call summary from the analysis (Retell's call_summary, or another provider's
 * summary), else the transcript's beginning. */
static const char *
transcript_summary (Report  *report,
                    PageRow *row)
{
  if (row->analysis != NULL && row->analysis[0] == '{')
    {
      FindSummary find = { NULL, NULL, G_MAXUINT, NULL, NULL };

      if (json_foreach_member (row->analysis, report->name, find_summary, &find)
          && find.nested != NULL)
        {
          g_autofree char *nested = g_strndup (find.nested, find.nested_end - find.nested);
          FindSummary inner = { NULL, NULL, G_MAXUINT, NULL, NULL };

          if (json_foreach_member (nested, report->name, find_summary, &inner)
              && inner.summary != NULL)
            {
              char *text = json_value_text (inner.summary, inner.summary_end);

              g_ptr_array_add (report->owned, text);
              return text;
            }
        }

      if (find.summary != NULL)
        {
          char *text = json_value_text (find.summary, find.summary_end);

          g_ptr_array_add (report->owned, text);
          return text;
        }
    }

  if (row->transcript == NULL || row->transcript[0] == '\0')
    return NULL;

  /* The page holds one character more than kept, to tell whether there was more. */
  if (g_utf8_strlen (row->transcript, -1) > TRANSCRIPT_SUMMARY_CHARS)
    {
      const char *end = g_utf8_offset_to_pointer (row->transcript, TRANSCRIPT_SUMMARY_CHARS);
      g_autoptr(GString) copy = g_string_new_len (row->transcript, end - row->transcript);
      char *text;

      g_string_append (copy, "…");
      text = g_string_free (g_steal_pointer (&copy), FALSE);
      g_ptr_array_add (report->owned, text);
      return text;
    }

  return row->transcript;
}

static gboolean
take_value (const char *name,
            const char *value,
            const char *end,
            gpointer    user_data)
{
  Report *report = user_data;
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (report->variable_index, name));

  if (index > 0)
    {
      char *text = json_value_text (value, end);

      if (text != NULL)
        g_ptr_array_add (report->owned, text);
      g_ptr_array_index (report->values, index - 1) = text;
    }

  return TRUE;
}

/* Fills report->values for the row's dynamic variables, until the next row. */
static void
load_values (Report     *report,
             const char *dynamic_vars)
{
  for (guint i = 0; i < report->values->len; i++)
    g_ptr_array_index (report->values, i) = NULL;

  if (report->values->len > 0 && dynamic_vars != NULL)
    json_foreach_member (dynamic_vars, report->name, take_value, report);
}

static guint
n_columns (Report *report)
{
  /* row, phone, the variables, status, attempts, outcome, reason, duration, started,
   * ended, summary */
  return report->variables->len + 10;
}

static char **
dup_header (Report *report)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **header;

  g_strv_builder_add (builder, _("Row"));
  g_strv_builder_add (builder, _("Phone"));
  for (guint i = 0; i < report->variables->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (report->variables, i));
  g_strv_builder_add (builder, _("Status"));
  g_strv_builder_add (builder, _("Attempts"));
  g_strv_builder_add (builder, _("Outcome"));
  g_strv_builder_add (builder, _("Disconnection reason"));
  g_strv_builder_add (builder, _("Duration (s)"));
  g_strv_builder_add (builder, _("Started"));
  g_strv_builder_add (builder, _("Ended"));
  g_strv_builder_add (builder, _("Transcript summary"));
  header = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return header;
}

static inline void
set_string (Cell       *cell,
            const char *str)
{
  cell->kind = str != NULL && str[0] != '\0' ? CELL_STRING : CELL_EMPTY;
  cell->str = str;
}

static inline void
set_number (Cell     *cell,
            CellKind  kind,
            gint64    num)
{
  cell->kind = kind;
  cell->num = num;
}

/* The cells of one recipient, in dup_header()'s order; their strings stay valid until
 * the next row. */
static void
build_cells (Report  *report,
             PageRow *row,
             Cell    *cells)
{
  guint c = 0;

  g_ptr_array_set_size (report->owned, 0);

  if (report->count_outcomes)
    count_outcome (report, row->status, row->outcome);

  set_number (&cells[c++], CELL_INT, row->row);
  set_string (&cells[c++], row->phone);

  set_string (&cells[report->variables->len + 9], transcript_summary (report, row));

  load_values (report, row->dynamic_vars);
  for (guint i = 0; i < report->values->len; i++)
    set_string (&cells[c++], g_ptr_array_index (report->values, i));

  set_string (&cells[c++], row->status);
  set_number (&cells[c++], CELL_INT, row->attempts);
  set_string (&cells[c++], row->outcome);
  set_string (&cells[c++], row->disconnection_reason);
  if (row->duration_ms >= 0)
    set_number (&cells[c++], CELL_SECONDS, row->duration_ms);
  else
    cells[c++].kind = CELL_EMPTY;
  if (row->started_ms != 0)
    set_number (&cells[c++], CELL_TIME, row->started_ms);
  else
    cells[c++].kind = CELL_EMPTY;
  if (row->ended_ms != 0)
    set_number (&cells[c++], CELL_TIME, row->ended_ms);
  else
    cells[c++].kind = CELL_EMPTY;

  g_assert (c + 1 == n_columns (report));
}

static const char *
chunk_insert (GStringChunk *chunk,
              const char   *str)
{
  return str != NULL ? g_string_chunk_insert (chunk, str) : NULL;
}

/* Reads the page of recipients after row @after into @rows. */
static gboolean
read_page (Report        *report,
           gint64         after,
           GStringChunk  *chunk,
           GArray        *rows,
           GError       **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  int n_rows;

  g_array_set_size (rows, 0);
  g_string_chunk_clear (chunk);

  cb_store_lock (report->store);

  model = cb_store_select (report->store, error,
                           "SELECT " PAGE_COLUMNS " FROM recipients"
                           " WHERE batch_id = ##batch::string AND row_number > ##after::gint64"
                           " ORDER BY row_number LIMIT ##limit::gint",
                           "batch", cb_batch_get_id (report->batch),
                           "after", after,
                           "limit", CB_REPORT_PAGE_SIZE,
                           NULL);
  if (model == NULL)
    {
      cb_store_unlock (report->store);
      return FALSE;
    }

  n_rows = gda_data_model_get_n_rows (model);
  g_array_set_size (rows, n_rows);
  for (int i = 0; i < n_rows; i++)
    {
      PageRow *row = &g_array_index (rows, PageRow, i);

      row->row = cb_store_model_get_int64 (model, 0, i, 0);
      row->phone = chunk_insert (chunk, cb_store_model_get_string (model, 1, i));
      row->dynamic_vars = chunk_insert (chunk, cb_store_model_get_string (model, 2, i));
      row->status = chunk_insert (chunk, cb_store_model_get_string (model, 3, i));
      row->attempts = cb_store_model_get_int64 (model, 4, i, 0);
      row->outcome = chunk_insert (chunk, cb_store_model_get_string (model, 5, i));
      row->disconnection_reason = chunk_insert (chunk, cb_store_model_get_string (model, 6, i));
      row->duration_ms = cb_store_model_get_int64 (model, 7, i, -1);
      row->started_ms = cb_store_model_get_int64 (model, 8, i, 0);
      row->ended_ms = cb_store_model_get_int64 (model, 9, i, 0);
      row->transcript = chunk_insert (chunk, cb_store_model_get_string (model, 10, i));
      row->analysis = chunk_insert (chunk, cb_store_model_get_string (model, 11, i));
    }

  cb_store_unlock (report->store);
  return TRUE;
}

typedef gboolean (*RowFunc) (Report      *report,
                             guint        index,
                             const Cell  *cells,
                             gpointer     user_data,
                             GError     **error);

static inline const char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static inline gint64
column_int64 (sqlite3_stmt *stmt,
              int           col,
              gint64        if_null)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return if_null;
  return sqlite3_column_int64 (stmt, col);
}

/* Calls @func for each recipient of the page after row *@after, straight from the SQLite
 * statement (its strings are valid until the next step). The number of rows, or -1. */
static int
direct_page (Report   *report,
             gint64   *after,
             guint    *index,
             Cell     *cells,
             RowFunc   func,
             gpointer  user_data,
             GError  **error)
{
  sqlite3_stmt *stmt = report->page;
  int n_rows = 0;
  int rc;

  sqlite3_reset (stmt);
  if (sqlite3_bind_text (stmt, 1, cb_batch_get_id (report->batch), -1, SQLITE_STATIC) != SQLITE_OK
      || sqlite3_bind_int64 (stmt, 2, *after) != SQLITE_OK
      || sqlite3_bind_int (stmt, 3, CB_REPORT_PAGE_SIZE) != SQLITE_OK)
    goto failed;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PageRow row;

      row.row = sqlite3_column_int64 (stmt, 0);
      row.phone = column_text (stmt, 1);
      row.dynamic_vars = column_text (stmt, 2);
      row.status = column_text (stmt, 3);
      row.attempts = column_int64 (stmt, 4, 0);
      row.outcome = column_text (stmt, 5);
      row.disconnection_reason = column_text (stmt, 6);
      row.duration_ms = column_int64 (stmt, 7, -1);
      row.started_ms = column_int64 (stmt, 8, 0);
      row.ended_ms = column_int64 (stmt, 9, 0);
      row.transcript = column_text (stmt, 10);
      row.analysis = column_text (stmt, 11);

      build_cells (report, &row, cells);
      if (!func (report, (*index)++, cells, user_data, error))
        {
          sqlite3_reset (stmt);
          return -1;
        }
      *after = row.row;
      n_rows++;
    }

  if (rc != SQLITE_DONE)
    goto failed;

  /* Ends the read transaction between pages. */
  sqlite3_reset (stmt);
  return n_rows;

failed:
  g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
               _("Could not read the recipients of batch “%s”: %s"),
               cb_batch_get_id (report->batch), sqlite3_errmsg (report->db));
  sqlite3_reset (stmt);
  return -1;
}

/* Calls @func for each recipient in row order, a page at a time. */
static gboolean
foreach_recipient (Report        *report,
                   RowFunc        func,
                   gpointer       user_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, TRUE, sizeof (PageRow), CB_REPORT_PAGE_SIZE);
  g_autofree Cell *cells = g_new0 (Cell, n_columns (report));
  GStringChunk *chunk = g_string_chunk_new (256 * 1024);
  gint64 after = G_MININT64;
  guint index = 0;
  gboolean ret = FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      if (report->page != NULL)
        {
          int n_rows = direct_page (report, &after, &index, cells, func, user_data, error);

          if (n_rows < 0)
            goto out;
          if (n_rows < CB_REPORT_PAGE_SIZE)
            break;
          continue;
        }

      if (!read_page (report, after, chunk, rows, &local_error))
        {
          g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                       _("Could not read the recipients of batch “%s”: %s"),
                       cb_batch_get_id (report->batch), local_error->message);
          goto out;
        }

      for (guint i = 0; i < rows->len; i++)
        {
          PageRow *row = &g_array_index (rows, PageRow, i);

          build_cells (report, row, cells);
          if (!func (report, index++, cells, user_data, error))
            goto out;
          after = row->row;
        }

      if (rows->len < CB_REPORT_PAGE_SIZE)
        break;
    }

  ret = TRUE;

out:
  g_string_chunk_free (chunk);
  return ret;
}

/* CSV */

static gboolean set_write_error (GError **error, GError *local_error, const char *path);

void
cb_report_append_csv_field (GString    *out,
                            const char *value)
{
  gboolean guard;
  gboolean quote = FALSE;

  g_return_if_fail (out != NULL);

  if (value == NULL || value[0] == '\0')
    return;

  guard = strchr ("=+-@\t\r", value[0]) != NULL;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n')
        {
          quote = TRUE;
          break;
        }
    }

  if (!quote)
    {
      if (guard)
        g_string_append_c (out, '\'');
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GString       *buffer;
} CsvWriter;

static gboolean
csv_flush (CsvWriter  *writer,
           GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (writer->buffer->len == 0)
    return TRUE;

  if (!g_output_stream_write_all (writer->stream, writer->buffer->str, writer->buffer->len,
                                  NULL, writer->cancellable, &local_error))
    return set_write_error (error, g_steal_pointer (&local_error), NULL);

  g_string_truncate (writer->buffer, 0);
  return TRUE;
}

/* The recipient's phone, after the row number. */
#define PHONE_COLUMN 1

static void
append_int (GString *out,
            gint64   value)
{
  char text[24];
  char *p = text + sizeof text;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = '0' + (char) (magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, text + sizeof text - p);
}

/* An E.164 number as the store keeps it: '+' and 1 to 15 digits, the first not 0. A
 * spreadsheet reads it as a number, never as a formula, and a user (or a script reading
 * the file back) needs it exactly so: the phone column takes no guard when it holds one. */
static gboolean
is_e164 (const char *str)
{
  guint n = 0;

  if (str[0] != '+' || str[1] < '1' || str[1] > '9')
    return FALSE;

  for (const char *p = str + 1; *p != '\0'; p++, n++)
    {
      if (!g_ascii_isdigit (*p) || n == 15)
        return FALSE;
    }

  return TRUE;
}

static gboolean
csv_row (Report      *report,
         guint        index,
         const Cell  *cells,
         gpointer     user_data,
         GError     **error)
{
  CsvWriter *writer = user_data;
  GString *out = writer->buffer;
  guint n = n_columns (report);

  for (guint c = 0; c < n; c++)
    {
      const Cell *cell = &cells[c];

      if (c > 0)
        g_string_append_c (out, ',');

      switch (cell->kind)
        {
        case CELL_EMPTY:
          break;

        case CELL_STRING:
          if (c == PHONE_COLUMN && is_e164 (cell->str))
            g_string_append (out, cell->str);
          else
            cb_report_append_csv_field (out, cell->str);
          break;

        case CELL_INT:
          append_int (out, cell->num);
          break;

        case CELL_SECONDS:
          append_int (out, cell->num / 1000);
          g_string_append_c (out, '.');
          append_int (out, (cell->num % 1000) / 100);
          break;

        case CELL_TIME:
          append_rfc3339 (out, report, cell->num);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  g_string_append (out, "\r\n");

  if (out->len >= CSV_CHUNK)
    return csv_flush (writer, error);

  return TRUE;
}

static gboolean
write_csv (Report         *report,
           GOutputStream  *stream,
           GCancellable   *cancellable,
           GError        **error)
{
  g_auto(GStrv) header = dup_header (report);
  CsvWriter writer = { stream, cancellable, NULL };
  gboolean ret;

  writer.buffer = g_string_sized_new (CSV_CHUNK + 4096);
  for (guint c = 0; header[c] != NULL; c++)
    {
      if (c > 0)
        g_string_append_c (writer.buffer, ',');
      cb_report_append_csv_field (writer.buffer, header[c]);
    }
  g_string_append (writer.buffer, "\r\n");

  ret = foreach_recipient (report, csv_row, &writer, cancellable, error)
        && csv_flush (&writer, error);

  g_string_free (writer.buffer, TRUE);
  return ret;
}

/* XLSX */

typedef struct
{
  lxw_workbook  *workbook;
  lxw_worksheet *sheet;
  lxw_format    *bold;
  lxw_format    *title;
  lxw_format    *date;
  lxw_format    *seconds;
  guint         *widths;
  guint          n_rows;
} XlsxWriter;

static guint
display_width (const char *str)
{
  guint n = 0;

  for (const char *p = str; *p != '\0' && n <= MAX_WIDTH; p++)
    {
      if (*p == '\n')
        return MAX_WIDTH;
      if (((guchar) *p & 0xc0) != 0x80)
        n++;
    }

  return n;
}

static void
xlsx_write_string (lxw_worksheet *sheet,
                   lxw_row_t      row,
                   lxw_col_t      col,
                   const char    *str,
                   lxw_format    *format)
{
  g_autofree char *valid = NULL;
  g_autofree char *cut = NULL;
  gsize len = strlen (str);

  if (!g_utf8_validate_len (str, len, NULL))
    str = valid = g_utf8_make_valid (str, len);

  if (len > XLSX_MAX_CELL_CHARS && g_utf8_strlen (str, -1) > XLSX_MAX_CELL_CHARS)
    {
      const char *end = g_utf8_offset_to_pointer (str, XLSX_MAX_CELL_CHARS);

      str = cut = g_strndup (str, end - str);
    }

  worksheet_write_string (sheet, row, col, str, format);
}

static gboolean
xlsx_row (Report      *report,
          guint        index,
          const Cell  *cells,
          gpointer     user_data,
          GError     **error)
{
  XlsxWriter *writer = user_data;
  lxw_row_t row = index + 1;
  guint n = n_columns (report);

  writer->n_rows = index + 1;

  for (guint c = 0; c < n; c++)
    {
      const Cell *cell = &cells[c];

      switch (cell->kind)
        {
        case CELL_EMPTY:
          break;

        case CELL_STRING:
          xlsx_write_string (writer->sheet, row, c, cell->str, NULL);
          writer->widths[c] = MAX (writer->widths[c], display_width (cell->str));
          break;

        case CELL_INT:
          worksheet_write_number (writer->sheet, row, c, (double) cell->num, NULL);
          break;

        case CELL_SECONDS:
          worksheet_write_number (writer->sheet, row, c, (double) cell->num / 1000.0,
                                  writer->seconds);
          break;

        case CELL_TIME:
          worksheet_write_number (writer->sheet, row, c, excel_serial (report, cell->num),
                                  writer->date);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

static void
summary_field_string (XlsxWriter *writer,
                      lxw_row_t  *row,
                      const char *label,
                      const char *value)
{
  worksheet_write_string (writer->sheet, *row, 0, label, writer->bold);
  if (value != NULL && value[0] != '\0')
    xlsx_write_string (writer->sheet, *row, 1, value, NULL);
  (*row)++;
}

static void
summary_field_number (XlsxWriter *writer,
                      lxw_row_t  *row,
                      const char *label,
                      double      value)
{
  worksheet_write_string (writer->sheet, *row, 0, label, writer->bold);
  worksheet_write_number (writer->sheet, *row, 1, value, NULL);
  (*row)++;
}

static void
summary_field_time (XlsxWriter *writer,
                    Report     *report,
                    lxw_row_t  *row,
                    const char *label,
                    GDateTime  *value)
{
  worksheet_write_string (writer->sheet, *row, 0, label, writer->bold);
  if (value != NULL)
    worksheet_write_number (writer->sheet, *row, 1,
                            excel_serial (report, cb_store_datetime_to_ms (value)),
                            writer->date);
  (*row)++;
}

static void
write_summary (Report     *report,
               XlsxWriter *writer,
               const char *sheet_name)
{
  CbBatch *batch = report->batch;
  const CbBatchCounters *counters = cb_batch_get_counters (batch);
  lxw_row_t row = 0;
  lxw_row_t first_outcome;
  lxw_chart *chart;
  lxw_chart_series *series;
  lxw_chart_options options = { .x_offset = 10, .y_offset = 0, .x_scale = 1.2, .y_scale = 1.4 };

  worksheet_set_column (writer->sheet, 0, 0, 24, NULL);
  worksheet_set_column (writer->sheet, 1, 1, 40, NULL);

  worksheet_write_string (writer->sheet, row++, 0, _("Batch report"), writer->title);
  row++;

  summary_field_string (writer, &row, _("Name"), cb_batch_get_name (batch));
  summary_field_string (writer, &row, _("Batch ID"), cb_batch_get_id (batch));
  summary_field_string (writer, &row, _("Agent"), report->agent);
  summary_field_string (writer, &row, _("Caller ID"), report->caller_id);
  summary_field_string (writer, &row, _("Status"),
                        cb_batch_status_to_string (cb_batch_get_status (batch)));
  summary_field_time (writer, report, &row, _("Created"), cb_batch_get_created_at (batch));
  summary_field_time (writer, report, &row, _("Scheduled"), cb_batch_get_scheduled_at (batch));
  summary_field_time (writer, report, &row, _("Started"), cb_batch_get_started_at (batch));
  summary_field_time (writer, report, &row, _("Finished"), cb_batch_get_finished_at (batch));
  summary_field_string (writer, &row, _("Time zone"), cb_batch_get_timezone (batch));
  summary_field_number (writer, &row, _("Max retries"), cb_batch_get_max_retries (batch));
  summary_field_number (writer, &row, _("Retry delay (s)"), cb_batch_get_retry_delay_s (batch));
  summary_field_number (writer, &row, _("Concurrency"), cb_batch_get_concurrency (batch));
  if (cb_batch_get_call_window (batch) != NULL)
    summary_field_string (writer, &row, _("Calling window"), cb_batch_get_call_window (batch));
  if (cb_batch_get_pause_reason (batch) != NULL)
    summary_field_string (writer, &row, _("Pause reason"), cb_batch_get_pause_reason (batch));
  if (cb_batch_get_error (batch) != NULL)
    summary_field_string (writer, &row, _("Error"), cb_batch_get_error (batch));
  row++;

  worksheet_write_string (writer->sheet, row++, 0, _("Counters"), writer->title);
  summary_field_number (writer, &row, _("Total"), counters->total);
  summary_field_number (writer, &row, _("Pending"), counters->pending);
  summary_field_number (writer, &row, _("Dialing"), counters->dialing);
  summary_field_number (writer, &row, _("Completed"), counters->completed);
  summary_field_number (writer, &row, _("Failed"), counters->failed);
  summary_field_number (writer, &row, _("Cancelled"), counters->cancelled);
  summary_field_number (writer, &row, _("Picked up"), counters->picked_up);
  summary_field_number (writer, &row, _("Calls placed"), counters->sent);
  row++;

  worksheet_write_string (writer->sheet, row, 0, _("Outcome"), writer->title);
  worksheet_write_string (writer->sheet, row++, 1, _("Recipients"), writer->title);
  first_outcome = row;
  for (guint i = 0; i < report->outcomes->len; i++)
    {
      const OutcomeCount *count = g_ptr_array_index (report->outcomes, i);

      summary_field_number (writer, &row, count->label, count->count);
    }

  if (report->outcomes->len == 0)
    return;

  chart = workbook_add_chart (writer->workbook, LXW_CHART_BAR);
  chart_title_set_name (chart, _("Outcomes"));
  chart_legend_set_position (chart, LXW_CHART_LEGEND_NONE);
  series = chart_add_series (chart, NULL, NULL);
  chart_series_set_name (series, _("Recipients"));
  chart_series_set_categories (series, sheet_name, first_outcome, 0, row - 1, 0);
  chart_series_set_values (series, sheet_name, first_outcome, 1, row - 1, 1);
  worksheet_insert_chart_opt (writer->sheet, 2, 3, chart, &options);
}

/* A translated sheet name, or @fallback when the translation is not a valid one. */
static const char *
sheet_name (lxw_workbook *workbook,
            const char   *translated,
            const char   *fallback)
{
  if (workbook_validate_sheet_name (workbook, translated) == LXW_NO_ERROR)
    return translated;
  return fallback;
}

static gboolean
write_xlsx (Report        *report,
            const char    *path,
            GCancellable  *cancellable,
            GError       **error)
{
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL,
                                   .use_zip64 = LXW_FALSE };
  g_autofree char *tmpdir = g_strdup (g_get_tmp_dir ());
  g_autofree char *title = NULL;
  g_auto(GStrv) header = dup_header (report);
  lxw_doc_properties properties = { 0 };
  XlsxWriter writer = { 0 };
  const char *summary_name;
  const char *recipients_name;
  lxw_worksheet *summary;
  lxw_worksheet *recipients;
  guint n = n_columns (report);
  lxw_error lxw_status;
  gboolean ret = FALSE;

  options.tmpdir = tmpdir;
  writer.workbook = workbook_new_opt (path, &options);
  if (writer.workbook == NULL)
    {
      g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                   _("Could not start the workbook “%s”."), path);
      return FALSE;
    }

  title = g_strdup_printf (_("Batch report: %s"), cb_batch_get_name (report->batch));
  properties.title = title;
  properties.company = (char *) "Callboard";
  workbook_set_properties (writer.workbook, &properties);

  writer.bold = workbook_add_format (writer.workbook);
  format_set_bold (writer.bold);
  writer.title = workbook_add_format (writer.workbook);
  format_set_bold (writer.title);
  format_set_font_size (writer.title, 13);
  writer.date = workbook_add_format (writer.workbook);
  format_set_num_format (writer.date, DATE_FORMAT);
  writer.seconds = workbook_add_format (writer.workbook);
  format_set_num_format (writer.seconds, "0.0");

  /* The Summary comes first but is written last: its chart counts the rows as read.
   * Formats are numbered in the order of their first use, so they are numbered here as
   * the Summary uses them, before the rows use theirs. */
  lxw_format_get_xf_index (writer.title);
  lxw_format_get_xf_index (writer.bold);
  if (cb_batch_get_created_at (report->batch) != NULL
      || cb_batch_get_scheduled_at (report->batch) != NULL
      || cb_batch_get_started_at (report->batch) != NULL
      || cb_batch_get_finished_at (report->batch) != NULL)
    lxw_format_get_xf_index (writer.date);

  summary_name = sheet_name (writer.workbook, _("Summary"), "Summary");
  summary = workbook_add_worksheet (writer.workbook, summary_name);

  recipients_name = sheet_name (writer.workbook, _("Recipients"), "Recipients");
  writer.sheet = workbook_add_worksheet (writer.workbook, recipients_name);
  /* Rows go to a temporary file a few bytes at a time: a larger buffer saves system calls. */
  if (writer.sheet != NULL && writer.sheet->optimize_tmpfile != NULL)
    setvbuf (writer.sheet->optimize_tmpfile, NULL, _IOFBF, XLSX_SHEET_BUFFER);
  writer.widths = g_new0 (guint, n);
  for (guint c = 0; c < n; c++)
    {
      worksheet_write_string (writer.sheet, 0, c, header[c], writer.bold);
      writer.widths[c] = display_width (header[c]) + 2;
    }
  worksheet_freeze_panes (writer.sheet, 1, 0);

  report->count_outcomes = TRUE;
  if (!foreach_recipient (report, xlsx_row, &writer, cancellable, error))
    goto out;

  for (guint c = 0; c < n; c++)
    {
      double width = CLAMP (writer.widths[c] + 1, MIN_WIDTH, MAX_WIDTH);

      /* Dates and times are 19 characters. */
      if (c == n - 3 || c == n - 2)
        width = 20;
      worksheet_set_column (writer.sheet, c, c, width, NULL);
    }

  recipients = writer.sheet;
  g_ptr_array_sort (report->outcomes, compare_outcomes);
  writer.sheet = summary;
  write_summary (report, &writer, summary_name);
  writer.sheet = recipients;

  ret = TRUE;

out:
  if (ret)
    {
      /* The autofilter covers the header and every row written. */
      worksheet_autofilter (writer.sheet, 0, 0, writer.n_rows, n - 1);
    }

  lxw_status = workbook_close (writer.workbook);
  g_free (writer.widths);

  if (ret && lxw_status != LXW_NO_ERROR)
    {
      g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                   _("Could not write “%s”: %s"), path, lxw_strerror (lxw_status));
      return FALSE;
    }

  return ret;
}

/* Entry points */

/* Takes @local_error: a cancellation as it is, anything else as a report error. */
static gboolean
set_write_error (GError     **error,
                 GError      *local_error,
                 const char  *path)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      if (path != NULL)
        g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                     _("Could not write “%s”: %s"), path, local_error->message);
      else
        g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                     _("Could not write the report: %s"), local_error->message);
      g_error_free (local_error);
    }

  return FALSE;
}

static gboolean
write_report_to_path (Report        *report,
                      CbReportFormat format,
                      const char    *path,
                      GCancellable  *cancellable,
                      GError       **error)
{
  if (format == CB_REPORT_FORMAT_XLSX)
    return write_xlsx (report, path, cancellable, error);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GFileOutputStream) stream = NULL;
      g_autoptr(GError) local_error = NULL;

      stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream == NULL)
        return set_write_error (error, g_steal_pointer (&local_error), path);

      if (!write_csv (report, G_OUTPUT_STREAM (stream), cancellable, error))
        return FALSE;

      if (!g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error))
        return set_write_error (error, g_steal_pointer (&local_error), path);

      return TRUE;
    }
}

/* A new empty file next to @path (or in the temporary folder when @path is NULL). */
static char *
make_temp_file (const char  *path,
                GError     **error)
{
  g_autofree char *template = NULL;
  int fd;

  if (path != NULL)
    template = g_strdup_printf ("%s.XXXXXX", path);
  else
    template = g_build_filename (g_get_tmp_dir (), "callboard-report-XXXXXX", NULL);

  fd = g_mkstemp (template);
  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *dir = g_path_get_dirname (template);

      g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                   _("Could not create a file in “%s”: %s"), dir, g_strerror (errsv));
      return NULL;
    }
  close (fd);

  return g_steal_pointer (&template);
}

gboolean
cb_report_write (CbStore         *store,
                 const char      *batch_id,
                 CbReportFormat   format,
                 const char      *path,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(Report) report = NULL;
  g_autofree char *tmp = NULL;

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!(report = report_load (store, batch_id, cancellable, error)))
    return FALSE;

  if (!(tmp = make_temp_file (path, error)))
    return FALSE;

  if (!write_report_to_path (report, format, tmp, cancellable, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      g_set_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FAILED,
                   _("Could not write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

gboolean
cb_report_write_to_stream (CbStore         *store,
                           const char      *batch_id,
                           CbReportFormat   format,
                           GOutputStream   *stream,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(Report) report = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tmp = NULL;
  gssize n;

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!(report = report_load (store, batch_id, cancellable, error)))
    return FALSE;

  if (format == CB_REPORT_FORMAT_CSV)
    return write_csv (report, stream, cancellable, error);

  /* libxlsxwriter writes files only: through a temporary one. */
  if (!(tmp = make_temp_file (NULL, error)))
    return FALSE;

  if (!write_xlsx (report, tmp, cancellable, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  file = g_file_new_for_path (tmp);
  input = g_file_read (file, cancellable, &local_error);
  if (input != NULL)
    n = g_output_stream_splice (stream, G_INPUT_STREAM (input),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, cancellable, &local_error);
  else
    n = -1;
  g_unlink (tmp);

  if (n < 0)
    return set_write_error (error, g_steal_pointer (&local_error), NULL);

  return TRUE;
}

GBytes *
cb_report_write_bytes (CbStore         *store,
                       const char      *batch_id,
                       CbReportFormat   format,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GOutputStream) stream = NULL;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  stream = g_memory_output_stream_new_resizable ();
  if (!cb_report_write_to_stream (store, batch_id, format, stream, cancellable, error))
    return NULL;

  g_output_stream_close (stream, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

/* Async */

typedef struct
{
  CbStore        *store;
  char           *batch_id;
  char           *path;
  CbReportFormat  format;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->store);
  g_free (data->batch_id);
  g_free (data->path);
  g_free (data);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (data->path != NULL)
    {
      if (cb_report_write (data->store, data->batch_id, data->format, data->path, cancellable,
                           &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
    }
  else
    {
      GBytes *bytes = cb_report_write_bytes (data->store, data->batch_id, data->format,
                                             cancellable, &error);

      if (bytes != NULL)
        g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      else
        g_task_return_error (task, error);
    }
}

static void
start_write_task (CbStore             *store,
                  const char          *batch_id,
                  CbReportFormat       format,
                  const char          *path,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (WriteData, 1);
  data->store = g_object_ref (store);
  data->batch_id = g_strdup (batch_id);
  data->path = g_strdup (path);
  data->format = format;
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);

  g_task_run_in_thread (task, write_thread);
}

void
cb_report_write_async (CbStore             *store,
                       const char          *batch_id,
                       CbReportFormat       format,
                       const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CB_IS_STORE (store));
  g_return_if_fail (batch_id != NULL);
  g_return_if_fail (path != NULL);

  start_write_task (store, batch_id, format, path, cancellable, callback, user_data,
                    cb_report_write_async);
}

gboolean
cb_report_write_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cb_report_write_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cb_report_write_bytes_async (CbStore             *store,
                             const char          *batch_id,
                             CbReportFormat       format,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CB_IS_STORE (store));
  g_return_if_fail (batch_id != NULL);

  start_write_task (store, batch_id, format, NULL, cancellable, callback, user_data,
                    cb_report_write_bytes_async);
}

GBytes *
cb_report_write_bytes_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cb_report_write_bytes_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
