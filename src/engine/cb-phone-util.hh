/* cb-phone-util.hh — what the libphonenumber shim and the fast path share
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cstring>

#include <phonenumbers/phonenumberutil.h>

#include "cb-phone-private.h"

/* The compiled-in metadata PhoneNumberUtil reads its PhoneMetadataCollection from
 * (libphonenumber's src/phonenumbers/metadata.h, which is not installed). */
namespace i18n {
namespace phonenumbers {
int         metadata_size ();
const void *metadata_get  ();
} /* namespace phonenumbers */
} /* namespace i18n */

static inline CbPhoneType
cb_phone_type_from_util (i18n::phonenumbers::PhoneNumberUtil::PhoneNumberType type)
{
  using i18n::phonenumbers::PhoneNumberUtil;

  switch (type)
    {
    case PhoneNumberUtil::FIXED_LINE:           return CB_PHONE_TYPE_FIXED_LINE;
    case PhoneNumberUtil::MOBILE:               return CB_PHONE_TYPE_MOBILE;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE;
    case PhoneNumberUtil::TOLL_FREE:            return CB_PHONE_TYPE_TOLL_FREE;
    case PhoneNumberUtil::PREMIUM_RATE:         return CB_PHONE_TYPE_PREMIUM_RATE;
    case PhoneNumberUtil::SHARED_COST:          return CB_PHONE_TYPE_SHARED_COST;
    case PhoneNumberUtil::VOIP:                 return CB_PHONE_TYPE_VOIP;
    case PhoneNumberUtil::PERSONAL_NUMBER:      return CB_PHONE_TYPE_PERSONAL_NUMBER;
    case PhoneNumberUtil::PAGER:                return CB_PHONE_TYPE_PAGER;
    case PhoneNumberUtil::UAN:                  return CB_PHONE_TYPE_UAN;
    case PhoneNumberUtil::VOICEMAIL:            return CB_PHONE_TYPE_VOICEMAIL;
    case PhoneNumberUtil::UNKNOWN:
    default:                                    return CB_PHONE_TYPE_UNKNOWN;
    }
}

/* An empty answer: no number, type unknown, not geographical. */
static inline void
cb_phone_parsed_clear (CbParsedPhone *out,
                       gboolean      *geographical)
{
  memset (out, 0, sizeof *out);
  out->type = CB_PHONE_TYPE_UNKNOWN;
  if (geographical != NULL)
    *geographical = FALSE;
}
