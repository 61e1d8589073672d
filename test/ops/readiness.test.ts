/** Readiness, part by part (src/ops/readiness.ts): the mailbox's news or a probe, the workers, the chats. */
import { describe, expect, it } from 'vitest';
import type { MailboxActivity } from '../../src/metrics.ts';
import { mailboxPart, readiness, workerPart, type MailboxCheck, type WorkerSeen } from '../../src/ops/readiness.ts';

const NOW = 1_000_000;

function check(
  activity: MailboxActivity,
  probe: () => Promise<unknown> = async () => [],
): MailboxCheck & {
  probes: number;
} {
  const c = {
    probes: 0,
    activity: () => activity,
    probe: () => {
      c.probes += 1;
      return probe();
    },
    recentMs: 30_000,
    probeTimeoutMs: 200,
    now: () => NOW,
  };
  return c;
}

const failure = (at: number) => ({ at, reason: 'Drive changes.list failed: HTTP 503 (backendError)' });

describe('the mailbox', () => {
  it('is ready after a recent success, without a probe', async () => {
    const c = check({ okAt: NOW - 1000 });
    expect(await mailboxPart(c)).toEqual({ ready: true });
    expect(c.probes).toBe(0);
  });

  it('is not ready when its latest call failed, with that reason', async () => {
    const c = check({ okAt: NOW - 5000, failure: failure(NOW - 1000) });
    expect(await mailboxPart(c)).toEqual({ ready: false, reason: failure(0).reason });
    expect(c.probes).toBe(0);
  });

  it('is ready again once a call succeeds after the failure', async () => {
    expect(await mailboxPart(check({ okAt: NOW - 500, failure: failure(NOW - 1000) }))).toEqual({ ready: true });
  });

  it('is probed when nothing happened lately: ready when the probe answers', async () => {
    const c = check({ okAt: NOW - 60_000, failure: failure(NOW - 90_000) });
    expect(await mailboxPart(c)).toEqual({ ready: true });
    expect(c.probes).toBe(1);
    const never = check({});
    expect(await mailboxPart(never)).toEqual({ ready: true });
    expect(never.probes).toBe(1);
  });

  it('is not ready when the probe fails or does not answer in time', async () => {
    const failing = check({ failure: failure(NOW - 90_000) }, () => Promise.reject(new Error('storyloom: EACCES')));
    expect(await mailboxPart(failing)).toEqual({ ready: false, reason: 'the mailbox did not answer: EACCES' });
    const hanging = check({}, () => new Promise(() => undefined));
    expect(await mailboxPart(hanging)).toEqual({
      ready: false,
      reason: 'the mailbox did not answer: no answer within 200 ms',
    });
  });
});

const worker = (id: string, state: string, fresh: boolean, ageS: number): WorkerSeen => ({
  fresh,
  ageS,
  heartbeat: { worker_id: id, state },
});

describe('the worker', () => {
  it('is ready with a fresh heartbeat, in any state but stopping', () => {
    expect(workerPart([worker('colab-1', 'running', true, 2)], 'off')).toEqual({ ready: true });
    expect(workerPart([worker('colab-1', 'paused', true, 2)], 'off')).toEqual({ ready: true });
    expect(workerPart([worker('colab-1', 'stopping', true, 2)], 'off').ready).toBe(false);
  });

  it('is ready while the embedded worker runs, heartbeat or not', () => {
    expect(workerPart([], 'running')).toEqual({ ready: true });
    expect(workerPart([worker('colab-1', 'running', false, 400)], 'running')).toEqual({ ready: true });
  });

  it('is not ready with only stale heartbeats, saying how old the latest is', () => {
    const stale = [worker('colab-2', 'running', false, 95.4), worker('colab-1', 'running', false, 30.2)];
    expect(workerPart(stale, 'off')).toEqual({
      ready: false,
      reason:
        'no worker is online: the latest heartbeat (colab-1, running) is 30 s old, ' +
        'and the embedded worker is off (STORYLOOM_LOCAL_WORKER=off)',
    });
    expect(workerPart([], 'down')).toEqual({
      ready: false,
      reason: 'no worker is online: no worker has written a heartbeat, and the embedded worker is down',
    });
  });
});

describe('the whole', () => {
  it('is ready when every part is, and names each part', async () => {
    const answer = await readiness({
      chats: [{ platform: 'playground', health: () => ({ ready: true }) }],
      mailbox: check({ okAt: NOW }),
      workers: () => [],
      embedded: () => 'running',
    });
    expect(answer).toEqual({
      ready: true,
      parts: { playground: { ready: true }, mailbox: { ready: true }, worker: { ready: true } },
    });
  });

  it('is not ready when one part is not, and a chat whose check throws is not ready', async () => {
    const answer = await readiness({
      chats: [
        { platform: 'discord', health: () => ({ ready: false, reason: 'not connected to the Discord gateway' }) },
        {
          platform: 'slack',
          health: () => {
            throw new Error('boom');
          },
        },
      ],
      mailbox: check({ okAt: NOW }),
      workers: () => [],
      embedded: () => 'running',
    });
    expect(answer.ready).toBe(false);
    expect(answer.parts.discord).toEqual({ ready: false, reason: 'not connected to the Discord gateway' });
    expect(answer.parts.slack).toEqual({ ready: false, reason: 'its health check failed: boom' });
    expect(answer.parts.mailbox.ready).toBe(true);
  });

  it('is not ready once a stop has begun, while every other part still is', async () => {
    let stopping = false;
    const sources = {
      chats: [{ platform: 'playground', health: () => ({ ready: true }) }],
      mailbox: check({ okAt: NOW }),
      workers: () => [],
      embedded: () => 'running' as const,
      stopping: () => stopping,
    };
    expect((await readiness(sources)).ready).toBe(true);
    stopping = true;
    const answer = await readiness(sources);
    expect(answer.ready).toBe(false);
    expect(answer.parts.bot).toEqual({
      ready: false,
      reason: 'stopping: it takes no new commands and finishes what it is posting',
    });
    expect(answer.parts.playground.ready && answer.parts.mailbox.ready && answer.parts.worker.ready).toBe(true);
  });
});
