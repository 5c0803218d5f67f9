#!/usr/bin/python3
# gen-phone-tz.py — writes src/engine/cb-phone-tz-data.c from libphonenumber's
# prefix → time zone metadata, as shipped in the phonenumbers Python package.
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (Debian 12, python3-phonenumbers 8.12.57):
#   /usr/bin/python3 build-aux/gen-phone-tz.py src/engine/cb-phone-tz-data.c
#
# The output is committed; the build never runs this script.

import argparse
import sys

EXPECTED_VERSION = '8.12.57'
PREFIXES_PER_LINE = 9


def c_string(s):
    if not all(c.isascii() and c.isprintable() and c not in '"\\' for c in s):
        raise SystemExit('unexpected character in time zone name %r' % s)
    return '"%s"' % s


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('output', help='the .c file to write, or - for standard output')
    parser.add_argument('--allow-version', action='store_true',
                        help='accept a phonenumbers version other than %s' % EXPECTED_VERSION)
    args = parser.parse_args()

    try:
        import phonenumbers
        from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX
    except ImportError:
        raise SystemExit('the phonenumbers module is missing (apt-get install python3-phonenumbers)')

    version = phonenumbers.__version__
    if version != EXPECTED_VERSION and not args.allow_version:
        raise SystemExit('phonenumbers is %s, expected %s (see --allow-version)'
                         % (version, EXPECTED_VERSION))

    # Prefixes become integers: that needs digits only, no leading zero (country calling
    # codes never start with 0), and at most 9 digits to fit in 32 bits.
    if not 1 <= TIMEZONE_LONGEST_PREFIX <= 9:
        raise SystemExit('longest prefix %d does not fit in 32 bits' % TIMEZONE_LONGEST_PREFIX)
    for prefix, zones in TIMEZONE_DATA.items():
        if not prefix.isascii() or not prefix.isdigit() or prefix[0] == '0':
            raise SystemExit('unexpected prefix %r' % prefix)
        if len(prefix) > TIMEZONE_LONGEST_PREFIX:
            raise SystemExit('prefix %r is longer than the longest prefix' % prefix)
        if len(zones) == 0:
            raise SystemExit('prefix %r has no time zone' % prefix)

    # Each distinct zone list once, NULL-terminated, in one flat array; in order of first use
    # by the sorted prefixes, so regenerating from the same data gives the same file.
    prefixes = sorted(TIMEZONE_DATA, key=int)
    list_offsets = {}
    flat = []
    for prefix in prefixes:
        zones = tuple(TIMEZONE_DATA[prefix])
        if zones not in list_offsets:
            list_offsets[zones] = len(flat)
            flat.extend(zones)
            flat.append(None)
    if len(flat) > 0xffff:
        raise SystemExit('%d zone list entries do not fit in 16 bits' % len(flat))

    out = []
    w = out.append
    w('/* cb-phone-tz-data.c — phone number prefix → IANA time zones\n')
    w(' *\n')
    w(' * Copyright 2026 The Callboard authors\n')
    w(' * Copyright (C) 2009-2022 The Libphonenumber Authors (the data)\n')
    w(' *\n')
    w(' * SPDX-License-Identifier: GPL-3.0-or-later AND Apache-2.0\n')
    w(' *\n')
    w(' * GENERATED FILE, do not edit. Derived from libphonenumber\'s time-zone metadata as\n')
    w(' * shipped by python3-phonenumbers %s (Apache-2.0, see COPYING and\n' % version)
    w(' * data/phone-tz-NOTICE.txt). Regenerate with:\n')
    w(' *\n')
    w(' *   /usr/bin/python3 build-aux/gen-phone-tz.py src/engine/cb-phone-tz-data.c\n')
    w(' *\n')
    w(' * %d prefixes, %d distinct zone lists, %d zone names.\n'
      % (len(prefixes), len(list_offsets), len({z for z in flat if z is not None})))
    w(' */\n\n')
    w('#define G_LOG_DOMAIN "callboard-phone"\n\n')
    w('#include "config.h"\n\n')
    w('#include "cb-phone-private.h"\n\n')
    w('const guint cb_phone_tz_longest_prefix = %d;\n' % TIMEZONE_LONGEST_PREFIX)
    w('const guint cb_phone_tz_n_prefixes = %d;\n\n' % len(prefixes))

    w('const char * const cb_phone_tz_lists[] = {\n')
    line = ' '
    for zone in flat:
        item = ' ' + (c_string(zone) if zone is not None else 'NULL') + ','
        if len(line) + len(item) > 99:
            w(line + '\n')
            line = '   '
        line += item
        if zone is None:
            w(line + '\n')
            line = ' '
    w('};\n\n')

    w('const guint32 cb_phone_tz_prefixes[] = {\n')
    for i in range(0, len(prefixes), PREFIXES_PER_LINE):
        chunk = prefixes[i:i + PREFIXES_PER_LINE]
        w('  ' + ' '.join('%s,' % p for p in chunk) + '\n')
    w('};\n\n')

    w('const guint16 cb_phone_tz_list_offsets[] = {\n')
    for i in range(0, len(prefixes), PREFIXES_PER_LINE * 2):
        chunk = prefixes[i:i + PREFIXES_PER_LINE * 2]
        w('  ' + ' '.join('%d,' % list_offsets[tuple(TIMEZONE_DATA[p])] for p in chunk) + '\n')
    w('};\n\n')

    w('G_STATIC_ASSERT (G_N_ELEMENTS (cb_phone_tz_prefixes) == %d);\n' % len(prefixes))
    w('G_STATIC_ASSERT (G_N_ELEMENTS (cb_phone_tz_list_offsets) == %d);\n' % len(prefixes))

    text = ''.join(out)
    if args.output == '-':
        sys.stdout.write(text)
    else:
        with open(args.output, 'w', encoding='utf-8') as f:
            f.write(text)


if __name__ == '__main__':
    main()
