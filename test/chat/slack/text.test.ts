/**
 * The Slack adapter's words on their own: markup both ways, reading commands,
 * mentions and thread replies, and the edge that turns errors into replies.
 */
import { describe, expect, it } from 'vitest';
import { APOLOGY } from '../../../src/chat/adapter.ts';
import { adminArgs, mentionCommand, storyArgs } from '../../../src/chat/slack/args.ts';
import { errorText, guard } from '../../../src/chat/slack/edge.ts';
import { isHumanReply } from '../../../src/chat/slack/handlers/thread-replies.ts';
import { escapeMrkdwn, slackToPlain, slackWording } from '../../../src/chat/slack/mrkdwn.ts';
import { UserError } from '../../../src/stories/errors.ts';
import { testLog } from '../../helpers/log.ts';

describe('Slack markup', () => {
  it('escapes &, < and > so no mention or link survives', () => {
    expect(escapeMrkdwn('<!here> & <@U1> <!subteam^S1|@team> <https://x.io|x>')).toBe(
      '&lt;!here&gt; &amp; &lt;@U1&gt; &lt;!subteam^S1|@team&gt; &lt;https://x.io|x&gt;',
    );
  });

  it('reads incoming markup as the words people saw', () => {
    expect(
      slackToPlain('<!here> <!channel> <!everyone> <@U1> <@U2|bob> <#C1|general> <!subteam^S1|@writers> <!subteam^S2>'),
    ).toBe('@here @channel @everyone @U1 @bob #general @writers @team');
    expect(
      slackToPlain('<https://example.com|a site> <https://example.com> <mailto:a@b.c|mail> a &lt;b&gt; &amp; c'),
    ).toBe('a site https://example.com mail a <b> & c');
  });

  it('words core’s commands the Slack way', () => {
    expect(slackWording('Use /export for the whole story. Try /status, or /admin pause; /story stays.')).toBe(
      'Use @storyloom export for the whole story. Try /story-status, or /story-admin pause; /story stays.',
    );
    expect(slackWording('ann or an admin can /pick one now; /vote 2, or set /candidates (see /branches).')).toBe(
      'ann or an admin can @storyloom pick one now; @storyloom vote 2, or set @storyloom candidates ' +
        '(see @storyloom branches).',
    );
  });
});

describe('reading commands and mentions', () => {
  it('takes /story flags out of the opening, in either form, anywhere', () => {
    expect(storyArgs('A dark night. --temperature 0.9 --length=200')).toEqual({
      opening: 'A dark night.',
      temperature: '0.9',
      length: '200',
    });
    expect(storyArgs('--length 50 It began -- as always -- with rain.')).toEqual({
      opening: 'It began -- as always -- with rain.',
      length: '50',
    });
    expect(storyArgs('Hi <@U1|ann> &amp; --bogus 3')).toEqual({ opening: 'Hi @ann & --bogus 3' });
  });

  it('refuses a flag without a value, saying how to give one', () => {
    expect(() => storyArgs('An opening --length')).toThrow(
      /--length needs a value, e\.g\. \/story Once upon a time --length 200/,
    );
    expect(() => storyArgs('An opening --temperature --length 40')).toThrow(/--temperature needs a value/);
  });

  it('reads admin actions and mentions of the bot', () => {
    expect(adminArgs('  Pause')).toEqual({ action: 'pause' });
    expect(adminArgs('Drain colab-a100')).toEqual({ action: 'drain', worker: 'colab-a100' });
    expect(adminArgs('resume --worker all')).toEqual({ action: 'resume', worker: 'all' });
    expect(() => adminArgs('pause --worker')).toThrow(/--worker needs a value/);
    expect(mentionCommand('<@UBOT> add The sea &amp; the <@U7|sky>.', 'UBOT')).toEqual({
      verb: 'add',
      rest: 'The sea & the @sky.',
    });
    expect(mentionCommand('hey <@UBOT|storyloom>   CONTINUE', 'UBOT')).toEqual({ verb: 'hey', rest: 'CONTINUE' });
    expect(mentionCommand('<@UBOT> /undo', 'UBOT')).toEqual({ verb: 'undo', rest: '' });
    expect(mentionCommand('<@UBOT>', 'UBOT')).toEqual({ verb: '', rest: '' });
  });

  it('takes only people’s plain replies inside threads as lines', () => {
    const reply = { user: 'U1', text: 'Then it rained.', ts: '2.0', thread_ts: '1.0', channel: 'C1' };
    expect(isHumanReply(reply, 'UBOT')).toBe(true);
    expect(isHumanReply({ ...reply, subtype: 'thread_broadcast' }, 'UBOT')).toBe(true);
    for (const other of [
      { ...reply, subtype: 'message_changed' },
      { ...reply, subtype: 'bot_message' },
      { ...reply, subtype: 'file_share' },
      { ...reply, bot_id: 'B1' },
      { ...reply, user: 'UBOT' },
      { ...reply, user: undefined },
      { ...reply, thread_ts: undefined },
      { ...reply, thread_ts: '2.0' },
      { ...reply, text: '<@UBOT> continue' },
    ])
      expect(isHumanReply(other, 'UBOT'), JSON.stringify(other)).toBe(false);
  });
});

describe('the edge', () => {
  it(
    'shows user errors as they are, advises on channels the ' +
      'bot is not in, and apologises for the rest with a log line',
    () => {
      const logs: string[] = [];
      const { log, records } = testLog(logs);
      expect(errorText(new UserError('busy', 'A line is already being written.'), log, 'x')).toBe(
        'A line is already being written.',
      );
      expect(errorText(new UserError('moved_on', 'This story has moved on.'), log, 'x')).toMatch(
        /^This story has moved on\. You can also mention @storyloom with undo, retry or end/,
      );
      expect(
        errorText(
          Object.assign(new Error('An API error occurred: not_in_channel'), {
            data: { ok: false, error: 'not_in_channel' },
          }),
          log,
          'x',
        ),
      ).toMatch(/Invite me with \/invite @storyloom/);
      expect(logs).toEqual([]);
      expect(errorText(new Error('disk on fire'), log, '/story')).toBe(APOLOGY);
      expect(logs).toEqual(['storyloom slack: /story failed: disk on fire']);
      expect(records[0]).toMatchObject({ level: 'error', error: 'disk on fire' });
    },
  );

  it('never throws, even when telling the user fails too', async () => {
    const logs: string[] = [];
    const { log, records } = testLog(logs);
    await guard(
      'a mention',
      log,
      async () => {
        throw new Error('Slack is down');
      },
      async () => {
        throw new Error('boom');
      },
    );
    expect(logs).toEqual([
      'storyloom slack: a mention failed: boom',
      'storyloom slack: could not tell the user about a failed a mention: Slack is down',
    ]);
    expect(records.map((r) => r.level)).toEqual(['error', 'warn']);
  });
});
