import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machine has 2 cores; parity and end-to-end tests spawn Python and workers.
    maxWorkers: 2,
    // expect.poll waits for something that will happen (a heartbeat seen, a page redrawn);
    // on 2 busy cores that can take longer than vitest's default 1 s.
    expect: { poll: { timeout: 10_000 } },
  },
});
