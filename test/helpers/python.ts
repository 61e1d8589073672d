/** Runs Debian's python3 (which has torch) on storyloom's colab package. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The Python with torch, requests and pytest (from apt). */
export const PYTHON = '/usr/bin/python3';

const run = promisify(execFile);

/** Runs `python3 -m <module> ...args` from the repository root and returns stdout. */
export async function runPython(module: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run(PYTHON, ['-m', module, ...args], {
    cwd: ROOT,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  return stdout;
}

/** Reads a JSON file under the repository root (JSON.parse keeps lone surrogates, which Vite's loader refuses). */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(`${ROOT}${path}`, 'utf8')) as T;
}
