/**
 * Revision 2 of the protocol (candidates) against the code as it was just before it: commit BEFORE, whose
 * src/jobs and src/model are unpacked from git and run as they were. An older worker, given a request for
 * 3 candidates, drops the field and writes one line; the bot reads that answer as one candidate, the one a new
 * worker makes first. An older bot reads a new worker's answer as one line: candidate 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as parseNow from '../../src/jobs/parse.ts';
import { candidatesOf, type Request, type Response } from '../../src/jobs/protocol.ts';
import type { Engine } from '../../src/model/engine.ts';
import * as modelsNow from '../../src/model/models.ts';
import * as batchNow from '../../src/worker/batch.ts';
import { SMALL_MODEL } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';

/** The last commit without candidates. */
const BEFORE = 'b782caea359c1d0f0fd621c8e836cecf505f63d8';

const vector = (name: string) => readFileSync(join(ROOT, 'contract/protocol', name), 'utf8');

/** The request vector for 3 candidates, with a shorter line so the test stays quick. */
function requestForThree(): string {
  const doc = JSON.parse(vector('valid/request-candidates.json'));
  expect(doc.candidates).toBe(3);
  return JSON.stringify({ ...doc, sampling: { ...doc.sampling, max_chars: 80, min_chars: 20 } });
}

let old: { parse: typeof parseNow; models: typeof modelsNow; batch: typeof batchNow };
let oldEngine: Engine;
let newEngine: Engine;
let dir = '';

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'test-artifacts', 'before-candidates-'));
  // The files as they were at BEFORE (bare imports such as zod resolve to this checkout's node_modules).
  try {
    execFileSync('git', ['cat-file', '-e', `${BEFORE}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    throw new Error(`this test needs the git history (commit ${BEFORE}): run it in a full clone`);
  }
  const tar = execFileSync('git', ['archive', BEFORE, 'src/jobs', 'src/model', 'src/worker'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  old = {
    parse: await import(join(dir, 'src/jobs/parse.ts')),
    models: await import(join(dir, 'src/model/models.ts')),
    batch: await import(join(dir, 'src/worker/batch.ts')),
  };
  expect(readFileSync(join(dir, 'src/jobs/protocol.ts'), 'utf8')).not.toMatch(/candidates/);
  [oldEngine, newEngine] = await Promise.all([old.models.loadModel(SMALL_MODEL), modelsNow.loadModel(SMALL_MODEL)]);
});

describe('a request for 3 candidates given to an older worker', () => {
  it('parses as a request for one line: the field is dropped, nothing else changes', () => {
    const text = requestForThree();
    const before = old.parse.parseFile('request', text);
    expect('candidates' in before).toBe(false);
    const now = parseNow.parseFile('request', text);
    expect(now.candidates).toBe(3);
    const { candidates: _, ...rest } = now;
    expect(before).toEqual(rest);
  });

  it('is answered with one line, which the bot reads as one candidate: the first a new worker makes', async () => {
    const text = requestForThree();
    const request: Request = parseNow.parseFile('request', text);
    const answer = await old.batch.generateBatch(oldEngine, [old.parse.parseFile('request', text)], 'old-worker');
    const wire = parseNow.serialize(answer.responses[0].response);
    expect(wire).not.toMatch(/candidates/);
    const response: Response = parseNow.parseFile('response', wire);
    if (!response.ok) throw new Error(`the older worker failed: ${response.error.message}`);
    const read = candidatesOf(request, response.result);
    expect(read).toEqual([
      { text: response.result.text, stop: response.result.stop, seed: request.sampling.seed, chars: read[0].chars },
    ]);
    expect(read[0].chars).toBe([...response.result.text].length);

    const fresh = await batchNow.generateBatch(newEngine, [request], 'new-worker');
    const made = fresh.responses[0].response;
    if (!made.ok) throw new Error(`the new worker failed: ${made.error.message}`);
    const three = candidatesOf(request, made.result);
    expect(three).toHaveLength(3);
    expect(three[0]).toEqual(read[0]);
  });
});

describe("a new worker's answer read by an older bot", () => {
  it('reads as one line, candidate 0', async () => {
    const before = old.parse.parseFile('response', vector('valid/response-candidates.json'));
    expect(before.ok && 'candidates' in before.result).toBe(false);
    const now = parseNow.parseFile('response', vector('valid/response-candidates.json'));
    if (!before.ok || !now.ok) throw new Error('expected lines');
    expect(before.result.text).toBe(now.result.candidates?.[0].text);
    expect(now.result.candidates).toHaveLength(3);
  });
});
