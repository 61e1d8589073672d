import { stringArg } from '../requestParsing.ts';
import type { MessageFile, UploadedFile } from '../types.ts';
import { compact } from '../wireFormat.ts';
import { type ApiMethod, type ApiServices, SlackApiError } from './apiTypes.ts';
import { channelArg, requiredString, threadArg } from './arguments.ts';
import { messageContent } from './messageContent.ts';

/**
 * The external file upload, as `WebClient.files.uploadV2` does it:
 * `files.getUploadURLExternal` hands out an upload URL on the fake, the client
 * posts the bytes there, then `files.completeUploadExternal` shares the files.
 */
export function fileMethods(services: ApiServices): Record<string, ApiMethod> {
  return {
    'files.getUploadURLExternal': {
      token: 'bot',
      handle: (args) => {
        const filename = requiredString(args, 'filename');
        const length = Number(requiredString(args, 'length'));
        if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments');
        const file = services.files.announce(
          compact({
            filename,
            length,
            title: stringArg(args.title),
            alt_text: stringArg(args.alt_text),
            snippet_type: stringArg(args.snippet_type),
          }),
        );
        return { upload_url: `${services.baseUrl()}/upload/${file.id}`, file_id: file.id };
      },
    },
    'files.completeUploadExternal': { token: 'bot', handle: (args) => completeUpload(services, args) },
  };
}

function completeUpload(services: ApiServices, args: Record<string, unknown>): Record<string, unknown> {
  const files = uploadedFiles(services, args.files);
  const channel = args.channel_id === undefined ? undefined : channelArg(services, args.channel_id);
  const thread_ts = channel ? threadArg(services, channel.id, args.thread_ts) : undefined;
  const initial_comment = stringArg(args.initial_comment);
  const content = messageContent(args, false);
  const now = Date.now();
  let messageTs: string | undefined;
  if (channel) {
    const { identity } = services.workspace;
    const message = services.messages.post(
      compact({
        channel: channel.id,
        thread_ts,
        text: initial_comment,
        blocks: content.blocks,
        user: identity.botUserId,
        bot_id: identity.botId,
        app_id: identity.appId,
        files: files.map((f): MessageFile => compact({ id: f.file.id, name: f.file.filename, title: f.file.title })),
      }),
    );
    messageTs = message.ts;
    services.onBotMessage(message);
  }
  for (const { file } of files) {
    Object.assign(file, compact({ completedAt: now, channel_id: channel?.id, thread_ts, initial_comment, messageTs }));
  }
  return {
    files: files.map(({ file }) =>
      compact({ id: file.id, name: file.filename, title: file.title, size: file.bytes?.length }),
    ),
  };
}

function uploadedFiles(services: ApiServices, value: unknown): { file: UploadedFile }[] {
  if (!Array.isArray(value) || value.length === 0) throw new SlackApiError('invalid_arguments');
  return value.map((entry: unknown) => {
    const id =
      typeof entry === 'object' && entry !== null ? stringArg((entry as Record<string, unknown>).id) : undefined;
    const file = id === undefined ? undefined : services.files.get(id);
    // A file whose bytes never reached the upload URL cannot be completed.
    if (!file?.bytes) throw new SlackApiError('file_not_found');
    const title = stringArg((entry as Record<string, unknown>).title);
    if (title !== undefined) file.title = title;
    return { file };
  });
}
