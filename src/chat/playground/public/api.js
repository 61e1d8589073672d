// The playground's calls to its own JSON API.

async function call(method, path, body) {
  const res = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({ error: { message: `HTTP ${res.status}` } }));
  if (!res.ok) throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  return data;
}

export const api = {
  command: (user, text, thread) => call('POST', '/api/command', { user, text, ...(thread ? { thread } : {}) }),
  button: (user, customId) => call('POST', '/api/button', { user, customId }),
  stories: () => call('GET', '/api/stories'),
  story: (id) => call('GET', `/api/stories/${encodeURIComponent(id)}`),
  whoami: (user) => call('GET', `/api/whoami?user=${encodeURIComponent(user)}`),
  commands: () => call('GET', '/api/commands'),
  health: () => call('GET', '/healthz'),
};

/**
 * Calls `on[event](data)` for every server-sent event, and `onReconnect()` each time
 * the stream opens again after a drop (events sent meanwhile were missed).
 */
export function listen(on, onReconnect) {
  let dropped = false;
  const connect = () => {
    const source = new EventSource('/api/events');
    source.addEventListener('error', () => {
      dropped = true;
      // The browser retries by itself, unless it gave up on the stream: then open a new one.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    });
    source.addEventListener('open', () => {
      if (!dropped) return;
      dropped = false;
      onReconnect();
    });
    for (const [event, handler] of Object.entries(on)) source.addEventListener(event, (e) => handler(JSON.parse(e.data)));
  };
  connect();
}
