/* cb-phone-private.h — between cb-phone.c, its libphonenumber shim and the time-zone table
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-phone.h"

G_BEGIN_DECLS

/* libphonenumber refuses longer input (counted in code points); so do we, before parsing. */
#define CB_PHONE_MAX_INPUT_CHARS 250

typedef enum
{
  CB_PHONE_PARSE_DEFAULT   = 0,
  /* Also find the number type (CbParsedPhone.type, @geographical): more work. */
  CB_PHONE_PARSE_WITH_TYPE = 1 << 0,
} CbPhoneParseFlags;

/* Parses @text (valid UTF-8, NUL-terminated) with libphonenumber. @default_region is a
 * supported region code or NULL. Returns CB_PHONE_UNPARSABLE, CB_PHONE_INVALID or
 * CB_PHONE_OK; @out is cleared first and filled whenever the text parsed, except its type,
 * which stays CB_PHONE_TYPE_UNKNOWN without CB_PHONE_PARSE_WITH_TYPE.
 * @geographical (may be NULL) receives libphonenumber's IsNumberGeographical() for the
 * number's type and country code (FALSE without CB_PHONE_PARSE_WITH_TYPE). Never lets a
 * C++ exception through. */
CbPhoneResult cb_phone_shim_parse            (const char        *text,
                                              const char        *default_region,
                                              CbPhoneParseFlags  flags,
                                              CbParsedPhone     *out,
                                              gboolean          *geographical);
gboolean      cb_phone_shim_is_known_region  (const char    *region);

/* cb_phone_shim_parse() for @text made of an optional "+" and ASCII digits only, computed
 * from libphonenumber's metadata without its per-call costs (cb-phone-fast.cc). Returns
 * TRUE and sets @result, @out and @geographical exactly as cb_phone_shim_parse() would;
 * returns FALSE, touching nothing, when it cannot tell (other text, unusual metadata):
 * the caller then asks libphonenumber. Thread-safe. */
gboolean      cb_phone_fast_parse            (const char        *text,
                                              const char        *default_region,
                                              CbPhoneParseFlags  flags,
                                              CbParsedPhone     *out,
                                              gboolean          *geographical,
                                              CbPhoneResult     *result);

/* An example number of libphonenumber's metadata, for tests. */
typedef struct
{
  char region[4];           /* "US"; "001" for non-geographic entities */
  int  country_code;
  char national_prefix[8];  /* the national prefix dialled before it ("0"), or "" */
  char number[24];          /* the national significant number */
} CbPhoneExample;

/* Every example number of every region and number type in libphonenumber's metadata,
 * in its order: a GArray of CbPhoneExample. */
GArray       *cb_phone_fast_dup_examples     (void);

/* The generated table, cb-phone-tz-data.c. cb_phone_tz_prefixes[] holds the prefixes
 * (digits after the "+", read as decimal integers; none starts with 0), sorted;
 * cb_phone_tz_list_offsets[i] is where the NULL-terminated zone list of prefix i begins
 * in cb_phone_tz_lists[]. */
extern const guint               cb_phone_tz_longest_prefix;
extern const guint               cb_phone_tz_n_prefixes;
extern const guint32             cb_phone_tz_prefixes[];
extern const guint16             cb_phone_tz_list_offsets[];
extern const char * const        cb_phone_tz_lists[];

G_END_DECLS
