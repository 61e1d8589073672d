/**
 * Drive calls per job, by side and by method, from the fake's counts and a
 * {@link DriveCallTap}'s view of the same calls: the job's path (creating the
 * request and response, fetching ids, reading the changes feed, downloading a
 * body) and its cleanup (trashing, deleting).
 */
import type { CallCounts } from '../../fakes/drive/index.ts';
import type { TapSide } from './drive-call-tap.ts';

/** The methods a job's path costs. */
export const PATH_METHODS = ['files.create', 'files.generateIds', 'changes.list', 'files.get.media'] as const;

/** One side's calls per job. */
export interface SideCallsPerJob {
  path: Record<(typeof PATH_METHODS)[number], number>;
  pathTotal: number;
  /** `files.update` calls that moved a file to the trash. */
  trashes: number;
  deletes: number;
  /** Every other method, `files.update` less the trashes. */
  other: Record<string, number>;
}

/** Calls per job for each side, and the path total of both. */
export interface CallsPerJob {
  jobs: number;
  sides: Record<string, SideCallsPerJob>;
  pathTotal: number;
}

const sum = (counts: Record<string | number, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Divides each side's calls (`counts`, with the trashes from `tap`) by `jobs`. */
export function callsPerJob(
  counts: CallCounts,
  tap: Record<string, TapSide>,
  sides: string[],
  jobs: number,
): CallsPerJob {
  const result: CallsPerJob = { jobs, sides: {}, pathTotal: 0 };
  for (const side of sides) {
    const calls = { ...(counts.byPrincipal[side]?.calls ?? {}) };
    const trashes = sum(tap[side]?.trashes ?? {});
    const path = Object.fromEntries(PATH_METHODS.map((m) => [m, (calls[m] ?? 0) / jobs])) as SideCallsPerJob['path'];
    const deletes = (calls['files.delete'] ?? 0) / jobs;
    if (calls['files.update'] !== undefined) calls['files.update'] -= trashes;
    const other = Object.fromEntries(
      Object.entries(calls)
        .filter(([m, n]) => n > 0 && !(PATH_METHODS as readonly string[]).includes(m) && m !== 'files.delete')
        .map(([m, n]) => [m, n / jobs]),
    );
    const pathTotal = sum(path);
    result.sides[side] = { path, pathTotal, trashes: trashes / jobs, deletes, other };
    result.pathTotal += pathTotal;
  }
  return result;
}

const fmt = (n: number) => n.toFixed(2);
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([m, n]) => `${m} ${fmt(n)}`)
    .join(', ');

/** The report as one line. */
export function describeCallsPerJob(c: CallsPerJob): string {
  const sides = Object.entries(c.sides).map(
    ([side, s]) =>
      `${side}: path ${fmt(s.pathTotal)} (${list(s.path)}); ` +
      `cleanup trash ${fmt(s.trashes)}, delete ${fmt(s.deletes)}; other ${list(s.other) || 'none'}`,
  );
  return `Drive calls per job (${c.jobs} jobs): path total ${fmt(c.pathTotal)} | ${sides.join(' | ')}`;
}
