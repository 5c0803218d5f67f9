#!/usr/bin/python3
# make-fixtures.py — writes the recipient-file fixtures of tests/test-import.c
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run from anywhere: python3 tests/data/make-fixtures.py. The output is deterministic
# (fixed zip timestamps), so running it again changes nothing. XLSX files are written
# by hand (zipfile + XML) to control shared strings, inline strings and number cells;
# the XLS file needs python3-xlwt.

import os
import struct
import sys
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def csv_fixtures():
    write('import-bom.csv', '\ufeffphone,first_name\n+14155550100,Ann\n4155550101,Bob\n')
    write('import-semicolon.csv',
          'phone;first_name;city\n+1 415 555 0100;Ann;Paris, France\n415 555 0101;Bob;Lyon\n')
    write('import-tab.csv', 'first_name\tphone\tnote\nAnn\t+1 415 555 0100\ta, b; c\n'
          'Bob\t(415) 555-0101\t\n')
    write('import-crlf.csv', 'phone,first_name\r\n+14155550100,Ann\r\n\r\n'
          '+14155550101,Bob\r\nnope,Cy\r\n')
    write('import-quoted.csv',
          'phone,note,first_name\n'
          '"+1 415 555 0100","line one\nline two, with a comma",Ann\n'
          '"(415) 555-0101","He said ""hi""",Bob\n'
          '12345,"a\r\nb\r\nc",Cy\n'
          '+14155550102,plain,Di\n')
    write('import-blank-rows.csv',
          'phone,first_name\n+14155550100,Ann\n\n   \n,\n \t, \n+14155550101,Bob\n\n')
    write('import-phone-position.csv',
          'first_name,city,Phone\nAnn,Paris,+14155550100\nBob,Lyon,415-555-0101\n')
    write('import-duplicates.csv',
          'phone,first_name\n'
          '+14155550100,Ann\n'
          '(415) 555-0100,Bob\n'
          '415.555.0100,Cy\n'
          '1 415 555 0100,Di\n'
          '+1 415 555 0101,Ed\n'
          '+44 20 7946 0958,Flo\n'
          '020 7946 0958,Gus\n'
          '+442079460958,Hal\n')
    write('import-formats.csv',
          'phone,first_name\n'
          '4155550123,Ann\n'
          '+1 (212) 555-0142,Bob\n'
          '+44 20 7946 0958,Cy\n'
          '0044 20 7946 0959,Di\n'
          '020 7946 0960,Ed\n'
          '1-800-FLOWERS,Flo\n')
    write('import-letters.csv', 'phone,first_name\nabc,Ann\ncall me,Bob\n+14155550100,Cy\n')
    write('import-too-short.csv', 'phone,first_name\n12345,Ann\n+1 415 555 01,Bob\n+14155550100,Cy\n')
    write('import-unknown-country.csv',
          'phone,first_name\n+999 123 4567,Ann\n+80 1234 5678,Bob\n+14155550100,Cy\n')
    write('import-empty-phone.csv',
          'phone,first_name\n,Ann\n   ,Bob\n+14155550100,Cy\n"\t ",Di\n')
    write('import-formula.csv',
          'phone,first_name,link\n'
          '+14155550100,Ann,"=HYPERLINK(""http://x"",""y"")"\n'
          'nope,"=HYPERLINK(""http://x"",""y"")",-1\n'
          '+14155550100,@Bob,+2\n')
    write('import-empty.csv', b'')
    write('import-blank-lines.csv', '\n\r\n  \n\t\n')
    write('import-header-only.csv', 'phone,first_name\n\n\n')
    write('import-no-phone-column.csv', 'first_name,mobile\nAnn,+14155550100\n')
    write('import-duplicate-header.csv', 'phone,first_name,First_Name\n+14155550100,Ann,Ann\n')
    write('import-empty-header.csv', 'phone,,first_name,,\n+14155550100,x,Ann,,\n')
    write('import-trailing-empty-header.csv',
          'phone,first_name, ,\n+14155550100,Ann,extra,more,even more\n+14155550101\n')
    write('import-invalid-utf8.csv',
          'phone,first_name\n+14155550100,Ann\n+14155550101,Jos\xe9\n'.encode('latin-1'))
    write('import-phone-column-option.csv',
          'Phone,Mobile,first_name\n,+14155550100,Ann\n,(415) 555-0101,Bob\n')
    write('import-countries.csv',
          'phone,first_name\n'
          '+14155550100,Ann\n'
          '+16135550123,Bob\n'
          '+44 20 7946 0958,Cy\n'
          '+33 1 23 45 67 89,Di\n'
          '+44 20 7946 0958,Ed\n')
    write('import-suppressed.csv',
          'phone,first_name\n'
          '+14155550100,Ann\n'
          '4155550101,Bob\n'
          '(415) 555-0100,Cy\n'
          '+14155550102,Di\n'
          '+14155550102,Ed\n')
    write('import-many-rows.csv',
          'phone\n' + ''.join('+1415555%04d\n' % (100 + i) for i in range(5)))


def png_fixture():
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

    header = struct.pack('>IIBBBBB', 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b'\x00' + b'\xff\x00\x00' * 2 + b'\x00' + b'\x00\x00\xff' * 2)
    png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', pixels) +
           chunk(b'IEND', b''))
    write('import-image.csv', png)


CONTENT_TYPES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
%s
</Types>'''

PACKAGE_RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>'''

MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'


def workbook(sheets):
    """sheets: [(name, rId)] in workbook order."""
    items = ''.join('<sheet name="%s" sheetId="%d" r:id="%s"/>' % (name, i + 1, rid)
                    for i, (name, rid) in enumerate(sheets))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>'
            % (MAIN_NS, REL_NS, items))


def workbook_rels(rels):
    """rels: [(rId, type, target)]"""
    items = ''.join('<Relationship Id="%s" Type="%s%s" Target="%s"/>' % (rid, REL_TYPE, kind, target)
                    for rid, kind, target in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '%s</Relationships>' % items)


def sheet(rows):
    """rows: raw XML of the <row> elements."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (MAIN_NS, rows))


def zip_bytes(parts):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def xlsx_numeric():
    # Header as shared strings; phones typed as numbers, one in exponent form as
    # Excel stores it; a decimal, a boolean and a percentage-like fraction.
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<sst xmlns="%s" count="4" uniqueCount="4">'
              '<si><t>phone</t></si><si><t>first_name</t></si><si><t>amount</t></si>'
              '<si><t>vip</t></si></sst>' % MAIN_NS)
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
            '<row r="2"><c r="A2"><v>4155550100</v></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c>'
            '<c r="C2"><v>0.1</v></c><c r="D2" t="b"><v>1</v></c></row>'
            '<row r="3"><c r="A3" t="n"><v>4.155550123E9</v></c><c r="B3" t="inlineStr"><is><t>Bob</t></is></c>'
            '<c r="C3"><v>1234.5</v></c><c r="D3" t="b"><v>0</v></c></row>'
            '<row r="4"><c r="A4"><v>9.87654321E9</v></c><c r="B4" t="inlineStr"><is><t>Cy</t></is></c>'
            '<c r="C4"><v>1E-3</v></c><c r="D4" t="b"><v>0</v></c></row>'
            '<row r="5"><c r="A5"><v>14155550100</v></c><c r="B5" t="inlineStr"><is><t>Di</t></is></c>'
            '<c r="C5"><v>12</v></c></row>')
    return zip_bytes([
        ('[Content_Types].xml', CONTENT_TYPES % ''),
        ('_rels/.rels', PACKAGE_RELS),
        ('xl/workbook.xml', workbook([('Recipients', 'rId1')])),
        ('xl/_rels/workbook.xml.rels', workbook_rels([
            ('rId1', 'worksheet', 'worksheets/sheet1.xml'),
            ('rId2', 'sharedStrings', 'sharedStrings.xml')])),
        ('xl/sharedStrings.xml', shared),
        ('xl/worksheets/sheet1.xml', sheet(rows)),
    ])


def xlsx_strings():
    # The first sheet in the workbook is "People", stored as worksheets/people.xml behind
    # rId7; sheet1.xml holds another sheet that must not be read. Shared strings with
    # rich-text runs and a phonetic run, inline strings (plain and rich), cells without
    # "r", skipped columns, a missing row and an empty <row/>.
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<sst xmlns="%s">'
              '<si><t>Name</t></si>'                                   # 0
              '<si><r><rPr><b/></rPr><t>Pho</t></r><r><t>ne</t></r></si>'  # 1 rich "Phone"
              '<si><t xml:space="preserve"> City </t></si>'           # 2
              '<si><t>+1 415 555 0100</t></si>'                        # 3
              '<si><r><t>Zo</t></r><r><t xml:space="preserve">ë </t></r>'
              '<rPh sb="0" eb="1"><t>ゾ</t></rPh></si>'                 # 4 "Zoë "
              '<si><t/></si>'                                          # 5 empty
              '<si><t>Paris &amp; Lyon</t></si>'                       # 6
              '</sst>' % MAIN_NS)
    people = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
              '<c r="C1" t="s"><v>2</v></c></row>'
              '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>3</v></c>'
              '<c r="C2" t="s"><v>6</v></c></row>'
              '<row r="3"><c t="inlineStr"><is><t>Ann</t></is></c>'
              '<c t="inlineStr"><is><r><t>(415) </t></r><r><t>555-0101</t></r></is></c></row>'
              '<row r="5"><c r="C5" t="inlineStr"><is><t>Nice</t></is></c></row>'
              '<row r="6"/>'
              '<row r="7"><c r="A7" t="s"><v>5</v></c>'
              '<c r="B7" t="str"><f>A1</f><v>+14155550102</v></c></row>'
              '<row r="8"><c r="A8" t="inlineStr"><is><t>Bo</t></is></c>'
              '<c r="B8" t="s"><v>3</v></c><c r="F8"><v>42</v></c></row>')
    other = ('<row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row>')
    return zip_bytes([
        ('[Content_Types].xml', CONTENT_TYPES % ''),
        ('_rels/.rels', PACKAGE_RELS),
        ('xl/workbook.xml', workbook([('People', 'rId7'), ('Other', 'rId1')])),
        ('xl/_rels/workbook.xml.rels', workbook_rels([
            ('rId1', 'worksheet', 'worksheets/sheet1.xml'),
            ('rId7', 'worksheet', '/xl/worksheets/people.xml'),
            ('rId9', 'sharedStrings', 'sharedStrings.xml')])),
        ('xl/sharedStrings.xml', shared),
        ('xl/worksheets/sheet1.xml', sheet(other)),
        ('xl/worksheets/people.xml', sheet(people)),
    ])


def xlsx_dates():
    # Numbers shown as dates and times by their cell style: built-in formats 14 (date)
    # and 20 (time), custom "yyyy-mm-dd hh:mm" and "\"Day \"d"; a custom "[Red]0.00" is
    # no date. The phone in column A has the default style.
    import datetime
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<styleSheet xmlns="%s"><numFmts count="3">'
              '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/>'
              '<numFmt numFmtId="165" formatCode="[Red]0.00"/>'
              '<numFmt numFmtId="166" formatCode="&quot;Day &quot;d"/></numFmts>'
              '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
              '<xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/><xf numFmtId="166"/>'
              '</cellXfs></styleSheet>' % MAIN_NS)
    day = (datetime.date(2026, 5, 5) - datetime.date(1899, 12, 30)).days
    header = ''.join('<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col, name)
                     for col, name in zip('ABCDEF', ['phone', 'day', 'when', 'amount', 'time', 'label']))
    rows = ('<row r="1">%s</row>'
            '<row r="2"><c r="A2"><v>4155550100</v></c><c r="B2" s="1"><v>%d</v></c>'
            '<c r="C2" s="2"><v>%r</v></c><c r="D2" s="3"><v>12.5</v></c>'
            '<c r="E2" s="4"><v>0.375</v></c><c r="F2" s="5"><v>%d</v></c></row>'
            % (header, day, day + 0.3958333333333333, day))
    return zip_bytes([
        ('[Content_Types].xml', CONTENT_TYPES % ''),
        ('_rels/.rels', PACKAGE_RELS),
        ('xl/workbook.xml', workbook([('Dates', 'rId1')])),
        ('xl/_rels/workbook.xml.rels', workbook_rels([
            ('rId1', 'worksheet', 'worksheets/sheet1.xml'),
            ('rId2', 'styles', 'styles.xml')])),
        ('xl/styles.xml', styles),
        ('xl/worksheets/sheet1.xml', sheet(rows)),
    ])


def xls_fixture():
    import datetime
    import xlwt

    book = xlwt.Workbook(encoding='utf-8')
    first = book.add_sheet('Recipients')
    second = book.add_sheet('Other')
    date_style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
    for col, name in enumerate(['phone', 'first_name', 'appointment_date', 'score']):
        first.write(0, col, name)
    first.write(1, 0, 4155550100)               # an integer (RK)
    first.write(1, 1, 'Ann')
    first.write(1, 2, datetime.date(2026, 5, 5), date_style)
    first.write(1, 3, 0.25)
    first.write(2, 0, 9876543210.0)             # a float: not a valid US number
    first.write(2, 1, 'Zoë')
    first.write(2, 3, 7)
    first.write(4, 0, '+1 415 555 0101')        # text; row 4 left blank
    first.write(4, 1, 'Bob')
    first.write(5, 0, 14155550100.0)            # the same as row 2, as a float
    first.write(5, 1, 'Cy')
    second.write(0, 0, 'wrong sheet')
    path = os.path.join(HERE, 'import-recipients.xls')
    book.save(path)


def main():
    csv_fixtures()
    png_fixture()
    numeric = xlsx_numeric()
    write('import-numeric.xlsx', numeric)
    write('import-strings.xlsx', xlsx_strings())
    write('import-dates.xlsx', xlsx_dates())
    write('import-truncated.xlsx', numeric[:len(numeric) // 2])
    write('import-not-a-workbook.xlsx', zip_bytes([('hello.txt', 'hello')]))
    xls_fixture()
    return 0


if __name__ == '__main__':
    sys.exit(main())
