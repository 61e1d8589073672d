/**
 * The SIMD kernel computes every output in one canonical order, whatever block
 * computes it; checked bit for bit against that order emulated in float32 here.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/model/kernel.ts';

const f = Math.fround;

/** One output in the canonical order: 4 lanes over k in fours, (l0 + l1) + (l2 + l3), the tail, then y +=. */
function canonical(w: Float32Array, x: Float32Array, k: number, y: number): number {
  const lanes = [0, 0, 0, 0];
  const k4 = k & ~3;
  for (let c = 0; c < k4; c += 4) for (let l = 0; l < 4; l++) lanes[l] = f(lanes[l] + f(w[c + l] * x[c + l]));
  let s = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
  for (let c = k4; c < k; c++) s = f(s + f(w[c] * x[c]));
  return f(y + s);
}

function random(n: number, seed: number): Float32Array {
  let state = seed;
  // A linear congruential generator: the same numbers on every run.
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  return Float32Array.from({ length: n }, () => (next() / 2 ** 32) * 2 - 1);
}

describe('SIMD kernel', () => {
  it.each([
    [8, 16, 1],
    [7, 16, 4],
    [2, 13, 5],
    [77, 48, 9],
    [5, 3, 3],
    [64, 1024, 16],
    [1, 1, 1],
    [3, 10, 2],
    [9, 21, 6],
    [6, 8, 7],
    [11, 64, 3],
  ])('rows %i, k %i, batch %i: every output bit-exact in the canonical order', async (rows, k, batch) => {
    const kernel = await createKernel((rows * k + batch * k + batch * rows) * 4 + 64);
    const mem = new Float32Array(kernel.memory.buffer);
    const W = random(rows * k, 1),
      X = random(batch * k, 2),
      Y0 = random(batch * rows, 3);
    const wAt = 0,
      xAt = rows * k,
      yAt = xAt + batch * k;
    mem.set(W, wAt);
    mem.set(X, xAt);
    mem.set(Y0, yAt);
    kernel.gemmAcc(wAt * 4, xAt * 4, yAt * 4, rows, k, batch);
    const got = mem.slice(yAt, yAt + batch * rows);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < rows; r++) {
        const want = canonical(W.subarray(r * k, (r + 1) * k), X.subarray(b * k, (b + 1) * k), k, Y0[b * rows + r]);
        expect(got[b * rows + r]).toBe(want);
      }
    }
  });

  it('a stream’s outputs do not depend on the batch around it', async () => {
    const rows = 9,
      k = 20;
    const kernel = await createKernel(64 * 1024);
    const mem = new Float32Array(kernel.memory.buffer);
    const W = random(rows * k, 4),
      X = random(7 * k, 5);
    const run = (batch: number, from: number) => {
      mem.fill(0);
      mem.set(W, 0);
      mem.set(X.subarray(from * k, (from + batch) * k), 1000);
      kernel.gemmAcc(0, 4000, 8000, rows, k, batch);
      return mem.slice(2000, 2000 + batch * rows);
    };
    const all = run(7, 0);
    for (let b = 0; b < 7; b++) expect([...run(1, b)]).toEqual([...all.subarray(b * rows, (b + 1) * rows)]);
  });
});
