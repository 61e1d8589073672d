// The playground page: state, the live feed, and wiring.
import { api, listen } from './api.js';
import { composer } from './composer.js';
import { notice, renderMe, renderStories, renderThread, renderWorker, showPane } from './view.js';

const state = { user: '', admin: false, stories: new Map(), order: [], current: null, progress: new Map(), commands: [] };

function pickName() {
  const fromUrl = new URLSearchParams(location.search).get('user');
  if (fromUrl) sessionStorage.setItem('storyloom-user', fromUrl);
  return sessionStorage.getItem('storyloom-user');
}

async function setName(name) {
  const me = await api.whoami(name);
  state.user = me.name;
  state.admin = me.admin;
  sessionStorage.setItem('storyloom-user', me.name);
  renderMe(me.name, me.admin);
}

function askName() {
  const dialog = document.querySelector('[data-testid=name-dialog]');
  dialog.querySelector('input').value = state.user || `Writer ${Math.floor(1000 + Math.random() * 9000)}`;
  dialog.showModal();
  dialog.addEventListener('close', () => setName(dialog.querySelector('input').value).catch((e) => notice('channel', e.message, true)), { once: true });
}

function summaries() {
  return state.order.map((id) => state.stories.get(id)).filter(Boolean).map((s) => ({
    id: s.id, title: s.title, status: s.status, owner: s.owner, lines: s.lines?.length ?? s.lines, pending: Boolean(s.pending),
  }));
}

function draw() {
  renderStories(summaries(), state.current, open);
  const story = state.current ? state.stories.get(state.current) : null;
  renderThread(story?.lines ? story : null, state.current ? state.progress.get(state.current) : null, press);
}

function remember(story) {
  if (!state.order.includes(story.id)) state.order.unshift(story.id);
  state.stories.set(story.id, story);
}

async function open(id) {
  state.current = id;
  remember(await api.story(id));
  showPane('thread');
  draw();
}

function replied(where, { reply, storyId }) {
  if (reply.file) {
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([reply.file.content], { type: reply.file.mime })), download: reply.file.name });
    link.click();
  }
  if (reply.progress && storyId) state.progress.set(storyId, { jobId: reply.jobId, text: reply.text });
  else if (reply.text) notice(where, reply.text);
  return storyId;
}

async function send(where, text) {
  try {
    const storyId = replied(where, await api.command(state.user, text, where === 'thread' ? state.current : undefined));
    if (storyId && where === 'channel' && text.startsWith('/story')) await open(storyId);
    else draw();
  } catch (error) {
    notice(where, error.message, true);
  }
}

async function press(customId) {
  try {
    replied('thread', await api.button(state.user, customId));
    draw();
  } catch (error) {
    notice('thread', error.message, true);
  }
}

/** After the event stream was down: reload the story list, the open story and the worker's health. */
async function catchUp() {
  for (const s of (await api.stories()).stories.reverse()) {
    if (!s.pending) state.progress.delete(s.id);
    if (s.id !== state.current) remember(s);
  }
  if (state.current) {
    const story = await api.story(state.current);
    remember(story);
    if (!story.pending) state.progress.delete(story.id);
  }
  renderWorker((await api.health()).worker);
  draw();
}

async function boot() {
  const name = pickName();
  if (name) await setName(name).catch(() => askName());
  else askName();
  document.querySelector('[data-testid=me]').addEventListener('click', askName);
  document.querySelector('[data-testid=back]').addEventListener('click', () => showPane('channel'));
  state.commands = (await api.commands()).commands;
  const channelCommands = () => state.commands.filter((c) => c.scope === 'channel' && (!c.admin || state.admin));
  const threadCommands = () => state.commands.filter((c) => c.scope === 'thread' || c.name === 'status');
  composer(document.querySelector('[data-testid=channel-composer]'), channelCommands, (t) => send('channel', t));
  composer(document.querySelector('[data-testid=thread-composer]'), threadCommands, (t) => send('thread', t));
  for (const s of (await api.stories()).stories.reverse()) remember(s);
  renderWorker((await api.health()).worker);
  draw();
  listen({
    story: ({ story }) => {
      remember(story);
      if (!story.pending) state.progress.delete(story.id);
      draw();
    },
    line: ({ story }) => {
      remember(story);
      state.progress.delete(story.id);
      draw();
    },
    progress: ({ storyId, jobId, text }) => {
      state.progress.set(storyId, { jobId, text });
      draw();
    },
    failure: ({ storyId, text }) => {
      state.progress.delete(storyId);
      if (storyId === state.current) notice('thread', text, true);
      draw();
    },
    worker: renderWorker,
  }, () => catchUp().catch((error) => notice('channel', error.message, true)));
}

boot().catch((error) => notice('channel', error.message, true));
