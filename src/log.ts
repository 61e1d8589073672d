/**
 * storyloom's logger, on pino: one record per line, `level` as its label, `time` as an ISO string, `msg`, `name`
 * ("storyloom", or "storyloom worker" in the embedded worker's process), and the record's own fields (job_id,
 * worker_id, story_id, platform, method, error...). LOG_FORMAT=json writes each record as one JSON object (for a
 * log collector); pretty writes its `msg` alone, the same line storyloom printed before it had a logger. Either
 * way info and below go to stdout, warn and above to stderr, and LOG_LEVEL sets the least important level written.
 *
 * No secret reaches a line: pino's `redact` censors keys that hold one (token, authorization, ...), and every
 * line is scrubbed before it is written, of the secret values registered here (the configuration's, the Google
 * refresh and access tokens, a service account's key) and of anything shaped like a token.
 *
 *   const log = loggerFor(config, BOT_NAME);
 *   log.warn({ job_id: id, error: reasonOf(e) }, `storyloom: job ${id} not delivered yet: ${reasonOf(e)}`);
 */
import { prettyFactory } from 'pino-pretty';
import pino, { type DestinationStream, type Logger } from 'pino';
import { type Config, logFormatOf, SECRET_KEYS } from './config.ts';

export type { Logger } from 'pino';

/** The levels LOG_LEVEL may name, least important first (pino's, plus silent: nothing). */
export type LogLevel = Config['LOG_LEVEL'];
export type LogFormat = 'pretty' | 'json';
/** A record's own fields: job_id, worker_id, story_id, platform, method, error... */
export type LogFields = Record<string, unknown>;

/** The `name` of the bot's records, and of the embedded worker's. */
export const BOT_NAME = 'storyloom';
export const WORKER_NAME = 'storyloom worker';

/** What a secret becomes in a line: pino's own censor text. */
export const REDACTED = '[Redacted]';

/**
 * The keys whose values are secrets wherever they sit, up to three levels deep (an interaction payload's `token`,
 * a request's `headers.authorization`). Path syntax: https://getpino.io/#/docs/redaction?id=path-syntax ("a.b.*",
 * "a[*].b", paths may start with a wildcard); a deeper key is still caught by the key pattern in TOKEN_SHAPES.
 */
const SECRET_FIELDS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'private_key',
  'authorization',
  'Authorization',
  'password',
  ...SECRET_KEYS,
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** A secret-named key with its value in a text: `"token": "…"`, `token=…`, `client_secret: …` (JSON-escaped too). */
function secretKeyValue(): RegExp {
  const key = '\\b((?:access_|refresh_|id_)?token|client_secret|private_key|password|authorization)';
  const separator = `((?:\\\\?["'])?\\s*[:=]\\s*(?:\\\\?["'])?)`;
  // An Authorization value's scheme stays (its token is censored by the pattern for it).
  const value = `(?!Bearer |Basic |Bot )[^\\s"'\\\\,;&}[\\]]+`;
  return new RegExp(key + separator + value, 'gi');
}

/**
 * Secrets by their shape, for the values no one registered (a Discord interaction's token, an access token
 * Google issued, a Slack token in an error). Each keeps what names the secret and censors the secret itself, and
 * never matches a quote or a backslash, so a JSON line stays JSON.
 */
const TOKEN_SHAPES: [RegExp, string][] = [
  // Slack: bot (xoxb-), user (xoxp-), refresh/config (xoxe-, xoxe.xoxp-) and app-level (xapp-) tokens.
  [/\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]+/g, REDACTED],
  // Google: access tokens (ya29.), refresh tokens (1//0), OAuth client secrets (GOCSPX-).
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  [/\b1\/\/0[A-Za-z0-9_-]{10,}/g, REDACTED],
  [/\bGOCSPX-[A-Za-z0-9_-]+/g, REDACTED],
  // A PEM private key (a service account's), in a line or JSON-escaped ("\n"), up to its END line when there is one.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[^-"]|-(?!----END))*(?:-----END [A-Z ]*PRIVATE KEY-----)?/g, REDACTED],
  // Discord: an interaction's token in its webhook and callback URLs, in its own shape ("interaction:" in base64),
  // and bot tokens (three base64url parts).
  [/(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"\\]+/g, `$1${REDACTED}`],
  [/\baW50ZXJhY3Rpb246[A-Za-z0-9_-]+/g, REDACTED],
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, REDACTED],
  // Slack's capability URLs: a slash command's response_url, a Socket Mode connection's ticket.
  [/(hooks\.slack\.com\/(?:commands|actions|services)\/)[^\s"\\]+/g, `$1${REDACTED}`],
  [/([?&]ticket=)[^&\s"\\]+/g, `$1${REDACTED}`],
  // Authorization header values, and a secret-named key with its value inside a text ("token": "…", token=…).
  [/\b(Bearer|Basic) +[A-Za-z0-9._~+/-]+=*/gi, `$1 ${REDACTED}`],
  [/\bBot +(?=[A-Za-z0-9_-]*\.)[A-Za-z0-9._-]{20,}/g, `Bot ${REDACTED}`],
  [secretKeyValue(), `$1$2${REDACTED}`],
];

/** The shortest value registered as a secret: GOOGLE_OAUTH_CLIENT_SECRET may be as short (src/config.ts). */
const MIN_SECRET = 5;
const secrets = new Set<string>();
let known: RegExp | null = null;

/**
 * Registers values that must never be written (a configured token, a refresh token read from its file, an access
 * token as Google issues it): from now on every line has them censored, as they are and as JSON escapes them.
 */
export function registerSecrets(...values: (string | null | undefined)[]): void {
  let added = false;
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_SECRET) continue;
    for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
      if (secrets.has(form)) continue;
      secrets.add(form);
      added = true;
    }
  }
  if (!added) return;
  const escaped = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  known = new RegExp(escaped.join('|'), 'g');
}

/** `text` (a line, a message, a JSON record) with every registered secret and every token-shaped value censored. */
export function scrub(text: string): string {
  let clean = known ? text.replace(known, REDACTED) : text;
  for (const [shape, replacement] of TOKEN_SHAPES) clean = clean.replace(shape, replacement);
  return clean;
}

/** Where lines go: each written whole, at once (a record logged just before `process.exit` is not lost). */
export interface LineSink {
  write(line: string): void;
}

/** How to make a logger. */
export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  format?: LogFormat;
  /** One sink for every line (tests); by default info and below go to stdout, warn and above to stderr. */
  sink?: LineSink;
}

/**
 * Pretty output through pino-pretty's `prettyFactory` (a public, synchronous export: JSON line in, text out),
 * showing `msg` alone: level, time and name ignored, the fields hidden (its `ignore` and `hideObject` options,
 * https://github.com/pinojs/pino-pretty#options), without colour, as console.log wrote. Not its stream: that
 * passes lines through Node streams, so a line logged right before `process.exit` could be lost.
 */
const prettify = prettyFactory({ colorize: false, ignore: 'level,time,pid,hostname,name', hideObject: true });

function pretty(sink: LineSink): LineSink {
  return { write: (line) => sink.write(prettify(line)) };
}

/** Synchronous stdout and stderr (pino.destination with `sync: true`, https://getpino.io/#/docs/api?id=destination). */
function standardStreams(format: LogFormat): DestinationStream {
  const [out, err] = [1, 2].map((dest) => pino.destination({ dest, sync: true }));
  const streams = format === 'pretty' ? [pretty(out), pretty(err)] : [out, err];
  // dedupe: a record goes only to the stream with the highest level it reaches
  // (https://getpino.io/#/docs/api?id=pino-multistream).
  return pino.multistream(
    [
      { level: 'trace', stream: streams[0] },
      { level: 'warn', stream: streams[1] },
    ],
    { dedupe: true },
  );
}

/** A logger (see the top of this file). */
export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'pretty';
  const sink = options.sink;
  const destination = sink ? (format === 'pretty' ? pretty(sink) : sink) : standardStreams(format);
  return pino(
    {
      level: options.level ?? 'info',
      base: { name: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Runs on the serialized line before any stream sees it (https://getpino.io/#/docs/api?id=streamwrite).
      hooks: { streamWrite: scrub },
    },
    destination as DestinationStream,
  );
}

/** The logger a process runs with, from its configuration; the configured secrets are registered first. */
export function loggerFor(config: Config, name: string): Logger {
  registerSecrets(...SECRET_KEYS.map((key) => config[key]));
  return createLogger({ name, level: config.LOG_LEVEL, format: logFormatOf(config) });
}

let fallback: Logger | undefined;

/** For code run without a logger handed to it (a script, a test): pretty, at info, on stdout and stderr. */
export function defaultLogger(): Logger {
  fallback ??= createLogger({ name: BOT_NAME });
  return fallback;
}

/** A logger that writes nothing (benchmarks, tests that do not look at the log). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** For a process whose configuration could not be read (the one line that says why): at info, LOG_FORMAT unknown. */
export function startupLogger(name: string): Logger {
  return createLogger({ name, format: logFormatOf({ LOG_FORMAT: undefined }) });
}
