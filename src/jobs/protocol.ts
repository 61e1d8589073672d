/**
 * The mailbox protocol, version 1: the files the bot and the workers exchange.
 * colab/protocol/ is its Python mirror; the shared vectors in contract/protocol/
 * (valid and invalid files) are checked by both test suites so they cannot drift.
 * Field names are snake_case on the wire, the same words on both sides. Unknown
 * extra fields are ignored (additions stay compatible within a version): revision 2 adds `candidates`, and an
 * older reader, which drops it, still reads a request as one line and a response as its first candidate;
 * revision 3 adds `style`, which an older worker drops and writes without (as for a story with no style).
 */
import { z } from 'zod';

/** The protocol version this storyloom speaks. */
export const PROTOCOL_VERSION = 1;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A ULID: 26 Crockford base-32 characters; sorts by creation time. */
export const Ulid = z.string().regex(ULID, 'must be a ULID');
/** An RFC 3339 time in UTC, as `new Date().toISOString()` writes it. */
export const Time = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(200);

/** The chat platforms a reply can go to. */
export const PLATFORMS = ['discord', 'slack', 'playground', 'cli', 'test'] as const;
/** Why a job was asked for. */
export const PURPOSES = ['start', 'continue', 'retry', 'regenerate'] as const;
/** The stop rules of the sampler. */
export const STOP_RULES = ['sentence', 'line', 'none'] as const;
/** A style's name, as models list them (`any`, `austen`, `science-fiction`…). */
export const StyleName = z
  .string()
  .max(40)
  .regex(/^[a-z][a-z-]*$/, 'a style is lower-case letters and dashes');

/** The most candidate lines one request may ask for (`candidates`, 1 to this; absent means 1). */
export const MAX_CANDIDATES = 5;
/** Why a line ended: its stop rule fired, or it reached max_chars. */
export const STOP_REASONS = ['stop_rule', 'max_chars'] as const;
/** A sampler seed: a 32-bit unsigned integer. */
export const Seed = z.number().int().min(0).max(0xffffffff);

/** Sampling settings, as colab/sampling/sampler.py names them. */
export const Sampling = z
  .object({
    temperature: z.number().min(0).max(5),
    top_k: z.number().int().min(0).max(100_000),
    top_p: z.number().gt(0).max(1),
    max_chars: z.number().int().min(1).max(2000),
    min_chars: z.number().int().min(0).max(2000).nullable().default(null),
    stop: z.enum(STOP_RULES),
    seed: Seed,
  })
  .refine((s) => s.min_chars === null || s.min_chars <= s.max_chars, {
    message: 'min_chars must not exceed max_chars',
    path: ['min_chars'],
  });

/** Who a job or command comes from. */
export const Person = z.object({ id: Id, name: z.string().max(200) });

/** Where the reply goes: everything needed to post it, even after a bot restart. */
export const ReplyTo = z.object({ platform: z.enum(PLATFORMS), channel: Id, thread: Id.nullable() });

/** requests/<job_id>.json: one generation job, written by the bot in one atomic create. */
export const Request = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('request'),
  job_id: Ulid,
  story_id: Ulid,
  story_version: z.number().int().min(0),
  purpose: z.enum(PURPOSES),
  attempt: z.number().int().min(1).max(10),
  created_at: Time,
  deadline: Time,
  prompt: z.string().max(20_000),
  sampling: Sampling,
  model: z.string().max(200).nullable(),
  user: Person,
  reply: ReplyTo,
  /**
   * How many candidate lines to write (revision 2; absent means 1, as before it). Candidate i samples with
   * `candidateSeed(sampling.seed, i)` (src/model/rng.ts), so candidate 0 is the line a request without it gets.
   */
  candidates: z.number().int().min(1).max(MAX_CANDIDATES).optional(),
  /**
   * The story's style (revision 3; absent: none, as before it): a worker whose model has it writes in it; one
   * whose model lacks it (or has no styles) writes with none and says so in `result.style`.
   */
  style: StyleName.optional(),
});

/** One candidate line: its text, why it stopped, the seed it was sampled with, and its length in characters. */
export const Candidate = z.object({
  text: z.string().max(20_000),
  stop: z.enum(STOP_REASONS),
  seed: Seed,
  /** Characters (Unicode code points) in `text`. */
  chars: z.number().int().min(0),
});

/** A job's outcome: `text` and `stop` are candidate 0's, so a reader that knows no candidates reads a line. */
export const Result = z
  .object({
    text: z.string().max(20_000),
    stop: z.enum(STOP_REASONS),
    model: z.string(),
    model_sha256: z.string(),
    device: z.string(),
    ms: z.number().min(0),
    /** Every candidate, in order (revision 2): present when the request carried `candidates`. */
    candidates: z.array(Candidate).min(1).max(MAX_CANDIDATES).optional(),
    /** The style the lines were written in (revision 3): null when none (the model has none, or not that one). */
    style: StyleName.nullable().optional(),
  })
  // zod runs this even when `candidates` failed its own checks (an empty list): hence the `?.`.
  .refine((r) => !r.candidates?.[0] || (r.candidates[0].text === r.text && r.candidates[0].stop === r.stop), {
    message: 'candidates[0] must be the text and stop of the result',
    path: ['candidates'],
  });

/** The codes of a structured error response. */
export const ERROR_CODES = [
  'bad_request',
  'expired',
  'unsupported_version',
  'model_error',
  'internal',
  'cancelled',
] as const;

/** responses/<job_id>.json: a result, or a structured error. */
export const Response = z.discriminatedUnion('ok', [
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    job_id: z.string().min(1).max(200),
    worker_id: Id,
    finished_at: Time,
    ok: z.literal(true),
    result: Result,
  }),
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    job_id: z.string().min(1).max(200),
    worker_id: Id,
    finished_at: Time,
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string().max(2000) }),
  }),
]);

/** A worker's states, as its heartbeat reports them. */
export const WORKER_STATES = ['starting', 'running', 'paused', 'draining', 'standby', 'stopping'] as const;
/** The admin commands a worker obeys. */
export const CONTROL_COMMANDS = ['restart', 'reload', 'pause', 'resume', 'drain'] as const;

/** workers/<worker_id>.json: what a worker is doing, overwritten every few seconds. */
export const Heartbeat = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('heartbeat'),
  worker_id: Id,
  kind: z.string().max(40),
  version: z.string().max(40),
  state: z.enum(WORKER_STATES),
  at: Time,
  started_at: Time,
  runtime_ends_at: Time.nullable(),
  interval_s: z.number().positive(),
  device: z.object({
    type: z.string(),
    name: z.string(),
    memory_total_mb: z.number().nullable(),
    memory_used_mb: z.number().nullable(),
  }),
  model: z
    .object({
      name: z.string(),
      sha256: z.string(),
      parameters: z.number().int().min(0),
      loaded_at: Time,
    })
    .nullable(),
  active_jobs: z.array(z.string()).max(10_000),
  queued: z.number().int().min(0),
  batch_max: z.number().int().min(1),
  chars_per_second: z.number().min(0),
  batch_seconds: z.number().min(0).nullable(),
  jobs_done: z.number().int().min(0),
  jobs_failed: z.number().int().min(0),
  applied_controls: z
    .array(
      z.object({
        command_id: z.string(),
        command: z.enum(CONTROL_COMMANDS),
        applied_at: Time,
      }),
    )
    .max(100),
  message: z.string().max(2000).nullable(),
  /** For each user, the service number of the last job served for them (at most 200): the round-robin's memory. */
  served: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Batches this worker has run since it started (the number of the last one). */
  batches: z.number().int().min(0).default(0),
});

/** control/<command_id>.json: an admin command for one worker or all ('*'). */
export const Control = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('control'),
  command_id: Ulid,
  command: z.enum(CONTROL_COMMANDS),
  target: Id,
  issued_at: Time,
  issued_by: Person,
  model: z.string().max(200).nullable().default(null),
});

/**
 * The candidate lines of a successful response to `request`. A response without `candidates` (a request that did
 * not ask, or an older worker, which ignores the field and writes one line) is one candidate: its text, sampled
 * with the request's own seed.
 */
export function candidatesOf(request: Pick<Request, 'sampling'>, result: Result): Candidate[] {
  if (result.candidates) return result.candidates;
  return [{ text: result.text, stop: result.stop, seed: request.sampling.seed, chars: [...result.text].length }];
}

export type Request = z.infer<typeof Request>;
export type Candidate = z.infer<typeof Candidate>;
export type Response = z.infer<typeof Response>;
export type Result = z.infer<typeof Result>;
export type Heartbeat = z.infer<typeof Heartbeat>;
export type Control = z.infer<typeof Control>;
export type Sampling = z.infer<typeof Sampling>;
export type Person = z.infer<typeof Person>;
export type ReplyTo = z.infer<typeof ReplyTo>;
export type Platform = (typeof PLATFORMS)[number];
export type WorkerState = (typeof WORKER_STATES)[number];
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];
export type StopReason = (typeof STOP_REASONS)[number];
export type ErrorCode = (typeof ERROR_CODES)[number];
export type Purpose = (typeof PURPOSES)[number];
