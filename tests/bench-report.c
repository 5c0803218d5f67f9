/* bench-report.c — the batch report of 100,000 finished recipients, as XLSX and CSV
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Each report is written by a child process (this program with --child), so its peak
 * resident memory is the report's alone; a 10,000-recipient batch next to the 100,000 one
 * shows whether memory grows with the batch. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cb-report.h"
#include "cb-store-private.h"
#include "cb-test-util.h"

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int
run_child (const char *db,
           const char *batch_id,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbStore) store = NULL;
  CbReportFormat format;
  long before;
  gint64 start;
  double cpu_start;
  double seconds;
  GStatBuf st;

  store = cb_store_open (db, CB_STORE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (cb_report_format_from_path (path, &format, &error));
  before = peak_rss_kib ();

  start = g_get_monotonic_time ();
  cpu_start = cb_test_process_cpu_seconds ();
  if (!cb_report_write (store, batch_id, format, path, NULL, &error))
    g_error ("%s", error->message);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_cmpint (g_stat (path, &st), ==, 0);

  g_print ("%.3f %.3f %ld %ld %ld\n", seconds, cb_test_process_cpu_seconds () - cpu_start,
           before, peak_rss_kib (), (long) st.st_size);
  return 0;
}

static char *
make_batch (CbStore *store,
            guint    n_rows)
{
  g_autoptr(GString) csv = g_string_new ("phone,first_name,appointment_date,note\n");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autofree char *transcript = NULL;
  CbBatchParams params = {
    .name = "Benchmark",
    .agent_id = "agent_demo",
    .timezone = "America/New_York",
    .max_retries = -1,
    .retry_delay_s = -1,
    .default_region = "US",
  };

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (csv, "+1415%07u,Name %u,2026-05-%02u,\"Says \"\"hi\"\", twice\"\n",
                            2000000 + i, i, 1 + i % 28);
  bytes = g_string_free_to_bytes (g_steal_pointer (&csv));
  batch = cb_store_import_bytes (store, &params, bytes, "bench.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_batch_get_counters (batch)->total, ==, n_rows);

  /* Every call answered, with a transcript and an analysis, as after a real run. */
  transcript = g_strnfill (600, 'x');
  memcpy (transcript, "Agent: Hello, this is the clinic calling about your appointment. ", 65);
  g_assert_cmpint (cb_store_exec (store, &error,
                                  "UPDATE recipients SET status = 'completed', attempts = 1,"
                                  " provider_call_id = 'call_' || row_number,"
                                  " outcome = CASE WHEN row_number % 5 = 0 THEN 'voicemail'"
                                  " ELSE 'answered' END, disconnection_reason = 'agent_hangup',"
                                  " duration_ms = 30000 + row_number,"
                                  " started_at = 1777971600000 + row_number * 1000,"
                                  " ended_at = 1777971630000 + row_number * 1000,"
                                  " transcript = ##t::string,"
                                  " analysis = '{\"call_summary\":\"The customer confirmed the "
                                  "appointment and asked for a reminder.\",\"call_successful\":true,"
                                  "\"user_sentiment\":\"Positive\",\"in_voicemail\":false}'"
                                  " WHERE batch_id = ##b::string",
                                  "t", transcript,
                                  "b", cb_batch_get_id (batch),
                                  NULL), ==, (int) n_rows);
  g_assert_no_error (error);

  return g_strdup (cb_batch_get_id (batch));
}

static void
measure (const char *self_path,
         const char *db,
         const char *batch_id,
         guint       n_rows,
         const char *ext)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("bench-%u.%s", n_rows, ext);
  g_autofree char *path = cb_test_tmp_path (name);
  g_autofree char *out = NULL;
  const char *argv[] = { self_path, "--child", db, batch_id, path, NULL };
  double best = G_MAXDOUBLE;
  double best_cpu = G_MAXDOUBLE;
  long base = 0;
  long peak = 0;
  long size = 0;
  int status = 0;

  for (guint run = 0; run < 3; run++)
    {
      double seconds;
      double cpu;

      g_clear_pointer (&out, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_cmpint (sscanf (out, "%lf %lf %ld %ld %ld", &seconds, &cpu, &base, &peak, &size),
                       ==, 5);
      best = MIN (best, seconds);
      best_cpu = MIN (best_cpu, cpu);
    }

  /* CPU time as well: on a busy machine the wall clock says more about the neighbours. */
  g_print ("report %-4s %6u recipients  %6.3f s (CPU %6.3f s)  %8.0f rows/s  peak RSS %6.1f MiB"
           "  file %6.1f MiB\n",
           ext, n_rows, best, best_cpu, n_rows / best, peak / 1024.0, size / (1024.0 * 1024.0));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;

  if (argc == 5 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2], argv[3], argv[4]);

  cb_test_init (&argc, &argv);

  db = cb_test_tmp_path ("bench-report.db");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CbStore) store = cb_store_open (db, CB_STORE_FLAGS_NONE, &error);

    g_assert_no_error (error);
    small = make_batch (store, 10000);
    large = make_batch (store, 100000);
  }

  measure (argv[0], db, small, 10000, "xlsx");
  measure (argv[0], db, large, 100000, "xlsx");
  measure (argv[0], db, small, 10000, "csv");
  measure (argv[0], db, large, 100000, "csv");

  return 0;
}
