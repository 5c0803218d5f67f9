/* cb-signature.h — HMAC-SHA256 webhook signatures
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_SIGNATURE_ERROR (cb_signature_error_quark ())

typedef enum
{
  CB_SIGNATURE_ERROR_MISSING,    /* no signature header, or an empty one */
  CB_SIGNATURE_ERROR_MALFORMED,  /* the header is not of the expected form */
  CB_SIGNATURE_ERROR_EXPIRED,    /* the timestamp is older than the tolerance */
  CB_SIGNATURE_ERROR_FUTURE,     /* the timestamp is further ahead than the tolerance */
  CB_SIGNATURE_ERROR_MISMATCH,   /* well formed and in time, but the digest is wrong */
} CbSignatureError;

/* Retell: `x-retell-signature: v=TIMESTAMP_MS,d=HEX`,
 * HEX = lower-case hex HMAC-SHA256 (key = API key, message = raw body + TIMESTAMP_MS). */
#define CB_SIGNATURE_RETELL_HEADER        "x-retell-signature"
#define CB_SIGNATURE_RETELL_TOLERANCE_MS  (5 * 60 * 1000)

/* Speechify's scheme, used by ElevenLabs (`ElevenLabs-Signature`) and by our own
 * outgoing events (`Callboard-Signature`): `t=UNIX_SECONDS,v0=HEX`,
 * HEX = lower-case hex HMAC-SHA256 (secret, "<t>.<raw body>"). */
#define CB_SIGNATURE_CALLBOARD_HEADER           "Callboard-Signature"
#define CB_SIGNATURE_ELEVENLABS_HEADER          "ElevenLabs-Signature"
#define CB_SIGNATURE_CALLBOARD_TOLERANCE_S      (5 * 60)
#define CB_SIGNATURE_ELEVENLABS_TOLERANCE_S     (30 * 60)

GQuark    cb_signature_error_quark      (void);

/* Lower-case hex HMAC-SHA256 of @prefix (may be NULL), @data and @suffix (may be NULL)
 * concatenated, with @key as the key. */
char     *cb_signature_hmac_sha256_hex  (const char  *key,
                                         const char  *prefix,
                                         GBytes      *data,
                                         const char  *suffix);

/* Compares two NUL-terminated strings in time that depends only on their lengths,
 * never on where they first differ. */
gboolean  cb_signature_equal            (const char  *a,
                                         const char  *b);

/* The header value "v=TIMESTAMP_MS,d=HEX" for @body. */
char     *cb_signature_retell_sign      (const char  *api_key,
                                         GBytes      *body,
                                         gint64       timestamp_ms);
/* Checks @header (the value of x-retell-signature, may be NULL) against the raw @body.
 * @now_ms: the current time in milliseconds since the epoch. */
gboolean  cb_signature_retell_verify    (const char  *api_key,
                                         GBytes      *body,
                                         const char  *header,
                                         gint64       now_ms,
                                         GError     **error);

/* The header value "t=UNIX_SECONDS,v0=HEX" for @body. */
char     *cb_signature_timestamped_sign (const char  *secret,
                                         GBytes      *body,
                                         gint64       timestamp_s);
/* Checks @header (may be NULL) against the raw @body: the fields may come in any order,
 * several v0= digests are accepted (one must match, for key rotation), unknown fields are
 * ignored. Refused when |@now_s − t| > @tolerance_s. */
gboolean  cb_signature_timestamped_verify (const char  *secret,
                                           GBytes      *body,
                                           const char  *header,
                                           gint64       now_s,
                                           gint64       tolerance_s,
                                           GError     **error);

G_END_DECLS
