/**
 * Preloaded into the embedded worker's process (NODE_OPTIONS=--import) by test/worker/supervisor.test.ts:
 * deleting a file in a mailbox's control/ folder fails with EPERM, as a control file the worker may not delete
 * (another account's, on Drive). Running as root, a test cannot make a file undeletable with chmod.
 */
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const unlink = fsp.unlink;
fsp.unlink = async (path) => {
  if (/[\\/]control[\\/][^\\/]+\.json$/.test(String(path))) {
    throw Object.assign(new Error(`EPERM: operation not permitted, unlink '${path}'`), { code: 'EPERM' });
  }
  return unlink(path);
};
// Modules that import { unlink } from 'node:fs/promises' see the replacement too.
syncBuiltinESMExports();
