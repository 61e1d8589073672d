/**
 * Helpers for the Slack vote tests: a vote's message in a thread (found by its metadata), its candidates' sections
 * and buttons, presses and mentions with the answer only their person sees, and a hand-played worker that answers a
 * job with candidates it is given.
 */
import { expect } from 'vitest';
import type { Config } from '../../../src/config.ts';
import { serialize } from '../../../src/jobs/parse.ts';
import { PROTOCOL_VERSION, type Request, type Response } from '../../../src/jobs/protocol.ts';
import type { LocalFolderTransport } from '../../../src/transport/local.ts';
import type { StoredMessage } from '../../fakes/slack/types.ts';
import { testTransport } from '../../helpers/bot.ts';
import { restartSlackWorld, storyOf, until, type SlackWorld } from './harness.ts';
import { SCRIPTED_WORKER_ID, ScriptedWorker } from './scripted-worker.ts';

/** The metadata `event_type` of a vote's message. */
const VOTE_EVENT = 'storyloom_vote';

const eventType = (m: StoredMessage) => (m.metadata as { event_type?: string } | undefined)?.event_type;

/** The vote messages in a thread, oldest first. */
export function voteMessages(world: SlackWorld, channel: string, root: string): StoredMessage[] {
  return world.fake.threadReplies(channel, root).filter((m) => eventType(m) === VOTE_EVENT);
}

/** Waits for the thread's `nth` vote message (from 1); resolves with it. */
export function waitForVote(world: SlackWorld, channel: string, root: string, nth = 1): Promise<StoredMessage> {
  return until(() => voteMessages(world, channel, root)[nth - 1], `vote message ${nth}`);
}

/** The messages in a thread whose metadata has this event type (`storyloom_status`, `storyloom_done`). */
export function withEvent(world: SlackWorld, channel: string, root: string, type: string): StoredMessage[] {
  return world.fake.threadReplies(channel, root).filter((m) => eventType(m) === type);
}

/** The action ids of a message's buttons. */
export function buttonIds(message: StoredMessage): string[] {
  const block = message.blocks?.find((b) => b.type === 'actions');
  return ((block?.elements ?? []) as { action_id: string }[]).map((e) => e.action_id);
}

/** The header's text of a vote message. */
export function headerOf(message: StoredMessage): string {
  const header = message.blocks?.find((b) => b.type === 'header');
  return (header?.text as { text: string } | undefined)?.text ?? '';
}

/** The small print under a vote message's candidates. */
export function footerOf(message: StoredMessage): string {
  const context = message.blocks?.find((b) => b.type === 'context');
  return ((context?.elements ?? []) as { text: string }[]).map((e) => e.text).join(' ');
}

/** The section of candidate `n` ("*2.* its text\n— 1 vote (bob)", 🏆 before the winner's). */
export function candidateOf(message: StoredMessage, n: number): string {
  const sections = (message.blocks ?? []).filter((b) => b.type === 'section');
  const texts = sections.map((b) => (b.text as { text: string }).text);
  const start = texts.findIndex((t) => t.startsWith(`*${n}.* `) || t.startsWith(`🏆 *${n}.* `));
  if (start < 0) throw new Error(`message ${message.ts} shows no candidate ${n}`);
  let end = start + 1;
  while (end < texts.length && !/^(🏆 )?\*\d\.\* /u.test(texts[end])) end++;
  return texts.slice(start, end).join('');
}

/** The vote line under candidate `n` ("1 vote (bob)"). */
export function votesOf(message: StoredMessage, n: number): string {
  return candidateOf(message, n).split('\n— ').at(-1)!;
}

/** The message as the fake stores it now. */
export function current(world: SlackWorld, message: StoredMessage): StoredMessage {
  const now = world.fake.message(message.channel, message.ts);
  if (!now) throw new Error(`message ${message.ts} is gone`);
  return now;
}

/** Waits until the stored message passes `check`; resolves with it. */
export function untilMessage(
  world: SlackWorld,
  message: StoredMessage,
  check: (m: StoredMessage) => boolean,
  what: string,
): Promise<StoredMessage> {
  return until(() => {
    const now = world.fake.message(message.channel, message.ts);
    return now && check(now) && now;
  }, what);
}

/** The chat.update calls on a message. */
export function updatesOf(world: SlackWorld, message: { channel: string; ts: string }) {
  return world.fake.callsWhere(
    (c) => c.method === 'chat.update' && c.body.channel === message.channel && c.body.ts === message.ts,
  );
}

/** The chat.postMessage calls that posted vote messages in a channel since `since` (ms). */
export function votePosts(world: SlackWorld, channel: string, since = 0) {
  return world.fake.callsWhere(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.at >= since &&
      c.body.channel === channel &&
      (c.body.metadata as { event_type?: string } | undefined)?.event_type === VOTE_EVENT,
  );
}

/**
 * Runs `act` and resolves with the next thing only `user` sees in the channel (a response_url answer or an
 * ephemeral message), escaped as Slack shows it.
 */
export async function answerTo(
  world: SlackWorld,
  channel: string,
  user: string,
  act: () => Promise<unknown>,
): Promise<string> {
  return (await privateAnswer(world, channel, user, act)).text ?? '';
}

/** As {@link answerTo}, the whole answer: its text and how it came (`response_url` or `chat.postEphemeral`). */
async function privateAnswer(world: SlackWorld, channel: string, user: string, act: () => Promise<unknown>) {
  const mine = () => world.fake.ephemeralMessages(channel).filter((m) => m.user === user);
  const before = mine().length;
  await act();
  return until(() => mine()[before], `an answer only ${user} sees`);
}

/**
 * Presses the button for candidate `n` on a vote message (or on the copy `shown` on the person's screen); resolves
 * with the answer, which only the voter sees: through the press's response_url, leaving the message as it is.
 */
export async function pressVote(
  world: SlackWorld,
  message: StoredMessage,
  n: number,
  user: string,
  shown?: StoredMessage,
): Promise<string> {
  const actionId = buttonIds(shown ?? current(world, message)).find((id) => id.endsWith(`:${n}`));
  if (!actionId) throw new Error(`message ${message.ts} has no button for candidate ${n}`);
  let responseUrl = '';
  const answer = await privateAnswer(world, message.channel, user, async () => {
    const delivery = await world.fake.clickButton({ message, actionId, user, shown });
    const ack = await delivery.waitForAck();
    expect(ack.ackMs, 'the ack of a vote button').toBeLessThan(3000);
    responseUrl = delivery.responseUrl!;
  });
  expect(answer.source).toBe('response_url');
  const [post] = world.fake.responses(responseUrl);
  expect(post.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: answer.text });
  return answer.text ?? '';
}

/** Mentions the bot in a story's thread with `text`; resolves with the answer only `user` sees. */
export function mentionFor(world: SlackWorld, channel: string, root: string, user: string, text: string) {
  return answerTo(world, channel, user, () => world.fake.mention({ channel, thread_ts: root, user, text }));
}

/**
 * A graceful restart (a deploy): the bot drains (its vote timers stop, as they do when the process ends), then
 * stops, `meanwhile` runs, and a new bot starts on the same mailbox and fake Slack.
 */
export async function restartGracefully(world: SlackWorld, meanwhile?: () => Promise<void>): Promise<void> {
  await world.bot.drain(5000);
  await restartSlackWorld(world, meanwhile);
}

/** A hand-played worker that answers a job with the candidate lines it is given. */
export class CandidateWorker {
  private constructor(
    readonly scripted: ScriptedWorker,
    private readonly transport: LocalFolderTransport,
  ) {}

  static async open(config: Config): Promise<CandidateWorker> {
    const transport = testTransport(config);
    await transport.open();
    return new CandidateWorker(await ScriptedWorker.open(config), transport);
  }

  /** Says it is running, and waits until the bot serves stories with it. */
  async serve(world: SlackWorld): Promise<void> {
    await this.scripted.beat('running');
    await until(
      () => world.bot.workers.serving().some((w) => w.heartbeat.worker_id === SCRIPTED_WORKER_ID),
      'the bot to see the scripted worker',
    );
  }

  /** The story's job in flight, once its request is in the mailbox. */
  async waitingJob(world: SlackWorld, root: string): Promise<Request> {
    const { job_id: jobId } = await until(() => storyOf(world, root).pending, 'the story’s job');
    return until(async () => (await this.scripted.requests()).find((r) => r.job_id === jobId), 'its request');
  }

  /** Answers `request` with these candidates (each with its own seed), as a revision 2 worker does. */
  async answer(request: Request, texts: string[]): Promise<void> {
    const candidates = texts.map((text, i) => ({
      text,
      stop: 'stop_rule' as const,
      seed: (request.sampling.seed + i) % 0x100000000,
      chars: [...text].length,
    }));
    const response: Response = {
      v: PROTOCOL_VERSION,
      type: 'response',
      job_id: request.job_id,
      worker_id: SCRIPTED_WORKER_ID,
      finished_at: new Date().toISOString(),
      ok: true,
      result: {
        text: texts[0],
        stop: 'stop_rule',
        model: 'scripted',
        model_sha256: '0'.repeat(64),
        device: 'test',
        ms: 1,
        ...(request.candidates ? { candidates } : {}),
      },
    };
    await this.transport.put('responses', `${request.job_id}.json`, serialize(response));
  }

  async close(): Promise<void> {
    await this.scripted.close();
    await this.transport.close();
  }
}
