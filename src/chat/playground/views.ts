/** What the playground's API returns: stories, replies and worker health as JSON. */
import { storyButtons } from '../../core/buttons.ts';
import type { Reply } from '../../core/types.ts';
import type { WorkerView } from '../../jobs/workers.ts';
import type { Line, Story } from '../../stories/schema.ts';

/** A line as the API shows it. */
export function lineView(l: Line) {
  return { id: l.id, kind: l.kind, text: l.text, by: l.kind === 'model' ? 'storyloom' : l.by.name || l.by.id, author: l.by, at: l.at, jobId: l.job_id, model: l.model };
}

/** A story as the API shows it. */
export function storyView(s: Story) {
  return {
    id: s.id, title: s.title, status: s.status, version: s.version, owner: s.owner, createdAt: s.created_at, updatedAt: s.updated_at,
    lines: s.lines.map(lineView), pending: s.pending ? { jobId: s.pending.job_id, purpose: s.pending.purpose, requestedBy: s.pending.requested_by } : null,
    buttons: storyButtons(s),
  };
}

/** A story in the channel list. */
export function storySummary(s: Story) {
  return { id: s.id, title: s.title, status: s.status, owner: s.owner, lines: s.lines.length, updatedAt: s.updated_at, pending: s.pending !== null };
}

/** A reply as the API shows it. */
export function replyView(r: Reply) {
  return { text: r.text, ephemeral: r.ephemeral, jobId: r.jobId ?? null, progress: r.progress ?? null, buttons: r.buttons ?? (r.story ? storyButtons(r.story) : []), file: r.file ?? null };
}

/** The worker's health for /healthz and the live feed. */
export function workerHealth(workers: WorkerView[]) {
  const fresh = workers.filter((w) => w.fresh);
  const best = fresh.find((w) => w.heartbeat.state === 'running') ?? fresh[0];
  if (!best) return { online: false, workers: 0, id: null, state: null, model: null, device: null, charsPerSecond: 0 };
  const b = best.heartbeat;
  return { online: true, workers: fresh.length, id: b.worker_id, kind: b.kind, state: b.state, model: b.model?.name ?? null, device: b.device.name, charsPerSecond: Math.round(b.chars_per_second), jobsDone: b.jobs_done, message: b.message };
}
