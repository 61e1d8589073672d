/**
 * Test models: the shipped `small`, and a tiny model trained for a few steps by
 * colab/train/ (python -m colab.train), once per test run (a mkdir lock keeps parallel workers from
 * training it twice).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, runPython } from './python.ts';

/** The shipped CPU model. */
export const SMALL_MODEL = join(ROOT, 'colab/models/small.json');

const TINY_DIR = join(ROOT, 'test-artifacts/models');
/** Where the tiny model is written. */
export const TINY_MODEL = join(TINY_DIR, 'tiny.json');

/** Trains a tiny model on the first 60 kB of the corpus; returns its json path and seconds taken. */
export async function trainTiny(outDir: string, name = 'tiny', steps = 30): Promise<{ path: string; seconds: number }> {
  mkdirSync(outDir, { recursive: true });
  const text = join(outDir, `${name}.txt`);
  writeFileSync(text, readFileSync(join(ROOT, 'colab/data/brown-fiction.txt'), 'utf8').slice(0, 60_000));
  const started = Date.now();
  await runPython('colab.train', [
    '--text',
    text,
    '--name',
    name,
    '--out-dir',
    outDir,
    '--checkpoint',
    join(outDir, `${name}.pt`),
    '--hidden-size',
    '48',
    '--embedding-dim',
    '16',
    '--num-layers',
    '2',
    '--batch-size',
    '8',
    '--seq-len',
    '32',
    '--max-steps',
    String(steps),
    '--eval-every',
    '10',
    '--warmup-steps',
    '5',
    '--lr',
    '1e-2',
    '--threads',
    '1',
    '--quiet',
  ]);
  return { path: join(outDir, `${name}.json`), seconds: (Date.now() - started) / 1000 };
}

/** The tiny model, trained once per run and shared by every test file. */
export async function tinyModel(): Promise<string> {
  const lock = join(TINY_DIR, '.lock');
  mkdirSync(TINY_DIR, { recursive: true });
  for (;;) {
    if (existsSync(TINY_MODEL) && Date.now() - statSync(TINY_MODEL).mtimeMs < 10 * 60_000) return TINY_MODEL;
    try {
      mkdirSync(lock);
    } catch {
      // A lock older than two minutes belongs to a run that died.
      if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    try {
      await trainTiny(TINY_DIR);
      return TINY_MODEL;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
