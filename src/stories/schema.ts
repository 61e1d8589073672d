/**
 * stories/<story_id>.json: a story's state. The bot is its only writer. Each line
 * records its kind, author, job id, sampling settings and time; `version` counts
 * the changes; `pending` is the one job in flight, if any.
 */
import { z } from 'zod';
import { PLATFORMS, PROTOCOL_VERSION, PURPOSES, Person, Sampling, Time, Ulid } from '../jobs/protocol.ts';

/** Where a line came from. */
export const LINE_KINDS = ['seed', 'model', 'human'] as const;

/** One line of a story. */
export const Line = z.object({
  id: Ulid,
  kind: z.enum(LINE_KINDS),
  text: z.string(),
  by: Person,
  at: Time,
  job_id: Ulid.nullable(),
  sampling: Sampling.nullable(),
  model: z.string().nullable(),
  delivered: z.boolean(),
});

/** The job a story is waiting for. */
export const Pending = z.object({
  job_id: Ulid,
  purpose: z.enum(PURPOSES),
  attempt: z.number().int().min(1),
  requested_by: Person,
  requested_at: Time,
  base_version: z.number().int().min(0),
  replaces_line: Ulid.nullable(),
});

/** A story's settings for new lines. */
export const StorySettings = z.object({
  temperature: z.number().min(0).max(2),
  max_chars: z.number().int().min(20).max(1000),
});

/** A whole story. */
export const Story = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('story'),
  id: Ulid,
  title: z.string(),
  owner: Person,
  place: z.object({
    platform: z.enum(PLATFORMS),
    channel: z.string(),
    thread: z.string().nullable(),
    message: z.string().nullable(),
  }),
  created_at: Time,
  updated_at: Time,
  status: z.enum(['open', 'ended']),
  version: z.number().int().min(0),
  lines: z.array(Line),
  pending: Pending.nullable(),
  settings: StorySettings,
  context_start: z.number().int().min(0),
});

export type Line = z.infer<typeof Line>;
export type Pending = z.infer<typeof Pending>;
export type Story = z.infer<typeof Story>;
export type StorySettings = z.infer<typeof StorySettings>;
export type LineKind = (typeof LINE_KINDS)[number];
