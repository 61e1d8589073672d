/**
 * Role: the adapter's error edge (on Slack, edge.ts too). On Discord, every
 * interaction's work runs inside the interaction handler, which hands what it
 * throws to {@link report}: a UserError is told privately as it is, a permission
 * the bot lacks gets its own advice, and anything else gets the apology and a log
 * line. Nothing one interaction does can crash the process.
 */
import type { Logger } from '../../log.ts';
import { isUserError } from '../../stories/errors.ts';
import { APOLOGY } from '../adapter.ts';
import { isMissingPermission, missingPermissionError } from './api-errors.ts';
import type { Responder } from './responder.ts';

/** The words for an error, for the person whose interaction failed; logs what is not theirs to fix. */
export function errorText(error: unknown, log: Logger, label: string): string {
  const known = isUserError(error) ? error : isMissingPermission(error) ? missingPermissionError() : null;
  if (!known) log.error(`storyloom discord: ${label} failed: ${(error as Error)?.stack ?? String(error)}`);
  return known?.message ?? APOLOGY;
}

/** Tells the person why their interaction failed (privately); never throws. */
export async function report(responder: Responder, error: unknown, log: Logger): Promise<void> {
  try {
    await responder.fail(errorText(error, log, responder.label));
  } catch (failure) {
    const why = (failure as Error)?.message ?? String(failure);
    log.warn(`storyloom discord: ${responder.label}: could not tell the user: ${why}`);
  }
}
