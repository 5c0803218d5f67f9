#!/usr/bin/python3
# test-dogtail.py — the dashboard in a real window, driven through AT-SPI
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-dogtail.py CALLBOARD_BINARY ARTEFACT_DIR
# Needs a display (xvfb-run) and a session bus with at-spi2-core; re-runs itself inside
# dbus-run-session when there is no session bus. Exit 77 (skip) when one is missing.

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(reason):
    print('1..0 # SKIP ' + reason)
    sys.exit(SKIP)


if len(sys.argv) != 3:
    print('usage: test-dogtail.py CALLBOARD_BINARY ARTEFACT_DIR', file=sys.stderr)
    sys.exit(2)

if not os.environ.get('DISPLAY'):
    skip('no display: run the ui suite under xvfb-run')

if not os.environ.get('DBUS_SESSION_BUS_ADDRESS') and not os.environ.get('CB_DOGTAIL_INNER'):
    runner = shutil.which('dbus-run-session')
    if runner is None:
        skip('no session bus and no dbus-run-session')
    env = dict(os.environ, CB_DOGTAIL_INNER='1')
    sys.exit(subprocess.call([runner, '--', sys.executable] + sys.argv, env=env))

try:
    from dogtail.config import config
    config.checkForA11y = False
    config.searchCutoffCount = 10
    config.defaultDelay = 0.2
    config.actionDelay = 0.2
    config.logDebugToFile = False
    from dogtail import tree
    from dogtail.predicate import GenericPredicate
except Exception as error:  # pylint: disable=broad-except
    skip('dogtail or pyatspi is not usable: %s' % error)

binary = sys.argv[1]
artefacts = sys.argv[2]
os.makedirs(artefacts, exist_ok=True)
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s%s' % ('ok' if ok else 'not ok', len(results), name,
                              (' # ' + detail) if detail else ''))
    sys.stdout.flush()


def wait_for(function, timeout=20.0):
    end = time.monotonic() + timeout
    while True:
        try:
            value = function()
            if value:
                return value
        except Exception:  # pylint: disable=broad-except
            pass
        if time.monotonic() > end:
            return None
        time.sleep(0.25)


def find(node, role=None, name=None, timeout=10.0):
    def look():
        return node.findChild(GenericPredicate(name=name, roleName=role), retry=False,
                              requireResult=False, showingOnly=False)
    return wait_for(look, timeout)


def find_button(node, label, timeout=10.0):
    return find(node, role='push button', name=label, timeout=timeout)


def button_names(node):
    return [button.name for button in node.findChildren(GenericPredicate(roleName='push button'),
                                                         showingOnly=False)]


def named_twice(name):
    # GTK 4.8 names a button with a mnemonic twice, its raw label and its label child's text
    # ("_New Batch New Batch"), unless the app gives it one name.
    for i, char in enumerate(name):
        if char == ' ' and name[:i].replace('_', '') == name[i + 1:]:
            return True
    return False


def check_button_names(node, where, labels):
    names = button_names(node)
    twice = [name for name in names if named_twice(name)]
    check('no button %s is named twice' % where, not twice, ', '.join(twice))
    for label in labels:
        check('%s: a button named exactly "%s"' % (where, label), label in names,
              '' if label in names else 'names: ' + ', '.join(names))


def select(row):
    # A sidebar row through its list's selection interface (window positions are unreliable).
    try:
        if row.parent.querySelection().selectChild(row.indexInParent):
            return
    except Exception:  # pylint: disable=broad-except
        pass
    row.click()


def actions(node):
    action = node.queryAction()
    return [action.getName(i) for i in range(action.nActions)]


def press(node):
    # GTK 4 reports window-relative positions only, so a mouse click may land elsewhere
    # when a second window is open; the button's own action does not depend on them.
    node.doActionNamed('click')


def set_text(node, text):
    # Typing needs the keyboard focus, which Xvfb without a window manager does not give
    # a second window; the editable-text interface sets the same text.
    try:
        return bool(node.queryEditableText().setTextContents(text))
    except Exception:  # pylint: disable=broad-except
        return False


def screenshot(name):
    path = os.path.join(artefacts, name + '.png')
    subprocess.call(['import', '-window', 'root', path])
    print('# screenshot: ' + path)
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


tmp = tempfile.mkdtemp(prefix='callboard-dogtail-')
env = dict(os.environ)
# The window opens at 1280×800 (Xvfb has no window manager to size it): a keyfile
# backend holding the kept window size.
settings_dir = os.path.join(tmp, 'config', 'glib-2.0', 'settings')
os.makedirs(settings_dir)
with open(os.path.join(settings_dir, 'keyfile'), 'w') as keyfile:
    # No retries: the simulator's outcomes are random, and a retried number would wait for
    # the retry delay before the batch can complete.
    keyfile.write('[io/github/callboard/Callboard]\nwindow-width=1280\nwindow-height=800\n'
                  'default-max-retries=uint32 0\n')
env['GSETTINGS_BACKEND'] = 'keyfile'
env['XDG_DATA_HOME'] = os.path.join(tmp, 'data')
env['XDG_CONFIG_HOME'] = os.path.join(tmp, 'config')
env['GTK_A11Y'] = 'atspi'
env.pop('NO_AT_BRIDGE', None)
env.pop('CALLBOARD_API_TOKEN', None)
db = os.path.join(tmp, 'callboard.db')
app_process = subprocess.Popen([binary, '--db', db, '--listen', '127.0.0.1:%d' % free_port(),
                                '--sim-speed', '200'], env=env)

try:
    app = wait_for(lambda: tree.root.application('callboard'), 30)
    if app is None:
        skip('the application did not appear on the accessibility bus')
    check('the application is on the accessibility bus', True)

    window = wait_for(lambda: app.child(roleName='frame', retry=False), 20)
    check('the main window is shown', window is not None)
    time.sleep(1.0)

    # The sidebar pages, by accessible name.
    pages = {}
    for title in ['Batch calls', 'Agents', 'Phone numbers', 'Do-not-call list']:
        row = find(window, name=title, role='list item') or find(window, name=title)
        pages[title] = row
        check('sidebar page "%s"' % title, row is not None)

    for title, shot in [('Agents', 'agents'), ('Phone numbers', 'phone-numbers'),
                        ('Do-not-call list', 'do-not-call'), ('Batch calls', 'batch-calls-empty')]:
        if pages.get(title) is not None:
            select(pages[title])
            time.sleep(1.5)
            screenshot(shot)

    # Every button has one name, the text it shows.
    check_button_names(window, 'in the main window',
                       ['New Batch', 'Add Agent', 'Add Caller ID', 'Block Number…', 'Import…'])

    # The shortcuts window, from the main menu, lists each shortcut with its keys.
    # A GtkMenuButton is a push button holding the push button that opens its menu.
    shortcuts = None
    for menu_button in window.findChildren(GenericPredicate(roleName='push button'),
                                           showingOnly=False):
        if menu_button.parent.roleName != 'push button' or 'click' not in actions(menu_button):
            continue
        press(menu_button)
        item = find(app, role='menu item', name='Keyboard Shortcuts', timeout=5)
        if item is not None:
            item.doActionNamed('click')
            shortcuts = wait_for(lambda: [f for f in app.children
                                          if f.roleName == 'frame' and f.name != 'Callboard'
                                          and find(f, role='label', name='Show Shortcuts',
                                                   timeout=0)], 10)
            break
    check('the main menu opens the shortcuts window', bool(shortcuts))
    if shortcuts:
        labels = [label.name for label in shortcuts[0].findChildren(
            GenericPredicate(roleName='label'), showingOnly=False)]

        def listed(title, keys):
            for i, label in enumerate(labels):
                if label == title and i >= len(keys) and labels[i - len(keys):i] == keys:
                    return True
            return False

        for title, keys in [('New Batch', ['Ctrl', '+', 'N']),
                            ('Search the Open Batch’s Recipients', ['Ctrl', '+', 'F']),
                            ('Preferences', ['Ctrl', '+', ',']),
                            ('Reload', ['F5', '/', 'Ctrl', '+', 'R']),
                            ('Close Window', ['Ctrl', '+', 'W']),
                            ('Quit', ['Ctrl', '+', 'Q']),
                            ('Show Shortcuts', ['Ctrl', '+', '?']),
                            ('Close Dialog', ['Escape'])]:
            check('the shortcuts window lists "%s" as %s' % (title, ' '.join(keys)),
                  listed(title, keys))
        screenshot('shortcuts')
        close = find_button(shortcuts[0], 'Close', timeout=5)
        if close is not None:
            press(close)
        check('the shortcuts window closes',
              wait_for(lambda: len([f for f in app.children if f.roleName == 'frame']) == 1, 10)
              is not None)

    # New batch, with numbers typed by hand.
    new_button = find(window, role='push button', name='New Batch')
    check('a New Batch button', new_button is not None)
    dialog = None
    if new_button is not None:
        check('New Batch has a click action', 'click' in actions(new_button))
        press(new_button)
        # The dialog is a second frame; search the application for its fields.
        if find(app, name='Batch name', timeout=10) is not None:
            dialog = app
    check('the New batch dialog opens', dialog is not None)

    if dialog is not None:
        form = find(app, role='frame', name='New Batch')
        if form is not None:
            check_button_names(form, 'in the New batch dialog',
                               ['Cancel', 'Save as Draft', 'Start Batch', 'Download Sample',
                                'Choose File…', 'Check Numbers', 'Previous month', 'Next month',
                                'Previous year', 'Next year'])
        else:
            check('the New batch dialog is a frame named "New Batch"', False)

        name_entry = find(dialog, role='text', name='Batch name')
        check('the batch name can be typed',
              name_entry is not None and set_text(name_entry, 'Dogtail reminders'))

        typed = find(dialog, name='Type numbers')
        if typed is not None:
            typed.click()
            time.sleep(0.5)
        numbers = find(dialog, role='text', name='Phone numbers, one per line')
        check('numbers can be typed',
              numbers is not None and set_text(numbers, '+14155550100\n+14155550101'))

        # Typed numbers are checked on their own once typing pauses: the report shows
        # both as valid without pressing anything.
        report = find(dialog, name='2 of 2 rows are valid', timeout=15)
        check('typed numbers are checked when typing stops', report is not None)

        # Check Numbers does the same at once, through its accessible action.
        check_button = find_button(dialog, 'Check Numbers')
        check('Check Numbers has a click action',
              check_button is not None and 'click' in actions(check_button))
        if check_button is not None:
            press(check_button)
            time.sleep(1.0)
        check('the report stays after Check Numbers',
              find(dialog, name='2 of 2 rows are valid', timeout=10) is not None)
        check('the report offers "Save Invalid Rows…" by that one name',
              find_button(dialog, 'Save Invalid Rows…', timeout=5) is not None)
        screenshot('new-batch')

        start = find(dialog, role='push button', name='Start Batch')
        check('a Start Batch button', start is not None)
        if start is not None:
            check('Start Batch is sensitive', wait_for(lambda: start.sensitive, 10) is not None)
            press(start)
            time.sleep(2.0)

    listed = wait_for(lambda: window.findChild(GenericPredicate(name='Dogtail reminders'),
                                               retry=False, requireResult=False,
                                               showingOnly=False), 20)
    check('the new batch is shown', listed is not None)
    completed = find(window, role='label', name='Completed', timeout=30)
    check('the batch completes against the simulator', completed is not None)
    screenshot('batch-detail')
    check_button_names(window, 'in the batch detail',
                       ['All Batches', 'Export Report…', 'Retry Failed', 'Cancel Batch'])
    back = find_button(window, 'All Batches', timeout=5)
    if back is not None:
        press(back)
    elif pages.get('Batch calls') is not None:
        select(pages['Batch calls'])
    time.sleep(0.8)
    screenshot('batch-calls')
finally:
    app_process.terminate()
    try:
        app_process.wait(10)
    except subprocess.TimeoutExpired:
        app_process.kill()
    shutil.rmtree(tmp, ignore_errors=True)

print('1..%d' % len(results))
sys.exit(0 if all(results) else 1)
