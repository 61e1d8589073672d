import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

describe('skeleton', () => {
  it('names the project', () => {
    expect(pkg.name).toBe('storyloom');
  });
});
