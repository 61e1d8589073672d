/**
 * Keeps a story's deliveries behind the command that is queueing its job. A fast
 * worker can answer before the command has tied the job to its interaction
 * reply; the line then waits (briefly) so the reply shows the outcome, not a
 * stale "in line", and the thread gets things in order.
 */

/** The longest a delivery waits for a command (the command may have hung). */
const MAX_WAIT_MS = 10_000;

/** Per-story holds taken by commands and awaited by deliveries. */
export class StoryGate {
  private readonly held = new Map<string, Promise<void>>();

  /** Holds the story's deliveries until the returned function is called. */
  hold(storyId: string): () => void {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.held.get(storyId);
    const all = before ? Promise.all([before, mine]).then(() => undefined) : mine;
    this.held.set(storyId, all);
    return () => {
      release();
      if (this.held.get(storyId) === all) this.held.delete(storyId);
    };
  }

  /** Resolves once no command holds the story (or after a while). */
  async wait(storyId: string): Promise<void> {
    const held = this.held.get(storyId);
    if (!held) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, MAX_WAIT_MS)));
    await Promise.race([held, timeout]);
    clearTimeout(timer);
  }
}
