/* test-lifecycle.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-lifecycle.h"
#include "cb-test-util.h"

/* Every allowed batch transition, written out independently of the implementation's table.
 * Any pair not listed here must be refused. */
static const struct { const char *from; const char *to; } allowed_batch[] = {
  { "draft", "pending" },
  { "draft", "scheduled" },
  { "draft", "cancelled" },
  { "pending", "running" },
  { "pending", "cancelled" },
  { "pending", "failed" },
  { "scheduled", "running" },
  { "scheduled", "pending" },
  { "scheduled", "cancelled" },
  { "scheduled", "failed" },
  { "running", "paused" },
  { "running", "completed" },
  { "running", "failed" },
  { "paused", "running" },
  { "paused", "cancelled" },
  { "paused", "failed" },
  { "completed", "pending" },
  { "failed", "pending" },
};

static const struct { const char *from; const char *to; } allowed_recipient[] = {
  { "pending", "dialing" },
  { "pending", "cancelled" },
  { "pending", "failed" },
  { "dialing", "completed" },
  { "dialing", "failed" },
  { "dialing", "pending" },
  { "failed", "pending" },
};

static const char *batch_names[] = {
  "draft", "pending", "scheduled", "running", "paused", "completed", "cancelled", "failed",
};

static const char *recipient_names[] = {
  "pending", "dialing", "completed", "failed", "cancelled",
};

static gboolean
batch_pair_listed (const char *from,
                   const char *to)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_batch); i++)
    if (g_str_equal (allowed_batch[i].from, from) && g_str_equal (allowed_batch[i].to, to))
      return TRUE;
  return FALSE;
}

static gboolean
recipient_pair_listed (const char *from,
                       const char *to)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_recipient); i++)
    if (g_str_equal (allowed_recipient[i].from, from) && g_str_equal (allowed_recipient[i].to, to))
      return TRUE;
  return FALSE;
}

static void
test_status_strings (void)
{
  CbBatchStatus batch_status;
  CbRecipientStatus recipient_status;

  for (guint i = 0; i < G_N_ELEMENTS (batch_names); i++)
    {
      g_assert_true (cb_batch_status_from_string (batch_names[i], &batch_status));
      g_assert_cmpint (batch_status, ==, i);
      g_assert_cmpstr (cb_batch_status_to_string (batch_status), ==, batch_names[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (recipient_names); i++)
    {
      g_assert_true (cb_recipient_status_from_string (recipient_names[i], &recipient_status));
      g_assert_cmpint (recipient_status, ==, i);
      g_assert_cmpstr (cb_recipient_status_to_string (recipient_status), ==, recipient_names[i]);
    }

  batch_status = CB_BATCH_STATUS_PAUSED;
  g_assert_false (cb_batch_status_from_string ("Running", &batch_status));
  g_assert_false (cb_batch_status_from_string ("", &batch_status));
  g_assert_false (cb_batch_status_from_string (NULL, &batch_status));
  g_assert_cmpint (batch_status, ==, CB_BATCH_STATUS_PAUSED);
  g_assert_false (cb_recipient_status_from_string ("dialling", &recipient_status));
}

static void
test_batch_matrix (void)
{
  guint allowed = 0;

  for (guint from = 0; from < G_N_ELEMENTS (batch_names); from++)
    for (guint to = 0; to < G_N_ELEMENTS (batch_names); to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean expected = batch_pair_listed (batch_names[from], batch_names[to]);
        gboolean ok;

        g_test_message ("batch %s → %s", batch_names[from], batch_names[to]);
        g_assert_cmpint (cb_batch_can_transition (from, to), ==, expected);

        ok = cb_batch_check_transition (from, to, &error);
        g_assert_cmpint (ok, ==, expected);
        if (expected)
          {
            g_assert_no_error (error);
            allowed++;
          }
        else
          {
            g_assert_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_REFUSED);
            g_assert_nonnull (error->message);
            g_assert_cmpuint (strlen (error->message), >, 10);
          }
      }

  g_assert_cmpuint (allowed, ==, G_N_ELEMENTS (allowed_batch));
}

static void
test_recipient_matrix (void)
{
  guint allowed = 0;

  for (guint from = 0; from < G_N_ELEMENTS (recipient_names); from++)
    for (guint to = 0; to < G_N_ELEMENTS (recipient_names); to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean expected = recipient_pair_listed (recipient_names[from], recipient_names[to]);

        g_test_message ("recipient %s → %s", recipient_names[from], recipient_names[to]);
        g_assert_cmpint (cb_recipient_can_transition (from, to), ==, expected);
        g_assert_cmpint (cb_recipient_check_transition (from, to, &error), ==, expected);
        if (expected)
          {
            g_assert_no_error (error);
            allowed++;
          }
        else
          {
            g_autofree char *message = g_strdup_printf ("A recipient cannot go from %s to %s.",
                                                        recipient_names[from], recipient_names[to]);
            g_assert_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_REFUSED);
            g_assert_cmpstr (error->message, ==, message);
          }
      }

  g_assert_cmpuint (allowed, ==, G_N_ELEMENTS (allowed_recipient));
}

static void
test_refusal_messages (void)
{
  static const struct { CbBatchStatus from, to; const char *message; } cases[] = {
    { CB_BATCH_STATUS_RUNNING, CB_BATCH_STATUS_CANCELLED,
      "A running batch cannot be cancelled. Pause it first." },
    { CB_BATCH_STATUS_COMPLETED, CB_BATCH_STATUS_CANCELLED, "A completed batch cannot be cancelled." },
    { CB_BATCH_STATUS_DRAFT, CB_BATCH_STATUS_PAUSED,
      "Only a running batch can be paused; this one is draft." },
    { CB_BATCH_STATUS_RUNNING, CB_BATCH_STATUS_RUNNING, "The batch is already running." },
    { CB_BATCH_STATUS_CANCELLED, CB_BATCH_STATUS_RUNNING,
      "A cancelled batch cannot be started or resumed." },
    { CB_BATCH_STATUS_RUNNING, CB_BATCH_STATUS_SCHEDULED,
      "A running batch cannot be started or scheduled." },
    { CB_BATCH_STATUS_PENDING, CB_BATCH_STATUS_DRAFT, "A pending batch cannot become a draft again." },
    { CB_BATCH_STATUS_DRAFT, CB_BATCH_STATUS_COMPLETED, "A draft batch cannot be completed." },
    { CB_BATCH_STATUS_DRAFT, CB_BATCH_STATUS_FAILED, "A draft batch cannot be marked as failed." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (cb_batch_check_transition (cases[i].from, cases[i].to, &error));
      g_assert_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_REFUSED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_unknown_status (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  g_assert_false (cb_batch_can_transition (CB_BATCH_STATUS_DRAFT, (CbBatchStatus)42));
  g_assert_false (cb_batch_check_transition ((CbBatchStatus)42, CB_BATCH_STATUS_DRAFT, &error));
  g_assert_error (error, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_UNKNOWN);
  g_assert_cmpstr (error->message, ==, "Unknown batch status 42");
  g_assert_false (cb_recipient_check_transition (CB_RECIPIENT_STATUS_PENDING,
                                                 (CbRecipientStatus)9, &error2));
  g_assert_error (error2, CB_LIFECYCLE_ERROR, CB_LIFECYCLE_ERROR_UNKNOWN);
}

static void
test_terminal (void)
{
  g_assert_false (cb_batch_status_is_terminal (CB_BATCH_STATUS_DRAFT));
  g_assert_false (cb_batch_status_is_terminal (CB_BATCH_STATUS_PENDING));
  g_assert_false (cb_batch_status_is_terminal (CB_BATCH_STATUS_SCHEDULED));
  g_assert_false (cb_batch_status_is_terminal (CB_BATCH_STATUS_RUNNING));
  g_assert_false (cb_batch_status_is_terminal (CB_BATCH_STATUS_PAUSED));
  g_assert_true (cb_batch_status_is_terminal (CB_BATCH_STATUS_COMPLETED));
  g_assert_true (cb_batch_status_is_terminal (CB_BATCH_STATUS_CANCELLED));
  g_assert_true (cb_batch_status_is_terminal (CB_BATCH_STATUS_FAILED));

  g_assert_false (cb_recipient_status_is_terminal (CB_RECIPIENT_STATUS_PENDING));
  g_assert_false (cb_recipient_status_is_terminal (CB_RECIPIENT_STATUS_DIALING));
  g_assert_true (cb_recipient_status_is_terminal (CB_RECIPIENT_STATUS_COMPLETED));
  g_assert_true (cb_recipient_status_is_terminal (CB_RECIPIENT_STATUS_FAILED));
  g_assert_true (cb_recipient_status_is_terminal (CB_RECIPIENT_STATUS_CANCELLED));
}

static void
test_counters (void)
{
  CbBatchCounters c;

  cb_batch_counters_init (&c, 4);
  g_assert_cmpuint (c.total, ==, 4);
  g_assert_cmpuint (c.pending, ==, 4);
  g_assert_true (cb_batch_counters_are_consistent (&c));
  g_assert_false (cb_batch_counters_are_done (&c));
  g_assert_cmpfloat (cb_batch_counters_get_progress (&c), ==, 0.0);

  /* One answered call, one busy call retried then failed, one cancelled, one pending. */
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_DIALING);
  cb_batch_counters_add_sent (&c);
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_DIALING, CB_RECIPIENT_STATUS_COMPLETED);
  cb_batch_counters_add_picked_up (&c);

  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_DIALING);
  cb_batch_counters_add_sent (&c);
  g_assert_cmpuint (c.dialing, ==, 1);
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_DIALING, CB_RECIPIENT_STATUS_PENDING);
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_DIALING);
  cb_batch_counters_add_sent (&c);
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_DIALING, CB_RECIPIENT_STATUS_FAILED);

  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_CANCELLED);

  g_assert_cmpuint (c.total, ==, 4);
  g_assert_cmpuint (c.pending, ==, 1);
  g_assert_cmpuint (c.dialing, ==, 0);
  g_assert_cmpuint (c.completed, ==, 1);
  g_assert_cmpuint (c.failed, ==, 1);
  g_assert_cmpuint (c.cancelled, ==, 1);
  g_assert_cmpuint (c.sent, ==, 3);
  g_assert_cmpuint (c.picked_up, ==, 1);
  g_assert_true (cb_batch_counters_are_consistent (&c));
  g_assert_false (cb_batch_counters_are_done (&c));
  g_assert_cmpfloat_with_epsilon (cb_batch_counters_get_progress (&c), 0.75, 1e-9);

  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_PENDING, CB_RECIPIENT_STATUS_DIALING);
  cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_DIALING, CB_RECIPIENT_STATUS_COMPLETED);
  g_assert_true (cb_batch_counters_are_done (&c));
  g_assert_cmpfloat (cb_batch_counters_get_progress (&c), ==, 1.0);

  /* A broken set of counters is detected. */
  c.pending = 7;
  g_assert_false (cb_batch_counters_are_consistent (&c));
  c.pending = 0;
  c.picked_up = c.sent + 1;
  g_assert_false (cb_batch_counters_are_consistent (&c));

  cb_batch_counters_init (&c, 0);
  g_assert_true (cb_batch_counters_are_done (&c));
  g_assert_cmpfloat (cb_batch_counters_get_progress (&c), ==, 0.0);
}

static void
test_counters_underflow (void)
{
  CbBatchCounters c;

  cb_batch_counters_init (&c, 1);
  if (g_test_subprocess ())
    {
      /* Nothing is dialing: moving out of dialing is a programming error. */
      cb_batch_counters_move (&c, CB_RECIPIENT_STATUS_DIALING, CB_RECIPIENT_STATUS_FAILED);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*assertion*failed*");
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/lifecycle/status-strings", test_status_strings);
  g_test_add_func ("/lifecycle/batch-matrix", test_batch_matrix);
  g_test_add_func ("/lifecycle/recipient-matrix", test_recipient_matrix);
  g_test_add_func ("/lifecycle/refusal-messages", test_refusal_messages);
  g_test_add_func ("/lifecycle/unknown-status", test_unknown_status);
  g_test_add_func ("/lifecycle/terminal", test_terminal);
  g_test_add_func ("/lifecycle/counters", test_counters);
  g_test_add_func ("/lifecycle/counters-underflow", test_counters_underflow);

  return g_test_run ();
}
