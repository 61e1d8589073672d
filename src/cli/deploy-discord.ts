/**
 * `npm run deploy:discord [-- --invite | --clear]`
 *
 * Registers storyloom's slash commands (from commands/), replacing the old ones:
 * in the server DISCORD_GUILD_ID when it is set (instant), else globally. Then
 * prints the invite URL. With `--invite`, only prints the invite URL (needs just
 * DISCORD_APPLICATION_ID). With `--clear`, removes the commands from that server
 * (or globally) instead. Commands are never registered when the bot starts.
 */
import { parseArgs } from 'node:util';
import { inviteUrl } from '../chat/discord/invite.ts';
import { deployCommands } from '../chat/discord/registration.ts';
import { loadConfig, type Config } from '../config.ts';
import { runCli, UsageError } from './run.ts';

const USAGE = 'usage: npm run deploy:discord [-- --invite | --clear]';

/** Runs the command with these arguments and settings; returns the exit code (a UsageError: exit 2). */
export async function runDeploy(args: string[], config: Config, print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { invite: { type: 'boolean' }, clear: { type: 'boolean' } } });
  const applicationId = config.DISCORD_APPLICATION_ID;
  if (!applicationId) {
    throw new UsageError(
      'set DISCORD_APPLICATION_ID (Developer Portal > General Information > Application ID). ' + 'See docs/discord.md.',
    );
  }
  if (values.clear) {
    const done = await deployCommands(config, { clear: true });
    print(`Removed storyloom's commands ${done.scope === 'guild' ? `from server ${done.guildId}` : 'globally'}.`);
    return 0;
  }
  if (!values.invite) {
    const done = await deployCommands(config);
    const where =
      done.scope === 'guild'
        ? `in server ${done.guildId} (available now)`
        : 'globally (in every server the bot is in; changes can take a while to show)';
    print(`Registered ${done.names.length} commands ${where}: ${done.names.map((n) => `/${n}`).join(' ')}`);
  }
  print(`Invite storyloom to a server: ${inviteUrl(applicationId, config.DISCORD_GUILD_ID)}`);
  return 0;
}

/** Registers the commands with the settings in .env; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runDeploy(argv, await loadConfig(), (line) => console.log(line));
}

runCli(import.meta.url, { name: 'deploy:discord', usage: USAGE, main });
