/** Small helpers shared by the benchmark scripts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bot, goLive, startBot } from '../src/app.ts';
import { PlaygroundAdapter } from '../src/chat/playground/adapter.ts';
import { parseConfig } from '../src/config.ts';
import type { Request } from '../src/jobs/protocol.ts';
import { silentLogger } from '../src/log.ts';
import { resolveModel } from '../src/model/models.ts';
import { LocalFolderTransport } from '../src/transport/local.ts';

/** The p-th percentile (nearest rank) of some samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A valid request for benchmarks. */
export function request(jobId: string, userId: string, maxChars = 40): Request {
  const now = new Date();
  return {
    v: 1,
    type: 'request',
    job_id: jobId,
    story_id: jobId,
    story_version: 0,
    purpose: 'continue',
    attempt: 1,
    created_at: now.toISOString(),
    deadline: new Date(now.getTime() + 3_600_000).toISOString(),
    prompt: 'The old house ',
    sampling: { temperature: 0.8, top_k: 0, top_p: 0.95, max_chars: maxChars, min_chars: null, stop: 'none', seed: 1 },
    model: null,
    user: { id: userId, name: userId },
    reply: { platform: 'test', channel: 'bench', thread: null },
  };
}

/** The bot with its playground, as `npm start` runs it: the embedded worker in its own process. */
export interface BenchPlayground {
  bot: Bot;
  /** The playground's address. */
  url: string;
  /** Stops the playground and the bot, and removes the data folder. */
  stop(): Promise<void>;
}

/**
 * Starts the bot and its playground on a fresh local mailbox, with no cooldown and the embedded worker on `model`
 * always (its id `embedded-<name>`), plus `settings`; resolves once the worker takes jobs.
 */
export async function startBenchPlayground(
  name: string,
  model: string,
  settings: Record<string, string> = {},
): Promise<BenchPlayground> {
  const dir = mkdtempSync(join(tmpdir(), `storyloom-${name}-`));
  const env = {
    STORYLOOM_DATA_DIR: dir,
    STORYLOOM_COOLDOWN_S: '0',
    STORYLOOM_LOCAL_WORKER: 'always',
    STORYLOOM_MODEL: resolveModel(model),
    STORYLOOM_WORKER_ID: `embedded-${name}`,
    PLAYGROUND_PORT: '0',
    ...settings,
  };
  const config = parseConfig(env);
  const bot = await startBot(config, new LocalFolderTransport(join(dir, 'mailbox')), {
    workerEnv: { ...process.env, ...env },
    log: silentLogger(),
  });
  const playground = new PlaygroundAdapter(config, bot.chat, silentLogger());
  await playground.start();
  await goLive(bot);
  await bot.workers.waitFor((w) => w.some((x) => x.fresh && x.heartbeat.state === 'running'), 60_000);
  return {
    bot,
    url: playground.url,
    async stop() {
      await playground.stop();
      await bot.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Follows the playground's event stream: `onEvent` gets each event's name, its data and when its chunk arrived
 * (performance.now()). Resolves once the stream is open, to the function that closes it.
 */
export async function followEvents(
  url: string,
  onEvent: (event: string, data: unknown, at: number) => void,
): Promise<() => void> {
  const stream = await fetch(`${url}/api/events`);
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of stream.body!) {
      const at = performance.now();
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) onEvent(event, JSON.parse(data), at);
      }
    }
  })().catch(() => undefined);
  return () => void stream.body?.cancel().catch(() => undefined);
}

/** POST /api/command as `user` (in the story `thread`): the reply's job id and the story's id; throws on a refusal. */
export async function playgroundCommand(
  url: string,
  user: string,
  text: string,
  thread?: string,
): Promise<{ jobId: string; storyId: string }> {
  const res = await fetch(`${url}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, text, thread }),
  });
  const body = (await res.json()) as { reply: { jobId: string }; storyId: string; error?: { message: string } };
  if (!res.ok) throw new Error(`${text}: ${res.status} ${body.error?.message}`);
  return { jobId: body.reply.jobId, storyId: body.storyId };
}
