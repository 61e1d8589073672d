/** One entry of a field's `_errors` list in Discord's "Invalid Form Body" answer. */
export interface FieldError {
  code: string;
  message: string;
}

/** The nested `errors` object of a 50035 answer: field path segments down to `_errors`. */
export interface FormErrors {
  [segment: string]: FormErrors | FieldError[];
}

/** The JSON body of every Discord REST error. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: FormErrors;
}

/**
 * An error a route handler throws to answer with Discord's error shape.
 * The REST server turns it into `status` + JSON `body`.
 */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.code} ${body.message}`);
  }
}

/** Discord's JSON error codes that the fake answers with, by name. */
export const ErrorCode = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  AlreadyAcknowledged: 40060,
  EditByOtherUser: 50005,
  EmptyMessage: 50006,
  MissingPermissions: 50013,
  InvalidChannelType: 50024,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
  ThreadArchived: 50083,
  ThreadAlreadyCreated: 160004,
} as const;

const messages: Record<number, [number, string]> = {
  [ErrorCode.UnknownApplication]: [404, 'Unknown Application'],
  [ErrorCode.UnknownChannel]: [404, 'Unknown Channel'],
  [ErrorCode.UnknownGuild]: [404, 'Unknown Guild'],
  [ErrorCode.UnknownMember]: [404, 'Unknown Member'],
  [ErrorCode.UnknownMessage]: [404, 'Unknown Message'],
  [ErrorCode.UnknownUser]: [404, 'Unknown User'],
  [ErrorCode.UnknownWebhook]: [404, 'Unknown Webhook'],
  [ErrorCode.UnknownInteraction]: [404, 'Unknown interaction'],
  [ErrorCode.UnknownApplicationCommand]: [404, 'Unknown application command'],
  [ErrorCode.AlreadyAcknowledged]: [400, 'Interaction has already been acknowledged.'],
  [ErrorCode.EditByOtherUser]: [403, 'Cannot edit a message authored by another user'],
  [ErrorCode.EmptyMessage]: [400, 'Cannot send an empty message'],
  [ErrorCode.MissingPermissions]: [403, 'Missing Permissions'],
  [ErrorCode.InvalidChannelType]: [400, 'Cannot execute action on this channel type'],
  [ErrorCode.InvalidWebhookToken]: [401, 'Invalid Webhook Token'],
  [ErrorCode.InvalidJson]: [400, 'The request body contains invalid JSON.'],
  [ErrorCode.ThreadArchived]: [400, 'Thread is archived'],
  [ErrorCode.ThreadAlreadyCreated]: [400, 'A thread has already been created for this message'],
};

/** Builds the error Discord answers for `code`, with its usual HTTP status and message. */
export function apiError(code: number): FakeApiError {
  const known = messages[code];
  if (!known) throw new Error(`no canned message for Discord error code ${code}`);
  return new FakeApiError(known[0], { code, message: known[1] });
}

/** Builds a code-0 HTTP error such as `401: Unauthorized` or `404: Not Found`. */
export function httpError(status: 401 | 404 | 405, text: string): FakeApiError {
  return new FakeApiError(status, { code: ErrorCode.General, message: `${status}: ${text}` });
}

/**
 * Collects field errors under their paths and throws one 50035 "Invalid Form Body"
 * error holding them all, nested the way Discord nests them.
 */
export class FormErrorCollector {
  private readonly errors: FormErrors = {};
  private count = 0;

  /** Adds an error at a path such as `['components', 0, 'components', 1, 'custom_id']`. */
  add(path: ReadonlyArray<string | number>, code: string, message: string): void {
    let node = this.errors;
    for (const segment of path) {
      const key = String(segment);
      const next = node[key];
      if (next === undefined || Array.isArray(next)) node[key] = {};
      node = node[key] as FormErrors;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count += 1;
  }

  /** Throws the collected errors as one 400 50035, if there are any. */
  throwIfAny(): void {
    if (this.count === 0) return;
    throw new FakeApiError(400, {
      code: ErrorCode.InvalidFormBody,
      message: 'Invalid Form Body',
      errors: this.errors,
    });
  }
}
