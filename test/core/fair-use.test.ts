/**
 * The fair-use limit against people and floods, simulated: a clock that only moves
 * forward, core's order of checks (the limits, then one job per story, then the
 * record), lines that land `LATENCY_S` after they are asked for, and model lines as
 * long as the shipped model writes them at chat settings (100 lines measured: 40 to
 * 262 characters, median 108, 10% under 49). A reader reads at 23 characters a
 * second (about 240 words a minute) and clicks half a second later; a skimmer reads
 * at 40 (about 400 words a minute). A person told to wait tries again when told.
 * Each profile runs 200 ten-minute sessions with seeded randomness; the numbers are
 * logged, the rule is asserted: no person ever hits the limit, and a flood gets no
 * more lines a minute than under the old rule (one request per COOLDOWN_S).
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/stories/errors.ts';
import { Limits } from '../../src/core/limits.ts';

const COOLDOWN_S = 3;
const MAX_IN_FLIGHT = 2;
const LATENCY_S = 0.3;
const SESSION_S = 600;
const SESSIONS = 200;
/** Model line lengths measured from the shipped model (percentiles 0, 10, 25, 50, 75, 90, 100). */
const LENGTHS = [40, 49, 71, 108, 163, 205, 262];

/** What a limit answers: null to go ahead, or the milliseconds until it clears. */
interface Rule {
  check(user: string, now: number, inFlight: number): number | null;
  record(user: string, now: number): void;
}

/** The rule before: one request per COOLDOWN_S, counted from the last one. */
function oldRule(): Rule {
  const last = new Map<string, number>();
  return {
    check: (user, now, inFlight) => {
      if (inFlight >= MAX_IN_FLIGHT) return -1;
      const wait = (last.get(user) ?? -Infinity) + COOLDOWN_S * 1000 - now;
      return wait > 0 ? wait : null;
    },
    record: (user, now) => void last.set(user, now),
  };
}

/** core's Limits, on the simulated clock. */
function limitsRule(): Rule {
  let now = 0;
  const limits = new Limits({ maxInFlightPerUser: MAX_IN_FLIGHT, cooldownS: COOLDOWN_S, maxQueue: 1000 }, () => now);
  return {
    check: (user, at, inFlight) => {
      now = at;
      try {
        limits.check(user, false, inFlight, 0);
        return null;
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        if (error.code === 'in_flight_cap') return -1;
        expect(error.code).toBe('cooldown');
        expect(error.retryAfterMs).toBeGreaterThan(0);
        expect(error.message).toMatch(/^Slow down a little: you can ask for another line in \d+ s\.$/);
        return error.retryAfterMs!;
      }
    },
    record: (user, at) => {
      now = at;
      limits.record(user);
    },
  };
}

/** A seeded random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A model line's length, drawn from the measured percentiles (linear between them). */
function lineLength(rand: () => number): number {
  const x = rand() * 6;
  const i = Math.min(5, Math.floor(x));
  return LENGTHS[i] + (LENGTHS[i + 1] - LENGTHS[i]) * (x - i);
}

/**
 * How a person acts: after their line `n` (0 is the opening's first line) lands, the seconds until they ask for
 * the next one in the same story (their own lines, which the limit does not count, go into that time).
 */
type Pace = (n: number, rand: () => number) => number;

const read =
  (charsPerS: number, clickS: number): Pace =>
  (_n, rand) =>
    lineLength(rand) / charsPerS + clickS;

/** Each profile: how many stories the person follows, and a fresh pace for each session. */
const PEOPLE: Record<string, { stories: number; pace: () => Pace }> = {
  'a reader (23 chars/s)': { stories: 1, pace: () => read(23, 0.5) },
  'a skimmer (40 chars/s)': { stories: 1, pace: () => read(40, 0.3) },
  'Continue the moment each of the first 3 lines lands, then reads': {
    stories: 1,
    pace: () => (n, rand) => (n < 3 ? 0.3 : read(23, 0.5)(n, rand)),
  },
  'a writer: reads, then types a line of their own (about 100 chars at 3 chars/s)': {
    stories: 1,
    pace: () => (n, rand) => read(23, 0.5)(n, rand) + 20 + rand() * 20,
  },
};

/** People who ask for more than one line per COOLDOWN_S for minutes on end: paced, as before, but less often. */
const HEAVY: Record<string, { stories: number; pace: () => Pace }> = {
  'Continue the moment each of the first 3 lines lands, then skims': {
    stories: 1,
    pace: () => (n, rand) => (n < 3 ? 0.3 : read(40, 0.3)(n, rand)),
  },
  'Retry at a glance (a third of lines, at most twice in a row), else skims': {
    stories: 1,
    pace: () => {
      let streak = 0;
      return (n, rand) => {
        if (streak < 2 && rand() < 1 / 3) {
          streak++;
          return 0.4;
        }
        streak = 0;
        return read(40, 0.3)(n, rand);
      };
    },
  },
  'two stories, skimming each line as it lands': { stories: 2, pace: () => read(40, 0.3) },
};

const FLOODS: Record<string, number> = {
  'a script pressing Continue every 100 ms in one story': 1,
  'the same across 2 stories': 2,
  'the same across 10 stories': 10,
};

interface Outcome {
  asked: number;
  refused: number;
  sessionsRefused: number;
}

/** One person's sessions: every story asks, waits for its line, then waits `pace` (or what a refusal says). */
function simulatePerson(makeRule: () => Rule, stories: number, pace: () => Pace, seed: number): Outcome {
  const out: Outcome = { asked: 0, refused: 0, sessionsRefused: 0 };
  for (let session = 0; session < SESSIONS; session++) {
    const rule = makeRule();
    const rand = random(seed * 1000 + session);
    const personPace = pace();
    const next = Array.from({ length: stories }, (_, i) => i * 0.7);
    const lines = new Array<number>(stories).fill(0);
    const pendingUntil = new Array<number>(stories).fill(-1);
    let refusedHere = 0;
    for (;;) {
      const s = next.indexOf(Math.min(...next));
      const t = next[s];
      if (t > SESSION_S) break;
      const inFlight = pendingUntil.filter((until) => until > t).length;
      const verdict = rule.check('p', t * 1000, inFlight);
      if (verdict === null) {
        rule.record('p', t * 1000);
        out.asked++;
        pendingUntil[s] = t + LATENCY_S;
        next[s] = t + LATENCY_S + personPace(lines[s]++, rand);
      } else {
        refusedHere++;
        next[s] = t + Math.max(0.1, Math.ceil(verdict / 1000));
      }
    }
    out.refused += refusedHere;
    if (refusedHere) out.sessionsRefused++;
  }
  return out;
}

/** A flood: presses every 100 ms, in turn across its stories; returns the lines it got a minute. */
function simulateFlood(rule: Rule, stories: number): number {
  const pendingUntil = new Array<number>(stories).fill(-1);
  let got = 0;
  for (let tick = 0; tick * 0.1 < SESSION_S; tick++) {
    const t = tick * 0.1;
    const s = tick % stories;
    const inFlight = pendingUntil.filter((until) => until > t).length;
    // core checks the limits first, then refuses a second job in one story ('busy') without recording it.
    if (rule.check('f', t * 1000, inFlight) !== null || pendingUntil[s] > t) continue;
    rule.record('f', t * 1000);
    pendingUntil[s] = t + LATENCY_S;
    got++;
  }
  return got / (SESSION_S / 60);
}

describe(`fair use (cooldown ${COOLDOWN_S} s, ${MAX_IN_FLIGHT} lines waiting, lines landing in ${LATENCY_S} s)`, () => {
  const percent = (o: Outcome) => ((100 * o.refused) / o.asked).toFixed(1);
  const share = (o: Outcome) =>
    `${o.refused} refusals in ${o.asked} lines (${percent(o)}%), ` + `in ${o.sessionsRefused} of ${SESSIONS} sessions`;
  const compare = (name: string, stories: number, pace: () => Pace) => {
    const before = simulatePerson(oldRule, stories, pace, name.length);
    const after = simulatePerson(limitsRule, stories, pace, name.length);
    console.log(`fair use, ${name}: before ${share(before)}; now ${share(after)}`);
    return { before, after };
  };

  for (const [name, { stories, pace }] of Object.entries(PEOPLE)) {
    it(`${name}: never asked to slow down`, () => {
      expect(compare(name, stories, pace).after.refused).toBe(0);
    });
  }

  for (const [name, { stories, pace }] of Object.entries(HEAVY)) {
    it(`${name}: asked to slow down less often than before`, () => {
      const { before, after } = compare(name, stories, pace);
      expect(after.refused / after.asked).toBeLessThan(before.refused / before.asked);
      expect(after.asked).toBeGreaterThanOrEqual(before.asked);
    });
  }

  for (const [name, stories] of Object.entries(FLOODS)) {
    it(`${name}: held to about one line per ${COOLDOWN_S} s`, () => {
      const before = simulateFlood(oldRule(), stories);
      const after = simulateFlood(limitsRule(), stories);
      console.log(`fair use, ${name}: before ${before.toFixed(1)} lines a minute; now ${after.toFixed(1)}`);
      expect(after).toBeLessThanOrEqual(60 / COOLDOWN_S + 1);
    });
  }
});
