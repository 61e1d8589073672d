import { DriveError } from './drive-error.ts';

/**
 * Named constructors for the Drive errors the fake produces, with Drive's
 * codes, reasons, domains and messages.
 */

/** 404 for a file the caller cannot see or that does not exist. */
export function fileNotFound(id: string, location = 'fileId'): DriveError {
  return new DriveError(404, 'notFound', `File not found: ${id}.`, {
    location,
    locationType: 'parameter',
  });
}

/** 404 for a shared drive the caller is not a member of. */
export function driveNotFound(id: string): DriveError {
  return new DriveError(404, 'notFound', `Shared drive not found: ${id}`, {
    location: 'driveId',
    locationType: 'parameter',
  });
}

/** 400 `invalid` for a bad parameter value; `debug` goes into a DebugInfo detail. */
export function invalidValue(location: string, message = 'Invalid Value', debug?: string): DriveError {
  return new DriveError(400, 'invalid', message, {
    location,
    locationType: 'parameter',
    details: debug === undefined ? undefined : [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: debug }],
  });
}

/** 400 `invalidParameter` for a fields mask naming an unknown field. */
export function invalidFieldSelection(field: string): DriveError {
  return new DriveError(400, 'invalidParameter', `Invalid field selection ${field}`, {
    location: 'fields',
    locationType: 'parameter',
  });
}

/** 400 `required` for a missing parameter. */
export function requiredParameter(location: string, message: string): DriveError {
  return new DriveError(400, 'required', message, { location, locationType: 'parameter' });
}

/** 400 `badRequest` for a request Drive rejects as a whole. */
export function badRequest(message: string, location?: string): DriveError {
  return new DriveError(400, 'badRequest', message, {
    location,
    locationType: location === undefined ? undefined : 'parameter',
  });
}

/** 413 for a media or multipart upload over Drive's documented 5 MB: larger files need a resumable upload. */
export function uploadTooLarge(uploadType: string, bytes: number): DriveError {
  return new DriveError(
    413,
    'uploadTooLarge',
    `The ${bytes}-byte upload is too large for uploadType=${uploadType}, which takes at most 5 MB (5242880 bytes). ` +
      'Use a resumable upload (uploadType=resumable) for larger files.',
    { location: 'uploadType', locationType: 'parameter' },
  );
}

/** 404 for a resumable upload session that does not exist (or has expired). */
export function uploadSessionNotFound(uploadId: string): DriveError {
  return new DriveError(
    404,
    'notFound',
    `No upload session ${uploadId}: it is unknown or has expired. Start a new resumable upload.`,
    {
      location: 'upload_id',
      locationType: 'parameter',
    },
  );
}

/**
 * 403 `propertyLengthLimitExceeded`: a property (or app property) over 124 bytes of UTF-8, key and value together
 * (Drive's own words).
 */
export function propertyLengthLimitExceeded(): DriveError {
  return new DriveError(
    403,
    'propertyLengthLimitExceeded',
    'Properties and app properties are limited to 124 bytes in UTF-8 encoding, counting both the key and the value.',
  );
}

/**
 * 403 `propertyCountLimitExceeded`: more than 30 public properties on a file (or
 * app properties from one app). The reason is the one Drive is reported to give;
 * Google documents the limit, not this message.
 */
export function propertyCountLimitExceeded(field: string, limit: number): DriveError {
  return new DriveError(403, 'propertyCountLimitExceeded', `A file may have at most ${limit} ${field}.`);
}

/** 403 `insufficientFilePermissions`: the caller may see the file but not change it. */
export function insufficientFilePermissions(): DriveError {
  return new DriveError(
    403,
    'insufficientFilePermissions',
    'The user does not have sufficient permissions for this file.',
  );
}

/** 403 `storageQuotaExceeded` for a service account writing into My Drive. */
export function serviceAccountQuota(): DriveError {
  return new DriveError(
    403,
    'storageQuotaExceeded',
    'Service Accounts do not have storage quota. Leverage shared drives ' +
      '(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), ' +
      'or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.',
    { domain: 'usageLimits' },
  );
}

/** 403 `insufficientPermissions` when the token's scope does not allow the method. */
export function scopeInsufficient(method: string): DriveError {
  return new DriveError(403, 'insufficientPermissions', 'Insufficient Permission', {
    topMessage: 'Request had insufficient authentication scopes.',
    status: 'PERMISSION_DENIED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
        domain: 'googleapis.com',
        metadata: { service: 'drive.googleapis.com', method },
      },
    ],
  });
}

const AUTH_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. ' +
  'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** 401 for a request with no credentials. */
export function loginRequired(): DriveError {
  return new DriveError(401, 'required', 'Login Required.', {
    location: 'Authorization',
    locationType: 'header',
    status: 'UNAUTHENTICATED',
    topMessage: `Request is missing required authentication credential. ${AUTH_HELP}`,
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  });
}

/** 401 `authError` for an unknown or revoked access token. */
export function invalidCredentials(): DriveError {
  return new DriveError(401, 'authError', 'Invalid Credentials', {
    location: 'Authorization',
    locationType: 'header',
    status: 'UNAUTHENTICATED',
    topMessage: `Request had invalid authentication credentials. ${AUTH_HELP}`,
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  });
}
