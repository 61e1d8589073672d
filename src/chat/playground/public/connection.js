// The live feed, and whether the server is there. The page counts the server as gone
// when its event stream closes or fails, when a request cannot reach it, or when the
// stream has been silent for MISSED of its `alive` beats (a server that hangs closes nothing).

const MISSED = 3;

/**
 * Opens the event stream: `on[event](data)` for each event; `onDown()` when the server
 * stops answering; `onUp(first)` when it answers again (`first` for the very first
 * time), after which the page reloads what it may have missed. Returns `lost()`, to
 * call when a request found the server unreachable.
 */
export function connect(on, onDown, onUp) {
  let source = null;
  let up = false;
  let ever = false;
  let everyMs = 5000;
  let heard = Date.now();

  const down = () => {
    if (!up && ever) return;
    up = false;
    ever = true;
    onDown();
  };
  const alive = () => {
    heard = Date.now();
    if (up) return;
    up = true;
    const first = !ever;
    ever = true;
    onUp(first);
  };
  const open = () => {
    source?.close();
    const stream = new EventSource('/api/events');
    source = stream;
    stream.addEventListener('error', () => {
      if (stream !== source) return;
      down();
      // The browser retries by itself, unless it gave up on the stream (an answer that is not a stream).
      if (stream.readyState === EventSource.CLOSED) setTimeout(() => stream === source && open(), 2000);
    });
    stream.addEventListener('alive', (e) => {
      everyMs = JSON.parse(e.data).everyMs ?? everyMs;
      alive();
    });
    for (const [event, handler] of Object.entries(on)) {
      stream.addEventListener(event, (e) => {
        heard = Date.now();
        handler(JSON.parse(e.data));
      });
    }
  };
  setInterval(() => {
    if (Date.now() - heard < MISSED * everyMs) return;
    // Silent too long: the server is gone or hung. Try a fresh stream, again each time the wait runs out.
    down();
    heard = Date.now();
    open();
  }, 1000);
  open();
  return () => {
    if (up) down();
  };
}
