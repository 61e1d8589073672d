import { ApiCallLog } from './ApiCallLog.ts';
import { ApiFaults } from './ApiFaults.ts';
import { type ChannelRateLimit, ChannelRateLimiter } from './ChannelRateLimiter.ts';
import { DeliveryLog, type DeliveryVia } from './DeliveryLog.ts';
import { Dispatcher } from './Dispatcher.ts';
import { FakeWorkspace } from './FakeWorkspace.ts';
import { FileStore } from './FileStore.ts';
import { fakeToken, IdFactory, randomHex } from './ids.ts';
import { InteractionDriver } from './InteractionDriver.ts';
import { MessageStore } from './MessageStore.ts';
import { messageEvent } from './payloads.ts';
import { ResponseUrlSink } from './ResponseUrlSink.ts';
import { SignedRequestDriver } from './SignedRequestDriver.ts';
import { SlackFake } from './SlackFake.ts';
import { listen } from './SlackFakeServer.ts';
import { SocketModeServer } from './SocketModeServer.ts';
import { handleUpload } from './uploadEndpoint.ts';
import type { ApiServices } from './webApi/apiTypes.ts';
import { WebApiRouter } from './webApi/WebApiRouter.ts';

/** Options for `startSlackFake`; every one has a default. */
export interface SlackFakeOptions {
  /** How driver calls reach the app unless a call says otherwise: `'socket'` (default) or `'http'`. */
  mode?: DeliveryVia;
  /** HTTP mode: the app's request URL (can be set later with `fake.setRequestUrl`). */
  requestUrl?: string;
  /** The bot token (`xoxb-…`) the Web API accepts; a random fake one by default. */
  botToken?: string;
  /** The app-level token (`xapp-…`) `apps.connections.open` accepts; a random fake one by default. */
  appToken?: string;
  /** The signing secret HTTP-mode requests are signed with; random by default. */
  signingSecret?: string;
  /** Answer `chat.postMessage` with 429 when a channel is posted to faster than this; off by default. */
  channelRateLimit?: ChannelRateLimit;
  /** Socket Mode: resend envelopes not acked within this many ms (`retry_reason: 'timeout'`); off by default. */
  redeliverUnackedAfterMs?: number;
  /** The most automatic redeliveries of one envelope; 3 by default, as Slack. */
  maxRedeliveries?: number;
  /** How long a Socket Mode delivery waits for a live connection; 5000 ms by default. */
  connectionWaitMs?: number;
  /** Announce the bot's own posts back to the app as `message` events, as Slack does; off by default. */
  echoBotMessages?: boolean;
  /** The port to listen on (127.0.0.1); 0, a free one, by default. */
  port?: number;
}

/**
 * Starts a fake Slack on 127.0.0.1: the Web API under `fake.apiUrl`, Socket
 * Mode, upload and response_url endpoints, and the driver that plays the
 * people in the workspace. A default channel (`general`) and user (`alice`) exist.
 */
export async function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  const ids = new IdFactory();
  const workspace = new FakeWorkspace(ids);
  const messages = new MessageStore(ids);
  const files = new FileStore(ids);
  const limiter = new ChannelRateLimiter(options.channelRateLimit);
  const calls = new ApiCallLog();
  const faults = new ApiFaults();
  const deliveries = new DeliveryLog();
  const tokens = { bot: options.botToken ?? fakeToken('xoxb'), app: options.appToken ?? fakeToken('xapp') };
  const signingSecret = options.signingSecret ?? `fake-signing-secret-${randomHex(8)}`;
  let baseUrl = '';
  let driver: InteractionDriver | undefined;
  let requestUrl = options.requestUrl;

  const socket = new SocketModeServer(workspace.identity.appId, (message) => deliveries.recordSocketAck(message));
  const responses = new ResponseUrlSink(messages, workspace.identity, () => baseUrl);
  const services: ApiServices = {
    workspace,
    messages,
    files,
    limiter,
    baseUrl: () => baseUrl,
    issueSocketUrl: () => socket.issueUrl(baseUrl),
    onBotMessage: (message) => {
      // Delivery failures of an echo (no app connected) must not fail the bot's own API call.
      if (options.echoBotMessages) driver?.sendEvent(messageEvent(message, workspace.identity)).catch(() => undefined);
    },
  };
  const router = new WebApiRouter(services, tokens, calls, faults);
  const server = await listen(
    {
      api: (req, res, method, query) => router.handle(req, res, method, query),
      upload: (req, res, fileId) => handleUpload(files, req, res, fileId),
      response: (req, res, id) => responses.handle(req, res, id),
      socket: (req, sock, head, ticket) => socket.handleUpgrade(req, sock, head, ticket),
    },
    options.port,
  );
  baseUrl = server.baseUrl;

  const dispatcher = new Dispatcher(
    socket,
    deliveries,
    () => (requestUrl ? new SignedRequestDriver(requestUrl, signingSecret) : undefined),
    {
      defaultVia: options.mode ?? 'socket',
      connectionWaitMs: options.connectionWaitMs ?? 5000,
      redeliverUnackedAfterMs: options.redeliverUnackedAfterMs,
      maxRedeliveries: options.maxRedeliveries ?? 3,
    },
  );
  const defaults = {
    channel: workspace.addChannel({ name: 'general' }).id,
    user: workspace.addUser({ name: 'alice' }).id,
  };
  driver = new InteractionDriver(workspace, messages, responses, dispatcher, defaults);

  return new SlackFake({
    baseUrl,
    tokens,
    signingSecret,
    defaults,
    workspace,
    messages,
    files,
    limiter,
    faults,
    calls,
    deliveries,
    socket,
    responses,
    dispatcher,
    driver,
    setRequestUrl: (url) => {
      requestUrl = url;
    },
    getRequestUrl: () => requestUrl,
    closeServer: () => server.close(),
  });
}
