/* cb-import-private.h — the row readers behind cb-import.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-import.h"

G_BEGIN_DECLS

/* Every reader gives the rows of the first sheet, one at a time (pull style), with their
 * spreadsheet row numbers (1 for the first line or the first sheet row). Row numbers
 * only grow; a reader may skip numbers (missing XLSX rows are blank rows) but may also
 * return blank rows itself (empty CSV lines). */
typedef enum
{
  CB_ROW_READER_ERROR = -1,
  CB_ROW_READER_END   = 0,
  CB_ROW_READER_ROW   = 1,
} CbRowReaderStatus;

typedef struct _CbRowReader CbRowReader;

typedef struct
{
  /* Puts the cells of the next row into @cells, an empty array without a free function:
   * the caller owns the strings (g_free) from then on. A cell may be NULL, which means empty.
   * Every string is valid UTF-8 without NUL bytes. */
  CbRowReaderStatus (*next_row) (CbRowReader  *reader,
                                 guint        *row,
                                 GPtrArray    *cells,
                                 GError      **error);
  void              (*free)     (CbRowReader  *reader);
} CbRowReaderFuncs;

struct _CbRowReader
{
  const CbRowReaderFuncs *funcs;
  /* “leads.csv”, for messages */
  char                   *display_name;
  /* The largest number of bytes the reader may take from its source (CB_IMPORT_ERROR_TOO_LARGE). */
  goffset                 max_bytes;
  /* When not 0, cells of a row beyond this many may be left out (set by the caller). */
  guint                   max_cells;
};

/* Excel's limit, XFD; a header with more columns is refused. */
#define CB_IMPORT_MAX_COLUMNS 16384

static inline CbRowReaderStatus
cb_row_reader_next_row (CbRowReader  *reader,
                        guint        *row,
                        GPtrArray    *cells,
                        GError      **error)
{
  return reader->funcs->next_row (reader, row, cells, error);
}

static inline void
cb_row_reader_free (CbRowReader *reader)
{
  if (reader != NULL)
    reader->funcs->free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbRowReader, cb_row_reader_free)

/* Readers take their own reference on @stream / @bytes. */
CbRowReader *cb_import_csv_reader_new        (GInputStream  *stream,
                                              const char    *display_name,
                                              goffset        max_bytes,
                                              GError       **error);
/* Exactly one of @path and @bytes. */
CbRowReader *cb_import_xlsx_reader_new       (const char    *path,
                                              GBytes        *bytes,
                                              const char    *display_name,
                                              GError       **error);
CbRowReader *cb_import_xls_reader_new        (const char    *path,
                                              GBytes        *bytes,
                                              const char    *display_name,
                                              GError       **error);

/* A spreadsheet number as the user typed it: integers in full (9.87654321E9 →
 * "9876543210", never an exponent), others as the shortest decimal that reads back
 * as the same double ("0.1"). */
char        *cb_import_format_number         (double         value);
/* The same from the text of an XLSX <v> element; NULL when it is not a number. */
char        *cb_import_format_number_text    (const char    *text);

/* Python's str.isspace(): TRUE when @text (UTF-8, @len bytes or -1) is empty or only
 * white space. */
gboolean     cb_import_text_is_blank         (const char    *text,
                                              gssize         len);

/* Messages shared by the readers. */
void         cb_import_set_corrupt_error     (GError       **error,
                                              const char    *display_name,
                                              const char    *detail);
void         cb_import_set_encoding_error    (GError       **error,
                                              const char    *display_name,
                                              guint          row);
void         cb_import_set_too_large_error   (GError       **error,
                                              const char    *display_name,
                                              goffset        max_bytes);

G_END_DECLS
