/**
 * src/log.ts: the records' shape (level as a label, ISO time, msg, name, the fields), LOG_LEVEL, the pretty
 * format (the line alone), stdout for info and below and stderr for warn and above (a real process), and the
 * redactor: every kind of secret, in msg, in nested fields and in an Error's message and stack, censored.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { logFormatOf, parseConfig } from '../src/config.ts';
import { createLogger, loggerFor, REDACTED, registerSecrets, scrub, WORKER_NAME } from '../src/log.ts';
import { loadCredentials } from '../src/transport/drive/auth.ts';
import { DRIVE_SCOPE } from '../src/transport/drive/mailbox-folders.ts';
import { writeTokenFile } from '../src/transport/drive/token-file.ts';
import { testLog } from './helpers/log.ts';
import { ROOT } from './helpers/python.ts';

const random = (n = 18) => randomBytes(n).toString('base64url');

describe('records', () => {
  it('carry level as its label, time as ISO, name, the fields, and msg', () => {
    const { log, records, lines } = testLog([], 'info', WORKER_NAME);
    log.child({ worker_id: 'w1' }).warn({ job_id: 'J1', error: 'disk full' }, 'storyloom worker: not written');
    expect(records).toEqual([
      {
        level: 'warn',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        name: 'storyloom worker',
        worker_id: 'w1',
        job_id: 'J1',
        error: 'disk full',
        msg: 'storyloom worker: not written',
      },
    ]);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trim().split('\n')).toHaveLength(1);
  });

  it('keep to LOG_LEVEL', () => {
    const seen = (level: 'trace' | 'info' | 'error' | 'silent') => {
      const { log, records } = testLog([], level);
      log.trace('t');
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      log.fatal('f');
      return records.map((r) => r.level);
    };
    expect(seen('trace')).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(seen('info')).toEqual(['info', 'warn', 'error', 'fatal']);
    expect(seen('error')).toEqual(['error', 'fatal']);
    expect(seen('silent')).toEqual([]);
  });

  it('in pretty format are the message alone, fields and all hidden', () => {
    const lines: string[] = [];
    const log = createLogger({ name: 'storyloom', format: 'pretty', sink: { write: (l) => void lines.push(l) } });
    log.info('storyloom is running: mailbox local, chat playground');
    log.info('  playground: http://127.0.0.1:8080');
    log.error({ job_id: 'J1', error: 'boom' }, 'storyloom: job J1 not delivered yet, will try again: boom');
    expect(lines).toEqual([
      'storyloom is running: mailbox local, chat playground\n',
      '  playground: http://127.0.0.1:8080\n',
      'storyloom: job J1 not delivered yet, will try again: boom\n',
    ]);
  });

  it('default to json under NODE_ENV=production, else pretty, unless LOG_FORMAT says', () => {
    expect(logFormatOf({ LOG_FORMAT: undefined }, { NODE_ENV: 'production' })).toBe('json');
    expect(logFormatOf({ LOG_FORMAT: undefined }, {})).toBe('pretty');
    expect(logFormatOf({ LOG_FORMAT: 'pretty' }, { NODE_ENV: 'production' })).toBe('pretty');
    expect(logFormatOf({ LOG_FORMAT: 'json' }, {})).toBe('json');
  });

  it('go to stdout (info and below) and stderr (warn and above), all of them even right before an exit', async () => {
    const code = [
      "import { createLogger } from './src/log.ts';",
      "for (const format of ['pretty', 'json']) {",
      "  const log = createLogger({ name: 'storyloom', level: 'debug', format });",
      "  log.trace('t'); log.debug('d'); log.info('i'); log.warn('w'); log.error('e');",
      '}',
      "createLogger({ name: 'storyloom', format: 'pretty' }).fatal('last words');",
      'process.exit(3);',
    ].join('\n');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
    });
    const failed = (await run.catch((e: unknown) => e)) as { code: number; stdout: string; stderr: string };
    expect(failed.code).toBe(3);
    const out = failed.stdout.split('\n');
    const err = failed.stderr.split('\n');
    expect(out.slice(0, 2)).toEqual(['d', 'i']);
    expect(out.slice(2, 4).map((l) => JSON.parse(l).msg)).toEqual(['d', 'i']);
    expect(err.slice(0, 2)).toEqual(['w', 'e']);
    expect(err.slice(2, 4).map((l) => JSON.parse(l).level)).toEqual(['warn', 'error']);
    expect(err[4]).toBe('last words');
  });
});

describe('the redactor', () => {
  const config = parseConfig({
    DISCORD_TOKEN: `MT${random(18)}.G${random(4)}.${random(28)}`,
    SLACK_BOT_TOKEN: `xoxb-1-2-${random()}`,
    SLACK_APP_TOKEN: `xapp-1-A1-3-${random()}`,
    SLACK_SIGNING_SECRET: random(),
    GOOGLE_OAUTH_CLIENT_SECRET: `plain-${random(6)}`,
  });
  const configured = [
    config.DISCORD_TOKEN!,
    config.SLACK_BOT_TOKEN!,
    config.SLACK_APP_TOKEN!,
    config.SLACK_SIGNING_SECRET!,
    config.GOOGLE_OAUTH_CLIENT_SECRET!,
  ];
  // Each kind by its shape alone: no one registered these values.
  const interactionToken = `aW50ZXJhY3Rpb246${random(40)}`;
  const shaped = {
    access: `ya29.a0${random(40)}`,
    refresh: `1//0${random(40)}`,
    clientSecret: `GOCSPX-${random(20)}`,
    slackBot: `xoxb-11-22-${random()}`,
    slackUser: `xoxp-11-22-${random()}`,
    slackApp: `xapp-1-A2-33-${random()}`,
    discordBot: `MT${random(18)}.G${random(4)}.${random(28)}`,
    interaction: interactionToken,
    privateKey: `-----BEGIN PRIVATE KEY-----\n${random(48)}\n${random(48)}==\n-----END PRIVATE KEY-----\n`,
  };
  const keyBody = (key: string) => key.split('\n')[1];
  const webhookToken = `fake-interaction-token.${random(24)}`;
  const bearer = random(30);

  /** Logs `what` every way a secret can arrive; returns the lines. */
  function logged(what: (secret: string) => unknown, secret: string): string {
    const { log, lines } = testLog();
    log.info(String(what(secret)));
    log.info({ payload: { d: { nested: { deeper: { text: String(what(secret)) } } } } }, 'nested');
    log.info({ data: { token: secret, authorization: `Bot ${secret}`, headers: { authorization: secret } } }, 'keys');
    const error = new Error(`the call failed: ${String(what(secret))}`);
    log.error({ err: error }, 'an error object');
    log.error(`storyloom: failed: ${error.stack}`);
    return lines.join('');
  }

  it('censors the configured secrets (SECRET_KEYS) wherever they appear', () => {
    // The two with no token shape are censored only once registered.
    for (const secret of configured.slice(3)) expect(scrub(secret)).toBe(secret);
    loggerFor(config, 'storyloom'); // registers the configured secrets, as main.ts does
    for (const secret of configured) {
      const lines = logged((s) => `value ${s} here`, secret);
      expect(lines.includes(secret)).toBe(false);
      expect(lines).toContain(REDACTED);
    }
  });

  it('censors each token by its shape: Google, Slack, Discord, private keys', () => {
    for (const [kind, secret] of Object.entries(shaped)) {
      const lines = logged((s) => `before ${s} after`, secret);
      const part = kind === 'privateKey' ? keyBody(secret) : secret;
      expect(lines.includes(part), kind).toBe(false);
      expect(lines, kind).toContain('before [Redacted]');
    }
  });

  it('censors Discord interaction tokens in webhook and callback URLs, and `token` in a payload', () => {
    const url = `/api/v10/webhooks/123456789012345678/${webhookToken}/messages/@original`;
    const lines = logged((s) => `PATCH ${url.replace(webhookToken, s)} failed`, webhookToken);
    expect(lines.includes(webhookToken)).toBe(false);
    expect(lines).toContain(`/webhooks/123456789012345678/${REDACTED}/messages/@original`);
    expect(scrub(`POST /interactions/1234/${webhookToken}/callback`)).toBe(
      `POST /interactions/1234/${REDACTED}/callback`,
    );
    const { log, lines: records } = testLog();
    log.info({ interaction: { id: '1', token: webhookToken, data: { name: 'story' } } }, 'an interaction');
    expect(records.join('').includes(webhookToken)).toBe(false);
  });

  it('censors Authorization header values, in a header object and in text', () => {
    for (const scheme of ['Bearer', 'Basic', 'bearer']) {
      const lines = logged((s) => `sent Authorization: ${scheme} ${s}`, bearer);
      expect(lines.includes(bearer), scheme).toBe(false);
    }
    const { log, lines } = testLog();
    log.info({ req: { headers: { authorization: `Bearer ${bearer}`, Authorization: bearer } } }, 'request');
    log.info(`headers: {"authorization":"${bearer}","token":"${bearer}"}`);
    expect(lines.join('').includes(bearer)).toBe(false);
  });

  it('censors a registered value as JSON escapes it too, and leaves ordinary words alone', () => {
    const odd = `line one\n"quoted" ${random()}`;
    registerSecrets(odd, 'abc', undefined, null);
    const { log, lines } = testLog();
    log.info({ note: odd }, `text ${odd}`);
    expect(lines.join('').includes(JSON.stringify(odd).slice(1, -1))).toBe(false);
    expect(JSON.parse(lines[0]).msg).toBe(`text ${REDACTED}`);
    const plain = 'storyloom discord: Bot permissions missing; the token file is gone; abc; 1 of 2 jobs';
    expect(scrub(plain)).toBe(plain);
  });

  it('learns the Google tokens from the Drive sign-in: the refresh token read, each access token issued', async () => {
    const refresh = `stored-refresh-${random()}`;
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'storyloom-log-')), 'token.json');
    await writeTokenFile(tokenFile, {
      type: 'authorized_user',
      client_id: 'client.apps.googleusercontent.com',
      refresh_token: refresh,
      scope: DRIVE_SCOPE,
      token_uri: 'http://127.0.0.1:9/token',
      created_at: new Date().toISOString(),
    });
    const { auth } = await loadCredentials({
      GOOGLE_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
      GOOGLE_OAUTH_CLIENT_SECRET: `client-secret-${random()}`,
      GOOGLE_OAUTH_TOKEN_FILE: tokenFile,
      STORYLOOM_DATA_DIR: tmpdir(),
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
    });
    const access = `issued-access-${random()}`;
    expect(scrub(`token ${access}`)).toContain(access);
    auth.emit('tokens', { access_token: access, expiry_date: Date.now() + 3600_000 });
    expect(scrub(`refresh ${refresh}, access ${access}`)).toBe(`refresh ${REDACTED}, access ${REDACTED}`);
  });
});
