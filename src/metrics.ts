/**
 * storyloom's Prometheus metrics, on a registry of its own (src/ops/ serves it at /metrics). Every layer counts
 * here, so this file imports nothing from src/ (test/layers.test.ts).
 *
 * Names follow Prometheus's conventions (prometheus.io/docs/practices/naming): the prefix `storyloom_`, base units
 * in the name (`_seconds`), `_total` on counters. Label values come from the fixed lists in LABELS only: anything
 * else is counted as "other", so no user text, person or story ever becomes a label, and the series stay few.
 * Gauges that describe state (the queue, the workers, the stories) are computed when Prometheus scrapes, by
 * `collect()` from the sources main registers (`setStateSources`), as prom-client's README asks for
 * point-in-time values, instead of being kept in step by hand.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** storyloom's own registry (not prom-client's global one). */
export const registry = new Registry();

/** The values each label may take; any other value is reported as "other". */
export const LABELS = {
  platform: ['discord', 'slack', 'playground'],
  purpose: ['start', 'continue', 'retry', 'regenerate'],
  /** A worker's error codes (jobs/protocol.ts), and `deadline`: the bot gave up waiting. */
  failure: ['bad_request', 'expired', 'unsupported_version', 'model_error', 'internal', 'cancelled', 'deadline'],
  workerState: ['starting', 'running', 'paused', 'draining', 'standby', 'stopping', 'stale'],
  workerKind: ['embedded', 'colab', 'local'],
  transport: ['drive', 'local'],
  /** Drive: the API method; local folder: the operation. */
  mailboxMethod: [
    ...['files.create', 'files.get', 'files.get.media', 'files.list', 'files.update', 'files.delete'],
    ...['files.generateIds', 'changes.list', 'changes.getStartPageToken', 'about.get'],
    ...['put', 'get', 'delete', 'list'],
  ],
  mailboxError: [
    ...['429', '403_rate_limit', '401', '403', '404', '4xx', '5xx', 'network'],
    ...['permission', 'no_space', 'not_found', 'io'],
  ],
  chatError: ['429', '4xx', '5xx', 'network', 'platform'],
  storyState: ['open', 'ended'],
} as const;

/** `value` when it is one of `allowed`, else "other". */
export function bounded(value: string | undefined, allowed: readonly string[]): string {
  return value !== undefined && allowed.includes(value) ? value : 'other';
}

const registers = [registry];
const jobLabels = ['platform', 'purpose'] as const;

const jobsSubmitted = new Counter({
  name: 'storyloom_jobs_submitted_total',
  help: 'Generation jobs written to the mailbox.',
  labelNames: jobLabels,
  registers,
});
const jobsCompleted = new Counter({
  name: 'storyloom_jobs_completed_total',
  help: 'Jobs a worker answered with a line.',
  labelNames: jobLabels,
  registers,
});
const jobsFailed = new Counter({
  name: 'storyloom_jobs_failed_total',
  help: 'Jobs answered with an error, or given up on at their deadline (reason="deadline").',
  labelNames: [...jobLabels, 'reason'],
  registers,
});
const jobWait = new Histogram({
  name: 'storyloom_job_wait_seconds',
  help: 'From a job submitted to a worker taking it (its response time less its generation time).',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  registers,
});
const jobGeneration = new Histogram({
  name: 'storyloom_job_generation_seconds',
  help: "A worker's time generating a job's batch, as its response reports it.",
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
  registers,
});
const commandToLine = new Histogram({
  name: 'storyloom_command_to_line_seconds',
  help: "From a person's command (or button) to the model's line delivered to the chat.",
  labelNames: ['platform'],
  buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  registers,
});
const mailboxCalls = new Counter({
  name: 'storyloom_mailbox_calls_total',
  help: 'Mailbox calls: Drive API requests by method (each retry counts), local folder operations.',
  labelNames: ['transport', 'method'],
  registers,
});
const mailboxErrors = new Counter({
  name: 'storyloom_mailbox_errors_total',
  help: 'Mailbox calls that failed, by method and kind (HTTP status class, network, file system error).',
  labelNames: ['transport', 'method', 'kind'],
  registers,
});
const chatErrors = new Counter({
  name: 'storyloom_chat_api_errors_total',
  help: "Failed calls to a chat platform's API, by kind.",
  labelNames: ['platform', 'kind'],
  registers,
});
const rateLimitWaits = new Counter({
  name: 'storyloom_chat_rate_limit_waits_total',
  help: "Times a chat platform's client waited out a rate limit.",
  labelNames: ['platform'],
  registers,
});
const rateLimitSeconds = new Counter({
  name: 'storyloom_chat_rate_limit_wait_seconds_total',
  help: 'Seconds spent waiting out rate limits, as the client announced them.',
  labelNames: ['platform'],
  registers,
});

/** A worker as the gauges see it. */
export interface WorkerSample {
  state: string;
  kind: string;
  ageS: number;
}

/** Where the state gauges read from, at scrape time. */
export interface StateSources {
  /** Jobs waiting for a worker (not being written). */
  queueDepth(): number;
  /** Every worker the bot has heard of; `state` is "stale" when its heartbeat is not fresh. */
  workers(): WorkerSample[];
  /** The stories' states ("open", "ended"). */
  storyStates(): string[];
}

let sources: StateSources | null = null;

/** Sets (or, with null, clears) what the state gauges read. */
export function setStateSources(next: StateSources | null): void {
  sources = next;
}

new Gauge({
  name: 'storyloom_queue_depth',
  help: 'Jobs waiting for a worker to take them.',
  registers,
  collect() {
    this.set(sources?.queueDepth() ?? 0);
  },
});

/** The workers grouped by bounded state and kind: how many, and the freshest heartbeat's age. */
function workerGroups(): Map<string, { labels: { state: string; kind: string }; count: number; ageS: number }> {
  const groups = new Map<string, { labels: { state: string; kind: string }; count: number; ageS: number }>();
  for (const w of sources?.workers() ?? []) {
    const labels = { state: bounded(w.state, LABELS.workerState), kind: bounded(w.kind, LABELS.workerKind) };
    const key = `${labels.state}/${labels.kind}`;
    const group = groups.get(key) ?? { labels, count: 0, ageS: Number.POSITIVE_INFINITY };
    group.count += 1;
    group.ageS = Math.min(group.ageS, Math.max(0, w.ageS));
    groups.set(key, group);
  }
  return groups;
}

new Gauge({
  name: 'storyloom_workers',
  help: 'Workers by state ("stale": no fresh heartbeat) and kind.',
  labelNames: ['state', 'kind'],
  registers,
  collect() {
    // Reset first: a state no worker is in any more must not keep its last count.
    this.reset();
    for (const g of workerGroups().values()) this.set(g.labels, g.count);
  },
});

new Gauge({
  name: 'storyloom_worker_heartbeat_age_seconds',
  help: 'Age of the freshest heartbeat among the workers of each state and kind.',
  labelNames: ['state', 'kind'],
  registers,
  collect() {
    this.reset();
    for (const g of workerGroups().values()) this.set(g.labels, g.ageS);
  },
});

new Gauge({
  name: 'storyloom_stories',
  help: 'Stories the bot keeps, by state.',
  labelNames: ['state'],
  registers,
  collect() {
    this.reset();
    for (const state of LABELS.storyState) this.set({ state }, 0);
    for (const state of sources?.storyStates() ?? []) this.inc({ state: bounded(state, LABELS.storyState) });
  },
});

const jobOf = (platform: string, purpose: string) => ({
  platform: bounded(platform, LABELS.platform),
  purpose: bounded(purpose, LABELS.purpose),
});

/** A job's request was written to the mailbox. */
export function countJobSubmitted(platform: string, purpose: string): void {
  jobsSubmitted.inc(jobOf(platform, purpose));
}

/** A job was answered with a line: its wait and generation times (seconds) are observed too. */
export function countJobCompleted(platform: string, purpose: string, waitS: number, generationS: number): void {
  jobsCompleted.inc(jobOf(platform, purpose));
  jobWait.observe(Math.max(0, waitS));
  jobGeneration.observe(Math.max(0, generationS));
}

/** A job failed: an error response (its code), or `deadline`. */
export function countJobFailed(platform: string, purpose: string, reason: string): void {
  jobsFailed.inc({ ...jobOf(platform, purpose), reason: bounded(reason, LABELS.failure) });
}

/** A model's line reached the chat, `seconds` after the command that asked for it. */
export function observeCommandToLine(platform: string, seconds: number): void {
  commandToLine.observe({ platform: bounded(platform, LABELS.platform) }, Math.max(0, seconds));
}

/** The mailbox's latest success and failure, for readiness (times in ms since the epoch). */
export interface MailboxActivity {
  okAt?: number;
  failure?: { at: number; reason: string };
}

let activity: MailboxActivity = {};

/** The mailbox's latest success and failure. */
export function mailboxActivity(): MailboxActivity {
  return activity;
}

/**
 * Counts one mailbox call. A failed one names its `errorKind`, and `reason`, a sentence for /health/ready made of
 * fixed words (a method, a status), never of a file's content.
 */
export function countMailboxCall(
  transport: string,
  method: string,
  failed?: { errorKind: string; reason: string },
  now = Date.now(),
): void {
  const labels = { transport: bounded(transport, LABELS.transport), method: bounded(method, LABELS.mailboxMethod) };
  mailboxCalls.inc(labels);
  if (!failed) {
    activity = { ...activity, okAt: now };
    return;
  }
  mailboxErrors.inc({ ...labels, kind: bounded(failed.errorKind, LABELS.mailboxError) });
  activity = { ...activity, failure: { at: now, reason: failed.reason } };
}

/** A call to a chat platform's API failed. */
export function countChatError(platform: string, kind: string): void {
  chatErrors.inc({ platform: bounded(platform, LABELS.platform), kind: bounded(kind, LABELS.chatError) });
}

/** A chat platform's client waits `seconds` for a rate limit to pass. */
export function countRateLimitWait(platform: string, seconds: number): void {
  const labels = { platform: bounded(platform, LABELS.platform) };
  rateLimitWaits.inc(labels);
  rateLimitSeconds.inc(labels, Math.max(0, seconds));
}

let defaults = false;

/** Adds Node's process metrics (CPU, memory, event loop, GC) to the registry, once; the ops server calls it. */
export function startDefaultMetrics(): void {
  if (defaults) return;
  defaults = true;
  // Unprefixed on purpose: process_* and nodejs_* are the names the usual Node.js dashboards expect.
  collectDefaultMetrics({ register: registry });
}

/** Zeroes every metric and forgets the mailbox's activity (tests). */
export function resetMetrics(): void {
  registry.resetMetrics();
  activity = {};
}
