// create-batch-call.mjs — Retell's own SDK against `callboard-engine serve`
//
// Copyright 2026 The Callboard authors
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node create-batch-call.mjs BASE_URL TOKEN (with NODE_PATH holding retell-sdk)

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Retell = require('retell-sdk').default ?? require('retell-sdk');

const [baseURL, token] = process.argv.slice(2);

async function waitHealthy() {
  for (let i = 0; i < 200; i++) {
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok)
        return;
    } catch (e) {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${baseURL} did not come up`);
}

await waitHealthy();

const client = new Retell({ apiKey: token, baseURL, maxRetries: 0 });
const trigger = Date.now() + 3 * 3600 * 1000;

// Scheduled, with a calling window and dynamic variables
const scheduled = await client.batchCall.createBatchCall({
  from_number: '+14155550100',
  name: 'SDK batch',
  trigger_timestamp: trigger,
  call_time_window: { windows: [{ start: 540, end: 1020 }], day: ['Monday', 'Tuesday'] },
  tasks: [
    { to_number: '+12122021000', retell_llm_dynamic_variables: { customer_name: 'John Doe' } },
    { to_number: '+12122021001', metadata: { crm_id: 7 } },
  ],
});
assert.match(scheduled.batch_call_id, /^batch_[0-9a-f]{24}$/);
assert.equal(scheduled.name, 'SDK batch');
assert.equal(scheduled.from_number, '+14155550100');
assert.equal(scheduled.scheduled_timestamp, trigger);
assert.equal(scheduled.total_task_count, 2);
assert.deepEqual(scheduled.call_time_window,
                 { windows: [{ start: 540, end: 1020 }], day: ['Monday', 'Tuesday'] });

// The batch as Callboard's own API shows it
const detail = await (await fetch(`${baseURL}/v1/agents/batch-calls/${scheduled.batch_call_id}`,
                                  { headers: { Authorization: `Bearer ${token}` } })).json();
assert.equal(detail.status, 'scheduled');
assert.equal(detail.timezone, 'America/Los_Angeles');
assert.equal(detail.agent_id, 'agent_demo');
assert.equal(detail.recipients.length, 2);
assert.deepEqual(detail.recipients[0].dynamic_vars, { customer_name: 'John Doe' });
assert.equal(detail.recipients[1].row, 2);

// Sent now, the reference page's own example shape
const now = await client.batchCall.createBatchCall({
  from_number: '+14155550100',
  tasks: [{ to_number: '+12137774445' }],
});
assert.equal(now.total_task_count, 1);
assert.equal(typeof now.scheduled_timestamp, 'number');
assert.equal(now.call_time_window, undefined);

// Errors come back as the SDK's error classes
await assert.rejects(
  new Retell({ apiKey: 'wrong', baseURL, maxRetries: 0 }).batchCall.createBatchCall({
    from_number: '+14155550100', tasks: [{ to_number: '+12122021000' }],
  }),
  (error) => error instanceof Retell.AuthenticationError && error.status === 401);

await assert.rejects(
  client.batchCall.createBatchCall({ from_number: '+19999999999', tasks: [{ to_number: '+12122021000' }] }),
  (error) => error instanceof Retell.BadRequestError && error.status === 400
             && error.error.error.code === 'phone_number_not_found');

console.log(`ok: ${scheduled.batch_call_id} ${now.batch_call_id}`);
