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
    ['PLAYGROUND_PORT', 'eighty'], ['STORYLOOM_LOCAL_WORKER', 'sometimes'], ['STORYLOOM_MAILBOX', 'ftp'],
    ['DRIVE_API_URL', 'not a url'], ['SLACK_APP_TOKEN', 'xoxb-wrong-kind'], ['STORYLOOM_MAX_IN_FLIGHT', '0'],
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
    expect(() => parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1234567890' })).toThrow(/SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/);
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

describe('the README', () => {
  it('documents every configuration key', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    for (const key of Object.keys(ConfigSchema.shape)) expect(readme).toContain(`\`${key}\``);
  });
});
