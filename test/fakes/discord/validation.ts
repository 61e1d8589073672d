import { apiError, ErrorCode, FormErrorCollector } from './errors.ts';

type Path = ReadonlyArray<string | number>;
type Json = Record<string, unknown>;

/** Discord's limits that the fake enforces on messages, components and threads. */
export const Limits = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedTotal: 6000,
  actionRows: 5,
  rowComponents: 5,
  customId: 100,
  buttonLabel: 80,
  threadName: 100,
  nonce: 25,
} as const;

const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];
const MENTION_TYPES = ['users', 'roles', 'everyone'];

/** What to check a message body against. */
export interface MessageCheck {
  /** Where the message sits in the body, e.g. `['data']` in an interaction callback. */
  path?: Path;
  /** How many files came with it as multipart parts. */
  files?: number;
  /** Whether an empty message is an error (creating, not editing). */
  requireContent?: boolean;
}

/** Validates a message body the way Discord does; throws 50035 or 50006 on failure. */
export function validateMessage(body: Json, check: MessageCheck = {}): void {
  const path = check.path ?? [];
  const errors = new FormErrorCollector();
  if (typeof body.content === 'string') maxLength(errors, [...path, 'content'], body.content, Limits.content);
  if (Array.isArray(body.embeds)) checkEmbeds(errors, [...path, 'embeds'], body.embeds);
  if (Array.isArray(body.components)) checkComponents(errors, [...path, 'components'], body.components);
  if (isObject(body.allowed_mentions))
    checkAllowedMentions(errors, [...path, 'allowed_mentions'], body.allowed_mentions);
  errors.throwIfAny();
  if (check.requireContent && isEmptyMessage(body, check.files ?? 0)) throw apiError(ErrorCode.EmptyMessage);
}

/**
 * Checks a new message's `nonce` (an integer, or a string of at most 25 characters) and returns it; throws 50035 on
 * failure.
 */
export function validNonce(body: Json): string | number | undefined {
  const nonce = body.nonce;
  if (nonce === undefined || nonce === null) return undefined;
  const errors = new FormErrorCollector();
  if (typeof nonce === 'string') maxLength(errors, ['nonce'], nonce, Limits.nonce);
  else if (typeof nonce !== 'number' || !Number.isInteger(nonce))
    errors.add(['nonce'], 'NUMBER_TYPE_COERCE', `Value "${String(nonce)}" is not int.`);
  errors.throwIfAny();
  return nonce as string | number;
}

/** Validates a thread's `name` and `auto_archive_duration`; throws 50035 on failure. */
export function validateThread(body: Json, requireName: boolean): void {
  const errors = new FormErrorCollector();
  const name = body.name;
  if (name !== undefined || requireName) {
    const length = typeof name === 'string' ? name.length : 0;
    if (length < 1 || length > Limits.threadName) {
      errors.add(['name'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limits.threadName} in length.`);
    }
  }
  const duration = body.auto_archive_duration;
  if (duration !== undefined && duration !== null && !ARCHIVE_DURATIONS.includes(Number(duration))) {
    errors.add(
      ['auto_archive_duration'],
      'BASE_TYPE_CHOICES',
      `Value must be one of {${ARCHIVE_DURATIONS.join(', ')}}.`,
    );
  }
  errors.throwIfAny();
}

/** Adds BASE_TYPE_MAX_LENGTH at `path` when `value` is longer than `max`. */
export function maxLength(errors: FormErrorCollector, path: Path, value: string | unknown[], max: number): void {
  if (value.length > max) errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

function checkEmbeds(errors: FormErrorCollector, path: Path, embeds: unknown[]): void {
  maxLength(errors, path, embeds, Limits.embeds);
  let total = 0;
  embeds.forEach((embed, i) => {
    if (!isObject(embed)) return;
    for (const [field, max] of [
      ['title', Limits.embedTitle],
      ['description', Limits.embedDescription],
    ] as const) {
      const text = embed[field];
      if (typeof text !== 'string') continue;
      total += text.length;
      maxLength(errors, [...path, i, field], text, max);
    }
  });
  if (total > Limits.embedTotal) {
    errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${Limits.embedTotal}`);
  }
}

function checkComponents(errors: FormErrorCollector, path: Path, rows: unknown[]): void {
  maxLength(errors, path, rows, Limits.actionRows);
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    if (!isObject(row) || !Array.isArray(row.components)) return;
    maxLength(errors, [...path, r, 'components'], row.components, Limits.rowComponents);
    row.components.forEach((component, c) => {
      if (!isObject(component)) return;
      const at = [...path, r, 'components', c];
      if (typeof component.label === 'string') maxLength(errors, [...at, 'label'], component.label, Limits.buttonLabel);
      if (typeof component.custom_id !== 'string') return;
      maxLength(errors, [...at, 'custom_id'], component.custom_id, Limits.customId);
      if (seen.has(component.custom_id)) {
        errors.add([...at, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      }
      seen.add(component.custom_id);
    });
  });
}

function checkAllowedMentions(errors: FormErrorCollector, path: Path, mentions: Json): void {
  const parse = Array.isArray(mentions.parse) ? mentions.parse : [];
  parse.forEach((type, i) => {
    if (!MENTION_TYPES.includes(String(type))) {
      errors.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', `Value must be one of {'users', 'roles', 'everyone'}.`);
    }
  });
  for (const type of ['users', 'roles'] as const) {
    if (parse.includes(type) && Array.isArray(mentions[type]) && mentions[type].length > 0) {
      errors.add(
        path,
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${type}"] and ${type}: [ids...] are mutually exclusive.`,
      );
    }
  }
}

function isEmptyMessage(body: Json, files: number): boolean {
  const hasText = typeof body.content === 'string' && body.content.length > 0;
  const nonEmpty = (key: string) => Array.isArray(body[key]) && (body[key] as unknown[]).length > 0;
  return (
    !hasText && !nonEmpty('embeds') && !nonEmpty('components') && !nonEmpty('sticker_ids') && !body.poll && files === 0
  );
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
