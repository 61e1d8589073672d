import { MessageFlags, type APIMessage } from 'discord.js';
import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode } from '../errors.ts';
import type { InteractionRecord } from '../interactions.ts';
import type { RouteRequest, Router } from '../rest/router.ts';
import { isObject, validateMessage } from '../validation.ts';
import { createInteractionMessage } from './interaction-messages.ts';

const BASE = '/webhooks/:applicationId/:token';
const MESSAGE_FLAGS =
  MessageFlags.Ephemeral |
  MessageFlags.SuppressEmbeds |
  MessageFlags.SuppressNotifications |
  MessageFlags.IsComponentsV2;

/**
 * Registers the interaction-token webhook routes: `@original` (get, edit, delete),
 * followups, and followup messages by id. They work for the token's lifetime
 * and then answer 401 50027 or 404 10015.
 */
export function registerWebhookRoutes(router: Router, ctx: FakeContext): void {
  for (const target of ['@original', ':messageId']) {
    const path = `${BASE}/messages/${target}`;
    router.add('GET', path, (req) => ({ status: 200, body: tokenMessage(ctx, req).message }), 'public');
    router.add('PATCH', path, (req) => ({ status: 200, body: editTokenMessage(ctx, req) }), 'public');
    router.add(
      'DELETE',
      path,
      (req) => {
        const { record, message } = tokenMessage(ctx, req);
        ctx.messages.delete(message.id);
        if (record.originalMessageId === message.id) delete record.originalMessageId;
        record.followupIds = record.followupIds.filter((id) => id !== message.id);
        return { status: 204 };
      },
      'public',
    );
  }
  router.add(
    'POST',
    BASE,
    (req) => {
      const message = followUp(ctx, req);
      return req.query.wait === 'false' ? { status: 204 } : { status: 200, body: message };
    },
    'public',
  );
}

function interactionFor(ctx: FakeContext, params: Record<string, string>): InteractionRecord {
  if (params.applicationId !== ctx.bot.applicationId) throw apiError(ErrorCode.UnknownWebhook);
  return ctx.interactions.forWebhook(params.token!);
}

function tokenMessage(ctx: FakeContext, { params }: RouteRequest): { record: InteractionRecord; message: APIMessage } {
  const record = interactionFor(ctx, params);
  const id = params.messageId ?? record.originalMessageId;
  const owned = id !== undefined && (id === record.originalMessageId || record.followupIds.includes(id));
  const message = owned ? ctx.messages.get(id)?.message : undefined;
  if (!message) throw apiError(ErrorCode.UnknownMessage);
  return { record, message };
}

function editTokenMessage(ctx: FakeContext, req: RouteRequest): APIMessage {
  const { message } = tokenMessage(ctx, req);
  const json = isObject(req.body) ? req.body : {};
  validateMessage(json, { files: req.files.length });
  // Why: editing the deferred "thinking" message turns it into the real reply.
  return ctx.messages.edit(message.id, json, req.files, MessageFlags.Loading);
}

function followUp(ctx: FakeContext, { params, body, files }: RouteRequest): APIMessage {
  const record = interactionFor(ctx, params);
  if (!record.response) throw apiError(ErrorCode.UnknownWebhook);
  const json = isObject(body) ? body : {};
  validateMessage(json, { files: files.length, requireContent: true });
  const original = record.originalMessageId ? ctx.messages.get(record.originalMessageId)?.message : undefined;
  if (original && ((original.flags ?? 0) & MessageFlags.Loading) !== 0) {
    // Why: on Discord the first followup after a deferred reply replaces the "thinking" message.
    return ctx.messages.edit(original.id, json, files, MessageFlags.Loading);
  }
  const message = createInteractionMessage(ctx, record, json, files, Number(json.flags ?? 0) & MESSAGE_FLAGS);
  record.followupIds.push(message.id);
  return message;
}
