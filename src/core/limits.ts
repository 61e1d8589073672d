/**
 * Fair-use limits, each with a message that says what to do: how many jobs one
 * person may have waiting, how often they may ask, and how long the queue may get.
 */
import { UserError } from './errors.ts';

/** The limits' settings. */
export interface LimitSettings {
  maxInFlightPerUser: number;
  cooldownS: number;
  maxQueue: number;
}

/** Checks and records requests against the limits. */
export class Limits {
  private readonly lastAsk = new Map<string, number>();

  constructor(private readonly settings: LimitSettings, private readonly clock: () => number = Date.now) {}

  /** Throws a UserError if this user may not queue a job now. `admins` skip the cooldown. */
  check(userId: string, admin: boolean, inFlightForUser: number, queueLength: number): void {
    const { maxInFlightPerUser, cooldownS, maxQueue } = this.settings;
    if (queueLength >= maxQueue) {
      throw new UserError('queue_full', `The queue is full (${maxQueue} lines waiting). Try again in a few minutes.`);
    }
    if (inFlightForUser >= maxInFlightPerUser) {
      throw new UserError('in_flight_cap', `You already have ${inFlightForUser} line${inFlightForUser === 1 ? '' : 's'} being written. Wait for ${inFlightForUser === 1 ? 'it' : 'one'} to arrive.`);
    }
    const waitMs = (this.lastAsk.get(userId) ?? -Infinity) + cooldownS * 1000 - this.clock();
    if (!admin && waitMs > 0) throw new UserError('cooldown', `Slow down a little: try again in ${Math.ceil(waitMs / 1000)} s.`);
  }

  /** Records that the user just queued a job. */
  record(userId: string): void {
    this.lastAsk.set(userId, this.clock());
  }
}
