/**
 * A bot with the playground on a free port, for API and browser tests; plus its event stream and hand-written
 * heartbeats.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goLive, startBot, type Bot } from '../../src/app.ts';
import { PlaygroundAdapter, type PlaygroundOptions } from '../../src/chat/playground/adapter.ts';
import type { Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { Heartbeat } from '../../src/jobs/protocol.ts';
import { testConfig, testTransport } from './bot.ts';

/** A running playground and its bot. */
export interface TestPlayground {
  bot: Bot;
  playground: PlaygroundAdapter;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

/** Starts the bot (no worker) with the playground on 127.0.0.1 and a free port. */
export async function startTestPlayground(
  overrides: Record<string, string> = {},
  options: PlaygroundOptions = {},
): Promise<TestPlayground> {
  const config = testConfig({
    PLAYGROUND_PORT: '0',
    PLAYGROUND_ADMINS: 'Root',
    STORYLOOM_MAX_IN_FLIGHT: '20',
    ...overrides,
  });
  const bot = await startBot(config, testTransport(config), { worker: false, log: silentLogger() });
  const playground = new PlaygroundAdapter(config, bot.chat, silentLogger(), options);
  await playground.start();
  await goLive(bot);
  return {
    bot,
    playground,
    config,
    url: playground.url,
    async stop() {
      await playground.stop();
      await bot.stop();
    },
  };
}

/** One server-sent event as received; a test casts `data` to the event's shape (e.g. LineEventData). */
export interface ReceivedEvent {
  event: string;
  data: unknown;
  at: number;
}

/** The part of a `line` event's data the tests read (src/chat/playground/delivery.ts sends it). */
export interface LineEventData {
  line: { text: string };
}

/** Reads the playground's event stream in the background; `events` fills as they come. */
export async function openEvents(url: string): Promise<{ events: ReceivedEvent[]; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { signal: controller.signal });
  const events: ReceivedEvent[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      }
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort() };
}

/**
 * Writes a heartbeat into the mailbox by hand (atomically), as a worker would: for states no real worker holds still.
 */
export function writeHeartbeat(config: Config, fields: Partial<Heartbeat> & { worker_id: string }): void {
  const now = new Date().toISOString();
  const beat = Heartbeat.parse({
    v: 1,
    type: 'heartbeat',
    kind: 'test',
    version: 'test',
    state: 'running',
    at: now,
    started_at: now,
    runtime_ends_at: null,
    interval_s: 1,
    device: { type: 'cpu', name: 'test cpu', memory_total_mb: null, memory_used_mb: null },
    model: null,
    active_jobs: [],
    queued: 0,
    batch_max: 16,
    chars_per_second: 0,
    batch_seconds: null,
    jobs_done: 0,
    jobs_failed: 0,
    applied_controls: [],
    message: null,
    ...fields,
  });
  const dir = join(config.STORYLOOM_DATA_DIR, 'mailbox/workers');
  const tmp = join(dir, `.${beat.worker_id}.json.tmp`);
  writeFileSync(tmp, `${JSON.stringify(beat)}\n`);
  renameSync(tmp, join(dir, `${beat.worker_id}.json`));
}
