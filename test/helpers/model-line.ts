/**
 * Model lines for delivery tests: stories with a line the model just wrote (not
 * yet delivered), built with the story model's own functions, and a worker's
 * answer to a request, for tests that hand core a response themselves.
 */
import { storyButtons } from '../../src/core/buttons.ts';
import type { LineDelivery } from '../../src/core/types.ts';
import type { ReplyTo, Request, Response } from '../../src/jobs/protocol.ts';
import type { Line, Story } from '../../src/stories/schema.ts';
import { applyResult, beginJob, createStory, newJobId } from '../../src/stories/story.ts';

const ANA = { id: 'u-ana', name: 'Ana' };
const SAMPLING = {
  temperature: 0.8,
  top_k: 0,
  top_p: 0.95,
  max_chars: 1000,
  min_chars: 40,
  stop: 'sentence' as const,
  seed: 1,
};

/**
 * A new story in `place` whose model line `text` was just applied; or, given a story, that story with one more such
 * line.
 */
export function withModelLine(where: ReplyTo | Story, text: string): { story: Story; line: Line } {
  const story =
    'lines' in where
      ? where
      : createStory('The ferry left at dawn.', ANA, where, { temperature: 0.8, max_chars: 1000 });
  const jobId = newJobId();
  return applyResult(beginJob(story, jobId, 'continue', ANA), jobId, text, SAMPLING, 'tiny');
}

/** What core hands an adapter for that line (buttons naming the line, as core makes them). */
export function lineDelivery(story: Story, line: Line, maybePosted = false): LineDelivery {
  return { story, line, jobId: line.job_id!, buttons: storyButtons(story, line.id), maybePosted };
}

/** A worker's successful answer to `request`: the model wrote `text`. */
export function responseTo(request: Request, text: string): Response {
  const result = { text, stop: 'stop_rule' as const, model: 'tiny', model_sha256: 'test', device: 'cpu', ms: 1 };
  return {
    v: 1,
    type: 'response',
    job_id: request.job_id,
    worker_id: 'test-worker',
    finished_at: new Date().toISOString(),
    ok: true,
    result,
  };
}
