import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryKind, DeliveryLog, DeliveryVia } from './DeliveryLog.ts';
import type { SignedRequestDriver, SignedRequestOptions } from './SignedRequestDriver.ts';
import type { SocketModeServer } from './SocketModeServer.ts';

/** How the fake delivers, set once per fake. */
export interface DispatcherSettings {
  /** Where requests go unless a call says otherwise. */
  defaultVia: DeliveryVia;
  /** How long a Socket Mode delivery waits for a live connection. */
  connectionWaitMs: number;
  /** Socket Mode: resend an envelope not acked within this many ms (off when undefined). */
  redeliverUnackedAfterMs?: number;
  /** The most automatic redeliveries of one request (Slack retries 3 times). */
  maxRedeliveries: number;
}

/** Per-call delivery choices. */
export interface DeliverOptions {
  /** Socket Mode envelope or signed HTTP request; defaults to the fake's mode. */
  via?: DeliveryVia;
  /** Deliver as retry number N (`retry_attempt` / `X-Slack-Retry-Num`); 0 is a first delivery. */
  retry?: number;
  /** The retry reason; defaults to `timeout` (Socket Mode) or `http_timeout` (HTTP). */
  retryReason?: string;
  /** HTTP only: how to sign (bad signature, stale timestamp, …). */
  http?: SignedRequestOptions;
}

/**
 * Delivers payloads to the app, as Socket Mode envelopes on the live
 * connection or as signed HTTP requests to the request URL; records each in
 * the `DeliveryLog`, and resends unacked Socket Mode envelopes when enabled.
 */
export class Dispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly socket: SocketModeServer,
    private readonly log: DeliveryLog,
    private readonly httpDriver: () => SignedRequestDriver | undefined,
    private readonly settings: DispatcherSettings,
  ) {}

  /** Delivers one payload and returns its record; the ack arrives later (`waitForAck`). */
  async deliver(
    kind: DeliveryKind,
    payload: Record<string, unknown>,
    options: DeliverOptions = {},
    responseUrl?: string,
  ): Promise<Delivery> {
    const via = options.via ?? this.settings.defaultVia;
    const attempt = options.retry ?? 0;
    const retryReason =
      attempt > 0 ? (options.retryReason ?? (via === 'socket' ? 'timeout' : 'http_timeout')) : undefined;
    const base = { envelopeId: randomUUID(), via, kind, payload, attempt, retryReason, responseUrl };
    return via === 'socket' ? this.deliverOverSocket(base) : this.deliverOverHttp(base, options.http);
  }

  /** Delivers a request again as the next retry (new envelope id, same payload). */
  redeliver(previous: Delivery, retryReason?: string): Promise<Delivery> {
    const options: DeliverOptions = { via: previous.via, retry: previous.attempt + 1, retryReason };
    return this.deliver(previous.kind, previous.payload, options, previous.responseUrl);
  }

  /** Stops automatic redeliveries. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliverOverSocket(base: Omit<Delivery, 'deliveredAt' | 'waitForAck'>): Promise<Delivery> {
    const connection =
      this.socket.live() ?? (await this.socket.waitForConnection({ timeoutMs: this.settings.connectionWaitMs }));
    const envelope: Record<string, unknown> = {
      envelope_id: base.envelopeId,
      type: base.kind,
      payload: base.payload,
      accepts_response_payload: base.kind === 'slash_commands',
    };
    // Slack puts retry fields on Events API envelopes, and on any resent envelope.
    if (base.kind === 'events_api' || base.attempt > 0) {
      Object.assign(envelope, { retry_attempt: base.attempt, retry_reason: base.retryReason ?? '' });
    }
    const delivery = this.log.add({ ...base, deliveredAt: Date.now() });
    this.socket.send(connection, envelope);
    this.scheduleRedelivery(delivery);
    return delivery;
  }

  private deliverOverHttp(
    base: Omit<Delivery, 'deliveredAt' | 'waitForAck'>,
    signing: SignedRequestOptions = {},
  ): Delivery {
    const driver = this.httpDriver();
    if (!driver) throw new Error('Slack fake: HTTP delivery needs a request URL; call fake.setRequestUrl(url)');
    const delivery = this.log.add({ ...base, deliveredAt: Date.now() });
    const retry = base.attempt > 0 ? { retryNum: base.attempt, retryReason: base.retryReason } : undefined;
    const request =
      base.kind === 'slash_commands'
        ? driver.slashCommand(base.payload as Record<string, string>, signing)
        : base.kind === 'interactive'
          ? driver.interaction(base.payload, signing)
          : driver.event(base.payload, { ...signing, retry });
    request.then(
      (response) => this.log.recordHttpAnswer(delivery, response),
      (error: unknown) => {
        delivery.error = error instanceof Error ? error : new Error(String(error));
      },
    );
    return delivery;
  }

  private scheduleRedelivery(delivery: Delivery): void {
    const after = this.settings.redeliverUnackedAfterMs;
    if (after === undefined || delivery.attempt >= this.settings.maxRedeliveries) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed || delivery.ack) return;
      // A failed resend (no connection came back in time) shows up as a missing delivery in the log.
      this.redeliver(delivery, 'timeout').catch(() => undefined);
    }, after);
    this.timers.add(timer);
  }
}
