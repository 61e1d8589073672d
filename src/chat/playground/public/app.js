// The playground page: state, the live feed, and wiring.
import { api, whenUnreachable } from './api.js';
import { composer, limitOf } from './composer.js';
import { connect } from './connection.js';
import { pinNewestLine, renderButtons, renderThread } from './thread.js';
import { notice, renderMe, renderServerDown, renderStories, renderWorker, showPane } from './view.js';
import { tickVote } from './vote.js';

const state = {
  user: '',
  id: '',
  admin: false,
  stories: new Map(),
  order: [],
  current: null,
  progress: new Map(),
  commands: [],
  limits: null,
  cooldowns: new Map(),
  down: false,
  lostStory: null,
};
const composers = {};

function pickName() {
  const fromUrl = new URLSearchParams(location.search).get('user');
  if (fromUrl) sessionStorage.setItem('storyloom-user', fromUrl);
  return sessionStorage.getItem('storyloom-user');
}

async function setName(name) {
  const me = await api.whoami(name);
  Object.assign(state, { user: me.name, id: me.id, admin: me.admin });
  sessionStorage.setItem('storyloom-user', me.name);
  renderMe(me.name, me.admin);
  draw();
}

function askName() {
  const dialog = document.querySelector('[data-testid=name-dialog]');
  dialog.querySelector('input').value = state.user || `Writer ${Math.floor(1000 + Math.random() * 9000)}`;
  dialog.showModal();
  const chosen = () => setName(dialog.querySelector('input').value).catch((e) => notice('channel', e.message, true));
  dialog.addEventListener('close', chosen, { once: true });
}

function summaries() {
  return state.order
    .map((id) => state.stories.get(id))
    .filter(Boolean)
    .map((s) => ({
      id: s.id,
      title: s.title,
      displayTitle: s.displayTitle,
      status: s.status,
      owner: s.owner,
      lines: s.lines?.length ?? s.lines,
      pending: Boolean(s.pending),
      voting: Boolean(s.vote?.open ?? s.voting),
    }));
}

/** The open story, once it is loaded whole (the channel list holds summaries, whose `lines` is a count). */
const story = () => {
  const s = state.current ? state.stories.get(state.current) : null;
  return Array.isArray(s?.lines) ? s : null;
};
const buttonWiring = () => ({
  me: state,
  cooldowns: state.cooldowns,
  onButton: press,
  onExport: () => send('thread', '/export'),
  onBranch: (n) => send('thread', `/branch ${n}`),
  onContinue: (n) => send('thread', `/continue ${n}`),
  onVote: press,
  onPick: (n) => send('thread', `/pick ${n}`),
});

function draw() {
  renderStories(summaries(), state.current, open);
  const progress = state.current ? state.progress.get(state.current) : null;
  renderThread(story(), { progress, stale: state.down, ...buttonWiring() });
  composers.thread?.redraw();
}

function remember(s) {
  if (!state.order.includes(s.id)) state.order.unshift(s.id);
  // A story read before a change can arrive after that change's event (a catch-up's read, a slow open): an older
  // copy never replaces a newer one.
  const known = state.stories.get(s.id);
  if (known?.updatedAt && s.updatedAt && known.updatedAt > s.updatedAt) return;
  state.stories.set(s.id, s);
}

/** Shows a story's thread with what the page knows of it. */
function show(id) {
  state.current = id;
  showPane('thread');
  draw();
}

/** Shows a story's thread, then loads the whole story. */
async function open(id) {
  show(id);
  try {
    remember(await api.story(id));
  } catch (error) {
    notice('thread', error.message, true);
  }
  draw();
}

function replied(where, { reply, storyId, story: view }) {
  if (view) remember(view);
  // An export's files, in order: the Markdown of the current branch, then the whole tree as JSON.
  for (const file of reply.files ?? []) {
    const href = URL.createObjectURL(new Blob([file.content], { type: file.mime }));
    Object.assign(document.createElement('a'), { href, download: file.name }).click();
  }
  if (reply.progress && storyId) state.progress.set(storyId, { jobId: reply.jobId, text: reply.text });
  else if (reply.text) notice(where, reply.text);
}

/** A refusal: its sentence, and for a limit that clears with time, a countdown on what was pressed. */
function refused(where, error, action) {
  if (error.retryAfterMs) {
    const until = Date.now() + error.retryAfterMs;
    if (action) state.cooldowns.set(action, until);
    else composers[where].cooldown(until);
    draw();
  }
  notice(where, error.message, true);
}

/** Sends a typed line; true once the server took it (the composer keeps the text until then). */
async function send(where, text) {
  const starting = where === 'channel' && /^\/story(\s|$)/i.test(text);
  const known = new Set(state.order);
  try {
    const result = await api.command(state.user, text, where === 'thread' ? state.current : undefined);
    replied(where, result);
    // The reply carries the new story: open its thread without another call that a stopping server could miss.
    if (starting && result.storyId) show(result.storyId);
    else draw();
    return true;
  } catch (error) {
    // The server may have made the story and stopped before answering: look for it when it is back.
    if (starting && error.network) state.lostStory = { known, text };
    refused(where, error, null);
    return false;
  }
}

async function press(button) {
  try {
    replied('thread', await api.button(state.user, button.customId, state.current));
    draw();
  } catch (error) {
    refused('thread', error, button.action);
  }
}

/** After the server was gone: reload the story list, the open story and the worker's health. */
async function catchUp() {
  const { stories } = await api.stories();
  for (const s of [...stories].reverse()) {
    if (!s.pending) state.progress.delete(s.id);
    if (s.id !== state.current) remember(s);
  }
  const lost = state.lostStory;
  state.lostStory = null;
  const made = lost && stories.find((s) => s.owner.id === state.id && !lost.known.has(s.id));
  if (made) {
    composers.channel.clearIf(lost.text);
    await open(made.id);
  } else if (state.current) {
    const current = await api.story(state.current);
    remember(current);
    if (!current.pending) state.progress.delete(current.id);
  }
  renderWorker((await api.health()).worker);
  draw();
}

function listen() {
  const lost = connect(
    {
      story: ({ story: s }) => {
        remember(s);
        if (!s.pending) state.progress.delete(s.id);
        draw();
      },
      line: ({ story: s }) => {
        remember(s);
        state.progress.delete(s.id);
        draw();
      },
      progress: ({ storyId, jobId, text }) => {
        state.progress.set(storyId, { jobId, text });
        draw();
      },
      // A vote shown: it opened (with what the job wrote, in place of its progress), counted a ballot, or closed.
      vote: ({ story: s, storyId, text }) => {
        remember(s);
        state.progress.delete(storyId);
        if (text && storyId === state.current) notice('thread', text);
        draw();
      },
      failure: ({ storyId, text }) => {
        state.progress.delete(storyId);
        if (storyId === state.current) notice('thread', text, true);
        draw();
      },
      worker: (health) => state.down || renderWorker(health),
    },
    () => {
      state.down = true;
      renderServerDown();
      draw();
    },
    (first) => {
      state.down = false;
      if (!first) return catchUp().catch((error) => notice('channel', error.message, true));
      // A worker's heartbeat that changed between the page's first read and the stream's opening came before the
      // page could hear of it (the stream hears only what follows): read the workers' health once more.
      api
        .health()
        .then(({ worker }) => state.down || renderWorker(worker))
        .catch(() => undefined);
      draw();
    },
  );
  whenUnreachable(lost);
}

async function boot() {
  const name = pickName();
  if (name) await setName(name).catch(() => askName());
  else askName();
  document.querySelector('[data-testid=me]').addEventListener('click', askName);
  document.querySelector('[data-testid=back]').addEventListener('click', () => showPane('channel'));
  pinNewestLine();
  ({ commands: state.commands, limits: state.limits } = await api.commands());
  const channelCommands = () => state.commands.filter((c) => c.scope === 'channel' && (!c.admin || state.admin));
  const threadCommands = () =>
    state.commands.filter((c) =>
      story()?.status === 'ended'
        ? ['export', 'branches', 'status'].includes(c.name)
        : c.scope === 'thread' || c.name === 'status',
    );
  for (const where of ['channel', 'thread']) {
    const form = document.querySelector(`[data-testid=${where}-composer]`);
    const commands = where === 'channel' ? channelCommands : threadCommands;
    const limitFor = (t) => limitOf(where, t, state.limits);
    composers[where] = composer(form, { commands, send: (t) => send(where, t), limitFor });
  }
  for (const s of (await api.stories()).stories.reverse()) remember(s);
  renderWorker((await api.health()).worker);
  draw();
  listen();
  // The open vote's countdown.
  setInterval(tickVote, 250);
  // A countdown on a refused button ticks down, and the button comes back when it is over.
  setInterval(() => {
    if (!state.cooldowns.size) return;
    for (const [action, until] of state.cooldowns) if (until <= Date.now()) state.cooldowns.delete(action);
    renderButtons(story(), buttonWiring());
  }, 250);
}

boot().catch((error) => notice('channel', error.message, true));
