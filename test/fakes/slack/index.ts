/**
 * A protocol-level fake of Slack for tests: the Web API, Socket Mode, file
 * uploads and response_urls on one local server, plus a signed-request driver
 * for Bolt's HTTP mode. Start one with `startSlackFake()`.
 */
export { startSlackFake, type SlackFakeOptions } from './startSlackFake.ts';
export { SlackFake } from './SlackFake.ts';
export {
  SignedRequestDriver,
  type DriverResponse,
  type SignedRequestOptions,
  type EventRetry,
} from './SignedRequestDriver.ts';
export { computeSlackSignature, signatureHeaders, MAX_REQUEST_AGE_SEC } from './signing.ts';
export { validateBlocks, BLOCK_LIMITS, type BlockValidation } from './blockLimits.ts';
export type { AckRecord, Delivery, DeliveryKind, DeliveryRecord, DeliveryVia } from './DeliveryLog.ts';
export type { DeliverOptions } from './Dispatcher.ts';
export type { ChannelRateLimit } from './ChannelRateLimiter.ts';
export type { ChannelInput, UserInput } from './FakeWorkspace.ts';
export type {
  ClickButtonInput,
  MentionInput,
  MessageDelivery,
  SendEventOptions,
  SlashCommandInput,
  UserMessageInput,
} from './InteractionDriver.ts';
export type { SocketConnection, WaitForConnectionOptions } from './SocketModeServer.ts';
export type * from './types.ts';
