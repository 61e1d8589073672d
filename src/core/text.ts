/**
 * Cleaning what users type before it joins a story: control characters, NUL and
 * bidirectional overrides go; runs of combining marks (zalgo) are cut to two;
 * whitespace is tidied. Emoji and any script stay as typed (the model maps what it
 * cannot read when it primes; see the artifact's normalization rules).
 */
import { UserError } from '../stories/errors.ts';

// C0 and C1 controls except tab and newline (tab becomes a space first; newlines are kept).
// Matching control characters is this pattern's purpose: they are stripped from user text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the purpose
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const MARK_RUNS = /(\p{M}{2})\p{M}+/gu;

/** Cleans free text; keeps newlines, collapses other whitespace. */
export function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .replace(MARK_RUNS, '$1')
    .replace(/[ \u00a0]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cleans text a user wants in a story, and refuses it empty or too long. */
export function storyText(raw: unknown, what: string, maxChars: number): string {
  if (typeof raw !== 'string') throw new UserError('empty', `Give some text for the ${what}.`);
  // Refuse absurd input before doing any work on it.
  const tooLong = `The ${what} is too long: keep it under ${maxChars} characters.`;
  if (raw.length > maxChars * 4) throw new UserError('too_long', tooLong);
  const text = cleanText(raw);
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError('empty', `The ${what} needs at least one letter or digit.`);
  if ([...text].length > maxChars) throw new UserError('too_long', tooLong);
  return text;
}
