import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { computeSlackSignature, MAX_REQUEST_AGE_SEC, signatureHeaders } from './index.ts';

const secret = `fake-signing-secret-${Date.now()}`;

describe('Slack request signing', () => {
  it('is v0= plus the hex HMAC-SHA256 of v0:timestamp:body', () => {
    const expected = createHmac('sha256', secret).update('v0:1531420618:command=%2Fstory&text=hi').digest('hex');
    expect(computeSlackSignature(secret, 1531420618, 'command=%2Fstory&text=hi')).toBe(`v0=${expected}`);
  });

  it('matches a published Slack example', () => {
    // The worked example from Slack's "Verifying requests from Slack" page.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(computeSlackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it("passes Bolt's own verifier, and fails it with another secret or an old timestamp", () => {
    const body = '{"type":"event_callback"}';
    const headers = signatureHeaders(secret, body);
    const verify = (h: Record<string, string>, s = secret) =>
      verifySlackRequest({
        signingSecret: s,
        body,
        headers: {
          'x-slack-signature': h['x-slack-signature']!,
          'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
        },
      });
    expect(() => verify(headers)).not.toThrow();
    expect(() => verify(headers, `${secret}-other`)).toThrow(/signature mismatch/);
    const old = Math.floor(Date.now() / 1000) - MAX_REQUEST_AGE_SEC - 60;
    expect(() => verify(signatureHeaders(secret, body, old))).toThrow(/stale/);
  });
});
