/**
 * Slack's text markup, both ways. Outgoing text is escaped (`&`, `<`, `>`), so
 * nothing a user or the model wrote can become a mention (`<!here>`, `<@U…>`,
 * `<!subteam^…>`) or a link. Incoming text is turned from Slack's markup into
 * what the person saw, so a story holds plain words.
 */

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's `<…>` tokens, as they arrive in message and command text, turned into plain words. */
function plainToken(inner: string): string {
  const [target, label] = splitLabel(inner);
  if (target.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : target;
  if (target.startsWith('#')) return label ? `#${label}` : target;
  if (target.startsWith('!subteam^')) return label ? `@${label.replace(/^@/, '')}` : '@team';
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${target.slice(1)}`;
  return label ?? target.replace(/^mailto:/, '');
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

/** Slack message text (mentions, links, escaped `&<>`) as the words a person reads. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_m, inner: string) => plainToken(inner))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Core's `/command` words that are mentions of the bot on Slack. */
const MENTIONED = /(^|[\s(“"])\/(continue|add|retry|undo|branches|branch|switch|end|export|vote|pick|candidates)\b/g;

/**
 * Core's words name Discord-style commands; on Slack the thread commands are
 * mentions (and so is /candidates, which acts on the story of the thread it is
 * given in) and the others have a `story-` prefix.
 */
export function slackWording(text: string): string {
  return text.replace(MENTIONED, '$1@storyloom $2').replace(/(^|[\s(“"])\/(status|admin)\b/g, '$1/story-$2');
}
