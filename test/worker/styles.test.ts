/**
 * Styles in the embedded worker (protocol revision 3): a request's `style` is the style its lines are written in
 * when the model has it, and the result says which (null: written with none); a request without one gets the
 * result it got before styles existed.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFile, serialize } from '../../src/jobs/parse.ts';
import type { Request, Response, Result } from '../../src/jobs/protocol.ts';
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { generateBatch } from '../../src/worker/batch.ts';
import type { Worker } from '../../src/worker/worker.ts';
import type { LocalFolderTransport } from '../../src/transport/local.ts';
import { startTestWorker, testConfig, testTransport } from '../helpers/bot.ts';
import { writeStyledModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';

const base = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/request-start.json'), 'utf8')) as Request;

let counter = 0;
function request(overrides: Partial<Request> = {}): Request {
  const job_id = `01JDQ3Z7N8X2K4M6P8R0T2V5${String(counter++).padStart(2, '0')}`;
  const deadline = new Date(Date.now() + 60_000).toISOString();
  const sampling = { ...base.sampling, max_chars: 40, min_chars: null, seed: 9 };
  return { ...base, job_id, deadline, sampling, ...overrides };
}

/** A result as its response file holds it, read back through the protocol's own checks. */
function resultOf(response: Response): Result {
  const parsed = parseFile('response', serialize(response));
  if (!parsed.ok) throw new Error(`an error response: ${parsed.error.message}`);
  return parsed.result;
}

const dir = mkdtempSync(join(tmpdir(), 'storyloom-worker-styles-'));
let styled: Engine;
let plain: Engine;
beforeAll(async () => {
  styled = await loadModel(writeStyledModel(dir));
  plain = await loadModel(writeStyledModel(dir, { name: 'plain', styles: [] }));
});

describe('a batch with styles', () => {
  it("writes each job in its style and says which; a job without one gets today's result", async () => {
    const jobs = [
      request({ style: 'mystery', candidates: 2 }),
      request({ style: 'romance' }),
      request(),
      request({ style: 'any' }),
      request({ style: 'austen' }),
    ];
    const outcome = await generateBatch(styled, jobs, 'embedded-test');
    const results = outcome.responses.map(({ response }) => resultOf(response));
    expect(results.map((r) => r.style)).toEqual(['mystery', null, undefined, 'any', 'austen']);
    expect(Object.keys(results[2]).sort()).toEqual(['device', 'model', 'model_sha256', 'ms', 'stop', 'text']);
    expect(results[0].candidates).toHaveLength(2);
    const alone = await Promise.all(
      ['mystery', undefined, undefined, undefined, 'austen'].map(async (style) => {
        const { temperature, top_k: topK, top_p: topP, stop } = base.sampling;
        const options = { temperature, topK, topP, stop, maxChars: 40, seed: 9 };
        const [line] = await styled.generate([{ prompt: base.prompt, options, style }]);
        return line.text;
      }),
    );
    expect(results.map((r) => r.text)).toEqual(alone);
    expect(new Set(results.map((r) => r.text)).size).toBe(3);
  });

  it('on a model without styles, writes with none and says null', async () => {
    const outcome = await generateBatch(plain, [request({ style: 'austen' }), request()], 'embedded-test');
    const [austen, none] = outcome.responses.map(({ response }) => resultOf(response));
    expect(austen).toMatchObject({ style: null, text: none.text, stop: none.stop });
    expect(none).not.toHaveProperty('style');
  });
});

describe('the embedded worker with a styled model', () => {
  const open: (Worker | LocalFolderTransport)[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) {
      if ('options' in o) {
        await o.stop();
        await o.transport.close();
      } else await o.close();
    }
  });

  it("answers a request's style through the mailbox", async () => {
    const config = testConfig();
    const mailbox = testTransport(config);
    await mailbox.open();
    const worker = await startTestWorker(config, join(dir, 'styled.json'));
    open.push(worker, mailbox);
    const [asked, unknown] = [request({ style: 'austen' }), request({ style: 'humor' })];
    for (const r of [asked, unknown]) await mailbox.put('requests', `${r.job_id}.json`, JSON.stringify(r));
    const answer = async (r: Request) => {
      const file = join(config.STORYLOOM_DATA_DIR, 'mailbox', 'responses', `${r.job_id}.json`);
      await until(() => existsSync(file), 30_000, `a response to ${r.job_id}`);
      return resultOf(JSON.parse(readFileSync(file, 'utf8')) as Response);
    };
    expect(await answer(asked)).toMatchObject({ style: 'austen', model: 'styled' });
    expect(await answer(unknown)).toMatchObject({ style: null });
  });
});
