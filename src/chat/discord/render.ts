/**
 * Role: how storyloom looks on the platform (on Slack and in the playground,
 * render.ts too). On Discord: escaped story text, messages split at 2,000
 * characters, button rows, and the frames that progress and outcomes fill in.
 * Nothing here talks to Discord; it only builds message bodies.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown, type MessageMentionOptions } from 'discord.js';
import type { Button, Line } from '../../core/types.ts';
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

/** Core's buttons as one Discord action row (none when there are no buttons). */
export function buttonRows(buttons: readonly Button[] = []): ActionRowBuilder<ButtonBuilder>[] {
  if (buttons.length === 0) return [];
  const row = new ActionRowBuilder<ButtonBuilder>();
  const made = buttons.map((b) => {
    return new ButtonBuilder().setCustomId(b.customId).setLabel(b.label).setStyle(STYLES[b.style]);
  });
  row.addComponents(made);
  return [row];
}

/** Who wrote a line, as a small grey subtext line. */
export function attribution(line: Line): string {
  const who = escapeStory(line.by.name || line.by.id);
  const model = line.model ? ` (${escapeStory(line.model)})` : '';
  if (line.kind === 'model') return `-# ✍️ the model${model}, asked by ${who}`;
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

/** The frame of a reply that asked for a line: who asked, and the status under it. */
export function requestFrame(name: string, purpose: string): Frame {
  const asked = purpose === 'retry' ? 'asked the model to write its last line again' : 'asked for the next line';
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
