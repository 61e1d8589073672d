/**
 * Role: how storyloom looks on the platform (on Slack and in the playground,
 * render.ts too). On Discord: escaped story text, messages split at 2,000
 * characters, button rows, and the frames that progress and outcomes fill in.
 * Nothing here talks to Discord; it only builds message bodies.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  TimestampStyles,
  escapeMarkdown,
  time,
  type MessageMentionOptions,
} from 'discord.js';
import type { Button, Line, VoteView, VoteViewCandidate } from '../../core/types.ts';
import { count } from '../../stories/plural.ts';
import { splitText } from '../split.ts';

/** Discord's limit on a message's content. */
export const MESSAGE_LIMIT = 2000;
/** The most characters a status line (progress, an outcome) takes in a frame. */
const STATUS_LIMIT = 300;

/** Mentions nobody: set on every message, so @everyone, roles and users in stories never ping. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [] };

/** A message body storyloom sends: text, buttons, and files. */
export interface Body {
  content: string;
  components?: ActionRowBuilder<ButtonBuilder>[];
  files?: { attachment: Buffer; name: string }[];
}

/**
 * Escapes what users and the model wrote, so Markdown in a story shows as typed
 * (the backslashes do not show in Discord). Headings, lists, quotes and subtext
 * at a line start are escaped too, since story lines often begin with them.
 */
export function escapeStory(text: string): string {
  const escaped = escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
  return escaped.replace(/^( *)(>|-#)/gm, '$1\\$2');
}

/** Escapes and splits text into pieces of at most `limit` characters each, on sentence ends where it can. */
export function escapedPieces(text: string, limit = MESSAGE_LIMIT, rawLimit = limit): string[] {
  return splitText(text, rawLimit).flatMap((piece) => {
    const escaped = escapeStory(piece);
    if (escaped.length <= limit || piece.length <= 1) return [escaped];
    // Escaping grew the piece past the limit: split the raw piece finer, in proportion (always shorter than before).
    const finer = Math.min(piece.length - 1, Math.floor((piece.length * limit) / escaped.length));
    return escapedPieces(piece, limit, Math.max(1, finer));
  });
}

/** The longest start of `text` that is at most `limit` UTF-16 units, cut between code points. */
function cutTo(text: string, limit: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > limit) break;
    out += char;
  }
  return out;
}

/** Cuts a status line to a size that always fits in a frame. */
export function clip(text: string, limit = STATUS_LIMIT): string {
  return text.length <= limit ? text : `${cutTo(text, limit - 1)}…`;
}

const STYLES: Record<Button['style'], ButtonStyle> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
};

/**
 * Discord's limit on buttons in one action row ("An Action Row can contain up to 5 Buttons", per the component
 * reference, https://discord.com/developers/docs/components/reference#action-row; a message holds up to 5 rows).
 */
export const ROW_BUTTONS = 5;

/** Core's buttons as Discord action rows of up to five (none when there are no buttons). */
export function buttonRows(buttons: readonly Button[] = []): ActionRowBuilder<ButtonBuilder>[] {
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let i = 0; i < buttons.length; i += ROW_BUTTONS) {
    const made = buttons.slice(i, i + ROW_BUTTONS).map((b) => {
      return new ButtonBuilder().setCustomId(b.customId).setLabel(b.label).setStyle(STYLES[b.style]);
    });
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(made));
  }
  return rows;
}

/** Who wrote a line, as a small grey subtext line. */
export function attribution(line: Line): string {
  const who = escapeStory(line.by.name || line.by.id);
  const model = line.model ? ` (${escapeStory(line.model)})` : '';
  const vote = line.vote?.won ? `; the channel chose it from ${line.vote.of} candidates` : '';
  if (line.kind === 'model') return `-# ✍️ the model${model}, asked by ${who}${vote}`;
  return `-# ✍️ ${who}`;
}

/** A story line as messages: its text (split if long), its author under it, and the buttons on the last piece. */
export function lineBodies(line: Line, buttons: readonly Button[]): Body[] {
  const credit = attribution(line);
  const pieces = escapedPieces(line.text, MESSAGE_LIMIT - credit.length - 1);
  const last = pieces.length - 1;
  const withCredit = (piece: string) => ({ content: `${piece}\n${credit}`, components: buttonRows(buttons) });
  return pieces.map((piece, i) => (i === last ? withCredit(piece) : { content: piece }));
}

/** Core's own words (which may quote titles and names) as messages, buttons on the last. */
export function textBodies(text: string, buttons: readonly Button[] = []): Body[] {
  const pieces = escapedPieces(text);
  const last = pieces.length - 1;
  const withButtons = (piece: string) => ({ content: piece, components: buttonRows(buttons) });
  return pieces.map((piece, i) => (i === last ? withButtons(piece) : { content: piece }));
}

/** A message that is a heading above a status line that changes (progress, then the outcome). */
export type Frame = (status: string) => string;

/** The status line of a framed message: its last line. */
export function statusLineOf(content: string): string {
  return content.slice(content.lastIndexOf('\n') + 1);
}

/** The frame a message was made with, from its content: everything above its status line stays. */
export function frameOf(content: string): Frame {
  const top = content.slice(0, content.lastIndexOf('\n') + 1);
  return (status) => `${top}${clip(escapeStory(status))}`;
}

/** The frame of a reply that asked for a line (or for `candidates` lines to vote on): who asked, and its status. */
export function requestFrame(name: string, purpose: string, candidates = 1): Frame {
  const next = candidates > 1 ? `asked for ${candidates} candidate lines to vote on` : 'asked for the next line';
  const asked = purpose === 'retry' ? 'asked the model to write its last line again' : next;
  const heading = `**${escapeStory(name)}** ${asked}.`;
  return (status) => `${heading}\n${clip(escapeStory(status))}`;
}

/** The most characters of the opening that the story's opening message shows; the rest goes into its thread. */
export function openingBudget(name: string): number {
  return MESSAGE_LIMIT - openingHeading(name).length - STATUS_LIMIT - 4;
}

function openingHeading(name: string): string {
  return `📖 **${escapeStory(name)}** started a story:`;
}

/** The opening message of a story: who started it, the (first piece of the) opening, and a status line. */
export function openingFrame(name: string, seedPiece: string): Frame {
  const top = `${openingHeading(name)}\n${seedPiece}`;
  return (status) => `${top}\n\n${clip(escapeStory(status))}`;
}

/** A thread name from a story's title: 1 to 100 characters, never ending in half an emoji. */
export function threadName(title: string): string {
  return cutTo(title.replace(/\s+/g, ' ').trim().replace(LONE_SURROGATE, ''), 100) || 'A storyloom story';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/*
 * A vote's message. It must stay within MESSAGE_LIMIT whatever happens to it: up to 5 candidates of up to 1,000
 * characters each (more once escaped), any number of voters, and names of any length. So its frame (title,
 * countdown, footer) and each candidate's votes are cut to fixed sizes, and the candidates' texts share what is
 * left. When their texts do not fit in that share, the view is split: each candidate is posted in full in its own
 * message(s) first, never edited, and the vote's message (the one that is edited as people vote) shows each cut
 * short. Whether it splits depends on the candidates' texts only, so every edit of one vote's message fits as its
 * first post did.
 */

/** The most characters a vote's title, countdown, note and footer take together (each is cut to its share). */
const VOTE_FRAME = 700;
const VOTE_TITLE = 200;
const VOTE_FOOTER = 380;
/** The most characters a candidate's number, winner's mark and votes take ("**5.** 🏆 … — 3 votes (Ana, Bo…)"). */
const VOTE_PER_CANDIDATE = 120;
/** How many voters' names a candidate shows ("and 4 more" after them), each cut to this many characters. */
const VOTERS_SHOWN = 3;
const VOTER_NAME = 24;

/** A vote's messages: its candidates in full, first (when they do not fit in its message), and its message. */
export interface VoteBodies {
  /** Each candidate's own messages, posted once before the vote's message (empty when the vote's message fits). */
  candidates: Body[][];
  /** The vote's message, posted once and edited from then on: components is [] once it has closed. */
  vote: Body & { components: ActionRowBuilder<ButtonBuilder>[] };
}

/** The characters the candidates' texts may take in the vote's message, all together. */
function voteTextBudget(candidates: number): number {
  return MESSAGE_LIMIT - VOTE_FRAME - candidates * VOTE_PER_CANDIDATE;
}

/** Whether the vote's message shows its candidates in full (else they go first, each in its own message). */
export function voteFitsWhole(texts: readonly string[]): boolean {
  const total = texts.reduce((sum, text) => sum + escapeStory(text).length, 0);
  return total <= voteTextBudget(texts.length);
}

/** "2 votes (Ana, Ben)", "5 votes (Ana, Ben, Cy and 2 more)", "no votes". */
function votesOf(candidate: VoteViewCandidate): string {
  if (candidate.votes === 0) return 'no votes';
  const shown = candidate.voters.slice(0, VOTERS_SHOWN).map((name) => clip(escapeStory(name), VOTER_NAME));
  const more = candidate.voters.length > VOTERS_SHOWN ? ` and ${candidate.voters.length - VOTERS_SHOWN} more` : '';
  return `${count(candidate.votes, 'vote')} (${shown.join(', ')}${more})`;
}

/** A candidate's text cut to `limit` characters once escaped, on a sentence end or a space where it can. */
function preview(text: string, limit: number): string {
  const escaped = escapeStory(text);
  if (escaped.length <= limit) return escaped;
  return `${escapedPieces(text.replace(/\s+/g, ' '), limit - 1)[0]}…`;
}

/**
 * When a vote closes, as a timestamp Discord shows each reader counting down: `<t:unix:R>`, the "Relative time
 * format, consisting of a relative duration format, e.g. 2 months ago" (R in
 * https://discord.com/developers/docs/reference#message-formatting-timestamp-styles; discord.js's `time` writes it).
 */
export function countdown(closesAt: string): string {
  return time(Math.floor(Date.parse(closesAt) / 1000), TimestampStyles.RelativeTime);
}

/** A vote as Discord messages: title, candidates with their votes, countdown and footer, and a button each. */
export function voteBodies(view: VoteView, buttons: readonly Button[]): VoteBodies {
  const whole = voteFitsWhole(view.candidates.map((c) => c.text));
  const share = Math.floor(voteTextBudget(view.candidates.length) / view.candidates.length);
  const lines = view.candidates.map((c) => {
    const text = whole ? escapeStory(c.text) : preview(c.text, share);
    return `**${c.n}.** ${c.won ? '🏆 ' : ''}${text} — ${votesOf(c)}`;
  });
  const top = [clip(escapeStory(view.title), VOTE_TITLE)];
  if (!whole) top.push('-# Each candidate is in full in the messages above; here they are cut short.');
  const bottom = view.open ? [`⏳ Closes ${countdown(view.closesAt)}.`] : [];
  bottom.push(`-# ${clip(escapeStory(view.footer), VOTE_FOOTER)}`);
  const content = [...top, ...lines, ...bottom].join('\n');
  const candidates = whole ? [] : view.candidates.map((c) => candidateBodies(c, view.candidates.length));
  return { candidates, vote: { content, components: buttonRows(buttons) } };
}

/** One candidate in full, in its own message(s): "🗳️ Candidate 2 of 3:" above its text. */
function candidateBodies(candidate: VoteViewCandidate, of: number): Body[] {
  const heading = `🗳️ **Candidate ${candidate.n}** of ${of}:`;
  const [first, ...rest] = escapedPieces(candidate.text, MESSAGE_LIMIT - heading.length - 1);
  return [{ content: `${heading}\n${first ?? ''}` }, ...rest.map((piece) => ({ content: piece }))];
}
