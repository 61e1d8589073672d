import { MAX_REQUEST_AGE_SEC, nowSec, signatureHeaders } from './signing.ts';

/** How to sign one request; the defaults sign it correctly with the current time. */
export interface SignedRequestOptions {
  /** Sign with a different secret, so the signature does not match. */
  badSignature?: boolean;
  /** Send no `X-Slack-Signature` header at all. */
  missingSignature?: boolean;
  /** Sign correctly, but with a timestamp older than Slack's 5-minute window. */
  staleTimestamp?: boolean;
  /** Use this `X-Slack-Request-Timestamp` (seconds) instead of now. */
  timestampSec?: number;
  /** Extra headers to send. */
  headers?: Record<string, string>;
}

/** Retry headers Slack adds when it sends an event again. */
export interface EventRetry {
  retryNum: number;
  retryReason?: string;
}

/** What the receiver answered. */
export interface DriverResponse {
  status: number;
  /** The raw body text. */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  headers: Record<string, string>;
  elapsedMs: number;
}

/**
 * Sends a Bolt HTTP receiver (or any Slack request URL) the requests Slack
 * sends, signed under a signing secret: slash commands (form body),
 * interactivity (`payload=<json>` form body), Events API callbacks (JSON, with
 * `X-Slack-Retry-Num` / `X-Slack-Retry-Reason` on retries) and `url_verification`.
 */
export class SignedRequestDriver {
  constructor(
    /** The request URL, e.g. `http://127.0.0.1:PORT/slack/events`. */
    readonly url: string,
    private readonly signingSecret: string,
  ) {}

  /** A slash command, form-encoded as Slack sends it. */
  slashCommand(fields: Record<string, string>, options: SignedRequestOptions = {}): Promise<DriverResponse> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** An interactivity payload (e.g. `block_actions`), sent as `payload=<json>`. */
  interaction(payload: object, options: SignedRequestOptions = {}): Promise<DriverResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /** An Events API callback as JSON; `retry` adds Slack's retry headers. */
  event(body: object, options: SignedRequestOptions & { retry?: EventRetry } = {}): Promise<DriverResponse> {
    const headers = { ...options.headers };
    if (options.retry) {
      headers['x-slack-retry-num'] = String(options.retry.retryNum);
      headers['x-slack-retry-reason'] = options.retry.retryReason ?? 'http_timeout';
    }
    return this.post(JSON.stringify(body), 'application/json', { ...options, headers });
  }

  /** The `url_verification` handshake Slack sends when a request URL is saved. */
  urlVerification(challenge: string, options: SignedRequestOptions = {}): Promise<DriverResponse> {
    return this.event({ token: 'fake-verification-token', challenge, type: 'url_verification' }, options);
  }

  /** Posts any body with the given content type, signed per `options`. */
  async post(body: string, contentType: string, options: SignedRequestOptions = {}): Promise<DriverResponse> {
    const started = Date.now();
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': contentType, ...this.signing(body, options), ...options.headers },
      body,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text,
      json: parseJson(text),
      headers: Object.fromEntries(response.headers.entries()),
      elapsedMs: Date.now() - started,
    };
  }

  private signing(body: string, options: SignedRequestOptions): Record<string, string> {
    const timestamp = options.timestampSec ?? (options.staleTimestamp ? nowSec() - MAX_REQUEST_AGE_SEC - 60 : nowSec());
    const secret = options.badSignature ? `${this.signingSecret}-but-wrong` : this.signingSecret;
    const headers = signatureHeaders(secret, body, timestamp);
    if (options.missingSignature) delete headers['x-slack-signature'];
    return headers;
  }
}

function parseJson(text: string): unknown {
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
