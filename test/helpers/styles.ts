/**
 * What the platforms' style tests share: a worker on a styled model (random weights), a record of the requests
 * the bot writes into the mailbox, and the story as its file holds it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Request } from '../../src/jobs/protocol.ts';
import type { Story } from '../../src/stories/schema.ts';
import type { Transport } from '../../src/transport/transport.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { startTestWorker } from './bot.ts';
import { writeStyledModel } from './models.ts';

/** The styled test model's styles: melville, which /story offers, is not among them. */
const MODEL_STYLES = ['any', 'general', 'mystery', 'austen'];

/** What /status says in the thread of a melville story that the model wrote in no style. */
export const NO_SUCH_STYLE =
  "This story asks for the melville style, but the worker's model has no such style: its newest line was written in " +
  'none.';

/** An embedded worker on the bot's mailbox, running a styled model of {@link MODEL_STYLES}. */
export function startStyledWorker(config: Config, name: string): Promise<Worker> {
  const model = writeStyledModel(mkdtempSync(join(tmpdir(), `storyloom-${name}-styles-`)), { styles: MODEL_STYLES });
  return startTestWorker(config, model);
}

/** Every request the bot writes into the mailbox from now on, as written (its transport's puts, watched). */
export function recordRequests(transport: Transport): Request[] {
  const requests: Request[] = [];
  const put = transport.put.bind(transport);
  vi.spyOn(transport, 'put').mockImplementation(async (folder, name, content) => {
    if (folder === 'requests') requests.push(JSON.parse(content) as Request);
    return put(folder, name, content);
  });
  return requests;
}

/** The story as its file in the mailbox holds it. */
export function storyFileOf(config: Config, id: string): Story {
  return JSON.parse(readFileSync(join(config.STORYLOOM_DATA_DIR, 'mailbox', 'stories', `${id}.json`), 'utf8')) as Story;
}
