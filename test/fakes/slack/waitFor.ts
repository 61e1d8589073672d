/**
 * Polls `probe` until it returns something truthy, and resolves with that
 * value; rejects after `timeoutMs`, naming what it waited for.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  timeoutMs = 2000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`Slack fake: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
