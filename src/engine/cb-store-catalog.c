/* cb-store-catalog.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-store"

#include "config.h"

#include "cb-store-catalog.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cb-phone.h"
#include "cb-store-private.h"

#define UNFINISHED_STATUSES "('draft', 'pending', 'scheduled', 'running', 'paused')"

static char *
clean_text (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);

  return copy;
}

static gboolean
check_name (const char  *name,
            char       **out,
            GError     **error)
{
  if (name == NULL || !g_utf8_validate (name, -1, NULL) || (*out = clean_text (name)) == NULL)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID, _("The name is empty."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
row_exists (CbStore     *self,
            const char  *table,
            const char  *id,
            GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE id = ##id::string", table);

  if (!(model = cb_store_select (self, error, sql, "id", id, NULL)))
    return FALSE;

  return gda_data_model_get_n_rows (model) > 0;
}

static gboolean
check_account (CbStore     *self,
               const char  *account_id,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (account_id == NULL || !row_exists (self, "provider_accounts", account_id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                     _("Unknown provider account “%s”"), account_id ? account_id : "");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_phone_number_id (CbStore     *self,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (id == NULL)
    return TRUE;

  if (!row_exists (self, "phone_numbers", id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                     _("Unknown caller ID “%s”"), id);
      return FALSE;
    }

  return TRUE;
}

static char *
dup_default_region (CbStore *self)
{
  g_autofree char *region = cb_store_get_setting (self, "default_region");

  if (region != NULL && *g_strstrip (region) != '\0')
    return g_ascii_strup (region, -1);

  return cb_phone_default_region_from_locale ();
}

static gboolean
normalize (CbStore     *self,
           const char  *number,
           char       **e164,
           GError     **error)
{
  g_autofree char *region = dup_default_region (self);
  CbParsedPhone parsed;

  if (number != NULL && g_utf8_validate (number, -1, NULL) &&
      cb_phone_parse (number, region, &parsed) == CB_PHONE_OK)
    {
      *e164 = g_strdup (parsed.e164);
      return TRUE;
    }

  if (number == NULL || *number == '\0')
    g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID, _("A phone number is needed."));
  else
    g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                 _("“%s” is not a valid phone number"), number);

  return FALSE;
}

/* CB_STORE_ERROR_CONFLICT naming the first unfinished batch that uses @id in @column. */
static gboolean
check_not_in_use (CbStore     *self,
                  const char  *column,
                  const char  *id,
                  const char  *what,
                  GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *sql = NULL;
  int n;

  sql = g_strdup_printf ("SELECT name FROM batches WHERE %s = ##id::string"
                         " AND status IN " UNFINISHED_STATUSES " ORDER BY created_at DESC",
                         column);
  if (!(model = cb_store_select (self, error, sql, "id", id, NULL)))
    return FALSE;

  n = gda_data_model_get_n_rows (model);
  if (n > 0)
    {
      const char *name = cb_store_model_get_string (model, 0, 0);

      if (n == 1)
        /* Translators: %s: "agent" or "caller ID" (already translated), then a batch name */
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                     _("This %s is used by the batch “%s”, which has not finished. "
                       "Cancel the batch or wait until it completes."),
                     what, name);
      else
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "This %s is used by “%s” and %d other batch that has not "
                                  "finished. Cancel them or wait until they complete.",
                                  "This %s is used by “%s” and %d other batches that have not "
                                  "finished. Cancel them or wait until they complete.",
                                  n - 1),
                     what, name, n - 1);
      return FALSE;
    }

  return TRUE;
}

static gboolean
exec_one (CbStore     *self,
          const char  *table,
          const char  *id,
          int          changed,
          GError     **error)
{
  if (changed < 0)
    return FALSE;

  if (changed == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
                   _("Unknown %s “%s”"), table, id);
      return FALSE;
    }

  return TRUE;
}

CbAgent *
cb_store_create_agent (CbStore     *self,
                       const char  *name,
                       const char  *provider_account_id,
                       const char  *provider_agent_id,
                       const char  *default_phone_number_id,
                       const char  *webhook_url,
                       GError     **error)
{
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_agent_id = clean_text (provider_agent_id);
  g_autofree char *clean_url = clean_text (webhook_url);
  g_autofree char *id = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  if (!check_name (name, &clean_name, error) ||
      !check_account (self, provider_account_id, error) ||
      !check_phone_number_id (self, default_phone_number_id, error))
    return NULL;

  id = cb_store_new_id ("agent");
  if (cb_store_exec (self, error,
                     "INSERT INTO agents (id, name, provider_account_id, provider_agent_id,"
                     " default_phone_number_id, webhook_url, created_at) VALUES (##id::string,"
                     " ##name::string, ##account::string, ##agent::string::null,"
                     " ##pn::string::null, ##url::string::null, ##now::gint64)",
                     "id", id,
                     "name", clean_name,
                     "account", provider_account_id,
                     "agent", clean_agent_id,
                     "pn", default_phone_number_id,
                     "url", clean_url,
                     "now", cb_store_now_ms (),
                     NULL) < 0)
    return NULL;

  return cb_store_get_agent (self, id, error);
}

gboolean
cb_store_update_agent (CbStore     *self,
                       const char  *id,
                       const char  *name,
                       const char  *provider_account_id,
                       const char  *provider_agent_id,
                       const char  *default_phone_number_id,
                       const char  *webhook_url,
                       GError     **error)
{
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_agent_id = clean_text (provider_agent_id);
  g_autofree char *clean_url = clean_text (webhook_url);

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!check_name (name, &clean_name, error) ||
      !check_account (self, provider_account_id, error) ||
      !check_phone_number_id (self, default_phone_number_id, error))
    return FALSE;

  return exec_one (self, "agent", id,
                   cb_store_exec (self, error,
                                  "UPDATE agents SET name = ##name::string,"
                                  " provider_account_id = ##account::string,"
                                  " provider_agent_id = ##agent::string::null,"
                                  " default_phone_number_id = ##pn::string::null,"
                                  " webhook_url = ##url::string::null"
                                  " WHERE id = ##id::string",
                                  "name", clean_name,
                                  "account", provider_account_id,
                                  "agent", clean_agent_id,
                                  "pn", default_phone_number_id,
                                  "url", clean_url,
                                  "id", id,
                                  NULL),
                   error);
}

gboolean
cb_store_delete_agent (CbStore     *self,
                       const char  *id,
                       GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  cb_store_lock (self);
  ok = check_not_in_use (self, "agent_id", id, _("agent"), error) &&
       exec_one (self, "agent", id,
                 cb_store_exec (self, error, "DELETE FROM agents WHERE id = ##id::string",
                                "id", id, NULL),
                 error);
  cb_store_unlock (self);

  return ok;
}

CbPhoneNumber *
cb_store_create_phone_number (CbStore     *self,
                              const char  *number,
                              const char  *label,
                              const char  *provider_account_id,
                              const char  *provider_number_id,
                              GError     **error)
{
  g_autofree char *e164 = NULL;
  g_autofree char *clean_label = clean_text (label);
  g_autofree char *clean_number_id = clean_text (provider_number_id);
  g_autofree char *id = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  if (!normalize (self, number, &e164, error) ||
      (provider_account_id != NULL && !check_account (self, provider_account_id, error)))
    return NULL;

  id = cb_store_new_id ("pn");
  if (cb_store_exec (self, error,
                     "INSERT INTO phone_numbers (id, number, label, provider_account_id,"
                     " provider_number_id, created_at) VALUES (##id::string, ##number::string,"
                     " ##label::string::null, ##account::string::null, ##pid::string::null,"
                     " ##now::gint64)",
                     "id", id,
                     "number", e164,
                     "label", clean_label,
                     "account", provider_account_id,
                     "pid", clean_number_id,
                     "now", cb_store_now_ms (),
                     NULL) < 0)
    return NULL;

  return cb_store_get_phone_number (self, id, error);
}

gboolean
cb_store_update_phone_number (CbStore     *self,
                              const char  *id,
                              const char  *number,
                              const char  *label,
                              const char  *provider_account_id,
                              const char  *provider_number_id,
                              GError     **error)
{
  g_autofree char *e164 = NULL;
  g_autofree char *clean_label = clean_text (label);
  g_autofree char *clean_number_id = clean_text (provider_number_id);

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!normalize (self, number, &e164, error) ||
      (provider_account_id != NULL && !check_account (self, provider_account_id, error)))
    return FALSE;

  return exec_one (self, "caller ID", id,
                   cb_store_exec (self, error,
                                  "UPDATE phone_numbers SET number = ##number::string,"
                                  " label = ##label::string::null,"
                                  " provider_account_id = ##account::string::null,"
                                  " provider_number_id = ##pid::string::null"
                                  " WHERE id = ##id::string",
                                  "number", e164,
                                  "label", clean_label,
                                  "account", provider_account_id,
                                  "pid", clean_number_id,
                                  "id", id,
                                  NULL),
                   error);
}

gboolean
cb_store_delete_phone_number (CbStore     *self,
                              const char  *id,
                              GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  cb_store_lock (self);
  ok = check_not_in_use (self, "phone_number_id", id, _("caller ID"), error) &&
       exec_one (self, "caller ID", id,
                 cb_store_exec (self, error, "DELETE FROM phone_numbers WHERE id = ##id::string",
                                "id", id, NULL),
                 error);
  cb_store_unlock (self);

  return ok;
}

CbProviderAccount *
cb_store_create_provider_account (CbStore     *self,
                                  const char  *kind,
                                  const char  *name,
                                  const char  *base_url,
                                  GError     **error)
{
  static const char * const kinds[] = { "sim", "retell", "vapi", "elevenlabs", NULL };
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_url = clean_text (base_url);
  g_autofree char *id = NULL;
  g_autoptr(GListModel) accounts = NULL;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  if (kind == NULL || !g_strv_contains (kinds, kind))
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID,
                   _("Unknown provider “%s”: use sim, retell, vapi or elevenlabs"),
                   kind ? kind : "");
      return NULL;
    }

  if (!check_name (name, &clean_name, error))
    return NULL;

  id = cb_store_new_id ("pa");
  if (cb_store_exec (self, error,
                     "INSERT INTO provider_accounts (id, kind, name, base_url, created_at)"
                     " VALUES (##id::string, ##kind::string, ##name::string,"
                     " ##url::string::null, ##now::gint64)",
                     "id", id,
                     "kind", kind,
                     "name", clean_name,
                     "url", clean_url,
                     "now", cb_store_now_ms (),
                     NULL) < 0)
    return NULL;

  if (!(accounts = cb_store_list_provider_accounts (self, error)))
    return NULL;

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(CbProviderAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (cb_provider_account_get_id (account), id) == 0)
        return g_steal_pointer (&account);
    }

  g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND,
               _("Unknown provider account “%s”"), id);
  return NULL;
}

gboolean
cb_store_delete_provider_account (CbStore     *self,
                                  const char  *id,
                                  GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  cb_store_lock (self);

  model = cb_store_select (self, error,
                           "SELECT name FROM agents WHERE provider_account_id = ##id::string"
                           " UNION ALL SELECT number FROM phone_numbers"
                           " WHERE provider_account_id = ##id::string",
                           "id", id, NULL);
  if (model != NULL)
    {
      if (gda_data_model_get_n_rows (model) > 0)
        g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                     _("This account is used by “%s”. Move it to another account first."),
                     cb_store_model_get_string (model, 0, 0));
      else
        ok = exec_one (self, "provider account", id,
                       cb_store_exec (self, error,
                                      "DELETE FROM provider_accounts WHERE id = ##id::string",
                                      "id", id, NULL),
                       error);
    }

  cb_store_unlock (self);

  return ok;
}

/* Recipients */

static const char *
sort_column (CbRecipientSort sort)
{
  switch (sort)
    {
    case CB_RECIPIENT_SORT_PHONE:
      return "phone";
    case CB_RECIPIENT_SORT_STATUS:
      return "status";
    case CB_RECIPIENT_SORT_ATTEMPTS:
      return "attempts";
    case CB_RECIPIENT_SORT_OUTCOME:
      return "outcome";
    case CB_RECIPIENT_SORT_DURATION:
      return "duration_ms";
    case CB_RECIPIENT_SORT_ENDED:
      return "ended_at";
    case CB_RECIPIENT_SORT_ROW:
    default:
      return "row_number";
    }
}

/* "%text%" for LIKE over the number and the variables' values, or (@json) over their
 * JSON: then the text is escaped as JSON would store it (so quotes and backslashes match).
 * LIKE's wildcards are escaped by "!" (libgda's parser refuses ESCAPE '\\'). */
static char *
like_pattern (const char *search,
              gboolean    json_escaped)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new ("%");
  gsize start = 0;
  gsize end;

  if (json_escaped)
    {
      cb_store_append_json_string (json, search, -1);
      start = 1;
      end = json->len - 1;
    }
  else
    {
      g_string_append (json, search);
      end = json->len;
    }
  for (gsize i = start; i < end; i++)
    {
      char c = json->str[i];

      if (c == '%' || c == '_' || c == '!')
        g_string_append_c (out, '!');
      g_string_append_c (out, c);
    }
  g_string_append_c (out, '%');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
where_clause (CbStore                *self,
              const CbRecipientQuery *query,
              char                  **pattern)
{
  g_autoptr(GString) where = g_string_new (" WHERE batch_id = ##batch::string");

  if (query->status >= 0)
    g_string_append (where, " AND status = ##status::string");

  *pattern = NULL;
  if (query->search != NULL && *query->search != '\0')
    {
      g_autoptr(GString) digits = g_string_new (NULL);
      gboolean phone_like = TRUE;

      /* A number typed as it is shown ("(415) 555-0113") also matches by its digits. */
      for (const char *p = query->search; *p != '\0' && phone_like; p++)
        {
          if (g_ascii_isdigit (*p))
            g_string_append_c (digits, *p);
          else
            phone_like = strchr (" +-().", *p) != NULL;
        }

      /* The variables' values only, not their names. */
      *pattern = like_pattern (query->search, !cb_store_is_sqlite (self));
      if (cb_store_is_sqlite (self))
        g_string_append (where, " AND ((phone || ' ' || COALESCE (raw_phone, ''))"
                                " LIKE ##q::string ESCAPE '!'"
                                " OR EXISTS (SELECT 1 FROM json_each (recipients.dynamic_vars) v"
                                " WHERE v.value LIKE ##q::string ESCAPE '!')");
      else
        g_string_append (where, " AND ((phone || ' ' || COALESCE (raw_phone, '') || ' '"
                                " || dynamic_vars) LIKE ##q::string ESCAPE '!'");
      /* Only digits go into the statement itself. */
      if (phone_like && digits->len >= 3)
        g_string_append_printf (where, " OR phone LIKE '%%%s%%'", digits->str);
      g_string_append_c (where, ')');
    }

  return g_string_free (g_steal_pointer (&where), FALSE);
}

/* Runs @sql with the parameters its WHERE clause and paging need (libgda wants exactly
 * the statement's parameters, no more). */
static GdaDataModel *
select_recipients (CbStore     *self,
                   GError     **error,
                   const char  *sql,
                   const char  *batch_id,
                   const char  *status,
                   const char  *pattern,
                   gboolean     paged,
                   int          limit,
                   int          offset)
{
  guint combo = (status ? 1 : 0) | (pattern ? 2 : 0) | (paged ? 4 : 0);

  switch (combo)
    {
    case 0:
      return cb_store_select (self, error, sql, "batch", batch_id, NULL);
    case 1:
      return cb_store_select (self, error, sql, "batch", batch_id, "status", status, NULL);
    case 2:
      return cb_store_select (self, error, sql, "batch", batch_id, "q", pattern, NULL);
    case 3:
      return cb_store_select (self, error, sql, "batch", batch_id, "status", status,
                              "q", pattern, NULL);
    case 4:
      return cb_store_select (self, error, sql, "batch", batch_id,
                              "limit", limit, "offset", offset, NULL);
    case 5:
      return cb_store_select (self, error, sql, "batch", batch_id, "status", status,
                              "limit", limit, "offset", offset, NULL);
    case 6:
      return cb_store_select (self, error, sql, "batch", batch_id, "q", pattern,
                              "limit", limit, "offset", offset, NULL);
    case 7:
    default:
      return cb_store_select (self, error, sql, "batch", batch_id, "status", status,
                              "q", pattern, "limit", limit, "offset", offset, NULL);
    }
}

gint64
cb_store_count_recipients (CbStore                *self,
                           const CbRecipientQuery *query,
                           GError                **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  const char *status;

  g_return_val_if_fail (CB_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL && query->batch_id != NULL, -1);

  where = where_clause (self, query, &pattern);
  sql = g_strconcat ("SELECT COUNT(*) FROM recipients", where, NULL);
  status = query->status >= 0 ? cb_recipient_status_to_string (query->status) : NULL;

  model = select_recipients (self, error, sql, query->batch_id, status, pattern, FALSE, 0, 0);
  if (model == NULL)
    return -1;

  return cb_store_model_get_int64 (model, 0, 0, 0);
}

GListModel *
cb_store_query_recipients (CbStore                *self,
                           const CbRecipientQuery *query,
                           guint                   offset,
                           guint                   limit,
                           GError                **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  GListStore *store;
  const char *status;
  const char *column;
  const char *dir;
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL && query->batch_id != NULL, NULL);

  where = where_clause (self, query, &pattern);
  column = sort_column (query->sort);
  dir = query->descending ? "DESC" : "ASC";
  if (query->sort == CB_RECIPIENT_SORT_ROW)
    sql = g_strdup_printf ("SELECT %s FROM recipients%s ORDER BY row_number %s"
                           " LIMIT ##limit::gint OFFSET ##offset::gint",
                           CB_STORE_RECIPIENT_COLUMNS, where, dir);
  else
    /* NULLs last whichever the direction. */
    sql = g_strdup_printf ("SELECT %s FROM recipients%s ORDER BY (%s IS NULL), %s %s,"
                           " row_number %s LIMIT ##limit::gint OFFSET ##offset::gint",
                           CB_STORE_RECIPIENT_COLUMNS, where, column, column, dir, dir);
  status = query->status >= 0 ? cb_recipient_status_to_string (query->status) : NULL;

  model = select_recipients (self, error, sql, query->batch_id, status, pattern, TRUE,
                             limit == 0 || limit > G_MAXINT ? G_MAXINT : (int)limit,
                             offset > G_MAXINT ? G_MAXINT : (int)offset);
  if (model == NULL)
    return NULL;

  store = g_list_store_new (CB_TYPE_RECIPIENT);
  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      g_autoptr(CbRecipient) recipient = cb_store_recipient_from_model (model, i);

      g_list_store_append (store, recipient);
    }

  return G_LIST_MODEL (store);
}

void
cb_attempt_info_free (CbAttemptInfo *info)
{
  if (info == NULL)
    return;

  g_clear_pointer (&info->started_at, g_date_time_unref);
  g_clear_pointer (&info->ended_at, g_date_time_unref);
  g_free (info->provider_call_id);
  g_free (info->outcome);
  g_free (info->disconnection_reason);
  g_free (info->error);
  g_free (info);
}

GPtrArray *
cb_store_list_attempts (CbStore     *self,
                        const char  *recipient_id,
                        GError     **error)
{
  g_autoptr(GdaDataModel) model = NULL;
  GPtrArray *out;
  int n_rows;

  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (recipient_id != NULL, NULL);

  model = cb_store_select (self, error,
                           "SELECT number, started_at, ended_at, provider_call_id, http_status,"
                           " outcome, disconnection_reason, error FROM attempts"
                           " WHERE recipient_id = ##id::string ORDER BY number",
                           "id", recipient_id, NULL);
  if (model == NULL)
    return NULL;

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)cb_attempt_info_free);
  n_rows = gda_data_model_get_n_rows (model);
  for (int i = 0; i < n_rows; i++)
    {
      CbAttemptInfo *info = g_new0 (CbAttemptInfo, 1);

      info->number = (guint)cb_store_model_get_int64 (model, 0, i, 0);
      info->started_at = cb_store_model_dup_datetime (model, 1, i);
      info->ended_at = cb_store_model_dup_datetime (model, 2, i);
      info->provider_call_id = g_strdup (cb_store_model_get_string (model, 3, i));
      info->http_status = (int)cb_store_model_get_int64 (model, 4, i, 0);
      info->outcome = g_strdup (cb_store_model_get_string (model, 5, i));
      info->disconnection_reason = g_strdup (cb_store_model_get_string (model, 6, i));
      info->error = g_strdup (cb_store_model_get_string (model, 7, i));
      g_ptr_array_add (out, info);
    }

  return out;
}
