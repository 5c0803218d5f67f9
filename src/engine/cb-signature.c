/* cb-signature.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-signature"

#include "config.h"

#include "cb-signature.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define SHA256_HEX_LEN 64
/* 18 digits stay below G_MAXINT64 and reach far beyond any real clock. */
#define MAX_TIMESTAMP_DIGITS 18

G_DEFINE_QUARK (cb-signature-error-quark, cb_signature_error)

char *
cb_signature_hmac_sha256_hex (const char *key,
                              const char *prefix,
                              GBytes     *data,
                              const char *suffix)
{
  g_autoptr(GHmac) hmac = NULL;
  gconstpointer bytes;
  gsize len;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
  if (prefix != NULL)
    g_hmac_update (hmac, (const guchar *) prefix, strlen (prefix));
  bytes = g_bytes_get_data (data, &len);
  if (len > 0)
    g_hmac_update (hmac, bytes, len);
  if (suffix != NULL)
    g_hmac_update (hmac, (const guchar *) suffix, strlen (suffix));

  /* GHmac's string form is lower-case hex. */
  return g_strdup (g_hmac_get_string (hmac));
}

gboolean
cb_signature_equal (const char *a,
                    const char *b)
{
  gsize len_a, len_b;
  guint diff;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  len_a = strlen (a);
  len_b = strlen (b);
  diff = len_a != len_b;

  /* Walk the whole of @a whatever the contents; index @b modulo its length so a short
   * @b neither stops the loop nor is read past its end. */
  for (gsize i = 0; i < len_a; i++)
    diff |= (guchar) a[i] ^ (len_b > 0 ? (guchar) b[i % len_b] : 0xff);

  return diff == 0;
}

static gboolean
is_lower_hex_digest (const char *s,
                     gsize       len)
{
  if (len != SHA256_HEX_LEN)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_timestamp (const char *s,
                 gsize       len,
                 gint64     *out)
{
  gint64 value = 0;

  if (len == 0 || len > MAX_TIMESTAMP_DIGITS)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }

  *out = value;
  return TRUE;
}

static gboolean
check_time (gint64       timestamp,
            gint64       now,
            gint64       tolerance,
            const char  *unit,
            GError     **error)
{
  /* Numbers are formatted apart so the translatable strings hold no platform macros. */
  char ts[32], tol[32], cur[32];

  if (now - timestamp <= tolerance && timestamp - now <= tolerance)
    return TRUE;

  g_snprintf (ts, sizeof ts, "%" G_GINT64_FORMAT, timestamp);
  g_snprintf (tol, sizeof tol, "%" G_GINT64_FORMAT, tolerance);
  g_snprintf (cur, sizeof cur, "%" G_GINT64_FORMAT, now);

  if (now - timestamp > tolerance)
    {
      g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_EXPIRED,
                   _("The signature timestamp %s is too old: "
                     "it must be within %s %s of the current time %s"),
                   ts, tol, unit, cur);
      return FALSE;
    }

  if (timestamp - now > tolerance)
    {
      g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_FUTURE,
                   _("The signature timestamp %s is in the future: "
                     "it must be within %s %s of the current time %s"),
                   ts, tol, unit, cur);
      return FALSE;
    }

  return TRUE;
}

char *
cb_signature_retell_sign (const char *api_key,
                          GBytes     *body,
                          gint64      timestamp_ms)
{
  g_autofree char *stamp = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (api_key != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (timestamp_ms >= 0, NULL);

  stamp = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp_ms);
  digest = cb_signature_hmac_sha256_hex (api_key, NULL, body, stamp);

  return g_strdup_printf ("v=%s,d=%s", stamp, digest);
}

gboolean
cb_signature_retell_verify (const char  *api_key,
                            GBytes      *body,
                            const char  *header,
                            gint64       now_ms,
                            GError     **error)
{
  g_autofree char *stamp = NULL;
  g_autofree char *expected = NULL;
  const char *comma;
  const char *digest;
  gint64 timestamp;

  g_return_val_if_fail (api_key != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (header == NULL || header[0] == '\0')
    {
      g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING,
                   _("The request has no %s header"), CB_SIGNATURE_RETELL_HEADER);
      return FALSE;
    }

  /* Exactly "v=DIGITS,d=64 lower-case hex digits". */
  comma = strchr (header, ',');
  if (!g_str_has_prefix (header, "v=") ||
      comma == NULL ||
      !parse_timestamp (header + 2, comma - (header + 2), &timestamp) ||
      !g_str_has_prefix (comma + 1, "d=") ||
      !is_lower_hex_digest (comma + 3, strlen (comma + 3)))
    {
      g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED,
                   _("The %s header “%s” is malformed: expected "
                     "v=TIMESTAMP_MS,d=64 lower-case hex digits"),
                   CB_SIGNATURE_RETELL_HEADER, header);
      return FALSE;
    }
  digest = comma + 3;

  if (!check_time (timestamp, now_ms, CB_SIGNATURE_RETELL_TOLERANCE_MS, "ms", error))
    return FALSE;

  stamp = g_strndup (header + 2, comma - (header + 2));
  expected = cb_signature_hmac_sha256_hex (api_key, NULL, body, stamp);
  if (!cb_signature_equal (expected, digest))
    {
      g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH,
                   _("The %s signature does not match the request body"),
                   CB_SIGNATURE_RETELL_HEADER);
      return FALSE;
    }

  return TRUE;
}

char *
cb_signature_timestamped_sign (const char *secret,
                               GBytes     *body,
                               gint64      timestamp_s)
{
  g_autofree char *prefix = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (timestamp_s >= 0, NULL);

  prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", timestamp_s);
  digest = cb_signature_hmac_sha256_hex (secret, prefix, body, NULL);

  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",v0=%s", timestamp_s, digest);
}

gboolean
cb_signature_timestamped_verify (const char  *secret,
                                 GBytes      *body,
                                 const char  *header,
                                 gint64       now_s,
                                 gint64       tolerance_s,
                                 GError     **error)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GPtrArray) digests = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *expected = NULL;
  gboolean have_time = FALSE;
  gboolean matched = FALSE;
  gint64 timestamp = 0;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (tolerance_s >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (header == NULL || header[0] == '\0')
    {
      g_set_error_literal (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING,
                           _("The request has no signature header"));
      return FALSE;
    }

  digests = g_ptr_array_new ();
  fields = g_strsplit (header, ",", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *field = fields[i];

      if (g_str_has_prefix (field, "t="))
        {
          if (have_time || !parse_timestamp (field + 2, strlen (field + 2), &timestamp))
            goto malformed;
          have_time = TRUE;
        }
      else if (g_str_has_prefix (field, "v0="))
        {
          if (!is_lower_hex_digest (field + 3, strlen (field + 3)))
            goto malformed;
          g_ptr_array_add (digests, (gpointer) (field + 3));
        }
      else if (strchr (field, '=') == NULL || field[0] == '=')
        {
          goto malformed;
        }
    }

  if (!have_time || digests->len == 0)
    goto malformed;

  if (!check_time (timestamp, now_s, tolerance_s, "s", error))
    return FALSE;

  prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", timestamp);
  expected = cb_signature_hmac_sha256_hex (secret, prefix, body, NULL);
  /* Compare against every digest offered, without stopping at the first match. */
  for (guint i = 0; i < digests->len; i++)
    matched |= cb_signature_equal (expected, g_ptr_array_index (digests, i));

  if (!matched)
    {
      g_set_error_literal (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH,
                           _("The signature does not match the request body"));
      return FALSE;
    }

  return TRUE;

malformed:
  g_set_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED,
               _("The signature header “%s” is malformed: expected "
                 "t=UNIX_SECONDS,v0=64 lower-case hex digits"),
               header);
  return FALSE;
}
