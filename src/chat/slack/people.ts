/**
 * Who acts on Slack: a member id, a display name for stories and exports
 * (from `users.info`, remembered; the id when Slack will not say), and whether
 * they are on the `SLACK_ADMIN_IDS` allowlist.
 */
import type { webApi } from '@slack/bolt';
import type { Actor } from '../../core/types.ts';

/** The most names remembered. */
const NAMES_KEPT = 5000;

/** Turns Slack member ids into core's actors. */
export class SlackPeople {
  private readonly names = new Map<string, Promise<string>>();

  constructor(private readonly client: webApi.WebClient, private readonly adminIds: readonly string[]) {}

  /** The actor for a member id; `hint` is a name the payload carried, used if Slack will not say. */
  async actor(userId: string, hint?: string): Promise<Actor> {
    return { id: userId, name: await this.name(userId, hint), admin: this.isAdmin(userId) };
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
