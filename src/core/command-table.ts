/**
 * How core answers each command of commands/, keyed by its name: the one place a
 * command is handled. `Core.run` dispatches a typed or slash command here; a button
 * press is the thread command its action names (`sl:undo:…` is /undo on that story,
 * at the version the button showed).
 */
import { COMMANDS, findCommand, type CommandName } from '../../commands/index.ts';
import { UserError } from '../stories/errors.ts';
import { checkArgs } from './options.ts';
import type { CommandContext, CommandTarget, Reply, ThreadMaker } from './types.ts';

/** The commands, one method each: what the handlers call (Core implements them). */
export interface Commands {
  start(ctx: CommandContext, raw: Record<string, unknown>, makeThread?: ThreadMaker): Promise<Reply>;
  continue(ctx: CommandContext, storyId: string, candidates?: number): Promise<Reply>;
  vote(ctx: CommandContext, storyId: string, candidate: number, voteId?: string): Promise<Reply>;
  pick(ctx: CommandContext, storyId: string, candidate: number): Promise<Reply>;
  candidates(ctx: CommandContext, count: number, scope: 'story' | 'channel' | undefined): Promise<Reply>;
  add(ctx: CommandContext, storyId: string, raw: unknown): Promise<Reply>;
  retry(ctx: CommandContext, storyId: string, version?: number): Promise<Reply>;
  undo(ctx: CommandContext, storyId: string, version?: number): Promise<Reply>;
  branch(ctx: CommandContext, storyId: string, line: number): Promise<Reply>;
  branches(ctx: CommandContext, storyId: string): Reply;
  switch(ctx: CommandContext, storyId: string, branch: number): Promise<Reply>;
  end(ctx: CommandContext, storyId: string): Promise<Reply>;
  export(ctx: CommandContext, storyId: string): Promise<Reply>;
  status(ctx: CommandContext): Reply;
  admin(ctx: CommandContext, raw: Record<string, unknown>): Promise<Reply>;
}

/** Answers one command. A thread command's `on.storyId` is always set: Core.run finds the story first. */
export type CommandHandler = (
  core: Commands,
  ctx: CommandContext,
  raw: Record<string, unknown>,
  on: CommandTarget,
) => Promise<Reply> | Reply;

/** Every command's handler; the type makes a command without one (or a handler without a command) a compile error. */
export const COMMAND_HANDLERS: Record<CommandName, CommandHandler> = {
  story: (core, ctx, raw, on) => core.start(ctx, raw, on.makeThread),
  continue: (core, ctx, raw, on) =>
    core.continue(ctx, on.storyId!, checkArgs(findCommand('continue')!, raw).candidates as number | undefined),
  vote: (core, ctx, raw, on) => core.vote(ctx, on.storyId!, checkArgs(findCommand('vote')!, raw).candidate as number),
  pick: (core, ctx, raw, on) => core.pick(ctx, on.storyId!, checkArgs(findCommand('pick')!, raw).candidate as number),
  candidates: (core, ctx, raw) => {
    const args = checkArgs(findCommand('candidates')!, raw);
    return core.candidates(ctx, args.count as number, args.for as 'story' | 'channel' | undefined);
  },
  add: (core, ctx, raw, on) => core.add(ctx, on.storyId!, checkArgs(findCommand('add')!, raw).text),
  retry: (core, ctx, _raw, on) => core.retry(ctx, on.storyId!, on.version),
  undo: (core, ctx, _raw, on) => core.undo(ctx, on.storyId!, on.version),
  branch: (core, ctx, raw, on) => core.branch(ctx, on.storyId!, checkArgs(findCommand('branch')!, raw).line as number),
  branches: (core, ctx, _raw, on) => core.branches(ctx, on.storyId!),
  switch: (core, ctx, raw, on) =>
    core.switch(ctx, on.storyId!, checkArgs(findCommand('switch')!, raw).branch as number),
  end: (core, ctx, _raw, on) => core.end(ctx, on.storyId!),
  export: (core, ctx, _raw, on) => core.export(ctx, on.storyId!),
  status: (core, ctx) => core.status(ctx),
  admin: (core, ctx, raw) => core.admin(ctx, raw),
};

/** The commands a person may run, for "There is no /x": every one but the admins'. */
const OFFERED = COMMANDS.filter((c) => !c.admin).map((c) => `/${c.name}`);
const TRY = `${OFFERED.slice(0, -1).join(', ')} or ${OFFERED.at(-1)}`;

/** The definition of the command with this name; a UserError that lists the others when there is none. */
export function commandNamed(name: string): (typeof COMMANDS)[number] {
  const def = COMMANDS.find((c) => c.name === name);
  if (!def) throw new UserError('unknown_command', `There is no /${name}. Try ${TRY}.`);
  return def;
}
