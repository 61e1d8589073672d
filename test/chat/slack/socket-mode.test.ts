/**
 * The Slack adapter end to end in Socket Mode against the Slack fake: the shared
 * suite (shared-suite.ts), and reconnects mid-job.
 */
import { describe } from 'vitest';
import { reconnectTests } from './reconnect-rules.ts';
import { slackSuite } from './shared-suite.ts';

slackSuite('socket', 'Socket Mode');

describe('the Slack adapter across Socket Mode reconnects', () => {
  reconnectTests();
});
