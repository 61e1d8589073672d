/**
 * Turns a Drive failure that retrying cannot fix into a MailboxError
 * whose message says what to do. See docs/drive.md ("Troubleshooting").
 */
import { MailboxError, type DriveFailure } from './errors.ts';

/** Which kind of credentials made the call: the advice differs. */
export type CredentialKind = 'oauth_user' | 'service_account' | 'access_token';

const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'insufficientScopes']);

/** Which role each setup needs; said wherever Drive refuses a change (docs/drive.md, "Who may remove files"). */
const ROLES_ADVICE =
  "In My Drive, share the mailbox folder with the account as an editor; only a file's owner may delete it or " +
  'move it to the trash, so sign the bot and the Colab worker in as the same Google account. In a Shared Drive, ' +
  'make both accounts members with the "Content manager" role (or "Manager"): a "Contributor" may add files but ' +
  'not move them to the trash.';

/** What to do when an account cannot remove the mailbox's files, in a shared drive or in My Drive. */
export function cleanupAdvice(inSharedDrive: boolean): string {
  return inSharedDrive
    ? 'Make the account a "Content manager" (or "Manager") of the Shared Drive: a "Contributor" may add files ' +
        'but not move them to the trash. As a Content manager, storyloom moves the files it is done with to the ' +
        'trash, which Drive empties after 30 days.'
    : "In My Drive only a file's owner may delete it or move it to the trash: sign the bot and the Colab worker " +
        'in as the same Google account, or move the mailbox to a Shared Drive where both are "Content manager" ' +
        'members.';
}

/** The clear error for a failure of `what` (e.g. "creating requests/x.json"). */
export function explainFailure(failure: DriveFailure, what: string, kind: CredentialKind): MailboxError {
  const { status, reason } = failure;
  const said = `(${status ?? 'no answer'}${reason ? ` ${reason}` : ''}: ${failure.message})`;
  if (reason === 'invalid_grant') return expiredGrant(kind, what);
  if (status === 401) {
    const fix =
      kind === 'service_account'
        ? 'check the key in GOOGLE_APPLICATION_CREDENTIALS (it may have been deleted in the Cloud console)'
        : 'sign in again with `npm run auth:google`';
    return new MailboxError(
      'bad_credentials',
      `storyloom: Drive refused the credentials while ${what} ${said}: ${fix}.`,
      status,
      reason,
    );
  }
  if (status === 403 && reason === 'storageQuotaExceeded') return serviceAccountQuota(what, status);
  if (status === 403 && reason !== undefined && SCOPE_REASONS.has(reason)) {
    return new MailboxError(
      'scope_too_narrow',
      `storyloom: the credentials' scope does not allow ${what} ${said}. ` +
        'storyloom needs the full https://www.googleapis.com/auth/drive scope: ' +
        'run `npm run auth:google` again and allow access to Google Drive.',
      status,
      reason,
    );
  }
  if (status === 403 && reason === 'insufficientFilePermissions') {
    return new MailboxError(
      'not_allowed',
      `storyloom: Drive refused ${what} ${said}: the account may see the file but not change or remove it. ` +
        ROLES_ADVICE,
      status,
      reason,
    );
  }
  if (status === 404)
    return new MailboxError('not_found', `storyloom: Drive found nothing while ${what} ${said}.`, status, reason);
  return new MailboxError('drive_error', `storyloom: Drive failed while ${what} ${said}.`, status, reason);
}

/** invalid_grant: the refresh token (or the service account key) no longer works. */
export function expiredGrant(kind: CredentialKind, what: string): MailboxError {
  const message =
    kind === 'service_account'
      ? `storyloom: Google refused the service account's key while ${what} (invalid_grant). ` +
        "The key may have been deleted or disabled, or this machine's clock is wrong: " +
        'make a new key and point GOOGLE_APPLICATION_CREDENTIALS at it.'
      : `storyloom: Google refused the stored refresh token while ${what} (invalid_grant: expired or revoked). ` +
        'Run `npm run auth:google` again. ' +
        'If this happens every week, the OAuth consent screen is in "Testing", ' +
        'where refresh tokens expire after 7 days: publish the app ("In production") in the Google Cloud console.';
  return new MailboxError('expired_grant', message, 400, 'invalid_grant');
}

/** A service account writing into My Drive, where it has no storage. */
export function serviceAccountQuota(what: string, status?: number): MailboxError {
  return new MailboxError(
    'service_account_quota',
    `storyloom: a service account cannot store files in My Drive (storageQuotaExceeded while ${what}). ` +
      'Put the mailbox in a Shared Drive and add the service account as a member ' +
      '("Content manager"), then run `npm run mailbox:init -- --parent <shared drive id>`; ' +
      'or use OAuth user credentials (`npm run auth:google`).',
    status,
    'storageQuotaExceeded',
  );
}
