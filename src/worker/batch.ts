/**
 * Generating one batch on the CPU engine: a response for each job, or an error response for each when
 * generation fails (the worker writes them). colab's `Worker.run` does the same on the GPU. A job that asks
 * for several candidates gets them all from its one primed prompt, in the same lockstep as the other jobs; a job
 * that names a style is written in it when the model has it (else with none), and its result says which.
 *
 *   const outcome = await generateBatch(engine, batch, 'embedded-1');
 *   for (const { response, ok } of outcome.responses) await writeResponse(transport, response);
 */
import type { Candidate as WireCandidate, Request, Response, Result } from '../jobs/protocol.ts';
import type { Candidate, Engine, GenerationRequest } from '../model/engine.ts';
import { errorResponse, okResponse } from './io.ts';

/** A batch's responses, and what the worker's metrics record of it. */
export interface BatchOutcome {
  /** One per job, in batch order; `ok` is false for an error response. */
  responses: { response: Response; ok: boolean }[];
  /** Characters generated in all. */
  chars: number;
  /** How long generation took (s). */
  seconds: number;
  /** Jobs that got a line. */
  done: number;
}

/** Generates the lines of each request of the batch (its candidates), all in lockstep. */
export async function generateBatch(engine: Engine, batch: Request[], workerId: string): Promise<BatchOutcome> {
  const started = performance.now();
  let results: Candidate[][] | null = null;
  let failure = '';
  try {
    results = await engine.generateCandidates(batch.map(generationRequest));
  } catch (error) {
    failure = (error as Error).message;
  }
  const seconds = (performance.now() - started) / 1000;
  const { name, sha256 } = engine.info;
  const made = { model: name, model_sha256: sha256, device: 'cpu (embedded)', ms: Math.round(seconds * 1000) };
  const responses = batch.map((r, i) => {
    const candidates = results?.[i];
    const response = candidates
      ? okResponse(r.job_id, workerId, resultOf(r, candidates, made))
      : errorResponse(r.job_id, workerId, 'internal', failure || 'no result');
    return { response, ok: Boolean(candidates) };
  });
  const chars = results?.flat().reduce((n, g) => n + g.text.length, 0) ?? 0;
  return { responses, chars, seconds, done: results ? batch.length : 0 };
}

/**
 * A job's result: candidate 0's text and stop, and, when the request asked for `candidates` (revision 2), every
 * candidate; when it named a `style` (revision 3), the style used (null: none, the model lacks it). A request
 * that asked for neither gets exactly the result it got before they existed.
 */
export function resultOf(
  request: Request,
  candidates: Candidate[],
  made: Pick<Result, 'model' | 'model_sha256' | 'device' | 'ms'>,
): Result {
  const [first] = candidates;
  const result: Result = { text: first.text, stop: first.stop, ...made };
  if (request.style !== undefined) result.style = first.style ?? null;
  if (request.candidates === undefined) return result;
  const wire = candidates.map(
    (c): WireCandidate => ({ text: c.text, stop: c.stop, seed: c.seed, chars: [...c.text].length }),
  );
  return { ...result, candidates: wire };
}

/** A request as the engine takes it: prompt, sampling settings, story (for the story cache), candidates, style. */
function generationRequest(r: Request): GenerationRequest {
  const s = r.sampling;
  const options = {
    temperature: s.temperature,
    topK: s.top_k,
    topP: s.top_p,
    maxChars: s.max_chars,
    minChars: s.min_chars ?? undefined,
    stop: s.stop,
    seed: s.seed,
  };
  return { prompt: r.prompt, options, cacheKey: r.story_id, candidates: r.candidates ?? 1, style: r.style };
}
