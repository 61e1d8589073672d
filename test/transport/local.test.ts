import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFolderTransport } from '../../src/transport/local.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { describeTransportContract } from './contract.ts';

const opened: Transport[] = [];
async function openLocal(root: string): Promise<LocalFolderTransport> {
  const t = new LocalFolderTransport(root, { idleMs: 300, urgentMs: 50 });
  await t.open();
  opened.push(t);
  return t;
}

describeTransportContract('LocalFolderTransport', async () => {
  const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
  return {
    a: await openLocal(root),
    b: await openLocal(root),
    another: () => openLocal(root),
    async cleanup() {
      await Promise.all(opened.splice(0).map((t) => t.close()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}, { newsMs: 2000 });

describe('LocalFolderTransport', () => {
  it('creates the folder tree and leaves no temporary files behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = await openLocal(root);
    expect(readdirSync(root).sort()).toEqual(['control', 'models', 'requests', 'responses', 'stories', 'workers']);
    await t.put('requests', 'a.json', '{}');
    expect(readdirSync(join(root, 'requests'))).toEqual(['a.json']);
    await t.close();
  });

  it('ignores files that are not mailbox names, like temporary files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = await openLocal(root);
    writeFileSync(join(root, 'requests', '.x.json.abc.tmp'), '{');
    writeFileSync(join(root, 'requests', 'ok.json'), '{}');
    expect(await t.list('requests')).toEqual(['ok.json']);
    await t.close();
  });
});
