#!/usr/bin/python3
# phone-crosscheck.py — compares Callboard's phone layer with the phonenumbers Python package
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes a few thousand sample inputs (every region's example number of every type in
# several spellings, variants that are too short, too long or of the wrong region,
# non-geographic numbers, odd text) and prints, for each, the parse result class, E.164,
# region, country code, type and time zones as phonenumbers sees them.
#
#   phone-crosscheck.py                  print the Python results
#   phone-crosscheck.py --input          print the input lines the C side reads
#   phone-crosscheck.py --compare PROG   run PROG on the input and compare line by line
#
# Input lines: "P<TAB>REGION<TAB>HEX" parses the UTF-8 text HEX with the default region
# REGION ("-" for none); "Z<TAB>HEX" asks for the time zones of the text HEX.
# Exit status 77 (skipped) when the phonenumbers module is missing.

import argparse
import subprocess
import sys

try:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType, NumberParseException
    from phonenumbers import timezone
except ImportError:
    print('SKIP: the phonenumbers Python module is missing (apt-get install python3-phonenumbers)')
    sys.exit(77)

NO_REGION = '-'


def type_name(t):
    return PhoneNumberType.to_string(t).lower()


def time_zones(text):
    try:
        n = phonenumbers.parse(text, None)
    except NumberParseException:
        return ('Etc/Unknown',)
    return timezone.time_zones_for_number(n)


def parse_line(text, region):
    t = text.strip()
    if not t:
        return 'empty\t\t\t0\tunknown\tEtc/Unknown'
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = None
    try:
        n = phonenumbers.parse(t, region)
    except NumberParseException:
        return 'unparsable\t\t\t0\tunknown\tEtc/Unknown'
    e164 = phonenumbers.format_number(n, PhoneNumberFormat.E164)
    number_region = phonenumbers.region_code_for_number(n) or ''
    if number_region == 'ZZ':
        number_region = ''
    result = 'ok' if phonenumbers.is_valid_number(n) else 'invalid'
    return '\t'.join((result, e164, number_region, str(n.country_code),
                      type_name(phonenumbers.number_type(n)), ','.join(time_zones(e164))))


def zones_line(text):
    return ','.join(time_zones(text))


def all_types():
    return [t for t in PhoneNumberType.values() if t != PhoneNumberType.UNKNOWN]


def make_samples():
    """A list of ('P', region, text) and ('Z', None, text), in a fixed order."""
    samples = []
    seen = set()

    def p(region, text):
        key = ('P', region, text)
        if key not in seen:
            seen.add(key)
            samples.append(key)

    def z(text):
        key = ('Z', None, text)
        if key not in seen:
            seen.add(key)
            samples.append(key)

    fmt = phonenumbers.format_number
    valid_e164 = []

    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for t in all_types():
            n = phonenumbers.example_number_for_type(region, t)
            if n is None:
                continue
            e164 = fmt(n, PhoneNumberFormat.E164)
            valid_e164.append(e164)
            p(NO_REGION, e164)
            p(region, fmt(n, PhoneNumberFormat.NATIONAL))

        n = phonenumbers.example_number(region)
        if n is None:
            continue
        e164 = fmt(n, PhoneNumberFormat.E164)
        national = fmt(n, PhoneNumberFormat.NATIONAL)
        p(region, fmt(n, PhoneNumberFormat.INTERNATIONAL))
        p(region, fmt(n, PhoneNumberFormat.RFC3966))
        p(NO_REGION, national)                       # no region: unparsable
        p('US' if region != 'US' else 'GB', national)  # the wrong region
        p(region.lower(), national)                  # lower case: no region
        p(region, national + '7')                    # one digit too many
        p(region, national[:-1])                     # one digit too few
        p(NO_REGION, e164[:-2])
        p(NO_REGION, e164 + '12')
        p(region, '  ' + national.replace(' ', '-') + '\t')
        p(region, '00' + e164[1:])                   # an international prefix, perhaps
        z(e164 + '0')

    for cc in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        n = phonenumbers.example_number_for_non_geo_entity(cc)
        if n is None:
            continue
        e164 = fmt(n, PhoneNumberFormat.E164)
        valid_e164.append(e164)
        p(NO_REGION, e164)
        p('US', fmt(n, PhoneNumberFormat.INTERNATIONAL))
        p(NO_REGION, e164[:-1])
        p(NO_REGION, e164 + '9')

    # Every prefix of the time-zone table, laid over a valid number of its country.
    from phonenumbers.tzdata import TIMEZONE_DATA
    by_cc = {}
    for e164 in valid_e164:
        by_cc.setdefault(phonenumbers.parse(e164).country_code, []).append(e164[1:])
    for prefix in sorted(TIMEZONE_DATA, key=int):
        for cc_len in (1, 2, 3):
            examples = by_cc.get(int(prefix[:cc_len]))
            if examples:
                for digits in examples[:2]:
                    if len(digits) > len(prefix):
                        z('+' + prefix + digits[len(prefix):])
                    else:
                        z('+' + prefix)
                break

    # Hand-picked text.
    odd = [
        ('US', '(415) 555-0100'), ('US', '415.555.0100'), ('US', '+1 (415) 555-0100'),
        ('US', '1-800-FLOWERS'), ('US', '555-CALL-NOW'), ('US', '1-800-GOT-JUNK'),
        ('US', '800 MICROSOFT'), ('US', '415-555-01OO'), ('US', 'call me'),
        ('US', 'abc'), ('US', '12'), ('US', '+1'), ('US', '+'), ('US', '++14155550100'),
        ('US', '011 44 20 7946 0958'), ('DE', '00 44 20 7946 0958'), ('GB', '020 7946 0958'),
        ('GB', '+44 (0) 20 7946 0958'), ('DE', '030 123456'), ('DE', '0151 23456789'),
        ('IN', '098765 43210'), ('IN', '9876543210'), ('IN', '+91-98765-43210'),
        ('US', '4155550100 ext. 12'), ('US', '415-555-0100 x12'), ('US', '4155550100;ext=7'),
        ('US', 'tel:+1-415-555-0100'), ('US', 'tel:415-555-0100;phone-context=+1'),
        (NO_REGION, 'tel:+44-20-7946-0958'), (NO_REGION, 'tel:2079460958;phone-context=+44'),
        ('US', 'tel:'), (NO_REGION, '+999 123 456 789'), (NO_REGION, '+0 123 456 789'),
        (NO_REGION, '+800 1234 5678'), (NO_REGION, '+882 3421 0000 00'),
        (NO_REGION, '+14155550100'), (NO_REGION, '+442079460958'), (NO_REGION, '4155550100'),
        ('ZZ', '+14155550100'), ('001', '+80012345678'), ('', '+14155550100'),
        ('US', '\uff0b\uff11\uff14\uff11\uff15\uff15\uff15\uff15\uff10\uff11\uff10\uff10'),
        ('EG', '\u0660\u0661\u0660\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667'),
        ('US', '\u00a0+1 415 555 0100\u3000'), ('US', '\u200b4155550100'),
        ('US', '4155550100\u200b'), ('US', '\u2060+14155550100'),
        ('US', '415\u2011555\u20110100'), ('US', '415\u2013555\u20130100'),
        ('US', '+1 415 555 0100 / +1 415 555 0101'), ('US', '(415) 555-0100 x302/x2303'),
        ('US', '1 (415) 555-0100'), ('US', '001 415 555 0100'), ('US', '+1 415 555 01000'),
        ('CA', '416-555-0100'), ('CA', '(604) 555-0100'), ('RU', '8 (912) 345-67-89'),
        ('RU', '+7 912 345-67-89'), ('KZ', '+7 701 123 4567'), ('IT', '02 1234 5678'),
        ('IT', '+39 06 1234 5678'), ('AR', '011 15-2345-6789'), ('MX', '55 1234 5678'),
        ('BR', '(11) 91234-5678'), ('ID', '0812 3456 789'), ('CN', '138 0013 8000'),
        ('AU', '0412 345 678'), ('FR', '06 12 34 56 78'), ('FR', '+33 (0)6 12 34 56 78'),
        ('JP', '03-1234-5678'), ('NL', '06-12345678'), ('US', '0'), ('US', '00'),
        ('US', '-'), ('US', '()'), ('US', '#'), ('US', '*123#'), ('US', '911'),
        ('US', '+1 800 253 0000'), ('US', '+1 888 555 0100'), ('GB', '0800 123 4567'),
        ('GB', '07700 900123'), ('GB', '+44 7700 900123'), ('DE', '+49 1234'),
        ('US', ' '), ('US', ''), ('US', '\t\n\r '), ('US', '\u3000\u00a0\u2028'),
        ('US', '\x1c4155550100\x1f'), ('US', '\x85+14155550100\u205f'),
        ('US', '\u200b'), ('US', '\ufeff4155550100'),
        ('US', '1' * 16), ('US', '1' * 20), ('US', '+' + '1' * 30),
        ('US', '4155550100' + ' ' * 300), ('US', ' ' * 300 + '4155550100'),
        ('US', '+1 415 555 0100' + '-' * 236), ('US', '+1 415 555 0100' + '-' * 235),
        ('US', 'x' * 251), ('US', '9' * 251), ('US', '4' * 250),
        ('US', '\u00e9' * 100 + '+14155550100'), ('US', '\u00e9' * 237 + '+14155550100'),
        ('US', '\u00e9' * 239 + '+14155550100'), ('US', '\u4e00' * 200 + '4155550100'),
        ('US', '+1 415 555 0100\u00e9\u00e9'), ('US', 'Phone: +1 415 555 0100'),
    ]
    for c in (0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
              0x2000, 0x2005, 0x200a, 0x200b, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
              0x180e, 0x00ad):
        odd.append(('US', chr(c) + '4155550100' + chr(c)))
    for region, text in odd:
        p(region, text)

    for text in ('', ' ', '+', 'abc', '+14155550100', ' +14155550100', '+1 415 555 0100',
                 '+1415555010', '+999123456789', '+80012345678', '+8001234567',
                 '+79123456789', '+77011234567', '+16135550100', '+18002530000',
                 '+442079460958', '+447700900123', '+390612345678', '+5491123456789',
                 '+8613800138000', '+81312345678', '4155550100', 'tel:+14155550100',
                 '+1' + '5' * 300, '\u00e9' * 240 + '+14155550100'):
        z(text)

    return samples


def input_lines(samples):
    lines = []
    for kind, region, text in samples:
        hex_text = text.encode('utf-8').hex()
        if kind == 'P':
            lines.append('P\t%s\t%s' % (region, hex_text))
        else:
            lines.append('Z\t%s' % hex_text)
    return lines


def python_lines(samples):
    lines = []
    for kind, region, text in samples:
        if kind == 'P':
            lines.append(parse_line(text, None if region == NO_REGION else region))
        else:
            lines.append(zones_line(text))
    return lines


def main():
    parser = argparse.ArgumentParser(description='Compare the phone layer with phonenumbers.')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--input', action='store_true', help='print the input lines')
    group.add_argument('--compare', metavar='PROG', help='run PROG and compare its output')
    args = parser.parse_args()

    samples = make_samples()
    lines_in = input_lines(samples)

    if args.input:
        print('\n'.join(lines_in))
        return 0

    expected = python_lines(samples)
    if not args.compare:
        for (kind, region, text), line in zip(samples, expected):
            print('%s\t%s\t%r\t%s' % (kind, region or '', text, line))
        return 0

    proc = subprocess.run([args.compare], input=('\n'.join(lines_in) + '\n').encode('utf-8'),
                          stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        print('%s exited with status %d' % (args.compare, proc.returncode))
        return 1
    got = proc.stdout.decode('utf-8').split('\n')
    if got and got[-1] == '':
        got.pop()

    mismatches = 0
    for i, (kind, region, text) in enumerate(samples):
        want = expected[i]
        have = got[i] if i < len(got) else '<missing>'
        if want != have:
            mismatches += 1
            if mismatches <= 30:
                print('MISMATCH %s region=%s text=%r\n  python: %s\n  C:      %s'
                      % (kind, region, text, want, have))
    if len(got) != len(expected):
        print('line count: python %d, C %d' % (len(expected), len(got)))
        mismatches += 1

    n_ok = sum(1 for line in expected if line.startswith('ok\t'))
    print('%d samples (%d valid numbers, %d time-zone lookups): %d mismatches'
          % (len(samples), n_ok, sum(1 for s in samples if s[0] == 'Z'), mismatches))
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main())
