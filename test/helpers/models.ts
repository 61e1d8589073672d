/**
 * Test models: the shipped `small`, a tiny model trained for a few steps by
 * colab/train/ (python -m colab.train), once per test run (a mkdir lock keeps parallel workers from
 * training it twice), and random-weights models with or without styles (writeStyledModel), instant to make.
 */
import { createHash } from 'node:crypto';
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

/** The shape of a random styled model (writeStyledModel). */
export interface StyledModelOptions {
  name?: string;
  /** Its styles, `any` first. */
  styles?: string[];
  hiddenSize?: number;
  numLayers?: number;
  embeddingDim?: number;
  styleDim?: number;
  /** Weights are uniform in [-scale, scale): large enough that the output depends on every input. */
  scale?: number;
  seed?: number;
}

/** The characters of a random test model (colab/tests/helpers/random_model.py's FULL_VOCAB). */
export const TEST_VOCAB = [
  ...new Set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?\'"-()\n'),
].sort();

/** Safetensors bytes of float32 tensors, in the order given (the format's spec; little-endian). */
export function safetensorsBytes(tensors: [string, number[], Float32Array][]): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape, data] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    offset += data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const body = Buffer.alloc(offset);
  let at = 0;
  for (const [, , data] of tensors) for (const v of data) at = body.writeFloatLE(v, at);
  return Buffer.concat([head, Buffer.from(json), body]);
}

/**
 * Writes `<dir>/<name>.json` + `.safetensors`: a char-lstm with styles and random weights (the same bytes for the
 * same options), per docs/model.md; returns the json path.
 */
export function writeStyledModel(dir: string, options: StyledModelOptions = {}): string {
  const {
    name = 'styled',
    styles = ['any', 'general', 'mystery', 'austen'],
    hiddenSize: H = 24,
    numLayers: L = 2,
    embeddingDim: E = 8,
    styleDim: S = 4,
    scale = 2,
    seed = 7,
  } = options;
  let state = seed >>> 0;
  // A linear congruential generator: the same weights on every run.
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const random = (n: number) => Float32Array.from({ length: n }, () => ((next() / 2 ** 32) * 2 - 1) * scale);
  const V = TEST_VOCAB.length;
  const tensors: [string, number[], Float32Array][] = [['embedding.weight', [V, E], random(V * E)]];
  if (styles.length) tensors.push(['style_embedding.weight', [styles.length, S], random(styles.length * S)]);
  for (let k = 0; k < L; k++) {
    const input = k === 0 ? E + (styles.length ? S : 0) : H;
    tensors.push(
      [`lstm.weight_ih_l${k}`, [4 * H, input], random(4 * H * input)],
      [`lstm.weight_hh_l${k}`, [4 * H, H], random(4 * H * H)],
      [`lstm.bias_ih_l${k}`, [4 * H], random(4 * H)],
      [`lstm.bias_hh_l${k}`, [4 * H], random(4 * H)],
    );
  }
  tensors.push(['head.weight', [V, H], random(V * H)], ['head.bias', [V], random(V)]);
  const bytes = safetensorsBytes(tensors);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.safetensors`), bytes);
  const architecture: Record<string, unknown> = {
    type: 'char-lstm',
    vocab_size: V,
    embedding_dim: E,
    hidden_size: H,
    num_layers: L,
    dropout: 0,
  };
  if (styles.length) Object.assign(architecture, { num_styles: styles.length, style_dim: S });
  const doc = {
    v: 1,
    name,
    architecture,
    vocabulary: TEST_VOCAB,
    ...(styles.length ? { styles } : {}),
    normalization: { unicode: 'NFKC', strip_accents: true, unknown: 'drop', collapse_spaces: true },
    sampling: { prime_prefix: '\n', context_chars: 2000 },
    weights: {
      file: `${name}.safetensors`,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(doc, null, 1)}\n`);
  return join(dir, `${name}.json`);
}
