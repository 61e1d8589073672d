/** Small helpers shared by the benchmark scripts. */
import type { Request } from '../src/jobs/protocol.ts';

/** The p-th percentile (nearest rank) of some samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A valid request for benchmarks. */
export function request(jobId: string, userId: string, maxChars = 40): Request {
  const now = new Date();
  return {
    v: 1,
    type: 'request',
    job_id: jobId,
    story_id: jobId,
    story_version: 0,
    purpose: 'continue',
    attempt: 1,
    created_at: now.toISOString(),
    deadline: new Date(now.getTime() + 3_600_000).toISOString(),
    prompt: 'The old house ',
    sampling: { temperature: 0.8, top_k: 0, top_p: 0.95, max_chars: maxChars, min_chars: null, stop: 'none', seed: 1 },
    model: null,
    user: { id: userId, name: userId },
    reply: { platform: 'test', channel: 'bench', thread: null },
  };
}
