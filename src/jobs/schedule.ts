/**
 * The order in which waiting jobs run: by job id (ULIDs sort by time), filled
 * round-robin by user. Workers take batches in this order, and the bot computes
 * queue positions with it. colab/schedule.py is its Python twin.
 */

/** What scheduling needs to know about a waiting job. */
export interface Waiting {
  jobId: string;
  userId: string;
}

/**
 * Returns every waiting job in run order: users are ordered by their oldest job,
 * and each takes one place in turn, oldest job first.
 */
export function runOrder<T extends Waiting>(waiting: readonly T[]): T[] {
  const byUser = new Map<string, T[]>();
  for (const job of [...waiting].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0))) {
    const queue = byUser.get(job.userId);
    if (queue) queue.push(job);
    else byUser.set(job.userId, [job]);
  }
  const queues = [...byUser.values()];
  const order: T[] = [];
  for (let round = 0; order.length < waiting.length; round++) {
    for (const queue of queues) if (round < queue.length) order.push(queue[round]);
  }
  return order;
}

/** The next batch: the first `batchMax` jobs in run order. */
export function nextBatch<T extends Waiting>(waiting: readonly T[], batchMax: number): T[] {
  return runOrder(waiting).slice(0, batchMax);
}
