/**
 * The one convention of the command-line programs, one file per npm script in src/cli/:
 *
 * - A program is a `main(argv)` that parses its arguments, calls library code, prints its results on
 *   stdout, and returns its exit code (0 when it did what was asked).
 * - `--help` prints the program's usage on stdout, exit 0.
 * - A mistake in what was asked (an unknown option, a bad value, a missing setting: a UsageError or a
 *   UserError) prints `storyloom <program>: <message>` on stderr (and the usage, for a bad option), exit 2.
 * - Any other failure prints `storyloom <program>: <message>` on stderr, exit 1; a bug (a TypeError,
 *   ReferenceError or SyntaxError) prints its stack too.
 * - Those failures are error records of the logger (src/log.ts, named `storyloom <program>`): the line alone,
 *   or a JSON record under LOG_FORMAT=json or NODE_ENV=production, and never a secret.
 * - The process exits once main is done and its output is written, even when a client library keeps a
 *   connection open.
 *
 *   export async function main(argv: string[]): Promise<number> { ... }
 *   runCli(import.meta.url, { name: 'generate', usage: USAGE, main });   // only when run as a program
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reasonOf } from '../log-text.ts';
import { startupLogger, type Logger } from '../log.ts';
import { isUserError } from '../stories/errors.ts';

/** A mistake in what was asked (an argument, a setting it needs): printed without a stack, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A program, as runCli runs it. */
export interface Program {
  /** The npm script's name (`mailbox:init`), which prefixes its error messages. */
  name: string;
  /** How to call it, printed for `--help` and after a bad option. */
  usage: string;
  /** Does the work; resolves with the exit code. */
  main: (argv: string[]) => Promise<number> | number;
}

/** What a failure prints and the exit code it gives, by the convention above. */
export function failure(name: string, error: unknown, usage: string): { text: string; code: number } {
  const parseError = String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
  const mistake = parseError || error instanceof UsageError || isUserError(error);
  const bug = !mistake && [TypeError, ReferenceError, SyntaxError].some((kind) => error instanceof kind);
  const text = `storyloom ${name}: ${bug ? (error as Error).stack : reasonOf(error)}${parseError ? `\n${usage}` : ''}`;
  return { text, code: mistake ? 2 : 1 };
}

/** True when the module at `moduleUrl` is the program node was started with (not imported by a test). */
export function isEntry(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Runs `program` with the process's arguments when `moduleUrl` is the entry point, then exits. */
export function runCli(moduleUrl: string, program: Program): void {
  if (!isEntry(moduleUrl)) return;
  void run(program, process.argv.slice(2)).then(async (code) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
}

/** Runs a program and returns its exit code; logs what a failure says (through `log`, so without secrets). */
export async function run(
  program: Program,
  argv: string[],
  log: Logger = startupLogger(`storyloom ${program.name}`),
): Promise<number> {
  // Options end at `--`; what follows is an argument, even `--help`.
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (options.includes('--help')) {
    console.log(program.usage);
    return 0;
  }
  try {
    return await program.main(argv);
  } catch (error) {
    const { text, code } = failure(program.name, error, program.usage);
    log.error(text);
    return code;
  }
}

/** Resolves once everything written to `stream` so far is out. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
