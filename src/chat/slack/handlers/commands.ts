/**
 * The slash commands: `/story <opening> [--temperature t] [--length n]
 * [--candidates n]` posts the story's root message (its ts is the story's thread)
 * and queues the first line (or candidates for a vote); `/story-status` and
 * `/story-admin` answer ephemerally; any other channel command of commands/
 * (`/story-candidates 3`: the channel's number of candidates, for admins) reads its
 * text as the words of its free option and `--name value` flags, and its answer is
 * shown like any reply. Each acks at once; a resent command (same trigger_id) is
 * acked and otherwise ignored.
 */
import type { App } from '@slack/bolt';
import { findCommand } from '../../../../commands/index.ts';
import { parseOptions } from '../../../core/text-command.ts';
import type { ThreadMaker } from '../../../core/types.ts';
import { adminArgs, storyArgs } from '../args.ts';
import { guard } from '../edge.ts';
import { contextFor } from '../context.ts';
import { firstTime, type SlackParts, tellByResponseUrl } from '../parts.ts';
import type { SlackPlace } from '../poster.ts';
import { slackToPlain } from '../mrkdwn.ts';
import { plainMessage, rootMessage } from '../render.ts';
import { SLASH_COMMANDS, slashName } from '../registration.ts';

/** The actions /story-admin takes (the choices of /admin's one option). */
const ACTIONS: readonly string[] = findCommand('admin')!.options[0].choices!;

/** What `read` returns, or null where it throws (the same call made again inside a guard tells why). */
function readable<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** The slash commands with handlers of their own below; the others share one. */
const OWN_HANDLERS = new Set(['story', 'status', 'admin']);

/** Registers /story, /story-status, /story-admin and the other channel commands. */
export function registerCommands(app: App, parts: SlackParts): void {
  app.command(slashName(findCommand('story')!), async ({ command, ack, respond, context }) => {
    await ack();
    if (!firstTime(parts, [`trigger:${command.trigger_id}`], context)) return;
    const place: SlackPlace = { channel: command.channel_id, thread: null };
    const tell = tellByResponseUrl(respond);
    await guard('/story', parts.log, tell, async () => {
      const ctx = await contextFor(parts.people, command.user_id, place, command.user_name);
      const makeThread: ThreadMaker = async (story) => {
        const root = await parts.poster.post(place, rootMessage(story));
        return root ? { thread: root.ts, message: root.ts } : null;
      };
      const reply = await parts.core.run(ctx, 'story', storyArgs(command.text), { makeThread });
      await parts.replies.show(reply, place, tell);
    });
  });

  app.command(slashName(findCommand('status')!), async ({ command, ack, respond }) => {
    await ack();
    const tell = tellByResponseUrl(respond);
    await guard('/story-status', parts.log, tell, async () => {
      const place = { channel: command.channel_id, thread: null };
      const ctx = await contextFor(parts.people, command.user_id, place, command.user_name);
      await tell((await parts.core.run(ctx, 'status', {})).text);
    });
  });

  app.command(slashName(findCommand('admin')!), async ({ command, ack, respond, context }) => {
    // Text it cannot read is answered below, inside the guard, where its error reaches the admin.
    const args = readable(() => adminArgs(command.text));
    const willRun = parts.people.isAdmin(command.user_id) && args !== null && ACTIONS.includes(args.action);
    // The confirmation waits for the worker's heartbeat, so an admin hears at once that it is on its way.
    const all = args?.worker?.toLowerCase() === 'all';
    const to = all ? 'every worker online' : (args?.worker ?? 'the worker');
    const shows = all ? 'each one’s heartbeat shows' : 'its heartbeat shows';
    const sending = `⏳ Sending ${args?.action} to ${to}; I’ll confirm once ${shows} it.`;
    await ack(willRun ? { response_type: 'ephemeral', text: plainMessage(sending).text } : undefined);
    if (!firstTime(parts, [`trigger:${command.trigger_id}`], context)) return;
    const tell = tellByResponseUrl(respond);
    await guard('/story-admin', parts.log, tell, async () => {
      const place = { channel: command.channel_id, thread: null };
      const ctx = await contextFor(parts.people, command.user_id, place, command.user_name);
      await tell((await parts.core.run(ctx, 'admin', args ?? adminArgs(command.text))).text);
    });
  });

  for (const def of SLASH_COMMANDS.filter((d) => !OWN_HANDLERS.has(d.name))) {
    const name = slashName(def);
    app.command(name, async ({ command, ack, respond, context }) => {
      await ack();
      if (!firstTime(parts, [`trigger:${command.trigger_id}`], context)) return;
      const place: SlackPlace = { channel: command.channel_id, thread: null };
      const tell = tellByResponseUrl(respond);
      await guard(name, parts.log, tell, async () => {
        const ctx = await contextFor(parts.people, command.user_id, place, command.user_name);
        const reply = await parts.core.run(ctx, def.name, parseOptions(def, slackToPlain(command.text)));
        await parts.replies.show(reply, place, tell);
      });
    });
  }
}
