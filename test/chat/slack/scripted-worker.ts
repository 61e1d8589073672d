/**
 * A worker the test plays by hand: it writes its heartbeat and its responses
 * straight into the world's local mailbox, so a test decides when a job is
 * queued, paused or being written, and what the model "wrote". It never answers
 * anything by itself, so the requests it was sent stay in `requests/` to be counted.
 */
import type { Config } from '../../../src/config.ts';
import { parseFile, serialize } from '../../../src/jobs/parse.ts';
import { PROTOCOL_VERSION, type Heartbeat, type Request, type Response } from '../../../src/jobs/protocol.ts';
import type { LocalFolderTransport } from '../../../src/transport/local.ts';
import { testTransport } from '../../helpers/bot.ts';

/** The worker id its heartbeats carry. */
export const SCRIPTED_WORKER_ID = 'scripted';

/** A hand-played worker on a local mailbox. */
export class ScriptedWorker {
  private readonly startedAt = new Date().toISOString();

  private constructor(private readonly transport: LocalFolderTransport) {}

  /** Opens its own transport on the mailbox of `config`. */
  static async open(config: Config): Promise<ScriptedWorker> {
    const transport = testTransport(config);
    await transport.open();
    return new ScriptedWorker(transport);
  }

  /**
   * Writes a heartbeat: `state`, and the jobs it says it is writing. No speed is
   * reported, so the bot shows no ETA ("⏳ #1 in line", "✍️ Writing on scripted…").
   */
  async beat(state: 'running' | 'paused', activeJobs: string[] = []): Promise<void> {
    const heartbeat: Heartbeat = {
      v: PROTOCOL_VERSION,
      type: 'heartbeat',
      worker_id: SCRIPTED_WORKER_ID,
      kind: 'scripted',
      version: 'test',
      state,
      at: new Date().toISOString(),
      started_at: this.startedAt,
      runtime_ends_at: null,
      interval_s: 10,
      device: { type: 'cpu', name: 'test', memory_total_mb: null, memory_used_mb: null },
      model: null,
      active_jobs: activeJobs,
      queued: 0,
      batch_max: 8,
      chars_per_second: 0,
      batch_seconds: null,
      jobs_done: 0,
      jobs_failed: 0,
      applied_controls: [],
      message: null,
      served: {},
      batches: 0,
    };
    await this.transport.put('workers', `${SCRIPTED_WORKER_ID}.json`, serialize(heartbeat));
  }

  /** Answers a job with `text`, as the model's line. */
  async answer(jobId: string, text: string): Promise<void> {
    const response: Response = {
      v: PROTOCOL_VERSION,
      type: 'response',
      job_id: jobId,
      worker_id: SCRIPTED_WORKER_ID,
      finished_at: new Date().toISOString(),
      ok: true,
      result: { text, stop: 'stop_rule', model: 'scripted', model_sha256: '0'.repeat(64), device: 'test', ms: 1 },
    };
    await this.transport.put('responses', `${jobId}.json`, serialize(response));
  }

  /** The requests in the mailbox now (the jobs the bot submitted and nobody answered yet). */
  async requests(): Promise<Request[]> {
    const out: Request[] = [];
    for (const name of await this.transport.list('requests')) {
      const text = await this.transport.get('requests', name);
      if (text !== null) out.push(parseFile('request', text));
    }
    return out;
  }

  /** Stops watching the mailbox. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
