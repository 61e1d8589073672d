import { createHmac } from 'node:crypto';

/** Slack refuses requests whose timestamp is more than this far from now. */
export const MAX_REQUEST_AGE_SEC = 5 * 60;

/** The current time in whole seconds, as `X-Slack-Request-Timestamp` carries it. */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`
 * under the signing secret.
 */
export function computeSlackSignature(signingSecret: string, timestampSec: number, body: string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSec}:${body}`);
  return `v0=${hmac.digest('hex')}`;
}

/** The two headers Slack signs a request with. */
export function signatureHeaders(signingSecret: string, body: string, timestampSec = nowSec()): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': computeSlackSignature(signingSecret, timestampSec, body),
  };
}
