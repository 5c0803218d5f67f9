/* cb-test-util.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-test-util.h"

#include "cb-store-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <time.h>

static char *tmpdir;

void
cb_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      cb_test_rm_rf (child);
    }
  g_rmdir (path);
}

static void
remove_tmpdir (void)
{
  if (tmpdir != NULL && g_getenv ("CB_TEST_KEEP_TMP") == NULL)
    cb_test_rm_rf (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

void
cb_test_init (int    *argc,
              char ***argv)
{
  static const char *dirs[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                "XDG_STATE_HOME", "XDG_RUNTIME_DIR" };
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("CALLBOARD_DB");
  g_unsetenv ("CALLBOARD_LISTEN");
  g_unsetenv ("CALLBOARD_API_TOKEN");
  g_unsetenv ("CALLBOARD_SIM_URL");
  /* Window tests drive widgets directly. Tests share one X server, whose root window names
   * the accessibility bus of whichever test started one first; it may be gone by now. */
  g_setenv ("GTK_A11Y", "none", TRUE);

  tmpdir = g_dir_make_tmp ("callboard-test-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *sub = g_build_filename (tmpdir, dirs[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
      g_setenv (dirs[i], sub, TRUE);
    }

  atexit (remove_tmpdir);
  g_test_init (argc, argv, NULL);
}

const char *
cb_test_get_tmpdir (void)
{
  g_assert (tmpdir != NULL);
  return tmpdir;
}

char *
cb_test_tmp_path (const char *name)
{
  return g_build_filename (cb_test_get_tmpdir (), name, NULL);
}

char *
cb_test_data_path (const char *name)
{
  return g_build_filename (TEST_DATA_DIR, name, NULL);
}

CbStore *
cb_test_open_fresh_store (const char *name)
{
  g_autofree char *path = cb_test_tmp_path (name);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  CbStore *store;

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return store;
}

gint64
cb_test_count (CbStore    *store,
               const char *sql,
               const char *batch_id)
{
  g_autoptr(GdaDataModel) model = cb_store_select (store, NULL, sql, "id", batch_id, NULL);

  g_assert_nonnull (model);
  return cb_store_model_get_int64 (model, 0, 0, -1);
}

static double
cpu_clock_seconds (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
cb_test_process_cpu_seconds (void)
{
  return cpu_clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
}

double
cb_test_thread_cpu_seconds (void)
{
  return cpu_clock_seconds (CLOCK_THREAD_CPUTIME_ID);
}
