/**
 * The Drive scenarios of `npm run bench:drive` that run the real Colab worker
 * (`python -m colab.worker`, a tiny model on the CPU) beside the bot's JobClient,
 * each pair on its own Drive fake with latency on every call:
 *
 * - one job after an idle spell: the worker idle for longer than its busy window,
 *   then one request at a random moment of its idle poll; its default settings
 *   against the ones given as `before` (one run, pairs side by side);
 * - calls per job when a line takes about 0.1, 1 or 3 s to write: a lone user
 *   submits the next job as soon as the last one is delivered.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tinyModel } from '../test/helpers/models.ts';
import { percentile } from './bench-common.ts';
import {
  callsOf,
  fixedLengthRequest,
  oneJob,
  PATH_METHODS,
  pythonPair,
  recordGeneration,
  sumOf,
  WORKER_BUSY_WINDOW_MS,
} from './bench-drive-worker.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One configuration of the idle-spell scenario. */
export interface IdleCase {
  name: string;
  workerArgs: string[];
  /** The worker's idle poll (s), for the random part of each wait. */
  idlePollS: number;
}

/** What the idle-spell scenario measured for one case. */
export interface IdleResult {
  ms: number[];
  /** The worker's and the bot's Drive calls a minute while idle (after the busy window, before the next job). */
  workerIdlePerMin: number;
  botIdlePerMin: number;
}

/** One job after an idle spell, for each case: `pairs` pairs per case, `trials` jobs per case in all. */
export async function idleSpell(
  cases: IdleCase[],
  latencyMs: number,
  trials: number,
  pairs: number,
): Promise<Map<string, IdleResult>> {
  const model = await tinyModel();
  const results = new Map<string, IdleResult & { idleMs: number; workerCalls: number; botCalls: number }>(
    cases.map((c) => [
      c.name,
      { ms: [], workerIdlePerMin: 0, botIdlePerMin: 0, idleMs: 0, workerCalls: 0, botCalls: 0 },
    ]),
  );
  await Promise.all(
    cases.flatMap((c, ci) =>
      Array.from({ length: pairs }, async (_, p) => {
        const pair = await pythonPair(model, latencyMs, c.workerArgs, `idle-${ci}-${p}`);
        const result = results.get(c.name)!;
        const total = (label: string) => sumOf(callsOf(pair.fake, label));
        try {
          for (let t = p; t < trials; t += pairs) {
            // Past the worker's busy window, then anywhere in one idle poll; calls are counted over that part.
            await sleep(WORKER_BUSY_WINDOW_MS + 1500);
            const [worker, bot, from] = [total('worker'), total('bot'), performance.now()];
            await sleep(3000 + Math.random() * c.idlePollS * 1000);
            [result.workerCalls, result.botCalls] = [
              result.workerCalls + total('worker') - worker,
              result.botCalls + total('bot') - bot,
            ];
            result.idleMs += performance.now() - from;
            result.ms.push(await oneJob(pair.bot, fixedLengthRequest(`idle-${p}`, 20)));
          }
        } finally {
          await pair.close();
        }
      }),
    ),
  );
  for (const c of cases) {
    const r = results.get(c.name)!;
    [r.workerIdlePerMin, r.botIdlePerMin] = [(r.workerCalls * 60_000) / r.idleMs, (r.botCalls * 60_000) / r.idleMs];
    console.log(
      `${`idle, then one job: ${c.name}`.padEnd(58)} p50 ${seconds(percentile(r.ms, 50))}  ` +
        `p90 ${seconds(percentile(r.ms, 90))}  ` +
        `p99 ${seconds(percentile(r.ms, 99))}  max ${seconds(Math.max(...r.ms))}  ` +
        `(${r.ms.length} trials); idle calls/min: ` +
        `worker ${r.workerIdlePerMin.toFixed(1)}, bot ${r.botIdlePerMin.toFixed(1)}`,
    );
  }
  return results;
}

/** What a generation-time run measured. */
export interface GenerationRun {
  slowMs: number;
  generationMs: number;
  p50Ms: number;
  botPerJob: number;
  workerPerJob: number;
  heartbeatsPerJob: number;
  cleanupPerJob: number;
  /**
   * Calls made between each job's submit and its delivery, both sides (the path itself, without the gaps between
   * jobs).
   */
  windowPerJob: number;
}

/** Calls per job for a lone user whose lines take about `slowMs` × `chars` ms to write. */
export async function callsPerJob(
  slowMsList: number[],
  latencyMs: number,
  jobs: number,
  chars = 100,
): Promise<GenerationRun[]> {
  const model = await tinyModel();
  return Promise.all(
    slowMsList.map(async (slowMs) => {
      const pair = await pythonPair(
        model,
        latencyMs,
        ['--slow-ms', String(slowMs)],
        `gen-${String(slowMs).replace('.', '_')}`,
      );
      try {
        const generation = recordGeneration(pair.bot);
        // A few jobs first: the bot learns when replies land (src/transport/drive/reply-timing.ts).
        for (let i = 0; i < 4; i++) await oneJob(pair.bot, fixedLengthRequest('lone', chars));
        await sleep(1000);
        pair.fake.resetCounts();
        generation.length = 0;
        const ms: number[] = [];
        let window = 0;
        const pathCalls = () =>
          sumOf(callsOf(pair.fake, 'bot'), PATH_METHODS) + sumOf(callsOf(pair.fake, 'worker'), PATH_METHODS);
        for (let i = 0; i < jobs; i++) {
          const before = pathCalls();
          ms.push(await oneJob(pair.bot, fixedLengthRequest('lone', chars)));
          window += pathCalls() - before;
        }
        await sleep(1500); // the last cleanup deletes land
        const bot = callsOf(pair.fake, 'bot');
        const worker = callsOf(pair.fake, 'worker');
        return {
          slowMs,
          generationMs: percentile(generation, 50),
          p50Ms: percentile(ms, 50),
          botPerJob: sumOf(bot, PATH_METHODS) / jobs,
          workerPerJob: sumOf(worker, PATH_METHODS) / jobs,
          heartbeatsPerJob: (worker['files.update'] ?? 0) / jobs,
          cleanupPerJob: ((bot['files.delete'] ?? 0) + (worker['files.delete'] ?? 0)) / jobs,
          windowPerJob: window / jobs,
        };
      } finally {
        await pair.close();
      }
    }),
  );
}

/** Prints the generation-time runs. */
export function reportCallsPerJob(runs: GenerationRun[]): void {
  for (const r of runs) {
    console.log(
      `${`lone user, lines of ${seconds(r.generationMs)} (Colab worker)`.padEnd(58)} p50 ${seconds(r.p50Ms)}  ` +
        `calls/job submit→delivery ${r.windowPerJob.toFixed(2)}; ` +
        `with the gaps between jobs ${(r.botPerJob + r.workerPerJob).toFixed(2)} ` +
        `(bot ${r.botPerJob.toFixed(2)}, worker ${r.workerPerJob.toFixed(2)}) ` +
        `+ heartbeats ${r.heartbeatsPerJob.toFixed(2)} ` +
        `+ cleanup deletes ${r.cleanupPerJob.toFixed(2)}`,
    );
  }
}
