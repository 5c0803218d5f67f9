#!/usr/bin/python3
# bench-validate.py — times `callboard-engine validate` on 100,000 rows against a Python peer
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-validate.py CALLBOARD_ENGINE VALIDATE_PEER [--rows N] [--seed N] [--keep DIR]
#
# Writes a recipient CSV (valid, invalid, empty and repeated numbers, national and
# international forms, blank lines, quoted variables) into a temporary directory, runs
# `callboard-engine validate --json --region US` and validate_peer.py (the csv module and
# python3-phonenumbers, same rules) on it, fails when the two JSON reports differ in any
# byte or the exit codes differ, and prints both times, rows per second and the speed-up.
# Wall-clock times depend on what else the machine runs: the CPU time of each run and the
# load average are printed beside them.

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

US_AREA_CODES = [201, 202, 203, 205, 206, 207, 208, 210, 212, 213, 214, 215, 216, 217, 224,
                 225, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269,
                 270, 281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315,
                 316, 317, 318, 319, 320, 321, 323, 330, 334, 336, 337, 339, 347, 351, 352,
                 360, 361, 386, 401, 402, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414,
                 415, 417, 419, 423, 425, 432, 434, 435, 440, 443, 469, 478, 479, 480, 484,
                 501, 502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518,
                 520, 530, 540, 541, 559, 561, 562, 563, 567, 570, 571, 573, 574, 580, 585,
                 586, 601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617,
                 618, 619, 620, 623, 626, 630, 631, 636, 641, 646, 650, 651, 660, 661, 662,
                 678, 682, 701, 702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717,
                 718, 719, 720, 724, 727, 731, 732, 734, 740, 754, 757, 760, 763, 765, 770,
                 772, 773, 774, 775, 781, 785, 786, 801, 802, 803, 804, 805, 806, 808, 810,
                 812, 813, 814, 815, 816, 817, 818, 828, 830, 831, 832, 843, 845, 847, 848,
                 850, 856, 857, 858, 859, 860, 862, 863, 864, 865, 870, 901, 903, 904, 906,
                 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928,
                 931, 936, 937, 940, 941, 947, 949, 951, 952, 954, 956, 970, 971, 972, 973,
                 978, 979, 980, 985, 989]
FIRST = ['Ada', 'Grace', 'Linus', 'Zoë', 'Ravi', 'Mei', 'Olu', 'Ines', 'Jon', 'Sara']
CITIES = ['Paris', 'New York, NY', 'São Paulo', 'Lyon', 'Austin, TX', 'Berlin']
INVALID = ['12345', 'abc', 'call me', '555-12', '+999 123 4567', '+1 415 555 01', '0',
           '+44 20', '1-800-FLOWERS-NOW-PLEASE-CALL', '4155550100123456']


def us_number(rng):
    area = rng.choice(US_AREA_CODES)
    exchange = rng.randrange(200, 1000)
    line = rng.randrange(10000)
    style = rng.randrange(6)
    if style == 0:
        return '+1 %03d %03d %04d' % (area, exchange, line)
    if style == 1:
        return '(%03d) %03d-%04d' % (area, exchange, line)
    if style == 2:
        return '%03d-%03d-%04d' % (area, exchange, line)
    if style == 3:
        return '%03d.%03d.%04d' % (area, exchange, line)
    if style == 4:
        return '1%03d%03d%04d' % (area, exchange, line)
    return '+1%03d%03d%04d' % (area, exchange, line)


def international_number(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return '+44 20 7%03d %04d' % (rng.randrange(1000), rng.randrange(10000))
    if kind == 1:
        return '+33 1 %02d %02d %02d %02d' % tuple(rng.randrange(100) for _ in range(4))
    if kind == 2:
        return '+49 30 %08d' % rng.randrange(10 ** 8)
    if kind == 3:
        return '+61 2 %04d %04d' % (rng.randrange(10000), rng.randrange(10000))
    return '+91 98%03d %05d' % (rng.randrange(1000), rng.randrange(100000))


def reformat(number):
    """The same number written differently."""
    digits = ''.join(c for c in number if c.isdigit())
    if number.startswith('+'):
        return '+' + digits
    return '(%s) %s-%s' % (digits[-10:-7], digits[-7:-4], digits[-4:])


def write_csv(path, n_rows, seed):
    rng = random.Random(seed)
    used = []
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write('phone,first_name,appointment_date,city,notes\r\n')
        for i in range(n_rows):
            roll = rng.random()
            if roll < 0.01:
                f.write('\r\n')  # a blank line: skipped, still numbered
                continue
            if roll < 0.04:
                phone = ''
            elif roll < 0.09:
                phone = rng.choice(INVALID)
            elif roll < 0.19 and used:
                phone = reformat(rng.choice(used))
            elif roll < 0.34:
                phone = international_number(rng)
                used.append(phone)
            else:
                phone = us_number(rng)
                used.append(phone)
            notes = '"said ""call after 5"", twice"' if rng.random() < 0.1 else 'ok'
            f.write('%s,%s,2026-05-%02d 09:%02d,"%s",%s\r\n'
                    % (phone, rng.choice(FIRST), rng.randrange(1, 29), rng.randrange(60),
                       rng.choice(CITIES), notes))


# The test environment's malloc checking and debug settings would time those, not the work.
UNTIMED = ('MALLOC_CHECK_', 'MALLOC_PERTURB_', 'G_DEBUG', 'G_SLICE')


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv):
    """(wall seconds, CPU seconds, completed process)"""
    env = {k: v for k, v in os.environ.items() if k not in UNTIMED}
    env['LC_ALL'] = 'C.UTF-8'
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start, children_cpu() - cpu, proc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('engine')
    parser.add_argument('peer')
    parser.add_argument('--rows', type=int, default=100000)
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--keep')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='callboard-bench-') as tmp:
        directory = args.keep or tmp
        path = os.path.join(directory, 'recipients-%d.csv' % args.rows)
        write_csv(path, args.rows, args.seed)

        load = os.getloadavg()[0]
        engine_times = []
        for _ in range(args.runs):
            elapsed, cpu, engine = run([args.engine, 'validate', '--json', '--region', 'US', path])
            engine_times.append((elapsed, cpu))
        peer_time, peer_cpu, peer = run([sys.executable, args.peer, '--json', '--region', 'US',
                                         path])

        if engine.returncode not in (0, 1) or engine.returncode != peer.returncode:
            print('exit codes differ: engine %d, peer %d' % (engine.returncode, peer.returncode))
            print(engine.stderr.decode(), peer.stderr.decode())
            return 1
        if engine.stdout != peer.stdout:
            print('the JSON reports differ')
            print('engine: %s' % engine.stdout[:2000].decode('utf-8', 'replace'))
            print('peer:   %s' % peer.stdout[:2000].decode('utf-8', 'replace'))
            return 1

        engine_time, engine_cpu = min(engine_times)
        summary = engine.stdout.decode()[:engine.stdout.index(b'"columns"')]
        print('file: %d data lines, %d bytes; %s' % (args.rows, os.path.getsize(path), summary))
        print('load average before the runs: %.2f on %d CPUs' % (load, os.cpu_count()))
        print('callboard-engine validate: %.3f s (best of %d), %.0f rows/s; CPU %.3f s'
              % (engine_time, args.runs, args.rows / engine_time, engine_cpu))
        print('validate_peer.py:          %.3f s, %.0f rows/s; CPU %.3f s'
              % (peer_time, args.rows / peer_time, peer_cpu))
        print('speed-up: %.1fx (CPU time: %.1fx); identical JSON (%d bytes)'
              % (peer_time / engine_time, peer_cpu / engine_cpu, len(engine.stdout)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
