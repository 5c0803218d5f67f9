/* cb-engine.h — the engine: store, providers, simulator, HTTP server, dialer, scheduler
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-dialer.h"
#include "cb-http-server.h"
#include "cb-sim-server.h"
#include "cb-store.h"
#include "cb-webhook-receiver.h"

G_BEGIN_DECLS

#define CB_ENGINE_ERROR (cb_engine_error_quark ())

typedef enum
{
  CB_ENGINE_ERROR_NOT_FOUND,  /* no such batch */
  CB_ENGINE_ERROR_CONFLICT,   /* refused in the batch's status (HTTP 409) */
  CB_ENGINE_ERROR_INVALID,    /* a bad argument: a time in the past… (HTTP 400) */
  CB_ENGINE_ERROR_FAILED,     /* the database or the network failed */
} CbEngineError;

#define CB_ENGINE_DEFAULT_LISTEN "127.0.0.1:8787"
/* How often the live signals may fire, at most. */
#define CB_ENGINE_SIGNAL_INTERVAL_MS 100

#define CB_TYPE_ENGINE (cb_engine_get_type ())

G_DECLARE_FINAL_TYPE (CbEngine, cb_engine, CB, ENGINE, GObject)

/*
 * @listen: HOST:PORT of the HTTP server (NULL: CALLBOARD_LISTEN, else
 * CB_ENGINE_DEFAULT_LISTEN; port 0 picks a free one). The "sim" accounts use
 * CALLBOARD_SIM_URL when set, else a simulator in-process on a loopback port whose
 * webhooks come to /webhooks/sim, playing at CALLBOARD_SIM_SPEED (default 1).
 *
 * Signals (coalesced: each fires at most every CB_ENGINE_SIGNAL_INTERVAL_MS):
 *   "batch-changed" (const char *batch_id): status, counters or pause reason changed;
 *   "recipients-changed" (const char *batch_id, GStrv recipient_ids). */
CbEngine     *cb_engine_new                (CbStore      *store,
                                            const char   *listen);
/* The in-process simulator's speed (applies at once, also while running), and, before
 * cb_engine_start(), an external simulator (NULL: in-process). */
void          cb_engine_set_sim_speed      (CbEngine     *self,
                                            double        speed);
void          cb_engine_set_sim_url        (CbEngine     *self,
                                            const char   *url);
/* Before cb_engine_start(): the in-process simulator's thread yields to the others (for a
 * window's process; see CbSimServer:background). */
void          cb_engine_set_sim_background (CbEngine     *self,
                                            gboolean      background);
/* Seconds a provider has to answer a request (default CB_PROVIDER_RETELL_DEFAULT_TIMEOUT_S;
 * 0: no limit). Before calls are in flight. */
void          cb_engine_set_provider_timeout (CbEngine   *self,
                                            guint         timeout_s);
/* Drops what the engine keeps of the provider account @account_id (its provider and API
 * key), so its next call and its next webhook read them again from the store and the
 * keyring: for a key changed while running. Calls in flight finish with the provider they
 * started with. */
void          cb_engine_forget_provider_account (CbEngine   *self,
                                                 const char *account_id);
/* Listens, starts the simulator, resumes what the database says is running (reconciling
 * calls left open by a previous run) and starts the scheduler. A taken address fails with
 * G_IO_ERROR_ADDRESS_IN_USE. */
gboolean      cb_engine_start              (CbEngine     *self,
                                            GError      **error);
/* Stops dialling and listening; calls in flight are left to their webhooks or to the
 * next start, which polls them. */
void          cb_engine_stop               (CbEngine     *self);

CbStore      *cb_engine_get_store          (CbEngine     *self);
CbHttpServer *cb_engine_get_http_server    (CbEngine     *self);
CbDialer     *cb_engine_get_dialer         (CbEngine     *self);
CbWebhookReceiver *cb_engine_get_webhook_receiver (CbEngine *self);
/* The in-process simulator, or NULL when an external one is used. */
CbSimServer  *cb_engine_get_sim_server     (CbEngine     *self);
/* The URL of the simulator the "sim" accounts use. */
const char   *cb_engine_get_sim_url        (CbEngine     *self);
/* "http://127.0.0.1:8787" once started. */
const char   *cb_engine_get_url            (CbEngine     *self);

/* Batch operations (SPEC §3 and §5), for the REST API and the dashboard alike. */
gboolean      cb_engine_start_batch        (CbEngine     *self,
                                            const char   *batch_id,
                                            GError      **error);
/* Checks the time with cb_schedule_check() against the engine clock. */
gboolean      cb_engine_schedule_batch     (CbEngine     *self,
                                            const char   *batch_id,
                                            GDateTime    *scheduled_at,
                                            GError      **error);
gboolean      cb_engine_pause_batch        (CbEngine     *self,
                                            const char   *batch_id,
                                            GError      **error);
gboolean      cb_engine_resume_batch       (CbEngine     *self,
                                            const char   *batch_id,
                                            GError      **error);
/* Refused for a running batch (CB_ENGINE_ERROR_CONFLICT: pause it first). */
gboolean      cb_engine_cancel_batch       (CbEngine     *self,
                                            const char   *batch_id,
                                            GError      **error);
/* Failed recipients back to pending, and the batch running again when it had finished.
 * Returns how many, or -1. */
int           cb_engine_retry_failed       (CbEngine     *self,
                                            const char   *batch_id,
                                            GError      **error);
/* When the batch waits for its calling window: when it opens (UTC), else NULL. */
GDateTime    *cb_engine_dup_next_window_at (CbEngine     *self,
                                            const char   *batch_id);

GQuark        cb_engine_error_quark        (void);

G_END_DECLS
