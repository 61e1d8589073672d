/**
 * Generating one batch on the CPU engine: a response for each job, or an error response for each when
 * generation fails (the worker writes them). colab's `Worker.run` does the same on the GPU.
 *
 *   const outcome = await generateBatch(engine, batch, 'embedded-1');
 *   for (const { response, ok } of outcome.responses) await writeResponse(transport, response);
 */
import type { Request, Response } from '../jobs/protocol.ts';
import type { Engine, GenerationRequest } from '../model/engine.ts';
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

/** Generates a line for each request of the batch, all in lockstep. */
export async function generateBatch(engine: Engine, batch: Request[], workerId: string): Promise<BatchOutcome> {
  const started = performance.now();
  let results: Awaited<ReturnType<Engine['generate']>> | null = null;
  let failure = '';
  try {
    results = await engine.generate(batch.map(generationRequest));
  } catch (error) {
    failure = (error as Error).message;
  }
  const seconds = (performance.now() - started) / 1000;
  const { name, sha256 } = engine.info;
  const made = { model: name, model_sha256: sha256, device: 'cpu (embedded)', ms: Math.round(seconds * 1000) };
  const responses = batch.map((r, i) => {
    const result = results?.[i];
    const response = result
      ? okResponse(r.job_id, workerId, { text: result.text, stop: result.stop, ...made })
      : errorResponse(r.job_id, workerId, 'internal', failure || 'no result');
    return { response, ok: Boolean(result) };
  });
  const chars = results?.reduce((n, g) => n + g.text.length, 0) ?? 0;
  return { responses, chars, seconds, done: results ? batch.length : 0 };
}

/** A request as the engine takes it: its prompt, its sampling settings, and its story (for the story cache). */
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
  return { prompt: r.prompt, options, cacheKey: r.story_id };
}
