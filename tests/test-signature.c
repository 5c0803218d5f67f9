/* test-signature.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cb-signature.h"
#include "cb-test-util.h"

/* Known answers computed with Python's hmac module (and the Retell one checked with
 * retell-sdk's own verify). */
#define BODY "{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_123\",\"call_status\":\"ended\"}}"
#define RETELL_KEY "key_test_123"
#define RETELL_TS G_GINT64_CONSTANT (1714000000000)
#define RETELL_HEX "f4053f347720686645dd50f737723e4bca7091326c34ea8ce602b9dd31beac5e"
#define RETELL_HEADER "v=1714000000000,d=" RETELL_HEX
#define TS_SECRET "whsec_abc"
#define TS_T G_GINT64_CONSTANT (1714000000)
#define TS_HEX "53c3a93c81481e6c60c35ef00c177b007e29f0ea6476b92469a8135785e6044a"
#define TS_HEADER "t=1714000000,v0=" TS_HEX

static GBytes *
body_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_hmac_known_answers (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) utf8 = body_bytes ("héllo");
  g_autofree char *a = cb_signature_hmac_sha256_hex ("k", NULL, empty, "0");
  g_autofree char *b = cb_signature_hmac_sha256_hex ("clé", NULL, utf8, "1700000000123");
  g_autofree char *c = cb_signature_hmac_sha256_hex ("s", "5.", empty, NULL);

  g_assert_cmpstr (a, ==, "b44d10ba62abf73965e6b4baf77752ad92b11163e84e0e7f576105023c361523");
  g_assert_cmpstr (b, ==, "63c3e497a04e86ecc123985d32afed58b34b2dc07cad80f5e949ac9f1aa963d4");
  g_assert_cmpstr (c, ==, "91409b9e2b6f265606ee386a6ece57df350798d4e1b50a5c45f49dc89c2ce5d5");
}

static void
test_equal (void)
{
  g_assert_true (cb_signature_equal ("", ""));
  g_assert_true (cb_signature_equal ("abc", "abc"));
  g_assert_false (cb_signature_equal ("abc", "abd"));
  g_assert_false (cb_signature_equal ("abd", "abc"));
  g_assert_false (cb_signature_equal ("abc", "ab"));
  g_assert_false (cb_signature_equal ("ab", "abc"));
  g_assert_false (cb_signature_equal ("abc", ""));
  g_assert_false (cb_signature_equal ("", "abc"));
  /* A repeated shorter string must not pass for the longer one. */
  g_assert_false (cb_signature_equal ("abab", "ab"));
  g_assert_true (cb_signature_equal (RETELL_HEX, RETELL_HEX));
}

static void
test_retell_sign (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autofree char *header = cb_signature_retell_sign (RETELL_KEY, body, RETELL_TS);

  g_assert_cmpstr (header, ==, RETELL_HEADER);
}

static void
test_retell_verify_ok (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autoptr(GError) error = NULL;

  /* Exactly in time, and at both ends of the five-minute tolerance. */
  g_assert_true (cb_signature_retell_verify (RETELL_KEY, body, RETELL_HEADER, RETELL_TS, &error));
  g_assert_no_error (error);
  g_assert_true (cb_signature_retell_verify (RETELL_KEY, body, RETELL_HEADER,
                                             RETELL_TS + 5 * 60 * 1000, &error));
  g_assert_no_error (error);
  g_assert_true (cb_signature_retell_verify (RETELL_KEY, body, RETELL_HEADER,
                                             RETELL_TS - 5 * 60 * 1000, &error));
  g_assert_no_error (error);
}

static void
test_retell_refused (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autoptr(GBytes) tampered = body_bytes (BODY " ");
  g_autoptr(GBytes) changed = body_bytes ("{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_124\","
                                          "\"call_status\":\"ended\"}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *upper = g_ascii_strup (RETELL_HEX, -1);
  g_autofree char *upper_header = g_strconcat ("v=1714000000000,d=", upper, NULL);
  static const char *malformed[] = {
    "v=abc,d=" RETELL_HEX,
    "v=1714000000000",
    "v=1714000000000,",
    "v=1714000000000,d=",
    "v=1714000000000,d=" RETELL_HEX "0",                       /* 65 digits */
    "v=1714000000000,d=f4053f347720686645dd50f737723e4bca7091326c34ea8ce602b9dd31beac5",
    "v=1714000000000,d=g4053f347720686645dd50f737723e4bca7091326c34ea8ce602b9dd31beac5e",
    "d=" RETELL_HEX ",v=1714000000000",
    "v=,d=" RETELL_HEX,
    "v=-1714000000000,d=" RETELL_HEX,
    "v=+1714000000000,d=" RETELL_HEX,
    "v=1714000000000 ,d=" RETELL_HEX,
    " v=1714000000000,d=" RETELL_HEX,
    "v=1714000000000,d=" RETELL_HEX ",x=1",
    "v=99999999999999999999999,d=" RETELL_HEX,
    "t=1714000000,v0=" RETELL_HEX,
  };

  /* Tampered or different body. */
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, tampered, RETELL_HEADER, RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "The x-retell-signature signature does not match the request body");
  g_clear_error (&error);
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, changed, RETELL_HEADER, RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Wrong key. */
  g_assert_false (cb_signature_retell_verify ("key_test_124", body, RETELL_HEADER, RETELL_TS,
                                              &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);

  /* The timestamp is part of the signed message: a moved timestamp does not verify. */
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, "v=1714000000001,d=" RETELL_HEX,
                                              RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Stale and future, one millisecond beyond the tolerance. */
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, RETELL_HEADER,
                                              RETELL_TS + 5 * 60 * 1000 + 1, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The signature timestamp 1714000000000 is too old: it must be within 300000 "
                   "ms of the current time 1714000300001");
  g_clear_error (&error);
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, RETELL_HEADER,
                                              RETELL_TS - 5 * 60 * 1000 - 1, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_FUTURE);
  g_clear_error (&error);

  /* Missing. */
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, NULL, RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING);
  g_assert_cmpstr (error->message, ==, "The request has no x-retell-signature header");
  g_clear_error (&error);
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, "", RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING);
  g_clear_error (&error);

  /* Upper-case hex: Retell sends lower case, and so must the header. */
  g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, upper_header, RETELL_TS, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==,
                   "The x-retell-signature header “v=1714000000000,d=F4053F347720686645DD50F737723E4B"
                   "CA7091326C34EA8CE602B9DD31BEAC5E” is malformed: expected v=TIMESTAMP_MS,d=64 "
                   "lower-case hex digits");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_test_message ("%s", malformed[i]);
      g_assert_false (cb_signature_retell_verify (RETELL_KEY, body, malformed[i], RETELL_TS, &error));
      g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED);
      g_clear_error (&error);
    }
}

static void
test_retell_round_trip (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) binary = g_bytes_new ("\0\xff\x01{", 4);
  g_autoptr(GError) error = NULL;
  GBytes *bodies[] = { empty, binary };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *header = cb_signature_retell_sign ("k", bodies[i], 42);

      g_assert_true (cb_signature_retell_verify ("k", bodies[i], header, 42, &error));
      g_assert_no_error (error);
    }
}

static void
test_timestamped_sign (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autofree char *header = cb_signature_timestamped_sign (TS_SECRET, body, TS_T);

  g_assert_cmpstr (header, ==, TS_HEADER);
}

static void
test_timestamped_verify (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autoptr(GError) error = NULL;
  static const char *accepted[] = {
    TS_HEADER,
    "v0=" TS_HEX ",t=1714000000",
    /* Key rotation: one of several digests matches. */
    "t=1714000000,v0=0000000000000000000000000000000000000000000000000000000000000000,v0=" TS_HEX,
    /* Unknown schemes are ignored. */
    "t=1714000000,v1=abc,v0=" TS_HEX,
  };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_assert_true (cb_signature_timestamped_verify (TS_SECRET, body, accepted[i], TS_T,
                                                      CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
      g_assert_no_error (error);
    }

  /* ElevenLabs allows 30 minutes. */
  g_assert_true (cb_signature_timestamped_verify (TS_SECRET, body, TS_HEADER, TS_T + 30 * 60,
                                                  CB_SIGNATURE_ELEVENLABS_TOLERANCE_S, &error));
  g_assert_no_error (error);
  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, TS_HEADER, TS_T + 30 * 60 + 1,
                                                   CB_SIGNATURE_ELEVENLABS_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The signature timestamp 1714000000 is too old: it must be within 1800 s of "
                   "the current time 1714001801");
  g_clear_error (&error);

  /* Ours allows five. */
  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, TS_HEADER, TS_T + 5 * 60 + 1,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, TS_HEADER, TS_T - 5 * 60 - 1,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_FUTURE);
  g_clear_error (&error);
}

static void
test_timestamped_refused (void)
{
  g_autoptr(GBytes) body = body_bytes (BODY);
  g_autoptr(GBytes) tampered = body_bytes (BODY "\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *upper = g_ascii_strup (TS_HEX, -1);
  g_autofree char *upper_header = g_strconcat ("t=1714000000,v0=", upper, NULL);
  static const char *malformed[] = {
    "t=abc,v0=" TS_HEX,
    "t=1714000000",
    "v0=" TS_HEX,
    "t=1714000000,v0=",
    "t=1714000000,v0=" TS_HEX "a",
    "t=1714000000,v0=53c3a93c81481e6c60c35ef00c177b007e29f0ea6476b92469a8135785e6044",
    "t=1714000000,t=1714000000,v0=" TS_HEX,
    "t=,v0=" TS_HEX,
    "t=1714000000,garbage,v0=" TS_HEX,
    "t=1714000000,,v0=" TS_HEX,
    "v=1714000000000,d=" TS_HEX,
  };

  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, tampered, TS_HEADER, TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_assert_cmpstr (error->message, ==, "The signature does not match the request body");
  g_clear_error (&error);

  g_assert_false (cb_signature_timestamped_verify ("whsec_abd", body, TS_HEADER, TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);

  /* The timestamp is signed too. */
  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, "t=1714000001,v0=" TS_HEX,
                                                   TS_T, CB_SIGNATURE_CALLBOARD_TOLERANCE_S,
                                                   &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, NULL, TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING);
  g_assert_cmpstr (error->message, ==, "The request has no signature header");
  g_clear_error (&error);
  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, "", TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MISSING);
  g_clear_error (&error);

  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, upper_header, TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_test_message ("%s", malformed[i]);
      g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, malformed[i], TS_T,
                                                       CB_SIGNATURE_CALLBOARD_TOLERANCE_S,
                                                       &error));
      g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED);
      g_clear_error (&error);
    }

  g_assert_false (cb_signature_timestamped_verify (TS_SECRET, body, "t=1714000000,v0=abc", TS_T,
                                                   CB_SIGNATURE_CALLBOARD_TOLERANCE_S, &error));
  g_assert_error (error, CB_SIGNATURE_ERROR, CB_SIGNATURE_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==,
                   "The signature header “t=1714000000,v0=abc” is malformed: expected "
                   "t=UNIX_SECONDS,v0=64 lower-case hex digits");
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  cb_test_init (&argc, &argv);

  g_test_add_func ("/signature/hmac-known-answers", test_hmac_known_answers);
  g_test_add_func ("/signature/equal", test_equal);
  g_test_add_func ("/signature/retell/sign", test_retell_sign);
  g_test_add_func ("/signature/retell/verify", test_retell_verify_ok);
  g_test_add_func ("/signature/retell/refused", test_retell_refused);
  g_test_add_func ("/signature/retell/round-trip", test_retell_round_trip);
  g_test_add_func ("/signature/timestamped/sign", test_timestamped_sign);
  g_test_add_func ("/signature/timestamped/verify", test_timestamped_verify);
  g_test_add_func ("/signature/timestamped/refused", test_timestamped_refused);

  return g_test_run ();
}
