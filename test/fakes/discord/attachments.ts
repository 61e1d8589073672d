import type { APIAttachment } from 'discord.js';
import type { UploadedFile } from './rest/body.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import { isObject } from './validation.ts';

/** An attachment's bytes, kept so tests (and `GET /attachments/...`) can read them back. */
export interface StoredAttachment {
  attachment: APIAttachment;
  data: Buffer;
}

/**
 * Turns multipart `files[n]` parts into message attachments. discord.js sends an
 * `attachments` array in `payload_json` whose entries point at parts by index
 * (`{ id: 0, description }`); entries with snowflake ids keep existing attachments.
 */
export class AttachmentStore {
  private readonly stored = new Map<string, StoredAttachment>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly baseUrl: string,
  ) {}

  /** The attachments a message ends up with after a create or an edit. */
  resolve(
    channelId: string,
    body: Record<string, unknown>,
    files: UploadedFile[],
    existing: APIAttachment[] = [],
  ): APIAttachment[] {
    const entries = Array.isArray(body.attachments) ? body.attachments.filter(isObject) : undefined;
    const keptIds = new Set(entries?.map((e) => String(e.id)));
    const kept = entries === undefined ? existing : existing.filter((a) => keptIds.has(a.id));
    const added = files.map((file, position) => {
      const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(position);
      const entry = entries?.find((e) => String(e.id) === index);
      return this.store(channelId, file, entry);
    });
    return [...kept, ...added];
  }

  /** Returns an attachment's stored bytes and metadata. */
  get(id: string): StoredAttachment | undefined {
    return this.stored.get(id);
  }

  private store(channelId: string, file: UploadedFile, entry: Record<string, unknown> | undefined): APIAttachment {
    const id = this.ids.next();
    const filename = typeof entry?.filename === 'string' ? entry.filename : file.filename;
    const url = `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const attachment: APIAttachment = {
      id,
      filename,
      size: file.data.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(typeof entry?.description === 'string' ? { description: entry.description } : {}),
    };
    this.stored.set(id, { attachment, data: file.data });
    return attachment;
  }
}
