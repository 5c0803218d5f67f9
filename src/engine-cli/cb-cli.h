/* cb-cli.h — the subcommands of callboard-engine
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* Each takes argv starting at the command's own name and returns the exit code. */
int cb_cli_validate (int argc, char **argv);
int cb_cli_serve (int argc, char **argv);
int cb_cli_sim (int argc, char **argv);
int cb_cli_export (int argc, char **argv);
int cb_cli_token (int argc, char **argv);

G_END_DECLS
