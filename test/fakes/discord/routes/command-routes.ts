import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode } from '../errors.ts';
import type { Router } from '../rest/router.ts';

const SCOPES = ['/applications/:applicationId/commands', '/applications/:applicationId/guilds/:guildId/commands'];

/** Registers application command routes, global and per guild: bulk overwrite, list, create, get, delete. */
export function registerCommandRoutes(router: Router, ctx: FakeContext): void {
  const scope = (params: Record<string, string>): string | null => {
    if (params.applicationId !== ctx.bot.applicationId) throw apiError(ErrorCode.UnknownApplication);
    if (params.guildId === undefined) return null;
    return ctx.world.requireGuild(params.guildId).id;
  };
  for (const base of SCOPES) {
    router.add('GET', base, ({ params }) => ({ status: 200, body: ctx.commands.list(scope(params)) }));
    router.add('PUT', base, ({ params, body }) => ({ status: 200, body: ctx.commands.overwrite(scope(params), body) }));
    router.add('POST', base, ({ params, body }) => {
      const { command, created } = ctx.commands.upsert(scope(params), body);
      return { status: created ? 201 : 200, body: command };
    });
    router.add('GET', `${base}/:commandId`, ({ params }) => ({
      status: 200,
      body: ctx.commands.get(scope(params), params.commandId!),
    }));
    router.add('DELETE', `${base}/:commandId`, ({ params }) => {
      ctx.commands.delete(scope(params), params.commandId!);
      return { status: 204 };
    });
  }
}
