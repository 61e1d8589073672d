/**
 * Role: who ran a command, and where: the context core takes (on Discord and
 * Slack, context.ts too). In the playground, a person is a name a browser tab
 * picked, admins are the names in PLAYGROUND_ADMINS, and every story lives in the
 * one channel, `general`, its thread named by the story's id.
 */
import type { CommandContext } from '../../core/types.ts';
import { HttpError } from './http.ts';

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;

/** Who is talking: a name a browser tab picked. Admins come from PLAYGROUND_ADMINS. */
export function contextFor(user: string, admins: readonly string[], thread: string | null): CommandContext {
  const name = user.trim();
  if (!NAME.test(name)) {
    const rule = 'Pick a name of 1 to 40 letters, digits, spaces, dots, dashes or underscores.';
    throw new HttpError(400, 'bad_request', rule);
  }
  const admin = admins.some((a) => a.toLowerCase() === name.toLowerCase());
  const person = { id: `pg:${name.toLowerCase()}`, name };
  return { person, admin, place: { platform: 'playground', channel: 'general', thread } };
}
