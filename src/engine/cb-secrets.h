/* cb-secrets.h — API keys and signing secrets: the desktop keyring, else a private file
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_SECRETS_ERROR (cb_secrets_error_quark ())

typedef enum
{
  CB_SECRETS_ERROR_FAILED,  /* neither the keyring nor the file could be used */
} CbSecretsError;

typedef enum
{
  CB_SECRETS_BACKEND_KEYRING,  /* libsecret (GNOME Keyring, KWallet, …) */
  CB_SECRETS_BACKEND_FILE,     /* a key file readable only by the user */
} CbSecretsBackend;

/* Secrets are kept per database (@scope, usually the store's URI) and name
 * ("provider:pa_sim", "agent-webhook:agent_demo", "api-token"). Secrets never go
 * into the database, a log, an export or an API reply.
 *
 * The keyring is used when a Secret Service answers; otherwise (no session bus, no
 * keyring daemon, or CALLBOARD_KEYRING=0) the file $XDG_CONFIG_HOME/callboard/secrets.ini,
 * mode 0600 in a 0700 directory. */
GQuark            cb_secrets_error_quark  (void);
gboolean          cb_secrets_store        (const char  *scope,
                                           const char  *name,
                                           const char  *secret,
                                           GError     **error);
/* Returns NULL without an error when there is no such secret. */
char             *cb_secrets_lookup       (const char  *scope,
                                           const char  *name,
                                           GError     **error);
gboolean          cb_secrets_clear        (const char  *scope,
                                           const char  *name,
                                           GError     **error);
/* The secret, or a new random one (32 bytes, hex) stored first. */
char             *cb_secrets_ensure       (const char  *scope,
                                           const char  *name,
                                           GError     **error);
CbSecretsBackend  cb_secrets_get_backend  (void);
/* "sk_…abcd": enough to recognise a key, never enough to use it. */
char             *cb_secrets_mask         (const char  *secret);
/* A random hex string of @n_bytes bytes of entropy from the system's CSPRNG. */
char             *cb_secrets_random_hex   (gsize        n_bytes);

G_END_DECLS
