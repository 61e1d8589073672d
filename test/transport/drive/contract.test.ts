/** DriveTransport passes the shared transport contract against the Drive fake. */
import { describeTransportContract } from '../contract.ts';
import { startWorld } from './world.ts';

describeTransportContract('DriveTransport', async () => {
  const world = await startWorld();
  // listMaxAgeMs 0: every list catches up first, which the contract's read-after-write listing needs.
  const options = { listMaxAgeMs: 0 };
  return {
    a: await world.open('bot', options),
    b: await world.open('worker', options),
    another: () => world.open('late', options),
    cleanup: () => world.close(),
  };
}, { newsMs: 3000 });
