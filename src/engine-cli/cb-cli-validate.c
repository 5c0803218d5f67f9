/* cb-cli-validate.c — callboard-engine validate
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cb-cli.h"

int
cb_cli_validate (int    argc,
                 char **argv)
{
  return 2;
}
