#!/usr/bin/python3
# validate_peer.py — `callboard-engine validate` for CSV files, in Python
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The same rules as src/engine/cb-import*.c, written with the standard csv module and
# python3-phonenumbers, so the benchmark can compare the two outputs byte for byte and
# time them. CSV only (no XLSX/XLS); no database (the do-not-call list is not read).
#
#   validate_peer.py FILE [--region CC] [--json] [--phone-column NAME]
#                         [--allowed-countries CC,CC] [--max-rows N]
#
# Exit status 0 (all valid), 1 (some invalid), 2 (cannot read), as the engine.

import argparse
import csv
import io
import json
import os
import sys

import phonenumbers

PHONE_NAMES = ('phone', 'phone_number', 'to_number', 'number')
REASONS = [
    ('missing_phone', 'Phone number is empty'),
    ('invalid_phone_number', 'Not a valid phone number'),
    ('country_not_allowed', 'Country not allowed'),
    ('duplicate', 'Same number as an earlier row'),
    ('suppressed', 'Number is on the do-not-call list'),
]
MISSING, INVALID, NOT_ALLOWED, DUPLICATE, SUPPRESSED = range(5)
MAX_PHONE_CHARS = 250


class Unreadable(Exception):
    pass


def detect_delimiter(text):
    """The most frequent of , ; and tab outside quotes in the first line (ties in
    that order; , when there is none)."""
    counts = {',': 0, ';': 0, '\t': 0}
    quoted = False
    for c in text:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in '\r\n':
            break
        elif not quoted and c in counts:
            counts[c] += 1
    best, best_count = ',', 0
    for c in (',', ';', '\t'):
        if counts[c] > best_count:
            best, best_count = c, counts[c]
    return best


def parse_phone(text, region):
    """(ok, e164, region) as cb_phone_parse() decides; ok is None for an empty cell."""
    text = text.strip()
    if not text:
        return None, None, None
    if len(text) > MAX_PHONE_CHARS:
        return False, None, None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False, None, None
    if not phonenumbers.is_valid_number(number):
        return False, None, None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return True, e164, phonenumbers.region_code_for_number(number) or ''


def validate(path, region, phone_column, allowed, max_rows):
    name = os.path.basename(path)
    with open(path, 'rb') as f:
        data = f.read()
    if not data:
        raise Unreadable('“%s” is empty' % name)
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        raise Unreadable('“%s” is not UTF-8 text' % name)
    if '\0' in text:
        raise Unreadable('“%s” is not a CSV, XLSX or XLS file' % name)

    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=detect_delimiter(text))

    if region is not None:
        region = region.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise Unreadable('“%s” is not a known country code' % region)
    allowed = [c.strip().upper() for c in allowed if c.strip()]

    columns = None
    phone_index = 0
    rows = valid = 0
    groups = [[] for _ in REASONS]
    seen = set()

    for row_number, cells in enumerate(reader, start=1):
        if columns is None:
            if all(not c.strip() for c in cells):
                continue
            names = [c.strip() for c in cells]
            while names and not names[-1]:
                names.pop()
            folded = []
            for i, n in enumerate(names):
                if not n:
                    raise Unreadable('Column %d has no name in the header row' % (i + 1))
                f = n.casefold()
                if f in folded:
                    raise Unreadable('Columns %d and %d have the same name' % (folded.index(f) + 1, i + 1))
                folded.append(f)
            if phone_column is not None:
                wanted = phone_column.strip().casefold()
                if wanted not in folded:
                    raise Unreadable('“%s” has no column named “%s”' % (name, phone_column.strip()))
                phone_index = folded.index(wanted)
            else:
                matches = [i for i, n in enumerate(names) if n.lower() in PHONE_NAMES]
                if not matches:
                    raise Unreadable('“%s” has no phone column' % name)
                phone_index = matches[0]
            columns = names
            continue

        cells = cells[:len(columns)]
        if all(not c.strip() for c in cells):
            continue
        if rows == max_rows:
            raise Unreadable('“%s” has more than %d recipients' % (name, max_rows))
        rows += 1

        phone = cells[phone_index] if phone_index < len(cells) else ''
        ok, e164, number_region = parse_phone(phone, region)
        reason = None
        if ok is None:
            reason = MISSING
        elif not ok:
            reason = INVALID
        else:
            first = e164 not in seen
            seen.add(e164)
            if allowed and number_region not in allowed:
                reason = NOT_ALLOWED
            elif not first:
                reason = DUPLICATE
        if reason is None:
            valid += 1
        else:
            groups[reason].append(row_number)

    if columns is None:
        raise Unreadable('“%s” is empty' % name)
    if rows == 0:
        raise Unreadable('“%s” has a header row but no recipients' % name)

    return {
        'file': name,
        'rows': rows,
        'valid': valid,
        'invalid': rows - valid,
        'columns': columns,
        'phone_column': columns[phone_index],
        'groups': [{'reason': code, 'message': message, 'rows': groups[i]}
                   for i, (code, message) in enumerate(REASONS) if groups[i]],
    }


def main():
    parser = argparse.ArgumentParser(prog='validate_peer.py')
    parser.add_argument('file')
    parser.add_argument('--region')
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--phone-column')
    parser.add_argument('--allowed-countries', default='')
    parser.add_argument('--max-rows', type=int, default=100000)
    args = parser.parse_args()

    try:
        report = validate(args.file, args.region, args.phone_column,
                          args.allowed_countries.split(','), args.max_rows)
    except (Unreadable, OSError) as e:
        print('validate_peer.py: %s' % e, file=sys.stderr)
        return 2

    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, separators=(',', ':')) + '\n')
    else:
        print('%s: %d rows, %d valid, %d invalid' % (report['file'], report['rows'],
                                                     report['valid'], report['invalid']))
    return 1 if report['invalid'] else 0


if __name__ == '__main__':
    sys.exit(main())
