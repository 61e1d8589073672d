// The playground's calls to its own JSON API.

/** The sentence shown when the server cannot be reached at all (the browser's own words are "Failed to fetch"). */
export const UNREACHABLE =
  'Can’t reach the storyloom server: it may have stopped. ' +
  'This page reconnects by itself when it is back; what you typed is kept.';

/** A refused or failed call: `network` when the server could not be reached, `retryAfterMs` for a limit that clears. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = 'network', retryAfterMs = null, network = false } = {}) {
    super(message);
    Object.assign(this, { status, code, retryAfterMs, network });
  }
}

/** Called with every network failure, so the page can say the server is gone. */
let onUnreachable = () => undefined;
export function whenUnreachable(handler) {
  onUnreachable = handler;
}

async function call(method, path, body) {
  let res;
  try {
    const headers = body ? { 'content-type': 'application/json' } : {};
    res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  } catch {
    onUnreachable();
    throw new ApiError(UNREACHABLE, { network: true });
  }
  const data = await res.json().catch(() => ({ error: { message: `The server answered HTTP ${res.status}.` } }));
  if (!res.ok) {
    const { code = 'http', message = `HTTP ${res.status}`, retryAfterMs = null } = data.error ?? {};
    if (code === 'stopping') onUnreachable();
    throw new ApiError(message, { status: res.status, code, retryAfterMs });
  }
  return data;
}

export const api = {
  command: (user, text, thread) => call('POST', '/api/command', { user, text, ...(thread ? { thread } : {}) }),
  button: (user, customId, thread) => call('POST', '/api/button', { user, customId, ...(thread ? { thread } : {}) }),
  stories: () => call('GET', '/api/stories'),
  story: (id) => call('GET', `/api/stories/${encodeURIComponent(id)}`),
  whoami: (user) => call('GET', `/api/whoami?user=${encodeURIComponent(user)}`),
  commands: () => call('GET', '/api/commands'),
  health: () => call('GET', '/healthz'),
};
