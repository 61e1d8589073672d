/**
 * Continue → on screen, through the playground's HTTP API and its event stream, as
 * `npm start` runs it (the embedded worker in its own process): the time from
 * POST /continue with 3 candidates to the vote's candidates arriving on the event
 * stream, against the time from POST /continue with 1 to its line arriving. The runs
 * alternate the two on one story (so both see the same story length and machine
 * load), after a warm-up of each; the owner's /pick closes each vote before the next.
 * Prints the medians as a small table.
 *
 * Usage: npm run bench:vote-screen -- [--runs 10] [--model small] [--length 120]
 */
import { parseArgs } from 'node:util';
import { followEvents, percentile, playgroundCommand, startBenchPlayground } from './bench-common.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    model: { type: 'string', default: 'small' },
    length: { type: 'string', default: '120' },
  },
});
const runs = Number(values.runs);
// Votes stay open until the owner picks: a window never closes one mid-run.
const { bot, url, stop } = await startBenchPlayground('votescreen', values.model!, { STORYLOOM_VOTE_WINDOW_S: '3600' });

/** By job id: when the stream first carried its line, its vote (as a story), and its vote shown. */
const seen = {
  line: new Map<string, number>(),
  voteStory: new Map<string, number>(),
  voteShown: new Map<string, number>(),
};
let wake: () => void = () => undefined;
const first = (map: Map<string, number>, jobId: string, at: number) => map.has(jobId) || map.set(jobId, at);
const close = await followEvents(url, (event, data, at) => {
  const body = data as { jobId?: string; story?: { vote?: { jobId: string; open: boolean } | null } };
  const vote = body.story?.vote;
  if (event === 'line' && body.jobId) first(seen.line, body.jobId, at);
  if (event === 'story' && vote?.open) first(seen.voteStory, vote.jobId, at);
  if (event === 'vote' && vote?.open) first(seen.voteShown, vote.jobId, at);
  wake();
});

/** Resolves once `map` has `jobId`. */
async function arrival(map: Map<string, number>, jobId: string, what: string): Promise<number> {
  const deadline = performance.now() + 300_000;
  while (!map.has(jobId)) {
    if (performance.now() > deadline) throw new Error(`no ${what} for job ${jobId} within 300 s`);
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 200);
    });
  }
  return map.get(jobId)!;
}

const command = (text: string, thread?: string) => playgroundCommand(url, 'Bench', text, thread);

const opening = `/story The lighthouse keeper climbed the stairs and counted the ships. --length ${values.length}`;
const { jobId: openingJob, storyId } = await command(opening);
await arrival(seen.line, openingJob, 'opening line');

/** One Continue with `n` candidates: milliseconds from the POST to the line, or to the vote's candidates. */
async function once(n: 1 | 3): Promise<{ jobId: string; ms: number; shownMs?: number }> {
  const started = performance.now();
  const { jobId } = await command(`/continue ${n}`, storyId);
  if (n === 1) return { jobId, ms: (await arrival(seen.line, jobId, 'line')) - started };
  const ms = (await arrival(seen.voteStory, jobId, 'vote')) - started;
  const shownMs = (await arrival(seen.voteShown, jobId, 'vote shown')) - started;
  // The owner closes it; the winner is posted as the story's next line before the next run.
  await command('/pick 1', storyId);
  await arrival(seen.line, jobId, 'winner');
  return { jobId, ms, shownMs };
}

await once(1);
await once(3);
const one: number[] = [];
const three: number[] = [];
const shown: number[] = [];
const jobs = { 1: [] as string[], 3: [] as string[] };
for (let i = 0; i < runs; i++) {
  // Alternating, and each pair in the other order from the last, so neither always runs on a longer story.
  for (const n of i % 2 === 0 ? ([1, 3] as const) : ([3, 1] as const)) {
    const { jobId, ms, shownMs } = await once(n);
    jobs[n].push(jobId);
    if (n === 1) one.push(ms);
    else {
      three.push(ms);
      shown.push(shownMs!);
    }
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(9);
const rows: [string, string, number[]][] = [
  ['1', 'the line (`line`)', one],
  ['3', "the 3 candidates (`story`, kind 'vote')", three],
  ['3', 'the vote shown (`vote`, from deliverVote)', shown],
] as const;
const width = Math.max(...rows.map((r) => r[1].length));
const tree = bot.stories.get(storyId).lines;
const treeLines = tree.length;
// What was written: the line, or the longest of a vote's candidates (a job ends when its last candidate does).
const written = (jobId: string) => {
  const line = tree.find((l) => l.job_id === jobId)!;
  const vote = line.vote?.vote_id;
  return Math.max(
    ...tree.filter((l) => l.id === line.id || (vote && l.vote?.vote_id === vote)).map((l) => l.text.length),
  );
};
const chars = { 1: median(jobs[1].map(written)), 3: median(jobs[3].map(written)) };
console.log(
  `Continue → on screen through the playground API: model ${values.model}, --length ${values.length}, ` +
    `${runs} runs of each (alternating, after a warm-up of each); ${treeLines} lines in the story's tree at the end`,
);
console.log(
  `| N | ${'what arrives on the event stream'.padEnd(width)} |    median |       min |       max | chars written |`,
);
console.log(`|---|-${'-'.repeat(width)}-|-----------|-----------|-----------|---------------|`);
for (const [n, what, xs] of rows) {
  const times = [median(xs), Math.min(...xs), Math.max(...xs)].map(ms).join(' | ');
  const longest = n === '1' ? `${chars[1]}` : `${chars[3]} (longest)`;
  console.log(`| ${n} | ${what.padEnd(width)} | ${times} | ${longest.padStart(13)} |`);
}
console.log(`N = 3 / N = 1, medians: ${(median(three) / median(one)).toFixed(2)}×`);

close();
await stop();
process.exit(0);
