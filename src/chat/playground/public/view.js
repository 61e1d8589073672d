// Rendering of the header, the channel and notices. Every piece of user or model text
// goes in through textContent, never as HTML.

const $ = (selector) => document.querySelector(selector);

/** An element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/** The header's worker status; its dot's colour comes from `data-state` (running, paused, draining, offline). */
export function renderWorker(health) {
  const node = $('[data-testid=worker]');
  node.dataset.state = health.online ? health.state : 'offline';
  // A fresh worker has measured no speed yet: show none rather than "0 chars/s".
  const speed = health.charsPerSecond ? ` · ${health.charsPerSecond} chars/s` : '';
  const model = health.model ? ` · ${health.model}` : '';
  node.textContent = health.online ? `${health.id} · ${health.state}${model}${speed}` : 'no worker online';
  node.title = 'The worker that writes the lines';
}

/** The header while the server cannot be reached: nothing it said before can be vouched for. */
export function renderServerDown() {
  const node = $('[data-testid=worker]');
  node.dataset.state = 'server-down';
  node.textContent = 'server stopped: reconnecting…';
  node.title = 'The storyloom server is not answering. This page reconnects by itself and catches up when it is back.';
}

export function renderMe(name, admin) {
  const me = $('[data-testid=me]');
  me.textContent = name;
  me.classList.toggle('admin', admin);
}

export function renderStories(stories, currentId, onOpen) {
  const list = $('[data-testid=stories]');
  list.replaceChildren(
    ...stories.map((s) => {
      const state = s.status === 'ended' ? ' · ended' : s.pending ? ' · writing…' : s.voting ? ' · voting…' : '';
      const meta = `${s.owner.name} · ${s.lines} line${s.lines === 1 ? '' : 's'}${state}`;
      const title = el('span', { className: 'title', textContent: s.displayTitle ?? s.title, title: s.title });
      const item = el('li', { className: s.id === currentId ? 'current' : '' }, title);
      item.append(el('span', { className: 'meta', textContent: meta }));
      item.dataset.storyId = s.id;
      item.addEventListener('click', () => onOpen(s.id));
      return item;
    }),
  );
  $('[data-testid=empty]').hidden = stories.length > 0;
}

export function notice(where, text, error = false) {
  const box = $(`[data-testid=${where}-notices]`);
  const node = el('div', { className: `notice${error ? ' error' : ''}`, textContent: text });
  box.append(node);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => node.remove(), error ? 12_000 : 8_000);
}

export function showPane(view) {
  $('.panes').dataset.view = view;
}
