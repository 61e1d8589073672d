import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

describeTransportContract(
  'LocalFolderTransport',
  async () => {
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
  },
  { newsMs: 2000 },
);

describe('LocalFolderTransport', () => {
  it('creates the folder tree and leaves no temporary files behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = await openLocal(root);
    expect(readdirSync(root).sort()).toEqual(['control', 'models', 'requests', 'responses', 'stories', 'workers']);
    await t.put('requests', 'a.json', '{}');
    expect(readdirSync(join(root, 'requests'))).toEqual(['a.json']);
    await t.close();
  });

  it('news comes from fs events alone, with the listing far off', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = new LocalFolderTransport(root, { idleMs: 600_000, urgentMs: 600_000 });
    await t.open();
    const news: string[] = [];
    t.subscribe((c) => news.push(`${c.folder}/${c.name}`));
    const started = Date.now();
    writeFileSync(join(root, 'requests', 'evented.json'), '{}');
    while (!news.includes('requests/evented.json') && Date.now() - started < 5000)
      await new Promise((r) => setTimeout(r, 10));
    await t.close();
    expect(news).toContain('requests/evented.json');
  });

  it('news comes from the listing alone, with fs events off', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = new LocalFolderTransport(root, { idleMs: 100, urgentMs: 50, events: false });
    await t.open();
    const news: string[] = [];
    t.subscribe((c) => news.push(`${c.folder}/${c.name}${c.removed ? ' removed' : ''}`));
    writeFileSync(join(root, 'requests', 'listed.json'), '{}');
    const started = Date.now();
    while (!news.includes('requests/listed.json') && Date.now() - started < 5000)
      await new Promise((r) => setTimeout(r, 10));
    rmSync(join(root, 'requests', 'listed.json'));
    while (!news.includes('requests/listed.json removed') && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 10));
    await t.close();
    expect(news).toEqual(['requests/listed.json', 'requests/listed.json removed']);
  });

  it('a folder named like a mailbox file is not listed, and brings no news', async () => {
    const root = mkdtempSync(join(tmpdir(), 'storyloom-mailbox-'));
    const t = await openLocal(root);
    const news: string[] = [];
    t.subscribe((c) => news.push(c.name));
    mkdirSync(join(root, 'requests', 'folder.json'));
    writeFileSync(join(root, 'requests', 'file.json'), '{}');
    const started = Date.now();
    while (!news.includes('file.json') && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 400));
    expect(await t.list('requests')).toEqual(['file.json']);
    expect(news).not.toContain('folder.json');
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
