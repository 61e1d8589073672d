/**
 * The tests both Slack modes run: one world per mode (the fake refuses posts
 * closer than Slack's 1 s per channel, so the adapter's pacing must keep to it),
 * the shared story, delivery, admin, formatting and error rules, plus whatever
 * the mode adds; and the scripted-worker tests on a world of their own.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { adminTests, ADMIN_ID } from './admin-rules.ts';
import { redeliveryTests } from './delivery-rules.ts';
import { errorTests } from './error-rules.ts';
import { formattingTests } from './formatting-rules.ts';
import { startSlackWorld, stopSlackWorld, type SlackWorld } from './harness.ts';
import { scriptedWorkerTests } from './scripted-worker-rules.ts';
import { storyFlowTests } from './story-flow.ts';

/** Registers the shared Slack tests for `mode`; `more` adds the mode's own, on the same world. */
export function slackSuite(
  mode: 'socket' | 'http',
  title: string,
  more: (get: () => SlackWorld) => void = () => undefined,
): void {
  describe(`the Slack adapter in ${title}`, () => {
    let world: SlackWorld;
    beforeAll(async () => {
      world = await startSlackWorld(mode, {
        admins: [ADMIN_ID],
        channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 },
      });
    });
    afterAll(() => stopSlackWorld(world));
    const get = () => world;

    storyFlowTests(get);
    redeliveryTests(get);
    adminTests(get);
    formattingTests(get);
    errorTests(get);
    more(get);
  });

  describe(`the Slack adapter in ${title} with a scripted worker`, () => {
    scriptedWorkerTests(mode);
  });
}
