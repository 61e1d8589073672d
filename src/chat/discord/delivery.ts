/**
 * Role: what core asks the adapter to deliver later: lines, progress and failures
 * (on Slack, delivery.ts too). On Discord, lines are posted in the story's thread
 * with the bot token (so they arrive after a restart, or past an interaction
 * token's 15 minutes, too), each once (message nonces, and a look at the thread
 * when core says a line may be there already: bot-posts.ts); the job's status
 * message (its interaction's reply) shows progress and then a short outcome. After
 * a restart, the reply the earlier run made is found again and finished
 * (status-recovery.ts). A vote's message is posted once in the thread and edited
 * as people vote (vote-messages.ts); its first post finishes the job's status
 * message.
 */
import type { Client, SendableChannels } from 'discord.js';
import type {
  ChatDelivery,
  FailureDelivery,
  LineDelivery,
  ProgressDelivery,
  Story,
  Vote,
  VoteDelivery,
} from '../../core/types.ts';
import { postLine } from './bot-posts.ts';
import type { DiscordParts } from './parts.ts';
import { NO_MENTIONS, lineBodies, textBodies, voteBodies, type Body } from './render.ts';
import { StatusRecovery } from './status-recovery.ts';
import { VoteMessages } from './vote-messages.ts';

/** What a job's status message says once its line is in the thread. */
export const LINE_POSTED = '✅ Written: the new line is in the thread.';

/** What a candidates job's status message says once its vote is in the thread. */
export function votePosted(vote: Pick<Vote, 'candidates' | 'status'>): string {
  const put = vote.status === 'open' ? 'are up for a vote' : 'were put to a vote';
  return `✅ Written: ${vote.candidates.length} candidates ${put} in the thread.`;
}

/** Delivers lines, progress and failures to Discord threads. */
export class DiscordDelivery implements ChatDelivery {
  private readonly recovery: StatusRecovery;
  private readonly votes: VoteMessages;

  constructor(
    private readonly client: Client,
    private readonly parts: DiscordParts,
  ) {
    this.recovery = new StatusRecovery(client, parts.status, parts.log);
    this.votes = new VoteMessages(() => client.user?.id ?? '', parts.log);
  }

  /** Posts a generated line (with its buttons) in the story's thread, once, then closes the job's status message. */
  async deliverLine({ story, line, jobId, buttons, maybePosted = false }: LineDelivery): Promise<void> {
    await this.parts.gate.wait(story.id);
    const recent = await this.recovery.ready(story, jobId, line.by.id);
    const options = { maybePosted, botId: this.client.user?.id ?? '', log: this.parts.log, recent };
    await postLine(await this.channelOf(story), line, lineBodies(line, buttons), options);
    await this.parts.status.finish(jobId, LINE_POSTED);
  }

  /**
   * Shows a vote: edits its message when it has one (paced), else posts it in the story's thread, once, and
   * finishes the status message of the job that wrote its candidates. Resolves to the message's id.
   */
  async deliverVote({ story, vote, view, buttons, maybePosted = false }: VoteDelivery): Promise<string> {
    const bodies = voteBodies(view, buttons);
    const closed = vote.status === 'closed';
    const channel = await this.channelOf(story);
    if (vote.message && (await this.votes.edit(channel, vote.message, bodies, closed))) return vote.message;
    // Why: a fast worker can answer before the command that asked has tied its job to its reply.
    await this.parts.gate.wait(story.id);
    const recent = await this.recovery.ready(story, vote.job_id, vote.requested_by.id);
    const message = await this.votes.post(channel, vote.id, bodies, { maybePosted, recent, closed });
    await this.parts.status.finish(vote.job_id, votePosted(vote));
    return message;
  }

  /** Shows progress in the job's status message (throttled); a job without one shows none. */
  async deliverProgress({ story, jobId, requestedBy, text }: ProgressDelivery): Promise<void> {
    // Not awaited: progress is best effort, and a look for an old reply must not hold up other jobs' progress.
    void this.recovery.ready(story, jobId, requestedBy.id).then(() => this.parts.status.progress(jobId, text));
  }

  /** Shows why a job failed: in its status message, or else in the story's thread. */
  async deliverFailure({ story, jobId, requestedBy, text }: FailureDelivery): Promise<void> {
    await this.parts.gate.wait(story.id);
    await this.recovery.ready(story, jobId, requestedBy.id);
    if (await this.parts.status.finish(jobId, `⚠️ ${text}`)) return;
    await this.post(story, textBodies(`⚠️ ${requestedBy.name}: ${text}`));
  }

  /** Sends messages into the story's thread (or its channel) with the bot token. */
  private async post(story: Story, bodies: Body[]): Promise<void> {
    const channel = await this.channelOf(story);
    for (const body of bodies) await channel.send({ ...body, allowedMentions: NO_MENTIONS });
  }

  /** The story's thread (or its channel), where the bot token posts. */
  private async channelOf(story: Story): Promise<SendableChannels> {
    const target = story.place.thread ?? story.place.channel;
    const channel = await this.client.channels.fetch(target);
    if (!channel?.isSendable()) throw new Error(`storyloom discord: channel ${target} does not take messages`);
    return channel;
  }
}
