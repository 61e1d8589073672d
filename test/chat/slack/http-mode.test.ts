/**
 * The Slack adapter end to end in HTTP mode against the Slack fake (signed
 * requests to Bolt's receiver): the shared suite (shared-suite.ts) and the
 * signature checks.
 */
import { slackSuite } from './shared-suite.ts';
import { signatureTests } from './signature-rules.ts';

slackSuite('http', 'HTTP mode', signatureTests);
