/* cb-import.c — reading and validating recipient files (SPEC §4)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a file is read:
 *
 * - The format comes from the content, never the name: see cb_import_detect_format().
 * - The header is the first row that is not blank. Its cells are trimmed; empty cells
 *   at its end are dropped, an empty one before a named one is an error, and two names
 *   that are equal ignoring case are an error. The phone column is the first header
 *   named phone, phone_number, to_number or number (ignoring case), or the one the
 *   options name. Every other column is a dynamic variable.
 * - A data row whose cells (those under a header) are all empty or white space is blank:
 *   skipped, but it keeps its row number. Cells beyond the header are ignored, missing
 *   ones are empty. Values are kept exactly as written.
 * - Each other row gets the first reason that applies, in this order: missing_phone,
 *   invalid_phone_number, country_not_allowed, suppressed, duplicate. A row is a
 *   duplicate when an earlier row parsed to the same E.164 number, whatever became of
 *   that earlier row; since the country and the do-not-call list depend on the number
 *   alone, in practice the first occurrence decides and the later ones are duplicates
 *   only when the number is otherwise fine.
 *
 * Speed: rows are read in the calling thread and handed, 1,024 at a time, to a pool of
 * worker threads that parse the phone numbers (the phone layer is thread-safe and is
 * where the time goes) and free the cells nobody keeps. The checks that depend on order
 * (duplicates) and the counting run in the calling thread, chunk by chunk in file order,
 * so the result never depends on scheduling. At most a few chunks are in flight, and
 * their memory is reused. Plain numbers ("+1 (415) 555-0100") are parsed row by row, which
 * the phone layer does quickly; any other text is parsed once per file (see
 * validate_phone()), as libphonenumber takes longer over it. What grows with the file is
 * one entry per distinct valid number, for the duplicate check, and one per distinct
 * text that is not a plain number. */

#define G_LOG_DOMAIN "callboard-import"

#include "config.h"

#include "cb-import.h"
#include "cb-import-private.h"
#include "cb-phone.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_ROWS  1024
#define MAX_PENDING 4
#define SNIFF_SIZE  8192

G_DEFINE_QUARK (cb-import-error-quark, cb_import_error)

typedef struct
{
  guint           row;
  CbImportReason  reason;
  char          **cells;   /* one per column, never NULL */
} InvalidRow;

struct _CbImportReport
{
  gatomicrefcount  ref_count;
  char            *file;
  CbImportFormat   format;
  guint            rows;
  guint            valid;
  guint            invalid;
  GStrv            columns;
  char            *phone_column;
  guint            phone_index;
  GStrv            variables;
  GArray          *reason_rows[CB_IMPORT_N_REASONS];
  GPtrArray       *recipients;
  GPtrArray       *invalid_rows;
  gboolean         kept_invalid;
};

static const struct {
  const char *code;
  const char *message;
} reasons[CB_IMPORT_N_REASONS] = {
  [CB_IMPORT_REASON_MISSING_PHONE] = { "missing_phone", N_("Phone number is empty") },
  [CB_IMPORT_REASON_INVALID_PHONE_NUMBER] = { "invalid_phone_number", N_("Not a valid phone number") },
  [CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED] = { "country_not_allowed", N_("Country not allowed") },
  [CB_IMPORT_REASON_DUPLICATE] = { "duplicate", N_("Same number as an earlier row") },
  [CB_IMPORT_REASON_SUPPRESSED] = { "suppressed", N_("Number is on the do-not-call list") },
};

const char *
cb_import_reason_to_string (CbImportReason reason)
{
  g_return_val_if_fail (reason < CB_IMPORT_N_REASONS, NULL);

  return reasons[reason].code;
}

const char *
cb_import_reason_message (CbImportReason reason)
{
  g_return_val_if_fail (reason < CB_IMPORT_N_REASONS, NULL);

  return _(reasons[reason].message);
}

/* Messages the readers share */

void
cb_import_set_corrupt_error (GError     **error,
                             const char  *display_name,
                             const char  *detail)
{
  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CORRUPT,
               _("“%s” is damaged or incomplete: %s"), display_name, detail);
}

void
cb_import_set_encoding_error (GError     **error,
                              const char  *display_name,
                              guint        row)
{
  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_ENCODING,
               _("Row %u of “%s” is not UTF-8 text: save the file as “CSV UTF-8” and try again"),
               row, display_name);
}

void
cb_import_set_too_large_error (GError     **error,
                               const char  *display_name,
                               goffset      max_bytes)
{
  g_autofree char *size = g_format_size (max_bytes);

  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_TOO_LARGE,
               _("“%s” is larger than %s: split it into smaller files"), display_name, size);
}

/* Text helpers */

/* Python's str.isspace(), which the phone layer also trims. */
static gboolean
is_space (gunichar c)
{
  switch (c)
    {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
    case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20:
    case 0x85: case 0xa0: case 0x1680:
    case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004: case 0x2005:
    case 0x2006: case 0x2007: case 0x2008: case 0x2009: case 0x200a:
    case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
cb_import_text_is_blank (const char *text,
                         gssize      len)
{
  const char *end;

  if (text == NULL)
    return TRUE;

  end = text + (len < 0 ? strlen (text) : (gsize)len);
  while (text < end)
    {
      if ((guchar)*text < 0x80)
        {
          if (!is_space ((guchar)*text))
            return FALSE;
          text++;
        }
      else
        {
          if (!is_space (g_utf8_get_char (text)))
            return FALSE;
          text = g_utf8_next_char (text);
        }
    }

  return TRUE;
}

static char *
trim_dup (const char *text)
{
  const char *start;
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  start = text;
  end = text + strlen (text);
  while (start < end && is_space (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!is_space (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

/* Numbers as typed */

char *
cb_import_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 8];
  char digits[32];
  GString *out;
  const char *p;
  guint n_digits = 0;
  int exponent;
  gboolean negative;

  if (!isfinite (value))
    return g_strdup ("#NUM!");

  if (value == 0)
    return g_strdup ("0");

  if (value == floor (value))
    return g_strdup_printf ("%.0f", value);

  /* The shortest scientific form that reads back as @value… */
  for (int precision = 0; precision < 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* …written out without the exponent. */
  p = buf;
  negative = *p == '-';
  if (negative)
    p++;
  for (; *p != '\0' && *p != 'e'; p++)
    {
      if (g_ascii_isdigit (*p) && n_digits < sizeof digits - 1)
        digits[n_digits++] = *p;
    }
  digits[n_digits] = '\0';
  exponent = *p == 'e' ? atoi (p + 1) : 0;

  while (n_digits > 1 && digits[n_digits - 1] == '0')
    digits[--n_digits] = '\0';

  out = g_string_new (negative ? "-" : NULL);
  if (exponent < 0)
    {
      g_string_append (out, "0.");
      for (int i = -1; i > exponent; i--)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      for (int i = 0; i <= exponent; i++)
        g_string_append_c (out, (guint)i < n_digits ? digits[i] : '0');
      if ((guint)exponent + 1 < n_digits)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + exponent + 1);
        }
    }

  return g_string_free (out, FALSE);
}

char *
cb_import_format_number_text (const char *text)
{
  char *end = NULL;
  double value;

  if (text == NULL || text[0] == '\0')
    return NULL;

  /* Only plain decimal notation: no "inf", "nan" or hexadecimal. */
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && strchr ("+-.eE", *p) == NULL)
        return NULL;
    }

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return NULL;

  return cb_import_format_number (value);
}

/* Format detection */

CbImportFormat
cb_import_detect_format (const guint8 *data,
                         gsize         len)
{
  g_return_val_if_fail (data != NULL || len == 0, CB_IMPORT_FORMAT_UNKNOWN);

  if (len == 0)
    return CB_IMPORT_FORMAT_UNKNOWN;

  if (len >= 4 && data[0] == 'P' && data[1] == 'K' &&
      ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6) ||
       (data[2] == 7 && data[3] == 8)))
    return CB_IMPORT_FORMAT_XLSX;

  if (len >= 4 && data[0] == 0xd0 && data[1] == 0xcf && data[2] == 0x11 && data[3] == 0xe0)
    return CB_IMPORT_FORMAT_XLS;

  /* UTF-16 text is text: the CSV reader explains how to save it as UTF-8. */
  if (len >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)))
    return CB_IMPORT_FORMAT_CSV;

  /* Text has no NUL and no control characters other than tab, line breaks and form
   * feed. Text in a legacy 8-bit encoding still counts as text here: the CSV reader then
   * names the first row that is not UTF-8, which says more than "unknown format". */
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
        return CB_IMPORT_FORMAT_UNKNOWN;
      if (c == 0x7f)
        return CB_IMPORT_FORMAT_UNKNOWN;
    }

  return CB_IMPORT_FORMAT_CSV;
}

/* A set of E.164 numbers, as integers (at most 15 digits, the first never 0). */

typedef struct
{
  guint64 *slots;
  gsize    mask;
  gsize    count;
} NumberSet;

static void
number_set_clear (NumberSet *set)
{
  g_clear_pointer (&set->slots, g_free);
  set->mask = set->count = 0;
}

static inline gsize
number_hash (guint64 n)
{
  n ^= n >> 33;
  n *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  n ^= n >> 33;
  return (gsize)n;
}

/* Adds @n (not 0); returns FALSE when it was there already. */
static gboolean
number_set_add (NumberSet *set,
                guint64    n)
{
  gsize i;

  if (set->slots == NULL || (set->count + 1) * 4 > (set->mask + 1) * 3)
    {
      gsize new_size = set->slots == NULL ? 1024 : (set->mask + 1) * 2;
      guint64 *old = set->slots;
      gsize old_size = set->slots == NULL ? 0 : set->mask + 1;

      set->slots = g_new0 (guint64, new_size);
      set->mask = new_size - 1;
      set->count = 0;
      for (gsize j = 0; j < old_size; j++)
        if (old[j] != 0)
          number_set_add (set, old[j]);
      g_free (old);
    }

  for (i = number_hash (n) & set->mask; set->slots[i] != 0; i = (i + 1) & set->mask)
    {
      if (set->slots[i] == n)
        return FALSE;
    }

  set->slots[i] = n;
  set->count++;
  return TRUE;
}

static guint64
number_from_e164 (const char *e164)
{
  guint64 n = 0;

  if (e164[0] == '+')
    e164++;
  for (; g_ascii_isdigit (*e164); e164++)
    n = n * 10 + (guint64)(*e164 - '0');

  return n;
}

/* The import itself */

typedef struct _Importer Importer;

/* What cb_phone_validate() said about one phone text. */
typedef struct
{
  CbPhoneResult result;
  CbParsedPhone parsed;
} ParseResult;

typedef struct
{
  Importer      *importer;
  guint          n_rows;
  guint          rows[CHUNK_ROWS];
  char         **cells;        /* n_rows × importer->n_columns; NULL is empty */
  CbPhoneResult  results[CHUNK_ROWS];
  CbParsedPhone  parsed[CHUNK_ROWS];
  gboolean       done;
} Chunk;

struct _Importer
{
  CbImportReport *report;
  const char     *display_name;

  char           *region;
  GStrv           allowed;
  GHashTable     *suppressed;
  guint           max_rows;
  gboolean        keep_recipients;
  gboolean        keep_invalid;

  guint           n_columns;
  guint           phone_index;
  guint           chunk_rows;     /* rows per chunk: fewer for very wide files */
  NumberSet       seen;

  /* Text that is not a plain number → ParseResult, shared by the workers. */
  GMutex          memo_mutex;
  GHashTable     *memo;

  GThreadPool    *pool;
  GMutex          mutex;
  GCond           cond;
  GQueue          pending;
  Chunk          *filling;
  /* Finished chunks whose memory the next ones reuse. */
  GQueue          spare;
};

static Chunk *
chunk_new (Importer *importer)
{
  Chunk *chunk = g_queue_pop_head (&importer->spare);

  if (chunk == NULL)
    {
      chunk = g_new (Chunk, 1);
      chunk->importer = importer;
      chunk->cells = g_new0 (char *, (gsize)importer->chunk_rows * importer->n_columns);
    }

  chunk->n_rows = 0;
  chunk->done = FALSE;

  return chunk;
}

/* Frees the cells of @chunk that are left, keeping the array all NULL. */
static void
chunk_clear_cells (Chunk *chunk)
{
  gsize n = (gsize)chunk->n_rows * chunk->importer->n_columns;

  for (gsize i = 0; i < n; i++)
    g_clear_pointer (&chunk->cells[i], g_free);
}

static void
chunk_free (Chunk *chunk)
{
  chunk_clear_cells (chunk);
  g_free (chunk->cells);
  g_free (chunk);
}

/* Done with @chunk: keeps it for reuse (a few at most) or frees it. */
static void
chunk_recycle (Chunk *chunk)
{
  Importer *importer = chunk->importer;

  if (importer->spare.length > MAX_PENDING)
    {
      chunk_free (chunk);
      return;
    }

  chunk_clear_cells (chunk);
  chunk->n_rows = 0;
  g_queue_push_head (&importer->spare, chunk);
}

/* A text made of digits, the punctuation ( ) - . / and spaces, with at most a leading
 * "+", between ASCII white space: one the phone layer parses quickly. A FALSE answer
 * only costs time. */
static gboolean
is_plain_number (const char *text)
{
  const char *p = text;

  while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
    p++;
  if (*p == '+')
    p++;
  for (; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && strchr (" ()-./\t\n\v\f\r", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* cb_phone_validate() for a phone cell; any text other than a plain number is parsed
 * once per file. Called from the workers. */
static CbPhoneResult
validate_phone (Importer      *self,
                const char    *phone,
                CbParsedPhone *parsed)
{
  ParseResult *memo;
  CbPhoneResult result;

  if (phone == NULL || is_plain_number (phone))
    return cb_phone_validate (phone != NULL ? phone : "", self->region, parsed);

  g_mutex_lock (&self->memo_mutex);
  memo = g_hash_table_lookup (self->memo, phone);
  if (memo != NULL)
    {
      result = memo->result;
      *parsed = memo->parsed;
    }
  g_mutex_unlock (&self->memo_mutex);
  if (memo != NULL)
    return result;

  result = cb_phone_validate (phone, self->region, parsed);

  g_mutex_lock (&self->memo_mutex);
  if (!g_hash_table_contains (self->memo, phone))
    {
      memo = g_new (ParseResult, 1);
      memo->result = result;
      memo->parsed = *parsed;
      g_hash_table_insert (self->memo, g_strdup (phone), memo);
    }
  g_mutex_unlock (&self->memo_mutex);

  return result;
}

static void
parse_chunk (Chunk *chunk)
{
  Importer *importer = chunk->importer;
  gboolean keep = importer->keep_recipients || importer->keep_invalid;

  for (guint i = 0; i < chunk->n_rows; i++)
    {
      char **cells = &chunk->cells[(gsize)i * importer->n_columns];

      chunk->results[i] = validate_phone (importer, cells[importer->phone_index],
                                          &chunk->parsed[i]);

      /* Nothing else reads the cells then: the worker frees them, not the reading thread. */
      if (!keep)
        {
          for (guint j = 0; j < importer->n_columns; j++)
            g_clear_pointer (&cells[j], g_free);
        }
    }
}

static void
parse_chunk_in_thread (gpointer data,
                       gpointer user_data)
{
  Chunk *chunk = data;
  Importer *importer = user_data;

  parse_chunk (chunk);

  g_mutex_lock (&importer->mutex);
  chunk->done = TRUE;
  g_cond_broadcast (&importer->cond);
  g_mutex_unlock (&importer->mutex);
}

static void
wait_for_chunk (Importer *self,
                Chunk    *chunk)
{
  g_mutex_lock (&self->mutex);
  while (!chunk->done)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static gboolean
is_allowed (Importer   *self,
            const char *region)
{
  if (self->allowed == NULL || self->allowed[0] == NULL)
    return TRUE;

  for (guint i = 0; self->allowed[i] != NULL; i++)
    {
      if (g_str_equal (self->allowed[i], region))
        return TRUE;
    }

  return FALSE;
}

static char **
take_cells (Chunk *chunk,
            guint  index,
            guint  n_columns)
{
  char **cells = g_new (char *, n_columns + 1);
  char **source = &chunk->cells[(gsize)index * n_columns];

  for (guint j = 0; j < n_columns; j++)
    {
      cells[j] = source[j] != NULL ? source[j] : g_strdup ("");
      source[j] = NULL;
    }
  cells[n_columns] = NULL;

  return cells;
}

static void
invalid_row_free (InvalidRow *row)
{
  g_strfreev (row->cells);
  g_free (row);
}

static void
recipient_free (CbImportRecipient *recipient)
{
  g_free (recipient->raw);
  g_free (recipient->e164);
  g_free (recipient->region);
  g_strfreev (recipient->values);
  g_free (recipient);
}

/* The checks that depend on order, for the rows of @chunk (parsed), in file order. */
static void
finish_chunk (Importer *self,
              Chunk    *chunk)
{
  CbImportReport *report = self->report;

  for (guint i = 0; i < chunk->n_rows; i++)
    {
      CbParsedPhone *parsed = &chunk->parsed[i];
      int reason = -1;

      switch (chunk->results[i])
        {
        case CB_PHONE_EMPTY:
          reason = CB_IMPORT_REASON_MISSING_PHONE;
          break;

        case CB_PHONE_UNPARSABLE:
        case CB_PHONE_INVALID:
          reason = CB_IMPORT_REASON_INVALID_PHONE_NUMBER;
          break;

        case CB_PHONE_OK:
        default:
          {
            gboolean first = number_set_add (&self->seen, number_from_e164 (parsed->e164));

            if (!is_allowed (self, parsed->region))
              reason = CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED;
            else if (self->suppressed != NULL &&
                     g_hash_table_contains (self->suppressed, parsed->e164))
              reason = CB_IMPORT_REASON_SUPPRESSED;
            else if (!first)
              reason = CB_IMPORT_REASON_DUPLICATE;
          }
          break;
        }

      if (reason >= 0)
        {
          report->invalid++;
          g_array_append_val (report->reason_rows[reason], chunk->rows[i]);

          if (self->keep_invalid)
            {
              InvalidRow *row = g_new0 (InvalidRow, 1);

              row->row = chunk->rows[i];
              row->reason = reason;
              row->cells = take_cells (chunk, i, self->n_columns);
              g_ptr_array_add (report->invalid_rows, row);
            }
        }
      else
        {
          report->valid++;

          if (self->keep_recipients)
            {
              CbImportRecipient *recipient = g_new0 (CbImportRecipient, 1);
              g_auto(GStrv) cells = take_cells (chunk, i, self->n_columns);
              guint k = 0;

              recipient->row = chunk->rows[i];
              recipient->e164 = g_strdup (parsed->e164);
              recipient->region = g_strdup (parsed->region);
              recipient->values = g_new0 (char *, self->n_columns);
              for (guint j = 0; j < self->n_columns; j++)
                {
                  if (j == self->phone_index)
                    recipient->raw = g_steal_pointer (&cells[j]);
                  else
                    recipient->values[k++] = g_steal_pointer (&cells[j]);
                }
              g_ptr_array_add (report->recipients, recipient);
            }
        }
    }
}

/* Finishes the chunks at the head of the queue: those already parsed, or all of them
 * (waiting) while more than @max_pending remain. */
static void
drain (Importer *self,
       guint     max_pending)
{
  while (!g_queue_is_empty (&self->pending))
    {
      Chunk *chunk = g_queue_peek_head (&self->pending);

      if (self->pending.length > max_pending)
        wait_for_chunk (self, chunk);
      else
        {
          gboolean done;

          g_mutex_lock (&self->mutex);
          done = chunk->done;
          g_mutex_unlock (&self->mutex);
          if (!done)
            break;
        }

      g_queue_pop_head (&self->pending);
      finish_chunk (self, chunk);
      chunk_recycle (chunk);
    }
}

static void
submit_filling (Importer *self)
{
  Chunk *chunk = g_steal_pointer (&self->filling);

  if (chunk == NULL)
    return;

  if (self->pool == NULL)
    {
      guint n_workers = CLAMP (g_get_num_processors (), 1, 8);

      self->pool = g_thread_pool_new (parse_chunk_in_thread, self, n_workers, FALSE, NULL);
    }

  g_queue_push_tail (&self->pending, chunk);

  if (self->pool == NULL || !g_thread_pool_push (self->pool, chunk, NULL))
    {
      parse_chunk (chunk);
      chunk->done = TRUE;
    }
}

static void
importer_clear (Importer *self)
{
  /* Let the workers finish with every chunk before freeing any. */
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
  g_queue_clear_full (&self->pending, (GDestroyNotify)chunk_free);
  g_clear_pointer (&self->filling, chunk_free);
  g_queue_clear_full (&self->spare, (GDestroyNotify)chunk_free);
  number_set_clear (&self->seen);
  g_clear_pointer (&self->memo, g_hash_table_unref);
  g_mutex_clear (&self->memo_mutex);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->allowed, g_strfreev);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
}

static void
free_cells (GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++)
    g_free (g_ptr_array_index (cells, i));
  g_ptr_array_set_size (cells, 0);
}

static gboolean
row_is_blank (GPtrArray *cells,
              guint      n_columns)
{
  for (guint i = 0; i < cells->len && i < n_columns; i++)
    {
      if (!cb_import_text_is_blank (g_ptr_array_index (cells, i), -1))
        return FALSE;
    }

  return TRUE;
}

static char *
quoted_list (GStrv names)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "“%s”", names[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
phone_name_matches (const char *name)
{
  static const char * const names[] = { "phone", "phone_number", "to_number", "number" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (name, names[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
read_header (Importer               *self,
             GPtrArray              *cells,
             const CbImportOptions  *options,
             GError                **error)
{
  CbImportReport *report = self->report;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func (g_free);
  int phone_index = -1;

  for (guint i = 0; i < cells->len; i++)
    g_ptr_array_add (names, trim_dup (g_ptr_array_index (cells, i)));

  while (names->len > 0 && ((char *)g_ptr_array_index (names, names->len - 1))[0] == '\0')
    g_ptr_array_remove_index (names, names->len - 1);

  if (names->len > CB_IMPORT_MAX_COLUMNS)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_TOO_LARGE,
                   _("“%s” has more than %u columns"), self->display_name,
                   (guint)CB_IMPORT_MAX_COLUMNS);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      char *fold;

      if (name[0] == '\0')
        {
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_EMPTY_HEADER,
                       _("Column %u has no name in the header row"), i + 1);
          return FALSE;
        }

      fold = g_utf8_casefold (name, -1);
      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (g_ptr_array_index (folded, j), fold))
            {
              g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_DUPLICATE_HEADER,
                           _("Columns %u (“%s”) and %u (“%s”) have the same name: rename one of them"),
                           j + 1, (const char *)g_ptr_array_index (names, j), i + 1, name);
              g_free (fold);
              return FALSE;
            }
        }
      g_ptr_array_add (folded, fold);
    }

  g_ptr_array_add (names, NULL);
  report->columns = (GStrv)g_ptr_array_free (g_steal_pointer (&names), FALSE);
  self->n_columns = g_strv_length (report->columns);
  self->chunk_rows = CLAMP (64 * 1024 / self->n_columns, 1, CHUNK_ROWS);

  if (options->phone_column != NULL)
    {
      g_autofree char *wanted = trim_dup (options->phone_column);
      g_autofree char *wanted_fold = g_utf8_casefold (wanted, -1);

      if (wanted[0] == '\0')
        {
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION,
                       _("The phone column’s name is empty"));
          return FALSE;
        }

      for (guint i = 0; i < self->n_columns && phone_index < 0; i++)
        {
          if (g_str_equal (g_ptr_array_index (folded, i), wanted_fold))
            phone_index = i;
        }

      if (phone_index < 0)
        {
          g_autofree char *list = quoted_list (report->columns);

          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_NO_PHONE_COLUMN,
                       _("“%s” has no column named “%s”; its columns are %s"),
                       self->display_name, wanted, list);
          return FALSE;
        }
    }
  else
    {
      for (guint i = 0; i < self->n_columns && phone_index < 0; i++)
        {
          if (phone_name_matches (report->columns[i]))
            phone_index = i;
        }

      if (phone_index < 0)
        {
          g_autofree char *list = quoted_list (report->columns);

          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_NO_PHONE_COLUMN,
                       _("“%s” has no phone column: name it “phone”, “phone_number”, “to_number” or “number”, or choose one of its columns: %s"),
                       self->display_name, list);
          return FALSE;
        }
    }

  self->phone_index = phone_index;
  report->phone_index = phone_index;
  report->phone_column = g_strdup (report->columns[phone_index]);
  report->variables = g_new0 (char *, self->n_columns);
  for (guint i = 0, k = 0; i < self->n_columns; i++)
    {
      if (i != (guint)phone_index)
        report->variables[k++] = g_strdup (report->columns[i]);
    }

  return TRUE;
}

static gboolean
set_cancelled_error (Importer      *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;

  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CANCELLED,
               _("Reading “%s” was cancelled"), self->display_name);
  return TRUE;
}

static gboolean
read_rows (Importer               *self,
           CbRowReader            *reader,
           const CbImportOptions  *options,
           GCancellable           *cancellable,
           GError                **error)
{
  CbImportReport *report = self->report;
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  CbRowReaderStatus status;
  gboolean have_header = FALSE;
  guint row = 0;

  reader->max_cells = CB_IMPORT_MAX_COLUMNS + 1;

  while ((status = cb_row_reader_next_row (reader, &row, cells, error)) == CB_ROW_READER_ROW)
    {
      if (!have_header)
        {
          gboolean ok;

          if (row_is_blank (cells, G_MAXUINT))
            {
              free_cells (cells);
              continue;
            }

          ok = read_header (self, cells, options, error);
          free_cells (cells);
          if (!ok)
            return FALSE;
          have_header = TRUE;
          /* Cells beyond the header are ignored: the readers need not keep them. */
          reader->max_cells = self->n_columns;
          continue;
        }

      if (row_is_blank (cells, self->n_columns))
        {
          free_cells (cells);
          continue;
        }

      if (report->rows == self->max_rows)
        {
          free_cells (cells);
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_TOO_MANY_ROWS,
                       _("“%s” has more than %u recipients: split it into smaller files"),
                       self->display_name, self->max_rows);
          return FALSE;
        }
      report->rows++;

      if (self->filling == NULL)
        self->filling = chunk_new (self);

      {
        Chunk *chunk = self->filling;
        char **dest = &chunk->cells[(gsize)chunk->n_rows * self->n_columns];

        for (guint i = 0; i < cells->len; i++)
          {
            if (i < self->n_columns)
              dest[i] = g_ptr_array_index (cells, i);
            else
              g_free (g_ptr_array_index (cells, i));
          }
        g_ptr_array_set_size (cells, 0);
        chunk->rows[chunk->n_rows++] = row;

        if (chunk->n_rows == self->chunk_rows)
          {
            if (set_cancelled_error (self, cancellable, error))
              return FALSE;
            submit_filling (self);
            drain (self, MAX_PENDING);
          }
      }
    }

  free_cells (cells);

  if (status == CB_ROW_READER_ERROR)
    return FALSE;

  if (!have_header)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_EMPTY,
                   _("“%s” is empty"), self->display_name);
      return FALSE;
    }

  if (report->rows == 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_NO_ROWS,
                   _("“%s” has a header row but no recipients"), self->display_name);
      return FALSE;
    }

  if (set_cancelled_error (self, cancellable, error))
    return FALSE;

  /* A small file is parsed right here, without threads. */
  if (self->pool == NULL && self->filling != NULL)
    {
      parse_chunk (self->filling);
      finish_chunk (self, self->filling);
      g_clear_pointer (&self->filling, chunk_recycle);
    }
  else
    {
      submit_filling (self);
      drain (self, 0);
    }

  return TRUE;
}

static CbImportReport *
report_new (const char     *display_name,
            CbImportFormat  format)
{
  CbImportReport *self = g_new0 (CbImportReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->file = g_strdup (display_name);
  self->format = format;
  for (guint i = 0; i < CB_IMPORT_N_REASONS; i++)
    self->reason_rows[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  self->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify)recipient_free);
  self->invalid_rows = g_ptr_array_new_with_free_func ((GDestroyNotify)invalid_row_free);

  return self;
}

static gboolean
importer_init (Importer               *self,
               const char             *display_name,
               const CbImportOptions  *options,
               GError                **error)
{
  memset (self, 0, sizeof *self);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->pending);
  g_queue_init (&self->spare);
  g_mutex_init (&self->memo_mutex);
  self->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->display_name = display_name;

  if (options->default_region == NULL)
    self->region = cb_phone_default_region_from_locale ();
  else if (options->default_region[0] != '\0')
    {
      self->region = g_ascii_strup (options->default_region, -1);
      if (!cb_phone_is_known_region (self->region))
        {
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION,
                       _("“%s” is not a known country code"), options->default_region);
          return FALSE;
        }
    }

  if (options->allowed_countries != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; options->allowed_countries[i] != NULL; i++)
        {
          g_autofree char *code = g_ascii_strup (options->allowed_countries[i], -1);

          g_strstrip (code);
          if (code[0] == '\0')
            continue;
          if (!g_str_equal (code, "001") && !cb_phone_is_known_region (code))
            {
              g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION,
                           _("“%s” in the allowed countries is not a known country code"),
                           options->allowed_countries[i]);
              return FALSE;
            }
          g_strv_builder_add (builder, code);
        }
      self->allowed = g_strv_builder_end (builder);
    }

  if (options->phone_column != NULL && cb_import_text_is_blank (options->phone_column, -1))
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION,
                   _("The phone column’s name is empty"));
      return FALSE;
    }

  self->suppressed = options->suppressed;
  self->max_rows = options->max_rows > 0 ? options->max_rows : CB_IMPORT_DEFAULT_MAX_ROWS;
  self->keep_recipients = options->keep_recipients;
  self->keep_invalid = options->keep_invalid;

  return TRUE;
}

/* Reads everything from @reader into a new report. */
static CbImportReport *
import_rows (CbRowReader            *reader,
             const char             *display_name,
             CbImportFormat          format,
             Importer               *importer,
             const CbImportOptions  *options,
             GCancellable           *cancellable,
             GError                **error)
{
  g_autoptr(CbImportReport) report = report_new (display_name, format);
  gboolean ok;

  report->kept_invalid = options->keep_invalid;
  importer->report = report;
  ok = read_rows (importer, reader, options, cancellable, error);
  importer->report = NULL;

  if (!ok)
    return NULL;

  return g_steal_pointer (&report);
}

static const CbImportOptions default_options = { 0, };

static gboolean
check_size (const char  *display_name,
            goffset      size,
            goffset      max_bytes,
            GError     **error)
{
  if (size == 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_EMPTY,
                   _("“%s” is empty"), display_name);
      return FALSE;
    }

  if (size > max_bytes)
    {
      cb_import_set_too_large_error (error, display_name, max_bytes);
      return FALSE;
    }

  return TRUE;
}

static void
set_unknown_format_error (GError     **error,
                          const char  *display_name)
{
  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_UNKNOWN_FORMAT,
               _("“%s” is not a CSV, XLSX or XLS file"), display_name);
}

CbImportReport *
cb_import_file (const char             *path,
                const CbImportOptions  *options,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) file_stream = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CbRowReader) reader = NULL;
  g_autofree char *display_name = NULL;
  CbImportReport *report;
  CbImportFormat format;
  Importer importer;
  goffset max_bytes;
  const guint8 *head;
  gsize head_len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &default_options;
  max_bytes = options->max_bytes > 0 ? options->max_bytes : CB_IMPORT_DEFAULT_MAX_BYTES;

  display_name = g_path_get_basename (path);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CANCELLED,
                   _("Reading “%s” was cancelled"), display_name);
      return NULL;
    }

  file = g_file_new_for_path (path);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), display_name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: it is a folder"), display_name);
      return NULL;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
      !check_size (display_name, g_file_info_get_size (info), max_bytes, error))
    return NULL;

  file_stream = g_file_read (file, cancellable, &local_error);
  if (file_stream == NULL)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), display_name, local_error->message);
      return NULL;
    }

  stream = g_buffered_input_stream_new_sized (G_INPUT_STREAM (file_stream), 64 * 1024);
  while (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (stream)) < SNIFF_SIZE)
    {
      gssize n = g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (stream), SNIFF_SIZE,
                                               cancellable, &local_error);

      if (n < 0)
        {
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
    }

  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (stream), &head_len);
  if (head_len == 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_EMPTY,
                   _("“%s” is empty"), display_name);
      return NULL;
    }

  format = cb_import_detect_format (head, head_len);

  if (!importer_init (&importer, display_name, options, error))
    {
      importer_clear (&importer);
      return NULL;
    }

  switch (format)
    {
    case CB_IMPORT_FORMAT_CSV:
      reader = cb_import_csv_reader_new (stream, display_name, max_bytes, error);
      break;

    case CB_IMPORT_FORMAT_XLSX:
      g_input_stream_close (stream, NULL, NULL);
      reader = cb_import_xlsx_reader_new (path, NULL, display_name, error);
      break;

    case CB_IMPORT_FORMAT_XLS:
      g_input_stream_close (stream, NULL, NULL);
      reader = cb_import_xls_reader_new (path, NULL, display_name, error);
      break;

    case CB_IMPORT_FORMAT_UNKNOWN:
    default:
      set_unknown_format_error (error, display_name);
      break;
    }

  if (reader == NULL)
    {
      importer_clear (&importer);
      return NULL;
    }

  report = import_rows (reader, display_name, format, &importer, options, cancellable, error);
  importer_clear (&importer);

  return report;
}

CbImportReport *
cb_import_bytes (GBytes                 *bytes,
                 const char             *display_name,
                 const CbImportOptions  *options,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_autoptr(CbRowReader) reader = NULL;
  g_autofree char *name = NULL;
  CbImportReport *report;
  CbImportFormat format;
  Importer importer;
  goffset max_bytes;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &default_options;
  max_bytes = options->max_bytes > 0 ? options->max_bytes : CB_IMPORT_DEFAULT_MAX_BYTES;
  name = display_name != NULL ? g_path_get_basename (display_name) : g_strdup (_("upload"));

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CANCELLED,
                   _("Reading “%s” was cancelled"), name);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &len);
  if (!check_size (name, len, max_bytes, error))
    return NULL;

  format = cb_import_detect_format (data, MIN (len, SNIFF_SIZE));

  if (!importer_init (&importer, name, options, error))
    {
      importer_clear (&importer);
      return NULL;
    }

  switch (format)
    {
    case CB_IMPORT_FORMAT_CSV:
      {
        g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

        reader = cb_import_csv_reader_new (stream, name, max_bytes, error);
      }
      break;

    case CB_IMPORT_FORMAT_XLSX:
      reader = cb_import_xlsx_reader_new (NULL, bytes, name, error);
      break;

    case CB_IMPORT_FORMAT_XLS:
      reader = cb_import_xls_reader_new (NULL, bytes, name, error);
      break;

    case CB_IMPORT_FORMAT_UNKNOWN:
    default:
      set_unknown_format_error (error, name);
      break;
    }

  if (reader == NULL)
    {
      importer_clear (&importer);
      return NULL;
    }

  report = import_rows (reader, name, format, &importer, options, cancellable, error);
  importer_clear (&importer);

  return report;
}

/* The report */

CbImportReport *
cb_import_report_ref (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cb_import_report_unref (CbImportReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->file);
  g_strfreev (self->columns);
  g_free (self->phone_column);
  g_strfreev (self->variables);
  for (guint i = 0; i < CB_IMPORT_N_REASONS; i++)
    g_array_unref (self->reason_rows[i]);
  g_ptr_array_unref (self->recipients);
  g_ptr_array_unref (self->invalid_rows);
  g_free (self);
}

const char *
cb_import_report_get_file (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

CbImportFormat
cb_import_report_get_format (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, CB_IMPORT_FORMAT_UNKNOWN);

  return self->format;
}

guint
cb_import_report_get_rows (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows;
}

guint
cb_import_report_get_valid (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->valid;
}

guint
cb_import_report_get_invalid (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->invalid;
}

const char * const *
cb_import_report_get_columns (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *)self->columns;
}

const char *
cb_import_report_get_phone_column (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->phone_column;
}

const char * const *
cb_import_report_get_variables (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *)self->variables;
}

GArray *
cb_import_report_get_reason_rows (CbImportReport *self,
                                  CbImportReason  reason)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (reason < CB_IMPORT_N_REASONS, NULL);

  return self->reason_rows[reason];
}

GPtrArray *
cb_import_report_get_recipients (CbImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->recipients;
}

JsonNode *
cb_import_report_to_json (CbImportReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, self->file);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, self->rows);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_int_value (builder, self->valid);
  json_builder_set_member_name (builder, "invalid");
  json_builder_add_int_value (builder, self->invalid);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; self->columns[i] != NULL; i++)
    json_builder_add_string_value (builder, self->columns[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "phone_column");
  json_builder_add_string_value (builder, self->phone_column);

  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  for (guint reason = 0; reason < CB_IMPORT_N_REASONS; reason++)
    {
      GArray *rows = self->reason_rows[reason];

      if (rows->len == 0)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, cb_import_reason_to_string (reason));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, cb_import_reason_message (reason));
      json_builder_set_member_name (builder, "rows");
      json_builder_begin_array (builder);
      for (guint i = 0; i < rows->len; i++)
        json_builder_add_int_value (builder, g_array_index (rows, guint, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
cb_import_report_to_json_string (CbImportReport *self,
                                 gboolean        pretty)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = cb_import_report_to_json (self);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/* The fix-me CSV */

static void
append_csv_cell (GString    *out,
                 const char *text)
{
  gboolean guard = text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@';
  gboolean quote = strpbrk (text, ",\"\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }

  if (quote)
    g_string_append_c (out, '"');
}

static int
find_column (CbImportReport *self,
             const char     *name)
{
  for (guint i = 0; self->columns[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (self->columns[i], name) == 0)
        return i;
    }

  return -1;
}

gboolean
cb_import_report_write_invalid_csv (CbImportReport  *self,
                                    const char      *path,
                                    GError         **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display_name = NULL;
  guint n_columns;
  int row_column;
  int reason_column;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->kept_invalid)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION,
                   _("The invalid rows of “%s” were not kept"), self->file);
      return FALSE;
    }

  /* A file saved from this one and read again already has "row" and "reason":
   * those columns are filled again instead of being added a second time. */
  n_columns = g_strv_length (self->columns);
  row_column = find_column (self, "row");
  reason_column = find_column (self, "reason");

  /* UTF-8 with a byte order mark, CR LF line ends: what spreadsheets read best. */
  out = g_string_new ("\xef\xbb\xbf");

  for (guint i = 0; i < n_columns; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_csv_cell (out, self->columns[i]);
    }
  if (row_column < 0)
    g_string_append (out, ",row");
  if (reason_column < 0)
    g_string_append (out, ",reason");
  g_string_append (out, "\r\n");

  for (guint r = 0; r < self->invalid_rows->len; r++)
    {
      InvalidRow *row = g_ptr_array_index (self->invalid_rows, r);
      char number[16];

      g_snprintf (number, sizeof number, "%u", row->row);

      for (guint i = 0; i < n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          if ((int)i == row_column)
            g_string_append (out, number);
          else if ((int)i == reason_column)
            g_string_append (out, cb_import_reason_to_string (row->reason));
          else
            append_csv_cell (out, row->cells[i]);
        }
      if (row_column < 0)
        g_string_append_printf (out, ",%s", number);
      if (reason_column < 0)
        g_string_append_printf (out, ",%s", cb_import_reason_to_string (row->reason));
      g_string_append (out, "\r\n");
    }

  if (!g_file_set_contents (path, out->str, out->len, &local_error))
    {
      display_name = g_path_get_basename (path);
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not write “%s”: %s"), display_name, local_error->message);
      return FALSE;
    }

  return TRUE;
}
