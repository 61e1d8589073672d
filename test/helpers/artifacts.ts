/** Copies of a model artifact with one thing broken, for the error-path tests. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Copies `<name>.json` and `<name>.safetensors` into a fresh temp folder; returns the new json path. */
export function copyArtifact(jsonPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-artifact-'));
  const name = basename(jsonPath, '.json');
  cpSync(jsonPath, join(dir, `${name}.json`));
  cpSync(join(dirname(jsonPath), `${name}.safetensors`), join(dir, `${name}.safetensors`));
  return join(dir, `${name}.json`);
}

/** The fields of an artifact's json document that the tests edit (src/model/artifact.ts reads them). */
export interface ArtifactJson {
  v: number;
  vocabulary?: string[];
  architecture: { type: string; hidden_size: number };
  weights: { file: string; sha256?: string };
  normalization: { unknown?: string };
}

/** Edits the artifact's json document in place. */
export function editJson(jsonPath: string, edit: (doc: ArtifactJson) => void): void {
  const doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as ArtifactJson;
  edit(doc);
  writeFileSync(jsonPath, JSON.stringify(doc));
}

/** Replaces the weights bytes; `fixHash` updates the json's sha256 so later checks are reached. */
export function editWeights(jsonPath: string, edit: (bytes: Buffer) => Buffer, fixHash = true): void {
  const path = jsonPath.replace(/\.json$/, '.safetensors');
  const bytes = edit(readFileSync(path));
  writeFileSync(path, bytes);
  if (fixHash) editJson(jsonPath, (doc) => (doc.weights.sha256 = createHash('sha256').update(bytes).digest('hex')));
}

/** The byte offset where a tensor's data starts, from the safetensors header. */
export function tensorDataOffset(bytes: Buffer, name: string): number {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  return 8 + n + header[name].data_offsets[0];
}

/** The ways to break an artifact, with the error each must produce (shared by both engines' tests). */
export const BROKEN_ARTIFACTS: [string, (jsonPath: string) => void, RegExp][] = [
  ['a missing json key', (p) => editJson(p, (d) => delete d.vocabulary), /missing 'vocabulary'/],
  [
    'an unknown architecture',
    (p) => editJson(p, (d) => (d.architecture.type = 'transformer')),
    /unknown architecture "transformer"/,
  ],
  ['an unknown version', (p) => editJson(p, (d) => (d.v = 2)), /version 2/],
  ['a vocabulary of the wrong size', (p) => editJson(p, (d) => d.vocabulary!.pop()), /vocabulary must be/],
  ['wrong shapes', (p) => editJson(p, (d) => (d.architecture.hidden_size += 16)), /has shape \[.*\], expected/],
  ['a json file that is not JSON', (p) => writeFileSync(p, '{"v": 1, "name": '), /not valid JSON/],
  ['a missing weights file', (p) => editJson(p, (d) => (d.weights.file = 'gone.safetensors')), /does not exist/],
  [
    'a truncated weights file',
    (p) => editWeights(p, (b) => b.subarray(0, b.length - 100), false),
    /does not match the sha256/,
  ],
  [
    'a truncated weights file without a hash',
    (p) => {
      editWeights(p, (b) => b.subarray(0, b.length - 100));
      editJson(p, (d) => delete d.weights.sha256);
    },
    /not valid safetensors/,
  ],
  [
    'NaN weights',
    (p) =>
      editWeights(p, (b) => {
        const c = Buffer.from(b);
        c.writeFloatLE(NaN, tensorDataOffset(c, 'head.bias'));
        return c;
      }),
    /head.bias holds NaN/,
  ],
];
