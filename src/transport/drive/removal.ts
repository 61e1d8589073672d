/**
 * How a side removes a mailbox file, with the roles Google documents:
 *
 * - In a shared drive only a Manager (`organizer`) may delete for good; a Content
 *   manager (`fileOrganizer`) may only move to the trash, which Drive empties after
 *   30 days. So in a shared drive storyloom always trashes.
 * - In My Drive only a file's owner may delete or trash it. storyloom deletes, and
 *   when Drive refuses, tries the trash; when that is refused too, the file cannot
 *   be removed by this account at all (unremovable.ts takes it from there).
 */
import type { DriveApi } from './api.ts';
import { MailboxError } from './errors.ts';

/** What became of a file: deleted for good, moved to the trash, or left where it is because Drive refused both. */
export type Removal = 'deleted' | 'trashed' | 'refused';

/**
 * Whether an error is Drive refusing this account the change (403), as opposed to a
 * failure that retrying, new credentials or another scope could fix.
 */
export function isRefusal(error: unknown): error is MailboxError {
  if (!(error instanceof MailboxError) || error.status !== 403) return false;
  if (error.code === 'not_allowed') return true;
  // Rate limits and quotas are 403s too, but they pass; scope and storage problems have codes of their own.
  return error.code === 'drive_error' && !/limit|quota/i.test(error.reason ?? '');
}

/** Removes the file `id` (`what` names it in errors) as the place allows; throws on failures but a refusal. */
export async function removeFile(api: DriveApi, id: string, what: string, inSharedDrive: boolean): Promise<Removal> {
  if (!inSharedDrive) {
    try {
      await api.deleteFile(id, `deleting ${what}`);
      return 'deleted';
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
  }
  try {
    await api.trashFile(id, `moving ${what} to the trash`);
    return 'trashed';
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return 'refused';
  }
}
