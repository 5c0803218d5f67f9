/* cb-import-xls.c — the XLS (BIFF) row reader (freexl)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* freexl reads the first worksheet into memory (an XLS sheet holds at most 65,536 rows)
 * and only from a path, so an upload is written to a private temporary file first.
 * Numbers follow the same rule as XLSX: cb_import_format_number(). Dates and times are
 * freexl's ISO text ("2026-05-05", "2026-05-05 09:00:00", "09:00:00"). */

#define G_LOG_DOMAIN "callboard-import"

#include "config.h"

#include "cb-import-private.h"

#include <errno.h>
#include <freexl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

typedef struct
{
  CbRowReader  parent;

  const void  *handle;
  guint        n_rows;
  guint        n_columns;
  guint        next_row;
} CbXlsReader;

static CbRowReaderStatus
cb_xls_reader_next_row (CbRowReader  *reader,
                        guint        *row_number,
                        GPtrArray    *cells,
                        GError      **error)
{
  CbXlsReader *self = (CbXlsReader *)reader;
  guint row;

  g_assert (cells->len == 0);

  if (self->next_row >= self->n_rows)
    return CB_ROW_READER_END;

  row = self->next_row++;

  for (guint column = 0; column < self->n_columns; column++)
    {
      FreeXL_CellValue value;
      char *text = NULL;
      int ret;

      ret = freexl_get_cell_value (self->handle, row, (unsigned short)column, &value);
      if (ret != FREEXL_OK)
        {
          g_autofree char *detail = g_strdup_printf (_("row %u could not be read"), row + 1);
          cb_import_set_corrupt_error (error, self->parent.display_name, detail);
          return CB_ROW_READER_ERROR;
        }

      switch (value.type)
        {
        case FREEXL_CELL_INT:
          text = g_strdup_printf ("%d", value.value.int_value);
          break;

        case FREEXL_CELL_DOUBLE:
          text = cb_import_format_number (value.value.double_value);
          break;

        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT:
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME:
        case FREEXL_CELL_TIME:
          if (value.value.text_value != NULL && value.value.text_value[0] != '\0')
            {
              if (!g_utf8_validate (value.value.text_value, -1, NULL))
                {
                  cb_import_set_encoding_error (error, self->parent.display_name, row + 1);
                  return CB_ROW_READER_ERROR;
                }
              text = g_strdup (value.value.text_value);
            }
          break;

        case FREEXL_CELL_NULL:
        default:
          break;
        }

      g_ptr_array_add (cells, text);
    }

  *row_number = row + 1;
  return CB_ROW_READER_ROW;
}

static void
cb_xls_reader_free (CbRowReader *reader)
{
  CbXlsReader *self = (CbXlsReader *)reader;

  if (self->handle != NULL)
    freexl_close (self->handle);
  g_free (self->parent.display_name);
  g_free (self);
}

static const CbRowReaderFuncs xls_reader_funcs = {
  cb_xls_reader_next_row,
  cb_xls_reader_free,
};

/* Writes @bytes to a private temporary file; returns its path. */
static char *
write_temporary_copy (GBytes      *bytes,
                      const char  *display_name,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  int fd;

  fd = g_file_open_tmp ("callboard-import-XXXXXX.xls", &path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), display_name, local_error->message);
      return NULL;
    }

  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;

          close (fd);
          g_unlink (path);
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name, g_strerror (saved_errno));
          return NULL;
        }
      data += n;
      len -= n;
    }

  close (fd);
  return g_steal_pointer (&path);
}

CbRowReader *
cb_import_xls_reader_new (const char    *path,
                          GBytes        *bytes,
                          const char    *display_name,
                          GError       **error)
{
  g_autofree char *temporary = NULL;
  CbXlsReader *self;
  unsigned int info = 0;
  unsigned int rows = 0;
  unsigned short columns = 0;
  int ret;

  g_return_val_if_fail ((path == NULL) != (bytes == NULL), NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (bytes != NULL)
    {
      temporary = write_temporary_copy (bytes, display_name, error);
      if (temporary == NULL)
        return NULL;
      path = temporary;
    }

  self = g_new0 (CbXlsReader, 1);
  self->parent.funcs = &xls_reader_funcs;
  self->parent.display_name = g_strdup (display_name);

  ret = freexl_open (path, &self->handle);
  if (temporary != NULL)
    g_unlink (temporary);

  if (ret == FREEXL_FILE_NOT_FOUND)
    {
      g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                   _("Could not read “%s”: %s"), display_name, g_strerror (ENOENT));
      cb_xls_reader_free (&self->parent);
      return NULL;
    }
  if (ret != FREEXL_OK)
    {
      cb_import_set_corrupt_error (error, display_name,
                                   _("it is not a readable Excel 97–2003 workbook"));
      cb_xls_reader_free (&self->parent);
      return NULL;
    }

  if (freexl_get_info (self->handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED)
    {
      cb_import_set_corrupt_error (error, display_name, _("it is protected with a password"));
      cb_xls_reader_free (&self->parent);
      return NULL;
    }

  if (freexl_get_info (self->handle, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK || info == 0 ||
      freexl_select_active_worksheet (self->handle, 0) != FREEXL_OK ||
      freexl_worksheet_dimensions (self->handle, &rows, &columns) != FREEXL_OK)
    {
      cb_import_set_corrupt_error (error, display_name, _("the workbook has no worksheet"));
      cb_xls_reader_free (&self->parent);
      return NULL;
    }

  self->n_rows = rows;
  self->n_columns = columns;

  return &self->parent;
}
