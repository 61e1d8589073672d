/** Where the shipped models live, and how a model argument is resolved. */
import { fileURLToPath } from 'node:url';

/** The folder of the shipped models (colab/models). */
export const MODELS_DIR = fileURLToPath(new URL('../../colab/models/', import.meta.url));

/** A shipped model's name (`small`), or a path to an artifact, as a path. */
export function resolveModel(model: string): string {
  if (model.includes('/') || model.endsWith('.json') || model.endsWith('.safetensors')) return model;
  return `${MODELS_DIR}${model}.json`;
}
