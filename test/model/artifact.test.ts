import { beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../../src/model/artifact.ts';
import { loadModel } from '../../src/model/models.ts';
import { BROKEN_ARTIFACTS, copyArtifact, editJson } from '../helpers/artifacts.ts';
import { tinyModel } from '../helpers/models.ts';

describe('broken artifacts get a clear error', () => {
  let tiny: string;
  beforeAll(async () => {
    tiny = await tinyModel();
  });

  it('a good artifact loads', async () => {
    const engine = await loadModel(copyArtifact(tiny));
    expect(engine.info.name).toBe('tiny');
  });

  it.each(BROKEN_ARTIFACTS)('%s', async (_name, breakIt, message) => {
    const path = copyArtifact(tiny);
    breakIt(path);
    const error = await loadModel(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toMatch(message);
  });

  it('bad normalization rules', async () => {
    const path = copyArtifact(tiny);
    editJson(path, (d) => (d.normalization.unknown = 'explode'));
    await expect(loadModel(path)).rejects.toThrow(/bad normalization rules/);
  });

  it('a model that does not exist', async () => {
    await expect(loadModel('/nonexistent/model.json')).rejects.toThrow(ArtifactError);
  });
});
