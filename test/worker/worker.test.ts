/** The embedded worker against a real local mailbox: bad files, deadlines, control, standby. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Heartbeat, Request, Response } from '../../src/jobs/protocol.ts';
import { candidateSeed } from '../../src/model/rng.ts';
import { RUNNING_IDLE_POLL_MS } from '../../src/worker/options.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { startTestWorker, testConfig, testTransport } from '../helpers/bot.ts';
import { tinyModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';
import type { LocalFolderTransport } from '../../src/transport/local.ts';

const vector = (name: string) => readFileSync(join(ROOT, 'contract/protocol', name), 'utf8');
const open: (Worker | LocalFolderTransport)[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if ('options' in o) {
      await o.stop();
      await o.transport.close();
    } else await o.close();
  }
});

let model: string;
beforeAll(async () => {
  model = await tinyModel();
});

async function setup(options: Parameters<typeof startTestWorker>[2] = {}) {
  const config: Config = testConfig();
  const mailbox = testTransport(config);
  await mailbox.open();
  const worker = await startTestWorker(config, model, options);
  open.push(worker, mailbox);
  const response = async (id: string): Promise<Response> => {
    await until(() => existsResponse(config, id), 30_000, `a response to ${id}`);
    return JSON.parse((await mailbox.get('responses', `${id}.json`))!) as Response;
  };
  const heartbeat = async () => JSON.parse((await mailbox.get('workers', 'embedded-test.json'))!) as Heartbeat;
  return { config, mailbox, worker, response, heartbeat };
}

/** Whether `<folder>/<id>.json` is in the test mailbox. */
function inMailbox(config: Config, folder: string, id: string): boolean {
  try {
    readFileSync(join(config.STORYLOOM_DATA_DIR, 'mailbox', folder, `${id}.json`));
    return true;
  } catch {
    return false;
  }
}

const existsResponse = (config: Config, id: string) => inMailbox(config, 'responses', id);
const readControlGone = (config: Config, id: string) => !inMailbox(config, 'control', id);

function request(jobId: string, overrides: Record<string, unknown> = {}): string {
  const base = JSON.parse(vector('valid/request-start.json'));
  const future = new Date(Date.now() + 60_000).toISOString();
  const sampling = { ...base.sampling, max_chars: 30, min_chars: null };
  return JSON.stringify({ ...base, job_id: jobId, deadline: future, sampling, ...overrides });
}

describe('embedded worker', () => {
  it('answers a good request with a line', async () => {
    const { mailbox, response } = await setup();
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V400.json', request('01JDQ3Z7N8X2K4M6P8R0T2V400'));
    const r = await response('01JDQ3Z7N8X2K4M6P8R0T2V400');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.result).toMatchObject({ model: 'tiny', device: 'cpu (embedded)' });
  });

  it.each([
    ['malformed JSON', 'invalid/request-truncated.json', 'bad_request'],
    ['an unknown version', 'invalid/request-version-2.json', 'unsupported_version'],
    ['a field out of range', 'invalid/request-temperature-too-high.json', 'bad_request'],
    ['an empty file', 'invalid/request-empty.json', 'bad_request'],
  ])('answers %s with an error response and carries on', async (_name, file, code) => {
    const { mailbox, response } = await setup();
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V401.json', vector(file));
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V402.json', request('01JDQ3Z7N8X2K4M6P8R0T2V402'));
    const bad = await response('01JDQ3Z7N8X2K4M6P8R0T2V401');
    expect(bad.ok === false && bad.error.code).toBe(code);
    expect((await response('01JDQ3Z7N8X2K4M6P8R0T2V402')).ok).toBe(true);
  });

  it('leaves files that are not ours alone', async () => {
    const { mailbox, response, config } = await setup();
    await mailbox.put('requests', 'notes.json', vector('invalid/not-ours-drive-file.json'));
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V403.json', request('01JDQ3Z7N8X2K4M6P8R0T2V403'));
    await response('01JDQ3Z7N8X2K4M6P8R0T2V403');
    expect(existsResponse(config, 'notes')).toBe(false);
    expect(await mailbox.get('requests', 'notes.json')).not.toBeNull();
  });

  it('answers an expired job without generating', async () => {
    const { mailbox, response, worker } = await setup();
    const expired = request('01JDQ3Z7N8X2K4M6P8R0T2V404', { deadline: '2020-01-01T00:00:00.000Z' });
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V404.json', expired);
    const r = await response('01JDQ3Z7N8X2K4M6P8R0T2V404');
    expect(r.ok === false && r.error.code).toBe('expired');
    expect(worker.metrics.jobsDone).toBe(0);
  });

  it('obeys pause, resume, drain and reload, shows each in its heartbeat, and deletes the file', async () => {
    const { mailbox, heartbeat, config } = await setup();
    const control = (id: string, command: string, extra = {}) => {
      const pause = JSON.parse(vector('valid/control-pause.json'));
      return mailbox.put('control', `${id}.json`, JSON.stringify({ ...pause, command_id: id, command, ...extra }));
    };
    const applied = async (id: string) => until(() => readControlGone(config, id), 10_000, `control ${id}`);
    await control('01JDQ40000000000000000000C', 'pause');
    await applied('01JDQ40000000000000000000C');
    expect((await heartbeat()).state).toBe('paused');
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V405.json', request('01JDQ3Z7N8X2K4M6P8R0T2V405'));
    await new Promise((r) => setTimeout(r, 1200));
    expect(existsResponse(config, '01JDQ3Z7N8X2K4M6P8R0T2V405')).toBe(false);
    await control('01JDQ40000000000000000000D', 'resume');
    await until(() => existsResponse(config, '01JDQ3Z7N8X2K4M6P8R0T2V405'), 30_000, 'the paused job to run');
    await control('01JDQ40000000000000000000E', 'drain');
    await applied('01JDQ40000000000000000000E');
    expect((await heartbeat()).state).toBe('draining');
    const before = (await heartbeat()).model!.loaded_at;
    await new Promise((r) => setTimeout(r, 5));
    await control('01JDQ40000000000000000000F', 'reload');
    await applied('01JDQ40000000000000000000F');
    const after = await heartbeat();
    expect(after.model!.loaded_at > before).toBe(true);
    expect(after.applied_controls.map((c) => c.command)).toEqual(['pause', 'resume', 'drain', 'reload']);
  });

  it('a reload that fails keeps the old model and says why', async () => {
    const { mailbox, heartbeat, config, worker } = await setup({
      loadEngine: async (m) => {
        if (m === 'broken') throw new Error('weights file gone.safetensors does not exist');
        const { loadModel } = await import('../../src/model/models.ts');
        return loadModel(model);
      },
    });
    const reload = JSON.parse(vector('valid/control-reload.json'));
    const broken = { ...reload, command_id: '01JDQ40000000000000000000G', target: '*', model: 'broken' };
    await mailbox.put('control', '01JDQ40000000000000000000G.json', JSON.stringify(broken));
    await until(() => readControlGone(config, '01JDQ40000000000000000000G'), 10_000, 'the reload');
    const beat = await heartbeat();
    expect(beat.message).toMatch(/model failed to load: weights file gone/);
    expect(beat.model?.name).toBe('tiny');
    expect(worker.state).toBe('running');
  });

  it('deletes unreadable control files, and leaves controls for other workers', async () => {
    const { mailbox, config } = await setup();
    await mailbox.put('control', 'garbage.json', '{not json');
    const pause = JSON.parse(vector('valid/control-pause.json'));
    const theirs = { ...pause, command_id: '01JDQ40000000000000000000H', target: 'someone-else' };
    await mailbox.put('control', '01JDQ40000000000000000000H.json', JSON.stringify(theirs));
    await until(() => readControlGone(config, 'garbage'), 10_000, 'the garbage control file to go');
    expect(readControlGone(config, '01JDQ40000000000000000000H')).toBe(false);
  });

  it('skips a command it applied before a restart, known from its own last heartbeat', async () => {
    const config: Config = testConfig();
    const mailbox = testTransport(config);
    await mailbox.open();
    open.push(mailbox);
    const id = '01JDQ40000000000000000000P';
    const beat = JSON.parse(vector('valid/heartbeat-colab.json'));
    const applied = [{ command_id: id, command: 'pause', applied_at: new Date().toISOString() }];
    const before = { ...beat, worker_id: 'embedded-test', kind: 'embedded', applied_controls: applied };
    await mailbox.put('workers', 'embedded-test.json', JSON.stringify(before));
    // Its control file is still there (it could not be deleted): applied once is enough.
    const pause = { ...JSON.parse(vector('valid/control-pause.json')), command_id: id, target: 'embedded-test' };
    await mailbox.put('control', `${id}.json`, JSON.stringify(pause));
    const worker = await startTestWorker(config, model);
    open.push(worker);
    await until(() => readControlGone(config, id), 10_000, 'the control file to be deleted');
    expect(worker.state).toBe('running');
    expect(worker.applied.map((c) => c.command_id)).toEqual([id]);
  });

  it("stands by in 'auto' while another worker's heartbeat is fresh, and takes over when it goes stale", async () => {
    const { mailbox, heartbeat, worker } = await setup({ mode: 'auto' });
    // The idle pace it asks of a polled mailbox: quick while it takes jobs, the transport's own while standing by.
    const paces: (number | undefined)[] = [];
    const setIdlePoll = worker.transport.setIdlePoll.bind(worker.transport);
    worker.transport.setIdlePoll = (ms) => {
      paces.push(ms);
      return setIdlePoll(ms);
    };
    const other = JSON.parse(vector('valid/heartbeat-colab.json'));
    const fresh = { ...other, at: new Date().toISOString(), interval_s: 1 };
    await mailbox.put('workers', 'colab-7f3a.json', JSON.stringify(fresh));
    await until(() => worker.state === 'standby', 10_000, 'standby');
    await worker.beat();
    expect((await heartbeat()).state).toBe('standby');
    expect(paces.at(-1)).toBeUndefined();
    await until(
      () => {
        void worker.beat();
        return worker.state === 'running';
      },
      10_000,
      'taking over',
    );
    expect(paces.at(-1)).toBe(RUNNING_IDLE_POLL_MS);
  });
});

describe('embedded worker, the same rules as the Colab worker', () => {
  it('refuses a job_id that differs from its file name, and a model it does not run', async () => {
    const { mailbox, response } = await setup();
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V410.json', request('01JDQ3Z7N8X2K4M6P8R0T2V411'));
    const medium = request('01JDQ3Z7N8X2K4M6P8R0T2V412', { model: 'medium' });
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V412.json', medium);
    const mismatch = await response('01JDQ3Z7N8X2K4M6P8R0T2V410');
    expect(mismatch.ok === false && mismatch.error).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/does not match the file name/),
    });
    const model = await response('01JDQ3Z7N8X2K4M6P8R0T2V412');
    expect(model.ok === false && model.error).toMatchObject({
      code: 'model_error',
      message: "this worker runs model 'tiny', not 'medium'",
    });
  });

  it('leaves control files that are not ours alone', async () => {
    const { mailbox, config } = await setup();
    await mailbox.put('control', 'notes.json', vector('invalid/not-ours-drive-file.json'));
    await mailbox.put('control', 'garbage.json', '{not json');
    await until(() => readControlGone(config, 'garbage'), 10_000, 'the garbage control file to go');
    expect(readControlGone(config, 'notes')).toBe(false);
  });
});

describe('embedded worker, candidates', () => {
  it('answers a request for 3 candidates with all three; one that does not ask gets its usual line', async () => {
    const { mailbox, response } = await setup();
    const [many, plain] = ['01JDQ3Z7N8X2K4M6P8R0T2V430', '01JDQ3Z7N8X2K4M6P8R0T2V431'];
    await mailbox.put('requests', `${many}.json`, request(many, { candidates: 3 }));
    await mailbox.put('requests', `${plain}.json`, request(plain));
    const [r, p] = [await response(many), await response(plain)];
    if (!r.ok || !p.ok) throw new Error('expected two lines');
    const seed = (JSON.parse(request(many)) as Request).sampling.seed;
    expect(r.result.candidates?.map((c) => c.seed)).toEqual([0, 1, 2].map((i) => candidateSeed(seed, i)));
    expect(r.result.candidates?.[0]).toEqual({
      text: r.result.text,
      stop: r.result.stop,
      seed,
      chars: [...r.result.text].length,
    });
    for (const c of r.result.candidates ?? []) expect(c.chars).toBe([...c.text].length);
    expect(Object.keys(p.result).sort()).toEqual(['device', 'model', 'model_sha256', 'ms', 'stop', 'text']);
    expect(p.result.text).toBe(r.result.text);
  });

  it.each([
    ['zero', 'invalid/request-candidates-zero.json'],
    ['nine', 'invalid/request-candidates-nine.json'],
    ['a string', 'invalid/request-candidates-string.json'],
  ])('answers a request for %s candidates with bad_request, and carries on', async (_name, file) => {
    const { mailbox, response } = await setup();
    const [bad, good] = ['01JDQ3Z7N8X2K4M6P8R0T2V432', '01JDQ3Z7N8X2K4M6P8R0T2V433'];
    await mailbox.put('requests', `${bad}.json`, JSON.stringify({ ...JSON.parse(vector(file)), job_id: bad }));
    await mailbox.put('requests', `${good}.json`, request(good, { candidates: 2 }));
    const refused = await response(bad);
    expect(refused.ok === false && refused.error).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^invalid request: candidates: /),
    });
    const answered = await response(good);
    expect(answered.ok && answered.result.candidates).toHaveLength(2);
  });
});

describe('embedded worker, standing by', () => {
  it('reads no request while another worker serves, and reads them when it takes over', async () => {
    const { mailbox, worker, response } = await setup({ mode: 'auto' });
    const other = JSON.parse(vector('valid/heartbeat-colab.json'));
    const fresh = { ...other, at: new Date().toISOString(), interval_s: 1 };
    await mailbox.put('workers', 'colab-7f3a.json', JSON.stringify(fresh));
    await until(() => worker.state === 'standby', 10_000, 'standby');
    let reads = 0;
    const get = worker.transport.get.bind(worker.transport);
    worker.transport.get = async (folder, name) => {
      if (folder === 'requests') reads++;
      return get(folder, name);
    };
    await mailbox.put('requests', '01JDQ3Z7N8X2K4M6P8R0T2V420.json', request('01JDQ3Z7N8X2K4M6P8R0T2V420'));
    await new Promise((r) => setTimeout(r, 1200));
    expect(reads).toBe(0);
    expect((await response('01JDQ3Z7N8X2K4M6P8R0T2V420')).ok).toBe(true);
    expect(reads).toBe(1);
  });
});
