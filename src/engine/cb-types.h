/* cb-types.h
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _CbStore CbStore;
typedef struct _CbImportReport CbImportReport;
typedef struct _CbImportRecipient CbImportRecipient;

/* Batch lifecycle, SPEC §3. The string form is the lower-case word
 * ("draft", "running", …): see cb_batch_status_to_string(). */
typedef enum
{
  CB_BATCH_STATUS_DRAFT,
  CB_BATCH_STATUS_PENDING,
  CB_BATCH_STATUS_SCHEDULED,
  CB_BATCH_STATUS_RUNNING,
  CB_BATCH_STATUS_PAUSED,
  CB_BATCH_STATUS_COMPLETED,
  CB_BATCH_STATUS_CANCELLED,
  CB_BATCH_STATUS_FAILED,
} CbBatchStatus;

/* Recipient lifecycle, SPEC §3. */
typedef enum
{
  CB_RECIPIENT_STATUS_PENDING,
  CB_RECIPIENT_STATUS_DIALING,
  CB_RECIPIENT_STATUS_COMPLETED,
  CB_RECIPIENT_STATUS_FAILED,
  CB_RECIPIENT_STATUS_CANCELLED,
} CbRecipientStatus;

/* Validation reason codes, SPEC §4, in the order the report lists them. */
typedef enum
{
  CB_IMPORT_REASON_MISSING_PHONE,
  CB_IMPORT_REASON_INVALID_PHONE_NUMBER,
  CB_IMPORT_REASON_COUNTRY_NOT_ALLOWED,
  CB_IMPORT_REASON_DUPLICATE,
  CB_IMPORT_REASON_SUPPRESSED,
  CB_IMPORT_N_REASONS,
} CbImportReason;

/* Libphonenumber's number types. */
typedef enum
{
  CB_PHONE_TYPE_UNKNOWN,
  CB_PHONE_TYPE_FIXED_LINE,
  CB_PHONE_TYPE_MOBILE,
  CB_PHONE_TYPE_FIXED_LINE_OR_MOBILE,
  CB_PHONE_TYPE_TOLL_FREE,
  CB_PHONE_TYPE_PREMIUM_RATE,
  CB_PHONE_TYPE_SHARED_COST,
  CB_PHONE_TYPE_VOIP,
  CB_PHONE_TYPE_PERSONAL_NUMBER,
  CB_PHONE_TYPE_PAGER,
  CB_PHONE_TYPE_UAN,
  CB_PHONE_TYPE_VOICEMAIL,
} CbPhoneType;

G_END_DECLS
