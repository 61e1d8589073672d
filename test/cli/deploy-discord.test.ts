/**
 * `npm run deploy:discord` (src/cli/deploy-discord.ts): `--invite` only prints the invite, `--clear` removes
 * the commands, a missing application id is a usage error (exit 2), and the program itself registers the
 * commands against the Discord fake's REST and prints the invite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { inviteUrl } from '../../src/chat/discord/invite.ts';
import { deployCommands } from '../../src/chat/discord/registration.ts';
import { runDeploy } from '../../src/cli/deploy-discord.ts';
import { UsageError } from '../../src/cli/run.ts';
import { parseConfig } from '../../src/config.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../fakes/discord/index.ts';
import { ROOT } from '../helpers/python.ts';

const run = promisify(execFile);

describe('npm run deploy:discord', () => {
  let fake: DiscordFake;
  let guild: FakeGuild;
  beforeAll(async () => {
    fake = await startDiscordFake();
    guild = fake.addGuild({ name: 'Writers', channels: ['stories'] });
  });
  afterAll(() => fake?.close());

  const env = (guildId?: string) => ({
    DISCORD_TOKEN: fake.botToken,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.restUrl,
    ...(guildId ? { DISCORD_GUILD_ID: guildId } : {}),
  });
  /** Runs the program from a folder with no .env; resolves with its exit code and output, whatever the code. */
  async function deploy(extraEnv: Record<string, string>, ...args: string[]) {
    const cwd = mkdtempSync(join(tmpdir(), 'storyloom-deploy-'));
    const options = { cwd, timeout: 30_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv } };
    try {
      const program = join(ROOT, 'src/cli/deploy-discord.ts');
      const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/tsx'), [program, ...args], options);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('`-- --invite` prints only the invite (from the application id); `-- --clear` removes the commands', async () => {
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    expect(await runDeploy(['--invite'], parseConfig({ DISCORD_APPLICATION_ID: fake.applicationId }), print)).toBe(0);
    expect(printed).toEqual([`Invite storyloom to a server: ${inviteUrl(fake.applicationId)}`]);
    const missing = await runDeploy([], parseConfig({}), print).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as Error).message).toMatch(/^set DISCORD_APPLICATION_ID/);
    await deployCommands(parseConfig(env()));
    expect(fake.commands().map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(await runDeploy(['--clear'], parseConfig(env()), print)).toBe(0);
    expect(printed.at(-1)).toBe("Removed storyloom's commands globally.");
    expect(fake.commands()).toEqual([]);
  });

  it('registers the commands and prints the invite', async () => {
    fake.clearRequests();
    const { code, stdout, stderr } = await deploy(env(guild.id));
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `Registered 15 commands in server ${guild.id} (available now): ` +
          '/story /continue /vote /pick /candidates /add /retry /undo /branch /branches /switch /end /export ' +
          '/status /admin',
        `Invite storyloom to a server: ${inviteUrl(fake.applicationId, guild.id)}`,
        '',
      ].join('\n'),
    );
    expect(fake.requests({ method: 'PUT' })).toHaveLength(1);
    expect(`${stdout}${stderr}`).not.toContain(fake.botToken);
  });

  it('says which setting is missing, exit 2, and nothing on stdout', async () => {
    const { code, stdout, stderr } = await deploy({});
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^storyloom deploy:discord: set DISCORD_APPLICATION_ID .*See docs\/discord\.md\.\n$/);
  });
});
