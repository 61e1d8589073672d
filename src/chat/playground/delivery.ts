/**
 * Role: what core asks the adapter to deliver later: lines, progress and failures
 * (on Discord and Slack, delivery.ts too). In the playground each goes to every
 * open page as an event; a line goes once per line id, a repeat is a no-op. Pages
 * draw a thread from the story itself (and load it again when they reconnect to a
 * restarted bot), so a line never shows twice.
 */
import type { ChatDelivery, FailureDelivery, LineDelivery, ProgressDelivery } from '../../core/types.ts';
import { RecentKeys } from '../recent.ts';
import type { EventHub } from './events.ts';
import { lineView, storyView } from './render.ts';

/** Delivers lines, progress and failures to the open pages. */
export class PlaygroundDelivery implements ChatDelivery {
  /** The lines already sent to the pages. */
  private readonly postedLines = new RecentKeys();

  constructor(private readonly events: EventHub) {}

  async deliverLine(d: LineDelivery): Promise<void> {
    if (!this.postedLines.first(d.line.id)) return;
    const { story, jobId, line } = d;
    this.events.send('line', { storyId: story.id, jobId, line: lineView(line), story: storyView(story) });
  }

  async deliverProgress(d: ProgressDelivery): Promise<void> {
    const { story, jobId, text, progress, requestedBy } = d;
    this.events.send('progress', { storyId: story.id, jobId, text, progress, requestedBy: requestedBy.name });
  }

  async deliverFailure(d: FailureDelivery): Promise<void> {
    this.events.send('failure', { storyId: d.story.id, jobId: d.jobId, text: d.text, requestedBy: d.requestedBy.name });
  }
}
