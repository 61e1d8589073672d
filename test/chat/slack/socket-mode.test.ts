/**
 * The Slack adapter end to end in Socket Mode against the Slack fake: the shared
 * story, delivery, admin, formatting and error tests, the scripted-worker tests
 * (progress edits, generated mentions, redelivered events), and reconnects mid-job.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { adminTests, ADMIN_ID } from './admin-rules.ts';
import { redeliveryTests } from './delivery-rules.ts';
import { errorTests } from './error-rules.ts';
import { formattingTests } from './formatting-rules.ts';
import { startSlackWorld, stopSlackWorld, type SlackWorld } from './harness.ts';
import { reconnectTests } from './reconnect-rules.ts';
import { scriptedWorkerTests } from './scripted-worker-rules.ts';
import { storyFlowTests } from './story-flow.ts';

describe('the Slack adapter in Socket Mode', () => {
  let world: SlackWorld;
  // The fake refuses posts closer than Slack's 1 s per channel: the adapter's pacing must keep to it.
  beforeAll(async () => {
    world = await startSlackWorld('socket', { admins: [ADMIN_ID], channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 } });
  });
  afterAll(() => stopSlackWorld(world));
  const get = () => world;

  storyFlowTests(get);
  redeliveryTests(get);
  adminTests(get);
  formattingTests(get);
  errorTests(get);
});

describe('the Slack adapter across Socket Mode reconnects', () => {
  reconnectTests();
});

describe('the Slack adapter in Socket Mode with a scripted worker', () => {
  scriptedWorkerTests('socket');
});
