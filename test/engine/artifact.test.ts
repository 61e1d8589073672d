import { beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../../src/engine/artifact.ts';
import { Engine } from '../../src/engine/engine.ts';
import { BROKEN_ARTIFACTS, copyArtifact, editJson } from '../helpers/artifacts.ts';
import { tinyModel } from '../helpers/models.ts';

describe('broken artifacts get a clear error', () => {
  let tiny: string;
  beforeAll(async () => {
    tiny = await tinyModel();
  });

  it('a good artifact loads', async () => {
    const engine = await Engine.load(copyArtifact(tiny));
    expect(engine.info.name).toBe('tiny');
  });

  it.each(BROKEN_ARTIFACTS)('%s', async (_name, breakIt, message) => {
    const path = copyArtifact(tiny);
    breakIt(path);
    const error = await Engine.load(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toMatch(message);
  });

  it('bad normalization rules', async () => {
    const path = copyArtifact(tiny);
    editJson(path, (d) => (d.normalization.unknown = 'explode'));
    await expect(Engine.load(path)).rejects.toThrow(/bad normalization rules/);
  });

  it('a model that does not exist', async () => {
    await expect(Engine.load('/nonexistent/model.json')).rejects.toThrow(ArtifactError);
  });
});
