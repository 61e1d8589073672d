import { describe, expect, it } from 'vitest';
import { FakeApiError } from './errors.ts';
import { resolveMentions } from './mentions.ts';
import { bucketOf } from './rest/rate-limits.ts';
import { SnowflakeFactory, snowflakeTime } from './snowflake.ts';
import { validateMessage } from './validation.ts';
import { World } from './world.ts';

function formErrors(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof FakeApiError) return error.body;
    throw error;
  }
  return undefined;
}

describe('discord fake: building blocks', () => {
  it('makes increasing snowflakes with 18-19 digits that encode the current time', () => {
    const ids = new SnowflakeFactory();
    const batch = Array.from({ length: 5000 }, () => ids.next());
    expect(batch.every((id, i) => i === 0 || BigInt(id) > BigInt(batch[i - 1]!))).toBe(true);
    expect(batch[0]).toMatch(/^\d{18,19}$/);
    expect(Math.abs(snowflakeTime(batch[0]!) - Date.now())).toBeLessThan(1000);
  });

  it('computes buckets the way @discordjs/rest does', () => {
    expect(bucketOf('/interactions/1234567890123456789/tok/callback')).toEqual({
      template: '/interactions/:id/:token/callback',
      major: 'burst',
    });
    expect(bucketOf('/channels/1234567890123456789/messages/1234567890123456780')).toEqual({
      template: '/channels/:id/messages/:id',
      major: '1234567890123456789',
    });
    expect(bucketOf('/webhooks/1234567890123456789/a-token/messages/@original').template).toBe(
      '/webhooks/:id/:token/messages/@original',
    );
  });

  it('validates embeds, duplicate custom ids and exclusive allowed_mentions with Discord error paths', () => {
    const body = {
      embeds: [{ title: 't'.repeat(257) }],
      components: [
        {
          type: 1,
          components: [
            { type: 2, custom_id: 'a' },
            { type: 2, custom_id: 'a' },
          ],
        },
      ],
      allowed_mentions: { parse: ['users'], users: ['1'] },
    };
    expect(formErrors(() => validateMessage(body, { path: ['data'] }))).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        data: {
          embeds: {
            0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } },
          },
          components: {
            0: {
              components: {
                1: {
                  custom_id: {
                    _errors: [
                      { code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' },
                    ],
                  },
                },
              },
            },
          },
          allowed_mentions: {
            _errors: [
              {
                code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
                message: 'parse:["users"] and users: [ids...] are mutually exclusive.',
              },
            ],
          },
        },
      },
    });
    expect(formErrors(() => validateMessage({ content: '' }, { requireContent: true }))).toEqual({
      code: 50006,
      message: 'Cannot send an empty message',
    });
    expect(formErrors(() => validateMessage({ content: 'x'.repeat(2000) }, { requireContent: true }))).toBeUndefined();
  });

  it('resolves mentions by allowed_mentions: everything without it, only listed ids with it', () => {
    const world = new World(new SnowflakeFactory());
    const ana = world.addUser({ username: 'ana' });
    const ben = world.addUser({ username: 'ben' });
    const content = `<@${ana.id}> and <@!${ben.id}> @everyone`;
    const open = resolveMentions(world, content, undefined);
    expect(open.mentions.map((u) => u.username)).toEqual(['ana', 'ben']);
    expect(open.mention_everyone).toBe(true);
    const listed = resolveMentions(world, content, { users: [ben.id] });
    expect(listed.mentions.map((u) => u.username)).toEqual(['ben']);
    expect(listed.mention_everyone).toBe(false);
    expect(resolveMentions(world, content, { parse: [] }).mentions).toEqual([]);
  });
});
