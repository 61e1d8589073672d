import type { IdFactory } from './ids.ts';
import type { UploadedFile } from './types.ts';

/** What `files.getUploadURLExternal` announces about a file. */
export type FileAnnouncement = Pick<UploadedFile, 'filename' | 'length' | 'title' | 'alt_text' | 'snippet_type'>;

/** Files going through Slack's three-step external upload, by file id. */
export class FileStore {
  private readonly files = new Map<string, UploadedFile>();

  constructor(private readonly ids: IdFactory) {}

  /** Step 1: registers a file and gives it an id. */
  announce(announcement: FileAnnouncement): UploadedFile {
    const file: UploadedFile = { id: this.ids.nextId('F'), ...announcement };
    this.files.set(file.id, file);
    return file;
  }

  /** Step 2: stores the bytes posted to the upload URL; false for an unknown id. */
  receiveBytes(id: string, bytes: Buffer): boolean {
    const file = this.files.get(id);
    if (!file) return false;
    file.bytes = bytes;
    file.uploadedAt = Date.now();
    return true;
  }

  /** The file with this id, if any. */
  get(id: string): UploadedFile | undefined {
    return this.files.get(id);
  }

  /** Every file whose bytes arrived, in announcement order. */
  uploaded(): UploadedFile[] {
    return [...this.files.values()].filter((file) => file.bytes !== undefined);
  }
}
