/**
 * Jobs as metrics (src/metrics.ts), labelled by the platform a reply goes to and the job's purpose (start,
 * continue, retry, regenerate): never by who asked or what they wrote. A worker's time on a job is its response's
 * `result.ms` (the batch's generation time); its wait is from the request's `created_at` to when the worker took
 * it, which is when it finished less that time. The two clocks differ when the worker runs on another machine
 * (Colab), so a wait is never counted below zero.
 */
import { countJobCompleted, countJobFailed, countJobSubmitted } from '../metrics.ts';
import type { Request, Response } from './protocol.ts';

/** A job's request is in the mailbox. */
export function jobSubmitted(request: Request): void {
  countJobSubmitted(request.reply.platform, request.purpose);
}

/** A job's response was handled (its line or its failure delivered). */
export function jobAnswered(request: Request, response: Response): void {
  const { platform } = request.reply;
  if (!response.ok) {
    countJobFailed(platform, request.purpose, response.error.code);
    return;
  }
  const generationS = response.result.ms / 1000;
  const waitS = (Date.parse(response.finished_at) - Date.parse(request.created_at)) / 1000 - generationS;
  countJobCompleted(platform, request.purpose, waitS, generationS);
}

/** A job's deadline passed with no response. */
export function jobExpired(request: Request): void {
  countJobFailed(request.reply.platform, request.purpose, 'deadline');
}
