/* cb-report.h — batch reports: XLSX (Summary + Recipients) and CSV (Recipients), SPEC §7
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cb-batch.h"
#include "cb-store.h"

G_BEGIN_DECLS

#define CB_REPORT_ERROR (cb_report_error_quark ())

typedef enum
{
  CB_REPORT_ERROR_NOT_FOUND,  /* no such batch */
  CB_REPORT_ERROR_FORMAT,     /* the file name ends in neither .xlsx nor .csv */
  CB_REPORT_ERROR_FAILED,     /* the database could not be read or the file not written */
} CbReportError;

typedef enum
{
  CB_REPORT_FORMAT_XLSX,
  CB_REPORT_FORMAT_CSV,
} CbReportFormat;

/* Recipients are read from the store in pages of this many rows, so memory stays flat
 * whatever the size of the batch. */
#define CB_REPORT_PAGE_SIZE 5000

GQuark      cb_report_error_quark              (void);

/* From the file name's extension (".xlsx" or ".csv", any case). */
gboolean    cb_report_format_from_path         (const char      *path,
                                                CbReportFormat  *format,
                                                GError         **error);
/* "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
 * "text/csv; charset=utf-8" */
const char *cb_report_format_get_content_type  (CbReportFormat   format);
/* "xlsx", "csv" */
const char *cb_report_format_get_extension     (CbReportFormat   format);
/* A file name for a download: the batch's name made safe for file systems, then
 * "-report.xlsx" ("Spring leads-report.xlsx"). */
char       *cb_report_dup_file_name            (CbBatch         *batch,
                                                CbReportFormat   format);

/* Writes the report of @batch_id to @path. The file appears whole or not at all: it is
 * written next to @path under a temporary name and renamed into place at the end.
 * Fails with CB_REPORT_ERROR_NOT_FOUND for an unknown batch, G_IO_ERROR_CANCELLED when
 * @cancellable is cancelled. Blocking: call it from a worker thread in a program with a
 * main loop (see cb_report_write_async()). */
gboolean    cb_report_write                    (CbStore         *store,
                                                const char      *batch_id,
                                                CbReportFormat   format,
                                                const char      *path,
                                                GCancellable    *cancellable,
                                                GError         **error);
/* The same into @stream (not closed). Nothing is written to @stream when the batch is
 * unknown. Blocking. */
gboolean    cb_report_write_to_stream          (CbStore         *store,
                                                const char      *batch_id,
                                                CbReportFormat   format,
                                                GOutputStream   *stream,
                                                GCancellable    *cancellable,
                                                GError         **error);
/* The whole report in memory (for HTTP replies). Blocking. */
GBytes     *cb_report_write_bytes              (CbStore         *store,
                                                const char      *batch_id,
                                                CbReportFormat   format,
                                                GCancellable    *cancellable,
                                                GError         **error);

/* cb_report_write() in a worker thread. */
void        cb_report_write_async              (CbStore             *store,
                                                const char          *batch_id,
                                                CbReportFormat       format,
                                                const char          *path,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    cb_report_write_finish             (GAsyncResult        *result,
                                                GError             **error);
/* cb_report_write_bytes() in a worker thread. */
void        cb_report_write_bytes_async        (CbStore             *store,
                                                const char          *batch_id,
                                                CbReportFormat       format,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GBytes     *cb_report_write_bytes_finish       (GAsyncResult        *result,
                                                GError             **error);

/* The CSV cell text for @value: RFC 4180 quoting when needed (a comma, a double quote,
 * CR or LF), and a leading apostrophe when it begins with = + - @, a tab or CR, so a
 * spreadsheet never runs it as a formula. Appended to @out. */
void        cb_report_append_csv_field         (GString         *out,
                                                const char      *value);

/* Tests: whether reports read an SQLite store straight from its file (the default) or,
 * as for any other database, through libgda. */
void        cb_report_set_direct_reader_enabled (gboolean        enabled);

G_END_DECLS
