/**
 * Who may take which action on a story, as pure functions: the one statement of the
 * rules, so a chat that can show each viewer only their own buttons (the playground)
 * shows exactly what core would allow. story.ts enforces the same rules when a change
 * is made; a test checks that the two agree.
 *
 * - Continue: anyone.
 * - Retry: whoever asked for the newest line, the story's owner, or an admin.
 * - Undo: the newest line's author, the story's owner, or an admin.
 * - End: the story's owner, or an admin.
 * - Branch (move the story back to an earlier line, or /switch it to another branch): the story's owner, or an
 *   admin.
 * - Pick (close a vote with the candidate they choose) and set the story's number of candidates: the story's owner,
 *   or an admin. Anyone may vote.
 */
import type { Person } from '../jobs/protocol.ts';
import type { Story } from './schema.ts';
import { headLine } from './tree.ts';

/** What a person may do to a story from its newest line (core shows each as a button). */
export type StoryAction = 'continue' | 'retry' | 'undo' | 'end';

/** The story actions, in the order their buttons show. */
export const STORY_ACTIONS: readonly StoryAction[] = ['continue', 'retry', 'undo', 'end'];

/** Every change a person may or may not make: the buttons' actions, /branch and /switch, /pick, /candidates. */
export type StoryChange = StoryAction | 'branch' | 'pick' | 'settings';

/** Who may take an action: everyone, admins, and people by id (besides admins). */
export interface Allowed {
  anyone: boolean;
  admins: boolean;
  /** People's ids, without duplicates: the owner first, then the newest line's author where that counts. */
  ids: string[];
}

/** Who may take `action` on the story as it is now (whether its button is shown at all is storyButtons' call). */
export function whoMayPress(story: Story, action: StoryChange): Allowed {
  if (action === 'continue') return { anyone: true, admins: true, ids: [] };
  if (action === 'end' || action === 'branch' || action === 'pick' || action === 'settings')
    return { anyone: false, admins: true, ids: [story.owner.id] };
  // Retry and undo act on the newest line of the current branch: a model line's `by` is whoever asked for it.
  const last = headLine(story);
  const ids = [story.owner.id];
  if (last && last.by.id !== story.owner.id) ids.push(last.by.id);
  return { anyone: false, admins: true, ids };
}

/** True when `person` (an admin or not) may take `action` on the story as it is now. */
export function mayPress(story: Story, action: StoryChange, person: Person, admin: boolean): boolean {
  const allowed = whoMayPress(story, action);
  return allowed.anyone || (allowed.admins && admin) || allowed.ids.includes(person.id);
}
