/* cb-phone-fast.cc — libphonenumber's answer for plain digits, without its per-call costs
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What cb_phone_shim_parse() computes with PhoneNumberUtil::Parse(), Format(E164),
 * GetRegionCodeForNumber(), IsValidNumberForRegion() and GetNumberType(), for a text that
 * is an optional "+" and nothing but ASCII digits: the same steps, in the same order, on
 * the same metadata (the PhoneMetadataCollection libphonenumber itself loads, from its
 * metadata_get()), with the same regular expressions. What differs is only the cost:
 * libphonenumber's ICU matchers convert the input to UTF-16 and allocate a matcher for
 * every match, and look compiled patterns up in a locked cache. Here each pattern is
 * compiled once, when first needed, with PCRE2 and its JIT.
 *
 * The steps follow libphonenumber 8.12's phonenumberutil.cc (ParseHelper and the
 * functions it calls); a digits-only text skips every step that looks at anything else
 * (extensions, RFC 3966, letters, punctuation, other scripts' digits). Both regular
 * expression engines are backtracking engines with the same leftmost, first-alternative
 * semantics, so they find the same matches and captures; ICU's lookingAt() is a match
 * anchored at the start, matches() one anchored at both ends.
 *
 * Whatever this file is not sure of, it declines (cb_phone_fast_parse() returns FALSE)
 * and libphonenumber decides: text that is not "+digits", longer than 64 bytes, a pattern
 * PCRE2 does not compile, a national-prefix transform rule other than digits and "$N".
 * tests/test-phone-fast.c compares both over every region's example numbers and many
 * variants of them. */

#define G_LOG_DOMAIN "callboard-phone"

#include "config.h"

#include "cb-phone-private.h"
#include "cb-phone-util.hh"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/* The longest text the fast path takes; libphonenumber decides longer ones. */
constexpr size_t kMaxDigits = 64;
/* libphonenumber's limits on a national significant number and a country code. */
constexpr size_t kMinLengthForNsn = 2;
constexpr size_t kMaxLengthForNsn = 17;
constexpr size_t kMaxLengthCountryCode = 3;

/* Thrown when the fast path cannot answer; caught in cb_phone_fast_parse(). */
struct Decline {};

/* One regular expression of the metadata, compiled on first use: anchored at the start
 * (ICU's lookingAt(), libphonenumber's Consume()) and at both ends (matches(),
 * FullMatch()). */
class Pattern
{
public:
  explicit Pattern (const std::string &source) : source_ (source) {}

  ~Pattern ()
  {
    for (Compiled *compiled : { reinterpret_cast<Compiled *> (prefix_),
                                reinterpret_cast<Compiled *> (full_) })
      {
        if (compiled != nullptr && compiled != &failed_)
          {
            pcre2_code_free (compiled->code);
            delete compiled;
          }
      }
  }

  Pattern (const Pattern &) = delete;
  Pattern &operator= (const Pattern &) = delete;

  /* The end of the match anchored at the start of @subject, or -1. Captures go to
   * @match_data. */
  int
  consume (const std::string &subject,
           pcre2_match_data  *match_data)
  {
    const Compiled *compiled = get (&prefix_, PCRE2_ANCHORED);
    int rc = pcre2_match (compiled->code, (PCRE2_SPTR) subject.data (), subject.size (), 0, 0,
                          match_data, nullptr);

    if (rc == PCRE2_ERROR_NOMATCH)
      return -1;
    if (rc < 0)
      throw Decline ();

    return (int) pcre2_get_ovector_pointer (match_data)[1];
  }

  bool
  full_match (const std::string &subject,
              pcre2_match_data  *match_data)
  {
    const Compiled *compiled = get (&full_, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
    int rc = pcre2_match (compiled->code, (PCRE2_SPTR) subject.data (), subject.size (), 0, 0,
                          match_data, nullptr);

    if (rc == PCRE2_ERROR_NOMATCH)
      return false;
    if (rc < 0)
      throw Decline ();

    return true;
  }

  /* The number of capturing groups (ICU's groupCount()). */
  int
  n_groups ()
  {
    return get (&prefix_, PCRE2_ANCHORED)->n_groups;
  }

private:
  struct Compiled
  {
    pcre2_code *code;
    int         n_groups;
  };

  const Compiled *
  get (gsize    *slot,
       uint32_t  options)
  {
    if (g_once_init_enter (slot))
      g_once_init_leave (slot, (gsize) compile (options));

    if (reinterpret_cast<Compiled *> (*slot) == &failed_)
      throw Decline ();

    return reinterpret_cast<Compiled *> (*slot);
  }

  Compiled *
  compile (uint32_t options) const
  {
    int error_code;
    PCRE2_SIZE error_offset;
    uint32_t n_groups = 0;
    pcre2_code *code;
    Compiled *compiled;

    /* The metadata's patterns are ASCII; anything else is left to ICU. */
    for (unsigned char c : source_)
      {
        if (c >= 0x80 || c == '\0')
          return &failed_;
      }

    code = pcre2_compile ((PCRE2_SPTR) source_.data (), source_.size (), options,
                          &error_code, &error_offset, nullptr);
    if (code == nullptr)
      return &failed_;

    /* Without the JIT (not built in, or refused by the system) PCRE2 interprets the
     * pattern: slower, the same matches. */
    pcre2_jit_compile (code, PCRE2_JIT_COMPLETE);
    pcre2_pattern_info (code, PCRE2_INFO_CAPTURECOUNT, &n_groups);

    compiled = new Compiled;
    compiled->code = code;
    compiled->n_groups = (int) n_groups;

    return compiled;
  }

  static Compiled failed_;

  std::string source_;
  gsize       prefix_ = 0;
  gsize       full_ = 0;
};

Pattern::Compiled Pattern::failed_ = { nullptr, 0 };

/* PhoneNumberDesc: a pattern (NULL when the metadata's is empty) and possible lengths. */
struct Desc
{
  Pattern          *pattern = nullptr;
  std::vector<int>  lengths;
};

/* A piece of a national-prefix transform rule: digits, or the text of a group. */
struct RulePiece
{
  int         group;     /* 0 for a literal */
  std::string literal;
};

struct Region
{
  std::string             id;
  int                     country_code = 0;
  std::string             country_code_text;
  Pattern                *international_prefix = nullptr;
  Pattern                *national_prefix_for_parsing = nullptr;  /* NULL when empty */
  bool                    has_transform_rule = false;
  bool                    transform_rule_ok = false;
  std::vector<RulePiece>  transform_rule;
  Pattern                *leading_digits = nullptr;               /* NULL when absent */
  bool                    same_mobile_and_fixed_line_pattern = false;
  Desc                    general;
  std::vector<int>        general_local_lengths;
  /* In GetNumberTypeHelper()'s order. */
  Desc                    premium_rate, toll_free, shared_cost, voip, personal_number, pager,
                          uan, voicemail, fixed_line, mobile;
};

class Metadata
{
public:
  bool ok = false;

  Metadata ()
  {
    PhoneMetadataCollection collection;
    std::map<int, std::vector<std::string>> by_code;

    if (!collection.ParseFromArray (i18n::phonenumbers::metadata_get (),
                                    i18n::phonenumbers::metadata_size ()))
      return;

    /* As PhoneNumberUtil's constructor: "ZZ" skipped, "001" entries by country code, the
     * first entry of a region kept, the main country of a shared code first. */
    for (const PhoneMetadata &metadata : collection.metadata ())
      {
        const std::string &id = metadata.id ();
        const Region *region;

        if (id == "ZZ")
          continue;

        region = add_region (metadata);
        if (id == "001")
          non_geographical_.emplace (metadata.country_code (), region);
        else
          regions_.emplace (id, region);

        std::vector<std::string> &list = by_code[metadata.country_code ()];
        if (!list.empty () && metadata.main_country_for_code ())
          list.insert (list.begin (), id);
        else
          list.push_back (id);
      }

    /* The entries libphonenumber finds for each of those names. */
    for (const auto &entry : by_code)
      {
        if (entry.first < 0 || entry.first >= (int) G_N_ELEMENTS (by_code_))
          return;

        for (const std::string &id : entry.second)
          {
            const Region *region = region_or_calling_code (entry.first, id);

            if (region == nullptr)
              return;
            by_code_[entry.first].push_back (region);
          }
      }

    ok = true;
  }

  ~Metadata ()
  {
    for (auto &entry : patterns_)
      delete entry.second;
  }

  const Region *
  region (const char *id) const
  {
    auto it = regions_.find (id);

    return it != regions_.end () ? it->second : nullptr;
  }

  /* GetMetadataForRegionOrCallingCode(). */
  const Region *
  region_or_calling_code (int                country_code,
                          const std::string &id) const
  {
    if (id == "001")
      {
        auto it = non_geographical_.find (country_code);

        return it != non_geographical_.end () ? it->second : nullptr;
      }

    return region (id.c_str ());
  }

  /* GetRegionCodesForCountryCallingCode(), as the entries (geographical or "001"). */
  const std::vector<const Region *> &
  regions_for_code (int country_code) const
  {
    static const std::vector<const Region *> none;

    if (country_code < 0 || country_code >= (int) G_N_ELEMENTS (by_code_))
      return none;

    return by_code_[country_code];
  }

private:
  Pattern *
  pattern (const std::string &source)
  {
    auto it = patterns_.find (source);

    if (it != patterns_.end ())
      return it->second;

    Pattern *pattern = new Pattern (source);
    patterns_.emplace (source, pattern);
    return pattern;
  }

  void
  read_desc (Desc                  *desc,
             const PhoneNumberDesc &source)
  {
    if (!source.national_number_pattern ().empty ())
      desc->pattern = pattern (source.national_number_pattern ());
    desc->lengths.assign (source.possible_length ().begin (), source.possible_length ().end ());
  }

  /* ICU's replacement syntax, restricted to what the metadata uses: digits and "$N" with
   * a one-digit group number that no digit follows. */
  static bool
  read_transform_rule (const std::string       &rule,
                       std::vector<RulePiece>  *pieces)
  {
    for (size_t i = 0; i < rule.size (); i++)
      {
        if (rule[i] == '$')
          {
            if (i + 1 >= rule.size () || !g_ascii_isdigit (rule[i + 1]) || rule[i + 1] == '0')
              return false;
            if (i + 2 < rule.size () && g_ascii_isdigit (rule[i + 2]))
              return false;
            pieces->push_back ({ rule[i + 1] - '0', std::string () });
            i++;
          }
        else if (g_ascii_isdigit (rule[i]))
          {
            if (pieces->empty () || pieces->back ().group != 0)
              pieces->push_back ({ 0, std::string () });
            pieces->back ().literal.push_back (rule[i]);
          }
        else
          return false;
      }

    return true;
  }

  const Region *
  add_region (const PhoneMetadata &metadata)
  {
    Region *region = new Region;

    all_.emplace_back (region);
    region->id = metadata.id ();
    region->country_code = metadata.country_code ();
    region->country_code_text = std::to_string (metadata.country_code ());
    region->international_prefix = pattern (metadata.international_prefix ());
    if (!metadata.national_prefix_for_parsing ().empty ())
      region->national_prefix_for_parsing = pattern (metadata.national_prefix_for_parsing ());
    region->has_transform_rule = !metadata.national_prefix_transform_rule ().empty ();
    if (region->has_transform_rule)
      region->transform_rule_ok = read_transform_rule (metadata.national_prefix_transform_rule (),
                                                       &region->transform_rule);
    if (metadata.has_leading_digits ())
      region->leading_digits = pattern (metadata.leading_digits ());
    region->same_mobile_and_fixed_line_pattern = metadata.same_mobile_and_fixed_line_pattern ();

    read_desc (&region->general, metadata.general_desc ());
    region->general_local_lengths.assign (metadata.general_desc ().possible_length_local_only ().begin (),
                                          metadata.general_desc ().possible_length_local_only ().end ());
    read_desc (&region->premium_rate, metadata.premium_rate ());
    read_desc (&region->toll_free, metadata.toll_free ());
    read_desc (&region->shared_cost, metadata.shared_cost ());
    read_desc (&region->voip, metadata.voip ());
    read_desc (&region->personal_number, metadata.personal_number ());
    read_desc (&region->pager, metadata.pager ());
    read_desc (&region->uan, metadata.uan ());
    read_desc (&region->voicemail, metadata.voicemail ());
    read_desc (&region->fixed_line, metadata.fixed_line ());
    read_desc (&region->mobile, metadata.mobile ());

    return region;
  }

  std::vector<std::unique_ptr<Region>>               all_;
  std::unordered_map<std::string, const Region *>    regions_;
  std::unordered_map<int, const Region *>            non_geographical_;
  /* Country codes have at most three digits. */
  std::vector<const Region *>                        by_code_[1000];
  std::unordered_map<std::string, Pattern *>         patterns_;
};

const Metadata &
metadata ()
{
  /* Never freed, like PhoneNumberUtil's own singleton. */
  static const Metadata *metadata = new Metadata ();

  return *metadata;
}

enum class Length { POSSIBLE, LOCAL_ONLY, TOO_SHORT, INVALID_LENGTH, TOO_LONG };

enum class ParseError { NONE, INVALID_COUNTRY_CODE, TOO_SHORT_AFTER_IDD };

/* One parse: the match data every match of it shares. */
class Parser
{
public:
  Parser () : match_data_ (pcre2_match_data_create (16, nullptr))
  {
    if (match_data_ == nullptr)
      throw Decline ();
  }

  ~Parser ()
  {
    pcre2_match_data_free (match_data_);
  }

  Parser (const Parser &) = delete;
  Parser &operator= (const Parser &) = delete;

  CbPhoneResult parse (const std::string &text,
                       const char        *default_region,
                       CbPhoneParseFlags  flags,
                       CbParsedPhone     *out,
                       gboolean          *geographical);

private:
  /* RegexBasedMatcher::MatchNationalNumber() without prefix matches. */
  bool
  match_national_number (const std::string &number,
                         const Desc        &desc)
  {
    return desc.pattern != nullptr && desc.pattern->full_match (number, match_data_);
  }

  /* IsNumberMatchingDesc(). */
  bool
  matches_desc (const std::string &number,
                const Desc        &desc)
  {
    if (!desc.lengths.empty () &&
        std::find (desc.lengths.begin (), desc.lengths.end (), (int) number.size ())
        == desc.lengths.end ())
      return false;

    return match_national_number (number, desc);
  }

  /* GetNumberTypeHelper(). */
  PhoneNumberUtil::PhoneNumberType
  number_type (const std::string &number,
               const Region      &region)
  {
    if (!matches_desc (number, region.general))
      return PhoneNumberUtil::UNKNOWN;
    if (matches_desc (number, region.premium_rate))
      return PhoneNumberUtil::PREMIUM_RATE;
    if (matches_desc (number, region.toll_free))
      return PhoneNumberUtil::TOLL_FREE;
    if (matches_desc (number, region.shared_cost))
      return PhoneNumberUtil::SHARED_COST;
    if (matches_desc (number, region.voip))
      return PhoneNumberUtil::VOIP;
    if (matches_desc (number, region.personal_number))
      return PhoneNumberUtil::PERSONAL_NUMBER;
    if (matches_desc (number, region.pager))
      return PhoneNumberUtil::PAGER;
    if (matches_desc (number, region.uan))
      return PhoneNumberUtil::UAN;
    if (matches_desc (number, region.voicemail))
      return PhoneNumberUtil::VOICEMAIL;

    if (matches_desc (number, region.fixed_line))
      {
        if (region.same_mobile_and_fixed_line_pattern)
          return PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
        if (matches_desc (number, region.mobile))
          return PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
        return PhoneNumberUtil::FIXED_LINE;
      }

    if (!region.same_mobile_and_fixed_line_pattern && matches_desc (number, region.mobile))
      return PhoneNumberUtil::MOBILE;

    return PhoneNumberUtil::UNKNOWN;
  }

  /* TestNumberLength() for the type UNKNOWN: the general description's lengths. */
  static Length
  test_number_length (const std::string &number,
                      const Region      &region)
  {
    const std::vector<int> &lengths = region.general.lengths;
    const std::vector<int> &local = region.general_local_lengths;
    int length = (int) number.size ();

    /* libphonenumber reads the first element unchecked; every region has one. */
    if (lengths.empty ())
      throw Decline ();

    if (lengths.front () == -1)
      return Length::INVALID_LENGTH;
    if (std::find (local.begin (), local.end (), length) != local.end ())
      return Length::LOCAL_ONLY;
    if (lengths.front () == length)
      return Length::POSSIBLE;
    if (lengths.front () > length)
      return Length::TOO_SHORT;
    if (lengths.back () < length)
      return Length::TOO_LONG;

    return std::find (lengths.begin () + 1, lengths.end (), length) != lengths.end ()
           ? Length::POSSIBLE : Length::INVALID_LENGTH;
  }

  /* The text of group @group of the last match ("" when it took no part). */
  std::string
  group_text (const std::string &subject,
              int                group)
  {
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer (match_data_);

    if ((uint32_t) group >= pcre2_get_ovector_count (match_data_) ||
        ovector[2 * group] == PCRE2_UNSET)
      return std::string ();

    return subject.substr (ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group]);
  }

  /* MaybeStripNationalPrefixAndCarrierCode(), without the carrier code. */
  bool
  strip_national_prefix (const Region &region,
                         std::string  *number)
  {
    Pattern *prefix = region.national_prefix_for_parsing;
    std::string captured;
    bool viable;
    int end;

    if (number->empty () || prefix == nullptr)
      return false;

    viable = match_national_number (*number, region.general);

    end = prefix->consume (*number, match_data_);
    if (end < 0)
      return false;

    /* Consume(input, &carrier, &captured) needs two groups, Consume(input, &captured)
     * one: the part of the prefix a transform keeps is the second group, or the first. */
    if (region.has_transform_rule && prefix->n_groups () >= 1)
      captured = group_text (*number, prefix->n_groups () >= 2 ? 2 : 1);

    if (!captured.empty ())
      {
        std::string transformed;

        /* Replace(): the first match is the one at the start; the rule replaces it. */
        if (!region.transform_rule_ok)
          throw Decline ();
        for (const RulePiece &piece : region.transform_rule)
          {
            if (piece.group > prefix->n_groups ())
              throw Decline ();
            transformed += piece.group == 0 ? piece.literal : group_text (*number, piece.group);
          }
        transformed.append (*number, end, std::string::npos);

        if (viable && !match_national_number (transformed, region.general))
          return false;
        *number = std::move (transformed);
        return true;
      }

    {
      std::string rest = number->substr (end);

      if (viable && !match_national_number (rest, region.general))
        return false;
      *number = std::move (rest);
      return true;
    }
  }

  /* ExtractCountryCode(). */
  static int
  extract_country_code (std::string *number)
  {
    if (number->empty () || (*number)[0] == '0')
      return 0;

    for (size_t i = 1; i <= kMaxLengthCountryCode; i++)
      {
        int code = atoi (number->substr (0, i).c_str ());

        if (!metadata ().regions_for_code (code).empty ())
          {
            number->erase (0, i);
            return code;
          }
      }

    return 0;
  }

  /* MaybeExtractCountryCode(), for digits with an optional leading "+". */
  ParseError
  extract_country_code (const Region *default_region,
                        std::string  *number,
                        int          *country_code)
  {
    bool international = false;

    /* MaybeStripInternationalPrefixAndNormalize(): digits need no normalising. */
    if (!number->empty () && (*number)[0] == '+')
      {
        number->erase (0, 1);
        international = true;
      }
    else if (!number->empty () && default_region != nullptr)
      {
        /* ParsePrefixAsIdd(); without a default region the pattern is "NonMatch". */
        int end = default_region->international_prefix->consume (*number, match_data_);

        if (end >= 0 && !(end < (int) number->size () && (*number)[end] == '0'))
          {
            number->erase (0, end);
            international = true;
          }
      }

    if (international)
      {
        int code;

        if (number->size () <= kMinLengthForNsn)
          return ParseError::TOO_SHORT_AFTER_IDD;
        code = extract_country_code (number);
        if (code == 0)
          return ParseError::INVALID_COUNTRY_CODE;
        *country_code = code;
        return ParseError::NONE;
      }

    if (default_region != nullptr &&
        number->compare (0, default_region->country_code_text.size (),
                         default_region->country_code_text) == 0)
      {
        std::string potential = number->substr (default_region->country_code_text.size ());

        strip_national_prefix (*default_region, &potential);
        if ((!match_national_number (*number, default_region->general) &&
             match_national_number (potential, default_region->general)) ||
            test_number_length (*number, *default_region) == Length::TOO_LONG)
          {
            *number = std::move (potential);
            *country_code = default_region->country_code;
            return ParseError::NONE;
          }
      }

    *country_code = 0;
    return ParseError::NONE;
  }

  pcre2_match_data *match_data_;
};

/* ParseHelper(), then what cb-phone-shim.cc's parse() does with the number. */
CbPhoneResult
Parser::parse (const std::string &text,
               const char        *default_region,
               CbPhoneParseFlags  flags,
               CbParsedPhone     *out,
               gboolean          *geographical)
{
  const Metadata &data = metadata ();
  const Region *default_metadata = default_region != nullptr ? data.region (default_region) : nullptr;
  const Region *country_metadata = default_metadata;
  const Region *number_region = nullptr;
  PhoneNumberUtil::PhoneNumberType type = PhoneNumberUtil::UNKNOWN;
  bool type_known = false;
  std::string number (text);
  std::string e164;
  ParseError error;
  int country_code = 0;

  /* CheckRegionForParsing(). */
  if (default_metadata == nullptr && text[0] != '+')
    return CB_PHONE_UNPARSABLE;

  error = extract_country_code (default_metadata, &number, &country_code);
  if (error != ParseError::NONE)
    {
      if (error != ParseError::INVALID_COUNTRY_CODE || text[0] != '+')
        return CB_PHONE_UNPARSABLE;

      /* Strip the plus and try again: "+011 44…" dialled from the US. */
      number = text.substr (1);
      country_code = 0;
      if (extract_country_code (default_metadata, &number, &country_code) != ParseError::NONE ||
          country_code == 0)
        return CB_PHONE_UNPARSABLE;
    }

  if (country_code != 0)
    {
      const std::vector<const Region *> &regions = data.regions_for_code (country_code);

      g_assert (!regions.empty ());
      if (default_region == nullptr || regions.front ()->id != default_region)
        country_metadata = data.region_or_calling_code (country_code, regions.front ()->id);
    }
  else if (country_metadata != nullptr)
    country_code = country_metadata->country_code;

  if (number.size () < kMinLengthForNsn)
    return CB_PHONE_UNPARSABLE;

  if (country_metadata != nullptr)
    {
      std::string potential (number);
      Length length;

      strip_national_prefix (*country_metadata, &potential);
      length = test_number_length (potential, *country_metadata);
      if (length != Length::TOO_SHORT && length != Length::LOCAL_ONLY &&
          length != Length::INVALID_LENGTH)
        number = std::move (potential);
    }

  if (number.size () < kMinLengthForNsn || number.size () > kMaxLengthForNsn)
    return CB_PHONE_UNPARSABLE;

  /* The national significant number libphonenumber rebuilds from the national number
   * and its leading zeros is this very text. Format (E164): "+", code, that number. */
  e164 = "+" + std::to_string (country_code) + number;

  /* GetRegionCodeForNumber(). */
  {
    const std::vector<const Region *> &regions = data.regions_for_code (country_code);

    if (regions.size () == 1)
      number_region = regions.front ();
    else
      {
        for (const Region *region : regions)
          {
            if (region->leading_digits != nullptr)
              {
                if (region->leading_digits->consume (number, match_data_) >= 0)
                  {
                    number_region = region;
                    break;
                  }
              }
            else
              {
                type = number_type (number, *region);
                if (type != PhoneNumberUtil::UNKNOWN)
                  {
                    type_known = true;
                    number_region = region;
                    break;
                  }
              }
          }
      }
  }

  /* IsValidNumberForRegion() and GetNumberType(): both match the number against the
   * metadata of that region, found by country code for "001"; the region's own search
   * may have done it already. */
  if (number_region != nullptr)
    {
      const Region *region = data.region_or_calling_code (country_code, number_region->id);

      if (region == nullptr ||
          (number_region->id != "001" && region->country_code != country_code))
        type = PhoneNumberUtil::UNKNOWN;
      else if (!type_known || region != number_region)
        type = number_type (number, *region);
    }
  else
    type = PhoneNumberUtil::UNKNOWN;

  if ((flags & CB_PHONE_PARSE_WITH_TYPE) != 0)
    {
      out->type = cb_phone_type_from_util (type);
      if (geographical != nullptr)
        *geographical = PhoneNumberUtil::GetInstance ()->IsNumberGeographical (type, country_code);
    }

  g_assert (e164.size () < sizeof out->e164);
  memcpy (out->e164, e164.c_str (), e164.size () + 1);
  if (number_region != nullptr && number_region->id.size () < sizeof out->region)
    memcpy (out->region, number_region->id.c_str (), number_region->id.size () + 1);
  out->country_code = country_code;

  return type != PhoneNumberUtil::UNKNOWN ? CB_PHONE_OK : CB_PHONE_INVALID;
}

} /* namespace */

gboolean
cb_phone_fast_parse (const char        *text,
                     const char        *default_region,
                     CbPhoneParseFlags  flags,
                     CbParsedPhone     *out,
                     gboolean          *geographical,
                     CbPhoneResult     *result)
{
  size_t len;
  size_t n_digits = 0;

  g_assert (text != NULL);
  g_assert (out != NULL);
  g_assert (result != NULL);

  len = strlen (text);
  if (len > kMaxDigits)
    return FALSE;
  for (size_t i = text[0] == '+' ? 1 : 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      n_digits++;
    }
  /* libphonenumber's "viable number" test: three digits at least. */
  if (n_digits < 3)
    return FALSE;

  try
    {
      CbParsedPhone parsed;
      gboolean parsed_geographical;
      CbPhoneResult parse_result;

      if (!metadata ().ok)
        return FALSE;

      cb_phone_parsed_clear (&parsed, &parsed_geographical);
      {
        Parser parser;

        parse_result = parser.parse (text, default_region, flags, &parsed, &parsed_geographical);
      }

      if (parse_result == CB_PHONE_UNPARSABLE)
        cb_phone_parsed_clear (&parsed, &parsed_geographical);

      *out = parsed;
      if (geographical != NULL)
        *geographical = parsed_geographical;
      *result = parse_result;
      return TRUE;
    }
  catch (...)
    {
      return FALSE;
    }
}

GArray *
cb_phone_fast_dup_examples (void)
{
  GArray *examples = g_array_new (FALSE, TRUE, sizeof (CbPhoneExample));
  PhoneMetadataCollection collection;

  if (!collection.ParseFromArray (i18n::phonenumbers::metadata_get (),
                                  i18n::phonenumbers::metadata_size ()))
    return examples;

  for (const PhoneMetadata &metadata : collection.metadata ())
    {
      const PhoneNumberDesc *descs[] = {
        &metadata.general_desc (), &metadata.fixed_line (), &metadata.mobile (),
        &metadata.toll_free (), &metadata.premium_rate (), &metadata.shared_cost (),
        &metadata.personal_number (), &metadata.voip (), &metadata.pager (), &metadata.uan (),
        &metadata.voicemail (), &metadata.no_international_dialling (),
      };

      if (metadata.id () == "ZZ")
        continue;

      for (const PhoneNumberDesc *desc : descs)
        {
          CbPhoneExample example = { { 0 }, 0, { 0 }, { 0 } };

          if (desc->example_number ().empty () ||
              desc->example_number ().size () >= sizeof example.number ||
              metadata.id ().size () >= sizeof example.region ||
              metadata.national_prefix ().size () >= sizeof example.national_prefix)
            continue;

          g_strlcpy (example.region, metadata.id ().c_str (), sizeof example.region);
          example.country_code = metadata.country_code ();
          g_strlcpy (example.national_prefix, metadata.national_prefix ().c_str (),
                     sizeof example.national_prefix);
          g_strlcpy (example.number, desc->example_number ().c_str (), sizeof example.number);
          g_array_append_val (examples, example);
        }
    }

  return examples;
}
