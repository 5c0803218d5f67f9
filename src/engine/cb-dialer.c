/* cb-dialer.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-dialer"

#include "config.h"

#include "cb-dialer.h"

#include <glib/gi18n-lib.h>

#include "cb-call-event.h"
#include "cb-call-window.h"
#include "cb-clock.h"
#include "cb-phone.h"

/*
 * The dialer never keeps a decision only in memory: a recipient is claimed (`dialing`,
 * with its attempt row) in a committed transaction before its request leaves, and every
 * answer is written before the next step. What it keeps in memory is only what may be
 * lost without harm: back-off times, the recent failures that decide an auto-pause,
 * which calls are being polled.
 *
 * Decisions documented here (SPEC §3 leaves them open):
 * - 429 and 401/402/403 do not use one of the recipient's retries: no call was placed.
 *   429 holds back the whole provider account until Retry-After (1 s when absent, then
 *   doubling while 429s go on, at most 60 s). 401/402/403 pause the batch at once with a
 *   reason that names the account, since every other call would fail the same way; the
 *   user fixes the key and resumes. The batch is not failed: nothing is lost by waiting.
 * - Auto-pause counts, per batch, the attempts whose request got an answer (or timed
 *   out) in the last two minutes: provider-side failures are 5xx answers, timeouts and
 *   network errors. At least 10 attempts, at least half of them failed → paused.
 */

#define AUTO_PAUSE_WINDOW_MS  (2 * 60 * 1000)
#define AUTO_PAUSE_MIN        10
#define MAX_CLAIM             100
#define MAX_BACKOFF_MS        (60 * 1000)
#define PUMP_INTERVAL_US      (5 * 1000)

typedef struct
{
  gint64   at_ms;
  gboolean failed;
} AttemptMark;

typedef struct
{
  char   *batch_id;
  GQueue  marks;          /* of AttemptMark, newest last */
  guint   n_failed;       /* marks that failed */
  gint64  next_window_ms; /* 0 when not waiting for the window */
} BatchState;

typedef struct
{
  gint64 blocked_until_ms;
  gint64 backoff_ms;
  guint  requests;
} AccountState;

struct _CbDialer
{
  GObject                parent_instance;

  CbStore               *store;
  CbWebhookReceiver     *receiver;
  CbDialerAccountLookup  lookup;
  gpointer               lookup_data;

  GHashTable            *batches;    /* batch id → BatchState */
  GHashTable            *accounts;   /* account id → AccountState */
  GHashTable            *polling;    /* attempt id → TRUE while get_call runs */
  GCancellable          *cancellable;

  guint                  pump_source;
  gint64                 last_pump_us;   /* monotonic */
  /* Calls placed whose answers are read but not yet written: CbDialPlaced, written
   * together once the main loop has read what arrived with them. */
  GArray                *placed;
  guint                  placed_source;
  /* Store work put off while the receiver writes a group ("written" runs it). */
  gboolean               placed_waiting;
  gboolean               pump_waiting;
  guint                  wake_source;
  guint                  poll_source;
  guint                  clock_watch;
  guint                  account_limit;
  guint                  poll_timeout_ms;
  guint                  n_requests;
  gboolean               running;
};

G_DEFINE_FINAL_TYPE (CbDialer, cb_dialer, G_TYPE_OBJECT)

enum {
  BATCH_CHANGED,
  RECIPIENT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  CbDialer    *self;
  CbDialClaim *claim;
  char        *account_id;
} PlaceData;

static void
place_data_free (PlaceData *data)
{
  g_object_unref (data->self);
  g_clear_pointer (&data->claim, cb_dial_claim_free);
  g_free (data->account_id);
  g_free (data);
}

static void
dial_placed_clear (CbDialPlaced *placed)
{
  g_clear_pointer (&placed->claim, cb_dial_claim_free);
  g_clear_pointer (&placed->provider_call_id, g_free);
}

static void
batch_state_free (BatchState *state)
{
  g_queue_clear_full (&state->marks, g_free);
  g_free (state->batch_id);
  g_free (state);
}

static gint64
now_ms (void)
{
  g_autoptr(GDateTime) now = cb_clock_get_now_utc ();

  return g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;
}

static BatchState *
get_batch_state (CbDialer   *self,
                 const char *batch_id)
{
  BatchState *state = g_hash_table_lookup (self->batches, batch_id);

  if (state == NULL)
    {
      state = g_new0 (BatchState, 1);
      state->batch_id = g_strdup (batch_id);
      g_queue_init (&state->marks);
      g_hash_table_insert (self->batches, state->batch_id, state);
    }

  return state;
}

static AccountState *
get_account_state (CbDialer   *self,
                   const char *account_id)
{
  AccountState *state = g_hash_table_lookup (self->accounts, account_id);

  if (state == NULL)
    {
      state = g_new0 (AccountState, 1);
      g_hash_table_insert (self->accounts, g_strdup (account_id), state);
    }

  return state;
}

static void
emit_changed (CbDialer   *self,
              const char *batch_id,
              const char *recipient_id)
{
  if (batch_id == NULL)
    return;

  g_signal_emit (self, signals[BATCH_CHANGED], 0, batch_id);
  if (recipient_id != NULL)
    g_signal_emit (self, signals[RECIPIENT_CHANGED], 0, batch_id, recipient_id);
}

static gboolean pump_cb (gpointer user_data);

void
cb_dialer_kick (CbDialer *self)
{
  g_return_if_fail (CB_IS_DIALER (self));

  if (self->running && self->pump_source == 0)
    {
      gint64 since_us = g_get_monotonic_time () - self->last_pump_us;

      /* At hundreds of calls a second every finished call asks for a pump: one every
       * few milliseconds claims them in groups, each for the price of one transaction. */
      if (since_us >= PUMP_INTERVAL_US)
        self->pump_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pump_cb, self, NULL);
      else
        self->pump_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                                (guint) ((PUMP_INTERVAL_US - since_us + 999) / 1000),
                                                pump_cb, self, NULL);
    }
}

static gboolean
wake_cb (gpointer user_data)
{
  CbDialer *self = user_data;

  self->wake_source = 0;
  cb_dialer_kick (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_wake (CbDialer *self,
               gint64    at_ms,
               gint64    current_ms)
{
  gint64 delay_ms;

  g_clear_handle_id (&self->wake_source, g_source_remove);
  if (at_ms <= 0 || !self->running)
    return;

  delay_ms = CLAMP (at_ms - current_ms, 1, (gint64) G_MAXUINT / 2);
  self->wake_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay_ms,
                                          wake_cb, self, NULL);
}

/* Auto-pause */

static void
pause_batch (CbDialer   *self,
             const char *batch_id,
             const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!cb_store_dialer_set_status (self->store, batch_id, CB_BATCH_STATUS_PAUSED, reason,
                                   now_ms (), &error))
    {
      if (!g_error_matches (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT))
        g_warning ("Could not pause batch %s: %s", batch_id, error->message);
      return;
    }

  g_message ("Batch %s paused: %s", batch_id, reason);
  emit_changed (self, batch_id, NULL);
}

static void
mark_attempt_at (BatchState *state,
                 gint64      at_ms,
                 gboolean    failed)
{
  AttemptMark *mark;

  mark = g_new0 (AttemptMark, 1);
  mark->at_ms = at_ms;
  mark->failed = failed;
  g_queue_push_tail (&state->marks, mark);
  state->n_failed += failed ? 1 : 0;
}

/* Drops the marks older than the auto-pause window: the counts stay exact at a cost that
 * does not grow with the batch. */
static void
expire_marks (BatchState *state,
              gint64      current)
{
  AttemptMark *mark;

  while ((mark = g_queue_peek_head (&state->marks)) != NULL
         && mark->at_ms < current - AUTO_PAUSE_WINDOW_MS)
    {
      state->n_failed -= mark->failed ? 1 : 0;
      g_free (g_queue_pop_head (&state->marks));
    }
}

static void
mark_attempt (CbDialer     *self,
              const char   *batch_id,
              gboolean      failed,
              const GError *error)
{
  BatchState *state = get_batch_state (self, batch_id);
  gint64 current = now_ms ();
  guint n;

  mark_attempt_at (state, current, failed);
  expire_marks (state, current);

  n = g_queue_get_length (&state->marks);
  if (failed && n >= AUTO_PAUSE_MIN && state->n_failed * 2 >= n)
    {
      g_autofree char *reason = NULL;

      reason = g_strdup_printf (_("Paused automatically: %u of the last %u calls failed at the "
                                  "provider within two minutes (last error: %s). Resume when "
                                  "the provider works again."),
                                state->n_failed, n, error != NULL ? error->message : _("unknown"));
      g_queue_clear_full (&state->marks, g_free);
      state->n_failed = 0;
      pause_batch (self, batch_id, reason);
    }
}

/* Placing calls */

static void reconcile_unknown (CbDialer          *self,
                               CbDialOpenAttempt *attempt,
                               gint64             retry_at_ms);
static void interrupt_attempt (CbDialer          *self,
                               CbDialOpenAttempt *attempt,
                               const char        *why);

static gboolean
is_provider_side_failure (const GError *error)
{
  if (error->domain != CB_PROVIDER_ERROR)
    return TRUE;

  switch (error->code)
    {
    case CB_PROVIDER_ERROR_SERVER:
    case CB_PROVIDER_ERROR_TIMEOUT:
    case CB_PROVIDER_ERROR_NETWORK:
    case CB_PROVIDER_ERROR_INVALID_RESPONSE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Writes the calls placed since the last time, and says which recipients changed. */
static void
record_placed (CbDialer *self)
{
  g_autoptr(GArray) placed = NULL;
  g_autoptr(GError) error = NULL;
  const char *last_batch = NULL;

  g_clear_handle_id (&self->placed_source, g_source_remove);
  if (self->placed->len == 0)
    return;

  placed = g_steal_pointer (&self->placed);
  self->placed = g_array_new (FALSE, FALSE, sizeof (CbDialPlaced));
  g_array_set_clear_func (self->placed, (GDestroyNotify) dial_placed_clear);

  if (!cb_store_dialer_record_calls (self->store, (CbDialPlaced *) placed->data, placed->len,
                                     SOUP_STATUS_CREATED, now_ms (), &error))
    g_warning ("Could not record %u calls placed (the first %s, of attempt %s): %s",
               placed->len, g_array_index (placed, CbDialPlaced, 0).provider_call_id,
               g_array_index (placed, CbDialPlaced, 0).claim->attempt_id, error->message);

  for (guint i = 0; i < placed->len; i++)
    {
      CbDialClaim *claim = g_array_index (placed, CbDialPlaced, i).claim;

      if (g_strcmp0 (last_batch, claim->batch_id) != 0)
        g_signal_emit (self, signals[BATCH_CHANGED], 0, claim->batch_id);
      last_batch = claim->batch_id;
      g_signal_emit (self, signals[RECIPIENT_CHANGED], 0, claim->batch_id, claim->recipient_id);
    }
}

/* While the receiver writes a group of webhook events on its thread, the store's lock is
 * taken: the main thread would wait for it, and read nothing meanwhile. */
static gboolean
store_is_busy (CbDialer *self)
{
  return self->receiver != NULL && cb_webhook_receiver_is_writing (self->receiver);
}

static gboolean
record_placed_cb (gpointer user_data)
{
  CbDialer *self = user_data;

  self->placed_source = 0;
  if (store_is_busy (self))
    self->placed_waiting = TRUE;
  else
    record_placed (self);

  return G_SOURCE_REMOVE;
}

static void
place_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PlaceData *data = user_data;
  CbDialer *self = data->self;
  CbDialClaim *claim = data->claim;
  AccountState *account = get_account_state (self, data->account_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *call_id = NULL;
  gint64 current = now_ms ();
  guint http_status;

  self->n_requests--;
  account->requests--;

  call_id = cb_provider_place_call_finish (CB_PROVIDER (object), result, &error);
  if (call_id != NULL)
    {
      CbDialPlaced placed = { g_steal_pointer (&data->claim), g_steal_pointer (&call_id) };

      account->backoff_ms = 0;
      mark_attempt (self, placed.claim->batch_id, FALSE, NULL);
      /* Written with the other answers of this turn of the main loop, in one
       * transaction. The recipient stays `dialing`: no slot opened, nothing to pump
       * for. */
      g_array_append_val (self->placed, placed);
      if (self->placed_source == 0)
        self->placed_source = g_idle_add_full (G_PRIORITY_DEFAULT, record_placed_cb, self, NULL);
      place_data_free (data);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The engine is stopping: the attempt stays open and the next start reconciles it
       * with the provider. */
      goto out;
    }

  http_status = cb_provider_error_get_http_status (error);

  if (g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_RATE_LIMITED))
    {
      guint retry_after_s = cb_provider_error_get_retry_after (error);
      gint64 wait_ms;

      if (retry_after_s > 0)
        wait_ms = (gint64) retry_after_s * 1000;
      else
        wait_ms = account->backoff_ms > 0 ? MIN (account->backoff_ms * 2, MAX_BACKOFF_MS) : 1000;
      account->backoff_ms = wait_ms;
      account->blocked_until_ms = MAX (account->blocked_until_ms, current + wait_ms);

      if (!cb_store_dialer_release (self->store, claim, http_status, CB_OUTCOME_RATE_LIMITED,
                                    error->message, account->blocked_until_ms, current,
                                    &store_error))
        g_warning ("Could not release attempt %s: %s", claim->attempt_id, store_error->message);
      emit_changed (self, claim->batch_id, claim->recipient_id);
      goto out;
    }

  if (g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_UNAUTHORIZED))
    {
      CbDialerAccount *info = self->lookup (data->account_id, self->lookup_data);
      g_autofree char *reason = NULL;

      if (!cb_store_dialer_release (self->store, claim, http_status, CB_OUTCOME_PROVIDER_ERROR,
                                    error->message, current, current, &store_error))
        g_warning ("Could not release attempt %s: %s", claim->attempt_id, store_error->message);

      reason = g_strdup_printf (_("Paused: the provider account “%s” refused its API key "
                                  "(HTTP %u: %s). Check the key in Preferences, then resume."),
                                info != NULL ? info->name : data->account_id, http_status,
                                error->message);
      pause_batch (self, claim->batch_id, reason);
      emit_changed (self, claim->batch_id, claim->recipient_id);
      goto out;
    }

  if ((g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_TIMEOUT)
       || g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NETWORK))
      && cb_provider_error_may_have_reached (error))
    {
      CbDialerAccount *info = self->lookup (data->account_id, self->lookup_data);

      /* The request may have reached the provider: never try again blindly. The
       * simulator can be asked by metadata; another provider cannot, and the attempt
       * ends as engine_interrupted for the user to check and retry. */
      if (info == NULL || g_strcmp0 (info->kind, "sim") != 0)
        {
          g_autofree char *why = NULL;

          why = g_strdup_printf (_("The provider may have placed this call but its answer was "
                                   "lost (%s); it is not dialled again automatically"),
                                 error->message);
          {
            CbDialOpenAttempt attempt = { 0 };

            attempt.attempt_id = claim->attempt_id;
            attempt.recipient_id = claim->recipient_id;
            attempt.batch_id = claim->batch_id;
            interrupt_attempt (self, &attempt, why);
          }
          mark_attempt (self, claim->batch_id, TRUE, error);
          goto out;
        }
      else
        {
          CbDialOpenAttempt *attempt = g_new0 (CbDialOpenAttempt, 1);
          gint64 wait_ms;

          account->backoff_ms = account->backoff_ms > 0 ? MIN (account->backoff_ms * 2, MAX_BACKOFF_MS)
                                                        : 1000;
          wait_ms = account->backoff_ms;
          attempt->attempt_id = g_strdup (claim->attempt_id);
          attempt->recipient_id = g_strdup (claim->recipient_id);
          attempt->batch_id = g_strdup (claim->batch_id);
          attempt->account_id = g_strdup (data->account_id);
          mark_attempt (self, claim->batch_id, TRUE, error);
          reconcile_unknown (self, attempt, current + wait_ms);
          goto out;
        }
    }

  {
    CbDialApplied applied = { 0 };
    CbRetryClass retry_class;
    const char *outcome;

    outcome = cb_outcome_for_error (error, &retry_class);
    if (!cb_store_dialer_fail_attempt (self->store, claim->attempt_id, http_status, outcome,
                                       retry_class, error->message, current, &applied,
                                       &store_error))
      g_warning ("Could not fail attempt %s: %s", claim->attempt_id, store_error->message);
    cb_dial_applied_clear (&applied);

    mark_attempt (self, claim->batch_id, is_provider_side_failure (error), error);
    emit_changed (self, claim->batch_id, claim->recipient_id);
  }

out:
  cb_dialer_kick (self);
  place_data_free (data);
}

static void
place_claim (CbDialer        *self,
             CbDialBatchInfo *info,
             CbDialerAccount *account,
             CbDialClaim     *claim)
{
  g_autoptr(JsonObject) metadata = json_object_new ();
  g_autoptr(JsonObject) vars = NULL;
  g_autoptr(JsonNode) vars_node = NULL;
  PlaceData *data;

  json_object_set_string_member (metadata, CB_CALL_METADATA_BATCH_ID, claim->batch_id);
  json_object_set_string_member (metadata, CB_CALL_METADATA_RECIPIENT_ID, claim->recipient_id);
  json_object_set_string_member (metadata, CB_CALL_METADATA_ATTEMPT_ID, claim->attempt_id);

  if (claim->dynamic_vars != NULL)
    vars_node = cb_json_from_string (claim->dynamic_vars, NULL);
  if (vars_node != NULL && JSON_NODE_HOLDS_OBJECT (vars_node))
    vars = json_object_ref (json_node_get_object (vars_node));

  data = g_new0 (PlaceData, 1);
  data->self = g_object_ref (self);
  data->claim = claim;
  data->account_id = g_strdup (info->account_id);

  self->n_requests++;
  get_account_state (self, info->account_id)->requests++;

  cb_provider_place_call_async (account->provider, info->from_number, claim->phone,
                                info->provider_agent_id, vars, metadata, self->cancellable,
                                place_call_cb, data);
}

typedef struct
{
  CbCallWindow *window;
  const char   *batch_zone;
  GDateTime    *now;
  guint         deferred;
} WindowCheck;

static gint64
recipient_window (const char *phone,
                  gpointer    user_data)
{
  WindowCheck *check = user_data;
  const char * const *zones = cb_phone_time_zones (phone);
  g_autoptr(GDateTime) opens = NULL;

  if (cb_call_window_contains (check->window, check->now, zones, check->batch_zone))
    return 0;

  check->deferred++;
  opens = cb_call_window_next_open (check->window, check->now, zones, check->batch_zone);
  if (opens == NULL)
    return -1;

  return g_date_time_to_unix (opens) * 1000;
}

static void
fail_batch (CbDialer   *self,
            const char *batch_id,
            const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!cb_store_dialer_set_status (self->store, batch_id, CB_BATCH_STATUS_FAILED, reason,
                                   now_ms (), &error))
    g_warning ("Could not fail batch %s: %s", batch_id, error->message);
  else
    g_message ("Batch %s failed: %s", batch_id, reason);

  emit_changed (self, batch_id, NULL);
}

/* One running batch: claims what its concurrency, its account and its window allow.
 * Returns the next time it needs a look (0: only when something happens). */
static gint64
pump_batch (CbDialer        *self,
            const char      *batch_id,
            CbDialBatchInfo *info,
            CbBatchCounters *counters_in,
            GHashTable      *account_dialing,
            gint64           current)
{
  g_autoptr(CbCallWindow) window = NULL;
  g_autoptr(GPtrArray) claims = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchCounters counters = { 0 };
  CbDialerAccount *account;
  AccountState *account_state;
  BatchState *state;
  WindowCheck check = { 0 };
  gint64 next_due = 0;
  guint n_suppressed = 0;
  guint dialing_on_account;
  guint max;

  if (info == NULL)
    {
      g_warning ("Batch %s cannot be read", batch_id);
      return 0;
    }

  if (info->account_id == NULL)
    {
      fail_batch (self, batch_id, _("The batch’s agent no longer exists"));
      return 0;
    }

  if (info->from_number == NULL)
    {
      fail_batch (self, batch_id, _("The batch has no caller ID: its phone number was deleted"));
      return 0;
    }

  account = self->lookup (info->account_id, self->lookup_data);
  if (account == NULL)
    {
      fail_batch (self, batch_id, _("The provider account of the batch’s agent cannot place calls"));
      return 0;
    }

  if (counters_in == NULL)
    {
      g_warning ("The counters of batch %s cannot be read", batch_id);
      return 0;
    }
  counters = *counters_in;

  state = get_batch_state (self, batch_id);
  state->next_window_ms = 0;

  if (counters.pending == 0)
    {
      gboolean completed = FALSE;

      if (counters.dialing == 0
          && cb_store_dialer_complete_if_done (self->store, batch_id, current, &completed, NULL)
          && completed)
        emit_changed (self, batch_id, NULL);
      return 0;
    }

  account_state = get_account_state (self, info->account_id);
  if (account_state->blocked_until_ms > current)
    return account_state->blocked_until_ms;

  dialing_on_account = GPOINTER_TO_UINT (g_hash_table_lookup (account_dialing, info->account_id));
  if (counters.dialing >= info->concurrency || dialing_on_account >= self->account_limit)
    return 0;

  max = MIN (info->concurrency - counters.dialing, self->account_limit - dialing_on_account);
  max = MIN (max, MAX_CLAIM);

  now = cb_clock_get_now_utc ();
  if (info->call_window != NULL)
    {
      window = cb_call_window_new_from_string (info->call_window, &error);
      if (window == NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("The calling window cannot be read: %s"),
                                                     error->message);
          fail_batch (self, batch_id, reason);
          return 0;
        }

      if (!cb_call_window_is_per_recipient (window)
          && !cb_call_window_contains (window, now, NULL, info->timezone))
        {
          g_autoptr(GDateTime) opens = cb_call_window_next_open (window, now, NULL, info->timezone);

          state->next_window_ms = opens != NULL ? g_date_time_to_unix (opens) * 1000 : 0;
          return state->next_window_ms;
        }
    }

  check.window = window;
  check.batch_zone = info->timezone;
  check.now = now;

  claims = cb_store_dialer_claim (self->store, batch_id, max, current,
                                  window != NULL && cb_call_window_is_per_recipient (window)
                                    ? recipient_window : NULL,
                                  &check, &n_suppressed, &next_due, &error);
  if (claims == NULL)
    {
      g_warning ("Could not claim recipients of batch %s: %s", batch_id, error->message);
      return current + 1000;
    }

  g_debug ("Batch %s: %u claimed, %u suppressed, next due in %" G_GINT64_FORMAT " ms",
           batch_id, claims->len, n_suppressed, next_due > 0 ? next_due - current : -1);

  if (claims->len == 0 && check.deferred > 0)
    state->next_window_ms = next_due;

  g_hash_table_insert (account_dialing, g_strdup (info->account_id),
                       GUINT_TO_POINTER (dialing_on_account + claims->len));

  for (guint i = 0; i < claims->len; i++)
    place_claim (self, info, account, g_ptr_array_index (claims, i));
  g_ptr_array_set_free_func (claims, NULL);

  if (n_suppressed > 0 || claims->len > 0)
    emit_changed (self, batch_id, NULL);

  return next_due;
}

static void
pump (CbDialer *self)
{
  g_autoptr(GHashTable) account_dialing = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) running = NULL;
  g_autofree CbBatchCounters *counters = NULL;
  g_autofree gboolean *counted = NULL;
  gint64 current = now_ms ();
  gint64 wake = 0;
  guint n_running;

  running = cb_store_dialer_list_batches (self->store, CB_BATCH_STATUS_RUNNING, 0, &error);
  if (running == NULL)
    {
      g_warning ("Could not list running batches: %s", error->message);
      schedule_wake (self, current + 1000, current);
      return;
    }

  n_running = g_strv_length (running);
  infos = g_ptr_array_new_full (n_running, (GDestroyNotify) cb_dial_batch_info_free);
  counters = g_new0 (CbBatchCounters, MAX (n_running, 1));
  counted = g_new0 (gboolean, MAX (n_running, 1));

  /* Calls in progress per account, across its running batches. */
  account_dialing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n_running; i++)
    {
      g_autoptr(GError) batch_error = NULL;
      CbDialBatchInfo *info = cb_store_dialer_get_batch_info (self->store, running[i], &batch_error);

      if (info == NULL)
        g_warning ("Batch %s: %s", running[i], batch_error->message);
      g_ptr_array_add (infos, info);
      counted[i] = cb_store_get_batch_counters (self->store, running[i], &counters[i], NULL);
      if (info == NULL || info->account_id == NULL || !counted[i])
        continue;

      g_hash_table_insert (account_dialing, g_strdup (info->account_id),
                           GUINT_TO_POINTER (counters[i].dialing
                                             + GPOINTER_TO_UINT (g_hash_table_lookup (account_dialing,
                                                                                      info->account_id))));
    }

  for (guint i = 0; i < n_running; i++)
    {
      gint64 next = pump_batch (self, running[i], g_ptr_array_index (infos, i),
                                counted[i] ? &counters[i] : NULL, account_dialing, current);

      if (next > 0 && (wake == 0 || next < wake))
        wake = next;
    }

  schedule_wake (self, wake, current);
}

static gboolean
pump_cb (gpointer user_data)
{
  CbDialer *self = user_data;

  self->pump_source = 0;
  if (store_is_busy (self))
    {
      self->pump_waiting = TRUE;
      return G_SOURCE_REMOVE;
    }

  self->pump_waiting = FALSE;
  self->last_pump_us = g_get_monotonic_time ();
  if (self->running)
    pump (self);

  return G_SOURCE_REMOVE;
}

/* Polling and reconciliation */

typedef struct
{
  CbDialer          *self;
  CbDialOpenAttempt *attempt;
  char              *provider_name;
} PollData;

static void
poll_data_free (PollData *data)
{
  g_hash_table_remove (data->self->polling, data->attempt->attempt_id);
  g_object_unref (data->self);
  cb_dial_open_attempt_free (data->attempt);
  g_free (data->provider_name);
  g_free (data);
}

static void
interrupt_attempt (CbDialer          *self,
                   CbDialOpenAttempt *attempt,
                   const char        *why)
{
  CbDialApplied applied = { 0 };
  g_autoptr(GError) error = NULL;

  if (!cb_store_dialer_fail_attempt (self->store, attempt->attempt_id, 0,
                                     CB_OUTCOME_ENGINE_INTERRUPTED, CB_RETRY_NEVER, why,
                                     now_ms (), &applied, &error))
    g_warning ("Could not close attempt %s: %s", attempt->attempt_id, error->message);
  else
    emit_changed (self, attempt->batch_id, attempt->recipient_id);
  cb_dial_applied_clear (&applied);
}

static void
get_call_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PollData *data = user_data;
  CbDialer *self = data->self;
  g_autoptr(CbCallEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  event = cb_provider_get_call_finish (CB_PROVIDER (object), result, &error);
  if (event == NULL)
    {
      if (g_error_matches (error, CB_PROVIDER_ERROR, CB_PROVIDER_ERROR_NOT_FOUND))
        interrupt_attempt (self, data->attempt,
                           _("The provider does not know this call any more"));
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Polling call %s: %s", data->attempt->provider_call_id, error->message);
      poll_data_free (data);
      return;
    }

  if (event->outcome != NULL
      && (event->kind == CB_CALL_EVENT_ENDED || event->kind == CB_CALL_EVENT_ANALYZED))
    {
      /* Through the same path as a webhook: the inbox key makes it count once. */
      if (event->attempt_id == NULL)
        event->attempt_id = g_strdup (data->attempt->attempt_id);
      event->kind = CB_CALL_EVENT_ENDED;
      if (!cb_webhook_receiver_apply (self->receiver, data->provider_name, NULL, event, NULL,
                                      &error))
        g_warning ("Could not apply polled call %s: %s", event->provider_call_id, error->message);
    }

  poll_data_free (data);
}

static void
poll_attempt (CbDialer          *self,
              CbDialOpenAttempt *attempt)
{
  CbDialerAccount *account;
  PollData *data;

  if (g_hash_table_contains (self->polling, attempt->attempt_id))
    {
      cb_dial_open_attempt_free (attempt);
      return;
    }

  account = attempt->account_id != NULL ? self->lookup (attempt->account_id, self->lookup_data) : NULL;
  if (account == NULL)
    {
      cb_dial_open_attempt_free (attempt);
      return;
    }

  g_hash_table_add (self->polling, g_strdup (attempt->attempt_id));
  data = g_new0 (PollData, 1);
  data->self = g_object_ref (self);
  data->attempt = attempt;
  data->provider_name = g_strdup (account->kind);
  cb_provider_get_call_async (account->provider, attempt->provider_call_id, self->cancellable,
                              get_call_cb, data);
}

typedef struct
{
  CbDialer          *self;
  CbDialOpenAttempt *attempt;
  gint64             retry_at_ms;  /* when a request found never placed may go again */
} LookupData;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LookupData *data = user_data;
  CbDialer *self = data->self;
  CbDialOpenAttempt *attempt = data->attempt;
  g_autofree char *batch_id = g_strdup (attempt->batch_id);
  g_autofree char *recipient_id = g_strdup (attempt->recipient_id);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  const char *call_id = NULL;
  gboolean refused = FALSE;
  guint n_records = 0;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
    root = cb_json_from_string (g_bytes_get_data (bytes, NULL) != NULL
                               ? (const char *) g_bytes_get_data (bytes, NULL) : "", NULL);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonArray *calls = cb_json_object_get_array (json_node_get_object (root), "calls");

      n_records = calls != NULL ? json_array_get_length (calls) : 0;
      for (guint i = 0; i < n_records; i++)
        {
          JsonNode *record = json_array_get_element (calls, i);
          const char *id = JSON_NODE_HOLDS_OBJECT (record)
                           ? cb_json_object_get_string (json_node_get_object (record), "call_id")
                           : NULL;

          if (id != NULL)
            call_id = id;
          else
            refused = TRUE;
        }

      if (call_id != NULL)
        {
          CbDialClaim claim = { 0 };

          claim.batch_id = attempt->batch_id;
          claim.recipient_id = attempt->recipient_id;
          claim.attempt_id = attempt->attempt_id;
          if (!cb_store_dialer_record_call (self->store, &claim, call_id, SOUP_STATUS_CREATED,
                                            now_ms (), &error))
            g_warning ("Could not record call %s: %s", call_id, error->message);
          attempt->provider_call_id = g_strdup (call_id);
          poll_attempt (self, g_steal_pointer (&data->attempt));
        }
      else
        {
          /* The simulator saw no create request for this attempt, or refused it: no call
           * was placed, the recipient may be dialled again with a new attempt. */
          CbDialClaim claim = { 0 };

          claim.batch_id = attempt->batch_id;
          claim.recipient_id = attempt->recipient_id;
          claim.attempt_id = attempt->attempt_id;
          if (!cb_store_dialer_release (self->store, &claim, 0, CB_OUTCOME_ENGINE_INTERRUPTED,
                                        refused ? _("The provider refused the request; no call was placed")
                                                : _("The request never reached the provider"),
                                        MAX (data->retry_at_ms, now_ms ()), now_ms (), &error))
            g_warning ("Could not release attempt %s: %s", attempt->attempt_id, error->message);
        }
    }
  else
    interrupt_attempt (self, attempt,
                       _("The engine stopped while placing this call and the provider could "
                         "not tell whether it was placed"));

  emit_changed (self, batch_id, recipient_id);
  cb_dialer_kick (self);

  g_object_unref (data->self);
  cb_dial_open_attempt_free (data->attempt);
  g_free (data);
}

/* Whether the request of @attempt reached the provider is unknown (the engine stopped
 * while it was on its way, or it timed out): asks the simulator, which can look a call up
 * by its metadata. A call found is followed; a request never received (or refused) is
 * released for @retry_at_ms; anything else fails as engine_interrupted, never redialled. */
static void
reconcile_unknown (CbDialer          *self,
                   CbDialOpenAttempt *attempt,
                   gint64             retry_at_ms)
{
  CbDialerAccount *account;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *auth = NULL;
  LookupData *data;

  account = attempt->account_id != NULL ? self->lookup (attempt->account_id, self->lookup_data) : NULL;
  if (account == NULL || g_strcmp0 (account->kind, "sim") != 0 || account->base_url == NULL)
    {
      interrupt_attempt (self, attempt,
                         _("The engine stopped while placing this call and the provider cannot "
                           "tell whether it was placed"));
      cb_dial_open_attempt_free (attempt);
      return;
    }

  escaped = g_uri_escape_string (attempt->attempt_id, NULL, FALSE);
  uri = g_strdup_printf ("%s/sim/calls?metadata.attempt_id=%s", account->base_url, escaped);
  msg = soup_message_new (SOUP_METHOD_GET, uri);
  if (msg == NULL)
    {
      interrupt_attempt (self, attempt, _("The simulator’s address is not valid"));
      cb_dial_open_attempt_free (attempt);
      return;
    }

  if (account->api_key != NULL)
    {
      auth = g_strdup_printf ("Bearer %s", account->api_key);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }

  session = soup_session_new_with_options ("timeout", 10, NULL);
  data = g_new0 (LookupData, 1);
  data->self = g_object_ref (self);
  data->attempt = attempt;
  data->retry_at_ms = retry_at_ms;
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    lookup_cb, data);
}

static gboolean
poll_tick_cb (gpointer user_data)
{
  CbDialer *self = user_data;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time () / 1000 - self->poll_timeout_ms;

  /* started_at is written with the engine clock; a fake clock makes everything due. */
  if (cb_clock_is_fake ())
    before = now_ms () - self->poll_timeout_ms;

  open = cb_store_dialer_list_open (self->store, MAX (before, 1), &error);
  if (open == NULL)
    {
      g_warning ("Could not list calls to poll: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  for (guint i = 0; i < open->len; i++)
    poll_attempt (self, g_steal_pointer (&g_ptr_array_index (open, i)));

  return G_SOURCE_CONTINUE;
}

static void
restart_poll_timer (CbDialer *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->running)
    self->poll_source = g_timeout_add (CLAMP (self->poll_timeout_ms / 4, 50, 30000),
                                       poll_tick_cb, self);
}

static void
receiver_applied_cb (CbWebhookReceiver *receiver,
                     CbDialApplied     *applied,
                     CbDialer          *self)
{
  emit_changed (self, applied->batch_id, applied->recipient_id);
  if (applied->finalized)
    cb_dialer_kick (self);
}

/* Between two groups of webhook events: what was put off while one was written goes now,
 * before the next group takes the store. Only what was put off: a pump still waiting for
 * its idle turn keeps waiting for it, behind a window's redraw. */
static void
receiver_written_cb (CbWebhookReceiver *receiver,
                     CbDialer          *self)
{
  if (self->placed_waiting)
    {
      self->placed_waiting = FALSE;
      record_placed (self);
    }

  if (self->pump_waiting)
    {
      g_clear_handle_id (&self->pump_source, g_source_remove);
      pump_cb (self);
    }
}

static void
clock_changed_cb (GDateTime *now,
                  gpointer   user_data)
{
  cb_dialer_kick (user_data);
}

/* The auto-pause window is the batch's attempts of the last two minutes, which the
 * database holds: a restart picks the count up where it was rather than granting a
 * failing provider ten fresh attempts each time. */
static void
load_marks (CbDialer *self)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gint64 current = now_ms ();
  int n_rows;

  model = cb_store_select (self->store, &error,
                           "SELECT a.batch_id, a.started_at,"
                           " CASE WHEN a.provider_call_id IS NOT NULL"
                           "  OR a.http_status BETWEEN 200 AND 299 THEN 0 ELSE 1 END"
                           " FROM attempts a JOIN batches b ON b.id = a.batch_id"
                           " WHERE b.status = 'running' AND a.started_at >= ##since::gint64"
                           " AND (a.provider_call_id IS NOT NULL"
                           "  OR a.http_status BETWEEN 200 AND 299 OR a.http_status >= 500"
                           "  OR a.http_status IN (401, 402, 403)"
                           "  OR (COALESCE (a.http_status, 0) = 0 AND a.outcome = 'network_error'))"
                           " ORDER BY a.started_at",
                           "since", current - AUTO_PAUSE_WINDOW_MS,
                           NULL);
  if (model == NULL)
    {
      g_warning ("Could not read the recent attempts: %s", error->message);
      return;
    }

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      BatchState *state = get_batch_state (self, cb_store_model_get_string (model, 0, i));

      mark_attempt_at (state, cb_store_model_get_int64 (model, 1, i, current),
                       cb_store_model_get_int64 (model, 2, i, 0) != 0);
    }
}

/* Calls whose webhook settled their attempt before the provider's answer to the create
 * was read, that answer then lost when the engine stopped: the call id came with the
 * webhook, but the call was never counted as sent. Nothing is in flight at start, so
 * each such attempt is recorded now. */
static void
record_lost_answers (CbDialer *self)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  int n_rows;

  model = cb_store_select (self->store, &error,
                           "SELECT id, recipient_id, batch_id, provider_call_id FROM attempts"
                           " WHERE http_status IS NULL AND provider_call_id IS NOT NULL"
                           " AND outcome IS NOT NULL",
                           NULL);
  if (model == NULL)
    {
      g_warning ("Could not read the calls never recorded: %s", error->message);
      return;
    }

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      CbDialClaim claim = { 0 };

      claim.attempt_id = (char *) cb_store_model_get_string (model, 0, i);
      claim.recipient_id = (char *) cb_store_model_get_string (model, 1, i);
      claim.batch_id = (char *) cb_store_model_get_string (model, 2, i);
      if (!cb_store_dialer_record_call (self->store, &claim, cb_store_model_get_string (model, 3, i),
                                        SOUP_STATUS_CREATED, now_ms (), &error))
        {
          g_warning ("Could not record call %s: %s", cb_store_model_get_string (model, 3, i),
                     error->message);
          return;
        }
      emit_changed (self, claim.batch_id, NULL);
    }
}

void
cb_dialer_start (CbDialer *self)
{
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CB_IS_DIALER (self));

  if (self->running)
    return;

  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_hash_table_remove_all (self->batches);
  load_marks (self);
  record_lost_answers (self);

  open = cb_store_dialer_list_open (self->store, 0, &error);
  if (open == NULL)
    g_warning ("Could not list the calls left open: %s", error->message);

  for (guint i = 0; open != NULL && i < open->len; i++)
    {
      CbDialOpenAttempt *attempt = g_steal_pointer (&g_ptr_array_index (open, i));

      if (attempt->provider_call_id != NULL)
        poll_attempt (self, attempt);
      else
        reconcile_unknown (self, attempt, now_ms ());
    }

  restart_poll_timer (self);
  cb_dialer_kick (self);
}

void
cb_dialer_stop (CbDialer *self)
{
  g_return_if_fail (CB_IS_DIALER (self));

  self->running = FALSE;
  /* Answers already read are written before anything else is let go. */
  record_placed (self);
  self->placed_waiting = FALSE;
  self->pump_waiting = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pump_source, g_source_remove);
  g_clear_handle_id (&self->wake_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
}

void
cb_dialer_set_account_limit (CbDialer *self,
                             guint     limit)
{
  g_return_if_fail (CB_IS_DIALER (self));

  self->account_limit = MAX (limit, 1);
  cb_dialer_kick (self);
}

void
cb_dialer_set_poll_timeout (CbDialer *self,
                            guint     timeout_ms)
{
  g_return_if_fail (CB_IS_DIALER (self));

  self->poll_timeout_ms = MAX (timeout_ms, 1);
  restart_poll_timer (self);
}

GDateTime *
cb_dialer_dup_next_window_at (CbDialer   *self,
                              const char *batch_id)
{
  BatchState *state;

  g_return_val_if_fail (CB_IS_DIALER (self), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  state = g_hash_table_lookup (self->batches, batch_id);
  if (state == NULL || state->next_window_ms <= 0)
    return NULL;

  return cb_store_datetime_from_ms (state->next_window_ms);
}

guint
cb_dialer_get_n_requests (CbDialer *self)
{
  g_return_val_if_fail (CB_IS_DIALER (self), 0);

  return self->n_requests;
}

static void
cb_dialer_dispose (GObject *object)
{
  CbDialer *self = CB_DIALER (object);

  cb_dialer_stop (self);
  if (self->clock_watch != 0)
    {
      cb_clock_remove_watch (self->clock_watch);
      self->clock_watch = 0;
    }
  if (self->receiver != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->receiver, receiver_applied_cb, self);
      g_signal_handlers_disconnect_by_func (self->receiver, receiver_written_cb, self);
    }
  g_clear_object (&self->receiver);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cb_dialer_parent_class)->dispose (object);
}

static void
cb_dialer_finalize (GObject *object)
{
  CbDialer *self = CB_DIALER (object);

  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_pointer (&self->accounts, g_hash_table_unref);
  g_clear_pointer (&self->polling, g_hash_table_unref);
  g_clear_pointer (&self->placed, g_array_unref);

  G_OBJECT_CLASS (cb_dialer_parent_class)->finalize (object);
}

static void
cb_dialer_class_init (CbDialerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_dialer_dispose;
  object_class->finalize = cb_dialer_finalize;

  signals[BATCH_CHANGED] = g_signal_new ("batch-changed",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RECIPIENT_CHANGED] = g_signal_new ("recipient-changed",
                                             G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cb_dialer_init (CbDialer *self)
{
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) batch_state_free);
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->polling = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->placed = g_array_new (FALSE, FALSE, sizeof (CbDialPlaced));
  g_array_set_clear_func (self->placed, (GDestroyNotify) dial_placed_clear);
  self->account_limit = CB_DIALER_DEFAULT_ACCOUNT_LIMIT;
  self->poll_timeout_ms = CB_DIALER_DEFAULT_POLL_TIMEOUT_MS;
}

CbDialer *
cb_dialer_new (CbStore               *store,
               CbWebhookReceiver     *receiver,
               CbDialerAccountLookup  lookup,
               gpointer               user_data)
{
  CbDialer *self;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (CB_IS_WEBHOOK_RECEIVER (receiver), NULL);
  g_return_val_if_fail (lookup != NULL, NULL);

  self = g_object_new (CB_TYPE_DIALER, NULL);
  self->store = g_object_ref (store);
  self->receiver = g_object_ref (receiver);
  self->lookup = lookup;
  self->lookup_data = user_data;
  g_signal_connect (receiver, "applied", G_CALLBACK (receiver_applied_cb), self);
  g_signal_connect (receiver, "written", G_CALLBACK (receiver_written_cb), self);
  self->clock_watch = cb_clock_add_watch (clock_changed_cb, self, NULL);

  return self;
}
