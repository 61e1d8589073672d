// Rendering. Every piece of user or model text goes in through textContent, never as HTML.

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

export function renderWorker(health) {
  const node = $('[data-testid=worker]');
  node.className = `worker ${health.online ? 'online' : 'offline'}`;
  node.textContent = health.online
    ? `${health.id} · ${health.state}${health.model ? ` · ${health.model}` : ''} · ${health.charsPerSecond} chars/s`
    : 'no worker online';
}

export function renderMe(name, admin) {
  const me = $('[data-testid=me]');
  me.textContent = name;
  me.classList.toggle('admin', admin);
}

export function renderStories(stories, currentId, onOpen) {
  const list = $('[data-testid=stories]');
  list.replaceChildren(...stories.map((s) => {
    const meta = `${s.owner.name} · ${s.lines} line${s.lines === 1 ? '' : 's'}${s.status === 'ended' ? ' · ended' : s.pending ? ' · writing…' : ''}`;
    const item = el('li', { className: s.id === currentId ? 'current' : '' }, el('span', { className: 'title', textContent: s.title }), el('span', { className: 'meta', textContent: meta }));
    item.dataset.storyId = s.id;
    item.addEventListener('click', () => onOpen(s.id));
    return item;
  }));
  $('[data-testid=empty]').hidden = stories.length > 0;
}

export function renderThread(story, progress, onButton) {
  $('[data-testid=thread-title]').textContent = story ? story.title : 'Pick a story';
  const n = story?.lines.length ?? 0;
  $('[data-testid=thread-status]').textContent = story ? (story.status === 'ended' ? 'ended' : `${n} line${n === 1 ? '' : 's'}`) : '';
  $('[data-testid=lines]').replaceChildren(...(story?.lines ?? []).map((line) => {
    const by = line.kind === 'model' ? `storyloom${line.model ? ` (${line.model})` : ''} for ${line.author.name}` : line.kind === 'seed' ? `${line.by} · seed` : line.by;
    const item = el('li', { className: line.kind }, el('span', { className: 'by', textContent: by }), line.text);
    item.dataset.kind = line.kind;
    return item;
  }));
  $('[data-testid=lines]').lastElementChild?.scrollIntoView({ block: 'nearest' });
  const box = $('[data-testid=progress]');
  box.hidden = !progress;
  box.textContent = progress ? progress.text : '';
  const buttons = story && !story.pending ? story.buttons : [];
  $('[data-testid=buttons]').replaceChildren(...buttons.map((b) => {
    const button = el('button', { type: 'button', className: b.style, textContent: b.label });
    button.dataset.action = b.action;
    button.addEventListener('click', () => onButton(b.customId));
    return button;
  }));
  const composer = $('[data-testid=thread-composer]');
  for (const control of composer.elements) control.disabled = !story || story.status === 'ended';
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
