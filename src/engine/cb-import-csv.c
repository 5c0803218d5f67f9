/* cb-import-csv.c — the CSV row reader (libcsv)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rules:
 *
 * - UTF-8, with or without a byte order mark (dropped). A UTF-16 file, or bytes that are
 *   not UTF-8, is CB_IMPORT_ERROR_ENCODING naming the row.
 * - The delimiter is the one of `,` `;` and tab found most often outside quotes in the
 *   first line (ties in that order; `,` when there is none).
 * - RFC 4180 quoting; a quoted field may hold delimiters and line breaks. Quotes are
 *   read leniently (libcsv without CSV_STRICT): a stray quote is kept as text.
 * - Every record is one row and every line break outside quotes ends one, so an empty
 *   line is a (blank) row; CR LF, LF and a lone CR each count once.
 * - Cells are kept exactly as written: no trimming of spaces or tabs.
 * - The file is read in 64 KiB pieces; only the rows of the piece at hand are held, their
 *   cells in one array that is reused from piece to piece.
 */

#define G_LOG_DOMAIN "callboard-import"

#include "config.h"

#include "cb-import-private.h"

#include <csv.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)

/* A row parsed and not handed out yet: cells[first … first + n_cells - 1]. */
typedef struct
{
  guint row;
  guint first;
  guint n_cells;
} CsvRow;

typedef struct
{
  CbRowReader        parent;

  GInputStream      *stream;
  struct csv_parser  parser;
  gboolean           parser_ready;
  guint8            *buffer;
  goffset            bytes_read;
  gboolean           started;
  gboolean           finished;

  /* Rows parsed and not handed out yet, oldest first, from rows[next_row] on; the cells
   * of all of them, and of the row being parsed, in order (NULL once handed out). */
  GArray            *rows;
  guint              next_row;
  GPtrArray         *cells;
  gboolean           in_row;
  guint              current_first;
  guint              current_n_cells;
  guint              row_number;
  int                last_terminator;
  GError            *error;
} CbCsvReader;

static int
never_space (unsigned char c)
{
  return 0;
}

static void
on_field (void   *data,
          size_t  len,
          void   *user_data)
{
  CbCsvReader *self = user_data;

  if (self->error != NULL)
    return;

  if (len > 0 && !g_utf8_validate_len (data, len, NULL))
    {
      cb_import_set_encoding_error (&self->error, self->parent.display_name,
                                    self->row_number + 1);
      return;
    }

  if (!self->in_row)
    {
      self->in_row = TRUE;
      self->current_first = self->cells->len;
      self->current_n_cells = 0;
    }
  if (self->parent.max_cells > 0 && self->current_n_cells >= self->parent.max_cells)
    return;
  g_ptr_array_add (self->cells, len > 0 ? g_strndup (data, len) : NULL);
  self->current_n_cells++;
}

static void
on_row_end (int   terminator,
            void *user_data)
{
  CbCsvReader *self = user_data;
  CsvRow row;
  gboolean empty = !self->in_row;

  if (self->error != NULL)
    return;

  /* With CSV_REPALL_NL libcsv reports the LF of a CR LF pair as a row of its own. */
  if (empty && terminator == '\n' && self->last_terminator == '\r')
    {
      self->last_terminator = terminator;
      return;
    }
  self->last_terminator = terminator;

  row.row = ++self->row_number;
  row.first = empty ? self->cells->len : self->current_first;
  row.n_cells = empty ? 0 : self->current_n_cells;
  g_array_append_val (self->rows, row);
  self->in_row = FALSE;
}

/* Once every parsed row is handed out: empties the arrays for the next piece, keeping
 * the cells of a row still being parsed. */
static void
compact (CbCsvReader *self)
{
  guint kept = self->in_row ? self->cells->len - self->current_first : 0;

  g_assert (self->next_row == self->rows->len);

  if (kept > 0)
    memmove (self->cells->pdata, self->cells->pdata + self->current_first,
             kept * sizeof (gpointer));
  self->current_first = 0;
  /* Every cell before the kept ones was handed out (NULL): nothing to free. */
  g_ptr_array_set_size (self->cells, kept);
  g_array_set_size (self->rows, 0);
  self->next_row = 0;
}

/* The delimiter of the first line of @data: the most frequent of , ; and tab outside
 * quotes. Sets *complete when the line ended within @data. */
static unsigned char
detect_delimiter (const guint8 *data,
                  gsize         len,
                  gboolean     *complete)
{
  static const unsigned char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean quoted = FALSE;
  unsigned char best = ',';
  guint best_count = 0;

  *complete = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        {
          *complete = TRUE;
          break;
        }
      else if (!quoted)
        {
          for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
            if (c == candidates[j])
              counts[j]++;
        }
    }

  for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
    {
      if (counts[j] > best_count)
        {
          best = candidates[j];
          best_count = counts[j];
        }
    }

  return best;
}

/* Reads up to CHUNK_SIZE bytes into self->buffer. Returns the count, 0 at the end, -1 on error. */
static gssize
read_chunk (CbCsvReader  *self,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n;

  n = g_input_stream_read (self->stream, self->buffer, CHUNK_SIZE, NULL, &local_error);
  if (n < 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), self->parent.display_name,
                   local_error->message);
      return -1;
    }

  self->bytes_read += n;
  if (self->parent.max_bytes > 0 && self->bytes_read > self->parent.max_bytes)
    {
      cb_import_set_too_large_error (error, self->parent.display_name, self->parent.max_bytes);
      return -1;
    }

  return n;
}

static gboolean
feed (CbCsvReader   *self,
      const guint8  *data,
      gsize          len,
      GError       **error)
{
  if (len > 0 && csv_parse (&self->parser, data, len, on_field, on_row_end, self) != len)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), self->parent.display_name,
                   csv_strerror (csv_error (&self->parser)));
      return FALSE;
    }

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }

  return TRUE;
}

/* Reads the first line (whole), drops a byte order mark, picks the delimiter and
 * starts the parser on what was read. */
static gboolean
start (CbCsvReader  *self,
       GError      **error)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();
  const guint8 *data;
  gsize len;
  unsigned char delimiter;
  gboolean complete = FALSE;
  gboolean eof = FALSE;

  while (!complete && !eof)
    {
      gssize n = read_chunk (self, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        eof = TRUE;
      else
        g_byte_array_append (head, self->buffer, n);

      /* Only look for the line's end once a BOM could be recognised. */
      if (head->len >= 3 || eof)
        detect_delimiter (head->data, head->len, &complete);
    }

  data = head->data;
  len = head->len;

  if (len >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)))
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_ENCODING,
                   _("“%s” is UTF-16 text: save it as “CSV UTF-8” and try again"),
                   self->parent.display_name);
      return FALSE;
    }

  if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
    {
      data += 3;
      len -= 3;
    }

  delimiter = detect_delimiter (data, len, &complete);

  if (csv_init (&self->parser, CSV_REPALL_NL) != 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: out of memory"), self->parent.display_name);
      return FALSE;
    }
  self->parser_ready = TRUE;
  csv_set_delim (&self->parser, delimiter);
  csv_set_space_func (&self->parser, never_space);

  self->started = TRUE;

  if (!feed (self, data, len, error))
    return FALSE;

  if (eof)
    {
      csv_fini (&self->parser, on_field, on_row_end, self);
      self->finished = TRUE;
      if (self->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->error));
          return FALSE;
        }
    }

  return TRUE;
}

static CbRowReaderStatus
cb_csv_reader_next_row (CbRowReader  *reader,
                        guint        *row_number,
                        GPtrArray    *cells,
                        GError      **error)
{
  CbCsvReader *self = (CbCsvReader *)reader;
  const CsvRow *row;

  if (!self->started && !start (self, error))
    return CB_ROW_READER_ERROR;

  while (self->next_row == self->rows->len)
    {
      gssize n;

      if (self->finished)
        return CB_ROW_READER_END;

      compact (self);

      n = read_chunk (self, error);
      if (n < 0)
        return CB_ROW_READER_ERROR;

      if (n == 0)
        {
          csv_fini (&self->parser, on_field, on_row_end, self);
          self->finished = TRUE;
          if (self->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&self->error));
              return CB_ROW_READER_ERROR;
            }
        }
      else if (!feed (self, self->buffer, n, error))
        return CB_ROW_READER_ERROR;
    }

  row = &g_array_index (self->rows, CsvRow, self->next_row++);
  *row_number = row->row;
  for (guint i = 0; i < row->n_cells; i++)
    {
      gpointer *cell = &self->cells->pdata[row->first + i];

      g_ptr_array_add (cells, *cell);
      *cell = NULL;
    }

  return CB_ROW_READER_ROW;
}

static void
cb_csv_reader_free (CbRowReader *reader)
{
  CbCsvReader *self = (CbCsvReader *)reader;

  if (self->parser_ready)
    csv_free (&self->parser);
  for (guint i = 0; i < self->cells->len; i++)
    g_free (self->cells->pdata[i]);
  g_ptr_array_unref (self->cells);
  g_array_unref (self->rows);
  g_clear_error (&self->error);
  g_clear_object (&self->stream);
  g_free (self->buffer);
  g_free (self->parent.display_name);
  g_free (self);
}

static const CbRowReaderFuncs csv_reader_funcs = {
  cb_csv_reader_next_row,
  cb_csv_reader_free,
};

CbRowReader *
cb_import_csv_reader_new (GInputStream  *stream,
                          const char    *display_name,
                          goffset        max_bytes,
                          GError       **error)
{
  CbCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_new0 (CbCsvReader, 1);
  self->parent.funcs = &csv_reader_funcs;
  self->parent.display_name = g_strdup (display_name);
  self->parent.max_bytes = max_bytes;
  self->stream = g_object_ref (stream);
  self->buffer = g_malloc (CHUNK_SIZE);
  self->rows = g_array_new (FALSE, FALSE, sizeof (CsvRow));
  self->cells = g_ptr_array_new ();

  return &self->parent;
}
