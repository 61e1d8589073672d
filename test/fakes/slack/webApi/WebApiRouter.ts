import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiCallLog } from '../ApiCallLog.ts';
import type { ApiFaults } from '../ApiFaults.ts';
import { BodyParseError, parseApiArgs, readBody, tokenOf } from '../requestParsing.ts';
import { type ApiMethod, type ApiServices, SlackApiError, type TokenKind } from './apiTypes.ts';
import { chatMethods } from './chatMethods.ts';
import { conversationMethods } from './conversationMethods.ts';
import { fileMethods } from './fileMethods.ts';
import { reactionMethods } from './reactionMethods.ts';

/** The tokens the fake accepts, by kind. */
export interface FakeTokens {
  bot: string;
  app: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * Answers `POST /api/<method>`: parses the arguments, checks the token
 * (`not_authed`, `invalid_auth`, `not_allowed_token_type`), applies forced
 * rate limits and errors, runs the method, and records the call with its answer.
 */
export class WebApiRouter {
  private readonly methods: Record<string, ApiMethod>;

  constructor(
    private readonly services: ApiServices,
    private readonly tokens: FakeTokens,
    private readonly log: ApiCallLog,
    private readonly faults: ApiFaults,
  ) {
    this.methods = {
      ...chatMethods(services),
      ...conversationMethods(services),
      ...reactionMethods(services),
      ...fileMethods(services),
    };
  }

  /** Handles one Web API request for `method`. */
  async handle(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const at = Date.now();
    let body: Record<string, unknown> = {};
    let token: string | undefined;
    let answer: Answer;
    try {
      body = await parseApiArgs(await readBody(req), req.headers['content-type'], query);
      token = tokenOf(req, body);
      delete body.token;
      const hold = this.faults.takeHold(method, body);
      if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
      answer = this.answer(method, body, token);
    } catch (error) {
      if (!(error instanceof BodyParseError)) throw error;
      answer = { status: 200, headers: {}, body: { ok: false, error: error.slackError } };
    }
    this.log.record({ method, body, token, at, status: answer.status, response: answer.body });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private answer(method: string, args: Record<string, unknown>, token: string | undefined): Answer {
    try {
      const spec = this.methods[method];
      if (!spec) throw new SlackApiError('unknown_method', { req_method: method });
      this.checkToken(spec.token, token);
      const forced = this.services.limiter.takeForced(method);
      if (forced !== undefined) throw SlackApiError.rateLimited(forced);
      const fault = this.faults.take(method);
      if (fault !== undefined) throw new SlackApiError(fault);
      return { status: 200, headers: {}, body: { ok: true, ...spec.handle(args) } };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      return {
        status: error.httpStatus,
        headers: error.headers,
        body: { ok: false, error: error.error, ...error.extra },
      };
    }
  }

  private checkToken(wanted: TokenKind, token: string | undefined): void {
    if (token === undefined) throw new SlackApiError('not_authed');
    const kind = token === this.tokens.bot ? 'bot' : token === this.tokens.app ? 'app' : undefined;
    if (kind === undefined) throw new SlackApiError('invalid_auth');
    if (kind !== wanted) throw new SlackApiError('not_allowed_token_type');
  }
}
