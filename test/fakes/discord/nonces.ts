/**
 * Message nonces, as `enforce_nonce` uses them: "If enforce_nonce is set to true
 * and nonce is present, it will be checked for uniqueness in the past few
 * minutes. If another message was created by the same author with the same
 * nonce, that message will be returned and no new message will be created."
 */

/** The nonces of recent messages, per author, kept for a window. */
export class NonceLog {
  private readonly seen = new Map<string, { messageId: string; at: number }>();

  /** `windowMs`: how long a nonce counts ("the past few minutes"); `clock` tells the time. */
  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The id of the author's message made with this nonce within the window, if any. */
  find(authorId: string, nonce: string | number): string | undefined {
    this.forgetOld();
    return this.seen.get(key(authorId, nonce))?.messageId;
  }

  /** Notes that the author's message was made with this nonce (now). */
  remember(authorId: string, nonce: string | number, messageId: string): void {
    this.seen.set(key(authorId, nonce), { messageId, at: this.clock() });
  }

  private forgetOld(): void {
    const oldest = this.clock() - this.windowMs;
    for (const [k, { at }] of this.seen) if (at <= oldest) this.seen.delete(k);
  }
}

function key(authorId: string, nonce: string | number): string {
  return `${authorId}:${String(nonce)}`;
}
