/* test-report.c — batch reports: the XLSX parts, the CSV bytes, export
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gsf/gsf.h>
#include <string.h>

#include "cb-report.h"
#include "cb-store-private.h"
#include "cb-test-http.h"
#include "cb-test-util.h"

/* Five recipients whose variables try every trick a spreadsheet falls for. */
static const char recipients_csv[] =
  "phone,first_name,note\n"
  "+12122021000,Alice,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n"
  "+12122021001,Bob,+1 555\n"
  "+12122021002,\"Carol \"\"CJ\"\"\",-5\n"
  "+12122021003,Dan,\"@x\nsecond line\"\n"
  "+12122021004,\"Eve, Jr.\",\tplain\n";

typedef struct
{
  CbStore *store;
  CbBatch *batch;
  char    *path;
} Fixture;

static void
exec_ok (CbStore    *store,
         const char *sql,
         const char *id)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cb_store_exec (store, &error, sql, "id", id, NULL), ==, 1);
  g_assert_no_error (error);
}

static char *
recipient_id (Fixture *f,
              guint    row)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = cb_store_select (f->store, &error,
                           "SELECT id FROM recipients WHERE batch_id = ##b::string"
                           " AND row_number = ##r::gint",
                           "b", cb_batch_get_id (f->batch),
                           "r", (int) row,
                           NULL);
  g_assert_no_error (error);
  g_assert_cmpint (gda_data_model_get_n_rows (model), ==, 1);
  return g_strdup (cb_store_model_get_string (model, 0, 0));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = g_bytes_new_static (recipients_csv, strlen (recipients_csv));
  g_autofree char *r2 = NULL;
  g_autofree char *r3 = NULL;
  g_autofree char *r4 = NULL;
  CbBatchParams params = { 0 };
  g_autofree char *name = NULL;
  static guint n;

  name = g_strdup_printf ("report-%u.db", n++);
  f->path = cb_test_tmp_path (name);
  f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);

  params.name = "Spring leads";
  params.agent_id = "agent_demo";
  params.timezone = "Europe/Paris";
  params.max_retries = -1;
  params.retry_delay_s = -1;
  f->batch = cb_store_import_bytes (f->store, &params, csv, "leads.csv", FALSE, NULL, NULL,
                                    &error);
  g_assert_no_error (error);

  /* Row 2 answered with a summary, row 3 not answered with only a long transcript,
   * row 4 dialling, rows 5 and 6 pending. */
  r2 = recipient_id (f, 2);
  r3 = recipient_id (f, 3);
  r4 = recipient_id (f, 4);
  exec_ok (f->store,
           "UPDATE recipients SET status = 'completed', attempts = 1, outcome = 'answered',"
           " disconnection_reason = 'agent_hangup', duration_ms = 61234,"
           " started_at = 1777971600000, ended_at = 1777971661234,"
           " transcript = 'Agent: Hello', analysis = '{\"call_summary\":\"Confirmed, \\\"9am\\\".\","
           "\"call_successful\":true}' WHERE id = ##id::string", r2);
  exec_ok (f->store,
           "UPDATE recipients SET status = 'failed', attempts = 3, outcome = 'no_answer',"
           " disconnection_reason = 'dial_no_answer', duration_ms = 0,"
           " started_at = NULL, ended_at = 1777975200000,"
           " transcript = '0123456789012345678901234567890123456789012345678901234567890123456789"
           "0123456789012345678901234567890123456789012345678901234567890123456789"
           "0123456789012345678901234567890123456789012345678901234567890123456789'"
           " WHERE id = ##id::string", r3);
  exec_ok (f->store,
           "UPDATE recipients SET status = 'dialing', attempts = 1 WHERE id = ##id::string", r4);
  exec_ok (f->store,
           "UPDATE batches SET status = 'running', total = 5, pending = 2, dialing = 1,"
           " completed = 1, failed = 1, picked_up = 1, sent = 5, started_at = 1777971600000"
           " WHERE id = ##id::string", cb_batch_get_id (f->batch));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->batch);
  g_clear_object (&f->store);
  g_free (f->path);
}

static const char expected_csv[] =
  "Row,Phone,first_name,note,Status,Attempts,Outcome,Disconnection reason,Duration (s),"
  "Started,Ended,Transcript summary\r\n"
  "2,+12122021000,Alice,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",completed,1,answered,"
  "agent_hangup,61.2,2026-05-05T11:00:00+02:00,2026-05-05T11:01:01+02:00,"
  "\"Confirmed, \"\"9am\"\".\"\r\n"
  "3,+12122021001,Bob,'+1 555,failed,3,no_answer,dial_no_answer,0.0,,"
  "2026-05-05T12:00:00+02:00,"
  "01234567890123456789012345678901234567890123456789012345678901234567890123456789"
  "01234567890123456789012345678901234567890123456789012345678901234567890123456789"
  "0123456789012345678901234567890123456789…\r\n"
  "4,+12122021002,\"Carol \"\"CJ\"\"\",'-5,dialing,1,,,,,,\r\n"
  "5,+12122021003,Dan,\"'@x\nsecond line\",pending,0,,,,,,\r\n"
  "6,+12122021004,\"Eve, Jr.\",'\tplain,pending,0,,,,,,\r\n";

/* CSV */

/* The tests that take "libgda" as data read the SQLite store as any other database. */
static void
use_reader (gconstpointer data)
{
  cb_report_set_direct_reader_enabled (g_strcmp0 (data, "libgda") != 0);
}

static void
test_csv_bytes (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path ("report.csv");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;

  use_reader (data);

  g_assert_true (cb_report_write (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                  path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpstr (contents, ==, expected_csv);
  g_assert_cmpuint (len, ==, strlen (expected_csv));

  /* The in-memory variant gives the same bytes. */
  bytes = cb_report_write_bytes (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected_csv, strlen (expected_csv));
  cb_report_set_direct_reader_enabled (TRUE);
}

/* The phone column holds E.164 numbers, written as they are so the file stays usable; any
 * other text there, and every variable, still gets the guard. */
static void
test_csv_phone_column (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *r4 = recipient_id (f, 4);
  g_autofree char *r5 = recipient_id (f, 5);
  g_autofree char *r6 = recipient_id (f, 6);
  g_autofree char *text = NULL;

  exec_ok (f->store, "UPDATE recipients SET phone = '=2+3' WHERE id = ##id::string", r4);
  exec_ok (f->store, "UPDATE recipients SET phone = '+0123' WHERE id = ##id::string", r5);
  exec_ok (f->store, "UPDATE recipients SET phone = '+1212202100412345' WHERE id = ##id::string",
           r6);

  bytes = cb_report_write_bytes (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                 NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, "\r\n2,+12122021000,Alice,\"'=HYPERLINK("));
  g_assert_nonnull (strstr (text, "\r\n3,+12122021001,Bob,'+1 555,failed,"));
  g_assert_nonnull (strstr (text, "\r\n4,'=2+3,\"Carol \"\"CJ\"\"\",'-5,dialing,"));
  g_assert_nonnull (strstr (text, "\r\n5,'+0123,Dan,"));
  g_assert_nonnull (strstr (text, "\r\n6,'+1212202100412345,\"Eve, Jr.\","));
}

/* Times on both sides of daylight saving time changes, in the batch's zone, in any order. */
static void
test_csv_times_across_dst (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *r2 = recipient_id (f, 2);
  g_autofree char *r3 = recipient_id (f, 3);
  g_autofree char *r4 = recipient_id (f, 4);
  g_autofree char *text = NULL;

  use_reader (data);

  /* 2026-03-29 00:59:59 and 01:00:00 UTC (Paris moves to +02:00), then 2026-01-15 12:00
   * UTC, then 2026-10-25 00:59:59 and 01:00:00 UTC (back to +01:00). */
  exec_ok (f->store, "UPDATE recipients SET started_at = 1774745999000, ended_at = 1774746000000"
                     " WHERE id = ##id::string", r2);
  exec_ok (f->store, "UPDATE recipients SET started_at = 1768478400000, ended_at = 1768478400999"
                     " WHERE id = ##id::string", r3);
  exec_ok (f->store, "UPDATE recipients SET started_at = 1792889999000, ended_at = 1792890000000,"
                     " duration_ms = 1000 WHERE id = ##id::string", r4);

  bytes = cb_report_write_bytes (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                 NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, ",61.2,2026-03-29T01:59:59+01:00,2026-03-29T03:00:00+02:00,"));
  g_assert_nonnull (strstr (text, ",0.0,2026-01-15T13:00:00+01:00,2026-01-15T13:00:00+01:00,"));
  g_assert_nonnull (strstr (text, ",1.0,2026-10-25T02:59:59+02:00,2026-10-25T02:00:00+01:00,"));
  cb_report_set_direct_reader_enabled (TRUE);
}

static void
test_csv_field (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "=1+2", "'=1+2" },
    { "+1 555", "'+1 555" },
    { "-5", "'-5" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "line\nbreak", "\"line\nbreak\"" },
    { "=A1,\"x\"", "\"'=A1,\"\"x\"\"\"" },
    { "a=b", "a=b" },
    { "Zoë", "Zoë" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      cb_report_append_csv_field (out, cases[i].in);
      g_assert_cmpstr (out->str, ==, cases[i].out);
    }
}

/* XLSX */

static char *
zip_part (const char *path,
          const char *part)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_strsplit (part, "/", -1);
  GsfInput *input;
  GsfInfile *zip;
  GsfInput *child;
  char *text = NULL;

  input = gsf_input_stdio_new (path, &error);
  g_assert_no_error (error);
  zip = gsf_infile_zip_new (input, &error);
  g_assert_no_error (error);

  child = gsf_infile_child_by_aname (zip, (const char **) names);
  if (child != NULL)
    {
      gsf_off_t size = gsf_input_size (child);

      text = g_malloc0 (size + 1);
      g_assert_nonnull (gsf_input_read (child, size, (guint8 *) text));
      g_object_unref (child);
    }

  g_object_unref (zip);
  g_object_unref (input);
  return text;
}

static gboolean
has (const char *xml,
     const char *needle)
{
  return xml != NULL && strstr (xml, needle) != NULL;
}

/* The @n-th (from 0) element starting with @tag after @section, up to its first '>'
 * (or up to @end). */
static char *
nth_element (const char *xml,
             const char *section,
             const char *tag,
             int         n,
             const char *end)
{
  const char *p = strstr (xml, section);

  g_assert_nonnull (p);
  for (int i = 0; i <= n; i++)
    {
      p = strstr (p + 1, tag);
      g_assert_nonnull (p);
    }

  if (end != NULL)
    return g_strndup (p, strstr (p, end) - p);
  return g_strndup (p, strchr (p + 1, '>') - p + 1);
}

static void
test_xlsx_parts (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path ("report.xlsx");
  g_autofree char *workbook = NULL;
  g_autofree char *rels = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *summary_rels = NULL;
  g_autofree char *drawing_rels = NULL;
  g_autofree char *chart = NULL;
  g_autofree char *sheet = NULL;
  g_autofree char *styles = NULL;
  g_autofree char *date_style = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *batch_cell = NULL;
  g_autofree char *header_style = NULL;
  g_autofree char *header_font = NULL;
  const char *p;
  int date_xf = -1;
  guint n_rows = 0;

  use_reader (data);
  g_assert_true (cb_report_write (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_XLSX,
                                  path, NULL, &error));
  g_assert_no_error (error);
  cb_report_set_direct_reader_enabled (TRUE);

  workbook = zip_part (path, "xl/workbook.xml");
  g_assert_true (has (workbook, "<sheet name=\"Summary\" sheetId=\"1\" r:id=\"rId1\"/>"));
  g_assert_true (has (workbook, "<sheet name=\"Recipients\" sheetId=\"2\" r:id=\"rId2\"/>"));
  rels = zip_part (path, "xl/_rels/workbook.xml.rels");
  g_assert_true (has (rels, "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
                            "2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\""));

  /* Summary: the batch's fields, its counters, the outcomes and the chart. */
  summary = zip_part (path, "xl/worksheets/sheet1.xml");
  g_assert_true (has (summary, "<t>Spring leads</t>"));
  batch_cell = g_strdup_printf ("<t>%s</t>", cb_batch_get_id (f->batch));
  g_assert_true (has (summary, batch_cell));
  g_assert_true (has (summary, "<t>Demo agent (agent_demo)</t>"));
  g_assert_true (has (summary, "<t>+14155550100</t>"));
  g_assert_true (has (summary, "<t>running</t>"));
  g_assert_true (has (summary, "<t>Europe/Paris</t>"));
  g_assert_true (has (summary, "<t>Answered</t>"));
  g_assert_true (has (summary, "<t>No answer</t>"));
  g_assert_true (has (summary, "<t>Pending</t>"));
  g_assert_true (has (summary, "<t>Dialing</t>"));
  /* The title in style 1 (13 points), the labels in style 2 (bold), and the outcomes with
   * their counts, most frequent first. */
  g_assert_true (has (summary, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>Batch report</t>"));
  g_assert_true (has (summary, "<c r=\"A3\" s=\"2\" t=\"inlineStr\"><is><t>Name</t>"));
  p = strstr (summary, "<t>Outcome</t>");
  g_assert_nonnull (p);
  g_assert_true (has (p, "<t>Pending</t></is></c><c r=\"B28\"><v>2</v></c></row>"));
  g_assert_true (has (p, "<t>Answered</t></is></c><c r=\"B29\"><v>1</v></c></row>"));
  g_assert_true (has (p, "<t>Dialing</t></is></c><c r=\"B30\"><v>1</v></c></row>"));
  g_assert_true (has (p, "<t>No answer</t></is></c><c r=\"B31\"><v>1</v></c></row>"));
  g_assert_true (has (summary, "<drawing r:id=\"rId1\"/>"));
  summary_rels = zip_part (path, "xl/worksheets/_rels/sheet1.xml.rels");
  g_assert_true (has (summary_rels, "Target=\"../drawings/drawing1.xml\""));
  drawing_rels = zip_part (path, "xl/drawings/_rels/drawing1.xml.rels");
  g_assert_true (has (drawing_rels, "Target=\"../charts/chart1.xml\""));
  chart = zip_part (path, "xl/charts/chart1.xml");
  g_assert_nonnull (chart);
  g_assert_true (has (chart, "<c:barChart>"));
  g_assert_true (has (chart, "<c:f>Summary!$A$28:$A$31</c:f>"));
  g_assert_true (has (chart, "<c:f>Summary!$B$28:$B$31</c:f>"));
  g_assert_true (has (chart, "Summary!$A$"));
  g_assert_true (has (chart, "Summary!$B$"));

  /* Recipients: header, frozen, filtered; one row per recipient. */
  sheet = zip_part (path, "xl/worksheets/sheet2.xml");
  g_assert_nonnull (sheet);
  g_assert_true (has (sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                             "state=\"frozen\"/>"));
  g_assert_true (has (sheet, "<autoFilter ref=\"A1:L6\"/>"));
  g_assert_true (has (sheet, "<c r=\"A1\" s=\"2\" t=\"inlineStr\"><is><t>Row</t></is></c>"));
  g_assert_true (has (sheet, "<c r=\"C1\" s=\"2\" t=\"inlineStr\"><is><t>first_name</t></is></c>"));
  g_assert_true (has (sheet, "<c r=\"D1\" s=\"2\" t=\"inlineStr\"><is><t>note</t></is></c>"));
  g_assert_true (has (sheet, "<c r=\"L1\" s=\"2\" t=\"inlineStr\"><is><t>Transcript summary</t>"));
  for (p = sheet; (p = strstr (p, "<row ")) != NULL; p++)
    n_rows++;
  g_assert_cmpuint (n_rows, ==, 6);
  g_assert_true (has (sheet, "<c r=\"B2\" t=\"inlineStr\"><is><t>+12122021000</t></is></c>"));
  /* Written as text, never as a formula: no guard needed in XLSX. */
  g_assert_true (has (sheet, "<c r=\"D2\" t=\"inlineStr\"><is><t>=HYPERLINK(\"http://x\",\"y\")"
                             "</t></is></c>"));
  g_assert_false (has (sheet, "<f>"));
  g_assert_true (has (sheet, "<c r=\"F3\"><v>3</v></c>"));
  g_assert_true (has (sheet, "<c r=\"G2\" t=\"inlineStr\"><is><t>answered</t></is></c>"));
  g_assert_true (has (sheet, "<c r=\"L2\" t=\"inlineStr\"><is><t>Confirmed, \"9am\".</t></is></c>"));
  g_assert_true (has (sheet, "<cols>"));

  /* Dates are numbers in the batch's time zone, with a date format: 2026-05-05 11:00 in
   * Paris is 46147.458333… */
  p = strstr (sheet, "<c r=\"J2\" s=\"");
  g_assert_nonnull (p);
  cell = g_strndup (p, strstr (p, "</c>") - p);
  date_xf = atoi (cell + strlen ("<c r=\"J2\" s=\""));
  g_assert_true (has (cell, "<v>46147.45833333"));
  g_assert_cmpint (date_xf, >, 0);

  styles = zip_part (path, "xl/styles.xml");
  date_style = nth_element (styles, "<cellXfs", "<xf ", date_xf, NULL);
  g_assert_true (g_str_has_prefix (date_style, "<xf numFmtId=\"164\""));
  g_assert_true (has (styles, "<numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/>"));

  /* The header's style 2 is the bold font. */
  header_style = nth_element (styles, "<cellXfs", "<xf ", 2, NULL);
  g_assert_true (g_str_has_prefix (header_style, "<xf numFmtId=\"0\" fontId=\"2\""));
  header_font = nth_element (styles, "<fonts", "<font>", 2, "</font>");
  g_assert_true (g_str_has_prefix (header_font, "<font><b/><sz val=\"11\"/>"));
}

static void
test_unknown_batch (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path ("unknown.xlsx");
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();

  g_assert_false (cb_report_write (f->store, "batch_000000000000000000000000",
                                   CB_REPORT_FORMAT_XLSX, path, NULL, &error));
  g_assert_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no batch “batch_000000000000000000000000”.");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (cb_report_write_to_stream (f->store, "batch_x", CB_REPORT_FORMAT_CSV, stream,
                                             NULL, &error));
  g_assert_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_NOT_FOUND);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), ==, 0);
}

static void
test_keeps_old_file_on_error (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = cb_test_tmp_path ("keep.csv");
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_assert_true (g_file_set_contents (path, "old", -1, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (cb_report_write (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                   path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");

  /* No temporary file is left behind. */
  dir = g_path_get_dirname (path);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_false (g_str_has_prefix (name, "keep.csv."));
}

static void
test_variables_without_file_columns (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *r5 = recipient_id (f, 5);
  g_autofree char *text = NULL;

  /* A batch whose report names no columns: every key of every recipient, as met. */
  exec_ok (f->store, "UPDATE batches SET report_json = NULL WHERE id = ##id::string",
           cb_batch_get_id (f->batch));
  exec_ok (f->store, "UPDATE recipients SET dynamic_vars = '{\"first_name\":\"Dan\",\"city\":\"Lyon\","
                     "\"n\":3}' WHERE id = ##id::string", r5);

  bytes = cb_report_write_bytes (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_CSV,
                                 NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_true (g_str_has_prefix (text, "Row,Phone,first_name,note,city,n,Status,"));
  g_assert_nonnull (strstr (text, "\r\n5,+12122021003,Dan,,Lyon,3,pending,0,,,,,,\r\n"));
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AsyncResult;

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->ok = cb_report_write_finish (result, &async->error);
  async->done = TRUE;
}

static gboolean
async_done (gpointer data)
{
  return ((AsyncResult *) data)->done;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = cb_test_tmp_path ("async.xlsx");
  g_autofree char *workbook = NULL;
  AsyncResult async = { 0 };

  cb_report_write_async (f->store, cb_batch_get_id (f->batch), CB_REPORT_FORMAT_XLSX, path, NULL,
                         write_cb, &async);
  cb_test_wait_until (async_done, &async, 30);
  g_assert_no_error (async.error);
  g_assert_true (async.ok);
  workbook = zip_part (path, "xl/workbook.xml");
  g_assert_true (has (workbook, "name=\"Recipients\""));
}

static void
test_format_from_path (void)
{
  g_autoptr(GError) error = NULL;
  CbReportFormat format = CB_REPORT_FORMAT_CSV;

  g_assert_true (cb_report_format_from_path ("/tmp/a.XLSX", &format, &error));
  g_assert_cmpint (format, ==, CB_REPORT_FORMAT_XLSX);
  g_assert_true (cb_report_format_from_path ("out.csv", &format, &error));
  g_assert_cmpint (format, ==, CB_REPORT_FORMAT_CSV);
  g_assert_false (cb_report_format_from_path ("out.xls", &format, &error));
  g_assert_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FORMAT);
  g_assert_cmpstr (error->message, ==, "“out.xls” ends in neither .xlsx nor .csv: the report's "
                                       "format is chosen by the file name's extension.");
  g_clear_error (&error);
  g_assert_false (cb_report_format_from_path ("dir.csv/report", &format, &error));
  g_assert_error (error, CB_REPORT_ERROR, CB_REPORT_ERROR_FORMAT);
}

/* callboard-engine export, while this process holds the database's engine lock. */
static int
run_export (const char  *db,
            const char  *batch_id,
            const char  *output,
            char       **err_out)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("CALLBOARD_ENGINE"), "export", batch_id, "--output", output,
                         "--db", db, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               err_out, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli_export (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *csv = cb_test_tmp_path ("cli.csv");
  g_autofree char *xlsx = cb_test_tmp_path ("cli.xlsx");
  g_autofree char *contents = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *err = NULL;

  if (g_getenv ("CALLBOARD_ENGINE") == NULL)
    {
      g_test_skip ("CALLBOARD_ENGINE is not set");
      return;
    }

  g_assert_cmpint (run_export (f->path, cb_batch_get_id (f->batch), csv, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected_csv);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_export (f->path, cb_batch_get_id (f->batch), xlsx, &err), ==, 0);
  workbook = zip_part (xlsx, "xl/workbook.xml");
  g_assert_true (has (workbook, "name=\"Summary\""));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_export (f->path, "batch_nope", xlsx, &err), ==, 1);
  g_assert_cmpstr (err, ==, "callboard-engine: There is no batch “batch_nope”.\n");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_export (f->path, cb_batch_get_id (f->batch), "report.pdf", &err), ==, 2);
  g_assert_cmpstr (err, ==, "callboard-engine: “report.pdf” ends in neither .xlsx nor .csv: the "
                            "report's format is chosen by the file name's extension.\n");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_export ("/nonexistent/cb.db", cb_batch_get_id (f->batch), xlsx, &err), ==, 2);
  g_assert_cmpstr (err, ==, "callboard-engine: There is no database at “/nonexistent/cb.db”.\n");
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);
  gsf_init ();

  g_test_add_func ("/report/csv/field", test_csv_field);
  g_test_add_func ("/report/format-from-path", test_format_from_path);
  g_test_add ("/report/csv/bytes", Fixture, NULL, fixture_setup, test_csv_bytes, fixture_teardown);
  g_test_add ("/report/csv/bytes-libgda", Fixture, "libgda", fixture_setup, test_csv_bytes,
              fixture_teardown);
  g_test_add ("/report/csv/phone-column", Fixture, NULL, fixture_setup, test_csv_phone_column,
              fixture_teardown);
  g_test_add ("/report/csv/times-across-dst", Fixture, NULL, fixture_setup,
              test_csv_times_across_dst, fixture_teardown);
  g_test_add ("/report/csv/times-across-dst-libgda", Fixture, "libgda", fixture_setup,
              test_csv_times_across_dst, fixture_teardown);
  g_test_add ("/report/xlsx/parts-libgda", Fixture, "libgda", fixture_setup, test_xlsx_parts,
              fixture_teardown);
  g_test_add ("/report/xlsx/parts", Fixture, NULL, fixture_setup, test_xlsx_parts,
              fixture_teardown);
  g_test_add ("/report/unknown-batch", Fixture, NULL, fixture_setup, test_unknown_batch,
              fixture_teardown);
  g_test_add ("/report/keeps-old-file", Fixture, NULL, fixture_setup,
              test_keeps_old_file_on_error, fixture_teardown);
  g_test_add ("/report/variables-without-columns", Fixture, NULL, fixture_setup,
              test_variables_without_file_columns, fixture_teardown);
  g_test_add ("/report/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/report/cli-export", Fixture, NULL, fixture_setup, test_cli_export,
              fixture_teardown);

  return g_test_run ();
}
