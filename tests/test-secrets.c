/* test-secrets.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "cb-secrets.h"
#include "cb-test-util.h"

static char *
secrets_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "callboard", "secrets.ini", NULL);
}

static void
test_file_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = secrets_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  g_autofree char *contents = NULL;
  struct stat st;

  g_assert_cmpint (cb_secrets_get_backend (), ==, CB_SECRETS_BACKEND_FILE);

  value = cb_secrets_lookup ("/tmp/a.db", "provider:pa_sim", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (cb_secrets_store ("/tmp/a.db", "provider:pa_sim", "key-for-a", &error));
  g_assert_no_error (error);
  g_assert_true (cb_secrets_store ("/tmp/b.db", "provider:pa_sim", "key-for-b", &error));
  g_assert_no_error (error);

  value = cb_secrets_lookup ("/tmp/a.db", "provider:pa_sim", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "key-for-a");
  other = cb_secrets_lookup ("/tmp/b.db", "provider:pa_sim", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other, ==, "key-for-b");

  /* Readable only by the user, in a directory only the user can enter. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "key-for-a"));

  /* Overwrite, then clear. */
  g_assert_true (cb_secrets_store ("/tmp/a.db", "provider:pa_sim", "new=value;with;chars", &error));
  g_clear_pointer (&value, g_free);
  value = cb_secrets_lookup ("/tmp/a.db", "provider:pa_sim", &error);
  g_assert_cmpstr (value, ==, "new=value;with;chars");

  g_assert_true (cb_secrets_clear ("/tmp/a.db", "provider:pa_sim", &error));
  g_assert_no_error (error);
  g_clear_pointer (&value, g_free);
  value = cb_secrets_lookup ("/tmp/a.db", "provider:pa_sim", &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_true (cb_secrets_clear ("/tmp/a.db", "provider:pa_sim", &error));
  g_assert_no_error (error);

  g_clear_pointer (&other, g_free);
  other = cb_secrets_lookup ("/tmp/b.db", "provider:pa_sim", &error);
  g_assert_cmpstr (other, ==, "key-for-b");
}

static void
test_ensure (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  first = cb_secrets_ensure ("/tmp/c.db", "api-token", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (first), ==, 64);
  second = cb_secrets_ensure ("/tmp/c.db", "api-token", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, second);
}

static void
test_unreadable_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = secrets_path ();
  g_autofree char *value = NULL;

  /* Garbage where the key file should be: a clear error, never a crash, and the file is kept. */
  g_assert_true (g_file_set_contents (path, "\x01\x02 not a key file [[[", -1, NULL));
  value = cb_secrets_lookup ("/tmp/a.db", "x", &error);
  g_assert_null (value);
  g_assert_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the secrets file"));
  g_clear_error (&error);
  g_assert_false (cb_secrets_store ("/tmp/a.db", "x", "y", &error));
  g_assert_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED);
  g_unlink (path);
}

static void
test_mask (void)
{
  g_autofree char *empty = cb_secrets_mask ("");
  g_autofree char *shorty = cb_secrets_mask ("abcd");
  g_autofree char *key = cb_secrets_mask ("key_0123456789abcdef");

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (shorty, ==, "••••");
  g_assert_cmpstr (key, ==, "key…cdef");
}

static void
test_random (void)
{
  g_autofree char *a = cb_secrets_random_hex (16);
  g_autofree char *b = cb_secrets_random_hex (16);

  g_assert_cmpuint (strlen (a), ==, 32);
  g_assert_cmpstr (a, !=, b);
  for (const char *p = a; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);
  g_setenv ("CALLBOARD_KEYRING", "0", TRUE);

  g_test_add_func ("/secrets/file-backend", test_file_backend);
  g_test_add_func ("/secrets/ensure", test_ensure);
  g_test_add_func ("/secrets/unreadable-file", test_unreadable_file);
  g_test_add_func ("/secrets/mask", test_mask);
  g_test_add_func ("/secrets/random", test_random);

  return g_test_run ();
}
