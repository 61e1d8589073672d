/**
 * The story buttons and the vote buttons. One global handler takes every action
 * id that starts with `sl:` and hands it to core, which decodes the action, story
 * and version (a vote's button: its story, vote and candidate): so buttons keep
 * working after a restart. A vote press is answered to the voter alone, through
 * the interaction's response_url (ephemeral, `replace_original: false`, so the
 * vote's message stays as chat.update keeps it), and so is a refusal (a closed
 * vote, another story's button); the counts everyone sees change on the vote's
 * message. A resent press (same trigger_id) is acked and otherwise ignored.
 */
import type { App } from '@slack/bolt';
import { guard } from '../edge.ts';
import { contextFor } from '../context.ts';
import { firstTime, type SlackParts, tellByResponseUrl } from '../parts.ts';
import type { SlackPlace } from '../poster.ts';

/** Registers the handler for every storyloom button. */
export function registerButtons(app: App, parts: SlackParts): void {
  app.action(/^sl:/, async ({ ack, body, action, respond, context }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    if (!firstTime(parts, [`trigger:${body.trigger_id}`], context)) return;
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    const place: SlackPlace = { channel, thread: body.message?.thread_ts ?? body.message?.ts ?? null };
    const tell = tellByResponseUrl(respond);
    await guard(`the ${action.text.text} button`, parts.log, tell, async () => {
      const ctx = await contextFor(parts.people, body.user.id, place, body.user.name);
      const reply = await parts.core.press(ctx, action.action_id);
      await parts.replies.show(reply, place, tell);
    });
  });
}
