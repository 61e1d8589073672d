// Rendering of the open story's thread: the lines of its current branch (each earlier
// one with a "branch here" for those who may move the story back to it), its vote, the
// progress of a line being written, the buttons this viewer may press (Continue with a
// chooser of how many candidate lines to write), and the composer's state.
import { el } from './view.js';
import { renderVote } from './vote.js';

const $ = (selector) => document.querySelector(selector);
const list = () => $('[data-testid=lines]');

/** Whether the lines are scrolled to the newest one; kept while the box around them changes size. */
let pinned = true;
let shown = { id: null, lines: 0 };

/** Keeps the newest line in view when buttons, progress or notices take space from the lines. */
export function pinNewestLine() {
  const lines = list();
  lines.addEventListener('scroll', () => {
    pinned = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 4;
  });
  new ResizeObserver(() => {
    if (pinned) lines.scrollTop = lines.scrollHeight;
  }).observe(lines);
}

/** True when the viewer `me` ({id, admin}) may press a button whose `who` the API sent. */
export function mayPress(who, me) {
  return !who || who.anyone || (who.admins && me.admin) || who.ids.includes(me.id);
}

/**
 * The "branch here" on line `n` (numbered from 1, as /branch counts): its words are CSS content, so a line's
 * text stays just its author and its words.
 */
function branchHere(n, onBranch) {
  const button = el('button', {
    type: 'button',
    className: 'branch-here',
    title: `Go on from line ${n}: /branch ${n}`,
  });
  button.setAttribute('aria-label', `Branch here: go on from line ${n}`);
  button.dataset.action = 'branch';
  button.dataset.line = String(n);
  button.addEventListener('click', () => onBranch(n));
  return button;
}

/** Whether the viewer may move `story` back to an earlier line now: it is open, idle, not voting, and they may. */
function mayBranch(story, me) {
  const idle = !story?.pending && !story?.vote?.open;
  return story?.status === 'open' && idle && mayPress(story.branch?.who ?? { ids: [] }, me);
}

/** " · voted in: candidate 2 of 3 (Ann, Bo)" or " · picked by Ann: candidate 3 of 3" on a line that won a vote. */
function voteNote(line) {
  const vote = line.vote;
  if (!vote?.won) return '';
  const who = vote.voters.length ? ` (${vote.voters.join(', ')})` : ', no votes';
  if (vote.closedBy === 'pick') return ` · picked by ${vote.pickedBy}: candidate ${vote.n} of ${vote.of}${who}`;
  return ` · voted in: candidate ${vote.n} of ${vote.of}${who}`;
}

function renderLines(story, { me, onBranch }) {
  const lines = list();
  const grew = story?.id !== shown.id || (story?.lines.length ?? 0) > shown.lines;
  const branching = mayBranch(story, me);
  const last = (story?.lines.length ?? 0) - 1;
  lines.replaceChildren(
    ...(story?.lines ?? []).map((line, i) => {
      const model = line.model ? ` (${line.model})` : '';
      const by =
        line.kind === 'model'
          ? `storyloom${model} for ${line.author.name}${voteNote(line)}`
          : line.kind === 'seed'
            ? `${line.by} · opening`
            : line.by;
      const item = el('li', { className: line.kind }, el('span', { className: 'by', textContent: by }), line.text);
      item.dataset.kind = line.kind;
      if (branching && i < last) item.prepend(branchHere(i + 1, onBranch));
      return item;
    }),
  );
  shown = { id: story?.id ?? null, lines: story?.lines.length ?? 0 };
  if (grew || pinned) {
    lines.scrollTop = lines.scrollHeight;
    pinned = true;
  }
}

/** By story id: how many candidate lines its Continue asks for ('' for the story's own number), as last chosen. */
const chosen = new Map();

/**
 * The chooser beside Continue: how many candidate lines to write, 1 (a line, no vote) to 5 (the channel votes),
 * or the story's own number (its /candidates, else the channel's).
 */
function candidatesChooser(story) {
  const own = story.candidates ? `as set (${story.candidates})` : 'as set';
  const select = el('select', { className: 'candidates-chooser', title: 'How many candidate lines Continue writes' });
  select.setAttribute('aria-label', 'How many candidate lines Continue writes: more than 1 puts them to a vote');
  select.dataset.testid = 'candidates-chooser';
  select.dataset.storyId = story.id;
  select.append(el('option', { value: '', textContent: own }));
  for (let n = 1; n <= 5; n++) {
    select.append(el('option', { value: String(n), textContent: n === 1 ? '1 line' : `${n} to vote` }));
  }
  select.value = chosen.get(story.id) ?? '';
  select.addEventListener('change', () => chosen.set(story.id, select.value));
  return select;
}

/**
 * The buttons under the newest line: the ones this viewer may press (an ended story
 * gets Export), Continue with its candidates chooser. A button refused with a wait shows a
 * countdown and stays disabled until `cooldowns.get(action)` (a time in ms) has passed.
 * `onContinue(n)` continues with n candidate lines when the chooser names a number.
 */
export function renderButtons(story, { me, cooldowns, onButton, onExport, onContinue }) {
  let buttons = [];
  if (story?.status === 'ended') buttons = [{ action: 'export', label: 'Export', style: 'primary' }];
  else if (story && !story.pending) buttons = story.buttons.filter((b) => mayPress(b.who, me));
  const box = $('[data-testid=buttons]');
  // Redrawn while the chooser is open (a countdown, another person's change) it would close under the pointer.
  const open = box.querySelector('select');
  const keep = open && document.activeElement === open && open.dataset.storyId === story?.id ? open : null;
  box.replaceChildren(
    ...buttons.flatMap((b) => {
      const wait = Math.ceil(((cooldowns.get(b.action) ?? 0) - Date.now()) / 1000);
      const label = wait > 0 ? `${b.label} · ${wait} s` : b.label;
      const button = el('button', { type: 'button', className: b.style, textContent: label, disabled: wait > 0 });
      button.dataset.action = b.action;
      if (b.action === 'export') button.title = 'Download the whole story as Markdown, with who wrote what';
      const click = () => {
        if (b.action === 'export') return onExport();
        const n = b.action === 'continue' ? chosen.get(story.id) : '';
        return n ? onContinue(Number(n)) : onButton(b);
      };
      button.addEventListener('click', click);
      return b.action === 'continue' ? [button, keep ?? candidatesChooser(story)] : [button];
    }),
  );
}

/** The thread pane for `story` (or none); `stale` greys out progress the page can no longer vouch for. */
export function renderThread(story, { progress, stale, ...buttons }) {
  const title = $('[data-testid=thread-title]');
  title.textContent = story ? (story.displayTitle ?? story.title) : 'Pick a story';
  title.title = story ? story.title : '';
  const n = story?.lines.length ?? 0;
  const forks = story?.branches > 1 ? ` · ${story.branches} branches` : '';
  const voting = story?.vote?.open ? ' · voting' : '';
  const count = story?.status === 'ended' ? 'ended' : `${n} line${n === 1 ? '' : 's'}${forks}${voting}`;
  $('[data-testid=thread-status]').textContent = story ? count : '';
  const box = $('[data-testid=progress]');
  box.hidden = !progress;
  box.textContent = progress ? progress.text : '';
  box.classList.toggle('stale', Boolean(progress && stale));
  box.title = progress && stale ? 'The server is not answering: this may be out of date.' : '';
  renderButtons(story, buttons);
  renderVote(story, { ...buttons, mayPress });
  const input = $('[data-testid=thread-composer] input');
  // An ended story keeps its composer for /export (and says so); plain text there gets core's "has ended".
  input.disabled = !story;
  input.placeholder =
    story?.status === 'ended'
      ? 'This story has ended: press Export, or type /export'
      : story?.vote?.open
        ? 'The channel is voting on the next line: press Vote, or type /vote 2'
        : 'Add your own line, or /continue /retry /undo /branch /switch /end /export';
  // Last: the buttons and progress above decide how much room the lines have.
  renderLines(story, buttons);
}
