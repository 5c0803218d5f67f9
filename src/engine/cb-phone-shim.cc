/* cb-phone-shim.cc — the few libphonenumber calls the engine makes, behind a C interface
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-phone-private.h"
#include "cb-phone-util.hh"

#include <cstring>
#include <map>
#include <set>
#include <string>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/* PhoneNumberUtil is a process-wide singleton whose const methods may be called from
 * several threads at once. Function-local statics are initialised exactly once. */
const PhoneNumberUtil &
phone_util ()
{
  static const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance ();

  return *util;
}

const std::set<std::string> &
supported_regions ()
{
  static const std::set<std::string> regions = [] {
    std::set<std::string> set;
    phone_util ().GetSupportedRegions (&set);
    return set;
  } ();

  return regions;
}

/* The regions GetRegionCodeForNumber() gives only to numbers valid there. For a country
 * code shared by several regions (+1, +44, +7…) it tries them in turn and takes the first
 * that either has leading digits the number starts with, or has none and whose number
 * patterns the number matches: the very test IsValidNumberForRegion() makes. So a region
 * of a shared country code without leading digits, once found, means a valid number.
 * Read from the same metadata as libphonenumber's own tables (its country code map
 * counts every entry but "ZZ"); when that cannot be read the set is empty, which only
 * costs time. */
const std::set<std::string> &
regions_found_valid ()
{
  static const std::set<std::string> regions = [] {
    std::set<std::string> set;
    PhoneMetadataCollection collection;
    std::map<int, int> n_regions;

    if (!collection.ParseFromArray (i18n::phonenumbers::metadata_get (),
                                    i18n::phonenumbers::metadata_size ()))
      return set;

    for (const PhoneMetadata &metadata : collection.metadata ())
      {
        if (metadata.id () != "ZZ")
          n_regions[metadata.country_code ()]++;
      }

    for (const PhoneMetadata &metadata : collection.metadata ())
      {
        if (metadata.id () != "ZZ" && metadata.id () != "001" &&
            n_regions[metadata.country_code ()] > 1 && !metadata.has_leading_digits ())
          set.insert (metadata.id ());
      }

    return set;
  } ();

  return regions;
}

/* Copies @src into @dest when it fits; an empty string otherwise. */
void
copy_string (char              *dest,
             size_t             dest_size,
             const std::string &src)
{
  if (src.size () < dest_size)
    memcpy (dest, src.c_str (), src.size () + 1);
  else
    dest[0] = '\0';
}

CbPhoneResult
parse (const char        *text,
       const char        *default_region,
       CbPhoneParseFlags  flags,
       CbParsedPhone     *out,
       gboolean          *geographical)
{
  const PhoneNumberUtil &util = phone_util ();
  PhoneNumber number;
  std::string e164;
  std::string region;
  bool valid;

  if (util.Parse (text, default_region != NULL ? default_region : "", &number)
      != PhoneNumberUtil::NO_PARSING_ERROR)
    return CB_PHONE_UNPARSABLE;

  util.Format (number, PhoneNumberUtil::E164, &e164);

  /* IsValidNumber() is, by definition, IsValidNumberForRegion() for the region
   * GetRegionCodeForNumber() finds ("ZZ" when none, which is never valid). Calling it
   * would look the region up a second time: for +1 numbers that tries up to 25 NANPA
   * regions. Some regions already say the number is valid. */
  util.GetRegionCodeForNumber (number, &region);
  valid = regions_found_valid ().count (region) > 0 ||
          util.IsValidNumberForRegion (number, region);

  if ((flags & CB_PHONE_PARSE_WITH_TYPE) != 0)
    {
      PhoneNumberUtil::PhoneNumberType type = PhoneNumberUtil::UNKNOWN;

      /* GetNumberType() matches the number against the metadata of that same region,
       * whose patterns IsValidNumberForRegion() has just found no match in when the
       * number is invalid: the type of an invalid number is UNKNOWN. */
      if (valid)
        type = util.GetNumberType (number);

      out->type = cb_phone_type_from_util (type);
      if (geographical != NULL)
        *geographical = util.IsNumberGeographical (type, number.country_code ());
    }

  if (region == "ZZ")
    region.clear ();

  copy_string (out->e164, sizeof out->e164, e164);
  copy_string (out->region, sizeof out->region, region);
  out->country_code = number.country_code ();

  /* Country code and national number together are at most 20 digits, far within the
   * buffer: this only guards the copy above. */
  if (out->e164[0] == '\0')
    return CB_PHONE_UNPARSABLE;

  return valid ? CB_PHONE_OK : CB_PHONE_INVALID;
}

} /* namespace */

CbPhoneResult
cb_phone_shim_parse (const char        *text,
                     const char        *default_region,
                     CbPhoneParseFlags  flags,
                     CbParsedPhone     *out,
                     gboolean          *geographical)
{
  g_assert (text != NULL);
  g_assert (out != NULL);

  cb_phone_parsed_clear (out, geographical);

  try
    {
      CbPhoneResult result = parse (text, default_region, flags, out, geographical);

      if (result == CB_PHONE_UNPARSABLE)
        cb_phone_parsed_clear (out, geographical);

      return result;
    }
  catch (...)
    {
      cb_phone_parsed_clear (out, geographical);
      return CB_PHONE_UNPARSABLE;
    }
}

gboolean
cb_phone_shim_is_known_region (const char *region)
{
  g_assert (region != NULL);

  try
    {
      return supported_regions ().count (region) > 0;
    }
  catch (...)
    {
      return FALSE;
    }
}
