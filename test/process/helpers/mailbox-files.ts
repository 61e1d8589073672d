/** The files of one mailbox folder as they stand in the Drive fake. */
import { FOLDER_MIME, type DriveFake, type FileDump } from '../../fakes/drive/index.ts';

/** Every file (trashed ones too) in the subfolder `folder` of the mailbox `rootId`. */
export function filesIn(fake: DriveFake, rootId: string, folder: string): FileDump[] {
  const all = fake.files();
  const dir = all.find((f) => f.name === folder && f.mimeType === FOLDER_MIME && f.parents.includes(rootId));
  if (!dir) throw new Error(`the mailbox ${rootId} has no ${folder}/ folder`);
  return all.filter((f) => f.parents.includes(dir.id));
}
