/** Every storyloom command, one definition per file. */
import { add } from './add.ts';
import { admin } from './admin.ts';
import { branch } from './branch.ts';
import { branches } from './branches.ts';
import { candidates } from './candidates.ts';
import { continueCommand } from './continue.ts';
import { end } from './end.ts';
import { exportCommand } from './export.ts';
import { pick } from './pick.ts';
import { retry } from './retry.ts';
import { status } from './status.ts';
import { story } from './story.ts';
import { switchCommand } from './switch.ts';
import type { CommandDefinition } from './types.ts';
import { undo } from './undo.ts';
import { vote } from './vote.ts';

export type { CommandDefinition, CommandOption } from './types.ts';

/** All commands, in the order help lists them. */
export const COMMANDS = [
  story,
  continueCommand,
  vote,
  pick,
  candidates,
  add,
  retry,
  undo,
  branch,
  branches,
  switchCommand,
  end,
  exportCommand,
  status,
  admin,
] as const satisfies readonly CommandDefinition[];

/** The name of a storyloom command. */
export type CommandName = (typeof COMMANDS)[number]['name'];

/** The command with this name, if any. */
export function findCommand(name: string): CommandDefinition | undefined {
  return COMMANDS.find((c) => c.name === name);
}
