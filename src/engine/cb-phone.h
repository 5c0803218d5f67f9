/* cb-phone.h — phone numbers: parsing, validation and time zones
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-types.h"

G_BEGIN_DECLS

typedef enum
{
  CB_PHONE_OK,          /* a valid number */
  CB_PHONE_EMPTY,       /* nothing but white space */
  CB_PHONE_UNPARSABLE,  /* libphonenumber could not parse it */
  CB_PHONE_INVALID,     /* parsed, but not a valid number for its region */
} CbPhoneResult;

typedef struct
{
  char        e164[24];      /* "+14155550100" (set when parsed, even if invalid) */
  char        region[4];     /* "US"; "001" for non-geographic; "" when unknown */
  int         country_code;  /* 1 */
  CbPhoneType type;
} CbParsedPhone;

/* Thread-safe: may be called from several threads at once.
 * @default_region: ISO 3166-1 alpha-2 code used for numbers without a leading "+",
 * or NULL/"" for none (such numbers are then CB_PHONE_UNPARSABLE). */
CbPhoneResult        cb_phone_parse                      (const char    *text,
                                                          const char    *default_region,
                                                          CbParsedPhone *out);
/* cb_phone_parse() without the number type, for callers that need only the result,
 * e164, region and country_code (the same as cb_phone_parse() gives): out->type is
 * always CB_PHONE_TYPE_UNKNOWN. Less work. Thread-safe. */
CbPhoneResult        cb_phone_validate                   (const char    *text,
                                                          const char    *default_region,
                                                          CbParsedPhone *out);
/* TRUE when @region is a region libphonenumber knows ("US", "GB", …), case-sensitive. */
gboolean             cb_phone_is_known_region            (const char    *region);
/* The region of the current locale (LC_ALL, LC_MESSAGES, LANG: "de_DE.UTF-8" → "DE"),
 * or NULL when the locale names none (C, POSIX). */
char                *cb_phone_default_region_from_locale (void);
/* IANA time zones of an E.164 number, from the prefix table generated from
 * libphonenumber's metadata. Never NULL; a NULL-terminated static array whose
 * only element is "Etc/Unknown" when nothing is known. */
const char * const  *cb_phone_time_zones                 (const char    *e164);
const char          *cb_phone_type_to_string             (CbPhoneType    type);

G_END_DECLS
