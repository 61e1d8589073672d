/** The bot's side of the mailbox: bad files, deadlines, and what waiting users are told. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { JobClient } from '../../src/jobs/client.ts';
import type { Request } from '../../src/jobs/protocol.ts';
import { WorkerMonitor } from '../../src/jobs/workers.ts';
import { ctx, startTestBot, startTestWorker, testConfig, testTransport } from '../helpers/bot.ts';
import { quietLog, testLog } from '../helpers/log.ts';
import { tinyModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';

const vector = (name: string) => readFileSync(join(ROOT, 'contract/protocol', name), 'utf8');
const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});
async function bot(overrides: Record<string, string> = {}) {
  const started = await startTestBot(testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50', ...overrides }));
  bots.push(started.bot);
  return started;
}
const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
const mailbox = (b: Bot, ...parts: string[]) => join(b.config.STORYLOOM_DATA_DIR, 'mailbox', ...parts);

describe('bad files in the mailbox', () => {
  it('a truncated response to a waiting job becomes a failure the user hears about', async () => {
    const { bot: b, delivery } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'Once.' }, thread);
    writeFileSync(mailbox(b, 'responses', `${reply.jobId}.json`), vector('valid/response-ok.json').slice(0, 50));
    await until(() => delivery.failures.length === 1, 10_000, 'the failure');
    expect(delivery.failures[0].text).toMatch(/could not be read/);
    expect(b.stories.get(reply.story!.id).pending).toBeNull();
  });

  it('an error response is passed on in plain words', async () => {
    const { bot: b, delivery } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'Once.' }, thread);
    const error = JSON.parse(vector('valid/response-error.json'));
    writeFileSync(
      mailbox(b, 'responses', `${reply.jobId}.json`),
      JSON.stringify({ ...error, job_id: reply.jobId, error: { code: 'model_error', message: 'CUDA out of memory' } }),
    );
    await until(() => delivery.failures.length === 1, 10_000, 'the failure');
    expect(delivery.failures[0].text).toMatch(/could not write that line \(CUDA out of memory\)/);
  });

  it('a response to an unknown job is cleaned up; a file that is not ours is left alone', async () => {
    const { bot: b } = await bot();
    writeFileSync(mailbox(b, 'responses', '01JDQ3Z7N8X2K4M6P8R0T2V4ZZ.json'), vector('valid/response-ok.json'));
    writeFileSync(mailbox(b, 'responses', 'somebody-elses.json'), vector('invalid/not-ours-drive-file.json'));
    await until(() => !safeRead(mailbox(b, 'responses', '01JDQ3Z7N8X2K4M6P8R0T2V4ZZ.json')), 10_000, 'cleanup');
    expect(safeRead(mailbox(b, 'responses', 'somebody-elses.json'))).toBeTruthy();
  });

  it('garbage heartbeats and story files are skipped, and everything else keeps working', async () => {
    const config = testConfig();
    const t = testTransport(config);
    await t.open();
    await t.put('workers', 'broken.json', '{"v": 1, "type": "heartbeat", "state": "dancing"}');
    await t.put('stories', '01JDQ3Z6A1B2C3D4E5F6G7H8J9.json', '{"v": 1, "type": "story", "lines": [');
    await t.close();
    const logs: string[] = [];
    const { startBot } = await import('../../src/app.ts');
    const b = await startBot(config, testTransport(config), { worker: false, log: testLog(logs).log });
    bots.push(b);
    expect(b.workers.workers()).toEqual([]);
    expect(b.stories.all()).toEqual([]);
    expect(logs.join('\n')).toMatch(/skipping stories\/01JDQ3Z6A1B2C3D4E5F6G7H8J9.json: not valid JSON/);
    expect(logs.join('\n')).toMatch(/ignoring workers\/broken.json/);
    const reply = await b.core.start(ctx('ann'), { seed: 'Still works.' });
    expect(reply.jobId).toBeDefined();
  });
});

describe('waiting', () => {
  it('no progress is shown for a job whose line is in and being posted', async () => {
    const { bot: b, delivery } = await bot();
    let release: () => void = () => undefined;
    let posting = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const deliverLine = delivery.deliverLine.bind(delivery);
    delivery.deliverLine = async (d) => {
      posting = true;
      await gate;
      return deliverLine(d);
    };
    const reply = await b.core.start(ctx('ann'), { seed: 'The tide turned.' }, thread);
    const worker = await startTestWorker(b.config, await tinyModel());
    try {
      await until(() => posting, 30_000, 'the line being posted');
      const shown = delivery.progress.length;
      await b.progress.tick();
      expect(delivery.progress.slice(shown).filter((p) => p.jobId === reply.jobId)).toEqual([]);
      release();
      await delivery.waitFor(reply.jobId!);
    } finally {
      release();
      await worker.stop();
      await worker.transport.close();
    }
  }, 60_000);

  it('with no worker online, the user is told the request is saved', async () => {
    const { bot: b, delivery } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'Anyone there?' }, thread);
    expect(reply.progress).toMatchObject({ state: 'offline', position: 1 });
    expect(reply.text).toMatch(/No worker is online right now\. Your request is saved/);
    await b.progress.tick();
    expect(delivery.progress.at(-1)!.text).toMatch(/will run when a worker is back/);
  });

  it('a job past its deadline is withdrawn, and its user told', async () => {
    const config = testConfig();
    const transport = testTransport(config);
    await transport.open();
    const workers = new WorkerMonitor(transport);
    const client = new JobClient(transport, workers, { sweepMs: 50, deadlineGraceMs: 50, log: quietLog() });
    const expired: string[] = [];
    client.setHandler({ response: async () => undefined, expired: async (r: Request) => void expired.push(r.job_id) });
    await client.start();
    const request: Request = {
      ...JSON.parse(vector('valid/request-start.json')),
      deadline: new Date(Date.now() + 200).toISOString(),
    };
    await client.submit(request);
    await until(() => expired.length === 1, 5000, 'the deadline');
    expect(client.pending()).toEqual([]);
    expect(await transport.get('requests', `${request.job_id}.json`)).toBeNull();
    client.stop();
    await transport.close();
  });

  it(
    'a response the chat keeps refusing is retried until ' + 'the deadline, then the job is dropped and cleaned up',
    async () => {
      const config = testConfig();
      const transport = testTransport(config);
      await transport.open();
      const client = new JobClient(transport, new WorkerMonitor(transport), {
        sweepMs: 50,
        deadlineGraceMs: 100,
        retryMs: 50,
        log: quietLog(),
      });
      let tries = 0;
      const expired: string[] = [];
      client.setHandler({
        response: async () => {
          tries++;
          throw new Error('Missing Permissions');
        },
        expired: async (r: Request) => void expired.push(r.job_id),
      });
      await client.start();
      const request: Request = {
        ...JSON.parse(vector('valid/request-start.json')),
        deadline: new Date(Date.now() + 400).toISOString(),
      };
      await client.submit(request);
      const response = JSON.parse(vector('valid/response-ok.json'));
      await transport.put(
        'responses',
        `${request.job_id}.json`,
        JSON.stringify({ ...response, job_id: request.job_id }),
      );
      await until(() => expired.length === 1, 5000, 'the deadline');
      await new Promise((r) => setTimeout(r, 300));
      const triesAtEnd = tries;
      expect(triesAtEnd).toBeGreaterThan(1);
      expect(client.pending()).toEqual([]);
      expect(await transport.get('requests', `${request.job_id}.json`)).toBeNull();
      expect(await transport.get('responses', `${request.job_id}.json`)).toBeNull();
      await new Promise((r) => setTimeout(r, 300));
      expect(tries).toBe(triesAtEnd);
      client.stop();
      await transport.close();
    },
  );
});

function safeRead(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
