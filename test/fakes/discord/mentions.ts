import type { APIUser } from 'discord.js';
import { isObject } from './validation.ts';
import type { World } from './world.ts';

/** The mention fields of a message, after `allowed_mentions` is applied. */
export interface ResolvedMentions {
  mentions: APIUser[];
  mention_roles: string[];
  mention_everyone: boolean;
}

/**
 * Works out whom a message pings. Without `allowed_mentions` Discord parses every
 * mention in the content; with it, only the listed kinds and ids, so
 * `{ parse: [] }` leaves `mentions`, `mention_roles` and `mention_everyone` empty.
 */
export function resolveMentions(world: World, content: string, allowed: unknown): ResolvedMentions {
  const rules = isObject(allowed) ? allowed : null;
  const parse = rules ? (Array.isArray(rules.parse) ? rules.parse.map(String) : []) : null;
  const listed = (kind: 'users' | 'roles') => (rules && Array.isArray(rules[kind]) ? rules[kind].map(String) : []);
  const may = (kind: 'users' | 'roles', id: string) =>
    parse === null || parse.includes(kind) || listed(kind).includes(id);

  const userIds = unique([...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1]!));
  const roleIds = unique([...content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1]!));
  const everyone = /@(everyone|here)\b/.test(content);
  return {
    mentions: userIds
      .filter((id) => may('users', id))
      .map((id) => world.users.get(id))
      .filter((u): u is APIUser => u !== undefined),
    mention_roles: roleIds.filter((id) => may('roles', id)),
    mention_everyone: everyone && (parse === null || parse.includes('everyone')),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
