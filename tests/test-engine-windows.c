/* test-engine-windows.c — calling windows and the scheduler, on a fake clock
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cb-clock.h"
#include "cb-engine.h"
#include "cb-schedule.h"
#include "cb-store-private.h"
#include "cb-test-util.h"

#define SIM_KEY "test-sim-key-windows"

typedef struct
{
  char     *path;
  CbStore  *store;
  CbEngine *engine;
} Fixture;

static void
set_now (const char *rfc3339)
{
  g_autoptr(GDateTime) now = cb_rfc3339_parse (rfc3339, NULL);

  g_assert_nonnull (now);
  cb_clock_set_fake (now);
}

static gint64
ms (const char *rfc3339)
{
  g_autoptr(GDateTime) t = cb_rfc3339_parse (rfc3339, NULL);

  return cb_store_datetime_to_ms (t);
}

static void
engine_up (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    {
      f->store = cb_store_open (f->path, CB_STORE_FLAGS_NONE, &error);
      g_assert_no_error (error);
    }
  f->engine = cb_engine_new (f->store, "127.0.0.1:0");
  cb_engine_set_sim_speed (f->engine, 2000);
  g_assert_true (cb_engine_start (f->engine, &error));
  g_assert_no_error (error);
}

static void
engine_down (Fixture *f)
{
  cb_engine_stop (f->engine);
  g_clear_object (&f->engine);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint n;

  {
    g_autofree char *name = g_strdup_printf ("windows-%u.db", n++);

    f->path = cb_test_tmp_path (name);
  }
  engine_up (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->engine != NULL)
    engine_down (f);
  g_clear_object (&f->store);
  g_free (f->path);
  cb_clock_set_fake (NULL);
}

static CbBatch *
create_batch (Fixture    *f,
              const char *csv,
              const char *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (csv, strlen (csv));
  CbBatchParams params = { 0 };
  CbBatch *batch;

  params.name = "Windows";
  params.agent_id = "agent_demo";
  params.timezone = "UTC";
  params.max_retries = 0;
  params.retry_delay_s = 0;
  params.concurrency = 20;
  params.call_window = window;

  batch = cb_store_import_bytes (f->store, &params, bytes, "w.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  return batch;
}

/* Lets the main loop run for @ms_ real milliseconds. */
static void
spin (guint ms_)
{
  gint64 end = g_get_monotonic_time () + ms_ * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

/* Spins until @sql counts @expected (or 30 s pass), so a slow machine only waits longer. */
static gint64
wait_count (Fixture    *f,
            const char *sql,
            const char *batch_id,
            gint64      expected)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gint64 n;

  while ((n = cb_test_count (f->store, sql, batch_id)) != expected && g_get_monotonic_time () < end)
    spin (10);

  return n;
}

static CbBatchStatus
batch_status (Fixture    *f,
              const char *id)
{
  g_autoptr(CbBatch) batch = cb_store_get_batch (f->store, id, NULL);

  return cb_batch_get_status (batch);
}

/* The scheduler starts a due batch on its own: wait (at most 30 s) for it to leave
 * "scheduled". */
static void
wait_started (Fixture    *f,
              const char *id)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (batch_status (f, id) == CB_BATCH_STATUS_SCHEDULED && g_get_monotonic_time () < end)
    spin (10);

  g_assert_cmpint (batch_status (f, id), !=, CB_BATCH_STATUS_SCHEDULED);
}

static void
wait_done (Fixture    *f,
           const char *id)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (batch_status (f, id) != CB_BATCH_STATUS_COMPLETED)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      spin (20);
    }
}

/* New York, 09:00–17:00, on the day clocks go forward: it opens at 13:00Z (EDT), not at
 * 14:00Z (EST), and nothing starts before. */
static void
test_dst (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autofree char *next_text = NULL;
  const char *id;

  set_now ("2026-03-08T06:30:00Z");  /* 01:30 EST, before the change at 02:00 */
  batch = create_batch (f, "phone\n+12122021000\n+12122021001\n+12122021002\n",
                        "{\"windows\":[{\"start\":540,\"end\":1020}],"
                        "\"timezone\":\"America/New_York\"}");
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));
  spin (300);

  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 0);
  next = cb_engine_dup_next_window_at (f->engine, id);
  g_assert_nonnull (next);
  next_text = cb_rfc3339_format (next);
  g_assert_cmpstr (next_text, ==, "2026-03-08T13:00:00Z");
  g_assert_cmpint (batch_status (f, id), ==, CB_BATCH_STATUS_RUNNING);

  set_now ("2026-03-08T12:59:59Z");
  spin (300);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 0);

  set_now ("2026-03-08T13:00:00Z");
  wait_done (f, id);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string"
                             " AND started_at < 1772974800000", id), ==, 0);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 3);
  g_assert_cmpint (ms ("2026-03-08T13:00:00Z"), ==, 1772974800000);
}

/* "recipient": London is open at 10:00Z (11:00 BST), New York is not (06:00 EDT). */
static void
test_two_continents (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CbBatch) batch = NULL;
  const char *id;

  set_now ("2026-06-01T10:00:00Z");
  batch = create_batch (f, "phone\n+12122021000\n+442071838750\n+12122021001\n+442071838751\n",
                        "{\"windows\":[{\"start\":540,\"end\":1020}],\"timezone\":\"recipient\"}");
  id = cb_batch_get_id (batch);
  g_assert_true (cb_engine_start_batch (f->engine, id, NULL));

  /* London called, New York waiting for 09:00 EDT = 13:00Z. */
  g_assert_cmpint (wait_count (f, "SELECT COUNT (*) FROM attempts a JOIN recipients r"
                                  " ON r.id = a.recipient_id WHERE a.batch_id = ##id::string"
                                  " AND r.phone LIKE '+44%'", id, 2), ==, 2);
  spin (200);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts a JOIN recipients r ON r.id = a.recipient_id"
                             " WHERE a.batch_id = ##id::string AND r.phone LIKE '+1%'", id), ==, 0);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM recipients WHERE batch_id = ##id::string"
                             " AND phone LIKE '+1%' AND status = 'pending'"
                             " AND next_attempt_at = 1780318800000", id), ==, 2);
  g_assert_cmpint (ms ("2026-06-01T13:00:00Z"), ==, 1780318800000);

  set_now ("2026-06-01T12:59:00Z");
  spin (300);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts WHERE batch_id = ##id::string", id),
                   ==, 2);

  set_now ("2026-06-01T13:00:00Z");
  wait_done (f, id);
  g_assert_cmpint (cb_test_count (f->store, "SELECT COUNT (*) FROM attempts a JOIN recipients r ON r.id = a.recipient_id"
                             " WHERE a.batch_id = ##id::string AND r.phone LIKE '+1%'"
                             " AND a.started_at >= 1780318800000", id), ==, 2);
}

/* A scheduled batch starts at its time; one that came due while the engine was down
 * starts when it comes back; past and far times are refused. */
static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CbBatch) a = NULL;
  g_autoptr(CbBatch) b = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) past = NULL;
  g_autoptr(GDateTime) far = NULL;
  g_autoptr(GError) error = NULL;

  set_now ("2026-05-05T08:00:00Z");
  a = create_batch (f, "phone\n+12122021000\n", NULL);
  b = create_batch (f, "phone\n+12122021001\n", NULL);

  past = cb_rfc3339_parse ("2026-05-05T07:59:59Z", NULL);
  g_assert_false (cb_engine_schedule_batch (f->engine, cb_batch_get_id (a), past, &error));
  g_assert_error (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  far = cb_rfc3339_parse ("2026-06-04T08:00:01Z", NULL);
  g_assert_false (cb_engine_schedule_batch (f->engine, cb_batch_get_id (a), far, &error));
  g_assert_error (error, CB_ENGINE_ERROR, CB_ENGINE_ERROR_INVALID);
  g_clear_error (&error);

  at = cb_rfc3339_parse ("2026-05-05T09:00:00Z", NULL);
  g_assert_true (cb_engine_schedule_batch (f->engine, cb_batch_get_id (a), at, &error));
  g_assert_no_error (error);
  g_assert_true (cb_engine_schedule_batch (f->engine, cb_batch_get_id (b), at, &error));
  g_assert_cmpint (batch_status (f, cb_batch_get_id (a)), ==, CB_BATCH_STATUS_SCHEDULED);

  set_now ("2026-05-05T08:59:59Z");
  spin (100);
  g_assert_cmpint (batch_status (f, cb_batch_get_id (a)), ==, CB_BATCH_STATUS_SCHEDULED);

  set_now ("2026-05-05T09:00:00Z");
  wait_started (f, cb_batch_get_id (a));
  wait_done (f, cb_batch_get_id (a));

  wait_done (f, cb_batch_get_id (b));

  /* c is due at 10:00 while the engine is stopped; it starts when the engine comes back. */
  g_clear_pointer (&at, g_date_time_unref);
  at = cb_rfc3339_parse ("2026-05-05T10:00:00Z", NULL);
  {
    g_autoptr(CbBatch) c = create_batch (f, "phone\n+12122021002\n", NULL);

    g_assert_true (cb_engine_schedule_batch (f->engine, cb_batch_get_id (c), at, &error));
    engine_down (f);
    set_now ("2026-05-05T11:00:00Z");
    engine_up (f);
    wait_started (f, cb_batch_get_id (c));
    wait_done (f, cb_batch_get_id (c));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_SIM_KEY", SIM_KEY, TRUE);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);
  cb_test_init (&argc, &argv);

  g_test_add ("/engine/windows/dst", Fixture, NULL, fixture_setup, test_dst, fixture_teardown);
  g_test_add ("/engine/windows/two-continents", Fixture, NULL, fixture_setup, test_two_continents,
              fixture_teardown);
  g_test_add ("/engine/windows/schedule", Fixture, NULL, fixture_setup, test_schedule,
              fixture_teardown);

  return g_test_run ();
}
