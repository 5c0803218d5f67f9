/* cb-import-xlsx.c — the XLSX row reader (libgsf for the zip, libxml2 for the parts)
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The first worksheet is the first <sheet> of the workbook part, found through the
 * package relationships (_rels/.rels → workbook, its .rels → sheet and shared strings),
 * never by guessing "sheet1.xml". The sheet is streamed with xmlTextReader, so memory
 * stays flat; only the shared strings are held.
 *
 * Cells: shared strings (t="s", rich text runs joined, phonetic runs left out), inline
 * strings (t="inlineStr"), formula strings (t="str"), booleans (TRUE/FALSE), errors
 * (#N/A…), ISO dates (t="d") as written, numbers as typed: cb_import_format_number().
 * A number whose style shows a date or a time (built-in formats 14–22, 27–36, 45–47,
 * 50–58, or a custom format with d, y, h or s, or m without h and s, outside quotes and
 * brackets) is written as the XLS reader writes one: "2026-05-05", "09:30:00" or
 * "2026-05-05 09:30:00", counting from 1899-12-30 (or 1904-01-01 for date1904 books).
 * Row numbers come from <row r>, columns from <c r>; what is missing is blank. */

#define G_LOG_DOMAIN "callboard-import"

#include "config.h"

#include "cb-import-private.h"

#include <glib/gi18n-lib.h>
#include <gsf/gsf-infile-zip.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-input.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <string.h>

/* libgsf 1.14 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInput, g_object_unref)

/* Excel's last row. */
#define MAX_ROW 1048576

/* A few megabytes of zip can unpack to gigabytes of text, and every string read is held in
 * memory: the shared strings and the cells handed on may add up to this much, which is
 * more than 2 KB for each of 100,000 recipients. */
#define MAX_TEXT_BYTES (256 * 1000 * 1000)

typedef enum
{
  DATE_KIND_NONE,
  DATE_KIND_DATE,
  DATE_KIND_TIME,
  DATE_KIND_DATE_TIME,
} DateKind;

typedef enum
{
  CELL_NUMBER,
  CELL_SHARED_STRING,
  CELL_INLINE_STRING,
  CELL_BOOLEAN,
  CELL_TEXT,        /* str, e, d: the <v> text as it is */
} CellType;

/* One part of the package being read by an xmlTextReader. */
typedef struct
{
  GsfInput *input;
  gboolean  read_failed;
  char     *xml_error;
} PartIO;

typedef struct
{
  CbRowReader       parent;

  GBytes           *bytes;
  GsfInfile        *zip;
  GPtrArray        *shared_strings;
  /* DateKind of each cell style (cellXfs index), as guint8 */
  GByteArray       *style_kinds;
  gboolean          date1904;

  char             *sheet_name;
  PartIO           *sheet_io;
  xmlTextReaderPtr  sheet;
  gboolean          done;
  guint             last_row;
  gsize             text_bytes;       /* held by shared_strings and handed on in cells */
} CbXlsxReader;

/* FALSE, with an error, when @more bytes of text on top of what the reader holds would pass
 * MAX_TEXT_BYTES. */
static gboolean
text_fits (CbXlsxReader  *self,
           gsize          more,
           GError       **error)
{
  g_autofree char *limit = NULL;

  if (more <= MAX_TEXT_BYTES - self->text_bytes)
    return TRUE;

  limit = g_format_size (MAX_TEXT_BYTES);
  g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_TOO_LARGE,
               _("“%s” unpacks to more than %s of text: split it into smaller files"),
               self->parent.display_name, limit);
  return FALSE;
}

static int
part_read (void *context,
           char *buffer,
           int   len)
{
  PartIO *io = context;
  gsf_off_t remaining = gsf_input_remaining (io->input);
  int n = (int)MIN ((gsf_off_t)len, remaining);

  if (n <= 0)
    return 0;

  if (gsf_input_read (io->input, n, (guint8 *)buffer) == NULL)
    {
      io->read_failed = TRUE;
      return -1;
    }

  return n;
}

static int
part_close (void *context)
{
  return 0;
}

static void
part_io_free (PartIO *io)
{
  g_clear_object (&io->input);
  g_free (io->xml_error);
  g_free (io);
}

static void
part_error (void        *user_data,
            xmlErrorPtr  xml_error)
{
  PartIO *io = user_data;

  if (io->xml_error == NULL && xml_error != NULL && xml_error->message != NULL)
    io->xml_error = g_strstrip (g_strdup (xml_error->message));
}

static xmlTextReaderPtr
part_reader_new (PartIO *io)
{
  xmlTextReaderPtr reader;

  reader = xmlReaderForIO (part_read, part_close, io, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (reader != NULL)
    xmlTextReaderSetStructuredErrorHandler (reader, part_error, io);

  return reader;
}

/* "xl/_rels/../worksheets/./a.xml" → ["xl", "worksheets", "a.xml"]; NULL when it leaves
 * the package or is empty. */
static char **
split_part_name (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (out->len == 0)
            return NULL;
          g_ptr_array_remove_index (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, g_strdup (parts[i]));
    }

  if (out->len == 0)
    return NULL;

  g_ptr_array_add (out, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* Resolves a relationship target against the directory of @source ("xl/workbook.xml").
 * Absolute targets ("/xl/worksheets/sheet1.xml") start at the package root. */
static char *
resolve_target (const char *source,
                const char *target)
{
  g_autofree char *dir = NULL;
  const char *slash;

  if (target[0] == '/')
    return g_strdup (target + 1);

  slash = strrchr (source, '/');
  dir = slash != NULL ? g_strndup (source, slash - source) : g_strdup ("");

  return dir[0] != '\0' ? g_strconcat (dir, "/", target, NULL) : g_strdup (target);
}

/* "xl/workbook.xml" → "xl/_rels/workbook.xml.rels" */
static char *
rels_name_for (const char *part)
{
  const char *slash = strrchr (part, '/');

  if (slash == NULL)
    return g_strconcat ("_rels/", part, ".rels", NULL);

  return g_strdup_printf ("%.*s/_rels/%s.rels", (int)(slash - part), part, slash + 1);
}

static GsfInput *
open_part (CbXlsxReader *self,
           const char   *name)
{
  g_auto(GStrv) parts = split_part_name (name);

  if (parts == NULL)
    return NULL;

  return gsf_infile_child_by_aname (self->zip, (const char **)parts);
}

static void
set_damaged_error (CbXlsxReader  *self,
                   GError       **error,
                   const char    *part,
                   PartIO        *io)
{
  g_autofree char *detail = NULL;

  if (io != NULL && io->read_failed)
    detail = g_strdup_printf (_("“%s” could not be unpacked"), part);
  else if (io != NULL && io->xml_error != NULL)
    detail = g_strdup_printf (_("“%s” is not well-formed XML (%s)"), part, io->xml_error);
  else
    detail = g_strdup_printf (_("“%s” could not be read"), part);

  cb_import_set_corrupt_error (error, self->parent.display_name, detail);
}

static char *
get_attribute (xmlTextReaderPtr  reader,
               const char       *name)
{
  xmlChar *value = xmlTextReaderGetAttribute (reader, (const xmlChar *)name);
  char *ret;

  if (value == NULL)
    return NULL;

  ret = g_strdup ((const char *)value);
  xmlFree (value);
  return ret;
}

/* The value of the attribute with local name @local_name in any namespace
 * (r:id, whatever the prefix or the transitional/strict namespace). */
static char *
get_namespaced_attribute (xmlTextReaderPtr  reader,
                          const char       *local_name)
{
  char *ret = NULL;

  if (xmlTextReaderMoveToFirstAttribute (reader) != 1)
    return NULL;

  do
    {
      const char *local = (const char *)xmlTextReaderConstLocalName (reader);
      const char *ns = (const char *)xmlTextReaderConstNamespaceUri (reader);

      if (local != NULL && g_str_equal (local, local_name) && ns != NULL && ns[0] != '\0')
        {
          ret = g_strdup ((const char *)xmlTextReaderConstValue (reader));
          break;
        }
    }
  while (xmlTextReaderMoveToNextAttribute (reader) == 1);

  xmlTextReaderMoveToElement (reader);
  return ret;
}

static gboolean
is_element (xmlTextReaderPtr  reader,
            const char       *local_name)
{
  const char *local = (const char *)xmlTextReaderConstLocalName (reader);

  return local != NULL && g_str_equal (local, local_name);
}

static gboolean
type_ends_with (const char *type,
                const char *suffix)
{
  return type != NULL && g_str_has_suffix (type, suffix);
}

/* Reads a .rels part; returns a table Id → resolved part name, and in *by_type the target
 * of the first relationship whose Type ends with each of @types (NULL-terminated).
 * Returns NULL with @error set when the part is damaged; an absent part gives an empty table. */
static GHashTable *
read_relationships (CbXlsxReader  *self,
                    const char    *source,
                    const char   **types,
                    char         **by_type,
                    GError       **error)
{
  g_autofree char *rels_name = rels_name_for (source);
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GsfInput) input = open_part (self, rels_name);
  xmlTextReaderPtr reader;
  PartIO *io;
  int ret;

  if (input == NULL)
    return g_steal_pointer (&table);

  io = g_new0 (PartIO, 1);
  io->input = g_steal_pointer (&input);
  reader = part_reader_new (io);
  if (reader == NULL)
    {
      set_damaged_error (self, error, rels_name, io);
      part_io_free (io);
      return NULL;
    }

  while ((ret = xmlTextReaderRead (reader)) == 1)
    {
      g_autofree char *id = NULL;
      g_autofree char *type = NULL;
      g_autofree char *target = NULL;
      g_autofree char *mode = NULL;

      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT ||
          !is_element (reader, "Relationship"))
        continue;

      id = get_attribute (reader, "Id");
      type = get_attribute (reader, "Type");
      target = get_attribute (reader, "Target");
      mode = get_attribute (reader, "TargetMode");
      if (id == NULL || target == NULL || (mode != NULL && g_str_equal (mode, "External")))
        continue;

      for (guint i = 0; types[i] != NULL; i++)
        {
          if (by_type[i] == NULL && type_ends_with (type, types[i]))
            by_type[i] = resolve_target (source, target);
        }

      g_hash_table_replace (table, g_steal_pointer (&id), resolve_target (source, target));
    }

  xmlFreeTextReader (reader);

  if (ret != 0)
    {
      set_damaged_error (self, error, rels_name, io);
      part_io_free (io);
      for (guint i = 0; types[i] != NULL; i++)
        g_clear_pointer (&by_type[i], g_free);
      return NULL;
    }

  part_io_free (io);
  return g_steal_pointer (&table);
}

/* The relationship id of the first <sheet> in the workbook. */
static char *
read_first_sheet_id (CbXlsxReader  *self,
                     const char    *workbook_name,
                     GError       **error)
{
  g_autoptr(GsfInput) input = open_part (self, workbook_name);
  xmlTextReaderPtr reader;
  char *id = NULL;
  PartIO *io;
  int ret;

  if (input == NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("“%s” is missing"), workbook_name);
      cb_import_set_corrupt_error (error, self->parent.display_name, detail);
      return NULL;
    }

  io = g_new0 (PartIO, 1);
  io->input = g_steal_pointer (&input);
  reader = part_reader_new (io);
  if (reader == NULL)
    {
      set_damaged_error (self, error, workbook_name, io);
      part_io_free (io);
      return NULL;
    }

  while ((ret = xmlTextReaderRead (reader)) == 1)
    {
      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT)
        continue;

      if (is_element (reader, "workbookPr"))
        {
          g_autofree char *date1904 = get_attribute (reader, "date1904");

          self->date1904 = date1904 != NULL &&
                           (g_str_equal (date1904, "1") || g_str_equal (date1904, "true"));
        }
      else if (is_element (reader, "sheet"))
        {
          id = get_namespaced_attribute (reader, "id");
          break;
        }
    }

  xmlFreeTextReader (reader);

  if (ret == -1)
    {
      set_damaged_error (self, error, workbook_name, io);
      part_io_free (io);
      g_free (id);
      return NULL;
    }
  part_io_free (io);

  if (id == NULL)
    cb_import_set_corrupt_error (error, self->parent.display_name, _("the workbook has no worksheet"));

  return id;
}

static gboolean
read_shared_strings (CbXlsxReader  *self,
                     const char    *name,
                     GError       **error)
{
  g_autoptr(GsfInput) input = open_part (self, name);
  g_autoptr(GString) text = NULL;
  xmlTextReaderPtr reader;
  gboolean in_si = FALSE;
  guint t_depth = 0;
  guint rph_depth = 0;
  PartIO *io;
  int ret;

  if (input == NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("“%s” is missing"), name);
      cb_import_set_corrupt_error (error, self->parent.display_name, detail);
      return FALSE;
    }

  io = g_new0 (PartIO, 1);
  io->input = g_steal_pointer (&input);
  reader = part_reader_new (io);
  if (reader == NULL)
    {
      set_damaged_error (self, error, name, io);
      part_io_free (io);
      return FALSE;
    }

  text = g_string_new (NULL);

  while ((ret = xmlTextReaderRead (reader)) == 1)
    {
      int type = xmlTextReaderNodeType (reader);

      switch (type)
        {
        case XML_READER_TYPE_ELEMENT:
          if (is_element (reader, "si"))
            {
              g_string_truncate (text, 0);
              in_si = !xmlTextReaderIsEmptyElement (reader);
              if (!in_si)
                g_ptr_array_add (self->shared_strings, g_strdup (""));
            }
          else if (in_si && is_element (reader, "rPh") && !xmlTextReaderIsEmptyElement (reader))
            rph_depth++;
          else if (in_si && is_element (reader, "t") && !xmlTextReaderIsEmptyElement (reader))
            t_depth++;
          break;

        case XML_READER_TYPE_END_ELEMENT:
          if (is_element (reader, "si") && in_si)
            {
              self->text_bytes += text->len;
              g_ptr_array_add (self->shared_strings, g_strndup (text->str, text->len));
              in_si = FALSE;
              t_depth = rph_depth = 0;
            }
          else if (is_element (reader, "rPh") && rph_depth > 0)
            rph_depth--;
          else if (is_element (reader, "t") && t_depth > 0)
            t_depth--;
          break;

        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
          if (in_si && t_depth > 0 && rph_depth == 0)
            {
              g_string_append (text, (const char *)xmlTextReaderConstValue (reader));
              if (!text_fits (self, text->len, error))
                {
                  xmlFreeTextReader (reader);
                  part_io_free (io);
                  return FALSE;
                }
            }
          break;

        default:
          break;
        }
    }

  xmlFreeTextReader (reader);

  if (ret != 0)
    {
      set_damaged_error (self, error, name, io);
      part_io_free (io);
      return FALSE;
    }

  part_io_free (io);
  return TRUE;
}

static guint
parse_uint (const char *text,
            guint       fallback)
{
  guint64 value;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return fallback;

  value = g_ascii_strtoull (text, &end, 10);
  if (end == NULL || *end != '\0' || value > G_MAXUINT)
    return fallback;

  return (guint)value;
}

static DateKind
builtin_format_kind (guint id)
{
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
    return DATE_KIND_DATE;
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
    return DATE_KIND_TIME;
  if (id == 22)
    return DATE_KIND_DATE_TIME;
  return DATE_KIND_NONE;
}

/* What a custom number format shows: its letters outside "quoted text", \escapes and
 * [brackets] (colours, conditions, locales; [h] elapsed hours is a time). */
static DateKind
custom_format_kind (const char *code)
{
  gboolean date = FALSE;
  gboolean time = FALSE;
  gboolean month = FALSE;

  for (const char *p = code; *p != '\0'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (c == '"')
        {
          while (p[1] != '\0' && p[1] != '"')
            p++;
          if (p[1] == '"')
            p++;
        }
      else if (c == '\\' || c == '_' || c == '*')
        {
          if (p[1] != '\0')
            p++;
        }
      else if (c == '[')
        {
          if (g_ascii_tolower (p[1]) == 'h' || g_ascii_tolower (p[1]) == 'm' || g_ascii_tolower (p[1]) == 's')
            time = TRUE;
          while (p[1] != '\0' && p[1] != ']')
            p++;
          if (p[1] == ']')
            p++;
        }
      else if (c == ';')
        break;  /* the first section decides */
      else if (c == 'd' || c == 'y')
        date = TRUE;
      else if (c == 'h' || c == 's')
        time = TRUE;
      else if (c == 'm')
        month = TRUE;
    }

  if (month && !time)
    date = TRUE;

  if (date && time)
    return DATE_KIND_DATE_TIME;
  if (date)
    return DATE_KIND_DATE;
  if (time)
    return DATE_KIND_TIME;
  return DATE_KIND_NONE;
}

/* Reads which cell styles (cellXfs) show dates or times. */
static gboolean
read_styles (CbXlsxReader  *self,
             const char    *name,
             GError       **error)
{
  g_autoptr(GsfInput) input = open_part (self, name);
  g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
  xmlTextReaderPtr reader;
  gboolean in_cell_xfs = FALSE;
  PartIO *io;
  int ret;

  if (input == NULL)
    return TRUE;  /* no styles: no dates */

  io = g_new0 (PartIO, 1);
  io->input = g_steal_pointer (&input);
  reader = part_reader_new (io);
  if (reader == NULL)
    {
      set_damaged_error (self, error, name, io);
      part_io_free (io);
      return FALSE;
    }

  while ((ret = xmlTextReaderRead (reader)) == 1)
    {
      int type = xmlTextReaderNodeType (reader);

      if (type == XML_READER_TYPE_END_ELEMENT && is_element (reader, "cellXfs"))
        in_cell_xfs = FALSE;
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      if (is_element (reader, "numFmt"))
        {
          g_autofree char *id = get_attribute (reader, "numFmtId");
          g_autofree char *code = get_attribute (reader, "formatCode");
          guint n = parse_uint (id, G_MAXUINT);

          if (n != G_MAXUINT && code != NULL)
            g_hash_table_insert (custom, GUINT_TO_POINTER (n),
                                 GUINT_TO_POINTER (custom_format_kind (code) + 1));
        }
      else if (is_element (reader, "cellXfs"))
        in_cell_xfs = !xmlTextReaderIsEmptyElement (reader);
      else if (in_cell_xfs && is_element (reader, "xf"))
        {
          g_autofree char *id = get_attribute (reader, "numFmtId");
          guint n = parse_uint (id, 0);
          gpointer kind = g_hash_table_lookup (custom, GUINT_TO_POINTER (n));
          guint8 value = kind != NULL ? GPOINTER_TO_UINT (kind) - 1 : builtin_format_kind (n);

          g_byte_array_append (self->style_kinds, &value, 1);
        }
    }

  xmlFreeTextReader (reader);

  if (ret != 0)
    {
      set_damaged_error (self, error, name, io);
      part_io_free (io);
      return FALSE;
    }

  part_io_free (io);
  return TRUE;
}

/* A date/time serial number as ISO text, or NULL when it is out of range. */
static char *
format_serial (double   serial,
               DateKind kind,
               gboolean date1904)
{
  g_autoptr(GDate) date = NULL;
  double days;
  gint64 seconds;
  char text[32];

  if (!(serial >= 0 && serial < 2958466))  /* up to 9999-12-31 */
    return NULL;

  days = floor (serial);
  seconds = (gint64)llround ((serial - days) * 86400.0);
  if (seconds >= 86400)
    {
      days += 1;
      seconds -= 86400;
    }

  if (kind == DATE_KIND_TIME)
    {
      g_snprintf (text, sizeof text, "%02d:%02d:%02d", (int)(seconds / 3600),
                  (int)(seconds / 60 % 60), (int)(seconds % 60));
      return g_strdup (text);
    }

  if (date1904)
    date = g_date_new_dmy (1, G_DATE_JANUARY, 1904);
  else if (days < 60)
    date = g_date_new_dmy (31, G_DATE_DECEMBER, 1899);  /* before Excel's 1900-02-29 */
  else
    date = g_date_new_dmy (30, G_DATE_DECEMBER, 1899);
  g_date_add_days (date, (guint)days);
  if (!g_date_valid (date))
    return NULL;

  if (kind == DATE_KIND_DATE)
    g_snprintf (text, sizeof text, "%04d-%02d-%02d", g_date_get_year (date),
                g_date_get_month (date), g_date_get_day (date));
  else
    g_snprintf (text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", g_date_get_year (date),
                g_date_get_month (date), g_date_get_day (date), (int)(seconds / 3600),
                (int)(seconds / 60 % 60), (int)(seconds % 60));

  return g_strdup (text);
}

/* "AB12" → column 27 (0-based); -1 when @ref holds no column letters. */
static int
column_from_ref (const char *ref)
{
  int column = 0;
  guint letters = 0;

  if (ref == NULL)
    return -1;

  for (; g_ascii_isalpha (*ref); ref++)
    {
      column = column * 26 + (g_ascii_toupper (*ref) - 'A' + 1);
      if (++letters > 3)
        return -1;
    }

  return letters > 0 ? column - 1 : -1;
}

static void
put_cell (CbXlsxReader *self,
          GPtrArray    *cells,
          int           column,
          char         *value)
{
  if (column < 0 || column >= CB_IMPORT_MAX_COLUMNS ||
      (self->parent.max_cells > 0 && (guint)column >= self->parent.max_cells))
    {
      g_free (value);
      return;
    }

  while (cells->len < (guint)column)
    g_ptr_array_add (cells, NULL);

  if ((guint)column < cells->len)
    {
      g_free (g_ptr_array_index (cells, column));
      g_ptr_array_index (cells, column) = value;
    }
  else
    g_ptr_array_add (cells, value);
}

static char *
cell_value (CbXlsxReader  *self,
            CellType       type,
            guint          style,
            GString       *text,
            guint          row,
            GError       **error)
{
  switch (type)
    {
    case CELL_SHARED_STRING:
      {
        guint index;

        if (text->len == 0)
          return NULL;
        index = parse_uint (text->str, G_MAXUINT);
        if (index >= self->shared_strings->len)
          {
            g_autofree char *detail = g_strdup_printf (_("row %u refers to a shared string that does not exist"), row);
            cb_import_set_corrupt_error (error, self->parent.display_name, detail);
            return NULL;
          }
        return g_strdup (g_ptr_array_index (self->shared_strings, index));
      }

    case CELL_BOOLEAN:
      if (text->len == 0)
        return NULL;
      return g_strdup (g_str_equal (text->str, "0") ? "FALSE" : "TRUE");

    case CELL_NUMBER:
      {
        char *number;

        if (text->len == 0)
          return NULL;
        if (style < self->style_kinds->len && self->style_kinds->data[style] != DATE_KIND_NONE)
          {
            char *end = NULL;
            double serial = g_ascii_strtod (text->str, &end);

            if (end != text->str && *end == '\0' &&
                (number = format_serial (serial, self->style_kinds->data[style], self->date1904)) != NULL)
              return number;
          }
        number = cb_import_format_number_text (text->str);
        return number != NULL ? number : g_strndup (text->str, text->len);
      }

    case CELL_INLINE_STRING:
    case CELL_TEXT:
    default:
      return text->len > 0 ? g_strndup (text->str, text->len) : NULL;
    }
}

static CellType
cell_type_from_attribute (const char *t)
{
  if (t == NULL || g_str_equal (t, "n"))
    return CELL_NUMBER;
  if (g_str_equal (t, "s"))
    return CELL_SHARED_STRING;
  if (g_str_equal (t, "inlineStr"))
    return CELL_INLINE_STRING;
  if (g_str_equal (t, "b"))
    return CELL_BOOLEAN;
  return CELL_TEXT;
}

static CbRowReaderStatus
cb_xlsx_reader_next_row (CbRowReader  *reader,
                         guint        *row_number,
                         GPtrArray    *cells,
                         GError      **error)
{
  CbXlsxReader *self = (CbXlsxReader *)reader;
  g_autoptr(GString) text = NULL;
  gboolean in_row = FALSE;
  gboolean in_cell = FALSE;
  gboolean in_value = FALSE;
  guint t_depth = 0;
  guint rph_depth = 0;
  CellType cell_type = CELL_NUMBER;
  guint cell_style = 0;
  int column = -1;
  guint row = 0;
  int ret;

  g_assert (cells->len == 0);

  if (self->done)
    return CB_ROW_READER_END;

  text = g_string_new (NULL);

  while ((ret = xmlTextReaderRead (self->sheet)) == 1)
    {
      int type = xmlTextReaderNodeType (self->sheet);

      if (type == XML_READER_TYPE_ELEMENT)
        {
          gboolean empty = xmlTextReaderIsEmptyElement (self->sheet);

          if (!in_row && is_element (self->sheet, "row"))
            {
              g_autofree char *r = get_attribute (self->sheet, "r");

              row = parse_uint (r, self->last_row + 1);
              if (row <= self->last_row)
                row = self->last_row + 1;
              if (row > MAX_ROW)
                {
                  cb_import_set_corrupt_error (error, self->parent.display_name,
                                               _("the sheet has more rows than a spreadsheet can hold"));
                  return CB_ROW_READER_ERROR;
                }
              self->last_row = row;
              column = -1;
              if (!empty)
                in_row = TRUE;
            }
          else if (in_row && !in_cell && is_element (self->sheet, "c"))
            {
              g_autofree char *r = get_attribute (self->sheet, "r");
              g_autofree char *t = get_attribute (self->sheet, "t");
              g_autofree char *style = get_attribute (self->sheet, "s");
              int ref_column = column_from_ref (r);

              column = ref_column >= 0 ? ref_column : column + 1;
              cell_type = cell_type_from_attribute (t);
              cell_style = parse_uint (style, 0);
              g_string_truncate (text, 0);
              t_depth = rph_depth = 0;
              in_value = FALSE;
              if (!empty)
                in_cell = TRUE;
            }
          else if (in_cell && !empty)
            {
              if (is_element (self->sheet, "v") && cell_type != CELL_INLINE_STRING)
                in_value = TRUE;
              else if (cell_type == CELL_INLINE_STRING && is_element (self->sheet, "rPh"))
                rph_depth++;
              else if (cell_type == CELL_INLINE_STRING && is_element (self->sheet, "t"))
                t_depth++;
            }
        }
      else if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (in_cell && is_element (self->sheet, "c"))
            {
              g_autoptr(GError) local_error = NULL;
              char *value = cell_value (self, cell_type, cell_style, text, row, &local_error);

              if (local_error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return CB_ROW_READER_ERROR;
                }
              if (value != NULL && !g_utf8_validate (value, -1, NULL))
                {
                  g_free (value);
                  cb_import_set_encoding_error (error, self->parent.display_name, row);
                  return CB_ROW_READER_ERROR;
                }
              if (value != NULL)
                {
                  gsize len = strlen (value);

                  if (!text_fits (self, len, error))
                    {
                      g_free (value);
                      return CB_ROW_READER_ERROR;
                    }
                  self->text_bytes += len;
                }
              put_cell (self, cells, column, value);
              in_cell = FALSE;
            }
          else if (in_cell && is_element (self->sheet, "v"))
            in_value = FALSE;
          else if (in_cell && is_element (self->sheet, "rPh") && rph_depth > 0)
            rph_depth--;
          else if (in_cell && is_element (self->sheet, "t") && t_depth > 0)
            t_depth--;
          else if (in_row && is_element (self->sheet, "row"))
            {
              *row_number = row;
              return CB_ROW_READER_ROW;
            }
          else if (is_element (self->sheet, "sheetData"))
            {
              self->done = TRUE;
              return CB_ROW_READER_END;
            }
        }
      else if (in_cell &&
               (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                type == XML_READER_TYPE_WHITESPACE ||
                type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE))
        {
          if (in_value || (t_depth > 0 && rph_depth == 0))
            {
              g_string_append (text, (const char *)xmlTextReaderConstValue (self->sheet));
              if (!text_fits (self, text->len, error))
                return CB_ROW_READER_ERROR;
            }
        }
    }

  if (ret == 0 && !in_row)
    {
      self->done = TRUE;
      return CB_ROW_READER_END;
    }

  set_damaged_error (self, error, self->sheet_name, self->sheet_io);
  return CB_ROW_READER_ERROR;
}

static void
cb_xlsx_reader_free (CbRowReader *reader)
{
  CbXlsxReader *self = (CbXlsxReader *)reader;

  g_clear_pointer (&self->sheet, xmlFreeTextReader);
  g_clear_pointer (&self->sheet_io, part_io_free);
  g_free (self->sheet_name);
  g_clear_pointer (&self->shared_strings, g_ptr_array_unref);
  g_clear_pointer (&self->style_kinds, g_byte_array_unref);
  g_clear_object (&self->zip);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->parent.display_name);
  g_free (self);
}

static const CbRowReaderFuncs xlsx_reader_funcs = {
  cb_xlsx_reader_next_row,
  cb_xlsx_reader_free,
};

static gboolean
cb_xlsx_reader_open (CbXlsxReader  *self,
                     const char    *path,
                     GError       **error)
{
  static const char *package_types[] = { "/officeDocument", NULL };
  static const char *workbook_types[] = { "/sharedStrings", "/styles", NULL };
  g_autoptr(GsfInput) source = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) package_rels = NULL;
  g_autoptr(GHashTable) workbook_rels = NULL;
  g_autoptr(GsfInput) sheet_input = NULL;
  g_autofree char *workbook_name = NULL;
  g_autofree char *shared_strings_name = NULL;
  g_autofree char *styles_name = NULL;
  g_autofree char *sheet_id = NULL;
  const char *sheet_name;

  if (path != NULL)
    {
      source = gsf_input_stdio_new (path, &local_error);
      if (source == NULL)
        {
          g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_IO,
                       _("Could not read “%s”: %s"), self->parent.display_name,
                       local_error->message);
          return FALSE;
        }
    }
  else
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (self->bytes, &len);

      source = gsf_input_memory_new (data, len, FALSE);
    }

  self->zip = gsf_infile_zip_new (source, &local_error);
  if (self->zip == NULL)
    {
      cb_import_set_corrupt_error (error, self->parent.display_name,
                                   _("the zip archive is truncated or damaged"));
      return FALSE;
    }

  /* The package relationships name the workbook part. */
  {
    char *found[G_N_ELEMENTS (package_types)] = { NULL, };

    package_rels = read_relationships (self, "", package_types, found, error);
    if (package_rels == NULL)
      return FALSE;
    workbook_name = found[0] != NULL ? found[0] : g_strdup ("xl/workbook.xml");
  }

  {
    g_autoptr(GsfInput) probe = open_part (self, workbook_name);

    if (probe == NULL)
      {
        g_set_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_UNKNOWN_FORMAT,
                     _("“%s” is not a CSV, XLSX or XLS file"), self->parent.display_name);
        return FALSE;
      }
  }

  sheet_id = read_first_sheet_id (self, workbook_name, error);
  if (sheet_id == NULL)
    return FALSE;

  {
    char *found[G_N_ELEMENTS (workbook_types)] = { NULL, };

    workbook_rels = read_relationships (self, workbook_name, workbook_types, found, error);
    if (workbook_rels == NULL)
      return FALSE;
    shared_strings_name = found[0];
    styles_name = found[1];
  }

  sheet_name = g_hash_table_lookup (workbook_rels, sheet_id);
  if (sheet_name == NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("the workbook names a first worksheet (“%s”) that the package does not hold"),
                                                 sheet_id);
      cb_import_set_corrupt_error (error, self->parent.display_name, detail);
      return FALSE;
    }

  self->shared_strings = g_ptr_array_new_with_free_func (g_free);
  if (shared_strings_name != NULL && !read_shared_strings (self, shared_strings_name, error))
    return FALSE;

  self->style_kinds = g_byte_array_new ();
  if (styles_name != NULL && !read_styles (self, styles_name, error))
    return FALSE;

  sheet_input = open_part (self, sheet_name);
  if (sheet_input == NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("“%s” is missing"), sheet_name);
      cb_import_set_corrupt_error (error, self->parent.display_name, detail);
      return FALSE;
    }

  self->sheet_name = g_strdup (sheet_name);
  self->sheet_io = g_new0 (PartIO, 1);
  self->sheet_io->input = g_steal_pointer (&sheet_input);
  self->sheet = part_reader_new (self->sheet_io);
  if (self->sheet == NULL)
    {
      set_damaged_error (self, error, sheet_name, self->sheet_io);
      return FALSE;
    }

  return TRUE;
}

CbRowReader *
cb_import_xlsx_reader_new (const char    *path,
                           GBytes        *bytes,
                           const char    *display_name,
                           GError       **error)
{
  CbXlsxReader *self;

  g_return_val_if_fail ((path == NULL) != (bytes == NULL), NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  xmlInitParser ();

  self = g_new0 (CbXlsxReader, 1);
  self->parent.funcs = &xlsx_reader_funcs;
  self->parent.display_name = g_strdup (display_name);
  self->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;

  if (!cb_xlsx_reader_open (self, path, error))
    {
      cb_xlsx_reader_free (&self->parent);
      return NULL;
    }

  return &self->parent;
}
