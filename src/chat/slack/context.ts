/**
 * Role: who ran a command, and where: the context core takes (on Discord,
 * context.ts too). On Slack, a member id becomes a Person with a display name for
 * stories and exports (from `users.info`, remembered; the id when Slack will not
 * say), and is an admin when on the `SLACK_ADMIN_IDS` allowlist.
 */
import type { webApi } from '@slack/bolt';
import type { CommandContext, Person } from '../../core/types.ts';
import type { SlackPlace } from './poster.ts';

/** The most names remembered. */
const NAMES_KEPT = 5000;

/** Turns Slack member ids into people. */
export class SlackPeople {
  private readonly names = new Map<string, Promise<string>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly adminIds: readonly string[],
  ) {}

  /** The person with this member id; `hint` is a name the payload carried, used if Slack will not say. */
  async person(userId: string, hint?: string): Promise<Person> {
    return { id: userId, name: await this.name(userId, hint) };
  }

  /** Whether the member is on the admin allowlist. */
  isAdmin(userId: string): boolean {
    return this.adminIds.includes(userId);
  }

  private name(userId: string, hint?: string): Promise<string> {
    let name = this.names.get(userId);
    if (!name) {
      name = this.lookUp(userId, hint);
      this.names.set(userId, name);
      if (this.names.size > NAMES_KEPT) this.names.delete(this.names.keys().next().value!);
    }
    return name;
  }

  private async lookUp(userId: string, hint?: string): Promise<string> {
    try {
      const { user } = await this.client.users.info({ user: userId });
      return user?.profile?.display_name || user?.real_name || user?.name || hint || userId;
    } catch {
      // Without users:read (or with Slack down) the payload's name or the id will do.
      return hint || userId;
    }
  }
}

/** The command context of a Slack member in a place; `nameHint` is a name the payload carried. */
export async function contextFor(
  people: SlackPeople,
  userId: string,
  place: SlackPlace,
  nameHint?: string,
): Promise<CommandContext> {
  const person = await people.person(userId, nameHint);
  const where = { platform: 'slack' as const, channel: place.channel, thread: place.thread };
  return { person, admin: people.isAdmin(userId), place: where };
}
