/**
 * Who may press which of a story's buttons, as pure functions: the one statement of
 * the rules, so a chat that can show each viewer only their own buttons (the
 * playground) shows exactly what core would allow. src/stories/story.ts enforces the
 * same rules when a change is made; a test checks that the two agree.
 *
 * - Continue: anyone.
 * - Retry: whoever asked for the newest line, the story's owner, or an admin.
 * - Undo: the newest line's author, the story's owner, or an admin.
 * - End: the story's owner, or an admin.
 */
import type { Actor } from '../stories/story.ts';
import type { Story } from '../stories/schema.ts';
import type { ButtonAction } from './types.ts';

/** Who may press a button: everyone, admins, and people by id (besides admins). */
export interface Allowed {
  anyone: boolean;
  admins: boolean;
  /** Actor ids, without duplicates: the owner first, then the newest line's author where that counts. */
  ids: string[];
}

/** Who may press `action` on the story as it is now (whether the button is shown at all is storyButtons' call). */
export function whoMayPress(story: Story, action: ButtonAction): Allowed {
  if (action === 'continue') return { anyone: true, admins: true, ids: [] };
  if (action === 'end') return { anyone: false, admins: true, ids: [story.owner.id] };
  // Retry and undo act on the newest line: a model line's `by` is whoever asked for it.
  const last = story.lines[story.lines.length - 1];
  const ids = [story.owner.id];
  if (last && last.by.id !== story.owner.id) ids.push(last.by.id);
  return { anyone: false, admins: true, ids };
}

/** True when `actor` may press `action` on the story as it is now. */
export function mayPress(story: Story, action: ButtonAction, actor: Actor): boolean {
  const allowed = whoMayPress(story, action);
  return allowed.anyone || (allowed.admins && actor.admin) || allowed.ids.includes(actor.id);
}
