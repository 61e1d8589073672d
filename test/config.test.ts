import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, describeConfig, parseConfig } from '../src/config.ts';
import { ROOT } from './helpers/python.ts';

describe('config', () => {
  it('has a default for everything but the platform tokens', () => {
    const config = parseConfig({});
    expect(config.STORYLOOM_MAILBOX).toBe('local');
    expect(config.PLAYGROUND_PORT).toBe(8787);
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(describeConfig(config)).toContain('chat playground');
  });

  it.each([
    ['PLAYGROUND_PORT', 'eighty'],
    ['STORYLOOM_LOCAL_WORKER', 'sometimes'],
    ['STORYLOOM_MAILBOX', 'ftp'],
    ['DRIVE_API_URL', 'not a url'],
    ['SLACK_APP_TOKEN', 'xoxb-wrong-kind'],
    ['STORYLOOM_MAX_IN_FLIGHT', '0'],
  ])('names the bad key: %s=%s', (key, value) => {
    expect(() => parseConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [key]: value })).toThrow(new RegExp(`bad setting ${key}=`));
  });

  it('never shows a secret value in an error', () => {
    expect(() => parseConfig({ SLACK_APP_TOKEN: 'xoxp-secret-value-123' })).toThrow(/SLACK_APP_TOKEN=\(hidden\)/);
    expect(() => parseConfig({ SLACK_APP_TOKEN: 'xoxp-secret-value-123' })).not.toThrow(/secret-value/);
  });

  it('explains missing companions', () => {
    expect(() => parseConfig({ STORYLOOM_MAILBOX: 'drive' })).toThrow(/DRIVE_FOLDER_ID/);
    expect(() => parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1234567890' })).toThrow(
      /SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/,
    );
  });

  it('.env.example documents every key, and nothing else', () => {
    const example = readFileSync(`${ROOT}.env.example`, 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ConfigSchema.shape).sort());
  });
});

describe('config from a copied .env.example', () => {
  it('parses: empty values mean unset', () => {
    const example = readFileSync(`${ROOT}.env.example`, 'utf8');
    const env = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const config = parseConfig(env);
    expect(config.STORYLOOM_WORKER_ID).toMatch(/^embedded-/);
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });
});

describe('docs/configuration.md', () => {
  const page = readFileSync(`${ROOT}docs/configuration.md`, 'utf8');
  /** The table's rows: key → the default column as written (without backticks). */
  const rows = new Map(
    [...page.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| `?([^|`]*)`? \|/gm)].map((m) => [m[1], m[2].trim()]),
  );
  /** Defaults made at run time, which the table describes in words instead. */
  const computed = new Set(['STORYLOOM_WORKER_ID']);

  it('has a row for every configuration key, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
  });

  it('gives each key the default the code has', () => {
    const defaults = parseConfig({}) as Record<string, unknown>;
    for (const [key, written] of rows) {
      const value = defaults[key];
      const expected =
        computed.has(key) || value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
      const shown = key === 'PLAYGROUND' ? String(defaults[key] ? 'on' : 'off') : expected;
      expect(`${key}=${written}`).toBe(`${key}=${shown}`);
    }
  });

  it('is where the README sends people', () => {
    expect(readFileSync(`${ROOT}README.md`, 'utf8')).toContain('(docs/configuration.md)');
  });
});
