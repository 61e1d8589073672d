/**
 * storyloom on Discord. main.ts creates the adapter with
 * {@link createDiscordAdapter}; `npm run deploy:discord` registers the commands
 * (see docs/discord.md).
 */
import type { Bot } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { ChatAdapter } from '../adapter.ts';
import { DiscordAdapter } from './adapter.ts';

export { DiscordAdapter } from './adapter.ts';
export { applicationCommands, deployCommands } from './registration.ts';
export { INVITE_PERMISSIONS, inviteUrl } from './invite.ts';

/** The Discord adapter for this configuration (needs DISCORD_TOKEN); `start()` logs in and registers its delivery. */
export function createDiscordAdapter(config: Config, bot: Bot, log: (message: string) => void = (m) => console.error(m)): ChatAdapter {
  return new DiscordAdapter(config, bot, log);
}
