/**
 * A command is defined once (commands/) and handled once (src/core/command-table.ts):
 * the table has exactly one handler per definition, and every button is a thread
 * command of the table.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand } from '../../commands/index.ts';
import { COMMAND_HANDLERS } from '../../src/core/command-table.ts';
import { STORY_ACTIONS } from '../../src/stories/permissions.ts';

describe('the command table', () => {
  it('handles every command of commands/, and nothing else', () => {
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('treats each button as the thread command of the same name', () => {
    for (const action of STORY_ACTIONS) {
      expect(findCommand(action)?.scope, action).toBe('thread');
      expect(COMMAND_HANDLERS[action], action).toBeTypeOf('function');
    }
  });
});
