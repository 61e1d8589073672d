// The composers: send on Enter, hint slash commands as you type, and keep what you
// typed until the server has taken it. A counter shows near the server's limit.

const SHOW_COUNTER_AT = 0.8;

function usage(command) {
  return `/${command.name}${command.options.map((o) => (o.required ? ` <${o.name}>` : ` [--${o.name}]`)).join('')}`;
}

const chars = (text) => [...text].length;

/**
 * What the server counts of a line typed `where` (channel, thread), against its
 * `limits` ({opening, line}, from the API): `{count, max}`, or null where it counts nothing.
 */
export function limitOf(where, text, limits) {
  if (!limits) return null;
  if (!text.startsWith('/')) return where === 'thread' ? { count: chars(text), max: limits.line } : null;
  const command = /^\/([a-z][a-z-]*)(?:\s+([\s\S]*))?$/i.exec(text);
  const name = command?.[1].toLowerCase();
  const max = name === 'story' ? limits.opening : name === 'add' ? limits.line : null;
  if (max === null) return null;
  // The options (--length 60) are not part of the opening or the line.
  const free = (command[2] ?? '').replace(/(^|\s)--[a-z][a-z_-]*\s+\S+/gi, ' ').trim();
  return { count: chars(free), max };
}

/**
 * Wires one composer form. `commands()` gives the commands to hint; `send(text)`
 * sends and resolves true once the server took it (the box empties only then);
 * `limitFor(text)` gives `{count, max}` for text the server counts, or null.
 * Returns `cooldown(untilMs)`, which disables Send with a countdown, and `clearIf(text)`.
 */
export function composer(form, { commands, send, limitFor }) {
  const input = form.elements.text;
  const submit = form.querySelector('button[type=submit]');
  const hints = form.querySelector('.hints');
  const counter = form.querySelector('.counter');
  let active = 0;
  let sending = false;
  let until = 0;

  const over = () => {
    const limit = limitFor(input.value.trim());
    return limit !== null && limit.count > limit.max;
  };
  const drawCounter = () => {
    const limit = limitFor(input.value.trim());
    const show = limit !== null && limit.count >= SHOW_COUNTER_AT * limit.max;
    counter.hidden = !show;
    counter.classList.toggle('over', show && limit.count > limit.max);
    if (show) {
      const extra = limit.count - limit.max;
      counter.textContent = `${limit.count} / ${limit.max}${extra > 0 ? `: ${extra} too many` : ''}`;
    }
  };
  const drawSubmit = () => {
    const wait = Math.ceil((until - Date.now()) / 1000);
    submit.textContent = wait > 0 ? `Send · ${wait} s` : 'Send';
    submit.disabled = input.disabled || sending || wait > 0 || over();
  };
  const redraw = () => {
    drawCounter();
    drawSubmit();
  };

  const matches = () => {
    const text = input.value;
    if (!text.startsWith('/') || text.includes(' ')) return [];
    return commands().filter((c) => `/${c.name}`.startsWith(text.toLowerCase()));
  };
  const drawHints = () => {
    const found = matches();
    active = Math.min(active, Math.max(0, found.length - 1));
    hints.replaceChildren(
      ...found.map((c, i) => {
        const item = document.createElement('li');
        item.className = i === active ? 'active' : '';
        const code = Object.assign(document.createElement('span'), { className: 'usage', textContent: usage(c) });
        const help = Object.assign(document.createElement('span'), { className: 'help', textContent: c.description });
        item.append(code, help);
        item.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(c);
        });
        return item;
      }),
    );
  };
  const pick = (c) => {
    input.value = `/${c.name}${c.options.length ? ' ' : ''}`;
    hints.replaceChildren();
    input.focus();
    redraw();
  };
  input.addEventListener('input', () => {
    drawHints();
    redraw();
  });
  input.addEventListener('keydown', (e) => {
    const found = matches();
    if (!found.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      drawHints();
    } else if (e.key === 'Tab' || (e.key === 'Enter' && found.length && input.value !== `/${found[active].name}`)) {
      e.preventDefault();
      pick(found[active]);
    } else if (e.key === 'Escape') hints.replaceChildren();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    // Enter goes through even with Send disabled: hold back what the server would refuse or cannot take yet.
    if (!text || sending || Date.now() < until || over()) return;
    hints.replaceChildren();
    sending = true;
    drawSubmit();
    try {
      // Why not empty the box first: a refused line (too long, a cooldown, the server down) would be lost.
      if ((await send(text)) && input.value.trim() === text) input.value = '';
    } finally {
      sending = false;
      redraw();
    }
  });
  setInterval(() => {
    if (!until) return;
    if (Date.now() >= until) until = 0;
    drawSubmit();
  }, 250);
  redraw();
  return {
    cooldown(untilMs) {
      until = Math.max(until, untilMs);
      drawSubmit();
    },
    clearIf(text) {
      if (input.value.trim() === text) input.value = '';
      redraw();
    },
    redraw,
  };
}
