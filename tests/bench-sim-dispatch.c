/* bench-sim-dispatch.c — calls placed per second through CbProviderRetell
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Places CALLS calls (default 5000) to the in-process simulator, keeping IN_FLIGHT
 * (default 200) create requests outstanding, and prints the rate:
 *
 *   bench-sim-dispatch [CALLS [IN_FLIGHT]]
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "cb-provider-retell.h"
#include "cb-sim-server.h"
#include "cb-test-util.h"

#define KEY "key_bench"

typedef struct
{
  CbProvider *provider;
  GMainLoop  *loop;
  guint       total;
  guint       started;
  guint       finished;
  guint       failed;
} Bench;

static void place_next (Bench *bench);

static void
placed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *call_id = NULL;

  call_id = cb_provider_place_call_finish (CB_PROVIDER (object), result, &error);
  if (call_id == NULL)
    {
      if (bench->failed++ == 0)
        g_printerr ("bench-sim-dispatch: %s\n", error->message);
    }

  bench->finished++;
  if (bench->started < bench->total)
    place_next (bench);
  else if (bench->finished == bench->total)
    g_main_loop_quit (bench->loop);
}

static void
place_next (Bench *bench)
{
  g_autoptr(JsonObject) vars = json_object_new ();
  g_autoptr(JsonObject) metadata = json_object_new ();
  g_autofree char *to = g_strdup_printf ("+1415%07u", 5550000 + bench->started);
  g_autofree char *attempt = g_strdup_printf ("att_%u", bench->started);

  json_object_set_string_member (vars, "first_name", "Ann");
  json_object_set_string_member (metadata, "batch_id", "batch_bench");
  json_object_set_string_member (metadata, "attempt_id", attempt);

  bench->started++;
  cb_provider_place_call_async (bench->provider, "+14155550100", to, NULL, vars, metadata, NULL,
                                placed_cb, bench);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CbSimServer) sim = cb_sim_server_new (KEY);
  g_autoptr(CbProvider) provider = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  guint in_flight = 200;
  Bench bench = { 0 };
  double loads[3] = { 0 };
  double cpu_start, cpu;
  gint64 started;
  double seconds;

  bench.total = 5000;
  if (argc > 1)
    bench.total = (guint) MAX (1, atoi (argv[1]));
  if (argc > 2)
    in_flight = (guint) MAX (1, atoi (argv[2]));

  /* Calls ring for seconds in real time: they stay registered while the benchmark runs. */
  g_object_set (sim, "seed", (guint64) 1, NULL);
  if (!cb_sim_server_listen (sim, "127.0.0.1", 0, &error))
    {
      g_printerr ("bench-sim-dispatch: %s\n", error->message);
      return 1;
    }

  provider = cb_provider_retell_new (cb_sim_server_get_url (sim), KEY);
  bench.provider = provider;
  bench.loop = loop;

  cpu_start = cb_test_process_cpu_seconds ();
  started = g_get_monotonic_time ();
  for (guint i = 0; i < MIN (in_flight, bench.total); i++)
    place_next (&bench);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  cpu = cb_test_process_cpu_seconds () - cpu_start;
  getloadavg (loads, 3);

  printf ("sim-dispatch: %u calls placed in %.3f s with %u in flight: %.0f calls/s "
          "(%u failed)\n", bench.total, seconds, MIN (in_flight, bench.total),
          bench.total / seconds, bench.failed);
  /* Client and simulator share this thread: CPU time is the figure the load of the
   * machine inflates least. */
  printf ("sim-dispatch: CPU %.2f s (%.0f µs a call, client and simulator together); "
          "load average %.2f %.2f %.2f\n",
          cpu, 1e6 * cpu / bench.total, loads[0], loads[1], loads[2]);

  return bench.failed == 0 ? 0 : 1;
}
