import type { IdFactory } from './ids.ts';
import type { FakeChannel, FakeIdentity, FakeUser } from './types.ts';

/** What `addChannel` takes: a name, and optionally a fixed id. */
export interface ChannelInput {
  name: string;
  id?: string;
  is_private?: boolean;
}

/** What `addUser` takes: a name, and optionally a fixed id and real name. */
export interface UserInput {
  name: string;
  id?: string;
  real_name?: string;
  is_bot?: boolean;
}

/**
 * The directory of the fake workspace: who the app is, and which channels and
 * users exist. Messages live in `MessageStore`.
 */
export class FakeWorkspace {
  /** The team and the installed app's ids. */
  readonly identity: FakeIdentity;
  private readonly channels = new Map<string, FakeChannel>();
  private readonly users = new Map<string, FakeUser>();

  constructor(private readonly ids: IdFactory) {
    this.identity = {
      teamId: ids.nextId('T'),
      teamDomain: 'storyloom-fake',
      teamName: 'Storyloom Fake Team',
      appId: ids.nextId('A'),
      botId: ids.nextId('B'),
      botUserId: ids.nextId('U'),
      botUserName: 'storyloom',
    };
    this.addUser({ id: this.identity.botUserId, name: this.identity.botUserName, is_bot: true });
  }

  /** Adds a channel (replacing one with the same id) and returns it. */
  addChannel(input: ChannelInput): FakeChannel {
    const channel: FakeChannel = {
      id: input.id ?? this.ids.nextId('C'),
      name: input.name,
      is_private: input.is_private ?? false,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Adds a user (replacing one with the same id) and returns it. */
  addUser(input: UserInput): FakeUser {
    const user: FakeUser = {
      id: input.id ?? this.ids.nextId('U'),
      name: input.name,
      real_name: input.real_name ?? input.name,
      is_bot: input.is_bot ?? false,
      team_id: this.identity.teamId,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** The channel with this id, if any. */
  channel(id: string): FakeChannel | undefined {
    return this.channels.get(id);
  }

  /** The channel with this id, or with this name (`general` or `#general`), as Slack resolves `channel`. */
  findChannel(idOrName: string): FakeChannel | undefined {
    const name = idOrName.replace(/^#/, '');
    return this.channels.get(idOrName) ?? [...this.channels.values()].find((c) => c.name === name);
  }

  /** The user with this id, if any. */
  user(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  /** The channel with this id; throws (a test mistake, not an API error) when missing. */
  requireChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`Slack fake: no channel ${id}; add it with fake.addChannel()`);
    return channel;
  }

  /** The user with this id; throws (a test mistake, not an API error) when missing. */
  requireUser(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`Slack fake: no user ${id}; add it with fake.addUser()`);
    return user;
  }
}
