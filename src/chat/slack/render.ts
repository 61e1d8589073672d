/**
 * Role: how storyloom looks on the platform (on Discord and in the playground,
 * render.ts too). On Slack: the messages storyloom posts, as Block Kit: a story's
 * root, its lines with buttons, notices and status lines. Every piece of text is
 * escaped and marked `verbatim`, so Slack neither links names nor parses mentions
 * in it, and long text is split into sections under Slack's 3,000-character limit.
 */
import type { Button, Line, LineDelivery, Story } from '../../core/types.ts';
import { splitText } from '../split.ts';
import { escapeMrkdwn, slackWording } from './mrkdwn.ts';

/** Slack's limit on a section's text. */
export const SECTION_LIMIT = 3000;

/** A Block Kit block, as plain JSON. */
export type Block = Record<string, unknown>;

/** The `event_type` of the metadata on every line post. */
export const LINE_EVENT = 'storyloom_line';
/** The `event_type` of the metadata on a waiting job's status message. */
export const STATUS_EVENT = 'storyloom_status';
/** The `event_type` of a status message that became the notice of its job's failure (no longer a status). */
export const FAILURE_EVENT = 'storyloom_failure';

/**
 * Message metadata (Slack's `metadata`): an event type and its payload. It names
 * what a post is for, so the bot can find its posts again after a restart.
 */
export type MessageMetadata =
  | { event_type: typeof LINE_EVENT; event_payload: { line_id: string; job_id: string } }
  | { event_type: typeof STATUS_EVENT; event_payload: { job_id: string; story_id: string } }
  | { event_type: typeof FAILURE_EVENT; event_payload: { job_id: string } };

/** A message's content: the notification text, its blocks, and metadata (line posts, status messages). */
export interface MessageBody {
  text: string;
  blocks?: Block[];
  metadata?: MessageMetadata;
}

/** Slack's limit on a message's blocks, less room for a context line and the buttons. */
const MAX_SECTIONS = 45;

/** Raw characters per piece, so that the escaped pieces come close to `limit` (escaping lengthens text). */
function rawLimitFor(raw: string, limit: number): number {
  const growth = escapeMrkdwn(raw).length / Math.max(1, raw.length);
  return Math.max(100, Math.floor((limit / growth) * 0.98));
}

/** Escaped pieces of `raw`, each at most `limit` characters once escaped (split at `rawLimit` raw characters). */
export function escapedPieces(raw: string, limit = SECTION_LIMIT, rawLimit = rawLimitFor(raw, limit)): string[] {
  const out: string[] = [];
  for (const piece of splitText(raw, rawLimit)) {
    const escaped = escapeMrkdwn(piece);
    // Escaping lengthens text (`&` becomes `&amp;`): split such a piece again, into smaller raw pieces.
    if (escaped.length <= limit) out.push(escaped);
    else out.push(...escapedPieces(piece, limit, Math.floor((rawLimit * limit) / escaped.length)));
  }
  return out;
}

function mrkdwn(escaped: string): Block {
  return { type: 'mrkdwn', text: escaped, verbatim: true };
}

/**
 * Sections holding `raw`, escaped and split; `idPrefix` names them (`<prefix>:0`, `<prefix>:1`, …).
 * Text beyond what one message can hold (about 135,000 characters; story lines are at most 1,000) is cut.
 */
export function textSections(raw: string, idPrefix?: string): Block[] {
  let pieces = escapedPieces(raw);
  if (pieces.length > MAX_SECTIONS) {
    pieces = [...pieces.slice(0, MAX_SECTIONS - 1), '… (cut: too long for one Slack message)'];
  }
  const id = (i: number) => (idPrefix ? { block_id: `${idPrefix}:${i}` } : {});
  return pieces.map((piece, i) => ({ type: 'section', text: mrkdwn(piece), ...id(i) }));
}

/** A context line of small grey text (already worded by us; escaped here). */
export function contextBlock(raw: string): Block {
  return { type: 'context', elements: [mrkdwn(escapeMrkdwn(raw))] };
}

/** The story's buttons; their action id and value are core's custom id, decoded by one global handler. */
export function buttonsBlock(buttons: readonly Button[]): Block[] {
  if (buttons.length === 0) return [];
  const elements = buttons.map((b) => ({
    type: 'button',
    action_id: b.customId,
    value: b.customId,
    text: { type: 'plain_text', text: b.label, emoji: true },
    ...(b.style === 'secondary' ? {} : { style: b.style }),
  }));
  return [{ type: 'actions', elements }];
}

/** Who wrote a line, in words. */
export function byline(line: Line): string {
  const who = line.by.name || line.by.id;
  if (line.kind === 'model') return `✍️ the model${line.model ? ` (${line.model})` : ''}, asked by ${who}`;
  return line.kind === 'seed' ? `📖 begun by ${who}` : `✏️ by ${who}`;
}

/** The text of a notification, escaped and kept short. */
function notification(raw: string): string {
  const flat = raw.replace(/\s+/g, ' ').trim();
  return escapeMrkdwn(flat.length > 300 ? `${flat.slice(0, 299)}…` : flat);
}

/** The channel message a story hangs from: its seed, who began it, and how to join in. */
export function rootMessage(story: Story): MessageBody {
  const seed = story.lines[0];
  const how =
    'Reply in this thread to add your own line; ' +
    'mention @storyloom with continue, retry, undo, branch, branches, switch, end or export.';
  return {
    text: notification(`📖 A new story by ${story.owner.name || story.owner.id}: ${seed.text}`),
    blocks: [...textSections(seed.text, `line:${seed.id}`), contextBlock(`${byline(seed)} · ${how}`)],
  };
}

/** A generated line in the story's thread, with the story's buttons and metadata naming the line (to find it again). */
export function lineMessage(delivery: Pick<LineDelivery, 'line' | 'buttons'>): MessageBody {
  const { line, buttons } = delivery;
  return {
    text: notification(line.text),
    blocks: [...textSections(line.text, `line:${line.id}`), contextBlock(byline(line)), ...buttonsBlock(buttons)],
    metadata: { event_type: LINE_EVENT, event_payload: { line_id: line.id, job_id: line.job_id ?? '' } },
  };
}

/** A notice from core (an undo, the end, a failure), in Slack's words, with buttons if any. */
export function noticeMessage(raw: string, buttons: readonly Button[] = []): MessageBody {
  const worded = slackWording(raw);
  return { text: notification(worded), blocks: [...textSections(worded), ...buttonsBlock(buttons)] };
}

/** A short plain line (ephemeral answers): escaped text, no blocks. */
export function plainMessage(raw: string): MessageBody {
  return { text: escapeMrkdwn(slackWording(raw)) };
}

/** A waiting job's status line, with metadata naming the job and its story (to take it over after a restart). */
export function statusMessage(raw: string, jobId: string, storyId: string): MessageBody {
  const metadata = { event_type: STATUS_EVENT, event_payload: { job_id: jobId, story_id: storyId } } as const;
  return { ...plainMessage(raw), metadata };
}

/** The notice of a job's failure, made from its status message: the metadata says it is no status any more. */
export function failureMessage(raw: string, buttons: readonly Button[], jobId: string): MessageBody {
  return { ...noticeMessage(raw, buttons), metadata: { event_type: FAILURE_EVENT, event_payload: { job_id: jobId } } };
}
