/**
 * The slash commands: `/story <opening> [--temperature t] [--length n]` posts the
 * story's root message (its ts is the story's thread) and queues the first line;
 * `/story-status` and `/story-admin` answer ephemerally. Each acks at once; a
 * resent command (same trigger_id) is acked and otherwise ignored.
 */
import type { App } from '@slack/bolt';
import { findCommand } from '../../../../commands/index.ts';
import { CONTROL_COMMANDS } from '../../../jobs/protocol.ts';
import { adminArgs, storyArgs } from '../args.ts';
import { guard } from '../edge.ts';
import { contextFor, firstTime, type SlackKit, tellByResponseUrl } from '../kit.ts';
import type { SlackPlace } from '../poster.ts';
import { plainMessage, rootMessage } from '../render.ts';
import { slashName } from '../slack-commands.ts';

/** Registers /story, /story-status and /story-admin. */
export function registerCommands(app: App, kit: SlackKit): void {
  app.command(slashName(findCommand('story')!), async ({ command, ack, respond, context }) => {
    await ack();
    if (!firstTime(kit, [`trigger:${command.trigger_id}`], context)) return;
    const place: SlackPlace = { channel: command.channel_id, thread: null };
    const tell = tellByResponseUrl(respond);
    await guard('/story', kit.log, tell, async () => {
      const ctx = await contextFor(kit, command.user_id, place, command.user_name);
      const reply = await kit.core.start(ctx, storyArgs(command.text), async (story) => {
        const root = await kit.poster.post(place, rootMessage(story));
        return root ? { thread: root.ts, message: root.ts } : null;
      });
      await kit.replies.show(reply, place, tell);
    });
  });

  app.command(slashName(findCommand('status')!), async ({ command, ack, respond }) => {
    await ack();
    const tell = tellByResponseUrl(respond);
    await guard('/story-status', kit.log, tell, async () => {
      const ctx = await contextFor(kit, command.user_id, { channel: command.channel_id, thread: null }, command.user_name);
      await tell(kit.core.status(ctx).text);
    });
  });

  app.command(slashName(findCommand('admin')!), async ({ command, ack, respond, context }) => {
    const args = adminArgs(command.text);
    const willRun = kit.people.isAdmin(command.user_id) && (CONTROL_COMMANDS as readonly string[]).includes(args.action);
    // The confirmation waits for the worker's heartbeat, so an admin hears at once that it is on its way.
    await ack(willRun ? { response_type: 'ephemeral', text: plainMessage(`⏳ Sending ${args.action} to the worker; I’ll confirm once its heartbeat shows it.`).text } : undefined);
    if (!firstTime(kit, [`trigger:${command.trigger_id}`], context)) return;
    const tell = tellByResponseUrl(respond);
    await guard('/story-admin', kit.log, tell, async () => {
      const ctx = await contextFor(kit, command.user_id, { channel: command.channel_id, thread: null }, command.user_name);
      await tell((await kit.core.admin(ctx, args)).text);
    });
  });
}
