/* cb-secrets.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-secrets"

#include "config.h"

#include "cb-secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <sys/random.h>
#include <unistd.h>

G_DEFINE_QUARK (cb-secrets-error-quark, cb_secrets_error)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.callboard.Callboard.Secret", SECRET_SCHEMA_NONE,
    {
      { "scope", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "NULL", 0 },
    }
  };

  return &schema;
}

static GMutex lock;
static int backend = -1;

static CbSecretsBackend
probe_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  const char *env = g_getenv ("CALLBOARD_KEYRING");

  if (env != NULL && g_str_equal (env, "0"))
    return CB_SECRETS_BACKEND_FILE;

  /* Without a session bus libsecret fails (or worse, autolaunches one): don't ask. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_autofree char *bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
      if (!g_file_test (bus, G_FILE_TEST_EXISTS))
        return CB_SECRETS_BACKEND_FILE;
    }

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  if (service == NULL)
    {
      g_debug ("No Secret Service (%s); keeping secrets in a private file", error->message);
      return CB_SECRETS_BACKEND_FILE;
    }

  /* The service may be activatable but absent: ask it something cheap. */
  if (!secret_service_load_collections_sync (service, NULL, &error))
    {
      g_debug ("Secret Service unusable (%s); keeping secrets in a private file", error->message);
      return CB_SECRETS_BACKEND_FILE;
    }

  return CB_SECRETS_BACKEND_KEYRING;
}

CbSecretsBackend
cb_secrets_get_backend (void)
{
  CbSecretsBackend ret;

  g_mutex_lock (&lock);
  if (backend < 0)
    backend = probe_backend ();
  ret = backend;
  g_mutex_unlock (&lock);

  return ret;
}

static char *
secrets_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "callboard", "secrets.ini", NULL);
}

static GKeyFile *
load_file (GError **error)
{
  g_autofree char *path = secrets_file_path ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                   _("Could not read the secrets file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&keyfile);
}

static gboolean
save_file (GKeyFile  *keyfile,
           GError   **error)
{
  g_autofree char *path = secrets_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                   _("Could not create “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  data = g_key_file_to_data (keyfile, &len, NULL);

  /* g_mkstemp creates the file 0600; written whole, then renamed over the old one. */
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                   _("Could not write the secrets file “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  for (gsize off = 0; off < len;)
    {
      gssize n = write (fd, data + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_unlink (tmp);
          g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                       _("Could not write the secrets file “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      off += n;
    }

  if (fsync (fd) != 0 || close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                   _("Could not write the secrets file “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

gboolean
cb_secrets_store (const char  *scope,
                  const char  *name,
                  const char  *secret,
                  GError     **error)
{
  g_return_val_if_fail (scope != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  if (cb_secrets_get_backend () == CB_SECRETS_BACKEND_KEYRING)
    {
      g_autofree char *label = g_strdup_printf ("Callboard: %s", name);
      g_autoptr(GError) local_error = NULL;

      if (secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                      NULL, &local_error,
                                      "scope", scope, "name", name, NULL))
        return TRUE;

      g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                   _("Could not save “%s” in the keyring: %s"), name, local_error->message);
      return FALSE;
    }
  else
    {
      g_autoptr(GKeyFile) keyfile = NULL;
      gboolean ret;

      g_mutex_lock (&lock);
      keyfile = load_file (error);
      if (keyfile != NULL)
        g_key_file_set_string (keyfile, scope, name, secret);
      ret = keyfile != NULL && save_file (keyfile, error);
      g_mutex_unlock (&lock);

      return ret;
    }
}

char *
cb_secrets_lookup (const char  *scope,
                   const char  *name,
                   GError     **error)
{
  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (cb_secrets_get_backend () == CB_SECRETS_BACKEND_KEYRING)
    {
      g_autoptr(GError) local_error = NULL;
      char *secret;

      secret = secret_password_lookup_sync (get_schema (), NULL, &local_error,
                                            "scope", scope, "name", name, NULL);
      if (local_error != NULL)
        {
          g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                       _("Could not read “%s” from the keyring: %s"), name, local_error->message);
          return NULL;
        }

      if (secret != NULL)
        {
          char *copy = g_strdup (secret);
          secret_password_free (secret);
          return copy;
        }

      return NULL;
    }
  else
    {
      g_autoptr(GKeyFile) keyfile = NULL;
      char *ret = NULL;

      g_mutex_lock (&lock);
      keyfile = load_file (error);
      if (keyfile != NULL)
        ret = g_key_file_get_string (keyfile, scope, name, NULL);
      g_mutex_unlock (&lock);

      return ret;
    }
}

gboolean
cb_secrets_clear (const char  *scope,
                  const char  *name,
                  GError     **error)
{
  g_return_val_if_fail (scope != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (cb_secrets_get_backend () == CB_SECRETS_BACKEND_KEYRING)
    {
      g_autoptr(GError) local_error = NULL;

      secret_password_clear_sync (get_schema (), NULL, &local_error,
                                  "scope", scope, "name", name, NULL);
      if (local_error != NULL)
        {
          g_set_error (error, CB_SECRETS_ERROR, CB_SECRETS_ERROR_FAILED,
                       _("Could not remove “%s” from the keyring: %s"), name, local_error->message);
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      g_autoptr(GKeyFile) keyfile = NULL;
      gboolean ret = FALSE;

      g_mutex_lock (&lock);
      keyfile = load_file (error);
      if (keyfile != NULL)
        {
          if (g_key_file_remove_key (keyfile, scope, name, NULL))
            ret = save_file (keyfile, error);
          else
            ret = TRUE;
        }
      g_mutex_unlock (&lock);

      return ret;
    }
}

char *
cb_secrets_random_hex (gsize n_bytes)
{
  g_autofree guint8 *buf = g_malloc (n_bytes);
  GString *str = g_string_sized_new (n_bytes * 2 + 1);
  gsize got = 0;

  while (got < n_bytes)
    {
      gssize n = getrandom (buf + got, n_bytes - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("The system's random number generator failed: %s", g_strerror (errno));
      got += n;
    }

  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (str, "%02x", buf[i]);

  return g_string_free (str, FALSE);
}

char *
cb_secrets_ensure (const char  *scope,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *secret = NULL;
  g_autoptr(GError) local_error = NULL;

  secret = cb_secrets_lookup (scope, name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (secret == NULL)
    {
      secret = cb_secrets_random_hex (32);
      if (!cb_secrets_store (scope, name, secret, error))
        return NULL;
    }

  return g_steal_pointer (&secret);
}

char *
cb_secrets_mask (const char *secret)
{
  gsize len;

  if (secret == NULL || *secret == '\0')
    return g_strdup ("");

  len = strlen (secret);
  if (len <= 8)
    return g_strdup ("••••");

  return g_strdup_printf ("%.3s…%s", secret, secret + len - 4);
}
