/* cb-sim-server.h — a call simulator speaking Retell's wire format
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_SIM_SERVER_DEFAULT_HOST "127.0.0.1"
#define CB_SIM_SERVER_DEFAULT_PORT 8788
/* The agent id of calls placed without override_agent_id. */
#define CB_SIM_SERVER_DEFAULT_AGENT_ID "agent_sim"

#define CB_TYPE_SIM_SERVER (cb_sim_server_get_type ())

G_DECLARE_FINAL_TYPE (CbSimServer, cb_sim_server, CB, SIM_SERVER, GObject)

/* Routes: POST /v2/create-phone-call, GET /v2/get-call/{id} (Bearer API key),
 * GET /sim/calls[?metadata.KEY=VALUE…], GET /healthz.
 *
 * Properties:
 *   "api-key"        authenticates requests and signs webhooks
 *   "webhook-url"    where call_started / call_ended / call_analyzed go (NULL: nowhere)
 *   "url"            read-only: "http://HOST:PORT" once listening, else NULL
 *   "speed"          calls play this many times faster than real time (default 1)
 *   "seed"           same seed and same requests in the same order → same calls
 *   "answer-rate"    share of answered calls; setting it splits the rest between the
 *                    other outcomes in their default proportions
 *   "no-answer-rate", "busy-rate", "failed-rate", "voicemail-rate"
 *                    the other outcomes' weights (all five are normalized by their sum)
 *   "min-duration", "max-duration"
 *                    talk time of an answered call, in seconds of simulated time
 *   "rate-429", "rate-500", "slow-rate"
 *                    share of create requests answered 429 (with Retry-After), 500,
 *                    or only after "slow-delay" milliseconds of real time
 *   "drop-connection-rate"
 *                    share of create requests whose call is placed but whose answer is
 *                    lost: the connection closes before it is written (recorded in
 *                    /sim/calls with "connection_dropped": true)
 *   "drop-webhook-rate", "duplicate-webhook-rate", "out-of-order-rate"
 *                    share of webhooks never sent, sent twice; share of calls whose
 *                    call_analyzed is sent before call_ended
 *   "webhook-timeout" seconds a webhook receiver has to answer (default 10); each
 *                    webhook is retried up to 3 times
 *   "background"     (construct only) served by cb_sim_server_listen_in_thread(), runs at
 *                    a lower priority (nice 10), yielding to a window's thread */
CbSimServer *cb_sim_server_new      (const char   *api_key);
/* Listens on @host (an IP address or "localhost") and @port (0: any free port) through
 * a socket with a backlog of 1024. Fails with a G_IO_ERROR, e.g. ADDRESS_IN_USE. */
gboolean     cb_sim_server_listen   (CbSimServer  *self,
                                     const char   *host,
                                     guint16       port,
                                     GError      **error);
/* The same, served from a thread of its own with its own GMainContext (the engine's
 * in-process simulator, so that the engine and the simulator share the work of a call
 * between two cores). Properties may then be set from any thread; they take effect from
 * the simulator's next turn. */
gboolean     cb_sim_server_listen_in_thread (CbSimServer *self,
                                     const char   *host,
                                     guint16       port,
                                     GError      **error);
const char  *cb_sim_server_get_url  (CbSimServer  *self);
/* Webhook deliveries started and not yet finished (sent, or given up after retries). */
guint        cb_sim_server_get_n_pending_webhooks (CbSimServer *self);

G_END_DECLS
