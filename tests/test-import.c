/* test-import.c — reading and validating recipient files, and `callboard-engine validate`
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsf/gsf-outfile-zip.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-stdio.h>
#include <sys/wait.h>

#include "cb-import.h"
#include "cb-import-private.h"
#include "cb-store.h"
#include "cb-test-util.h"

#define GROUP(reason, message, rows) \
  "{\"reason\":\"" reason "\",\"message\":\"" message "\",\"rows\":[" rows "]}"
#define INVALID_NUMBER(rows) GROUP ("invalid_phone_number", "Not a valid phone number", rows)
#define MISSING_PHONE(rows) GROUP ("missing_phone", "Phone number is empty", rows)
#define DUPLICATE(rows) GROUP ("duplicate", "Same number as an earlier row", rows)
#define NOT_ALLOWED(rows) GROUP ("country_not_allowed", "Country not allowed", rows)
#define SUPPRESSED(rows) GROUP ("suppressed", "Number is on the do-not-call list", rows)

static CbImportReport *
import_fixture (const char             *name,
                const CbImportOptions  *options,
                GError                **error)
{
  g_autofree char *path = cb_test_data_path (name);

  return cb_import_file (path, options, NULL, error);
}

static void
assert_json (const char            *name,
             const CbImportOptions *options,
             const char            *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(CbImportReport) from_bytes = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_bytes = NULL;
  g_autofree char *path = cb_test_data_path (name);
  g_autofree char *contents = NULL;
  gsize len;

  report = cb_import_file (path, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  json = cb_import_report_to_json_string (report, FALSE);
  g_assert_cmpstr (json, ==, expected);
  g_assert_cmpuint (cb_import_report_get_valid (report) + cb_import_report_get_invalid (report),
                    ==, cb_import_report_get_rows (report));

  /* An upload of the same bytes gives the same report. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

    from_bytes = cb_import_bytes (bytes, name, options, NULL, &error);
    g_assert_no_error (error);
    json_bytes = cb_import_report_to_json_string (from_bytes, FALSE);
    g_assert_cmpstr (json_bytes, ==, expected);
  }
}

static void
assert_error (const char            *name,
              const CbImportOptions *options,
              int                    code,
              const char            *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = import_fixture (name, options, &error);

  g_assert_null (report);
  g_assert_error (error, CB_IMPORT_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static const CbImportOptions us = { .default_region = "US" };

/* Formats and numbers */

static void
test_detect_format (void)
{
  static const guint8 zip[] = { 'P', 'K', 3, 4, 20, 0 };
  static const guint8 ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  static const guint8 utf16[] = { 0xff, 0xfe, 'p', 0, 'h', 0 };
  static const char text[] = "phone;name\r\n+14155550100;Zoë\r\n";
  static const char latin1[] = "phone,name\n+14155550100,Jos\xe9\n";

  g_assert_cmpint (cb_import_detect_format (zip, sizeof zip), ==, CB_IMPORT_FORMAT_XLSX);
  g_assert_cmpint (cb_import_detect_format (ole, sizeof ole), ==, CB_IMPORT_FORMAT_XLS);
  g_assert_cmpint (cb_import_detect_format (png, sizeof png), ==, CB_IMPORT_FORMAT_UNKNOWN);
  g_assert_cmpint (cb_import_detect_format (utf16, sizeof utf16), ==, CB_IMPORT_FORMAT_CSV);
  g_assert_cmpint (cb_import_detect_format ((const guint8 *)text, strlen (text)), ==, CB_IMPORT_FORMAT_CSV);
  g_assert_cmpint (cb_import_detect_format ((const guint8 *)latin1, strlen (latin1)), ==, CB_IMPORT_FORMAT_CSV);
  g_assert_cmpint (cb_import_detect_format ((const guint8 *)"a\0b", 3), ==, CB_IMPORT_FORMAT_UNKNOWN);
  g_assert_cmpint (cb_import_detect_format (NULL, 0), ==, CB_IMPORT_FORMAT_UNKNOWN);
}

static void
test_format_number (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "9.87654321E9", "9876543210" },
    { "4155550100", "4155550100" },
    { "14155550100", "14155550100" },
    { "1.4155550100E10", "14155550100" },
    { "1E21", "1000000000000000000000" },
    { "0.1", "0.1" },
    { "1234.5", "1234.5" },
    { "1E-3", "0.001" },
    { "1.5E-7", "0.00000015" },
    { "-2.25", "-2.25" },
    { "-0", "0" },
    { "123456789.123", "123456789.123" },
    { "0.30000000000000004", "0.30000000000000004" },
    { "12", "12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = cb_import_format_number_text (cases[i].text);

      g_assert_cmpstr (out, ==, cases[i].expected);
    }

  g_assert_null (cb_import_format_number_text ("nan"));
  g_assert_null (cb_import_format_number_text ("inf"));
  g_assert_null (cb_import_format_number_text ("12abc"));
  g_assert_null (cb_import_format_number_text (""));
}

static void
test_reasons (void)
{
  g_assert_cmpstr (cb_import_reason_to_string (CB_IMPORT_REASON_MISSING_PHONE), ==, "missing_phone");
  g_assert_cmpstr (cb_import_reason_to_string (CB_IMPORT_REASON_INVALID_PHONE_NUMBER), ==, "invalid_phone_number");
  g_assert_cmpstr (cb_import_reason_to_string (CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED), ==, "country_not_allowed");
  g_assert_cmpstr (cb_import_reason_to_string (CB_IMPORT_REASON_DUPLICATE), ==, "duplicate");
  g_assert_cmpstr (cb_import_reason_to_string (CB_IMPORT_REASON_SUPPRESSED), ==, "suppressed");
  g_assert_cmpstr (cb_import_reason_message (CB_IMPORT_REASON_MISSING_PHONE), ==, "Phone number is empty");
  g_assert_cmpstr (cb_import_reason_message (CB_IMPORT_REASON_INVALID_PHONE_NUMBER), ==, "Not a valid phone number");
  g_assert_cmpstr (cb_import_reason_message (CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED), ==, "Country not allowed");
  g_assert_cmpstr (cb_import_reason_message (CB_IMPORT_REASON_DUPLICATE), ==, "Same number as an earlier row");
  g_assert_cmpstr (cb_import_reason_message (CB_IMPORT_REASON_SUPPRESSED), ==, "Number is on the do-not-call list");
}

/* CSV */

static void
test_csv_bom (void)
{
  assert_json ("import-bom.csv", &us,
               "{\"file\":\"import-bom.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":[]}");
}

static void
test_csv_semicolon (void)
{
  assert_json ("import-semicolon.csv", &us,
               "{\"file\":\"import-semicolon.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"phone\",\"first_name\",\"city\"],\"phone_column\":\"phone\",\"groups\":[]}");
}

static void
test_csv_tab (void)
{
  assert_json ("import-tab.csv", &us,
               "{\"file\":\"import-tab.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"first_name\",\"phone\",\"note\"],\"phone_column\":\"phone\",\"groups\":[]}");
}

static void
test_csv_crlf (void)
{
  assert_json ("import-crlf.csv", &us,
               "{\"file\":\"import-crlf.csv\",\"rows\":3,\"valid\":2,\"invalid\":1,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("5") "]}");
}

static void
test_csv_quoted (void)
{
  assert_json ("import-quoted.csv", &us,
               "{\"file\":\"import-quoted.csv\",\"rows\":4,\"valid\":3,\"invalid\":1,"
               "\"columns\":[\"phone\",\"note\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("4") "]}");
}

static void
test_csv_blank_rows (void)
{
  assert_json ("import-blank-rows.csv", &us,
               "{\"file\":\"import-blank-rows.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":[]}");
}

static void
test_csv_phone_position (void)
{
  assert_json ("import-phone-position.csv", &us,
               "{\"file\":\"import-phone-position.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"first_name\",\"city\",\"Phone\"],\"phone_column\":\"Phone\",\"groups\":[]}");
}

static void
test_csv_duplicates (void)
{
  /* Rows 3–5 are row 2's number written differently; row 8 is a GB number written
   * nationally, which the US default region cannot read; row 9 is row 7 again. */
  assert_json ("import-duplicates.csv", &us,
               "{\"file\":\"import-duplicates.csv\",\"rows\":8,\"valid\":3,\"invalid\":5,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("8") "," DUPLICATE ("3,4,5,9") "]}");
}

static void
test_csv_formats (void)
{
  static const CbImportOptions gb = { .default_region = "gb" };

  assert_json ("import-formats.csv", &us,
               "{\"file\":\"import-formats.csv\",\"rows\":6,\"valid\":4,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("5,6") "]}");
  /* With GB as the default region (any case), the national UK forms are fine and the
   * national US ones are not. */
  assert_json ("import-formats.csv", &gb,
               "{\"file\":\"import-formats.csv\",\"rows\":6,\"valid\":4,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("2,7") "]}");
}

static void
test_csv_letters (void)
{
  assert_json ("import-letters.csv", &us,
               "{\"file\":\"import-letters.csv\",\"rows\":3,\"valid\":1,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("2,3") "]}");
}

static void
test_csv_too_short (void)
{
  assert_json ("import-too-short.csv", &us,
               "{\"file\":\"import-too-short.csv\",\"rows\":3,\"valid\":1,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("2,3") "]}");
}

static void
test_csv_unknown_country (void)
{
  assert_json ("import-unknown-country.csv", &us,
               "{\"file\":\"import-unknown-country.csv\",\"rows\":3,\"valid\":1,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("2,3") "]}");
}

static void
test_csv_empty_phone (void)
{
  assert_json ("import-empty-phone.csv", &us,
               "{\"file\":\"import-empty-phone.csv\",\"rows\":4,\"valid\":1,\"invalid\":3,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               MISSING_PHONE ("2,3,5") "]}");
}

static void
assert_recipient (GPtrArray  *recipients,
                  guint       index,
                  guint       row,
                  const char *raw,
                  const char *e164,
                  const char *region,
                  ...)
{
  CbImportRecipient *recipient;
  const char *value;
  va_list args;
  guint i = 0;

  g_assert_cmpuint (index, <, recipients->len);
  recipient = g_ptr_array_index (recipients, index);
  g_assert_cmpuint (recipient->row, ==, row);
  g_assert_cmpstr (recipient->raw, ==, raw);
  g_assert_cmpstr (recipient->e164, ==, e164);
  g_assert_cmpstr (recipient->region, ==, region);

  va_start (args, region);
  while ((value = va_arg (args, const char *)) != NULL)
    {
      g_assert_nonnull (recipient->values[i]);
      g_assert_cmpstr (recipient->values[i], ==, value);
      i++;
    }
  va_end (args);
  g_assert_null (recipient->values[i]);
}

static void
test_csv_formula (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE, .keep_invalid = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(CbImportReport) again = NULL;
  g_autoptr(CbImportReport) third = NULL;
  g_autofree char *out = cb_test_tmp_path ("formula-fixme.csv");
  g_autofree char *out2 = cb_test_tmp_path ("formula-fixme-2.csv");
  g_autofree char *contents = NULL;
  g_autofree char *contents2 = NULL;
  g_autofree char *json = NULL;
  static const char expected_csv[] =
    "\xef\xbb\xbfphone,first_name,link,row,reason\r\n"
    "nope,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-1,3,invalid_phone_number\r\n"
    "'+14155550100,'@Bob,'+2,4,duplicate\r\n";

  assert_json ("import-formula.csv", &us,
               "{\"file\":\"import-formula.csv\",\"rows\":3,\"valid\":1,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\",\"link\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("3") "," DUPLICATE ("4") "]}");

  report = import_fixture ("import-formula.csv", &options, &error);
  g_assert_no_error (error);

  /* Kept verbatim as a dynamic variable… */
  g_assert_cmpuint (cb_import_report_get_recipients (report)->len, ==, 1);
  assert_recipient (cb_import_report_get_recipients (report), 0, 2, "+14155550100", "+14155550100", "US",
                    "Ann", "=HYPERLINK(\"http://x\",\"y\")", NULL);

  /* …and guarded in the CSV of invalid rows. */
  g_assert_true (cb_import_report_write_invalid_csv (report, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected_csv);

  /* That file reads back (row and reason become variables), and saving its invalid
   * rows again fills the row and reason columns instead of adding new ones; cells that
   * were guarded start with the apostrophe now and are written as they are. */
  again = cb_import_file (out, &options, NULL, &error);
  g_assert_no_error (error);
  json = cb_import_report_to_json_string (again, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"file\":\"formula-fixme.csv\",\"rows\":2,\"valid\":1,\"invalid\":1,"
                   "\"columns\":[\"phone\",\"first_name\",\"link\",\"row\",\"reason\"],"
                   "\"phone_column\":\"phone\",\"groups\":[" INVALID_NUMBER ("2") "]}");
  assert_recipient (cb_import_report_get_recipients (again), 0, 3, "'+14155550100", "+14155550100", "US",
                    "'@Bob", "'+2", "4", "duplicate", NULL);
  g_assert_true (cb_import_report_write_invalid_csv (again, out2, &error));
  g_assert_true (g_file_get_contents (out2, &contents2, NULL, NULL));
  g_assert_cmpstr (contents2, ==,
                   "\xef\xbb\xbfphone,first_name,link,row,reason\r\n"
                   "nope,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-1,2,invalid_phone_number\r\n");

  /* A report made without keep_invalid cannot write the file. */
  third = import_fixture ("import-formula.csv", &us, &error);
  g_assert_no_error (error);
  g_assert_false (cb_import_report_write_invalid_csv (third, out2, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_INVALID_OPTION);
}

static void
test_csv_recipients (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = import_fixture ("import-quoted.csv", &options, &error);
  GPtrArray *recipients;
  const char * const *variables;

  g_assert_no_error (error);
  variables = cb_import_report_get_variables (report);
  g_assert_cmpstr (variables[0], ==, "note");
  g_assert_cmpstr (variables[1], ==, "first_name");
  g_assert_null (variables[2]);
  g_assert_cmpint (cb_import_report_get_format (report), ==, CB_IMPORT_FORMAT_CSV);

  recipients = cb_import_report_get_recipients (report);
  g_assert_cmpuint (recipients->len, ==, 3);
  assert_recipient (recipients, 0, 2, "+1 415 555 0100", "+14155550100", "US",
                    "line one\nline two, with a comma", "Ann", NULL);
  assert_recipient (recipients, 1, 3, "(415) 555-0101", "+14155550101", "US",
                    "He said \"hi\"", "Bob", NULL);
  assert_recipient (recipients, 2, 5, "+14155550102", "+14155550102", "US", "plain", "Di", NULL);

  /* Extra cells beyond the header are dropped, missing ones are empty. */
  {
    g_autoptr(CbImportReport) trailing = import_fixture ("import-trailing-empty-header.csv", &options, &error);

    g_assert_no_error (error);
    recipients = cb_import_report_get_recipients (trailing);
    g_assert_cmpuint (recipients->len, ==, 2);
    assert_recipient (recipients, 0, 2, "+14155550100", "+14155550100", "US", "Ann", NULL);
    assert_recipient (recipients, 1, 3, "+14155550101", "+14155550101", "US", "", NULL);
  }
}

/* XLSX and XLS */

static void
test_xlsx_numeric (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  GPtrArray *recipients;

  assert_json ("import-numeric.xlsx", &us,
               "{\"file\":\"import-numeric.xlsx\",\"rows\":4,\"valid\":2,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\",\"amount\",\"vip\"],\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("4") "," DUPLICATE ("5") "]}");

  report = import_fixture ("import-numeric.xlsx", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cb_import_report_get_format (report), ==, CB_IMPORT_FORMAT_XLSX);
  recipients = cb_import_report_get_recipients (report);
  g_assert_cmpuint (recipients->len, ==, 2);
  assert_recipient (recipients, 0, 2, "4155550100", "+14155550100", "US", "Ann", "0.1", "TRUE", NULL);
  assert_recipient (recipients, 1, 3, "4155550123", "+14155550123", "US", "Bob", "1234.5", "FALSE", NULL);
}

static void
test_xlsx_strings (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE, .keep_invalid = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autofree char *out = cb_test_tmp_path ("strings-fixme.csv");
  g_autofree char *contents = NULL;
  GPtrArray *recipients;

  assert_json ("import-strings.xlsx", &us,
               "{\"file\":\"import-strings.xlsx\",\"rows\":5,\"valid\":3,\"invalid\":2,"
               "\"columns\":[\"Name\",\"Phone\",\"City\"],\"phone_column\":\"Phone\",\"groups\":["
               MISSING_PHONE ("5") "," DUPLICATE ("8") "]}");

  report = import_fixture ("import-strings.xlsx", &options, &error);
  g_assert_no_error (error);
  recipients = cb_import_report_get_recipients (report);
  g_assert_cmpuint (recipients->len, ==, 3);
  assert_recipient (recipients, 0, 2, "+1 415 555 0100", "+14155550100", "US", "Zoë ", "Paris & Lyon", NULL);
  assert_recipient (recipients, 1, 3, "(415) 555-0101", "+14155550101", "US", "Ann", "", NULL);
  assert_recipient (recipients, 2, 7, "+14155550102", "+14155550102", "US", "", "", NULL);

  g_assert_true (cb_import_report_write_invalid_csv (report, out, &error));
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "\xef\xbb\xbfName,Phone,City,row,reason\r\n"
                   ",,Nice,5,missing_phone\r\n"
                   "Bo,'+1 415 555 0100,,8,duplicate\r\n");
}

static void
test_xlsx_dates (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = import_fixture ("import-dates.xlsx", &options, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cb_import_report_get_recipients (report)->len, ==, 1);
  assert_recipient (cb_import_report_get_recipients (report), 0, 2, "4155550100", "+14155550100", "US",
                    "2026-05-05", "2026-05-05 09:30:00", "12.5", "09:00:00", "2026-05-05", NULL);
}

static void
test_xls (void)
{
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  GPtrArray *recipients;

  assert_json ("import-recipients.xls", &us,
               "{\"file\":\"import-recipients.xls\",\"rows\":4,\"valid\":2,\"invalid\":2,"
               "\"columns\":[\"phone\",\"first_name\",\"appointment_date\",\"score\"],"
               "\"phone_column\":\"phone\",\"groups\":["
               INVALID_NUMBER ("3") "," DUPLICATE ("6") "]}");

  report = import_fixture ("import-recipients.xls", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cb_import_report_get_format (report), ==, CB_IMPORT_FORMAT_XLS);
  recipients = cb_import_report_get_recipients (report);
  g_assert_cmpuint (recipients->len, ==, 2);
  assert_recipient (recipients, 0, 2, "4155550100", "+14155550100", "US", "Ann", "2026-05-05", "0.25", NULL);
  assert_recipient (recipients, 1, 5, "+1 415 555 0101", "+14155550101", "US", "Bob", "", "", NULL);
}

/* Files that cannot be read */

static void
test_errors (void)
{
  CbImportOptions options = us;

  assert_error ("import-empty.csv", &us, CB_IMPORT_ERROR_EMPTY, "“import-empty.csv” is empty");
  assert_error ("import-blank-lines.csv", &us, CB_IMPORT_ERROR_EMPTY, "“import-blank-lines.csv” is empty");
  assert_error ("import-header-only.csv", &us, CB_IMPORT_ERROR_NO_ROWS,
                "“import-header-only.csv” has a header row but no recipients");
  assert_error ("import-no-phone-column.csv", &us, CB_IMPORT_ERROR_NO_PHONE_COLUMN,
                "“import-no-phone-column.csv” has no phone column: name it “phone”, “phone_number”, "
                "“to_number” or “number”, or choose one of its columns: “first_name”, “mobile”");
  assert_error ("import-image.csv", &us, CB_IMPORT_ERROR_UNKNOWN_FORMAT,
                "“import-image.csv” is not a CSV, XLSX or XLS file");
  assert_error ("import-not-a-workbook.xlsx", &us, CB_IMPORT_ERROR_UNKNOWN_FORMAT,
                "“import-not-a-workbook.xlsx” is not a CSV, XLSX or XLS file");
  assert_error ("import-truncated.xlsx", &us, CB_IMPORT_ERROR_CORRUPT,
                "“import-truncated.xlsx” is damaged or incomplete: the zip archive is truncated or damaged");
  assert_error ("import-duplicate-header.csv", &us, CB_IMPORT_ERROR_DUPLICATE_HEADER,
                "Columns 2 (“first_name”) and 3 (“First_Name”) have the same name: rename one of them");
  assert_error ("import-empty-header.csv", &us, CB_IMPORT_ERROR_EMPTY_HEADER,
                "Column 2 has no name in the header row");
  assert_error ("import-invalid-utf8.csv", &us, CB_IMPORT_ERROR_ENCODING,
                "Row 3 of “import-invalid-utf8.csv” is not UTF-8 text: save the file as “CSV UTF-8” and try again");
  assert_error ("does-not-exist.csv", &us, CB_IMPORT_ERROR_IO,
                "Could not read “does-not-exist.csv”: Error when getting information for file “"
                TEST_DATA_DIR "/does-not-exist.csv”: No such file or directory");

  options.max_rows = 4;
  assert_error ("import-many-rows.csv", &options, CB_IMPORT_ERROR_TOO_MANY_ROWS,
                "“import-many-rows.csv” has more than 4 recipients: split it into smaller files");
  options.max_rows = 5;
  assert_json ("import-many-rows.csv", &options,
               "{\"file\":\"import-many-rows.csv\",\"rows\":5,\"valid\":5,\"invalid\":0,"
               "\"columns\":[\"phone\"],\"phone_column\":\"phone\",\"groups\":[]}");

  /* A header wider than a spreadsheet can be. */
  {
    g_autofree char *wide = cb_test_tmp_path ("wide.csv");
    g_autoptr(GString) text = g_string_new ("phone");
    g_autoptr(CbImportReport) report = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 1; i <= 16384; i++)
      g_string_append_printf (text, ",c%u", i);
    g_string_append (text, "\n+14155550100\n");
    g_assert_true (g_file_set_contents (wide, text->str, text->len, NULL));
    report = cb_import_file (wide, &us, NULL, &error);
    g_assert_null (report);
    g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_TOO_LARGE);
    g_assert_cmpstr (error->message, ==, "“wide.csv” has more than 16384 columns");
  }

  options.max_rows = 0;
  options.max_bytes = 40;
  assert_error ("import-bom.csv", &options, CB_IMPORT_ERROR_TOO_LARGE,
                "“import-bom.csv” is larger than 40 bytes: split it into smaller files");
}

static void
test_errors_bytes (void)
{
  static const char utf16[] = "\xff\xfep\0h\0o\0n\0e\0";
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x01\x02\x03\x04", 4);
  g_autoptr(GBytes) ole = g_bytes_new_static ("\xd0\xcf\x11\xe0junk junk junk", 18);
  g_autoptr(GBytes) text16 = g_bytes_new_static (utf16, sizeof utf16 - 1);
  g_autoptr(GError) error = NULL;

  g_assert_null (cb_import_bytes (empty, "a.csv", &us, NULL, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_null (cb_import_bytes (junk, "/some/dir/b.csv", &us, NULL, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_UNKNOWN_FORMAT);
  g_assert_cmpstr (error->message, ==, "“b.csv” is not a CSV, XLSX or XLS file");
  g_clear_error (&error);

  g_assert_null (cb_import_bytes (ole, "c.xls", &us, NULL, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==,
                   "“c.xls” is damaged or incomplete: it is not a readable Excel 97–2003 workbook");
  g_clear_error (&error);

  g_assert_null (cb_import_bytes (text16, "d.csv", &us, NULL, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_ENCODING);
  g_assert_cmpstr (error->message, ==, "“d.csv” is UTF-16 text: save it as “CSV UTF-8” and try again");
  g_clear_error (&error);
}

/* Writes a zip holding @names[i] = @contents[i] (NULL-terminated). */
static void
write_zip (const char         *path,
           const char * const *names,
           const char * const *contents)
{
  g_autoptr(GError) error = NULL;
  GsfOutput *sink = gsf_output_stdio_new (path, &error);
  GsfOutfile *zip;

  g_assert_no_error (error);
  zip = gsf_outfile_zip_new (sink, &error);
  g_assert_no_error (error);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (names[i], "/", -1);
      GsfOutput *dir = GSF_OUTPUT (g_object_ref (zip));

      for (guint j = 0; parts[j + 1] != NULL; j++)
        {
          GsfOutput *child = gsf_outfile_new_child (GSF_OUTFILE (dir), parts[j], TRUE);
          g_object_unref (dir);
          dir = child;
        }

      {
        GsfOutput *member = gsf_outfile_new_child (GSF_OUTFILE (dir), parts[g_strv_length (parts) - 1], FALSE);

        g_assert_true (gsf_output_write (member, strlen (contents[i]), (const guint8 *)contents[i]));
        gsf_output_close (member);
        g_object_unref (member);
      }

      /* Directories are closed with the archive. */
      g_object_unref (dir);
    }

  gsf_output_close (GSF_OUTPUT (zip));
  g_object_unref (zip);
  gsf_output_close (sink);
  g_object_unref (sink);
}

/* A workbook part naming one sheet, "rId1", and the relationships that find its part
 * (xl/worksheets/sheet1.xml), with @more relationships after it. */
#define ONE_SHEET_WORKBOOK \
  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" \
  "<sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define WORKBOOK_RELATIONSHIPS(more) \
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" " \
  "Target=\"worksheets/sheet1.xml\"/>" more "</Relationships>"

/* Imports @path, which must fail with @code and exactly @message. */
static void
assert_import_error (const char *path,
                     int         code,
                     const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (cb_import_file (path, &us, NULL, &error));
  g_assert_error (error, CB_IMPORT_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_xlsx_damaged_parts (void)
{
  static const char *workbook = ONE_SHEET_WORKBOOK;
  static const char *rels = WORKBOOK_RELATIONSHIPS ("");
  static const char *names_no_sheet[] = { "xl/workbook.xml", NULL };
  static const char *names_missing_part[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels", NULL };
  static const char *names_bad[] = { "xl/workbook.xml", NULL };
  static const char *names_bad_sheet[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                           "xl/worksheets/sheet1.xml", NULL };
  g_autofree char *no_sheet = cb_test_tmp_path ("no-sheet.xlsx");
  g_autofree char *missing_part = cb_test_tmp_path ("missing-part.xlsx");
  g_autofree char *bad = cb_test_tmp_path ("bad-xml.xlsx");
  g_autofree char *bad_sheet = cb_test_tmp_path ("bad-sheet.xlsx");
  g_autoptr(GError) error = NULL;

  {
    const char *contents[] = { workbook, NULL };

    write_zip (no_sheet, names_no_sheet, contents);
    assert_import_error (no_sheet, CB_IMPORT_ERROR_CORRUPT,
                         "“no-sheet.xlsx” is damaged or incomplete: the workbook names a first worksheet "
                         "(“rId1”) that the package does not hold");
  }

  {
    const char *contents[] = { workbook, rels, NULL };

    write_zip (missing_part, names_missing_part, contents);
    assert_import_error (missing_part, CB_IMPORT_ERROR_CORRUPT,
                         "“missing-part.xlsx” is damaged or incomplete: “xl/worksheets/sheet1.xml” is missing");
  }

  {
    const char *contents[] = { "<workbook><sheets><sheet", NULL };

    write_zip (bad, names_bad, contents);
    g_assert_null (cb_import_file (bad, &us, NULL, &error));
    g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CORRUPT);
    g_assert_true (g_str_has_prefix (error->message,
                                     "“bad-xml.xlsx” is damaged or incomplete: “xl/workbook.xml” is not well-formed XML ("));
    g_clear_error (&error);
  }

  {
    const char *contents[] = { workbook, rels,
                               "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>phone</t></is></c></row>"
                               "<row r=\"2\"><c><v>4155550100</v></c></row><row", NULL };

    write_zip (bad_sheet, names_bad_sheet, contents);
    g_assert_null (cb_import_file (bad_sheet, &us, NULL, &error));
    g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CORRUPT);
    g_assert_true (g_str_has_prefix (error->message,
                                     "“bad-sheet.xlsx” is damaged or incomplete: “xl/worksheets/sheet1.xml” is not well-formed XML ("));
    g_clear_error (&error);
  }
}

/* A sheet with a header (phone, note) and @n_rows recipients whose note is shared string 1. */
static char *
sheet_with_copies (guint n_rows)
{
  GString *sheet = g_string_new ("<worksheet><sheetData>"
                                 "<row r=\"1\"><c t=\"s\"><v>0</v></c>"
                                 "<c t=\"inlineStr\"><is><t>note</t></is></c></row>");

  for (guint row = 2; row < n_rows + 2; row++)
    g_string_append_printf (sheet, "<row r=\"%u\"><c t=\"inlineStr\"><is><t>+1415555%04u</t></is></c>"
                            "<c t=\"s\"><v>1</v></c></row>", row, row);
  g_string_append (sheet, "</sheetData></worksheet>");

  return g_string_free (sheet, FALSE);
}

/* A few kilobytes of zip that unpack to hundreds of megabytes: refused once the text read
 * passes 256 MB, long before memory runs out, whether it sits in the shared strings or is
 * copied into cell after cell. */
static void
test_xlsx_text_limit (void)
{
  static const char *workbook = ONE_SHEET_WORKBOOK;
  static const char *rels =
    WORKBOOK_RELATIONSHIPS ("<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
                            "officeDocument/2006/relationships/sharedStrings\" "
                            "Target=\"sharedStrings.xml\"/>");
  static const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                 "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", NULL };
  g_autofree char *megabyte = g_strnfill (1000 * 1000, 'x');
  g_autofree char *sheet = sheet_with_copies (300);
  g_autofree char *one_string = g_strdup_printf ("<sst><si><t>phone</t></si><si><t>%s</t></si></sst>",
                                                 megabyte);
  g_autofree char *copies = cb_test_tmp_path ("copies.xlsx");
  g_autoptr(GError) error = NULL;

  /* One string of 1 MB, copied into 300 cells. */
  {
    const char *contents[] = { workbook, rels, one_string, sheet, NULL };

    write_zip (copies, names, contents);
  }
  assert_import_error (copies, CB_IMPORT_ERROR_TOO_LARGE,
                       "“copies.xlsx” unpacks to more than 256.0\u00a0MB of text: split it into smaller files");

  /* The same 1 MB, 300 times over in the shared strings themselves, in 3 runs each. */
  {
    g_autofree char *many = cb_test_tmp_path ("many-strings.xlsx");
    g_autoptr(GString) sst = g_string_new ("<sst><si><t>phone</t></si>");
    const char *small_sheet = "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c></row>"
                              "<row r=\"2\"><c><v>4155550100</v></c></row></sheetData></worksheet>";

    for (guint i = 0; i < 300; i++)
      g_string_append_printf (sst, "<si><r><t>%s</t></r><r><t>%s</t></r><r><t>%s</t></r></si>",
                              megabyte + 1000 * 1000 / 3 * 2, megabyte + 1000 * 1000 / 3 * 2,
                              megabyte + 1000 * 1000 / 3 * 2);
    g_string_append (sst, "</sst>");
    {
      const char *contents[] = { workbook, rels, sst->str, small_sheet, NULL };

      write_zip (many, names, contents);
    }
    assert_import_error (many, CB_IMPORT_ERROR_TOO_LARGE,
                         "“many-strings.xlsx” unpacks to more than 256.0\u00a0MB of text: split it into "
                         "smaller files");
  }

  /* Under the limit, the same strings are read. */
  {
    g_autofree char *fine = cb_test_tmp_path ("fine.xlsx");
    g_autofree char *small = sheet_with_copies (10);
    g_autoptr(CbImportReport) report = NULL;

    {
      const char *contents[] = { workbook, rels, one_string, small, NULL };

      write_zip (fine, names, contents);
    }
    report = cb_import_file (fine, &us, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (cb_import_report_get_rows (report), ==, 10);
  }
}

/* Options */

static void
test_option_phone_column (void)
{
  CbImportOptions options = { .default_region = "US", .phone_column = " MOBILE " };

  assert_json ("import-phone-column-option.csv", &options,
               "{\"file\":\"import-phone-column-option.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
               "\"columns\":[\"Phone\",\"Mobile\",\"first_name\"],\"phone_column\":\"Mobile\",\"groups\":[]}");

  /* Without the option, the first column named phone is taken, even when empty. */
  assert_json ("import-phone-column-option.csv", &us,
               "{\"file\":\"import-phone-column-option.csv\",\"rows\":2,\"valid\":0,\"invalid\":2,"
               "\"columns\":[\"Phone\",\"Mobile\",\"first_name\"],\"phone_column\":\"Phone\",\"groups\":["
               MISSING_PHONE ("2,3") "]}");

  options.phone_column = "cell";
  assert_error ("import-phone-column-option.csv", &options, CB_IMPORT_ERROR_NO_PHONE_COLUMN,
                "“import-phone-column-option.csv” has no column named “cell”; its columns are "
                "“Phone”, “Mobile”, “first_name”");

  options.phone_column = "  ";
  assert_error ("import-phone-column-option.csv", &options, CB_IMPORT_ERROR_INVALID_OPTION,
                "The phone column’s name is empty");
}

static void
test_option_region (void)
{
  static const CbImportOptions unknown = { .default_region = "ZZ" };
  static const char *bad_allowed[] = { "US", "XX", NULL };
  CbImportOptions options = { .default_region = "US", .allowed_countries = bad_allowed };

  assert_error ("import-bom.csv", &unknown, CB_IMPORT_ERROR_INVALID_OPTION,
                "“ZZ” is not a known country code");
  assert_error ("import-bom.csv", &options, CB_IMPORT_ERROR_INVALID_OPTION,
                "“XX” in the allowed countries is not a known country code");

  /* Without a region, the locale's decides: see test_cli_locale_region(). */
}

static void
test_option_allowed_countries (void)
{
  static const char *allowed[] = { "us", "CA", NULL };
  static const char *empty[] = { NULL };
  CbImportOptions options = { .default_region = "US", .allowed_countries = allowed };

  /* Row 6 repeats row 4's GB number: not allowed either, whatever the order. */
  assert_json ("import-countries.csv", &options,
               "{\"file\":\"import-countries.csv\",\"rows\":5,\"valid\":2,\"invalid\":3,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               NOT_ALLOWED ("4,5,6") "]}");

  options.allowed_countries = empty;
  assert_json ("import-countries.csv", &options,
               "{\"file\":\"import-countries.csv\",\"rows\":5,\"valid\":4,\"invalid\":1,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               DUPLICATE ("6") "]}");
}

static void
test_option_suppressed (void)
{
  g_autoptr(GHashTable) suppressed = g_hash_table_new (g_str_hash, g_str_equal);
  CbImportOptions options = { .default_region = "US", .suppressed = suppressed };

  g_hash_table_add (suppressed, (gpointer)"+14155550100");
  g_hash_table_add (suppressed, (gpointer)"+19999999999");

  /* Row 4 is row 2 again: suppressed as well. Row 6 repeats row 5: a duplicate. */
  assert_json ("import-suppressed.csv", &options,
               "{\"file\":\"import-suppressed.csv\",\"rows\":5,\"valid\":2,\"invalid\":3,"
               "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
               DUPLICATE ("6") "," SUPPRESSED ("2,4") "]}");
}

/* Big files: threads, order, cancellation */

static char *
write_big_csv (const char *name,
               guint       n_rows)
{
  g_autofree char *path = cb_test_tmp_path (name);
  g_autoptr(GString) text = g_string_new ("first_name,phone,city\n");

  for (guint i = 0; i < n_rows; i++)
    {
      if (i % 97 == 0)
        g_string_append (text, "\n");
      else if (i % 13 == 0)
        g_string_append_printf (text, "P%u,,x\n", i);
      else if (i % 17 == 0)
        g_string_append_printf (text, "P%u,555-12,x\n", i);
      else
        g_string_append_printf (text, "P%u,(212) 736-%04u,\"a, b\"\n", i, i % 3001);
    }

  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  return g_steal_pointer (&path);
}

static void
test_big_file (void)
{
  const guint n = 6000;
  g_autofree char *path = write_big_csv ("big.csv", n);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = NULL;
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) invalid = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) duplicate = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  guint rows = 0;
  guint last_valid_row = 0;

  /* The expected report, worked out row by row (the header is row 1). */
  for (guint i = 0; i < n; i++)
    {
      guint row = i + 2;

      if (i % 97 == 0)
        continue;
      rows++;
      if (i % 13 == 0)
        g_array_append_val (missing, row);
      else if (i % 17 == 0)
        g_array_append_val (invalid, row);
      else if (!g_hash_table_add (seen, GUINT_TO_POINTER (i % 3001 + 1)))
        g_array_append_val (duplicate, row);
      else
        last_valid_row = row;
    }

  report = cb_import_file (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_import_report_get_rows (report), ==, rows);
  g_assert_cmpuint (cb_import_report_get_invalid (report), ==, missing->len + invalid->len + duplicate->len);
  g_assert_cmpuint (cb_import_report_get_recipients (report)->len, ==, g_hash_table_size (seen));

#define ASSERT_ROWS(reason, expected) \
  G_STMT_START { \
    GArray *got = cb_import_report_get_reason_rows (report, reason); \
    g_assert_cmpmem (got->data, got->len * sizeof (guint), (expected)->data, (expected)->len * sizeof (guint)); \
  } G_STMT_END
  ASSERT_ROWS (CB_IMPORT_REASON_MISSING_PHONE, missing);
  ASSERT_ROWS (CB_IMPORT_REASON_INVALID_PHONE_NUMBER, invalid);
  ASSERT_ROWS (CB_IMPORT_REASON_DUPLICATE, duplicate);
#undef ASSERT_ROWS

  /* Recipients in row order, each with its own cells. */
  {
    GPtrArray *recipients = cb_import_report_get_recipients (report);
    CbImportRecipient *last = g_ptr_array_index (recipients, recipients->len - 1);
    guint previous = 0;

    for (guint i = 0; i < recipients->len; i++)
      {
        CbImportRecipient *recipient = g_ptr_array_index (recipients, i);
        g_autofree char *name = g_strdup_printf ("P%u", recipient->row - 2);

        g_assert_cmpuint (recipient->row, >, previous);
        previous = recipient->row;
        g_assert_cmpstr (recipient->values[0], ==, name);
        g_assert_cmpstr (recipient->values[1], ==, "a, b");
      }
    g_assert_cmpuint (last->row, ==, last_valid_row);
  }
}

static void
test_cancelled (void)
{
  g_autofree char *path = write_big_csv ("cancel.csv", 5000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (cb_import_file (path, &us, cancellable, &error));
  g_assert_error (error, CB_IMPORT_ERROR, CB_IMPORT_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Reading “cancel.csv” was cancelled");
}

static void
test_sample_file (void)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "..", "..", "data", "sample.csv", NULL);
  CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbImportReport) report = cb_import_file (path, &options, NULL, &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  json = cb_import_report_to_json_string (report, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"file\":\"sample.csv\",\"rows\":3,\"valid\":3,\"invalid\":0,"
                   "\"columns\":[\"phone\",\"first_name\",\"appointment_date\"],"
                   "\"phone_column\":\"phone\",\"groups\":[]}");
}

/* The command */

static int
run_cli_with_env (const char * const  *args,
                  char               **envp,
                  char               **out,
                  char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *engine = g_getenv ("CALLBOARD_ENGINE");
  int status = 0;

  g_assert_nonnull (engine);
  g_ptr_array_add (argv, (gpointer)engine);
  g_ptr_array_add (argv, (gpointer)"validate");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
run_cli (const char * const  *args,
         char               **out,
         char               **err)
{
  return run_cli_with_env (args, NULL, out, err);
}

static void
test_cli_locale_region (void)
{
  g_autofree char *bom = cb_test_data_path ("import-bom.csv");
  g_autofree char *formats = cb_test_data_path ("import-formats.csv");

  /* No --region: the locale's. C names no country, so only "+…" numbers are valid. */
  {
    g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", "C.UTF-8", TRUE);
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { bom, "--json", NULL };

    g_assert_cmpint (run_cli_with_env (args, envp, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-bom.csv\",\"rows\":2,\"valid\":1,\"invalid\":1,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     INVALID_NUMBER ("3") "]}\n");
  }

  {
    g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", "en_GB.UTF-8", TRUE);
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { formats, "--json", NULL };

    g_assert_cmpint (run_cli_with_env (args, envp, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-formats.csv\",\"rows\":6,\"valid\":4,\"invalid\":2,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     INVALID_NUMBER ("2,7") "]}\n");
  }
}

static void
test_cli (void)
{
  g_autofree char *bom = cb_test_data_path ("import-bom.csv");
  g_autofree char *duplicates = cb_test_data_path ("import-duplicates.csv");
  g_autofree char *image = cb_test_data_path ("import-image.csv");
  g_autofree char *formula = cb_test_data_path ("import-formula.csv");
  g_autofree char *countries = cb_test_data_path ("import-countries.csv");
  g_autofree char *option = cb_test_data_path ("import-phone-column-option.csv");
  g_autofree char *fixme = cb_test_tmp_path ("cli-fixme.csv");
  g_autofree char *contents = NULL;

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { bom, "--region", "US", "--json", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-bom.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":[]}\n");
    g_assert_cmpstr (err, ==, "");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--json", "--region", "US", duplicates, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-duplicates.csv\",\"rows\":8,\"valid\":3,\"invalid\":5,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     INVALID_NUMBER ("8") "," DUPLICATE ("3,4,5,9") "]}\n");
    g_assert_cmpstr (err, ==, "");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--region", "US", duplicates, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "File: import-duplicates.csv\n"
                     "Rows: 8 (3 valid, 5 invalid)\n"
                     "Columns: phone, first_name\n"
                     "Phone column: phone\n"
                     "\n"
                     "Not a valid phone number (invalid_phone_number), 1 row:\n"
                     "  8\n"
                     "\n"
                     "Same number as an earlier row (duplicate), 4 rows:\n"
                     "  3–5, 9\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--region", "US", bom, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==,
                     "File: import-bom.csv\n"
                     "Rows: 2 (2 valid, 0 invalid)\n"
                     "Columns: phone, first_name\n"
                     "Phone column: phone\n"
                     "\n"
                     "Every row is valid.\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { image, "--json", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_cmpstr (out, ==, "");
    g_assert_cmpstr (err, ==, "callboard-engine: “import-image.csv” is not a CSV, XLSX or XLS file\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { bom, "--region", "ZZ", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_cmpstr (err, ==, "callboard-engine: “ZZ” is not a known country code\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_cmpstr (err, ==, "callboard-engine: Name the recipient file to check: callboard-engine validate FILE\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { bom, "--no-such-option", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_cmpstr (err, ==, "callboard-engine: Unknown option --no-such-option\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { formula, "--region", "US", "--json", "--invalid-out", fixme, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-formula.csv\",\"rows\":3,\"valid\":1,\"invalid\":2,"
                     "\"columns\":[\"phone\",\"first_name\",\"link\"],\"phone_column\":\"phone\",\"groups\":["
                     INVALID_NUMBER ("3") "," DUPLICATE ("4") "]}\n");
    g_assert_true (g_file_get_contents (fixme, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==,
                     "\xef\xbb\xbfphone,first_name,link,row,reason\r\n"
                     "nope,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-1,3,invalid_phone_number\r\n"
                     "'+14155550100,'@Bob,'+2,4,duplicate\r\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { countries, "--region", "US", "--json", "--allowed-countries", "US,ca", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-countries.csv\",\"rows\":5,\"valid\":2,\"invalid\":3,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     NOT_ALLOWED ("4,5,6") "]}\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { option, "--region", "US", "--json", "--phone-column", "mobile", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-phone-column-option.csv\",\"rows\":2,\"valid\":2,\"invalid\":0,"
                     "\"columns\":[\"Phone\",\"Mobile\",\"first_name\"],\"phone_column\":\"Mobile\",\"groups\":[]}\n");
  }
}

static void
test_cli_store (void)
{
  g_autofree char *db = cb_test_tmp_path ("validate.db");
  g_autofree char *missing = cb_test_tmp_path ("missing.db");
  g_autofree char *countries = cb_test_data_path ("import-countries.csv");
  g_autofree char *suppressed = cb_test_data_path ("import-suppressed.csv");
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(CbStore) store = cb_store_open (db, CB_STORE_FLAGS_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (cb_store_set_setting (store, "allowed_countries", "US,GB", &error));
    g_assert_true (cb_store_add_suppression (store, "+14155550102", NULL, &error));
    g_assert_no_error (error);
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { suppressed, "--region", "US", "--json", "--db", db, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (err, ==, "");
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-suppressed.csv\",\"rows\":5,\"valid\":2,\"invalid\":3,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     DUPLICATE ("4") "," SUPPRESSED ("5,6") "]}\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { countries, "--region", "US", "--json", "--db", db, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-countries.csv\",\"rows\":5,\"valid\":2,\"invalid\":3,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     NOT_ALLOWED ("3,5") "," DUPLICATE ("6") "]}\n");
  }

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { countries, "--region", "US", "--json", "--db", db,
                           "--allowed-countries", "US,CA,GB,FR", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==,
                     "{\"file\":\"import-countries.csv\",\"rows\":5,\"valid\":4,\"invalid\":1,"
                     "\"columns\":[\"phone\",\"first_name\"],\"phone_column\":\"phone\",\"groups\":["
                     DUPLICATE ("6") "]}\n");
  }

  /* A --db that does not exist is an error, and validate does not create it. */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { countries, "--region", "US", "--db", missing, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_true (g_str_has_prefix (err, "callboard-engine: "));
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/import/detect-format", test_detect_format);
  g_test_add_func ("/import/format-number", test_format_number);
  g_test_add_func ("/import/reasons", test_reasons);
  g_test_add_func ("/import/csv/bom", test_csv_bom);
  g_test_add_func ("/import/csv/semicolon", test_csv_semicolon);
  g_test_add_func ("/import/csv/tab", test_csv_tab);
  g_test_add_func ("/import/csv/crlf", test_csv_crlf);
  g_test_add_func ("/import/csv/quoted", test_csv_quoted);
  g_test_add_func ("/import/csv/blank-rows", test_csv_blank_rows);
  g_test_add_func ("/import/csv/phone-position", test_csv_phone_position);
  g_test_add_func ("/import/csv/duplicates", test_csv_duplicates);
  g_test_add_func ("/import/csv/formats", test_csv_formats);
  g_test_add_func ("/import/csv/letters", test_csv_letters);
  g_test_add_func ("/import/csv/too-short", test_csv_too_short);
  g_test_add_func ("/import/csv/unknown-country", test_csv_unknown_country);
  g_test_add_func ("/import/csv/empty-phone", test_csv_empty_phone);
  g_test_add_func ("/import/csv/formula", test_csv_formula);
  g_test_add_func ("/import/csv/recipients", test_csv_recipients);
  g_test_add_func ("/import/xlsx/numeric", test_xlsx_numeric);
  g_test_add_func ("/import/xlsx/strings", test_xlsx_strings);
  g_test_add_func ("/import/xlsx/dates", test_xlsx_dates);
  g_test_add_func ("/import/xlsx/damaged-parts", test_xlsx_damaged_parts);
  g_test_add_func ("/import/xlsx/text-limit", test_xlsx_text_limit);
  g_test_add_func ("/import/xls", test_xls);
  g_test_add_func ("/import/errors", test_errors);
  g_test_add_func ("/import/errors-bytes", test_errors_bytes);
  g_test_add_func ("/import/option/phone-column", test_option_phone_column);
  g_test_add_func ("/import/option/region", test_option_region);
  g_test_add_func ("/import/option/allowed-countries", test_option_allowed_countries);
  g_test_add_func ("/import/option/suppressed", test_option_suppressed);
  g_test_add_func ("/import/big-file", test_big_file);
  g_test_add_func ("/import/cancelled", test_cancelled);
  g_test_add_func ("/import/sample-file", test_sample_file);
  g_test_add_func ("/import/cli", test_cli);
  g_test_add_func ("/import/cli-store", test_cli_store);
  g_test_add_func ("/import/cli-locale-region", test_cli_locale_region);

  return g_test_run ();
}
