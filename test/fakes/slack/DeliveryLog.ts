import type { DriverResponse } from './SignedRequestDriver.ts';
import { waitFor } from './waitFor.ts';

/** The three kinds of request Slack delivers, named as Socket Mode envelope types. */
export type DeliveryKind = 'slash_commands' | 'interactive' | 'events_api';

/** How a request reaches the app: a Socket Mode envelope, or a signed HTTP request. */
export type DeliveryVia = 'socket' | 'http';

/** The app's acknowledgement of one delivery. */
export interface AckRecord {
  envelopeId: string;
  via: DeliveryVia;
  kind: DeliveryKind;
  attempt: number;
  deliveredAt: number;
  ackedAt: number;
  /** Time from delivery to ack; Slack wants it under 3000. */
  ackMs: number;
  /** Socket Mode: the ack's `payload`. HTTP: the response body (parsed when JSON). */
  payload?: unknown;
  /** HTTP only: the response status (401 for a refused signature, …). */
  status?: number;
}

/** One request the fake delivered to the app. */
export interface DeliveryRecord {
  /** The envelope id (Socket Mode), or an id the fake gave the HTTP request. */
  envelopeId: string;
  via: DeliveryVia;
  kind: DeliveryKind;
  payload: Record<string, unknown>;
  /** 0 for the first delivery; `retry_attempt` / `X-Slack-Retry-Num` on redeliveries. */
  attempt: number;
  retryReason?: string;
  deliveredAt: number;
  /** The response_url put in the payload, if any. */
  responseUrl?: string;
  ack?: AckRecord;
  /** HTTP only: the receiver's whole answer. */
  response?: DriverResponse;
  /** HTTP only: why the request failed to get any answer. */
  error?: Error;
}

/** A delivery as the driver methods return it: its record, plus a way to await the ack. */
export interface Delivery extends DeliveryRecord {
  /** Resolves with the ack (or, over HTTP, the answer); rejects after `timeoutMs` (default 3000). */
  waitForAck(timeoutMs?: number): Promise<AckRecord>;
}

/** Every delivery and every ack, with stray acks (unknown or repeated envelope ids) kept apart. */
export class DeliveryLog {
  private readonly records: Delivery[] = [];
  /** Messages from the client that acked nothing the fake is waiting on. */
  readonly strayAcks: unknown[] = [];

  /** Records a delivery and returns it as a `Delivery`. */
  add(record: DeliveryRecord): Delivery {
    const delivery: Delivery = {
      ...record,
      waitForAck: (timeoutMs = 3000) =>
        waitFor(
          () => {
            if (delivery.error) throw delivery.error;
            return delivery.ack;
          },
          timeoutMs,
          `the ack of ${record.kind} ${record.envelopeId}`,
        ),
    };
    this.records.push(delivery);
    return delivery;
  }

  /** Records a Socket Mode ack (`{ envelope_id, payload? }`). */
  recordSocketAck(message: unknown): void {
    const { envelope_id, payload } = (message ?? {}) as { envelope_id?: unknown; payload?: unknown };
    const delivery = this.records.find((d) => d.envelopeId === envelope_id && d.via === 'socket');
    if (!delivery || delivery.ack) {
      this.strayAcks.push(message);
      return;
    }
    delivery.ack = this.ackOf(delivery, { payload });
  }

  /** Records the answer to an HTTP delivery as its ack. */
  recordHttpAnswer(delivery: Delivery, response: DriverResponse): void {
    delivery.response = response;
    const payload = response.json ?? (response.body.length > 0 ? response.body : undefined);
    delivery.ack = this.ackOf(delivery, { payload, status: response.status });
  }

  /** All deliveries, oldest first. */
  deliveries(): Delivery[] {
    return [...this.records];
  }

  /** All acks, in delivery order. */
  acks(): AckRecord[] {
    return this.records.flatMap((d) => (d.ack ? [d.ack] : []));
  }

  private ackOf(delivery: DeliveryRecord, extra: Pick<AckRecord, 'payload' | 'status'>): AckRecord {
    const ackedAt = Date.now();
    const { envelopeId, via, kind, attempt, deliveredAt } = delivery;
    return { envelopeId, via, kind, attempt, deliveredAt, ackedAt, ackMs: ackedAt - deliveredAt, ...extra };
  }
}
