/* bench-ui.c — the dashboard's speed: opening a 100,000-recipient batch, and how long the
 * main loop stalls while a batch completes about 1,000 calls a second
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures only (no timed assertions). Needs a display: run it under xvfb-run.
 *   open-100k   time from cb_window_open_batch() to the first frame painted after it, and
 *               the resident memory before and after;
 *   live-1000   the longest gap between 10 ms timeouts (and between frames) while a batch of
 *               N_LIVE recipients runs against the in-process simulator, in wall-clock time
 *               and in the main thread's own CPU time (on a loaded machine the first counts
 *               the time other processes ran). The window's handlers of the engine's signals
 *               only gather the changes; the page shows them from its own timeout, counted
 *               in the gaps and the frames.
 */

#define G_LOG_DOMAIN "callboard-bench"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cb-application.h"
#include "cb-engine.h"
#include "cb-test-util.h"
#include "cb-window.h"

#define N_OPEN      100000
#define N_LIVE      6000
#define LIVE_SPEED  1000.0
#define LIVE_CONCURRENCY 150
#define TICK_MS     10

static double
now_s (void)
{
  return g_get_monotonic_time () / (double)G_USEC_PER_SEC;
}

/* A line of /proc/self/status, in MiB */
static double
status_mib (const char *key)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize key_len = strlen (key);

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, key_len) == 0 && lines[i][key_len] == ':')
      return g_ascii_strtod (lines[i] + key_len + 1, NULL) / 1024.;

  return -1;
}

static char *
load_average (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return g_strdup ("unknown");

  fields = g_strsplit (contents, " ", 4);
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
any_transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (any_transition_running (child))
        return TRUE;
    }

  return FALSE;
}

/* Until the page that was opened is really on screen: its transition over, then the
 * frames drawn straight to the window (the first of them prepares their shaders). */
static void
wait_until_shown (GtkWidget *window)
{
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  iterate (50);
  while (any_transition_running (window) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, FALSE);
  iterate (300);
}

static char *
write_csv (const char *name,
           guint       rows,
           guint       first)
{
  g_autoptr(GString) data = g_string_new ("phone,first_name,appointment_date\n");
  g_autoptr(GError) error = NULL;
  char *path = cb_test_tmp_path (name);

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (data, "+1415%07u,Name %u,2026-05-%02u 09:00\n",
                            first + i, i, 1 + i % 28);

  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);
  return path;
}

static CbBatch *
import_batch (CbStore    *store,
              const char *csv,
              int         concurrency)
{
  g_autoptr(GError) error = NULL;
  CbBatchParams params = {
    .name = "Benchmark",
    .agent_id = "agent_demo",
    .timezone = "UTC",
    .max_retries = 0,
    .retry_delay_s = -1,
    .concurrency = concurrency,
    .default_region = "US",
  };
  CbBatch *batch;

  batch = cb_store_import_file (store, &params, csv, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

static CbWindow *
open_window (CbStore *store)
{
  CbWindow *window = cb_window_new (NULL, store);

  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  iterate (500);
  return window;
}

static void
close_window (CbWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  iterate (100);
}

/* Opening the detail of a 100,000-recipient batch */

typedef struct
{
  gboolean waiting;
  double   painted_at;
} FirstFrame;

static void
after_paint_cb (GdkFrameClock *clock,
                FirstFrame    *frame)
{
  if (frame->waiting)
    {
      frame->painted_at = now_s ();
      frame->waiting = FALSE;
    }
}

static void
bench_open (void)
{
  g_autoptr(CbStore) store = cb_test_open_fresh_store ("bench-ui-open.db");
  g_autofree char *csv = write_csv ("bench-ui-open.csv", N_OPEN, 2000000);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  FirstFrame frame = { 0 };
  GdkFrameClock *clock;
  CbWindow *window;
  double import_start;
  double start;
  double returned;
  double rss_start;
  double rss_before;
  double rss_after;
  gulong handler;

  rss_start = status_mib ("VmRSS");
  import_start = now_s ();
  batch = import_batch (store, csv, 0);
  g_print ("open-100k: %u recipients imported in %.2f s (setup, not measured); resident "
           "memory %.1f MiB before the import, %.1f MiB after it\n",
           N_OPEN, now_s () - import_start, rss_start, status_mib ("VmRSS"));

  window = open_window (store);
  clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (window)));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frame);
  rss_before = status_mib ("VmRSS");

  frame.waiting = TRUE;
  start = now_s ();
  g_assert_true (cb_window_open_batch (window, cb_batch_get_id (batch), &error));
  g_assert_no_error (error);
  returned = now_s ();
  while (frame.waiting)
    g_main_context_iteration (NULL, TRUE);
  rss_after = status_mib ("VmRSS");

  g_print ("open-100k: cb_window_open_batch returned after   %7.1f ms\n",
           (returned - start) * 1000);
  g_print ("open-100k: first frame painted after             %7.1f ms  (goal < 500 ms)\n",
           (frame.painted_at - start) * 1000);
  g_print ("open-100k: resident memory %.1f MiB before, %.1f MiB after (+%.1f MiB), "
           "peak %.1f MiB\n",
           rss_before, rss_after, rss_after - rss_before, status_mib ("VmHWM"));

  g_signal_handler_disconnect (clock, handler);
  close_window (window);
}

/* The main loop while a batch completes about 1,000 calls a second */

typedef struct
{
  double  last_tick;
  double  max_tick_gap;
  double  last_frame;
  double  max_frame_gap;
  guint   ticks;
  guint   frames;
  guint   gaps_over_50ms;
  GArray *gaps;
  /* The main thread's own CPU time between ticks. */
  double  last_tick_cpu;
  double  max_cpu_gap;
  guint   cpu_gaps_over_50ms;
  GArray *cpu_gaps;
  /* The dashboard's own share: its handlers of the engine's signals, and each frame. */
  double  handler_start;
  double  handler_cpu_start;
  double  max_handler_cpu;
  double  max_handler;
  double  max_batch_handler;
  double  total_handler;
  guint   handled;
  double  paint_start;
  double  paint_cpu_start;
  double  max_paint;
  double  max_paint_cpu;
  guint   paints_over_50ms;
  /* Each frame's phases, in main-thread CPU time: the update and layout phases (animations,
   * measuring and allocating), then the paint phase (snapshot and render). */
  double  layout_cpu_end;
  double  max_layout_cpu;
  double  max_render_cpu;
} Stalls;

static void
before_handlers_cb (Stalls *stalls)
{
  stalls->handler_start = now_s ();
  stalls->handler_cpu_start = cb_test_thread_cpu_seconds ();
}

static void
after_handlers_cb (Stalls *stalls)
{
  double spent = now_s () - stalls->handler_start;

  stalls->max_handler_cpu = MAX (stalls->max_handler_cpu,
                                 cb_test_thread_cpu_seconds () - stalls->handler_cpu_start);
  stalls->max_handler = MAX (stalls->max_handler, spent);
  stalls->total_handler += spent;
  stalls->handled++;
}

static void
after_batch_handlers_cb (Stalls *stalls)
{
  stalls->max_batch_handler = MAX (stalls->max_batch_handler, now_s () - stalls->handler_start);
  after_handlers_cb (stalls);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Stalls        *stalls)
{
  stalls->paint_start = now_s ();
  stalls->paint_cpu_start = cb_test_thread_cpu_seconds ();
}

/* Connected after the toolkit's own handlers of these phases: each marks a phase's end. */
static void
after_layout_cb (GdkFrameClock *clock,
                 Stalls        *stalls)
{
  stalls->layout_cpu_end = cb_test_thread_cpu_seconds ();
  stalls->max_layout_cpu = MAX (stalls->max_layout_cpu,
                                stalls->layout_cpu_end - stalls->paint_cpu_start);
}

static void
after_render_cb (GdkFrameClock *clock,
                 Stalls        *stalls)
{
  if (stalls->layout_cpu_end > 0)
    stalls->max_render_cpu = MAX (stalls->max_render_cpu,
                                  cb_test_thread_cpu_seconds () - stalls->layout_cpu_end);
}

static gboolean
tick_cb (gpointer data)
{
  Stalls *stalls = data;
  double now = now_s ();
  double gap = now - stalls->last_tick;
  double cpu = cb_test_thread_cpu_seconds ();
  double cpu_gap = cpu - stalls->last_tick_cpu;

  stalls->last_tick = now;
  stalls->last_tick_cpu = cpu;
  g_array_append_val (stalls->cpu_gaps, cpu_gap);
  stalls->max_cpu_gap = MAX (stalls->max_cpu_gap, cpu_gap);
  if (cpu_gap > 0.050)
    stalls->cpu_gaps_over_50ms++;
  stalls->ticks++;
  g_array_append_val (stalls->gaps, gap);
  stalls->max_tick_gap = MAX (stalls->max_tick_gap, gap);
  if (gap > 0.050)
    stalls->gaps_over_50ms++;

  return G_SOURCE_CONTINUE;
}

static void
frame_cb (GdkFrameClock *clock,
          Stalls        *stalls)
{
  double now = now_s ();

  if (stalls->paint_start > 0)
    {
      double paint_cpu = cb_test_thread_cpu_seconds () - stalls->paint_cpu_start;

      stalls->max_paint = MAX (stalls->max_paint, now - stalls->paint_start);
      stalls->max_paint_cpu = MAX (stalls->max_paint_cpu, paint_cpu);
      if (paint_cpu > 0.050)
        stalls->paints_over_50ms++;
    }

  if (stalls->frames > 0)
    stalls->max_frame_gap = MAX (stalls->max_frame_gap, now - stalls->last_frame);
  stalls->last_frame = now;
  stalls->frames++;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static gboolean
batch_ended (CbStore    *store,
             const char *id)
{
  g_autoptr(CbBatch) batch = cb_store_get_batch (store, id, NULL);

  return batch != NULL && (cb_batch_get_status (batch) == CB_BATCH_STATUS_COMPLETED ||
                           cb_batch_get_status (batch) == CB_BATCH_STATUS_FAILED);
}

static void
bench_live (gboolean with_window)
{
  g_autoptr(CbStore) store = cb_test_open_fresh_store ("bench-ui-live.db");
  g_autofree char *csv = write_csv ("bench-ui-live.csv", N_LIVE, 3000000);
  g_autoptr(CbEngine) engine = NULL;
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(CbBatch) done = NULL;
  g_autoptr(GError) error = NULL;
  Stalls stalls = { 0 };
  GdkFrameClock *clock = NULL;
  CbWindow *window = NULL;
  double start;
  double elapsed;
  double p99;
  double p50;
  double cpu_p99;
  double cpu_start;
  double process_start;
  g_autofree char *load_before = load_average ();
  g_autofree char *load_after = NULL;
  gulong handler = 0;
  guint source;
  guint next_check = 0;

  engine = cb_engine_new (store, "127.0.0.1:0");
  cb_engine_set_sim_speed (engine, LIVE_SPEED);
  g_assert_true (cb_engine_start (engine, &error));
  g_assert_no_error (error);

  batch = import_batch (store, csv, LIVE_CONCURRENCY);
  stalls.gaps = g_array_new (FALSE, FALSE, sizeof (double));
  stalls.cpu_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  if (with_window)
    {
      window = open_window (store);
      /* Handlers around the window's own: the engine calls them in connection order. */
      g_signal_connect_swapped (engine, "batch-changed", G_CALLBACK (before_handlers_cb),
                                &stalls);
      g_signal_connect_swapped (engine, "recipients-changed", G_CALLBACK (before_handlers_cb),
                                &stalls);
      cb_window_set_engine (window, engine, NULL);
      g_signal_connect_swapped (engine, "batch-changed", G_CALLBACK (after_batch_handlers_cb),
                                &stalls);
      g_signal_connect_swapped (engine, "recipients-changed", G_CALLBACK (after_handlers_cb),
                                &stalls);
      g_assert_true (cb_window_open_batch (window, cb_batch_get_id (batch), &error));
      g_assert_no_error (error);
      wait_until_shown (GTK_WIDGET (window));

      clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (window)));
      handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cb), &stalls);
      g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &stalls);
      g_signal_connect (clock, "layout", G_CALLBACK (after_layout_cb), &stalls);
      g_signal_connect (clock, "paint", G_CALLBACK (after_render_cb), &stalls);
      gdk_frame_clock_begin_updating (clock);
    }

  start = now_s ();
  stalls.last_tick = start;
  cpu_start = stalls.last_tick_cpu = cb_test_thread_cpu_seconds ();
  process_start = cb_test_process_cpu_seconds ();
  source = g_timeout_add (TICK_MS, tick_cb, &stalls);
  g_assert_true (cb_engine_start_batch (engine, cb_batch_get_id (batch), &error));
  g_assert_no_error (error);

  while (now_s () - start < 120)
    {
      g_main_context_iteration (NULL, TRUE);
      /* Checked on the tick count, not on every iteration: a query costs time too. */
      if (stalls.ticks >= next_check)
        {
          next_check = stalls.ticks + 10;
          if (batch_ended (store, cb_batch_get_id (batch)))
            break;
        }
    }
  elapsed = now_s () - start;
  cpu_start = cb_test_thread_cpu_seconds () - cpu_start;
  process_start = cb_test_process_cpu_seconds () - process_start;
  load_after = load_average ();

  g_source_remove (source);
  if (clock != NULL)
    {
      gdk_frame_clock_end_updating (clock);
      g_signal_handler_disconnect (clock, handler);
      g_signal_handlers_disconnect_by_func (clock, before_paint_cb, &stalls);
      g_signal_handlers_disconnect_by_func (clock, after_layout_cb, &stalls);
      g_signal_handlers_disconnect_by_func (clock, after_render_cb, &stalls);
    }
  g_signal_handlers_disconnect_by_data (engine, &stalls);

  done = cb_store_get_batch (store, cb_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_array_sort (stalls.gaps, compare_doubles);
  p50 = stalls.gaps->len ? g_array_index (stalls.gaps, double, stalls.gaps->len / 2) : 0;
  p99 = stalls.gaps->len ? g_array_index (stalls.gaps, double, stalls.gaps->len * 99 / 100) : 0;
  g_array_sort (stalls.cpu_gaps, compare_doubles);
  cpu_p99 = stalls.cpu_gaps->len
    ? g_array_index (stalls.cpu_gaps, double, stalls.cpu_gaps->len * 99 / 100) : 0;

  g_print ("live-1000: %s\n", with_window ? "the batch's detail page open in a window"
                                           : "the engine alone, no window");
  g_print ("live-1000: %u of %u calls ended in %.2f s: %.0f calls/s (sim speed %.0f, "
           "concurrency %d)\n",
           cb_batch_get_counters (done)->completed + cb_batch_get_counters (done)->failed,
           N_LIVE, elapsed,
           (cb_batch_get_counters (done)->completed + cb_batch_get_counters (done)->failed) /
           elapsed, LIVE_SPEED, LIVE_CONCURRENCY);
  g_print ("live-1000: %u ticks of %d ms: gap median %.1f ms, p99 %.1f ms, longest %.1f ms "
           "(goal < 50 ms), %u over 50 ms\n",
           stalls.ticks, TICK_MS, p50 * 1000, p99 * 1000, stalls.max_tick_gap * 1000,
           stalls.gaps_over_50ms);
  /* On a shared machine the wall-clock gaps count the time other processes ran; the main
   * thread's own CPU time between ticks is the work that blocked it. */
  g_print ("live-1000: main-thread CPU time between ticks: p99 %.1f ms, longest %.1f ms, "
           "%u over 50 ms\n",
           cpu_p99 * 1000, stalls.max_cpu_gap * 1000, stalls.cpu_gaps_over_50ms);
  g_print ("live-1000: CPU %.2f s in the main thread, %.2f s in the process, over %.2f s; "
           "load average %s before, %s after\n",
           cpu_start, process_start, elapsed, load_before, load_after);
  if (with_window)
    {
      g_print ("live-1000: %u frames painted, longest gap between frames %.1f ms, "
               "longest frame %.1f ms (%.1f ms of main-thread CPU)\n",
               stalls.frames, stalls.max_frame_gap * 1000, stalls.max_paint * 1000,
               stalls.max_paint_cpu * 1000);
      g_print ("live-1000: frames' main-thread CPU: %u over 50 ms; longest update and layout "
               "%.1f ms, longest snapshot and render %.1f ms\n",
               stalls.paints_over_50ms, stalls.max_layout_cpu * 1000,
               stalls.max_render_cpu * 1000);
      g_print ("live-1000: the window handled %u engine signals: longest %.1f ms "
               "(%.1f ms of CPU; batch-changed %.1f ms), %.1f ms in all\n",
               stalls.handled, stalls.max_handler * 1000, stalls.max_handler_cpu * 1000,
               stalls.max_batch_handler * 1000, stalls.total_handler * 1000);
    }

  g_array_unref (stalls.gaps);
  g_array_unref (stalls.cpu_gaps);
  if (window != NULL)
    close_window (window);
  cb_engine_stop (engine);
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  if (!gtk_init_check ())
    {
      g_print ("bench-ui: no display, nothing measured (run it under xvfb-run)\n");
      return 0;
    }
  adw_init ();
  /* As the application does at start-up. */
  cb_application_choose_renderer ();

  if (argc < 2 || g_strcmp0 (argv[1], "open") == 0)
    bench_open ();
  if (argc < 2 || g_strcmp0 (argv[1], "live") == 0)
    bench_live (TRUE);
  /* The same batch with no window, to tell the engine's share from the dashboard's. */
  if (argc < 2 || g_strcmp0 (argv[1], "live-engine") == 0)
    bench_live (FALSE);

  return 0;
}
