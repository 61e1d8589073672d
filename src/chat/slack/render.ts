/**
 * Role: how storyloom looks on the platform (on Discord and in the playground,
 * render.ts too). On Slack: the messages storyloom posts, as Block Kit: a story's
 * root, its lines with buttons, notices, status lines and votes. Every piece of
 * text is escaped and marked `verbatim`, so Slack neither links names nor parses
 * mentions in it, and long text is split into sections under Slack's
 * 3,000-character limit.
 *
 * Block Kit's limits, as Slack documents them, which every message here keeps to:
 * a section's text at most 3,000 characters and a message at most 50 blocks
 * (https://docs.slack.dev/reference/block-kit/blocks/section-block,
 * https://docs.slack.dev/reference/block-kit/blocks); a header's plain text at most
 * 150; a button's text at most 75 and its action_id at most 255
 * (https://docs.slack.dev/reference/block-kit/block-elements/button-element); an
 * actions block at most 25 elements (https://docs.slack.dev/reference/block-kit/blocks/actions-block;
 * it was 5 once, and a vote's one actions block holds at most 5 buttons, within both).
 * A message with blocks also carries a top-level `text`: Slack shows it in
 * notifications ("When attachments or blocks are included, text will be used as
 * fallback text for notifications only", https://api.slack.com/methods/chat.update).
 */
import type { Button, Line, LineDelivery, Story, VoteView } from '../../core/types.ts';
import { count } from '../../stories/plural.ts';
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
/** The `event_type` of a status message whose job wrote candidates for a vote (no longer a status). */
export const DONE_EVENT = 'storyloom_done';
/** The `event_type` of a vote's message (to find it again after a restart). */
export const VOTE_EVENT = 'storyloom_vote';

/**
 * Message metadata (Slack's `metadata`): an event type and its payload. It names
 * what a post is for, so the bot can find its posts again after a restart.
 */
export type MessageMetadata =
  | { event_type: typeof LINE_EVENT; event_payload: { line_id: string; job_id: string } }
  | { event_type: typeof STATUS_EVENT; event_payload: { job_id: string; story_id: string } }
  | { event_type: typeof FAILURE_EVENT; event_payload: { job_id: string } }
  | { event_type: typeof DONE_EVENT; event_payload: { job_id: string } }
  | { event_type: typeof VOTE_EVENT; event_payload: { vote_id: string; story_id: string } };

/** A message's content: the notification text, its blocks, and metadata (line posts, status messages). */
export interface MessageBody {
  text: string;
  blocks?: Block[];
  metadata?: MessageMetadata;
}

/** Slack's limit on a message's blocks. */
export const MAX_BLOCKS = 50;
/** Slack's limit on a message's blocks, less room for a context line and the buttons. */
const MAX_SECTIONS = 45;
/** Slack's limits on a header's text and a button's text. */
export const HEADER_LIMIT = 150;
export const BUTTON_TEXT_LIMIT = 75;

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
    text: { type: 'plain_text', text: cutTo(b.label, BUTTON_TEXT_LIMIT), emoji: true },
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
    'mention @storyloom with continue, vote, pick, candidates, retry, undo, branch, branches, switch, end or export.';
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

/** The notice that a status message becomes when its job wrote candidates: no longer a status (for a restart). */
export function doneMessage(raw: string, jobId: string): MessageBody {
  return { ...plainMessage(raw), metadata: { event_type: DONE_EVENT, event_payload: { job_id: jobId } } };
}

/** `raw` cut to `limit` UTF-16 units, as lengths are counted (code points are never split), with an ellipsis. */
function cutTo(raw: string, limit: number): string {
  if (raw.length <= limit) return raw;
  let cut = '';
  for (const char of raw) {
    if (cut.length + char.length > limit - 1) break;
    cut += char;
  }
  return `${cut}…`;
}

/** The most voters a candidate's line names; the rest are counted. */
const VOTERS_NAMED = 10;

/** "2 votes (ann, bo)", escaped; after {@link VOTERS_NAMED} names, "and 3 more". */
function votesLine(votes: number, voters: readonly string[]): string {
  if (voters.length === 0) return count(votes, 'vote');
  const named = voters.slice(0, VOTERS_NAMED).map((v) => cutTo(v, 80));
  const more = voters.length > named.length ? ` and ${voters.length - named.length} more` : '';
  return escapeMrkdwn(`${count(votes, 'vote')} (${named.join(', ')}${more})`);
}

/**
 * A candidate as sections: "*2.* its text" and, on its own line, "— 3 votes (ann, bo)"; the winner of a closed vote
 * with a 🏆. Text too long for one section is split (each section within Slack's 3,000 characters).
 */
function candidateSections(candidate: VoteView['candidates'][number]): Block[] {
  const prefix = `${candidate.won ? '🏆 ' : ''}*${candidate.n}.* `;
  const suffix = `\n— ${votesLine(candidate.votes, candidate.voters)}`;
  const pieces = escapedPieces(candidate.text, SECTION_LIMIT - prefix.length - suffix.length);
  if (pieces.length === 0) pieces.push('');
  const last = pieces.length - 1;
  return pieces.map((piece, i) => {
    const text = `${i === 0 ? prefix : ''}${piece}${i === last ? suffix : ''}`;
    return { type: 'section', text: mrkdwn(text) };
  });
}

/**
 * When an open vote closes, as Slack's date token `<!date^unix^format|fallback>`: each reader sees the time in their
 * own time zone and clock (`{time_secs}`: "6:39:45 AM" or "18:39:45", by their preferences), and a client that cannot
 * show it the fallback, in UTC. The token and its formats as the Slack libraries write them: slack-ruby-block-kit's
 * Formatting#date and DATE_FORMAT_TOKENS (https://rubydoc.info/gems/slack-ruby-block-kit/Slack/BlockKit/Formatting),
 * slack-morphism's fmt_slack_date (https://docs.rs/crate/slack-morphism/latest/source/src/models/blocks/datetime.rs).
 * It is written after escaping (it is markup), inside a `verbatim` text: "Slack will continue to process all markdown
 * formatting and manual parsing strings, but it won't modify any plain-text content"
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
export function closingTime(closesAt: string): string {
  const ms = Date.parse(closesAt);
  const fallback = `${new Date(ms).toISOString().slice(11, 19)} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{time_secs}|${fallback}>`;
}

/**
 * A vote's message: a header with the title, a section per candidate with its votes (and who cast them), the
 * footer in small print with, while open, when it closes; and one actions block with a button per candidate (at
 * most 5). Once closed: the winner marked, no buttons. Its metadata names the vote, to find it again after a
 * restart. Within Slack's limits: at most {@link MAX_BLOCKS} blocks (a vote's 5 candidates of at most 1,000
 * characters need about 20).
 */
export function voteMessage(view: VoteView, buttons: readonly Button[], voteId: string, storyId: string): MessageBody {
  const header = { type: 'header', text: { type: 'plain_text', text: cutTo(view.title, HEADER_LIMIT), emoji: true } };
  const footer = escapeMrkdwn(slackWording(view.footer));
  const when = view.open ? ` · Closes at ${closingTime(view.closesAt)}.` : '';
  const small = { type: 'context', elements: [mrkdwn(`${footer}${when}`)] };
  const actions = buttonsBlock(buttons.slice(0, 5));
  let sections = view.candidates.flatMap(candidateSections);
  const room = MAX_BLOCKS - 2 - actions.length;
  if (sections.length > room) sections = [...sections.slice(0, room - 1), textSections('… (cut: too long)')[0]];
  return {
    text: notification(view.title),
    blocks: [header, ...sections, small, ...actions],
    metadata: { event_type: VOTE_EVENT, event_payload: { vote_id: voteId, story_id: storyId } },
  };
}
