// Rendering of a story's vote under its lines: each candidate's text, its Vote button with
// its count and who voted for it, a countdown to the vote's close, and, for the story's
// owner and admins, a Pick on each candidate. A closed vote marks its winner (until the
// story goes on). Every piece of model or user text goes in through textContent.
import { el } from './view.js';

const $ = (selector) => document.querySelector(selector);

/** "closes in 1 min 05 s", "closes in 42 s", or "closing…" once the time is up. */
export function countdownText(closesAt, now = Date.now()) {
  const left = Math.ceil((Date.parse(closesAt) - now) / 1000);
  if (!(left > 0)) return 'closing…';
  if (left < 60) return `closes in ${left} s`;
  return `closes in ${Math.floor(left / 60)} min ${String(left % 60).padStart(2, '0')} s`;
}

/** Brings the open vote's countdown up to date (the page calls it a few times a second). */
export function tickVote() {
  const node = $('[data-testid=vote-countdown]');
  if (node?.dataset.closesAt) node.textContent = countdownText(node.dataset.closesAt);
}

const votes = (n) => `${n} vote${n === 1 ? '' : 's'}`;

/** One candidate: its number and text, its count and voters, and the buttons this viewer may press. */
function candidate(vote, c, { me, mayPick, onVote, onPick }) {
  const mine = c.voterIds.includes(me.id);
  const item = el('li', { className: `candidate${c.won ? ' won' : ''}${mine ? ' mine' : ''}` });
  item.dataset.n = String(c.n);
  const tally = c.voters.length ? `${votes(c.votes)}: ${c.voters.join(', ')}` : votes(c.votes);
  item.append(
    el('span', { className: 'n', textContent: `${c.n}.` }),
    el('span', { className: 'text', textContent: c.text }),
  );
  const meta = el('span', { className: 'tally', textContent: tally });
  meta.dataset.testid = 'tally';
  item.append(meta);
  if (c.won) item.append(el('span', { className: 'badge', textContent: '✓ next line' }));
  const actions = el('span', { className: 'actions' });
  const button = vote.buttons[c.n - 1];
  if (vote.open && button) {
    const press = el('button', {
      type: 'button',
      className: mine ? 'primary chosen' : 'primary',
      textContent: button.label,
      title: mine ? 'Your vote' : `Vote for candidate ${c.n} (you may move your vote)`,
    });
    press.dataset.action = 'vote';
    press.dataset.n = String(c.n);
    press.addEventListener('click', () => onVote(button));
    actions.append(press);
  }
  if (mayPick) {
    const pick = el('button', {
      type: 'button',
      className: 'pick',
      textContent: `Pick ${c.n}`,
      title: `Close the vote now with candidate ${c.n} as the next line: /pick ${c.n}`,
    });
    pick.dataset.action = 'pick';
    pick.dataset.n = String(c.n);
    pick.addEventListener('click', () => onPick(c.n));
    actions.append(pick);
  }
  if (actions.childElementCount) item.append(actions);
  return item;
}

/**
 * The vote of `story` (its `vote` from the API, or none): `mayPress(who, me)` says whether the viewer may use a
 * control; `onVote(button)` presses a Vote button, `onPick(n)` picks candidate n.
 */
export function renderVote(story, { me, mayPress, onVote, onPick }) {
  const box = $('[data-testid=vote]');
  const vote = story?.vote ?? null;
  box.hidden = !vote;
  if (!vote) {
    box.replaceChildren();
    delete box.dataset.voteId;
    return;
  }
  box.dataset.voteId = vote.id;
  box.dataset.state = vote.open ? 'open' : 'closed';
  const mayPick = Boolean(vote.open && vote.pick && mayPress(vote.pick.who, me));
  const head = el('div', { className: 'vote-head' }, el('span', { className: 'vote-title', textContent: vote.title }));
  if (vote.open) {
    const clock = el('span', { className: 'countdown', textContent: countdownText(vote.closesAt) });
    clock.dataset.testid = 'vote-countdown';
    clock.dataset.closesAt = vote.closesAt;
    head.append(clock);
  }
  const list = el('ol', { className: 'candidates' });
  list.dataset.testid = 'candidates';
  list.append(...vote.candidates.map((c) => candidate(vote, c, { me, mayPick, onVote, onPick })));
  box.replaceChildren(head, list, el('p', { className: 'vote-footer', textContent: vote.footer }));
}
