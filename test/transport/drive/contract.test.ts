/**
 * DriveTransport passes the shared transport contract against the Drive fake:
 * with its default options (a listing waits for the next regular poll), and
 * with listMaxAgeMs 0 (every listing makes its own catch-up).
 */
import { describeTransportContract } from '../contract.ts';
import type { DriveTransportOptions } from '../../../src/transport/drive/drive.ts';
import { startWorld } from './world.ts';

const variants: [string, Partial<DriveTransportOptions>][] = [
  ['DriveTransport', {}],
  ['DriveTransport, listMaxAgeMs 0', { listMaxAgeMs: 0 }],
];

for (const [name, options] of variants) {
  describeTransportContract(
    name,
    async () => {
      const world = await startWorld();
      return {
        a: await world.open('bot', options),
        b: await world.open('worker', options),
        another: () => world.open('late', options),
        cleanup: () => world.close(),
      };
    },
    { newsMs: 3000 },
  );
}
