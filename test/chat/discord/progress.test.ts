/**
 * Discord, while a line waits: the deferred reply says what is going on, from
 * "no worker is online" through the place in line with an ETA and "writing…" to
 * the outcome. The world starts with no worker; a stand-in worker's heartbeats
 * (written into the mailbox by the test) move the job along, and then the real
 * embedded worker comes up and writes the line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import type { Heartbeat } from '../../../src/jobs/protocol.ts';
import { testTransport } from '../../helpers/bot.ts';
import { customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

const OFFLINE =
  '💤 No worker is online right now. Your request is saved (#1 in line) and will run when a worker is back.';

describe('Discord: the progress of a waiting line', () => {
  let w: DiscordWorld;
  beforeAll(async () => {
    w = await startDiscordWorld({ worker: false });
  });
  afterAll(() => w?.close());

  /** A heartbeat from a worker that runs batches of about 20 s and has `active` in hand. */
  async function standInBeat(active: string[]): Promise<void> {
    const now = new Date().toISOString();
    const beat: Heartbeat = {
      v: 1,
      type: 'heartbeat',
      worker_id: 'stand-in',
      kind: 'colab',
      version: 'test',
      state: 'running',
      at: now,
      started_at: now,
      runtime_ends_at: null,
      // Why 60 s: the beat stays fresh for the whole test without being written again.
      interval_s: 60,
      device: { type: 'cuda', name: 'Test GPU', memory_total_mb: null, memory_used_mb: null },
      model: null,
      active_jobs: active,
      queued: active.length ? 0 : 1,
      batch_max: 8,
      chars_per_second: 100,
      batch_seconds: 20,
      jobs_done: 0,
      jobs_failed: 0,
      applied_controls: [],
      message: null,
      served: {},
      batches: 0,
    };
    const transport = testTransport(w.config);
    await transport.open();
    await transport.put('workers', 'stand-in.json', `${JSON.stringify(beat)}\n`);
    await transport.close();
  }

  it('goes from "no worker" to its place in line with an ETA, to "writing…", to the line in the thread', async () => {
    const sent = w.command(w.ana, 'story', { opening: 'The orchard kept its secrets.' });
    const opening = await w.fake.waitForOriginal(
      sent.id,
      new RegExp(`\n\n${OFFLINE.replace(/[()]/g, '\\$&')}$`),
      10_000,
    );
    const threadId = opening.thread!.id;
    const jobId = w.bot.jobs.pending()[0]!.job_id;

    await standInBeat([]);
    await w.fake.waitForOriginal(sent.id, /\n\n⏳ #1 in line, about 20 s$/, 10_000);
    await standInBeat([jobId]);
    // The progress names the worker writing the line.
    await w.fake.waitForOriginal(sent.id, /\n\n✍️ Writing on stand-in… \(about 20 s\)$/, 10_000);
    await w.startWorker();
    await w.fake.waitForOriginal(sent.id, new RegExp(`\n\n${LINE_POSTED}$`), 30_000);

    const edits = w.fake.requests({ method: 'PATCH', path: new RegExp(`/${sent.token}/messages/%40original$`) });
    const statuses = edits.map((r) => (r.body as { content: string }).content.split('\n\n').at(-1)!);
    expect(withoutRepeats(statuses.map(kindOf))).toEqual(['handing over', 'offline', 'in line', 'writing', 'posted']);
    expect(statuses).toContain('⏳ #1 in line, about 20 s');
    expect(statuses).toContain(OFFLINE);
    const [line] = w.fake.channelMessages(threadId).filter((m) => customIds(m).length > 0);
    expect(line.content).toMatch(/-# ✍️ the model \(.+\), asked by Ana$/);
  });
});

/** What a status line says, in a word. */
function kindOf(status: string): string {
  if (status.startsWith('⏳ Handing')) return 'handing over';
  if (status.startsWith('💤')) return 'offline';
  if (/^⏳ #\d+ in line, about \d+ (s|min)$/.test(status)) return 'in line';
  if (status.startsWith('✍️ Writing')) return 'writing';
  if (status === LINE_POSTED) return 'posted';
  return `unexpected: ${status}`;
}

function withoutRepeats(items: string[]): string[] {
  return items.filter((item, i) => item !== items[i - 1]);
}
