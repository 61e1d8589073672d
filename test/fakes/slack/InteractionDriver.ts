import type { Delivery } from './DeliveryLog.ts';
import type { DeliverOptions, Dispatcher } from './Dispatcher.ts';
import type { FakeWorkspace } from './FakeWorkspace.ts';
import type { MessageStore } from './MessageStore.ts';
import {
  appMentionEvent,
  blockActionsPayload,
  eventCallbackPayload,
  findAction,
  messageEvent,
  slashCommandPayload,
} from './payloads.ts';
import type { ResponseUrlSink } from './ResponseUrlSink.ts';
import type { StoredMessage } from './types.ts';

/** `fake.sendSlashCommand` input. `user` and `channel` default to the fake's defaults. */
export interface SlashCommandInput extends DeliverOptions {
  command: string;
  text?: string;
  user?: string;
  channel?: string;
}

/** `fake.clickButton` input: the message (stored, or its channel + ts) and the button's `action_id`. */
export interface ClickButtonInput extends DeliverOptions {
  message: StoredMessage | { channel: string; ts: string };
  actionId: string;
  /** Overrides the button's own `value`. */
  value?: string;
  user?: string;
  /**
   * The message as the person's screen still shows it, when that is older than what is stored: a press on a button
   * an update has since removed (a client that has not shown the update yet). The press carries that copy; the app
   * must not trust the button to still be there.
   */
  shown?: StoredMessage;
}

/** `fake.sendEvent` options: delivery choices plus a fixed `event_id` (to resend "the same" event). */
export interface SendEventOptions extends DeliverOptions {
  eventId?: string;
}

/** `fake.postUserMessage` input. `subtype` / `bot_id` make bot-message variants. */
export interface UserMessageInput extends SendEventOptions {
  text: string;
  channel?: string;
  thread_ts?: string;
  user?: string;
  subtype?: string;
  bot_id?: string;
}

/** `fake.mention` input; `alsoMessageEvent` also sends the `message` event, as Slack does when subscribed to both. */
export interface MentionInput extends UserMessageInput {
  alsoMessageEvent?: boolean;
}

/** A message a person posted, and the event delivery that announced it. */
export interface MessageDelivery {
  message: StoredMessage;
  delivery: Delivery;
}

/** Who acts when a driver call does not say. */
export interface DriverDefaults {
  channel: string;
  user: string;
}

/**
 * What people do in Slack, turned into payloads delivered to the app:
 * slash commands, button clicks, messages and mentions, and raw events.
 */
export class InteractionDriver {
  constructor(
    private readonly workspace: FakeWorkspace,
    private readonly messages: MessageStore,
    private readonly responses: ResponseUrlSink,
    private readonly dispatcher: Dispatcher,
    private readonly defaults: DriverDefaults,
  ) {}

  /** Runs a slash command (`slash_commands` envelope, or a signed form POST). */
  sendSlashCommand(input: SlashCommandInput): Promise<Delivery> {
    const channel = this.workspace.requireChannel(input.channel ?? this.defaults.channel);
    const user = this.workspace.requireUser(input.user ?? this.defaults.user);
    const responseUrl = this.responses.issue({ channel: channel.id, user: user.id });
    const ctx = { identity: this.workspace.identity, channel, user, responseUrl };
    const payload = slashCommandPayload(ctx, input.command, input.text ?? '');
    return this.dispatcher.deliver('slash_commands', payload, input, responseUrl);
  }

  /**
   * Clicks a button on a stored message (`block_actions`), or on the copy of it `shown` on the person's screen;
   * throws if that message has no such button.
   */
  clickButton(input: ClickButtonInput): Promise<Delivery> {
    const stored = this.messages.find(input.message.channel, input.message.ts);
    if (!stored) throw new Error(`Slack fake: no message ${input.message.ts} in ${input.message.channel}`);
    const message = input.shown ?? stored;
    const action = findAction(message, input.actionId);
    if (!action) throw new Error(`Slack fake: message ${message.ts} has no element with action_id ${input.actionId}`);
    const channel = this.workspace.requireChannel(message.channel);
    const user = this.workspace.requireUser(input.user ?? this.defaults.user);
    const responseUrl = this.responses.issue({
      channel: channel.id,
      user: user.id,
      messageTs: message.ts,
      threadTs: message.thread_ts,
    });
    const ctx = { identity: this.workspace.identity, channel, user, responseUrl };
    return this.dispatcher.deliver(
      'interactive',
      blockActionsPayload(ctx, message, action, input.value),
      input,
      responseUrl,
    );
  }

  /** Delivers any event inside an `event_callback` (`events_api` envelope, or a signed JSON POST). */
  sendEvent(event: Record<string, unknown>, options: SendEventOptions = {}): Promise<Delivery> {
    return this.dispatcher.deliver(
      'events_api',
      eventCallbackPayload(this.workspace.identity, event, options.eventId),
      options,
    );
  }

  /** A person posts a message (stored in the channel or thread), announced as a `message` event. */
  async postUserMessage(input: UserMessageInput): Promise<MessageDelivery> {
    const message = this.storeUserMessage(input);
    const delivery = await this.sendEvent(this.messageEventOf(message), input);
    return { message, delivery };
  }

  /** A person mentions the bot; delivered as `app_mention` (the text gets `<@BOT>` if it lacks it). */
  async mention(input: MentionInput): Promise<MessageDelivery & { messageDelivery?: Delivery }> {
    const tag = `<@${this.workspace.identity.botUserId}>`;
    const text = input.text.includes(tag) ? input.text : `${tag} ${input.text}`;
    const message = this.storeUserMessage({ ...input, text });
    const delivery = await this.sendEvent(appMentionEvent(message, this.workspace.identity), input);
    if (!input.alsoMessageEvent) return { message, delivery };
    const messageDelivery = await this.sendEvent(this.messageEventOf(message), { ...input, eventId: undefined });
    return { message, delivery, messageDelivery };
  }

  private storeUserMessage(input: UserMessageInput): StoredMessage {
    const channel = this.workspace.requireChannel(input.channel ?? this.defaults.channel);
    const user = this.workspace.requireUser(input.user ?? this.defaults.user);
    const rootTs = input.thread_ts === undefined ? undefined : this.messages.threadRootTs(channel.id, input.thread_ts);
    if (input.thread_ts !== undefined && rootTs === undefined) {
      throw new Error(`Slack fake: no thread ${input.thread_ts} in ${channel.id}`);
    }
    const { text, subtype, bot_id } = input;
    return this.messages.post({ channel: channel.id, thread_ts: rootTs, text, user: user.id, subtype, bot_id });
  }

  private messageEventOf(message: StoredMessage): Record<string, unknown> {
    const root = message.thread_ts === undefined ? undefined : this.messages.find(message.channel, message.thread_ts);
    return messageEvent(message, this.workspace.identity, root?.user);
  }
}
