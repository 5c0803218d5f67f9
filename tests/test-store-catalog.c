/* test-store-catalog.c — agents, caller IDs and provider accounts as the dashboard edits them
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-test"

#include "config.h"

#include <glib/gstdio.h>

#include "cb-store.h"
#include "cb-store-catalog.h"
#include "cb-test-util.h"

typedef struct
{
  CbStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cb_test_tmp_path ("catalog.db");

  g_unlink (path);
  f->store = cb_store_open (path, CB_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (cb_store_set_setting (f->store, "default_region", "US", &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
}

/* A draft batch of one recipient using @agent_id and @phone_number_id. */
static char *
create_batch (Fixture    *f,
              const char *name,
              const char *agent_id,
              const char *phone_number_id)
{
  static const char csv[] = "phone,first_name\n+14155550123,Ada\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (csv, sizeof csv - 1);
  g_autoptr(CbBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  CbBatchParams params = {
    .name = name,
    .agent_id = agent_id,
    .phone_number_id = phone_number_id,
    .timezone = "UTC",
    .max_retries = -1,
    .retry_delay_s = -1,
  };

  batch = cb_store_import_bytes (f->store, &params, bytes, "one.csv", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);

  return g_strdup (cb_batch_get_id (batch));
}

static void
test_agent_crud (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbAgent) agent = NULL;
  g_autoptr(CbAgent) read = NULL;
  g_autoptr(GListModel) agents = NULL;
  g_autofree char *id = NULL;

  agent = cb_store_create_agent (f->store, "  Reminders  ", "pa_sim", " agent_42 ", "pn_demo",
                                 "", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cb_agent_get_id (agent), "agent_"));
  g_assert_cmpstr (cb_agent_get_name (agent), ==, "Reminders");
  g_assert_cmpstr (cb_agent_get_provider_account_id (agent), ==, "pa_sim");
  g_assert_cmpstr (cb_agent_get_provider_agent_id (agent), ==, "agent_42");
  g_assert_cmpstr (cb_agent_get_default_phone_number_id (agent), ==, "pn_demo");
  g_assert_null (cb_agent_get_webhook_url (agent));
  id = g_strdup (cb_agent_get_id (agent));

  agents = cb_store_list_agents (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 2);

  g_assert_true (cb_store_update_agent (f->store, id, "Follow-ups", "pa_sim", "agent_43", NULL,
                                        "https://example.com/hook", &error));
  g_assert_no_error (error);
  read = cb_store_get_agent (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_agent_get_name (read), ==, "Follow-ups");
  g_assert_cmpstr (cb_agent_get_provider_agent_id (read), ==, "agent_43");
  g_assert_null (cb_agent_get_default_phone_number_id (read));
  g_assert_cmpstr (cb_agent_get_webhook_url (read), ==, "https://example.com/hook");

  g_assert_true (cb_store_delete_agent (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_null (cb_store_get_agent (f->store, id, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting it twice says it is gone. */
  g_assert_false (cb_store_delete_agent (f->store, id, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
}

static void
test_agent_invalid (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) agents = NULL;

  g_assert_null (cb_store_create_agent (f->store, "   ", "pa_sim", NULL, NULL, NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The name is empty.");
  g_clear_error (&error);

  g_assert_null (cb_store_create_agent (f->store, "Sales", "pa_nope", NULL, NULL, NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Unknown provider account “pa_nope”");
  g_clear_error (&error);

  g_assert_null (cb_store_create_agent (f->store, "Sales", "pa_sim", NULL, "pn_nope", NULL,
                                        &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Unknown caller ID “pn_nope”");
  g_clear_error (&error);

  g_assert_false (cb_store_update_agent (f->store, "agent_demo", "", "pa_sim", NULL, NULL, NULL,
                                         &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The name is empty.");
  g_clear_error (&error);

  g_assert_false (cb_store_update_agent (f->store, "agent_nope", "X", "pa_sim", NULL, NULL, NULL,
                                         &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing was written. */
  agents = cb_store_list_agents (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 1);
}

static void
test_agent_in_use (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbAgent) agent = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  first = create_batch (f, "May reminders", "agent_demo", NULL);

  g_assert_false (cb_store_delete_agent (f->store, "agent_demo", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==,
                   "This agent is used by the batch “May reminders”, which has not finished. "
                   "Cancel the batch or wait until it completes.");
  g_clear_error (&error);

  second = create_batch (f, "June reminders", "agent_demo", NULL);
  g_assert_false (cb_store_delete_agent (f->store, "agent_demo", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_true (g_str_has_prefix (error->message, "This agent is used by “"));
  g_assert_true (g_str_has_suffix (error->message,
                                   "” and 1 other batch that has not finished. Cancel them or "
                                   "wait until they complete."));
  g_clear_error (&error);

  /* Still there. */
  agent = cb_store_get_agent (f->store, "agent_demo", &error);
  g_assert_no_error (error);
  g_assert_nonnull (agent);

  /* Once the batches are cancelled, it goes. */
  g_assert_true (cb_store_set_batch_status (f->store, first, CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_true (cb_store_set_batch_status (f->store, second, CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_delete_agent (f->store, "agent_demo", &error));
  g_assert_no_error (error);
}

static void
test_phone_number_crud (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbPhoneNumber) number = NULL;
  g_autoptr(CbPhoneNumber) read = NULL;
  g_autoptr(CbAgent) agent = NULL;
  g_autofree char *id = NULL;

  number = cb_store_create_phone_number (f->store, "(415) 555-0199", " Sales ", "pa_sim",
                                         "num_1", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cb_phone_number_get_id (number), "pn_"));
  g_assert_cmpstr (cb_phone_number_get_number (number), ==, "+14155550199");
  g_assert_cmpstr (cb_phone_number_get_label (number), ==, "Sales");
  g_assert_cmpstr (cb_phone_number_get_provider_account_id (number), ==, "pa_sim");
  g_assert_cmpstr (cb_phone_number_get_provider_number_id (number), ==, "num_1");
  id = g_strdup (cb_phone_number_get_id (number));

  g_assert_true (cb_store_update_phone_number (f->store, id, "+44 20 7946 0018", "", NULL, NULL,
                                               &error));
  g_assert_no_error (error);
  read = cb_store_get_phone_number (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_phone_number_get_number (read), ==, "+442079460018");
  g_assert_null (cb_phone_number_get_label (read));
  g_assert_null (cb_phone_number_get_provider_account_id (read));

  /* An agent's default caller ID is cleared when the number goes. */
  g_assert_true (cb_store_update_agent (f->store, "agent_demo", "Demo agent", "pa_sim", NULL, id,
                                        NULL, &error));
  g_assert_true (cb_store_delete_phone_number (f->store, id, &error));
  g_assert_no_error (error);
  agent = cb_store_get_agent (f->store, "agent_demo", &error);
  g_assert_no_error (error);
  g_assert_null (cb_agent_get_default_phone_number_id (agent));
}

static void
test_phone_number_invalid (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) numbers = NULL;

  g_assert_null (cb_store_create_phone_number (f->store, "12345", NULL, NULL, NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“12345” is not a valid phone number");
  g_clear_error (&error);

  g_assert_null (cb_store_create_phone_number (f->store, "", NULL, NULL, NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "A phone number is needed.");
  g_clear_error (&error);

  g_assert_null (cb_store_create_phone_number (f->store, "+14155550199", NULL, "pa_nope", NULL,
                                               &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Unknown provider account “pa_nope”");
  g_clear_error (&error);

  g_assert_false (cb_store_update_phone_number (f->store, "pn_demo", "not a number", NULL, NULL,
                                                NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“not a number” is not a valid phone number");
  g_clear_error (&error);

  numbers = cb_store_list_phone_numbers (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (numbers), ==, 1);
}

static void
test_phone_number_in_use (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = NULL;

  batch = create_batch (f, "Renewals", "agent_demo", "pn_demo");

  g_assert_false (cb_store_delete_phone_number (f->store, "pn_demo", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==,
                   "This caller ID is used by the batch “Renewals”, which has not finished. "
                   "Cancel the batch or wait until it completes.");
  g_clear_error (&error);

  g_assert_true (cb_store_set_batch_status (f->store, batch, CB_BATCH_STATUS_CANCELLED, &error));
  g_assert_true (cb_store_delete_phone_number (f->store, "pn_demo", &error));
  g_assert_no_error (error);
}

static void
test_provider_account (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbProviderAccount) account = NULL;
  g_autoptr(CbAgent) agent = NULL;

  g_assert_null (cb_store_create_provider_account (f->store, "twilio", "T", NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "Unknown provider “twilio”: use sim, retell, vapi or elevenlabs");
  g_clear_error (&error);

  g_assert_null (cb_store_create_provider_account (f->store, "retell", " ", NULL, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The name is empty.");
  g_clear_error (&error);

  account = cb_store_create_provider_account (f->store, "retell", "Retell EU",
                                              "https://api.retellai.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cb_provider_account_get_kind (account), ==, "retell");
  g_assert_cmpstr (cb_provider_account_get_name (account), ==, "Retell EU");
  g_assert_cmpstr (cb_provider_account_get_base_url (account), ==, "https://api.retellai.com");

  agent = cb_store_create_agent (f->store, "EU agent", cb_provider_account_get_id (account),
                                 "agent_eu", NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (cb_store_delete_provider_account (f->store, cb_provider_account_get_id (account),
                                                    &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==,
                   "This account is used by “EU agent”. Move it to another account first.");
  g_clear_error (&error);

  g_assert_true (cb_store_delete_agent (f->store, cb_agent_get_id (agent), &error));
  g_assert_true (cb_store_delete_provider_account (f->store, cb_provider_account_get_id (account),
                                                   &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  cb_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/catalog/agent/crud", test_agent_crud);
  ADD ("/store/catalog/agent/invalid", test_agent_invalid);
  ADD ("/store/catalog/agent/in-use", test_agent_in_use);
  ADD ("/store/catalog/phone-number/crud", test_phone_number_crud);
  ADD ("/store/catalog/phone-number/invalid", test_phone_number_invalid);
  ADD ("/store/catalog/phone-number/in-use", test_phone_number_in_use);
  ADD ("/store/catalog/provider-account", test_provider_account);

#undef ADD

  return g_test_run ();
}
