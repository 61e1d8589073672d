/**
 * The metric definitions (src/metrics.ts): Prometheus-style names, label values only from fixed lists (whatever
 * text comes in, a person's or a story's included), and the state gauges computed at scrape time from the sources
 * main registers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bounded,
  countChatError,
  countJobCompleted,
  countJobFailed,
  countJobSubmitted,
  countMailboxCall,
  countRateLimitWait,
  LABELS,
  mailboxActivity,
  observeCommandToLine,
  registry,
  resetMetrics,
  setStateSources,
  startDefaultMetrics,
} from '../src/metrics.ts';

/** One sample of the text exposition: `name{a="x",b="y"} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus's text format (as prom-client writes it: no escapes in our label values). */
async function scrape(): Promise<Sample[]> {
  const text = await registry.metrics();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const found = (await scrape()).find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value;
}

/** Which list each label's values must come from (`le` is a histogram bucket, a number). */
const ALLOWED: Record<string, readonly string[]> = {
  platform: LABELS.platform,
  purpose: LABELS.purpose,
  reason: LABELS.failure,
  state: [...LABELS.workerState, ...LABELS.storyState],
  kind: [...LABELS.workerKind, ...LABELS.mailboxError, ...LABELS.chatError],
  transport: LABELS.transport,
  method: LABELS.mailboxMethod,
};

const HOSTILE = ['Ann’s story', 'x'.repeat(500), '"}\nstoryloom_fake 1', '01J5ZK3Q8W3F1T9V8V8V8V8V8V', ''];

beforeEach(() => {
  resetMetrics();
  setStateSources(null);
});

describe('names', () => {
  it('are storyloom_ names with units: _total on counters, _seconds on durations', async () => {
    const metrics = registry.getMetricsAsArray() as unknown as { name: string; type: string }[];
    const names = metrics.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'storyloom_jobs_submitted_total',
        'storyloom_jobs_completed_total',
        'storyloom_jobs_failed_total',
        'storyloom_queue_depth',
        'storyloom_job_wait_seconds',
        'storyloom_job_generation_seconds',
        'storyloom_command_to_line_seconds',
        'storyloom_workers',
        'storyloom_worker_heartbeat_age_seconds',
        'storyloom_mailbox_calls_total',
        'storyloom_mailbox_errors_total',
        'storyloom_chat_api_errors_total',
        'storyloom_chat_rate_limit_waits_total',
        'storyloom_chat_rate_limit_wait_seconds_total',
        'storyloom_stories',
      ]),
    );
    for (const m of metrics) {
      expect(m.name).toMatch(/^storyloom_[a-z_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      if (m.type === 'histogram') expect(m.name).toMatch(/_seconds$/);
      if (m.type !== 'counter') expect(m.name).not.toMatch(/_total$/);
    }
  });

  it('adds Node process metrics once, without a prefix', async () => {
    startDefaultMetrics();
    startDefaultMetrics();
    const text = await registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });
});

describe('labels', () => {
  it('map any value outside their list to "other"', () => {
    expect(bounded('slack', LABELS.platform)).toBe('slack');
    expect(bounded('test', LABELS.platform)).toBe('other');
    expect(bounded(undefined, LABELS.platform)).toBe('other');
    expect(bounded('constructor', LABELS.platform)).toBe('other');
  });

  it('never carry user text, whatever is passed in', async () => {
    for (const text of HOSTILE) {
      countJobSubmitted(text, text);
      countJobCompleted(text, text, 1, 1);
      countJobFailed(text, text, text);
      observeCommandToLine(text, 2);
      countMailboxCall(text, text, { errorKind: text, reason: 'r' });
      countChatError(text, text);
      countRateLimitWait(text, 1);
    }
    setStateSources({
      queueDepth: () => 0,
      workers: () => HOSTILE.map((t) => ({ state: t, kind: t, ageS: 1 })),
      storyStates: () => HOSTILE,
    });
    const samples = (await scrape()).filter((s) => s.name.startsWith('storyloom_'));
    expect(samples.length).toBeGreaterThan(20);
    for (const s of samples) {
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le') continue;
        expect(ALLOWED[label], `label ${label} of ${s.name}`).toBeDefined();
        expect([...ALLOWED[label], 'other'], `${s.name}{${label}="${v}"}`).toContain(v);
      }
    }
    expect(await value('storyloom_jobs_submitted_total', { platform: 'other', purpose: 'other' })).toBe(HOSTILE.length);
    expect(await value('storyloom_workers', { state: 'other', kind: 'other' })).toBe(HOSTILE.length);
  });
});

describe('counts', () => {
  it('count jobs by platform and purpose, and observe their times', async () => {
    countJobSubmitted('playground', 'start');
    countJobSubmitted('playground', 'continue');
    countJobCompleted('playground', 'start', 2.5, 1.5);
    countJobCompleted('slack', 'retry', -3, 0.2);
    countJobFailed('discord', 'continue', 'deadline');
    observeCommandToLine('playground', 4);
    expect(await value('storyloom_jobs_submitted_total', { platform: 'playground', purpose: 'start' })).toBe(1);
    expect(await value('storyloom_jobs_completed_total', { platform: 'slack', purpose: 'retry' })).toBe(1);
    const failed = { platform: 'discord', purpose: 'continue', reason: 'deadline' };
    expect(await value('storyloom_jobs_failed_total', failed)).toBe(1);
    expect(await value('storyloom_job_wait_seconds_count')).toBe(2);
    // A wait below zero (clocks apart) counts as zero.
    expect(await value('storyloom_job_wait_seconds_sum')).toBe(2.5);
    expect(await value('storyloom_job_generation_seconds_sum')).toBeCloseTo(1.7);
    expect(await value('storyloom_command_to_line_seconds_bucket', { platform: 'playground', le: '5' })).toBe(1);
    expect(await value('storyloom_command_to_line_seconds_bucket', { platform: 'playground', le: '2' })).toBe(0);
  });

  it('count mailbox calls and errors, and remember the latest success and failure', async () => {
    countMailboxCall('drive', 'changes.list', undefined, 1000);
    countMailboxCall(
      'drive',
      'changes.list',
      { errorKind: '5xx', reason: 'Drive changes.list failed: HTTP 503' },
      2000,
    );
    countMailboxCall('local', 'put', undefined, 3000);
    expect(await value('storyloom_mailbox_calls_total', { transport: 'drive', method: 'changes.list' })).toBe(2);
    const errors = { transport: 'drive', method: 'changes.list', kind: '5xx' };
    expect(await value('storyloom_mailbox_errors_total', errors)).toBe(1);
    expect(mailboxActivity()).toEqual({
      okAt: 3000,
      failure: { at: 2000, reason: 'Drive changes.list failed: HTTP 503' },
    });
  });

  it('count chat errors and rate-limit waits with their seconds', async () => {
    countChatError('slack', 'platform');
    countRateLimitWait('discord', 1.5);
    countRateLimitWait('discord', 0.5);
    expect(await value('storyloom_chat_api_errors_total', { platform: 'slack', kind: 'platform' })).toBe(1);
    expect(await value('storyloom_chat_rate_limit_waits_total', { platform: 'discord' })).toBe(2);
    expect(await value('storyloom_chat_rate_limit_wait_seconds_total', { platform: 'discord' })).toBe(2);
  });
});

describe('state gauges', () => {
  it('are read from the sources at each scrape', async () => {
    let depth = 3;
    let workers = [
      { state: 'running', kind: 'colab', ageS: 4 },
      { state: 'running', kind: 'colab', ageS: 2 },
      { state: 'stale', kind: 'embedded', ageS: 90 },
    ];
    setStateSources({
      queueDepth: () => depth,
      workers: () => workers,
      storyStates: () => ['open', 'open', 'ended'],
    });
    expect(await value('storyloom_queue_depth')).toBe(3);
    expect(await value('storyloom_workers', { state: 'running', kind: 'colab' })).toBe(2);
    expect(await value('storyloom_worker_heartbeat_age_seconds', { state: 'running', kind: 'colab' })).toBe(2);
    expect(await value('storyloom_worker_heartbeat_age_seconds', { state: 'stale', kind: 'embedded' })).toBe(90);
    expect(await value('storyloom_stories', { state: 'open' })).toBe(2);
    expect(await value('storyloom_stories', { state: 'ended' })).toBe(1);

    depth = 0;
    workers = [{ state: 'paused', kind: 'colab', ageS: 1 }];
    expect(await value('storyloom_queue_depth')).toBe(0);
    expect(await value('storyloom_workers', { state: 'paused', kind: 'colab' })).toBe(1);
    // A state no worker is in any more is gone, not left at its last count.
    expect(await value('storyloom_workers', { state: 'running', kind: 'colab' })).toBeUndefined();
  });

  it('read zero with no sources', async () => {
    expect(await value('storyloom_queue_depth')).toBe(0);
    expect(await value('storyloom_stories', { state: 'open' })).toBe(0);
    expect(await value('storyloom_workers')).toBeUndefined();
  });
});
