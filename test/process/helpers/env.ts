/**
 * Environments for the commands under test, built from scratch as a user's
 * shell would give them: PATH and HOME, no vitest or npm variables, every
 * storyloom setting blank (so a developer's `.env` cannot leak in: dotenv never
 * overrides a variable that is set, even to ''), then the test's own settings.
 * Also fresh data folders, removed by `removeDataDirs()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../../../src/config.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';

const dirs: string[] = [];

/** A fresh, empty folder under the system's temp folder. */
export function freshDir(prefix = 'storyloom-process-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every folder `freshDir` made in this file. */
export function removeDataDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment of a plain shell: the system's variables only, every storyloom setting blank. */
export function plainEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ']) {
    if (process.env[key] !== undefined) env[key] = process.env[key]!;
  }
  for (const key of Object.keys(ConfigSchema.shape)) env[key] = '';
  // npm, as a user has it, minus what would reach the network or clutter the output.
  Object.assign(env, { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });
  return env;
}

/**
 * The bot's environment for `npm start`: a fresh data folder, the small model,
 * no cooldown, quick heartbeats, the playground on a free port, then `overrides`.
 */
export function botEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...plainEnv(),
    STORYLOOM_DATA_DIR: freshDir(),
    STORYLOOM_MODEL: SMALL_MODEL,
    STORYLOOM_COOLDOWN_S: '0',
    STORYLOOM_HEARTBEAT_S: '1',
    STORYLOOM_WORKER_BATCH: '4',
    PLAYGROUND: 'on',
    PLAYGROUND_PORT: '0',
    ...overrides,
  };
}
