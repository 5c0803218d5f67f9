/* cb-new-batch-rules.h — what the New batch form allows, as pure functions
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CB_NEW_BATCH_SOURCE_NONE,   /* nothing chosen yet */
  CB_NEW_BATCH_SOURCE_FILE,   /* an uploaded CSV/XLSX/XLS file */
  CB_NEW_BATCH_SOURCE_TYPED,  /* numbers typed one per line */
} CbNewBatchSource;

typedef enum
{
  CB_NEW_BATCH_ACTION_START,
  CB_NEW_BATCH_ACTION_SCHEDULE,
} CbNewBatchAction;

/* Bits of CbNewBatchState.window_days, Monday first. */
#define CB_NEW_BATCH_ALL_DAYS 0x7f

/* What the form holds. Times are instants; @now is the clock the rules compare with. */
typedef struct
{
  const char       *name;
  gboolean          has_agent;
  gboolean          has_caller_id;

  CbNewBatchSource  source;
  gboolean          validating;      /* the file is being read */
  gboolean          source_error;    /* the file could not be read at all */
  guint             rows_valid;
  guint             rows_invalid;
  gboolean          skip_invalid;

  gboolean          schedule_later;
  gboolean          date_chosen;     /* a selectable day is picked in the calendar */
  gboolean          time_valid;      /* the time entry parses */
  gboolean          zone_valid;      /* the time zone is an IANA zone */
  GDateTime        *scheduled_at;    /* the chosen instant, or NULL */
  GDateTime        *now;

  gboolean          window_enabled;
  guint             window_start;    /* minutes since midnight */
  guint             window_end;
  guint             window_days;     /* CB_NEW_BATCH_ALL_DAYS bits, Monday = 1 << 0 */

  int               concurrency;
  int               max_retries;
} CbNewBatchState;

/* What the form shows for a state. The strings are translated; the tooltips say why a
 * button is insensitive (NULL when it is sensitive). */
typedef struct
{
  CbNewBatchAction  action;
  const char       *primary_label;     /* "Start Batch" / "Schedule Batch" */
  gboolean          primary_sensitive;
  char             *primary_tooltip;
  gboolean          draft_sensitive;   /* "Save as Draft" */
  char             *draft_tooltip;
  /* The first problem with the schedule, shown under the time entry, or NULL. */
  char             *schedule_problem;
  /* How many recipients the batch will have. */
  guint             recipients;
} CbNewBatchVerdict;

void      cb_new_batch_verdict_clear  (CbNewBatchVerdict     *verdict);
void      cb_new_batch_rules_evaluate (const CbNewBatchState *state,
                                       CbNewBatchVerdict     *verdict);

/* "9:30", "09:30", "9", "21:05", "9:30 pm", "12 AM": hour and minute, FALSE otherwise. */
gboolean  cb_new_batch_parse_time     (const char            *text,
                                       int                   *hour,
                                       int                   *minute);
/* Numbers typed one per line into a CSV with a "phone" header: line N becomes row N + 1,
 * blank lines included (the import skips them and keeps the numbering). */
GBytes   *cb_new_batch_typed_to_csv   (const char            *text);
/* How a row of the validation report is named to the user: "Row 7" for a file, "Line 6"
 * for typed numbers (translated). */
char     *cb_new_batch_row_label      (CbNewBatchSource       source,
                                       guint                  row);
/* Row numbers as a short list: "3, 7, 12–15 and 4 more" (ranges of three or more joined,
 * at most @max items before "and N more"). For typed numbers the line numbers. */
char     *cb_new_batch_format_rows    (CbNewBatchSource       source,
                                       const guint           *rows,
                                       guint                  n_rows,
                                       guint                  max);
/* The calling window JSON (SPEC §5) for the state, or NULL when it is off. */
char     *cb_new_batch_call_window    (const CbNewBatchState *state,
                                       gboolean               recipient_local);

G_END_DECLS
