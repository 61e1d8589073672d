/**
 * The only reader of process.env (and of `.env`, through dotenv). Every key is
 * checked with zod at startup; a bad value stops the bot with a message that
 * names the key. Secrets are kept out of `describeConfig`, which is what gets logged.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { CANDIDATES } from '../commands/candidates.ts';
import { LENGTH, TEMPERATURE } from '../commands/story.ts';

const bool = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const url = z.url({ protocol: /^https?$/ });
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Every setting, with its default. Documented in .env.example. */
export const ConfigSchema = z.object({
  STORYLOOM_DATA_DIR: z.string().min(1).default('./data'),
  STORYLOOM_MAILBOX: z.enum(['local', 'drive']).default('local'),
  STORYLOOM_LOCAL_WORKER: z.enum(['auto', 'always', 'off']).default('auto'),
  STORYLOOM_MODEL: z.string().min(1).default('small'),
  STORYLOOM_WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/)
    .default(
      `embedded-${
        hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 40) || 'host'
      }`,
    ),
  STORYLOOM_WORKER_BATCH: int(1, 256).default(16),
  STORYLOOM_HEARTBEAT_S: int(1, 300).default(5),
  STORYLOOM_JOB_DEADLINE_S: int(10, 7 * 86400).default(1800),
  STORYLOOM_CONTEXT_CHARS: int(100, 20_000).default(1500),
  STORYLOOM_MAX_IN_FLIGHT: int(1, 100).default(2),
  STORYLOOM_COOLDOWN_S: int(0, 3600).default(3),
  STORYLOOM_MAX_QUEUE: int(1, 100_000).default(500),
  STORYLOOM_ADMIN_TIMEOUT_S: int(5, 600).default(90),
  STORYLOOM_DEFAULT_TEMPERATURE: z.coerce
    .number()
    .min(TEMPERATURE.min)
    .max(TEMPERATURE.max)
    .default(TEMPERATURE.default),
  STORYLOOM_DEFAULT_LENGTH: int(LENGTH.min, LENGTH.max).default(LENGTH.default),
  STORYLOOM_STOP_TIMEOUT_S: int(1, 600).default(10),
  STORYLOOM_CANDIDATES: int(CANDIDATES.min, CANDIDATES.max).default(CANDIDATES.default),
  STORYLOOM_VOTE_WINDOW_S: int(5, 86_400).default(60),

  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: optional(z.enum(['pretty', 'json'])),
  OPS_PORT: optional(int(0, 65535)),
  OPS_HOST: z.string().min(1).default('127.0.0.1'),

  PLAYGROUND: bool.default(true),
  PLAYGROUND_HOST: z.string().min(1).default('127.0.0.1'),
  PLAYGROUND_PORT: int(0, 65535).default(8787),
  PLAYGROUND_ADMINS: list.default(['admin']),

  DISCORD_TOKEN: optional(z.string().min(20)),
  DISCORD_APPLICATION_ID: optional(z.string().regex(/^\d{5,25}$/)),
  DISCORD_GUILD_ID: optional(z.string().regex(/^\d{5,25}$/)),
  DISCORD_ADMIN_IDS: list.default([]),
  DISCORD_API_URL: url.default('https://discord.com/api'),
  // "auto" (Discord's recommended count), a count, or ids/count ("0,1/4"), all in this process;
  // src/chat/discord/shards.ts checks that the ids are below the count.
  DISCORD_SHARDS: optional(
    z
      .string()
      .transform((v) => v.replace(/\s+/g, ''))
      .pipe(
        z
          .string()
          .regex(/^(auto|[1-9]\d{0,3}|\d{1,4}(,\d{1,4})*\/[1-9]\d{0,3})$/, 'expected auto, a count, or ids/count'),
      ),
  ),

  SLACK_BOT_TOKEN: optional(z.string().min(10)),
  SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-')),
  SLACK_SIGNING_SECRET: optional(z.string().min(10)),
  SLACK_ADMIN_IDS: list.default([]),
  SLACK_API_URL: url.default('https://slack.com/api/'),
  SLACK_PORT: int(0, 65535).default(3000),

  DRIVE_FOLDER_ID: optional(z.string().regex(/^[A-Za-z0-9_-]{10,200}$/)),
  DRIVE_API_URL: url.default('https://www.googleapis.com'),
  GOOGLE_APPLICATION_CREDENTIALS: optional(z.string().min(1)),
  GOOGLE_OAUTH_CLIENT_ID: optional(z.string().min(10)),
  GOOGLE_OAUTH_CLIENT_SECRET: optional(z.string().min(5)),
  GOOGLE_OAUTH_TOKEN_FILE: optional(z.string().min(1)),
  DRIVE_POLL_FAST_MS: int(100, 60_000).default(250),
  DRIVE_POLL_SLOW_MS: int(1000, 600_000).default(6_000),
});

/** The checked configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** The keys whose values are secrets: never logged, never written to the mailbox. */
export const SECRET_KEYS = [
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'GOOGLE_OAUTH_CLIENT_SECRET',
] as const;

/** The configuration is invalid; the message names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks an environment (process.env by default) and returns the configuration. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty value (KEY= in .env) means the key is unset.
  const known = Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const shown = (SECRET_KEYS as readonly string[]).includes(key) ? '(hidden)' : JSON.stringify(env[key]);
    throw new ConfigError(`storyloom: bad setting ${key}=${shown}: ${issue.message}. See .env.example.`);
  }
  const config = parsed.data;
  if (config.STORYLOOM_MAILBOX === 'drive' && !config.DRIVE_FOLDER_ID) {
    throw new ConfigError(
      'storyloom: STORYLOOM_MAILBOX=drive needs DRIVE_FOLDER_ID (run `npm run mailbox:init` to make one). ' +
        'See .env.example.',
    );
  }
  if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    throw new ConfigError(
      'storyloom: SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode). ' +
        'See .env.example.',
    );
  }
  return config;
}

/** Loads `.env` (if any) into process.env, then checks it. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}

/** The settings worth logging at startup, without secrets. */
export function describeConfig(config: Config): string {
  const platforms = [
    config.PLAYGROUND && 'playground',
    config.DISCORD_TOKEN && 'discord',
    config.SLACK_BOT_TOKEN && 'slack',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    `mailbox ${config.STORYLOOM_MAILBOX}, chat ${platforms || 'none'}, ` +
    `local worker ${config.STORYLOOM_LOCAL_WORKER}, model ${config.STORYLOOM_MODEL}`
  );
}

/** LOG_FORMAT, or when it is unset: json under NODE_ENV=production (a deployment), pretty elsewhere (a terminal). */
export function logFormatOf(
  config: Pick<Config, 'LOG_FORMAT'>,
  env: Record<string, string | undefined> = process.env,
): 'pretty' | 'json' {
  return config.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty');
}
