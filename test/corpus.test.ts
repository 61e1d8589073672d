import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detokenize, paragraphsOf, restorePunctuation, stripTag } from '../scripts/build-corpus.ts';
import { ROOT } from './helpers/python.ts';

describe('corpus builder', () => {
  it('strips tags, even from words with slashes', () => {
    expect(stripTag('house/nn')).toBe('house');
    expect(stripTag('and/or/cc')).toBe('and/or');
  });

  it('restores spacing, contractions and quotes', () => {
    const words = restorePunctuation(['``', 'Okay', "''", ',', 'Scotty', 'said', ',', '``', 'I', "didn't", '.', "''"]);
    expect(detokenize(words)).toBe('"Okay," Scotty said, "I didn\'t."');
  });

  it('undoes doubled ? and ! and moves sentence ends in front of quotes', () => {
    expect(detokenize(restorePunctuation(['``', 'Will', 'he', 'die', "''", '?', '?']))).toBe('"Will he die?"');
    expect(
      detokenize(
        restorePunctuation(['Prevot', 'came', 'up', '``', '.', 'Take', 'that', "''", ',', 'he', 'said', '!', '!']),
      ),
    ).toBe('Prevot came up. "Take that," he said!');
  });

  it('writes one paragraph per line, and headlines stand alone', () => {
    const tagged =
      '\n\n\tThirty-three/cd-hl\nScotty/np did/dod not/* go/vb ./.\nHe/pps slept/vbd ./.\n\n\n\tNext/ap day/nn ./.\n';
    expect(paragraphsOf(tagged)).toEqual(['Thirty-three', 'Scotty did not go. He slept.', 'Next day.']);
  });

  it('the committed corpus matches its sha256 and is what the script builds', () => {
    const committed = readFileSync(join(ROOT, 'colab/data/brown-fiction.txt'));
    const [sha256] = readFileSync(join(ROOT, 'colab/data/brown-fiction.txt.sha256'), 'utf8').split(/\s+/);
    expect(createHash('sha256').update(committed).digest('hex')).toBe(sha256);
    const out = join(mkdtempSync(join(tmpdir(), 'storyloom-corpus-')), 'brown.txt');
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-corpus.ts'), '--out', out], {
      cwd: ROOT,
    });
    expect(readFileSync(out).equals(committed)).toBe(true);
    expect(committed.length).toBeGreaterThan(1_300_000);
  });
});
