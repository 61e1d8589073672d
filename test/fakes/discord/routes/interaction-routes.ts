import { InteractionResponseType as R, InteractionType, MessageFlags, type APIMessage } from 'discord.js';
import type { FakeContext } from '../context.ts';
import { FormErrorCollector } from '../errors.ts';
import type { InteractionRecord } from '../interactions.ts';
import type { RouteRequest, RouteResponse, Router } from '../rest/router.ts';
import { isObject, maxLength, validateMessage } from '../validation.ts';
import { createInteractionMessage } from './interaction-messages.ts';

const ALLOWED: Record<number, R[]> = {
  [InteractionType.ApplicationCommand]: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal],
  [InteractionType.MessageComponent]: [
    R.ChannelMessageWithSource,
    R.DeferredChannelMessageWithSource,
    R.DeferredMessageUpdate,
    R.UpdateMessage,
    R.Modal,
  ],
};

/**
 * Registers `POST /interactions/:id/:token/callback`: the first answer to an
 * interaction, within the answer window and only once (10062 / 40060 otherwise).
 */
export function registerInteractionRoutes(router: Router, ctx: FakeContext): void {
  router.add('POST', '/interactions/:interactionId/:token/callback', (req) => callback(ctx, req), 'public');
}

function callback(ctx: FakeContext, { params, query, body, files }: RouteRequest): RouteResponse {
  const record = ctx.interactions.forCallback(params.interactionId!, params.token!);
  const json = isObject(body) ? body : {};
  const type = Number(json.type) as R;
  const data = isObject(json.data) ? json.data : {};
  validateCallback(record, type, data, files.length);
  const flags =
    Number(data.flags ?? 0) &
    (MessageFlags.Ephemeral |
      MessageFlags.SuppressEmbeds |
      MessageFlags.SuppressNotifications |
      MessageFlags.IsComponentsV2);
  const message = apply(ctx, record, type, data, files, flags);
  record.response = { type, at: Date.now(), flags };
  if (query.with_response !== 'true') return { status: 204 };
  return { status: 200, body: callbackResponse(record, type, message) };
}

function validateCallback(record: InteractionRecord, type: R, data: Record<string, unknown>, files: number): void {
  const allowed = ALLOWED[record.type] ?? [];
  if (!allowed.includes(type)) {
    const errors = new FormErrorCollector();
    errors.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
    errors.throwIfAny();
  }
  if (type === R.ChannelMessageWithSource) validateMessage(data, { path: ['data'], files, requireContent: true });
  if (type === R.UpdateMessage) validateMessage(data, { path: ['data'], files });
  if (type === R.Modal) validateModal(data);
}

function validateModal(data: Record<string, unknown>): void {
  const errors = new FormErrorCollector();
  const customId = typeof data.custom_id === 'string' ? data.custom_id : '';
  const title = typeof data.title === 'string' ? data.title : '';
  if (customId.length < 1 || customId.length > 100)
    errors.add(['data', 'custom_id'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  if (title.length < 1 || title.length > 45)
    errors.add(['data', 'title'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 45 in length.');
  const components = Array.isArray(data.components) ? data.components : [];
  if (components.length < 1) errors.add(['data', 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
  maxLength(errors, ['data', 'components'], components, 5);
  errors.throwIfAny();
}

function apply(
  ctx: FakeContext,
  record: InteractionRecord,
  type: R,
  data: Record<string, unknown>,
  files: RouteRequest['files'],
  flags: number,
): APIMessage | undefined {
  switch (type) {
    case R.ChannelMessageWithSource: {
      const message = createInteractionMessage(ctx, record, data, files, flags);
      record.originalMessageId = message.id;
      return message;
    }
    case R.DeferredChannelMessageWithSource: {
      const message = createInteractionMessage(
        ctx,
        record,
        {},
        [],
        (flags & MessageFlags.Ephemeral) | MessageFlags.Loading,
      );
      record.originalMessageId = message.id;
      return message;
    }
    case R.DeferredMessageUpdate:
      record.originalMessageId = record.sourceMessageId;
      return undefined;
    case R.UpdateMessage:
      record.originalMessageId = record.sourceMessageId;
      return ctx.messages.edit(record.sourceMessageId!, data, files);
    default:
      record.modal = data;
      return undefined;
  }
}

function callbackResponse(record: InteractionRecord, type: R, message: APIMessage | undefined) {
  return {
    interaction: {
      id: record.id,
      type: record.type,
      ...(message
        ? {
            response_message_id: message.id,
            response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
            response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
          }
        : {}),
    },
    resource: { type, ...(message ? { message } : {}) },
  };
}
