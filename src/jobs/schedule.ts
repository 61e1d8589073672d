/**
 * The order in which waiting jobs run: round-robin by user, remembering whom the
 * worker served last, so a user who joins behind others' floods is not starved
 * when more users wait than one batch holds. Every job a worker takes gets the next
 * service number; users are ordered by the number of their last job served (never
 * served first, by their oldest job), and each takes one place per round, oldest
 * job first. Workers take batches in this order and
 * publish `served` in their heartbeat, so the bot computes the same positions.
 * colab/worker/schedule.py is its Python twin.
 */

/** What scheduling needs to know about a waiting job. */
export interface Waiting {
  jobId: string;
  userId: string;
}

/** For each user, the service number of the last job served for them. */
export type Served = Readonly<Record<string, number>>;

/** How many users `served` remembers: the most recently served. */
export const SERVED_LIMIT = 200;

/** Returns every waiting job in run order. */
export function runOrder<T extends Waiting>(waiting: readonly T[], served: Served = {}): T[] {
  const byUser = new Map<string, T[]>();
  for (const job of [...waiting].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0))) {
    const queue = byUser.get(job.userId);
    if (queue) queue.push(job);
    else byUser.set(job.userId, [job]);
  }
  const lastServed = (queue: T[]) => served[queue[0].userId] ?? -1;
  // byUser keeps users in order of their oldest job; a stable sort keeps that order among equals.
  const queues = [...byUser.values()].sort((a, b) => lastServed(a) - lastServed(b));
  const order: T[] = [];
  for (let round = 0; order.length < waiting.length; round++) {
    for (const queue of queues) if (round < queue.length) order.push(queue[round]);
  }
  return order;
}

/** The next batch: the first `batchMax` jobs in run order. */
export function nextBatch<T extends Waiting>(waiting: readonly T[], batchMax: number, served: Served = {}): T[] {
  return runOrder(waiting, served).slice(0, batchMax);
}

/** `served` after a batch served `users` (one per job, in batch order), keeping the SERVED_LIMIT most recent. */
export function recordServed(served: Served, users: readonly string[]): Record<string, number> {
  const next: Record<string, number> = { ...served };
  let number = Math.max(0, ...Object.values(served));
  for (const user of users) next[user] = ++number;
  const entries = Object.entries(next);
  if (entries.length <= SERVED_LIMIT) return next;
  entries.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.slice(0, SERVED_LIMIT));
}
