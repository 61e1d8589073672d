import type { UploadedFile } from './body.ts';

/** What a route handler gets: the matched parameters and the parsed request. */
export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON body (or multipart `payload_json`), undefined when there is none. */
  body: unknown;
  files: UploadedFile[];
}

/** What a route handler answers: a JSON body, no body (204), or raw bytes. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  raw?: { data: Buffer; contentType: string };
}

/** Handles one route; may throw a FakeApiError to answer with Discord's error shape. */
export type RouteHandler = (req: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/** How a route is reached: under `/api/v10` with a bot token, without one, or outside the API (CDN). */
export type RouteAccess = 'bot' | 'public' | 'cdn';

/** A registered route. */
export interface Route {
  method: string;
  pattern: string;
  access: RouteAccess;
  handler: RouteHandler;
}

/** The result of matching a path: the route and its parameters, or why nothing matched. */
export type RouteMatch = { route: Route; params: Record<string, string> } | { status: 404 | 405 };

/** A small path router: `:name` segments capture, other segments match literally, first match wins. */
export class Router {
  private readonly routes: { route: Route; segments: string[] }[] = [];

  /** Registers a handler for a method and a pattern such as `/channels/:channelId/messages`. */
  add(method: string, pattern: string, handler: RouteHandler, access: RouteAccess = 'bot'): void {
    this.routes.push({ route: { method, pattern, access, handler }, segments: split(pattern) });
  }

  /** Finds the route for a request; `cdn` says whether the path was outside `/api/v10`. */
  match(method: string, path: string, cdn: boolean): RouteMatch {
    const parts = split(path);
    let pathMatched = false;
    for (const { route, segments } of this.routes) {
      if ((route.access === 'cdn') !== cdn) continue;
      const params = matchSegments(segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return { status: pathMatched ? 405 : 404 };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    const part = decodeURIComponent(parts[i]!);
    if (segment.startsWith(':')) params[segment.slice(1)] = part;
    else if (segment !== part) return undefined;
  }
  return params;
}
