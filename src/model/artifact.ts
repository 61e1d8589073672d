/**
 * Loads and checks a model artifact (`<name>.json` + `<name>.safetensors`), making
 * the same checks as colab/model/artifact.py: every broken artifact gets an
 * ArtifactError that names the file and the problem, never a crash.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NormalizationRules } from './normalize.ts';
import { FLOAT_DTYPES, readSafetensors, SafetensorsError, type Tensor } from './safetensors.ts';

/** The artifact is missing, malformed, or does not match its weights. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/**
 * The architecture of a character LSTM, as the artifact's json records it. A model with styles (`numStyles` > 0)
 * feeds concat(embedding[c], style_embedding[s]) to layer 0 at every step; without, both are 0.
 */
export interface ModelConfig {
  vocabSize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  numStyles: number;
  styleDim: number;
}

/** A checked artifact: its description and its float32 weights by tensor name. */
export interface Artifact {
  path: string;
  name: string;
  config: ModelConfig;
  vocabulary: string[];
  normalization: NormalizationRules;
  sampling: { primePrefix: string; contextChars: number };
  weightsSha256: string;
  /** The styles the model writes in, by id (`any` first); empty for a model without styles. */
  styles: string[];
  doc: Record<string, unknown>;
  tensors: Map<string, Tensor>;
}

const VERSION = 1;
const ARCHITECTURE = 'char-lstm';
const REQUIRED_KEYS = ['v', 'name', 'architecture', 'vocabulary', 'normalization', 'weights'];
/** The style every styled model lists first: no particular style. */
export const ANY_STYLE = 'any';
/** A style's name: the protocol's StyleName (src/jobs/protocol.ts). */
const STYLE_NAME = /^[a-z][a-z-]*$/;

/** The tensor names and shapes an artifact of this architecture must hold. */
export function expectedShapes(c: ModelConfig): Map<string, number[]> {
  const { vocabSize: V, embeddingDim: E, hiddenSize: H, numStyles, styleDim } = c;
  const shapes = new Map<string, number[]>([
    ['embedding.weight', [V, E]],
    ['head.weight', [V, H]],
    ['head.bias', [V]],
  ]);
  if (numStyles > 0) shapes.set('style_embedding.weight', [numStyles, styleDim]);
  for (let k = 0; k < c.numLayers; k++) {
    shapes.set(`lstm.weight_ih_l${k}`, [4 * H, k === 0 ? E + styleDim : H]);
    shapes.set(`lstm.weight_hh_l${k}`, [4 * H, H]);
    shapes.set(`lstm.bias_ih_l${k}`, [4 * H]);
    shapes.set(`lstm.bias_hh_l${k}`, [4 * H]);
  }
  return shapes;
}

/** Accepts `x.json`, `x.safetensors` or `x` and returns the json path. */
export function jsonPathOf(path: string): string {
  if (path.endsWith('.safetensors')) return `${path.slice(0, -'.safetensors'.length)}.json`;
  return path.endsWith('.json') ? path : `${path}.json`;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ArtifactError(`model file ${path} does not exist or cannot be read`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`model file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ArtifactError(`model file ${path} must hold a JSON object`);
  return doc as Record<string, unknown>;
}

function positiveInt(path: string, arch: Record<string, unknown>, key: string): number {
  const value = arch[key];
  if (!Number.isInteger(value) || (value as number) <= 0)
    throw new ArtifactError(`model file ${path}: architecture.${key} must be a positive integer`);
  return value as number;
}

/** `architecture.<key>`: absent or a non-negative integer (0 when absent). */
function countOf(path: string, arch: Record<string, unknown>, key: string): number {
  const value = arch[key] ?? 0;
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new ArtifactError(`model file ${path}: architecture.${key} must be a non-negative integer`);
  return value as number;
}

/** The style sizes and names: none (both sizes absent or 0, no `styles`), or `any` first and one name per id. */
function checkStyles(path: string, doc: Record<string, unknown>, arch: Record<string, unknown>) {
  const numStyles = countOf(path, arch, 'num_styles');
  const styleDim = countOf(path, arch, 'style_dim');
  const styles = doc.styles;
  if (numStyles === 0 && styleDim === 0 && styles === undefined) return { numStyles, styleDim, styles: [] };
  if (numStyles === 0 || styleDim === 0) {
    throw new ArtifactError(
      `model file ${path}: a model with styles needs architecture.num_styles and architecture.style_dim ` +
        `both positive (got ${numStyles} and ${styleDim})`,
    );
  }
  if (!Array.isArray(styles)) {
    throw new ArtifactError(`model file ${path}: architecture.num_styles is ${numStyles} but 'styles' is not a list`);
  }
  if (styles.length !== numStyles) {
    throw new ArtifactError(
      `model file ${path}: 'styles' lists ${styles.length} styles but architecture.num_styles is ${numStyles}`,
    );
  }
  if (
    !styles.every((x) => typeof x === 'string' && x.length <= 40 && STYLE_NAME.test(x)) ||
    new Set(styles).size !== styles.length
  ) {
    throw new ArtifactError(
      `model file ${path}: 'styles' must be distinct names of lower-case letters and dashes (40 at most)`,
    );
  }
  if (styles[0] !== ANY_STYLE) {
    throw new ArtifactError(
      `model file ${path}: 'styles' must start with '${ANY_STYLE}', not ${JSON.stringify(styles[0])}`,
    );
  }
  return { numStyles, styleDim, styles: styles as string[] };
}

function checkDoc(path: string, doc: Record<string, unknown>): { config: ModelConfig; styles: string[] } {
  const missing = REQUIRED_KEYS.filter((k) => !(k in doc));
  if (missing.length)
    throw new ArtifactError(`model file ${path} is missing ${missing.map((k) => `'${k}'`).join(', ')}`);
  if (doc.v !== VERSION)
    throw new ArtifactError(
      `model file ${path} has version ${JSON.stringify(doc.v)}; this storyloom reads version ${VERSION}`,
    );
  const arch = doc.architecture as Record<string, unknown>;
  if (typeof arch !== 'object' || arch === null || arch.type !== ARCHITECTURE) {
    const kind = typeof arch === 'object' && arch !== null ? arch.type : arch;
    throw new ArtifactError(
      `model file ${path} has unknown architecture ${JSON.stringify(kind)}; this storyloom runs '${ARCHITECTURE}'`,
    );
  }
  const sizes = {
    vocabSize: positiveInt(path, arch, 'vocab_size'),
    embeddingDim: positiveInt(path, arch, 'embedding_dim'),
    hiddenSize: positiveInt(path, arch, 'hidden_size'),
    numLayers: positiveInt(path, arch, 'num_layers'),
  };
  const { numStyles, styleDim, styles } = checkStyles(path, doc, arch);
  const config = { ...sizes, numStyles, styleDim };
  const vocab = doc.vocabulary;
  if (
    !Array.isArray(vocab) ||
    vocab.length !== config.vocabSize ||
    new Set(vocab).size !== vocab.length ||
    !vocab.every((c) => typeof c === 'string' && [...c].length === 1)
  ) {
    throw new ArtifactError(`model file ${path}: vocabulary must be ${config.vocabSize} distinct single characters`);
  }
  const weights = doc.weights as Record<string, unknown>;
  if (typeof weights !== 'object' || weights === null || typeof weights.file !== 'string') {
    throw new ArtifactError(`model file ${path}: weights.file must name the safetensors file`);
  }
  return { config, styles };
}

async function readWeights(jsonPath: string, doc: Record<string, unknown>) {
  const weights = doc.weights as { file: string; sha256?: string };
  const path = join(dirname(jsonPath), basename(weights.file));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new ArtifactError(`weights file ${path} does not exist or cannot be read`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (weights.sha256 && weights.sha256 !== sha256) {
    throw new ArtifactError(`weights file ${path} does not match the sha256 in ${jsonPath}: truncated or replaced`);
  }
  try {
    return { path, sha256, tensors: readSafetensors(bytes).tensors };
  } catch (error) {
    if (error instanceof SafetensorsError)
      throw new ArtifactError(`weights file ${path} is not valid safetensors: ${error.message}`);
    throw error;
  }
}

function checkTensors(path: string, config: ModelConfig, tensors: Map<string, Tensor>): void {
  const shapes = expectedShapes(config);
  const missing = [...shapes.keys()].filter((k) => !tensors.has(k)).sort();
  const extra = [...tensors.keys()].filter((k) => !shapes.has(k)).sort();
  if (missing.length || extra.length) {
    throw new ArtifactError(`weights file ${path}: missing tensors [${missing}], unexpected tensors [${extra}]`);
  }
  for (const [name, shape] of shapes) {
    const tensor = tensors.get(name)!;
    if (tensor.shape.join(',') !== shape.join(',')) {
      throw new ArtifactError(`weights file ${path}: ${name} has shape [${tensor.shape}], expected [${shape}]`);
    }
    if (!FLOAT_DTYPES.has(tensor.dtype))
      throw new ArtifactError(`weights file ${path}: ${name} must be floating point, not ${tensor.dtype}`);
    if (!tensor.data.every(Number.isFinite))
      throw new ArtifactError(`weights file ${path}: ${name} holds NaN or infinite values`);
  }
}

/** Loads and checks an artifact from `x.json` (or `x.safetensors`, or `x`). */
export async function loadArtifact(path: string): Promise<Artifact> {
  const jsonPath = jsonPathOf(path);
  const doc = await readJson(jsonPath);
  const { config, styles } = checkDoc(jsonPath, doc);
  const weights = await readWeights(jsonPath, doc);
  checkTensors(weights.path, config, weights.tensors);
  const sampling = (doc.sampling ?? {}) as { prime_prefix?: string; context_chars?: number };
  return {
    path: jsonPath,
    name: String(doc.name),
    config,
    vocabulary: doc.vocabulary as string[],
    normalization: doc.normalization as NormalizationRules,
    sampling: { primePrefix: sampling.prime_prefix ?? '\n', contextChars: sampling.context_chars ?? 2000 },
    weightsSha256: weights.sha256,
    styles,
    doc,
    tensors: weights.tensors,
  };
}
