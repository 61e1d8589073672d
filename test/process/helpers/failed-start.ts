/**
 * The check for a start that must fail: `npm start` ends by itself with exit
 * code 1, says why in one line on stderr (naming the setting or what to do, no
 * stack trace), and leaves nothing behind: no embedded worker, no process of
 * its run.
 */
import { expect } from 'vitest';
import { until } from '../../helpers/worker-process.ts';
import { allGone, expectNoSecrets, npmStart } from './bot-run.ts';

/** What a failed start must print, and what it must not. */
export interface FailedStartSpec {
  /** The one line it prints on stderr (its last line, when `only` is false). */
  says: RegExp;
  /** Whether that line is all it prints on stderr (default); else a library's warnings may come first. */
  only?: boolean;
  /** Values that must not appear in its output. */
  secrets?: string[];
  /** Whether it forks the embedded worker before it fails (asserted: it must be seen, then gone; or never seen). */
  forksWorker: boolean;
  /** The most time from start to exit (asserted). */
  withinMs?: number;
}

/** Starts `npm start` with `env`, and checks it fails as `spec` says; returns the line it printed. */
export async function expectFailedStart(name: string, env: Record<string, string>, spec: FailedStartSpec) {
  const started = performance.now();
  const bot = npmStart(name, env);
  // Look for its embedded worker while it runs: the cases that fail after the fork must have had one.
  let sawWorker = false;
  const watch = setInterval(() => (sawWorker ||= bot.embeddedWorkers().length > 0), 20);
  const exit = await bot.ended(spec.withinMs ?? 60_000).finally(() => clearInterval(watch));
  const ms = Math.round(performance.now() - started);
  console.info(`[process] ${name}: ended by itself -> ${JSON.stringify({ ...exit, ms, sawWorker })}`);
  expect(exit, bot.describe()).toEqual({ code: 1, signal: null });
  expect(sawWorker, `${name}: an embedded worker was seen`).toBe(spec.forksWorker);
  const lines = bot.err.split('\n').filter((line) => line.trim() !== '');
  if (spec.only !== false) expect(lines, bot.describe()).toHaveLength(1);
  expect(lines.at(-1), bot.describe()).toMatch(spec.says);
  expect(bot.err, 'no stack trace').not.toMatch(/^\s+at /m);
  expect(bot.out).not.toMatch(/storyloom is running/);
  await until(() => allGone(bot), 3_000, `${name}: its processes to be gone`);
  expectNoSecrets(bot, spec.secrets ?? []);
  return lines.at(-1)!;
}
