/**
 * The commands about the workers rather than a story: `/status` (worker health, the
 * queue, and the asker's jobs; for admins, also whether the mailbox is filling up)
 * and `/admin` (a control file, confirmed by the worker's heartbeat; to one
 * worker or all of them: admin.ts).
 */
import { findCommand } from '../../commands/index.ts';
import type { JobClient } from '../jobs/client.ts';
import type { Progress } from '../jobs/progress.ts';
import type { ControlCommand } from '../jobs/protocol.ts';
import type { WorkerMonitor } from '../jobs/workers.ts';
import { UserError } from '../stories/errors.ts';
import type { Transport } from '../transport/transport.ts';
import { runAdmin } from './admin.ts';
import { cleanupText, statusText } from './format.ts';
import { checkArgs } from './options.ts';
import type { CommandContext, Reply } from './types.ts';

/** What the worker commands read and write: the job client, the workers' heartbeats, and the mailbox. */
export interface WorkerCommandParts {
  jobs: JobClient;
  workers: WorkerMonitor;
  transport: Transport;
}

/** `/status`: worker health, the queue, and the asker's jobs; for admins, also whether the mailbox is filling up. */
export function statusReply(ctx: CommandContext, { jobs, workers, transport }: WorkerCommandParts): Reply {
  const progress = jobs.progress();
  const mine: Progress[] = jobs
    .pending()
    .filter((r) => r.user.id === ctx.person.id)
    .map((r) => progress.get(r.job_id)!)
    .filter(Boolean);
  const text = statusText(workers.workers(), jobs.pending().length, mine);
  const cleanup = ctx.admin ? transport.cleanupProblems() : null;
  return { text: cleanup ? `${text}\n${cleanupText(cleanup)}` : text, ephemeral: true };
}

/**
 * `/admin action [worker]`: for admins only; confirmed by the worker's heartbeat within `timeoutMs`. `worker`: a
 * worker's id, or `all` (each fresh worker, each confirmed by its own heartbeat); without it, the worker
 * targetWorker picks (admin.ts).
 */
export async function adminReply(
  ctx: CommandContext,
  raw: Record<string, unknown>,
  { workers, transport }: WorkerCommandParts,
  timeoutMs: number,
): Promise<Reply> {
  if (!ctx.admin) throw new UserError('forbidden', 'Only storyloom admins can control the worker.');
  const { action, worker } = checkArgs(findCommand('admin')!, raw);
  const command = action as ControlCommand;
  const outcome = await runAdmin(transport, workers, command, ctx.person, timeoutMs, worker as string | undefined);
  return { text: outcome.text, ephemeral: true };
}
