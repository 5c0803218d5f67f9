/* bench-store.c — how fast 100,000 recipients go from a CSV file into the store
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <time.h>

#include "cb-store.h"
#include "cb-store-private.h"
#include "cb-test-util.h"

#define N_ROWS 100000
#define N_RUNS 3

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
}

static char *
write_csv (void)
{
  g_autoptr(GString) data = g_string_new ("phone,first_name,appointment_date,note\n");
  g_autoptr(GError) error = NULL;
  char *path = cb_test_tmp_path ("bench-100k.csv");

  for (guint i = 0; i < N_ROWS; i++)
    g_string_append_printf (data, "+1415%07u,Name %u,2026-05-%02u,\"Says \"\"hi\"\", twice\"\n",
                            2000000 + i, i, 1 + i % 28);

  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);
  return path;
}

static CbBatchParams
bench_params (void)
{
  CbBatchParams params = {
    .name = "Benchmark",
    .agent_id = "agent_demo",
    .timezone = "UTC",
    .max_retries = -1,
    .retry_delay_s = -1,
    .concurrency = 0,
    .default_region = "US",
  };

  return params;
}

static void
report (const char *what,
        double      best)
{
  g_print ("%-40s %7.3f s  %9.0f rows/s\n", what, best, N_ROWS / best);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *csv = NULL;
  double best_read = G_MAXDOUBLE, best_json = G_MAXDOUBLE, best_rows = G_MAXDOUBLE;
  double best_total = G_MAXDOUBLE, cpu_json = G_MAXDOUBLE, cpu_rows = G_MAXDOUBLE;
  double cpu_total = G_MAXDOUBLE, cpu_read = G_MAXDOUBLE;
  double load[1] = { 0 };
  CbBatchParams params = bench_params ();

  cb_test_init (&argc, &argv);
  csv = write_csv ();
  if (getloadavg (load, 1) < 1)
    load[0] = -1;

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr(CbStore) store = cb_test_open_fresh_store ("bench-total.db");
      g_autoptr(GError) error = NULL;
      g_autoptr(CbBatch) batch = NULL;
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cb_test_process_cpu_seconds ();

      batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, N_ROWS);
      best_total = MIN (best_total, seconds_since (start));
      cpu_total = MIN (cpu_total, cb_test_process_cpu_seconds () - cpu_start);
    }

  for (guint run = 0; run < N_RUNS; run++)
    {
      CbImportOptions options = { .default_region = "US", .keep_recipients = TRUE };
      g_autoptr(CbImportReport) import_report = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      double read_cpu_start;

      start = g_get_monotonic_time ();
      read_cpu_start = cb_test_process_cpu_seconds ();
      import_report = cb_import_file (csv, &options, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cb_import_report_get_valid (import_report), ==, N_ROWS);
      best_read = MIN (best_read, seconds_since (start));
      cpu_read = MIN (cpu_read, cb_test_process_cpu_seconds () - read_cpu_start);

      for (guint json = 0; json < 2; json++)
        {
          g_autoptr(CbStore) store = cb_test_open_fresh_store ("bench-insert.db");
          g_autoptr(CbBatch) batch = NULL;

          double cpu_start;

          cb_store_set_bulk_insert_json (store, json);
          start = g_get_monotonic_time ();
          cpu_start = cb_test_thread_cpu_seconds ();
          batch = cb_store_create_batch (store, &params, import_report, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, N_ROWS);
          if (json)
            {
              best_json = MIN (best_json, seconds_since (start));
              cpu_json = MIN (cpu_json, cb_test_thread_cpu_seconds () - cpu_start);
            }
          else
            {
              best_rows = MIN (best_rows, seconds_since (start));
              cpu_rows = MIN (cpu_rows, cb_test_thread_cpu_seconds () - cpu_start);
            }
        }
    }

  g_print ("store-import-100k: %d recipients, best of %d runs; load average before: %.2f on %d CPUs\n",
           N_ROWS, N_RUNS, load[0], g_get_num_processors ());
  report ("cb_store_import_file, end to end", best_total);
  report ("  end to end, CPU time (all threads)", cpu_total);
  report ("  read and validate (cb_import_file)", best_read);
  report ("  read and validate, CPU time (all threads)", cpu_read);
  report ("  store: json_each() chunks (default)", best_json);
  report ("  store: 50-row INSERTs (portable)", best_rows);
  report ("  store: json_each(), CPU time", cpu_json);
  report ("  store: 50-row INSERTs, CPU time", cpu_rows);

  return 0;
}
