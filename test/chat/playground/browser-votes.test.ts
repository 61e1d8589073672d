/**
 * A story played by voting in the playground, in a real browser (Debian's Chromium through playwright-core), as
 * two people in two tabs: three candidates under the story with a countdown, Bob votes and moves his vote while
 * Ann's page counts live, Ann's vote closes it (everyone taking part has voted) and the winner is the next line,
 * the others branches; two more voted lines (one with the chooser beside Continue set to 2), "branch here" on
 * line 3, `/continue 3` typed, Ann's Pick (which Bob is never shown), End, and Export with the votes in the tree.
 * Screenshots go to test-artifacts/playground/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';
import { browserWorld, buttons, lines, say, SHOTS } from './browser-world.ts';

const panel = (page: Page) => page.getByTestId('vote');
const candidates = (page: Page) => page.locator('[data-testid=candidates] li');
const candidateTexts = (page: Page) => page.locator('[data-testid=candidates] li .text').allTextContents();
const voteLabels = (page: Page) => panel(page).locator('button[data-action=vote]').allTextContents();
const voteButton = (page: Page, n: number) => panel(page).locator(`button[data-action=vote][data-n="${n}"]`);
const pickButtons = (page: Page) => panel(page).locator('button[data-action=pick]');
const tallies = (page: Page) => panel(page).getByTestId('tally').allTextContents();
const voteId = (page: Page) => panel(page).getAttribute('data-vote-id');
const status = (page: Page) => page.getByTestId('thread-status').textContent();
const notices = (page: Page) => page.getByTestId('thread-notices').textContent();
const lastLine = async (page: Page) => (await lines(page).last().textContent()) ?? '';
const press = (page: Page, action: string) =>
  page.getByTestId('buttons').locator(`button[data-action=${action}]`).click();
const branchHere = (page: Page) => page.locator('[data-testid=lines] li button[data-action=branch]');

describe('the playground in a browser: votes', () => {
  const w = browserWorld();

  /** Waits for a vote other than `before` to be open on the page, with `n` candidates; returns their texts. */
  async function newVote(page: Page, before: string | null, n: number): Promise<string[]> {
    await expect.poll(() => voteId(page), { timeout: 30_000 }).not.toBe(before);
    await expect.poll(() => panel(page).getAttribute('data-state')).toBe('open');
    await expect.poll(() => candidates(page).count()).toBe(n);
    return candidateTexts(page);
  }

  it('two people vote a story along, branch back to line 3, vote again, end and export', async () => {
    w.worker = await startTestWorker(w.pg.config, await tinyModel());
    const ann = await w.as('Ann');
    await say(ann, 'channel', '/story The lighthouse keeper counted the ships. --length 40 --candidates 3');
    const first = await newVote(ann, null, 3);
    expect(await notices(ann)).toContain('✅ Written: 3 candidates are up for a vote below.');
    expect(await lines(ann).count()).toBe(1);
    expect(await status(ann)).toBe('1 line · voting');
    await expect
      .poll(() => panel(ann).locator('.vote-title').textContent())
      .toBe('🗳️ Vote on the next line (3 candidates, asked for by Ann)');
    // The countdown ticks down to the close.
    const clock = panel(ann).getByTestId('vote-countdown');
    const shown = (await clock.textContent())!;
    expect(shown).toMatch(/^closes in (\d+ s|1 min \d\d s)$/);
    await expect.poll(() => clock.textContent()).not.toBe(shown);

    const bob = await w.as('Bob');
    await bob.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => candidateTexts(bob)).toEqual(first);
    expect(await bob.locator('[data-testid=stories] li .meta').first().textContent()).toBe('Ann · 1 line · voting…');
    // Everyone gets the Vote buttons; only Ann, who started the story, gets Pick. Of the story's buttons, End only.
    expect(await voteLabels(bob)).toEqual(['Vote 1 · 0', 'Vote 2 · 0', 'Vote 3 · 0']);
    expect(await pickButtons(bob).count()).toBe(0);
    expect(await pickButtons(ann).allTextContents()).toEqual(['Pick 1', 'Pick 2', 'Pick 3']);
    expect(await buttons(ann)).toEqual(['End']);
    expect(await buttons(bob)).toEqual([]);
    expect(await branchHere(ann).count()).toBe(0);
    await ann.screenshot({ path: join(SHOTS, 'vote-1-open.png') });

    // Bob votes for 1, then moves to 2: Ann's page counts along, live.
    await voteButton(bob, 1).click();
    await expect.poll(() => notices(bob)).toContain('You voted for candidate 1.');
    await expect.poll(() => voteLabels(ann)).toEqual(['Vote 1 · 1', 'Vote 2 · 0', 'Vote 3 · 0']);
    expect(await tallies(ann)).toEqual(['1 vote: Bob', '0 votes', '0 votes']);
    await voteButton(bob, 2).click();
    await expect.poll(() => notices(bob)).toContain('You moved your vote from candidate 1 to candidate 2.');
    await expect.poll(() => voteLabels(ann)).toEqual(['Vote 1 · 0', 'Vote 2 · 1', 'Vote 3 · 0']);
    await expect.poll(() => bob.locator('[data-testid=candidates] li.mine').getAttribute('data-n')).toBe('2');
    await bob.screenshot({ path: join(SHOTS, 'vote-2-bob-moved.png') });

    // Ann was the only one taking part when it opened: her vote closes it, and candidate 2 is the next line.
    await voteButton(ann, 2).click();
    for (const page of [ann, bob]) {
      await expect.poll(() => lines(page).count()).toBe(2);
      expect(await lastLine(page)).toContain(first[1]);
      await expect.poll(() => panel(page).getAttribute('data-state')).toBe('closed');
      await expect.poll(() => status(page)).toBe('2 lines · 3 branches');
    }
    expect(await lastLine(bob)).toContain('voted in: candidate 2 of 3 (Bob, Ann)');
    expect(await panel(bob).locator('.vote-title').textContent()).toBe('🗳️ Candidate 2 won, with 2 votes');
    expect(await panel(bob).locator('li.won').getAttribute('data-n')).toBe('2');
    expect(await panel(bob).locator('li.won .badge').textContent()).toBe('✓ next line');
    expect(await voteLabels(bob)).toEqual([]);
    expect(await buttons(ann)).toEqual(['Continue', 'Retry', 'Undo', 'End']);
    await ann.screenshot({ path: join(SHOTS, 'vote-3-closed.png') });

    // Two more voted lines; the second with the chooser beside Continue set to 2 candidates.
    let before = await voteId(ann);
    for (const [n, chosen, pick] of [
      [3, null, 1],
      [4, '2', 2],
    ] as const) {
      if (chosen) await ann.getByTestId('candidates-chooser').selectOption(chosen);
      await press(ann, 'continue');
      const texts = await newVote(bob, before, chosen ? 2 : 3);
      before = await voteId(bob);
      await voteButton(bob, pick).click();
      await expect.poll(() => voteLabels(ann)).toContain(`Vote ${pick} · 1`);
      await voteButton(ann, pick).click();
      await expect.poll(() => lines(bob).count()).toBe(n);
      expect(await lastLine(bob)).toContain(texts[pick - 1]);
    }
    const fourth = await lastLine(ann);

    // Back to line 3 ("branch here", Ann's), and a vote on the new branch: Bob types /continue 3, Ann picks.
    await expect.poll(() => branchHere(ann).count()).toBe(3);
    expect(await branchHere(bob).count()).toBe(0);
    await branchHere(ann).nth(2).click();
    await expect.poll(() => lines(bob).count()).toBe(3);
    await say(bob, 'thread', '/continue 3');
    const branch = await newVote(ann, before, 3);
    expect(await pickButtons(bob).count()).toBe(0);
    await pickButtons(ann).nth(2).click();
    await expect.poll(() => notices(ann)).toContain('Ann picked candidate 3: it is the story’s next line.');
    for (const page of [ann, bob]) {
      await expect.poll(() => lines(page).count()).toBe(4);
      expect(await lastLine(page)).toContain(branch[2]);
    }
    expect(await lastLine(ann)).not.toBe(fourth);
    expect(await lastLine(ann)).toContain('picked by Ann: candidate 3 of 3, no votes');
    await expect.poll(() => panel(ann).locator('.vote-footer').textContent()).toMatch(/^Ann picked it\./);
    await ann.screenshot({ path: join(SHOTS, 'vote-4-new-branch.png') });

    // End, and Export: the Markdown and the tree, with each line's vote.
    await press(ann, 'end');
    await expect.poll(() => status(bob)).toBe('ended');
    const downloads: Download[] = [];
    ann.on('download', (d) => downloads.push(d));
    await press(ann, 'export');
    await expect.poll(() => downloads.length).toBe(2);
    expect(downloads.map((d) => d.suggestedFilename())).toEqual([
      'the-lighthouse-keeper-counted-the-ships.md',
      'the-lighthouse-keeper-counted-the-ships.tree.json',
    ]);
    const md = readFileSync((await downloads[0].path())!, 'utf8');
    expect(md).toContain(branch[2]);
    expect(md).toContain('chosen by vote: candidate 2 of 3, 2 votes (Bob, Ann)');
    const tree = JSON.parse(readFileSync((await downloads[1].path())!, 'utf8')) as ReturnType<typeof treeDocument>;
    // The opening, and four votes: 3 + 3 + 2 + 3 candidates, every one kept.
    expect(tree.lines).toHaveLength(12);
    const won = tree.lines.filter((l) => l.vote?.won).map((l) => [l.vote!.n, l.vote!.of, l.vote!.closed_by]);
    expect(won).toEqual([
      [2, 3, 'everyone'],
      [1, 3, 'everyone'],
      [2, 2, 'everyone'],
      [3, 3, 'pick'],
    ]);
    expect(tree.lines.filter((l) => l.vote && !l.vote.won)).toHaveLength(7);
  }, 180_000);
});
