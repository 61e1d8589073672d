import { PermissionFlagsBits } from 'discord.js';

/** A permission bitfield as callers may give it: a bigint or Discord's decimal string. */
export type PermissionInput = bigint | string;

const P = PermissionFlagsBits;

/** What @everyone may do in a fresh guild: read, write, use commands, join threads. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.ReadMessageHistory |
  P.UseApplicationCommands;

/** What the bot's managed role grants by default: what a story bot's invite link asks for. */
export const DEFAULT_BOT_PERMISSIONS =
  DEFAULT_EVERYONE_PERMISSIONS | P.CreatePrivateThreads | P.ManageThreads | P.ManageMessages;

/** Turns a {@link PermissionInput} into a bigint. */
export function toPermissionBits(input: PermissionInput): bigint {
  return typeof input === 'bigint' ? input : BigInt(input);
}

/** Whether `granted` includes `needed`, with Administrator implying everything. */
export function hasPermission(granted: bigint, needed: bigint): boolean {
  if ((granted & P.Administrator) === P.Administrator) return true;
  return (granted & needed) === needed;
}

/** The bitfield with every permission, which is what Administrator amounts to. */
export const ALL_PERMISSIONS = Object.values(P).reduce((all, bit) => all | bit, 0n);

/**
 * Whether a member may run a command gated by `default_member_permissions`, as
 * Discord decides: null lets everyone, "0" only Administrators, otherwise every
 * bit is needed. The guild owner may run anything. (Per-command permission
 * overrides set in Server Settings → Integrations are not modelled.)
 */
export function meetsCommandGate(granted: bigint, required: string | null | undefined, isOwner = false): boolean {
  if (required == null || isOwner) return true;
  const needed = BigInt(required);
  return hasPermission(granted, needed === 0n ? P.Administrator : needed);
}
