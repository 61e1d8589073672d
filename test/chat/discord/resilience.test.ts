/**
 * Discord, when things go sideways: admin commands gated twice and confirmed by
 * the worker's heartbeat, a bot restarted mid-job (which deploys nothing on
 * boot), interaction tokens that expired or were never answered in time (private
 * replies stay private), rate limits, and internal errors; and through all of
 * it, nothing pings anyone.
 */
import { GatewayIntentBits, MessageFlags, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import { APOLOGY } from '../../../src/chat/adapter.ts';
import type { Story } from '../../../src/stories/schema.ts';
import { customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

describe('Discord: admin, restarts, expired tokens and errors', () => {
  let w: DiscordWorld;
  let threadId: string;
  beforeAll(async () => {
    w = await startDiscordWorld();
    ({ threadId } = await w.startStory(w.ana, 'The night train left the valley.'));
  });
  afterAll(() => w?.close());

  const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;
  const UNKNOWN_INTERACTION = { status: 404, body: { code: 10062, message: 'Unknown interaction' } };

  const lines = () => w.fake.channelMessages(threadId).filter((m) => customIds(m).length > 0);
  const workerState = () =>
    w.bot.workers.workers().find((v) => v.heartbeat.worker_id === 'embedded-test')!.heartbeat.state;
  async function privateAnswer(id: string): Promise<APIMessage> {
    return w.fake.waitFor(() => {
      const state = w.fake.interactionState(id)!;
      return state.ephemeral && state.original && !(state.original.flags! & MessageFlags.Loading)
        ? state.original
        : state.followups[0];
    });
  }

  /** Waits until no job is pending and every line is marked delivered (core does that just after posting). */
  async function settled(): Promise<Story> {
    return w.fake.waitFor(
      () => {
        const story = w.bot.stories.findByThread('discord', threadId)!;
        return w.bot.jobs.pending().length === 0 && story.lines.every((l) => l.delivered) ? story : undefined;
      },
      10_000,
      'the job to settle',
    );
  }

  it('/status answers privately with the worker, the queue and your lines', async () => {
    await settled();
    const sent = w.command(w.ana, 'status');
    const answer = await privateAnswer(sent.id);
    expect(answer.content).toMatch(/^Workers online: 1\n• embedded-test \(embedded\): running/);
    expect(answer.content).toContain('You have no lines waiting.');
    expect(w.fake.interactionState(sent.id)).toMatchObject({ ephemeral: true, deferred: true });
  });

  it(
    'gates /admin twice (Manage Server, then the allowlist), ' +
      'and confirms an admin’s pause once the heartbeat shows it',
    async () => {
      // Discord itself keeps /admin from members without Manage Server (default_member_permissions).
      expect(() => w.command(w.ana, 'admin', { action: 'pause' })).toThrow(
        /ana may not run \/admin: it needs default_member_permissions 32/,
      );
      // Manage Server is not enough: the bot's own allowlist (DISCORD_ADMIN_IDS) refuses a moderator, privately.
      const refused = w.command(w.mod, 'admin', { action: 'pause' });
      expect((await privateAnswer(refused.id)).content).toBe('Only storyloom admins can control the worker.');
      expect(w.fake.interactionState(refused.id)!.ephemeral).toBe(true);
      expect(workerState()).toBe('running');
      const confirmed = await w.admin('pause');
      expect(confirmed.content).toMatch(/^✅ embedded-test: pause confirmed \(state paused\)\.$/);
      expect(w.fake.interactionState(confirmed.interaction_metadata!.id)!.ephemeral).toBe(true);
      expect(workerState()).toBe('paused');
    },
  );

  it('keeps a job across a restart: the new bot posts its line in the thread with the bot token', async () => {
    const sent = w.command(w.ana, 'continue', {}, threadId);
    await w.fake.waitForOriginal(sent.id, /⏸️ The worker is paused\. Your request is saved \(#1 in line\)/, 10_000);
    await w.restart();
    const restartedAt = Date.now();
    await w.admin('resume');
    await w.fake.waitFor(() => lines().length === 2, 30_000, 'the line after the restart');
    const post = w.fake.requests({ method: 'POST', path: `/channels/${threadId}/messages` }).at(-1)!;
    expect(post.at).toBeGreaterThan(restartedAt);
    expect(post.headers.authorization).toBe(`Bot ${w.fake.botToken}`);
    const story = await settled();
    expect(story.lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);
  });

  it(
    'posts the line in the thread when the interaction token ' +
      'has expired, and finishes the reply with the bot token',
    async () => {
      await w.admin('pause');
      const sent = w.command(w.ben, 'continue', {}, threadId);
      const reply = await w.fake.waitForOriginal(sent.id, /⏸️/, 10_000);
      w.fake.expireInteractionToken(sent.id);
      await w.admin('resume');
      await w.fake.waitFor(() => lines().length === 3, 30_000, 'the line after the token expired');
      await w.fake.waitForRequest({
        method: 'PATCH',
        path: new RegExp(`^/webhooks/\\d+/${sent.token}/messages/%40original$`),
        status: 401,
      });
      // The reply is a public message of the bot's: the bot token edits it (Edit Message), no interaction token needed.
      await w.fake.waitForOriginal(sent.id, new RegExp(`\n${LINE_POSTED}$`), 10_000);
      const edit = w.fake.requests({ method: 'PATCH', path: `/channels/${threadId}/messages/${reply.id}` }).at(-1)!;
      expect([edit.status, edit.headers.authorization]).toEqual([200, `Bot ${w.fake.botToken}`]);
      // A dead token is expected here, not an error: nothing about this reply may be logged as a failed edit.
      expect(w.logs.filter((l) => l.includes('could not be edited'))).toEqual([]);
    },
  );

  it(
    'keeps a waiting reply up to date, at most one edit ' + 'every 2 s, and closes the reply of a line /end withdrew',
    async () => {
      await w.admin('pause');
      const first = w.command(w.ana, 'story', { opening: 'First in line.' });
      const firstOpening = await w.fake.waitForOriginal(first.id, /⏸️ .*\(#1 in line\)/, 10_000);
      const second = w.command(w.ben, 'story', { opening: 'Second in line.' });
      await w.fake.waitForOriginal(second.id, /⏸️ .*\(#2 in line\)/, 10_000);
      w.command(w.ana, 'end', {}, firstOpening.id);
      await w.fake.waitForOriginal(first.id, /\n\n🛑 The story ended before this line was written\.$/);
      await w.fake.waitForOriginal(second.id, /⏸️ .*\(#1 in line\)/, 10_000);
      await w.admin('resume');
      await w.fake.waitForOriginal(second.id, new RegExp(`\n\n${LINE_POSTED}$`), 30_000);
      const edits = w.fake.requests({ method: 'PATCH', path: new RegExp(`/${second.token}/messages/%40original$`) });
      // The opening itself, then progress (throttled), then the outcome (sent at once).
      const progress = edits.slice(1, -1);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < progress.length; i++)
        expect(progress[i].at - progress[i - 1].at).toBeGreaterThanOrEqual(1900);
    },
  );

  it('answers with the bot token when the interaction is unknown (10062): the story opens in the channel', async () => {
    w.fake.failNext(CALLBACK, UNKNOWN_INTERACTION);
    const sent = w.command(w.ben, 'story', {
      opening: `A late answer still counts. @everyone and <@${w.ana.id}>, come and read.`,
    });
    const opening = await w.fake.waitFor(
      () =>
        w.fake
          .channelMessages(w.channelId)
          .find((m) => m.content.includes(LINE_POSTED) && m.content.includes('A late answer')),
      30_000,
    );
    expect(w.fake.interactionState(sent.id)!.acknowledged).toBe(false);
    expect(opening.interaction_metadata).toBeUndefined();
    expect(opening.content).toMatch(/^📖 \*\*Ben\*\* started a story:\nA late answer still counts\./);
    const story = w.bot.stories.findByThread('discord', opening.id)!;
    expect(story.place.message).toBe(opening.id);
    expect(w.fake.channelMessages(opening.id).filter((m) => customIds(m).length > 0)).toHaveLength(1);
  });

  it(
    'keeps a private reply private when its token is unknown ' +
      '(10062): /status and a refusal go to the log, never the channel',
    async () => {
      const publicPosts = () => w.fake.requests({ method: 'POST', route: '/channels/:channelId/messages' }).length;
      const before = publicPosts();
      const dropped = (label: string) =>
        w.fake.waitFor(
          () => w.logs.find((l) => l.startsWith(`storyloom discord: ${label}: a private reply was not shown`)),
          10_000,
          `the log of ${label}`,
        );

      w.fake.failNext(CALLBACK, UNKNOWN_INTERACTION);
      const status = w.command(w.ana, 'status');
      expect(await dropped('/status')).toMatch(/: Workers online: 1 • embedded-test \(embedded\): running/);
      w.fake.failNext(CALLBACK, UNKNOWN_INTERACTION);
      const refused = w.command(w.mod, 'admin', { action: 'drain' });
      expect(await dropped('/admin')).toMatch(/: Only storyloom admins can control the worker\.$/);

      expect(publicPosts()).toBe(before);
      for (const sent of [status, refused]) {
        expect(w.fake.interactionState(sent.id)).toMatchObject({ acknowledged: false, followups: [] });
        expect(w.logs.join('\n')).not.toContain(sent.token);
      }
      expect(workerState()).toBe('running');
    },
  );

  it('lets discord.js wait out a 429 on the thread, then posts the line', async () => {
    w.fake.rateLimitNext(new RegExp(`^/channels/${threadId}/messages$`), { retryAfter: 0.3, method: 'POST' });
    // The first line's Continue button was posted before the restart: buttons carry all they need.
    const first = lines()[0];
    const pressed = w.press(w.ana, first, customIds(first)[0]);
    await w.fake.waitForOriginal(pressed.id, new RegExp(LINE_POSTED), 30_000);
    expect(w.fake.requests({ method: 'POST', path: `/channels/${threadId}/messages`, status: 429 })).toHaveLength(1);
    expect(lines()).toHaveLength(4);
  });

  it('turns an internal error into a private apology and a log line, and carries on', async () => {
    w.fake.failNext(/\/threads$/, {
      status: 400,
      body: { code: 160004, message: 'A thread has already been created for this message' },
    });
    const broken = w.command(w.ana, 'story', { opening: 'This one will not get a thread.' });
    const apology = await w.fake.waitFor(() => w.fake.interactionState(broken.id)!.followups[0]);
    expect(apology.content).toBe(APOLOGY);
    expect(apology.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(w.logs.some((l) => l.startsWith('storyloom discord: /story failed: DiscordAPIError[160004]'))).toBe(true);

    w.fake.failNext(/\/threads$/, { status: 403, body: { code: 50013, message: 'Missing Permissions' } });
    const forbidden = w.command(w.ana, 'story', { opening: 'Nor will this one.' });
    const told = await w.fake.waitFor(() => w.fake.interactionState(forbidden.id)!.followups[0]);
    expect(told.content).toMatch(/^storyloom is missing a permission in this channel/);

    const status = w.command(w.ana, 'status');
    expect((await privateAnswer(status.id)).content).toMatch(/^Workers online: 1/);
    expect(w.logs.join('\n')).not.toMatch(new RegExp(`${w.fake.botToken}|fake-interaction-token`));
  });
  it(
    'never pings, even on the fallback paths: every message ' + 'sent or edited says allowed_mentions {parse: []}',
    async () => {
      const writes = w.fake
        .requests()
        .filter(
          (r) =>
            ['POST', 'PATCH'].includes(r.method) &&
            /\/messages|^\/webhooks\//.test(r.path) &&
            !r.path.endsWith('/threads'),
        );
      expect(writes.length).toBeGreaterThan(10);
      // By path: a request the fake refused on purpose (an injected fault) has no route.
      for (const r of writes)
        expect({ path: r.path, mentions: (r.body as { allowed_mentions?: unknown }).allowed_mentions }).toEqual({
          path: r.path,
          mentions: { parse: [] },
        });
      const replies = w.fake
        .requests({ route: '/interactions/:interactionId/:token/callback' })
        .map((r) => r.body as { type: number; data?: { content?: string; allowed_mentions?: unknown } });
      for (const reply of replies.filter((b) => b.data?.content !== undefined))
        expect(reply.data!.allowed_mentions).toEqual({ parse: [] });
      const everything = [w.channelId, threadId, ...w.fake.threads(w.guild.id).map((t) => t.id)].flatMap((id) =>
        w.fake.channelMessages(id),
      );
      expect(everything.some((m) => m.content.includes('@everyone'))).toBe(true);
      for (const m of everything)
        expect({ everyone: m.mention_everyone, users: m.mentions, roles: m.mention_roles }).toEqual({
          everyone: false,
          users: [],
          roles: [],
        });
    },
  );
  it('starts without deploying commands, and identifies with the Guilds intent only', async () => {
    w.fake.clearRequests();
    const identifiedBefore = w.fake.gatewayFrames({ direction: 'in', op: 2 }).length;
    await w.restart();
    expect(w.fake.requests({ method: 'PUT' })).toEqual([]);
    expect(w.fake.requests().filter((r) => r.route.includes('/commands'))).toEqual([]);
    const identify = w.fake.gatewayFrames({ direction: 'in', op: 2 }).slice(identifiedBefore);
    expect(identify).toHaveLength(1);
    expect((identify[0].d as { intents: number }).intents).toBe(GatewayIntentBits.Guilds);
    expect(GatewayIntentBits.Guilds).toBe(1);
  });
});
