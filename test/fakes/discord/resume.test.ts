import { Events, GatewayOpcodes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextInteraction, startHarness, type Harness } from './harness.ts';

describe('discord fake: gateway drops, resume and reconnect', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  const resumed = () => new Promise<void>((resolve) => h.client.once(Events.ShardResume, () => resolve()));

  it('lets discord.js resume after a dropped connection and still deliver interactions', async () => {
    const [session] = h.fake.gatewaySessions();
    const resumedOnce = resumed();
    await h.fake.dropConnection();
    // Sent while the bot is disconnected: the session keeps it and replays it on RESUME.
    const missed = h.fake.sendCommand({ channelId: h.channelId, user: h.user, name: 'missed' });
    const replayed = nextInteraction(h.client, (i) => i.id === missed.id, 3000);
    await resumedOnce;
    await replayed;

    const resume = h.fake.gatewayFrames({ direction: 'in', op: GatewayOpcodes.Resume })[0]?.d;
    expect(resume).toMatchObject({ session_id: session!.id, token: h.fake.botToken });
    expect(h.fake.gatewayConnections().map((c) => c.path)).toEqual(['/gateway', '/resume']);
    expect(h.fake.gatewayFrames({ direction: 'in', op: GatewayOpcodes.Identify })).toHaveLength(1);
    expect(h.fake.gatewayFrames({ t: 'RESUMED' })).toHaveLength(1);

    const later = h.fake.sendCommand({ channelId: h.channelId, user: h.user, name: 'later' });
    const interaction = await nextInteraction(h.client, (i) => i.id === later.id);
    expect(interaction.isChatInputCommand() && interaction.commandName).toBe('later');
  });

  it('makes discord.js resume when sent op 7 RECONNECT', async () => {
    const resumedOnce = resumed();
    h.fake.sendReconnect();
    await resumedOnce;
    expect(h.fake.gatewayFrames({ direction: 'in', op: GatewayOpcodes.Resume })).toHaveLength(1);
    expect(h.fake.gatewaySessions()).toHaveLength(1);
    expect(h.fake.gatewaySessions()[0]?.connected).toBe(true);
  });

  it('acknowledges heartbeats', async () => {
    h.fake.sendGatewayPayload({ op: GatewayOpcodes.Heartbeat, d: null });
    await h.fake.waitFor(() => h.fake.gatewayFrames({ direction: 'out', op: GatewayOpcodes.HeartbeatAck }).length > 0);
    const beat = h.fake.gatewayFrames({ direction: 'in', op: GatewayOpcodes.Heartbeat })[0];
    expect(beat?.d).toBe(h.fake.gatewaySessions()[0]?.seq);
  });
});
