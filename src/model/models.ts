/**
 * From a model spec to a loaded model: a shipped model's name (`small`, from colab/models/) or a path
 * to an artifact. The twin of colab's `resolve_model` and `load_model`.
 *
 *   const engine = await loadModel('small', 8);   // an Engine that batches up to 8 streams
 */
import { fileURLToPath } from 'node:url';
import { Engine } from './engine.ts';

/** The folder of the shipped models (colab/models). */
export const MODELS_DIR = fileURLToPath(new URL('../../colab/models/', import.meta.url));

/** A shipped model's name (`small`), or a path to an artifact, as a path. */
export function resolveModel(model: string): string {
  if (model.includes('/') || model.endsWith('.json') || model.endsWith('.safetensors')) return model;
  return `${MODELS_DIR}${model}.json`;
}

/**
 * Resolves a model spec and loads it, for batches of up to `maxBatch` streams; throws ArtifactError
 * when the artifact is missing or broken.
 */
export function loadModel(model: string, maxBatch = 64): Promise<Engine> {
  return Engine.load(resolveModel(model), maxBatch);
}
