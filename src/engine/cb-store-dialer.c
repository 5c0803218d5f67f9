/* cb-store-dialer.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-dialer"

#include "config.h"

#include "cb-store-dialer.h"

#include <glib/gi18n-lib.h>

/*
 * Times are read from table columns (ORDER BY … LIMIT 1), never from aggregates: libgda
 * types an expression's column from the first answer a cached statement gave (NULL, or a
 * small integer), and later answers that do not fit that type come back as NULL.
 *
 * Every change that moves a recipient between statuses also moves the batch's counters,
 * in the same transaction, so the counters always add up to the rows.
 *
 * Retries: a recipient's `attempts` counts the attempts of the current round; an attempt
 * that ends with a retryable outcome sends the recipient back to `pending` while
 * attempts ≤ max_retries (the recipient's own, else the batch's).
 */


void
cb_dial_batch_info_free (CbDialBatchInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->batch_id);
  g_free (info->agent_id);
  g_free (info->provider_agent_id);
  g_free (info->account_id);
  g_free (info->from_number);
  g_free (info->timezone);
  g_free (info->call_window);
  g_free (info);
}

void
cb_dial_claim_free (CbDialClaim *claim)
{
  if (claim == NULL)
    return;

  g_free (claim->batch_id);
  g_free (claim->recipient_id);
  g_free (claim->attempt_id);
  g_free (claim->phone);
  g_free (claim->dynamic_vars);
  g_free (claim);
}

void
cb_dial_applied_clear (CbDialApplied *applied)
{
  if (applied == NULL)
    return;

  g_clear_pointer (&applied->batch_id, g_free);
  g_clear_pointer (&applied->recipient_id, g_free);
  g_clear_pointer (&applied->attempt_id, g_free);
  applied->duplicate = FALSE;
  applied->finalized = FALSE;
  applied->batch_completed = FALSE;
}

void
cb_dial_open_attempt_free (CbDialOpenAttempt *attempt)
{
  if (attempt == NULL)
    return;

  g_free (attempt->attempt_id);
  g_free (attempt->recipient_id);
  g_free (attempt->batch_id);
  g_free (attempt->provider_call_id);
  g_free (attempt->account_id);
  g_free (attempt);
}

static const char *
rstatus (CbRecipientStatus status)
{
  return cb_recipient_status_to_string (status);
}

/* Adds @delta (indexed by CbRecipientStatus) to the batch's counters, and @picked_up
 * and @sent. */
static gboolean
bump_counter_deltas (CbStore    *store,
                     const char *batch_id,
                     const int  *delta,
                     int         picked_up,
                     int         sent,
                     gint64      now_ms,
                     GError    **error)
{
  return cb_store_exec (store, error,
                        "UPDATE batches SET pending = pending + ##p::gint,"
                        " dialing = dialing + ##d::gint, completed = completed + ##c::gint,"
                        " failed = failed + ##f::gint, cancelled = cancelled + ##x::gint,"
                        " picked_up = picked_up + ##u::gint, sent = sent + ##s::gint,"
                        " updated_at = ##now::gint64 WHERE id = ##id::string",
                        "p", delta[CB_RECIPIENT_STATUS_PENDING],
                        "d", delta[CB_RECIPIENT_STATUS_DIALING],
                        "c", delta[CB_RECIPIENT_STATUS_COMPLETED],
                        "f", delta[CB_RECIPIENT_STATUS_FAILED],
                        "x", delta[CB_RECIPIENT_STATUS_CANCELLED],
                        "u", picked_up,
                        "s", sent,
                        "now", now_ms,
                        "id", batch_id,
                        NULL) >= 0;
}

/* Moves @n recipients of @batch_id from @from to @to in the counters (either may be -1
 * for none), and adds @picked_up and @sent. */
static gboolean
bump_counters (CbStore      *store,
               const char   *batch_id,
               int           from,
               int           to,
               int           n,
               int           picked_up,
               int           sent,
               gint64        now_ms,
               GError      **error)
{
  int delta[CB_RECIPIENT_STATUS_CANCELLED + 1] = { 0 };

  if (from >= 0)
    delta[from] -= n;
  if (to >= 0)
    delta[to] += n;

  return bump_counter_deltas (store, batch_id, delta, picked_up, sent, now_ms, error);
}

static gboolean
complete_if_done_locked (CbStore     *store,
                         const char  *batch_id,
                         gint64       now_ms,
                         gboolean    *completed,
                         GError     **error)
{
  int n;

  n = cb_store_exec (store, error,
                     "UPDATE batches SET status = 'completed', finished_at = ##now::gint64,"
                     " updated_at = ##now::gint64"
                     " WHERE id = ##id::string AND status = 'running'"
                     " AND pending = 0 AND dialing = 0",
                     "now", now_ms,
                     "id", batch_id,
                     NULL);
  if (n < 0)
    return FALSE;

  if (completed != NULL)
    *completed = n > 0;

  return TRUE;
}

gboolean
cb_store_dialer_complete_if_done (CbStore     *store,
                                  const char  *batch_id,
                                  gint64       now_ms,
                                  gboolean    *completed,
                                  GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  return complete_if_done_locked (store, batch_id, now_ms, completed, error);
}

CbDialBatchInfo *
cb_store_dialer_get_batch_info (CbStore     *store,
                                const char  *batch_id,
                                GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(CbDialBatchInfo) info = NULL;
  const char *status;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  model = cb_store_select (store, error,
                           "SELECT b.status, b.agent_id, g.provider_agent_id,"
                           " g.provider_account_id, COALESCE (p.number, q.number),"
                           " b.timezone, b.call_window, b.concurrency, b.max_retries,"
                           " b.retry_delay_s, b.scheduled_at"
                           " FROM batches b"
                           " LEFT JOIN agents g ON g.id = b.agent_id"
                           " LEFT JOIN phone_numbers p ON p.id = b.phone_number_id"
                           " LEFT JOIN phone_numbers q ON q.id = g.default_phone_number_id"
                           " WHERE b.id = ##id::string",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    return NULL;

  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("There is no batch “%s”"), batch_id);
      return NULL;
    }

  info = g_new0 (CbDialBatchInfo, 1);
  info->batch_id = g_strdup (batch_id);
  status = cb_store_model_get_string (model, 0, 0);
  if (!cb_batch_status_from_string (status, &info->status))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   _("Batch “%s” has an unknown status “%s”"), batch_id, status);
      return NULL;
    }
  info->agent_id = g_strdup (cb_store_model_get_string (model, 1, 0));
  info->provider_agent_id = g_strdup (cb_store_model_get_string (model, 2, 0));
  info->account_id = g_strdup (cb_store_model_get_string (model, 3, 0));
  info->from_number = g_strdup (cb_store_model_get_string (model, 4, 0));
  info->timezone = g_strdup (cb_store_model_get_string (model, 5, 0));
  info->call_window = g_strdup (cb_store_model_get_string (model, 6, 0));
  info->concurrency = (guint) MAX (1, cb_store_model_get_int64 (model, 7, 0, 1));
  info->max_retries = (guint) MAX (0, cb_store_model_get_int64 (model, 8, 0, 0));
  info->retry_delay_s = (guint) MAX (0, cb_store_model_get_int64 (model, 9, 0, 0));
  info->scheduled_at_ms = cb_store_model_get_int64 (model, 10, 0, 0);

  return g_steal_pointer (&info);
}

GStrv
cb_store_dialer_list_batches (CbStore        *store,
                              CbBatchStatus   status,
                              gint64          due_before_ms,
                              GError        **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  if (due_before_ms > 0)
    model = cb_store_select (store, error,
                             "SELECT id FROM batches WHERE status = ##status::string"
                             " AND scheduled_at <= ##due::gint64"
                             " ORDER BY scheduled_at, created_at, id",
                             "status", cb_batch_status_to_string (status),
                             "due", due_before_ms,
                             NULL);
  else
    model = cb_store_select (store, error,
                             "SELECT id FROM batches WHERE status = ##status::string"
                             " ORDER BY created_at, id",
                             "status", cb_batch_status_to_string (status),
                             NULL);
  if (model == NULL)
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    g_strv_builder_add (builder, cb_store_model_get_string (model, 0, i));

  return g_strv_builder_end (builder);
}

gint64
cb_store_dialer_next_scheduled (CbStore  *store,
                                GError  **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  g_return_val_if_fail (CB_IS_STORE (store), -1);

  model = cb_store_select (store, error,
                           "SELECT scheduled_at FROM batches"
                           " WHERE status = 'scheduled' AND scheduled_at IS NOT NULL"
                           " ORDER BY scheduled_at LIMIT 1",
                           NULL);
  if (model == NULL)
    return -1;

  return cb_store_model_get_int64 (model, 0, 0, 0);
}

gint64
cb_store_dialer_next_due (CbStore     *store,
                          const char  *batch_id,
                          gint64       now_ms,
                          GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  gint64 next;

  g_return_val_if_fail (CB_IS_STORE (store), -1);

  model = cb_store_select (store, error,
                           "SELECT next_attempt_at FROM recipients"
                           " WHERE batch_id = ##id::string AND status = 'pending'"
                           " ORDER BY next_attempt_at LIMIT 1",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    return -1;

  if (gda_data_model_get_n_rows (model) < 1)
    return 0;

  next = cb_store_model_get_int64 (model, 0, 0, 0);

  return MAX (next, now_ms);
}

/* Marks the recipient of @claim `dialing` and writes its attempt row. */
static gboolean
claim_one_locked (CbStore            *store,
                  const CbDialClaim  *claim,
                  gint64              now_ms,
                  GError            **error)
{
  int n;

  n = cb_store_exec (store, error,
                     "UPDATE recipients SET status = 'dialing', attempts = attempts + 1,"
                     " next_attempt_at = NULL, error = NULL, updated_at = ##now::gint64"
                     " WHERE id = ##id::string AND status = 'pending'",
                     "now", now_ms,
                     "id", claim->recipient_id,
                     NULL);
  if (n < 0)
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                   _("Recipient “%s” is no longer pending"), claim->recipient_id);
      return FALSE;
    }

  return cb_store_exec (store, error,
                        "INSERT INTO attempts (id, recipient_id, batch_id, number, started_at)"
                        " VALUES (##id::string, ##rcp::string, ##batch::string, ##n::gint,"
                        " ##now::gint64)",
                        "id", claim->attempt_id,
                        "rcp", claim->recipient_id,
                        "batch", claim->batch_id,
                        "n", (int) claim->attempt_number,
                        "now", now_ms,
                        NULL) >= 0;
}

/* claim_one_locked() for every claim of @claims, with one statement per table: a JSON
 * array [[attempt id, recipient id, number], …] expanded by json_each(). */
static gboolean
claim_all_json_locked (CbStore    *store,
                       const char *batch_id,
                       GPtrArray  *claims,
                       gint64      now_ms,
                       GError    **error)
{
  g_autoptr(GString) rows = g_string_new ("[");
  int n;

  for (guint i = 0; i < claims->len; i++)
    {
      CbDialClaim *claim = g_ptr_array_index (claims, i);

      g_string_append (rows, i > 0 ? ",[" : "[");
      cb_store_append_json_string (rows, claim->attempt_id, -1);
      g_string_append_c (rows, ',');
      cb_store_append_json_string (rows, claim->recipient_id, -1);
      g_string_append_printf (rows, ",%u]", claim->attempt_number);
    }
  g_string_append_c (rows, ']');

  n = cb_store_exec (store, error,
                     "UPDATE recipients SET status = 'dialing', attempts = attempts + 1,"
                     " next_attempt_at = NULL, error = NULL, updated_at = ##now::gint64"
                     " FROM json_each (##rows::string) AS j"
                     " WHERE recipients.id = json_extract (j.value, '$[1]')"
                     " AND recipients.status = 'pending'",
                     "now", now_ms,
                     "rows", rows->str,
                     NULL);
  if (n < 0)
    return FALSE;
  if ((guint) n != claims->len)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                   _("%u of the %u recipients claimed in batch “%s” are no longer pending"),
                   claims->len - (guint) n, claims->len, batch_id);
      return FALSE;
    }

  return cb_store_exec (store, error,
                        "INSERT INTO attempts (id, recipient_id, batch_id, number, started_at)"
                        " SELECT json_extract (value, '$[0]'), json_extract (value, '$[1]'),"
                        " ##batch::string, json_extract (value, '$[2]'), ##now::gint64"
                        " FROM json_each (##rows::string)",
                        "batch", batch_id,
                        "now", now_ms,
                        "rows", rows->str,
                        NULL) >= 0;
}

GPtrArray *
cb_store_dialer_claim (CbStore           *store,
                       const char        *batch_id,
                       guint              max,
                       gint64             now_ms,
                       CbDialWindowFunc   window_func,
                       gpointer           window_data,
                       guint             *n_suppressed,
                       gint64            *next_due_ms,
                       GError           **error)
{
  g_autoptr(GPtrArray) claims = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_dial_claim_free);
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GdaDataModel) next_model = NULL;
  guint suppressed = 0;
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);
  g_return_val_if_fail (batch_id != NULL, NULL);

  if (n_suppressed != NULL)
    *n_suppressed = 0;
  if (next_due_ms != NULL)
    *next_due_ms = 0;

  /* The attempts are written before their calls are placed: a claim lost to a power
   * failure would dial its recipients again, so it is synced to disk like a webhook. */
  if (!cb_store_begin_durable (store, error))
    return NULL;

  /* As few rows as the claim needs (a few spare for suppressed numbers), but more when
   * windows may hold some back. One statement per limit, each prepared once. */
  if (window_func == NULL && max <= 4)
    model = cb_store_select (store, error,
                             "SELECT r.id, r.phone, r.dynamic_vars, s.number,"
                             " (SELECT COALESCE (MAX (a.number), 0) + 1 FROM attempts a"
                             "  WHERE a.recipient_id = r.id)"
                             " FROM recipients r LEFT JOIN suppressions s ON s.number = r.phone"
                             " WHERE r.batch_id = ##id::string AND r.status = 'pending'"
                             " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ##now::gint64)"
                             " ORDER BY r.row_number LIMIT 8",
                             "id", batch_id,
                             "now", now_ms,
                             NULL);
  else if (window_func == NULL && max <= 32)
    model = cb_store_select (store, error,
                             "SELECT r.id, r.phone, r.dynamic_vars, s.number,"
                             " (SELECT COALESCE (MAX (a.number), 0) + 1 FROM attempts a"
                             "  WHERE a.recipient_id = r.id)"
                             " FROM recipients r LEFT JOIN suppressions s ON s.number = r.phone"
                             " WHERE r.batch_id = ##id::string AND r.status = 'pending'"
                             " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ##now::gint64)"
                             " ORDER BY r.row_number LIMIT 48",
                             "id", batch_id,
                             "now", now_ms,
                             NULL);
  else
    model = cb_store_select (store, error,
                             "SELECT r.id, r.phone, r.dynamic_vars, s.number,"
                             " (SELECT COALESCE (MAX (a.number), 0) + 1 FROM attempts a"
                             "  WHERE a.recipient_id = r.id)"
                             " FROM recipients r LEFT JOIN suppressions s ON s.number = r.phone"
                             " WHERE r.batch_id = ##id::string AND r.status = 'pending'"
                             " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ##now::gint64)"
                             " ORDER BY r.row_number LIMIT 256",
                             "id", batch_id,
                             "now", now_ms,
                             NULL);
  if (model == NULL)
    goto failed;

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows && claims->len < max; i++)
    {
      const char *recipient_id = cb_store_model_get_string (model, 0, i);
      const char *phone = cb_store_model_get_string (model, 1, i);
      CbDialClaim *claim;
      gint64 opens_at;

      if (cb_store_model_get_string (model, 3, i) != NULL)
        {
          if (cb_store_exec (store, error,
                             "UPDATE recipients SET status = 'failed', outcome = 'suppressed',"
                             " error = ##error::string, next_attempt_at = NULL,"
                             " updated_at = ##now::gint64"
                             " WHERE id = ##id::string AND status = 'pending'",
                             "error", _("The number is on the do-not-call list"),
                             "now", now_ms,
                             "id", recipient_id,
                             NULL) < 0)
            goto failed;
          suppressed++;
          continue;
        }

      opens_at = window_func != NULL ? window_func (phone, window_data) : 0;
      if (opens_at != 0)
        {
          /* Closed: wait for the window (a year ahead when it never opens, so the row
           * stays visible as waiting rather than being dialled). */
          if (opens_at < 0)
            opens_at = now_ms + (gint64) 366 * 24 * 3600 * 1000;
          if (cb_store_exec (store, error,
                             "UPDATE recipients SET next_attempt_at = ##at::gint64,"
                             " updated_at = ##now::gint64 WHERE id = ##id::string",
                             "at", opens_at,
                             "now", now_ms,
                             "id", recipient_id,
                             NULL) < 0)
            goto failed;
          continue;
        }

      claim = g_new0 (CbDialClaim, 1);
      claim->batch_id = g_strdup (batch_id);
      claim->recipient_id = g_strdup (recipient_id);
      claim->attempt_id = cb_store_new_id ("att");
      claim->attempt_number = (guint) cb_store_model_get_int64 (model, 4, i, 1);
      claim->phone = g_strdup (phone);
      claim->dynamic_vars = g_strdup (cb_store_model_get_string (model, 2, i));
      g_ptr_array_add (claims, claim);
    }

  /* Each recipient `dialing` with its attempt row. */
  if (claims->len > 0 && cb_store_get_bulk_json (store))
    {
      if (!claim_all_json_locked (store, batch_id, claims, now_ms, error))
        goto failed;
    }
  else
    {
      for (guint i = 0; i < claims->len; i++)
        {
          if (!claim_one_locked (store, g_ptr_array_index (claims, i), now_ms, error))
            goto failed;
        }
    }

  if (claims->len > 0
      && !bump_counters (store, batch_id, CB_RECIPIENT_STATUS_PENDING,
                         CB_RECIPIENT_STATUS_DIALING, claims->len, 0, 0, now_ms, error))
    goto failed;

  if (suppressed > 0
      && !bump_counters (store, batch_id, CB_RECIPIENT_STATUS_PENDING,
                         CB_RECIPIENT_STATUS_FAILED, suppressed, 0, 0, now_ms, error))
    goto failed;

  if (next_due_ms != NULL)
    {
      next_model = cb_store_select (store, error,
                                    "SELECT next_attempt_at FROM recipients"
                                    " WHERE batch_id = ##id::string AND status = 'pending'"
                                    " AND next_attempt_at > ##now::gint64"
                                    " ORDER BY next_attempt_at LIMIT 1",
                                    "id", batch_id,
                                    "now", now_ms,
                                    NULL);
      if (next_model == NULL)
        goto failed;
      *next_due_ms = cb_store_model_get_int64 (next_model, 0, 0, 0);
    }

  if (!complete_if_done_locked (store, batch_id, now_ms, NULL, error))
    goto failed;

  if (!cb_store_commit (store, error))
    goto failed;

  if (n_suppressed != NULL)
    *n_suppressed = suppressed;

  return g_steal_pointer (&claims);

failed:
  cb_store_rollback (store);
  return NULL;
}

gboolean
cb_store_dialer_record_call (CbStore            *store,
                             const CbDialClaim  *claim,
                             const char         *provider_call_id,
                             guint               http_status,
                             gint64              now_ms,
                             GError            **error)
{
  CbDialPlaced placed = { (CbDialClaim *) claim, (char *) provider_call_id };

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (claim != NULL, FALSE);
  g_return_val_if_fail (provider_call_id != NULL, FALSE);

  return cb_store_dialer_record_calls (store, &placed, 1, http_status, now_ms, error);
}

/* Adds one to the calls placed in @batch_id, counted in @sent (batch id → count). */
static void
count_sent (GHashTable *sent,
            char       *batch_id)
{
  g_hash_table_insert (sent, batch_id,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sent, batch_id)) + 1));
}

gboolean
cb_store_dialer_record_calls (CbStore             *store,
                              const CbDialPlaced  *placed,
                              guint                n_placed,
                              guint                http_status,
                              gint64               now_ms,
                              GError             **error)
{
  g_autoptr(GHashTable) sent = NULL;
  g_autoptr(GString) rows = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (placed != NULL || n_placed == 0, FALSE);

  for (guint i = 0; i < n_placed; i++)
    g_return_val_if_fail (placed[i].claim != NULL && placed[i].provider_call_id != NULL, FALSE);

  if (n_placed == 0)
    return TRUE;

  /* Calls placed per batch, counted with one statement each. */
  sent = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_placed; i++)
    count_sent (sent, placed[i].claim->batch_id);

  if (cb_store_get_bulk_json (store))
    {
      /* One statement per table: [[attempt id, recipient id, call id], …]. */
      rows = g_string_new ("[");
      for (guint i = 0; i < n_placed; i++)
        {
          g_string_append (rows, i > 0 ? ",[" : "[");
          cb_store_append_json_string (rows, placed[i].claim->attempt_id, -1);
          g_string_append_c (rows, ',');
          cb_store_append_json_string (rows, placed[i].claim->recipient_id, -1);
          g_string_append_c (rows, ',');
          cb_store_append_json_string (rows, placed[i].provider_call_id, -1);
          g_string_append_c (rows, ']');
        }
      g_string_append_c (rows, ']');
    }

  if (!cb_store_begin (store, error))
    return FALSE;

  if (rows != NULL)
    {
      if (cb_store_exec (store, error,
                         "UPDATE attempts SET provider_call_id = json_extract (j.value, '$[2]'),"
                         " http_status = ##status::gint"
                         " FROM json_each (##rows::string) AS j"
                         " WHERE attempts.id = json_extract (j.value, '$[0]')",
                         "status", (int) http_status,
                         "rows", rows->str,
                         NULL) < 0)
        goto failed;

      /* As below, one recipient at a time. */
      if (cb_store_exec (store, error,
                         "UPDATE recipients SET provider_call_id = json_extract (j.value, '$[2]'),"
                         " updated_at = ##now::gint64"
                         " FROM json_each (##rows::string) AS j"
                         " WHERE recipients.id = json_extract (j.value, '$[1]')"
                         " AND (recipients.provider_call_id IS NULL"
                         " OR recipients.status = 'dialing')",
                         "now", now_ms,
                         "rows", rows->str,
                         NULL) < 0)
        goto failed;
    }

  for (guint i = 0; rows == NULL && i < n_placed; i++)
    {
      const CbDialClaim *claim = placed[i].claim;

      if (cb_store_exec (store, error,
                         "UPDATE attempts SET provider_call_id = ##call::string,"
                         " http_status = ##status::gint WHERE id = ##id::string",
                         "call", placed[i].provider_call_id,
                         "status", (int) http_status,
                         "id", claim->attempt_id,
                         NULL) < 0)
        goto failed;

      /* A fast call may have ended (and been applied) before this answer was read: the
       * recipient then already carries the id. */
      if (cb_store_exec (store, error,
                         "UPDATE recipients SET provider_call_id = ##call::string,"
                         " updated_at = ##now::gint64"
                         " WHERE id = ##id::string AND (provider_call_id IS NULL"
                         " OR status = 'dialing')",
                         "call", placed[i].provider_call_id,
                         "now", now_ms,
                         "id", claim->recipient_id,
                         NULL) < 0)
        goto failed;
    }

  g_hash_table_iter_init (&iter, sent);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!bump_counters (store, key, -1, -1, 0, 0, (int) GPOINTER_TO_UINT (value), now_ms, error))
        goto failed;
    }

  return cb_store_commit (store, error);

failed:
  cb_store_rollback (store);
  return FALSE;
}

gboolean
cb_store_dialer_release (CbStore            *store,
                         const CbDialClaim  *claim,
                         guint               http_status,
                         const char         *outcome,
                         const char         *error_text,
                         gint64              next_attempt_ms,
                         gint64              now_ms,
                         GError            **error)
{
  int n;

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (claim != NULL, FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  if (!cb_store_begin (store, error))
    return FALSE;

  if (cb_store_exec (store, error,
                     "UPDATE attempts SET http_status = ##status::gint, outcome = ##outcome::string,"
                     " error = ##error::string::null, ended_at = ##now::gint64"
                     " WHERE id = ##id::string AND outcome IS NULL",
                     "status", (int) http_status,
                     "outcome", outcome,
                     "error", error_text,
                     "now", now_ms,
                     "id", claim->attempt_id,
                     NULL) < 0)
    goto failed;

  n = cb_store_exec (store, error,
                     "UPDATE recipients SET status = 'pending', attempts = attempts - 1,"
                     " next_attempt_at = ##next::gint64, error = ##error::string::null,"
                     " updated_at = ##now::gint64"
                     " WHERE id = ##id::string AND status = 'dialing'",
                     "next", next_attempt_ms,
                     "error", error_text,
                     "now", now_ms,
                     "id", claim->recipient_id,
                     NULL);
  if (n < 0)
    goto failed;

  if (n > 0 && !bump_counters (store, claim->batch_id, CB_RECIPIENT_STATUS_DIALING,
                               CB_RECIPIENT_STATUS_PENDING, 1, 0, 0, now_ms, error))
    goto failed;

  return cb_store_commit (store, error);

failed:
  cb_store_rollback (store);
  return FALSE;
}

/* What settles an attempt. */
typedef struct
{
  const char   *provider_call_id;
  const char   *outcome;
  CbRetryClass  retry_class;
  gboolean      connected;
  const char   *disconnection_reason;
  guint         http_status;
  const char   *error_text;
  gint64        start_ms;
  gint64        end_ms;
  gint64        duration_ms;
  const char   *transcript;
  const char   *analysis;
  gboolean      final;
} Settle;

static gboolean
settle_attempt_locked (CbStore        *store,
                       const char     *attempt_id,
                       const Settle   *settle,
                       gint64          now_ms,
                       CbDialApplied  *applied,
                       GError        **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  const char *recipient_id;
  const char *batch_id;
  const char *status_text;
  CbRecipientStatus status;
  CbRecipientStatus to;
  gint64 attempts;
  gint64 max_retries;
  gint64 retry_delay_s;
  gint64 next_attempt_at = 0;
  gboolean already_settled;

  model = cb_store_select (store, error,
                           "SELECT a.recipient_id, a.batch_id, a.outcome, r.status, r.attempts,"
                           " r.max_retries, b.max_retries, b.retry_delay_s, r.provider_call_id"
                           " FROM attempts a JOIN recipients r ON r.id = a.recipient_id"
                           " JOIN batches b ON b.id = a.batch_id WHERE a.id = ##id::string",
                           "id", attempt_id,
                           NULL);
  if (model == NULL)
    return FALSE;
  if (gda_data_model_get_n_rows (model) < 1)
    return TRUE;

  recipient_id = cb_store_model_get_string (model, 0, 0);
  batch_id = cb_store_model_get_string (model, 1, 0);
  already_settled = cb_store_model_get_string (model, 2, 0) != NULL;
  status_text = cb_store_model_get_string (model, 3, 0);
  attempts = cb_store_model_get_int64 (model, 4, 0, 0);
  max_retries = cb_store_model_get_int64 (model, 5, 0, -1);
  if (max_retries < 0)
    max_retries = cb_store_model_get_int64 (model, 6, 0, 0);
  retry_delay_s = cb_store_model_get_int64 (model, 7, 0, 0);

  if (applied != NULL)
    {
      g_free (applied->batch_id);
      applied->batch_id = g_strdup (batch_id);
      g_free (applied->recipient_id);
      applied->recipient_id = g_strdup (recipient_id);
      g_free (applied->attempt_id);
      applied->attempt_id = g_strdup (attempt_id);
    }

  if (!cb_recipient_status_from_string (status_text, &status))
    status = CB_RECIPIENT_STATUS_FAILED;
  if (applied != NULL)
    applied->recipient_status = status;

  if (!settle->final)
    {
      /* call_started, or a poll of a call still going on. */
      if (settle->start_ms > 0
          && cb_store_exec (store, error,
                            "UPDATE recipients SET started_at = COALESCE (started_at, ##s::gint64),"
                            " updated_at = ##now::gint64"
                            " WHERE id = ##id::string AND status = 'dialing'",
                            "s", settle->start_ms,
                            "now", now_ms,
                            "id", recipient_id,
                            NULL) < 0)
        return FALSE;
      return TRUE;
    }

  if (already_settled)
    {
      /* The other final event (call_ended after call_analyzed, or the reverse): keep
       * what it adds, on the recipient only while it still shows this call. */
      if (cb_store_exec (store, error,
                         "UPDATE recipients SET transcript = COALESCE (NULLIF (##t::string::null, ''), transcript),"
                         " analysis = COALESCE (NULLIF (##a::string::null, ''), analysis),"
                         " duration_ms = CASE WHEN ##d::gint64 > 0 THEN ##d::gint64 ELSE duration_ms END,"
                         " updated_at = ##now::gint64"
                         " WHERE id = ##id::string AND provider_call_id = ##call::string",
                         "t", settle->transcript,
                         "a", settle->analysis,
                         "d", settle->duration_ms,
                         "now", now_ms,
                         "id", recipient_id,
                         "call", settle->provider_call_id != NULL ? settle->provider_call_id : "",
                         NULL) < 0)
        return FALSE;
      return TRUE;
    }

  if (cb_store_exec (store, error,
                     "UPDATE attempts SET outcome = ##outcome::string,"
                     " disconnection_reason = ##reason::string::null,"
                     " error = ##error::string::null, ended_at = ##now::gint64,"
                     " http_status = CASE WHEN ##status::gint > 0 THEN ##status::gint ELSE http_status END,"
                     " provider_call_id = COALESCE (provider_call_id, ##call::string::null)"
                     " WHERE id = ##id::string",
                     "outcome", settle->outcome,
                     "reason", settle->disconnection_reason,
                     "error", settle->error_text,
                     "now", now_ms,
                     "status", settle->http_status > 0 ? (int) settle->http_status : 0,
                     "call", settle->provider_call_id,
                     "id", attempt_id,
                     NULL) < 0)
    return FALSE;

  if (applied != NULL)
    applied->finalized = TRUE;

  if (status != CB_RECIPIENT_STATUS_DIALING)
    return TRUE;

  if (settle->retry_class != CB_RETRY_NEVER && attempts <= max_retries)
    {
      gint64 delay_s = retry_delay_s;

      to = CB_RECIPIENT_STATUS_PENDING;
      if (settle->retry_class == CB_RETRY_BACKOFF)
        delay_s = MIN (retry_delay_s, (gint64) 5 << MIN (attempts, 10));
      next_attempt_at = now_ms + delay_s * 1000;
    }
  else if (settle->connected)
    to = CB_RECIPIENT_STATUS_COMPLETED;
  else
    to = CB_RECIPIENT_STATUS_FAILED;

  if (cb_store_exec (store, error,
                     "UPDATE recipients SET status = ##status::string, outcome = ##outcome::string,"
                     " disconnection_reason = ##reason::string::null,"
                     " duration_ms = ##d::gint64, transcript = ##t::string::null,"
                     " analysis = ##a::string::null, error = ##error::string::null,"
                     " started_at = CASE WHEN ##s::gint64 > 0 THEN ##s::gint64 ELSE started_at END,"
                     " ended_at = ##e::gint64,"
                     " next_attempt_at = CASE WHEN ##next::gint64 > 0 THEN ##next::gint64 ELSE NULL END,"
                     " provider_call_id = COALESCE (##call::string::null, provider_call_id),"
                     " updated_at = ##now::gint64"
                     " WHERE id = ##id::string",
                     "status", rstatus (to),
                     "outcome", settle->outcome,
                     "reason", settle->disconnection_reason,
                     "d", settle->duration_ms,
                     "t", settle->transcript,
                     "a", settle->analysis,
                     "error", settle->error_text,
                     "s", settle->start_ms,
                     "e", settle->end_ms > 0 ? settle->end_ms : now_ms,
                     "next", next_attempt_at,
                     "call", settle->provider_call_id,
                     "now", now_ms,
                     "id", recipient_id,
                     NULL) < 0)
    return FALSE;

  if (!bump_counters (store, batch_id, CB_RECIPIENT_STATUS_DIALING, to, 1,
                      to == CB_RECIPIENT_STATUS_COMPLETED ? 1 : 0, 0, now_ms, error))
    return FALSE;

  if (applied != NULL)
    applied->recipient_status = to;

  return complete_if_done_locked (store, batch_id, now_ms,
                                  applied != NULL ? &applied->batch_completed : NULL, error);
}

gboolean
cb_store_dialer_fail_attempt (CbStore         *store,
                              const char      *attempt_id,
                              guint            http_status,
                              const char      *outcome,
                              CbRetryClass     retry_class,
                              const char      *error_text,
                              gint64           now_ms,
                              CbDialApplied   *applied,
                              GError         **error)
{
  Settle settle = { 0 };

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (attempt_id != NULL, FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  settle.outcome = outcome;
  settle.retry_class = retry_class;
  settle.http_status = http_status;
  settle.error_text = error_text;
  settle.final = TRUE;

  if (!cb_store_begin (store, error))
    return FALSE;

  if (!settle_attempt_locked (store, attempt_id, &settle, now_ms, applied, error))
    {
      cb_store_rollback (store);
      return FALSE;
    }

  return cb_store_commit (store, error);
}

char *
cb_store_dialer_event_key (const CbCallEvent *event)
{
  const char *kind;

  g_return_val_if_fail (event != NULL, NULL);

  /* A polled ended call stands for the webhook that did not come: same key. */
  switch (event->kind)
    {
    case CB_CALL_EVENT_ANALYZED:
      kind = "call_analyzed";
      break;
    case CB_CALL_EVENT_ENDED:
      kind = "call_ended";
      break;
    case CB_CALL_EVENT_STARTED:
      kind = "call_started";
      break;
    case CB_CALL_EVENT_REGISTERED:
    default:
      return NULL;
    }

  return g_strdup_printf ("%s:%s", kind, event->provider_call_id);
}

/* Settles @attempt_id with what @event says. */
static gboolean
settle_event_locked (CbStore            *store,
                     const char         *attempt_id,
                     const CbCallEvent  *event,
                     gint64              now_ms,
                     CbDialApplied      *applied,
                     GError            **error)
{
  Settle settle = { 0 };

  settle.provider_call_id = event->provider_call_id;
  settle.outcome = event->outcome;
  settle.retry_class = event->retry_class;
  settle.connected = event->outcome != NULL
                     && cb_outcome_lookup (event->disconnection_reason,
                                           event->start_ms > 0)->connected;
  settle.disconnection_reason = event->disconnection_reason;
  settle.start_ms = event->start_ms;
  settle.end_ms = event->end_ms;
  settle.duration_ms = event->duration_ms;
  settle.transcript = event->transcript;
  settle.analysis = event->analysis_json;
  settle.final = event->outcome != NULL
                 && (event->kind == CB_CALL_EVENT_ENDED
                     || event->kind == CB_CALL_EVENT_ANALYZED);

  return settle_attempt_locked (store, attempt_id, &settle, now_ms, applied, error);
}

gboolean
cb_store_dialer_apply_event_locked (CbStore            *store,
                                    const char         *provider,
                                    const char         *event_key,
                                    GBytes             *body,
                                    const CbCallEvent  *event,
                                    gint64              now_ms,
                                    CbDialApplied      *applied,
                                    GError            **error)
{
  g_autoptr(GdaDataModel) seen = NULL;
  g_autoptr(GdaDataModel) found = NULL;
  g_autofree char *inbox_id = NULL;
  g_autofree char *body_text = NULL;
  const char *attempt_id = NULL;
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (event->provider_call_id != NULL, FALSE);

  if (applied != NULL)
    cb_dial_applied_clear (applied);

  if (event_key != NULL)
    {
      seen = cb_store_select (store, error,
                              "SELECT id FROM webhook_inbox WHERE event_key = ##key::string",
                              "key", event_key,
                              NULL);
      if (seen == NULL)
        goto failed;
      if (gda_data_model_get_n_rows (seen) > 0)
        {
          if (applied != NULL)
            applied->duplicate = TRUE;
          return TRUE;
        }
    }

  if (event->attempt_id != NULL)
    found = cb_store_select (store, error,
                             "SELECT id FROM attempts WHERE id = ##id::string"
                             " AND (provider_call_id IS NULL OR provider_call_id = ##call::string)",
                             "id", event->attempt_id,
                             "call", event->provider_call_id,
                             NULL);
  else
    found = cb_store_select (store, error,
                             "SELECT id FROM attempts WHERE provider_call_id = ##call::string",
                             "call", event->provider_call_id,
                             NULL);
  if (found == NULL)
    goto failed;
  if (gda_data_model_get_n_rows (found) > 0)
    attempt_id = cb_store_model_get_string (found, 0, 0);

  if (event_key != NULL)
    {
      gsize len = 0;
      const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

      inbox_id = cb_store_new_id ("evt");
      body_text = data != NULL && g_utf8_validate (data, len, NULL) ? g_strndup (data, len)
                                                                     : g_strdup ("{}");
      if (cb_store_exec (store, error,
                         "INSERT INTO webhook_inbox (id, provider, event_key, received_at, body,"
                         " applied_at) VALUES (##id::string, ##provider::string, ##key::string,"
                         " ##now::gint64, ##body::string, NULLIF (##applied::gint64, 0))",
                         "id", inbox_id,
                         "provider", provider,
                         "key", event_key,
                         "now", now_ms,
                         "body", body_text,
                         "applied", attempt_id != NULL ? now_ms : (gint64) 0,
                         NULL) < 0)
        goto failed;
    }

  if (attempt_id != NULL)
    {
      if (!settle_event_locked (store, attempt_id, event, now_ms, applied, error))
        goto failed;
    }
  else
    g_debug ("Event %s names no attempt of this database; kept unapplied", event_key);

  return TRUE;

failed:
  return FALSE;
}

gboolean
cb_store_dialer_apply_event (CbStore            *store,
                             const char         *provider,
                             const char         *event_key,
                             GBytes             *body,
                             const CbCallEvent  *event,
                             gint64              now_ms,
                             CbDialApplied      *applied,
                             GError            **error)
{
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);

  if (!cb_store_begin (store, error))
    return FALSE;

  if (!cb_store_dialer_apply_event_locked (store, provider, event_key, body, event, now_ms,
                                           applied, error))
    {
      cb_store_rollback (store);
      return FALSE;
    }

  return cb_store_commit (store, error);
}

/* Events in groups
 *
 * On SQLite, a group of events costs a fixed number of statements: one reads which keys
 * the inbox holds, one reads every attempt named (with its recipient and batch), the
 * outcome is worked out here in the events' order, and the changes are written with one
 * UPDATE per table from a JSON array (json_each), the counters once per batch, and the
 * inbox rows with one INSERT. Binding one parameter per row through libgda costs more
 * than SQLite's JSON parser.
 *
 * The rows are written in this order: the start times of calls still dialing, the settled
 * attempts and recipients, then what later final events add to a settled call. That is
 * the events' own order, because a start only counts while its recipient is dialing, which
 * ends with its settling, and an addition only counts for a call already settled. A second
 * addition to one recipient writes what came before it first. */

static void
json_append_int (GString *out,
                 gint64   value,
                 gboolean null_if_zero)
{
  if (null_if_zero && value <= 0)
    g_string_append_len (out, "null", 4);
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

/* Starts the next element of a JSON array being built in @out. */
static void
json_next (GString *out)
{
  g_string_append_c (out, out->len == 0 ? '[' : ',');
}

/* Appends one row, [v, …], to the JSON array being built in @rows: for each letter of
 * @types, a string ('s', NULL for null) or a gint64 ('i'; 'p': null unless positive). */
static void
json_append_row (GString    *rows,
                 const char *types,
                 ...)
{
  va_list args;

  json_next (rows);
  g_string_append_c (rows, '[');
  va_start (args, types);
  for (const char *t = types; *t != '\0'; t++)
    {
      if (t != types)
        g_string_append_c (rows, ',');
      if (*t == 's')
        cb_store_append_json_string (rows, va_arg (args, const char *), -1);
      else
        json_append_int (rows, va_arg (args, gint64), *t == 'p');
    }
  va_end (args);
  g_string_append_c (rows, ']');
}

typedef struct
{
  char     *attempt_id;
  char     *recipient_id;
  char     *batch_id;
  char     *provider_call_id;
  gboolean  settled;
  gint64    attempts;
  gint64    max_retries;
  gint64    retry_delay_s;
} GroupAttempt;

static void
group_attempt_free (GroupAttempt *attempt)
{
  g_free (attempt->attempt_id);
  g_free (attempt->recipient_id);
  g_free (attempt->batch_id);
  g_free (attempt->provider_call_id);
  g_free (attempt);
}

typedef struct
{
  int   delta[CB_RECIPIENT_STATUS_CANCELLED + 1];
  int   picked_up;
  guint last_event;   /* the last event that moved one of its recipients */
} GroupBatch;

typedef struct
{
  CbStore    *store;
  gint64      now_ms;
  GHashTable *by_id;        /* attempt id → GroupAttempt */
  GHashTable *by_call;      /* provider call id → GroupAttempt (borrowed) */
  GHashTable *rstatus;      /* recipient id → CbRecipientStatus + 1 */
  GHashTable *batches;      /* batch id → GroupBatch */
  GString    *started_rows;   /* [recipient id, start ms] */
  GHashTable *started;        /* recipient ids in started_rows */
  GString    *attempt_rows;
  GString    *recipient_rows;
  GString    *added_rows;     /* [recipient id, call id, transcript, analysis, duration ms] */
  GHashTable *added;          /* recipient ids in added_rows */
  GString    *inbox_rows;
  guint       n_inbox_rows;
} Group;

#define GROUP_SELECT \
  "SELECT a.id, a.recipient_id, a.batch_id, a.outcome, a.provider_call_id, r.status," \
  " r.attempts, r.max_retries, b.max_retries, b.retry_delay_s" \
  " FROM attempts a JOIN recipients r ON r.id = a.recipient_id" \
  " JOIN batches b ON b.id = a.batch_id"

static gboolean
group_load_attempts (Group       *group,
                     const char  *sql,
                     const char  *list,
                     GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  int n_rows;

  model = cb_store_select (group->store, error, sql, "list", list, NULL);
  if (model == NULL)
    return FALSE;

  n_rows = gda_data_model_get_n_rows (model);
  for (int row = 0; row < n_rows; row++)
    {
      const char *id = cb_store_model_get_string (model, 0, row);
      const char *status_text = cb_store_model_get_string (model, 5, row);
      GroupAttempt *attempt;
      CbRecipientStatus status;

      if (id == NULL || g_hash_table_contains (group->by_id, id))
        continue;

      attempt = g_new0 (GroupAttempt, 1);
      attempt->attempt_id = g_strdup (id);
      attempt->recipient_id = g_strdup (cb_store_model_get_string (model, 1, row));
      attempt->batch_id = g_strdup (cb_store_model_get_string (model, 2, row));
      attempt->settled = cb_store_model_get_string (model, 3, row) != NULL;
      attempt->provider_call_id = g_strdup (cb_store_model_get_string (model, 4, row));
      attempt->attempts = cb_store_model_get_int64 (model, 6, row, 0);
      attempt->max_retries = cb_store_model_get_int64 (model, 7, row, -1);
      if (attempt->max_retries < 0)
        attempt->max_retries = cb_store_model_get_int64 (model, 8, row, 0);
      attempt->retry_delay_s = cb_store_model_get_int64 (model, 9, row, 0);
      g_hash_table_insert (group->by_id, attempt->attempt_id, attempt);
      if (attempt->provider_call_id != NULL
          && !g_hash_table_contains (group->by_call, attempt->provider_call_id))
        g_hash_table_insert (group->by_call, attempt->provider_call_id, attempt);

      if (!cb_recipient_status_from_string (status_text, &status))
        status = CB_RECIPIENT_STATUS_FAILED;
      if (!g_hash_table_contains (group->rstatus, attempt->recipient_id))
        g_hash_table_insert (group->rstatus, g_strdup (attempt->recipient_id),
                             GINT_TO_POINTER (status + 1));
    }

  return TRUE;
}

/* Runs @sql (with ##now and ##rows) over @rows, a JSON array being built, and empties it;
 * @keys, when given, lists what @rows holds. Nothing to do when @rows is empty. */
static gboolean
group_write_array (Group       *group,
                   GString     *rows,
                   GHashTable  *keys,
                   const char  *sql,
                   GError     **error)
{
  if (rows->len == 0)
    return TRUE;

  g_string_append_c (rows, ']');
  if (cb_store_exec (group->store, error, sql,
                     "now", group->now_ms,
                     "rows", rows->str,
                     NULL) < 0)
    return FALSE;

  g_string_truncate (rows, 0);
  if (keys != NULL)
    g_hash_table_remove_all (keys);

  return TRUE;
}

/* Writes the rows worked out so far. */
static gboolean
group_write_rows (Group   *group,
                  GError **error)
{
  /* Start times, while still dialing. */
  static const char started_sql[] =
    "UPDATE recipients SET started_at = COALESCE (recipients.started_at,"
    " json_extract (j.value, '$[1]')), updated_at = ##now::gint64"
    " FROM json_each (##rows::string) AS j"
    " WHERE recipients.id = json_extract (j.value, '$[0]')"
    " AND recipients.status = 'dialing'";
  /* Settled attempts. */
  static const char attempts_sql[] =
    "UPDATE attempts SET outcome = json_extract (j.value, '$[1]'),"
    " disconnection_reason = json_extract (j.value, '$[2]'), error = NULL,"
    " ended_at = ##now::gint64, provider_call_id = COALESCE"
    " (attempts.provider_call_id, json_extract (j.value, '$[3]'))"
    " FROM json_each (##rows::string) AS j"
    " WHERE attempts.id = json_extract (j.value, '$[0]')";
  /* Settled recipients. */
  static const char recipients_sql[] =
    "UPDATE recipients SET status = json_extract (j.value, '$[1]'),"
    " outcome = json_extract (j.value, '$[2]'),"
    " disconnection_reason = json_extract (j.value, '$[3]'),"
    " duration_ms = json_extract (j.value, '$[4]'),"
    " transcript = json_extract (j.value, '$[5]'),"
    " analysis = json_extract (j.value, '$[6]'), error = NULL,"
    " started_at = COALESCE (json_extract (j.value, '$[7]'),"
    " recipients.started_at),"
    " ended_at = json_extract (j.value, '$[8]'),"
    " next_attempt_at = json_extract (j.value, '$[9]'),"
    " provider_call_id = COALESCE (json_extract (j.value, '$[10]'),"
    " recipients.provider_call_id),"
    " updated_at = ##now::gint64"
    " FROM json_each (##rows::string) AS j"
    " WHERE recipients.id = json_extract (j.value, '$[0]')";
  /* What later final events add, while the recipient shows that call. */
  static const char added_sql[] =
    "UPDATE recipients SET"
    " transcript = COALESCE (NULLIF (json_extract (j.value, '$[2]'), ''),"
    " recipients.transcript),"
    " analysis = COALESCE (NULLIF (json_extract (j.value, '$[3]'), ''),"
    " recipients.analysis),"
    " duration_ms = CASE WHEN json_extract (j.value, '$[4]') > 0"
    " THEN json_extract (j.value, '$[4]') ELSE recipients.duration_ms END,"
    " updated_at = ##now::gint64"
    " FROM json_each (##rows::string) AS j"
    " WHERE recipients.id = json_extract (j.value, '$[0]')"
    " AND recipients.provider_call_id = json_extract (j.value, '$[1]')";

  return group_write_array (group, group->started_rows, group->started, started_sql, error)
         && group_write_array (group, group->attempt_rows, NULL, attempts_sql, error)
         && group_write_array (group, group->recipient_rows, NULL, recipients_sql, error)
         && group_write_array (group, group->added_rows, group->added, added_sql, error);
}

/* A call_started (or an end without an outcome) for @attempt: what settle_attempt_locked()
 * does for an event that is not final, kept for group_write_rows(). */
static void
group_start (Group             *group,
             GroupAttempt      *attempt,
             const CbCallEvent *event)
{
  gpointer status_ptr = g_hash_table_lookup (group->rstatus, attempt->recipient_id);

  /* The first start counts, as with COALESCE one event at a time. */
  if (event->start_ms <= 0
      || GPOINTER_TO_INT (status_ptr) - 1 != CB_RECIPIENT_STATUS_DIALING
      || !g_hash_table_add (group->started, attempt->recipient_id))
    return;

  json_append_row (group->started_rows, "si", attempt->recipient_id, event->start_ms);
}

/* Before a row that must follow what a later final event added to @recipient_id in this
 * group: writes the rows worked out so far, if there is such an addition. */
static gboolean
group_write_after_added (Group       *group,
                         const char  *recipient_id,
                         GError     **error)
{
  return !g_hash_table_contains (group->added, recipient_id) || group_write_rows (group, error);
}

/* A final event for @attempt, already settled: what it adds to the recipient while the
 * recipient still shows this call, kept for group_write_rows(). */
static gboolean
group_add (Group             *group,
           GroupAttempt      *attempt,
           const CbCallEvent *event,
           GError           **error)
{
  /* One addition per recipient in each write. */
  if (!group_write_after_added (group, attempt->recipient_id, error))
    return FALSE;
  g_hash_table_add (group->added, attempt->recipient_id);

  json_append_row (group->added_rows, "ssssi", attempt->recipient_id,
                   event->provider_call_id != NULL ? event->provider_call_id : "",
                   event->transcript, event->analysis_json, event->duration_ms);

  return TRUE;
}

/* An ENDED or ANALYZED event that settles @attempt: what settle_attempt_locked() does,
 * kept for group_write_rows(). */
static void
group_settle (Group             *group,
              guint              index,
              GroupAttempt      *attempt,
              const CbCallEvent *event,
              CbDialApplied     *applied)
{
  gpointer status_ptr = g_hash_table_lookup (group->rstatus, attempt->recipient_id);
  CbRecipientStatus status = GPOINTER_TO_INT (status_ptr) - 1;
  CbRecipientStatus to;
  gint64 next_attempt_at = 0;
  gboolean connected;
  GroupBatch *batch;

  json_append_row (group->attempt_rows, "ssss", attempt->attempt_id, event->outcome,
                   event->disconnection_reason, event->provider_call_id);

  attempt->settled = TRUE;
  if (attempt->provider_call_id == NULL)
    {
      attempt->provider_call_id = g_strdup (event->provider_call_id);
      if (!g_hash_table_contains (group->by_call, attempt->provider_call_id))
        g_hash_table_insert (group->by_call, attempt->provider_call_id, attempt);
    }
  applied->finalized = TRUE;

  if (status != CB_RECIPIENT_STATUS_DIALING)
    return;

  connected = cb_outcome_lookup (event->disconnection_reason, event->start_ms > 0)->connected;
  if (event->retry_class != CB_RETRY_NEVER && attempt->attempts <= attempt->max_retries)
    {
      gint64 delay_s = attempt->retry_delay_s;

      to = CB_RECIPIENT_STATUS_PENDING;
      if (event->retry_class == CB_RETRY_BACKOFF)
        delay_s = MIN (attempt->retry_delay_s, (gint64) 5 << MIN (attempt->attempts, 10));
      next_attempt_at = group->now_ms + delay_s * 1000;
    }
  else if (connected)
    to = CB_RECIPIENT_STATUS_COMPLETED;
  else
    to = CB_RECIPIENT_STATUS_FAILED;

  json_append_row (group->recipient_rows, "ssssisspips", attempt->recipient_id, rstatus (to),
                   event->outcome, event->disconnection_reason, event->duration_ms,
                   event->transcript, event->analysis_json, event->start_ms,
                   event->end_ms > 0 ? event->end_ms : group->now_ms, next_attempt_at,
                   event->provider_call_id);

  g_hash_table_insert (group->rstatus, g_strdup (attempt->recipient_id),
                       GINT_TO_POINTER (to + 1));

  batch = g_hash_table_lookup (group->batches, attempt->batch_id);
  if (batch == NULL)
    {
      batch = g_new0 (GroupBatch, 1);
      g_hash_table_insert (group->batches, g_strdup (attempt->batch_id), batch);
    }
  batch->delta[CB_RECIPIENT_STATUS_DIALING]--;
  batch->delta[to]++;
  if (to == CB_RECIPIENT_STATUS_COMPLETED)
    batch->picked_up++;
  batch->last_event = index;

  applied->recipient_status = to;
}

static void
group_add_inbox_row (Group              *group,
                     const CbDialEvent  *in,
                     gboolean            applied)
{
  GString *rows = group->inbox_rows;
  g_autofree char *id = cb_store_new_id ("evt");
  gsize len = 0;
  const char *data = in->body != NULL ? g_bytes_get_data (in->body, &len) : NULL;

  json_next (rows);
  g_string_append_c (rows, '[');
  cb_store_append_json_string (rows, id, -1);
  g_string_append_c (rows, ',');
  cb_store_append_json_string (rows, in->provider, -1);
  g_string_append_c (rows, ',');
  cb_store_append_json_string (rows, in->event_key, -1);
  g_string_append_c (rows, ',');
  if (data != NULL && g_utf8_validate_len (data, len, NULL))
    cb_store_append_json_string (rows, data, len);
  else
    cb_store_append_json_string (rows, "{}", 2);
  g_string_append_printf (rows, ",%d]", applied ? 1 : 0);
  group->n_inbox_rows++;
}

static gboolean
apply_events_json (CbStore           *store,
                   const CbDialEvent *events,
                   guint              n_events,
                   gint64             now_ms,
                   CbDialApplied     *applied,
                   GError           **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) calls = g_string_new (NULL);
  Group group = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = FALSE;

  group.store = store;
  group.now_ms = now_ms;
  group.by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) group_attempt_free);
  group.by_call = g_hash_table_new (g_str_hash, g_str_equal);
  group.rstatus = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  group.batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  group.started_rows = g_string_new (NULL);
  group.started = g_hash_table_new (g_str_hash, g_str_equal);
  group.attempt_rows = g_string_new (NULL);
  group.recipient_rows = g_string_new (NULL);
  group.added_rows = g_string_new (NULL);
  group.added = g_hash_table_new (g_str_hash, g_str_equal);
  group.inbox_rows = g_string_new (NULL);

  /* What the inbox holds already, and every attempt named. */
  for (guint i = 0; i < n_events; i++)
    {
      const CbCallEvent *event = events[i].event;

      if (events[i].event_key != NULL)
        {
          json_next (keys);
          cb_store_append_json_string (keys, events[i].event_key, -1);
        }
      json_next (event->attempt_id != NULL ? ids : calls);
      cb_store_append_json_string (event->attempt_id != NULL ? ids : calls,
                          event->attempt_id != NULL ? event->attempt_id
                                                    : event->provider_call_id, -1);
    }

  if (keys->len > 0)
    {
      g_autoptr(GdaDataModel) model = NULL;
      int n_rows;

      g_string_append_c (keys, ']');
      model = cb_store_select (store, error,
                               "SELECT event_key FROM webhook_inbox WHERE event_key IN"
                               " (SELECT value FROM json_each (##list::string))",
                               "list", keys->str,
                               NULL);
      if (model == NULL)
        goto out;
      n_rows = gda_data_model_get_n_rows (model);
      for (int row = 0; row < n_rows; row++)
        {
          const char *event_key = cb_store_model_get_string (model, 0, row);

          /* Point at the caller's copy, which outlives the model. */
          for (guint i = 0; event_key != NULL && i < n_events; i++)
            if (events[i].event_key != NULL && g_str_equal (events[i].event_key, event_key))
              {
                g_hash_table_add (seen, (gpointer) events[i].event_key);
                break;
              }
        }
    }

  if (ids->len > 0)
    {
      g_string_append_c (ids, ']');
      if (!group_load_attempts (&group, GROUP_SELECT " WHERE a.id IN"
                                " (SELECT value FROM json_each (##list::string))",
                                ids->str, error))
        goto out;
    }
  if (calls->len > 0)
    {
      g_string_append_c (calls, ']');
      if (!group_load_attempts (&group, GROUP_SELECT " WHERE a.provider_call_id IN"
                                " (SELECT value FROM json_each (##list::string))",
                                calls->str, error))
        goto out;
    }

  for (guint i = 0; i < n_events; i++)
    {
      const CbDialEvent *in = &events[i];
      const CbCallEvent *event = in->event;
      GroupAttempt *attempt;
      gboolean final;

      cb_dial_applied_clear (&applied[i]);

      if (in->event_key != NULL)
        {
          if (g_hash_table_contains (seen, in->event_key))
            {
              applied[i].duplicate = TRUE;
              continue;
            }
          g_hash_table_add (seen, (gpointer) in->event_key);
        }

      if (event->attempt_id != NULL)
        {
          attempt = g_hash_table_lookup (group.by_id, event->attempt_id);
          if (attempt != NULL && attempt->provider_call_id != NULL
              && !g_str_equal (attempt->provider_call_id, event->provider_call_id))
            attempt = NULL;
        }
      else
        attempt = g_hash_table_lookup (group.by_call, event->provider_call_id);

      if (in->event_key != NULL)
        group_add_inbox_row (&group, in, attempt != NULL);

      if (attempt == NULL)
        {
          g_debug ("Event %s names no attempt of this database; kept unapplied", in->event_key);
          continue;
        }

      applied[i].batch_id = g_strdup (attempt->batch_id);
      applied[i].recipient_id = g_strdup (attempt->recipient_id);
      applied[i].attempt_id = g_strdup (attempt->attempt_id);
      applied[i].recipient_status =
        GPOINTER_TO_INT (g_hash_table_lookup (group.rstatus, attempt->recipient_id)) - 1;

      final = event->outcome != NULL
              && (event->kind == CB_CALL_EVENT_ENDED || event->kind == CB_CALL_EVENT_ANALYZED);
      if (!final)
        group_start (&group, attempt, event);
      else if (attempt->settled)
        {
          if (!group_add (&group, attempt, event, error))
            goto out;
        }
      else
        {
          /* After what an earlier call of this recipient added to it. */
          if (!group_write_after_added (&group, attempt->recipient_id, error))
            goto out;
          group_settle (&group, i, attempt, event, &applied[i]);
        }
    }

  if (!group_write_rows (&group, error))
    goto out;

  g_hash_table_iter_init (&iter, group.batches);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GroupBatch *batch = value;

      if (!bump_counter_deltas (store, key, batch->delta, batch->picked_up, 0, now_ms, error)
          || !complete_if_done_locked (store, key, now_ms,
                                       &applied[batch->last_event].batch_completed, error))
        goto out;
    }

  if (group.n_inbox_rows > 0)
    {
      g_string_append_c (group.inbox_rows, ']');
      if (cb_store_exec (store, error,
                         "INSERT INTO webhook_inbox (id, provider, event_key, received_at, body,"
                         " applied_at) SELECT json_extract (value, '$[0]'),"
                         " json_extract (value, '$[1]'), json_extract (value, '$[2]'),"
                         " ##now::gint64, json_extract (value, '$[3]'),"
                         " CASE WHEN json_extract (value, '$[4]') = 1 THEN ##now::gint64 END"
                         " FROM json_each (##rows::string)",
                         "now", now_ms,
                         "rows", group.inbox_rows->str,
                         NULL) != (int) group.n_inbox_rows)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                         _("The database could not do it: %s"),
                         _("not every event was stored"));
          goto out;
        }
    }

  ok = TRUE;

out:
  g_hash_table_unref (group.by_call);
  g_hash_table_unref (group.by_id);
  g_hash_table_unref (group.rstatus);
  g_hash_table_unref (group.batches);
  g_string_free (group.started_rows, TRUE);
  g_hash_table_unref (group.started);
  g_string_free (group.attempt_rows, TRUE);
  g_string_free (group.recipient_rows, TRUE);
  g_string_free (group.added_rows, TRUE);
  g_hash_table_unref (group.added);
  g_string_free (group.inbox_rows, TRUE);

  return ok;
}

gboolean
cb_store_dialer_apply_events_locked (CbStore           *store,
                                     const CbDialEvent *events,
                                     guint              n_events,
                                     gint64             now_ms,
                                     CbDialApplied     *applied,
                                     GError           **error)
{
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (events != NULL || n_events == 0, FALSE);
  g_return_val_if_fail (applied != NULL || n_events == 0, FALSE);

  for (guint i = 0; i < n_events; i++)
    {
      g_return_val_if_fail (events[i].provider != NULL, FALSE);
      g_return_val_if_fail (events[i].event != NULL, FALSE);
      g_return_val_if_fail (events[i].event->provider_call_id != NULL, FALSE);
    }

  if (n_events == 0)
    return TRUE;

  if (cb_store_get_bulk_json (store))
    return apply_events_json (store, events, n_events, now_ms, applied, error);

  for (guint i = 0; i < n_events; i++)
    if (!cb_store_dialer_apply_event_locked (store, events[i].provider, events[i].event_key,
                                             events[i].body, events[i].event, now_ms,
                                             &applied[i], error))
      return FALSE;

  return TRUE;
}

GPtrArray *
cb_store_dialer_list_open (CbStore  *store,
                           gint64    started_before_ms,
                           GError  **error)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_dial_open_attempt_free);
  g_autoptr(GdaDataModel) model = NULL;
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (store), NULL);

  model = cb_store_select (store, error,
                           "SELECT a.id, a.recipient_id, a.batch_id, a.provider_call_id,"
                           " g.provider_account_id, a.started_at"
                           " FROM attempts a JOIN recipients r ON r.id = a.recipient_id"
                           " JOIN batches b ON b.id = a.batch_id"
                           " LEFT JOIN agents g ON g.id = b.agent_id"
                           " WHERE a.outcome IS NULL AND r.status = 'dialing'"
                           " AND (##before::gint64 = 0 OR (a.started_at < ##before::gint64"
                           " AND a.provider_call_id IS NOT NULL))"
                           " ORDER BY a.started_at",
                           "before", started_before_ms,
                           NULL);
  if (model == NULL)
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      CbDialOpenAttempt *attempt = g_new0 (CbDialOpenAttempt, 1);

      attempt->attempt_id = g_strdup (cb_store_model_get_string (model, 0, i));
      attempt->recipient_id = g_strdup (cb_store_model_get_string (model, 1, i));
      attempt->batch_id = g_strdup (cb_store_model_get_string (model, 2, i));
      attempt->provider_call_id = g_strdup (cb_store_model_get_string (model, 3, i));
      attempt->account_id = g_strdup (cb_store_model_get_string (model, 4, i));
      attempt->started_at_ms = cb_store_model_get_int64 (model, 5, i, 0);
      g_ptr_array_add (open, attempt);
    }

  return g_steal_pointer (&open);
}

static gboolean
get_status_locked (CbStore        *store,
                   const char     *batch_id,
                   CbBatchStatus  *status,
                   GError        **error)
{
  g_autoptr(GdaDataModel) model = NULL;

  model = cb_store_select (store, error,
                           "SELECT status FROM batches WHERE id = ##id::string",
                           "id", batch_id,
                           NULL);
  if (model == NULL)
    return FALSE;

  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("There is no batch “%s”"), batch_id);
      return FALSE;
    }

  if (!cb_batch_status_from_string (cb_store_model_get_string (model, 0, 0), status))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_QUERY,
                   _("Batch “%s” has an unknown status"), batch_id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_transition (CbBatchStatus   from,
                  CbBatchStatus   to,
                  GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (cb_batch_check_transition (from, to, &local_error))
    return TRUE;

  g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT, local_error->message);
  return FALSE;
}

static gboolean
set_status_locked (CbStore        *store,
                   const char     *batch_id,
                   CbBatchStatus   to,
                   const char     *reason,
                   gint64          now_ms,
                   GError        **error)
{
  CbBatchStatus from;

  if (!get_status_locked (store, batch_id, &from, error))
    return FALSE;

  if (from == to)
    return TRUE;

  if (!check_transition (from, to, error))
    return FALSE;

  return cb_store_exec (store, error,
                        "UPDATE batches SET status = ##status::string,"
                        " pause_reason = CASE WHEN ##status::string = 'paused'"
                        "   THEN ##reason::string::null ELSE NULL END,"
                        " error = CASE WHEN ##status::string = 'failed'"
                        "   THEN ##reason::string::null ELSE error END,"
                        " started_at = CASE WHEN ##status::string = 'running'"
                        "   THEN COALESCE (started_at, ##now::gint64) ELSE started_at END,"
                        " finished_at = CASE WHEN ##status::string IN ('completed', 'cancelled', 'failed')"
                        "   THEN ##now::gint64 WHEN ##status::string = 'pending' THEN NULL"
                        "   ELSE finished_at END,"
                        " updated_at = ##now::gint64 WHERE id = ##id::string",
                        "status", cb_batch_status_to_string (to),
                        "reason", reason,
                        "now", now_ms,
                        "id", batch_id,
                        NULL) >= 0;
}

gboolean
cb_store_dialer_set_status (CbStore        *store,
                            const char     *batch_id,
                            CbBatchStatus   to,
                            const char     *reason,
                            gint64          now_ms,
                            GError        **error)
{
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!cb_store_begin (store, error))
    return FALSE;

  if (!set_status_locked (store, batch_id, to, reason, now_ms, error))
    {
      cb_store_rollback (store);
      return FALSE;
    }

  return cb_store_commit (store, error);
}

gboolean
cb_store_dialer_set_scheduled (CbStore     *store,
                               const char  *batch_id,
                               gint64       scheduled_at_ms,
                               gint64       now_ms,
                               GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!cb_store_begin (store, error))
    return FALSE;

  if (!set_status_locked (store, batch_id, CB_BATCH_STATUS_SCHEDULED, NULL, now_ms, error)
      || cb_store_exec (store, error,
                        "UPDATE batches SET scheduled_at = ##at::gint64 WHERE id = ##id::string",
                        "at", scheduled_at_ms,
                        "id", batch_id,
                        NULL) < 0)
    {
      cb_store_rollback (store);
      return FALSE;
    }

  return cb_store_commit (store, error);
}

gboolean
cb_store_dialer_cancel (CbStore     *store,
                        const char  *batch_id,
                        gint64       now_ms,
                        GError     **error)
{
  int n;

  g_return_val_if_fail (CB_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_id != NULL, FALSE);

  if (!cb_store_begin (store, error))
    return FALSE;

  if (!set_status_locked (store, batch_id, CB_BATCH_STATUS_CANCELLED, NULL, now_ms, error))
    goto failed;

  n = cb_store_exec (store, error,
                     "UPDATE recipients SET status = 'cancelled', next_attempt_at = NULL,"
                     " updated_at = ##now::gint64"
                     " WHERE batch_id = ##id::string AND status = 'pending'",
                     "now", now_ms,
                     "id", batch_id,
                     NULL);
  if (n < 0)
    goto failed;

  if (n > 0 && !bump_counters (store, batch_id, CB_RECIPIENT_STATUS_PENDING,
                               CB_RECIPIENT_STATUS_CANCELLED, n, 0, 0, now_ms, error))
    goto failed;

  return cb_store_commit (store, error);

failed:
  cb_store_rollback (store);
  return FALSE;
}

int
cb_store_dialer_retry_failed (CbStore     *store,
                              const char  *batch_id,
                              gint64       now_ms,
                              GError     **error)
{
  CbBatchStatus status;
  int n;

  g_return_val_if_fail (CB_IS_STORE (store), -1);
  g_return_val_if_fail (batch_id != NULL, -1);

  if (!cb_store_begin (store, error))
    return -1;

  if (!get_status_locked (store, batch_id, &status, error))
    goto failed;

  if (status != CB_BATCH_STATUS_RUNNING && status != CB_BATCH_STATUS_PAUSED
      && !check_transition (status, CB_BATCH_STATUS_PENDING, error))
    goto failed;

  n = cb_store_exec (store, error,
                     "UPDATE recipients SET status = 'pending', attempts = 0,"
                     " next_attempt_at = NULL, updated_at = ##now::gint64"
                     " WHERE batch_id = ##id::string AND status = 'failed'",
                     "now", now_ms,
                     "id", batch_id,
                     NULL);
  if (n < 0)
    goto failed;

  if (n > 0 && !bump_counters (store, batch_id, CB_RECIPIENT_STATUS_FAILED,
                               CB_RECIPIENT_STATUS_PENDING, n, 0, 0, now_ms, error))
    goto failed;

  if (n > 0 && status != CB_BATCH_STATUS_RUNNING && status != CB_BATCH_STATUS_PAUSED
      && !set_status_locked (store, batch_id, CB_BATCH_STATUS_PENDING, NULL, now_ms, error))
    goto failed;

  if (!cb_store_commit (store, error))
    return -1;

  return n;

failed:
  cb_store_rollback (store);
  return -1;
}
