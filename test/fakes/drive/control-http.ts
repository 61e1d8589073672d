import type { DriveFake } from './drive-fake.ts';
import { FAULT_KINDS, type FailNextSpec, type RandomFaultSpec } from './faults.ts';
import type { Reply } from './handlers/handler.ts';
import { METHOD_NAMES } from './method-names.ts';
import { DRIVE_ROLES, SHARE_ROLES, type PrincipalSpec, type ShareRole } from './model.ts';
import type { SharedDriveSpec } from './state.ts';

/** A bad control request; answered as 400 `{"error": message}`. */
class ControlError extends Error {}

type Body = Record<string, unknown>;
type ControlRoute = (fake: DriveFake, body: Body, id: string | undefined) => unknown;

/**
 * The control API over HTTP under `/__fake/`, mirroring DriveFake's methods
 * for tests in other processes (the Python worker's). Bodies and answers are JSON.
 */
const CONTROL_ROUTES: Record<string, ControlRoute> = {
  'GET /health': () => ({ ok: true }),
  'POST /principals': (fake, body) => fake.addPrincipal(checkPrincipal(need<PrincipalSpec>(body, 'token', 'email'))),
  'POST /share': (fake, body) => {
    const { fileId, email, role } = need<{ fileId: string; email: string; role?: ShareRole }>(body, 'fileId', 'email');
    if (!fake.state.store.get(fileId)) throw new ControlError(`no file ${fileId}`);
    if (role !== undefined && !SHARE_ROLES.includes(role)) {
      throw new ControlError(`unknown role "${String(role)}": a share grants ${SHARE_ROLES.join(', ')}`);
    }
    fake.share(fileId, email, role);
    return {};
  },
  'POST /drives': (fake, body) =>
    fake.createSharedDrive(checkDriveSpec(need<SharedDriveSpec>(body, 'name', 'members'))),
  'POST /faults': (fake, body) => {
    fake.setFaults(checkFaultSpec(need<RandomFaultSpec>(body, 'rate')));
    return {};
  },
  'POST /faults/clear': (fake) => {
    fake.clearFaults();
    return {};
  },
  'POST /fail-next': (fake, body) => {
    fake.failNext(checkFaultSpec(need<FailNextSpec>(body, 'method', 'kind')));
    return {};
  },
  'POST /latency': (fake, body) => {
    fake.setLatency(need<{ ms: number }>(body, 'ms').ms);
    return {};
  },
  'POST /list-lag': (fake, body) => {
    fake.setListLag(need<{ ms: number }>(body, 'ms').ms);
    return {};
  },
  'GET /counts': (fake) => fake.counts(),
  'POST /counts/reset': (fake) => {
    fake.resetCounts();
    return {};
  },
  'POST /uploads/expire': (fake) => {
    fake.expireUploads();
    return {};
  },
  'GET /files': (fake) => fake.files(),
  'GET /files/:id': (fake, _body, id) => fake.file(id ?? '') ?? null,
  'POST /revoke': (fake, body) => {
    if (typeof body.refreshToken === 'string') fake.revokeRefreshToken(body.refreshToken);
    if (typeof body.accessToken === 'string') fake.revokeAccessToken(body.accessToken);
    return {};
  },
};

/** Answers a `/__fake/...` request. */
export function handleControl(fake: DriveFake, method: string, pathname: string, body: Buffer): Reply {
  const rest = pathname.slice('/__fake'.length);
  const fileMatch = /^\/files\/([^/]+)$/.exec(rest);
  const key = `${method} ${fileMatch ? '/files/:id' : rest}`;
  const route = CONTROL_ROUTES[key];
  if (!route) return { status: 404, json: { error: `No control endpoint ${method} /__fake${rest}` } };
  try {
    const result = route(fake, parseBody(body), fileMatch ? decodeURIComponent(fileMatch[1]) : undefined);
    return result === null ? { status: 404, json: { error: 'not found' } } : { status: 200, json: result };
  } catch (err) {
    if (err instanceof ControlError) return { status: 400, json: { error: err.message } };
    throw err;
  }
}

function parseBody(body: Buffer): Body {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Body;
  } catch {
    // Reported below.
  }
  throw new ControlError('the body must be a JSON object');
}

/** Checks that `body` has the given keys and returns it typed. */
function need<T>(body: Body, ...keys: string[]): T {
  for (const k of keys) if (body[k] === undefined) throw new ControlError(`missing "${k}"`);
  return body as T;
}

function checkFaultSpec<T extends RandomFaultSpec | FailNextSpec>(spec: T): T {
  const kinds = 'kind' in spec ? [spec.kind] : Array.isArray(spec.kinds) ? spec.kinds : Object.keys(spec.kinds ?? {});
  const methods = 'method' in spec ? [spec.method] : (spec.methods ?? []);
  for (const k of kinds)
    if (!(FAULT_KINDS as string[]).includes(k)) throw new ControlError(`unknown fault kind "${k}"`);
  for (const m of methods) {
    if (m !== '*' && !(METHOD_NAMES as string[]).includes(m)) throw new ControlError(`unknown method "${m}"`);
  }
  return spec;
}

/** Members: a list of emails (each an organizer) or email → one of the five shared-drive roles. */
function checkDriveSpec(spec: SharedDriveSpec): SharedDriveSpec {
  const members: unknown = spec.members;
  if (Array.isArray(members)) {
    if (members.some((m) => typeof m !== 'string')) throw new ControlError('"members" must list emails');
    return spec;
  }
  if (members === null || typeof members !== 'object') throw new ControlError('"members" must be a list or an object');
  for (const [email, role] of Object.entries(members)) {
    if (!(DRIVE_ROLES as unknown[]).includes(role)) {
      throw new ControlError(`unknown role "${String(role)}" for ${email}: one of ${DRIVE_ROLES.join(', ')}`);
    }
  }
  return spec;
}

function checkPrincipal(spec: PrincipalSpec): PrincipalSpec {
  if (spec.kind !== undefined && !['user', 'service_account'].includes(spec.kind))
    throw new ControlError(`unknown kind "${spec.kind}"`);
  if (spec.scope !== undefined && !['drive', 'drive.file', 'drive.readonly'].includes(spec.scope)) {
    throw new ControlError(`unknown scope "${spec.scope}"`);
  }
  return spec;
}
