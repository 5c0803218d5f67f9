/* cb-test-util.h — helpers shared by the tests
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-store.h"

G_BEGIN_DECLS

/* g_test_init() plus private, temporary XDG_DATA_HOME / XDG_CONFIG_HOME /
 * XDG_CACHE_HOME / XDG_STATE_HOME directories (removed at exit) and a fixed locale
 * setting, so no test ever touches the user's real data. */
void        cb_test_init          (int          *argc,
                                   char       ***argv);
/* The temporary directory made by cb_test_init(). */
const char *cb_test_get_tmpdir    (void);
/* A new path inside the temporary directory: cb_test_tmp_path ("x.db"). */
char       *cb_test_tmp_path      (const char   *name);
/* An SQLite store at cb_test_tmp_path (@name), made anew: an earlier file of that name, its
 * WAL and shared-memory files are removed first. */
CbStore    *cb_test_open_fresh_store (const char *name);
/* The single integer @sql (with a ##id::string parameter, given @batch_id) selects from
 * @store; fails the test when the query fails. */
gint64      cb_test_count         (CbStore      *store,
                                   const char   *sql,
                                   const char   *batch_id);
/* tests/data/NAME */
char       *cb_test_data_path     (const char   *name);
/* CPU seconds used so far by every thread of the process, and by the calling thread:
 * benchmarks print them beside wall-clock times, which a busy machine inflates. */
double      cb_test_process_cpu_seconds (void);
double      cb_test_thread_cpu_seconds  (void);
/* Removes @path and everything under it. */
void        cb_test_rm_rf         (const char   *path);

G_END_DECLS
