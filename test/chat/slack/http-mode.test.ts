/**
 * The Slack adapter end to end in HTTP mode against the Slack fake (signed
 * requests to Bolt's receiver): the shared story, delivery, admin, formatting
 * and error tests, signature checks, and the scripted-worker tests (progress
 * edits, generated mentions, redelivered events).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { adminTests, ADMIN_ID } from './admin-rules.ts';
import { redeliveryTests } from './delivery-rules.ts';
import { errorTests } from './error-rules.ts';
import { formattingTests } from './formatting-rules.ts';
import { startSlackWorld, stopSlackWorld, type SlackWorld } from './harness.ts';
import { scriptedWorkerTests } from './scripted-worker-rules.ts';
import { signatureTests } from './signature-rules.ts';
import { storyFlowTests } from './story-flow.ts';

describe('the Slack adapter in HTTP mode', () => {
  let world: SlackWorld;
  // The fake refuses posts closer than Slack's 1 s per channel: the adapter's pacing must keep to it.
  beforeAll(async () => {
    world = await startSlackWorld('http', { admins: [ADMIN_ID], channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 } });
  });
  afterAll(() => stopSlackWorld(world));
  const get = () => world;

  storyFlowTests(get);
  redeliveryTests(get);
  adminTests(get);
  formattingTests(get);
  errorTests(get);
  signatureTests(get);
});

describe('the Slack adapter in HTTP mode with a scripted worker', () => {
  scriptedWorkerTests('http');
});
