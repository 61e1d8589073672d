/** The chat adapters that deliver lines, one per platform. */
import type { Platform } from '../jobs/protocol.ts';
import type { ChatDelivery } from './types.ts';

/** A registry of deliveries by platform. */
export class Deliveries {
  private readonly byPlatform = new Map<Platform, ChatDelivery>();

  /** Registers the adapter that delivers to `platform`. */
  register(platform: Platform, delivery: ChatDelivery): void {
    this.byPlatform.set(platform, delivery);
  }

  /** The adapter for `platform`; throws while none is registered (the job is kept and tried again). */
  for(platform: Platform): ChatDelivery {
    const delivery = this.byPlatform.get(platform);
    if (!delivery) throw new Error(`no chat adapter is running for ${platform}`);
    return delivery;
  }
}
