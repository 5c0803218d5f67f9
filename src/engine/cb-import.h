/* cb-import.h — reading and validating recipient files (SPEC §4)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cb-types.h"

G_BEGIN_DECLS

#define CB_IMPORT_ERROR (cb_import_error_quark ())

typedef enum
{
  CB_IMPORT_ERROR_IO,               /* could not open or read */
  CB_IMPORT_ERROR_EMPTY,            /* zero bytes, or nothing but blank rows */
  CB_IMPORT_ERROR_UNKNOWN_FORMAT,   /* not CSV, XLSX or XLS (binary junk, an image…) */
  CB_IMPORT_ERROR_CORRUPT,          /* a truncated or damaged XLSX/XLS */
  CB_IMPORT_ERROR_ENCODING,         /* CSV that is not UTF-8 */
  CB_IMPORT_ERROR_EMPTY_HEADER,     /* a header cell without a name */
  CB_IMPORT_ERROR_DUPLICATE_HEADER, /* two columns with the same name */
  CB_IMPORT_ERROR_NO_PHONE_COLUMN,  /* no phone/phone_number/to_number/number header */
  CB_IMPORT_ERROR_NO_ROWS,          /* a header but no recipient rows */
  CB_IMPORT_ERROR_TOO_MANY_ROWS,    /* more than max_rows recipient rows */
  CB_IMPORT_ERROR_TOO_LARGE,        /* more than max_bytes */
  CB_IMPORT_ERROR_INVALID_OPTION,   /* an unknown region, an empty phone column name… */
  CB_IMPORT_ERROR_CANCELLED,
} CbImportError;

#define CB_IMPORT_DEFAULT_MAX_ROWS  100000
#define CB_IMPORT_DEFAULT_MAX_BYTES (50 * 1000 * 1000)

typedef enum
{
  CB_IMPORT_FORMAT_UNKNOWN,
  CB_IMPORT_FORMAT_CSV,
  CB_IMPORT_FORMAT_XLSX,
  CB_IMPORT_FORMAT_XLS,
} CbImportFormat;

typedef struct
{
  const char        *default_region;    /* "US"; NULL: the locale's */
  const char *const *allowed_countries; /* NULL or empty: every country */
  const char        *phone_column;      /* NULL: detect from the header */
  GHashTable        *suppressed;        /* set of E.164 strings, or NULL */
  guint              max_rows;          /* 0: CB_IMPORT_DEFAULT_MAX_ROWS */
  goffset            max_bytes;         /* 0: CB_IMPORT_DEFAULT_MAX_BYTES */
  gboolean           keep_recipients;   /* keep the valid rows (to store them) */
  gboolean           keep_invalid;      /* keep the invalid rows' cells (for the fix-me CSV) */
} CbImportOptions;

/* A valid row, kept when CbImportOptions.keep_recipients is set. */
struct _CbImportRecipient
{
  guint   row;     /* spreadsheet row number, the header is row 1 */
  char   *raw;     /* the phone cell as it was in the file */
  char   *e164;
  char   *region;
  char  **values;  /* one per cb_import_report_get_variables(), same order, never NULL */
};

GQuark                   cb_import_error_quark             (void);
const char              *cb_import_reason_to_string        (CbImportReason     reason);
const char              *cb_import_reason_message          (CbImportReason     reason);
CbImportFormat           cb_import_detect_format           (const guint8      *data,
                                                            gsize              len);

/* Reads and validates the whole file, streaming: memory grows only with what
 * the options ask to keep. Returns NULL and sets @error when the file cannot be
 * read at all; a file with invalid rows gives a report. */
CbImportReport          *cb_import_file                    (const char        *path,
                                                            const CbImportOptions *options,
                                                            GCancellable      *cancellable,
                                                            GError           **error);
/* The same for a file held in memory (an upload); @display_name names it in the report. */
CbImportReport          *cb_import_bytes                   (GBytes            *bytes,
                                                            const char        *display_name,
                                                            const CbImportOptions *options,
                                                            GCancellable      *cancellable,
                                                            GError           **error);

CbImportReport          *cb_import_report_ref              (CbImportReport    *self);
void                     cb_import_report_unref            (CbImportReport    *self);
const char              *cb_import_report_get_file         (CbImportReport    *self);
CbImportFormat           cb_import_report_get_format       (CbImportReport    *self);
guint                    cb_import_report_get_rows         (CbImportReport    *self);
guint                    cb_import_report_get_valid        (CbImportReport    *self);
guint                    cb_import_report_get_invalid      (CbImportReport    *self);
/* Every header, in file order. */
const char * const      *cb_import_report_get_columns      (CbImportReport    *self);
const char              *cb_import_report_get_phone_column (CbImportReport    *self);
/* The headers other than the phone column: the dynamic variables. */
const char * const      *cb_import_report_get_variables    (CbImportReport    *self);
/* Sorted spreadsheet row numbers (guint) of the rows that failed for @reason. */
GArray                  *cb_import_report_get_reason_rows  (CbImportReport    *self,
                                                            CbImportReason     reason);
/* CbImportRecipient*, in row order (empty unless keep_recipients). */
GPtrArray               *cb_import_report_get_recipients   (CbImportReport    *self);
/* SPEC §4's JSON object: file, rows, valid, invalid, columns, phone_column, groups. */
JsonNode                *cb_import_report_to_json          (CbImportReport    *self);
char                    *cb_import_report_to_json_string   (CbImportReport    *self,
                                                            gboolean           pretty);
/* The invalid rows as CSV: the original columns plus "row" and "reason" (needs keep_invalid). */
gboolean                 cb_import_report_write_invalid_csv (CbImportReport   *self,
                                                            const char        *path,
                                                            GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbImportReport, cb_import_report_unref)

G_END_DECLS
