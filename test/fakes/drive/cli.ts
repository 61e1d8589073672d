/**
 * Runs the Drive fake as a command, for tests in other processes (the Python worker's):
 *
 *   npx tsx test/fakes/drive/cli.ts [--port 0] [--latency-ms 0] [--list-lag-ms 0]
 *       [--principal token:email[:kind[:scope[:label[:refreshToken]]]] ...]
 *
 * Prints one JSON line, {"url":"http://127.0.0.1:PORT","port":PORT}, then serves
 * until SIGTERM or SIGINT, or until stdin closes when stdin is a pipe or socket
 * (so a parent that dies takes the fake with it; /dev/null or a TTY is not watched).
 */
import { fstatSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePrincipalArg } from './cli-args.ts';
import { startDriveFake } from './server.ts';

function toNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
      'list-lag-ms': { type: 'string', default: '0' },
      principal: { type: 'string', multiple: true, default: [] },
    },
  });
  const fake = await startDriveFake({
    port: toNumber('port', values.port),
    latencyMs: toNumber('latency-ms', values['latency-ms']),
    listLagMs: toNumber('list-lag-ms', values['list-lag-ms']),
    principals: values.principal.map(parsePrincipalArg),
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const stdin = fstatSync(0);
  if (stdin.isFIFO() || stdin.isSocket()) {
    process.stdin.on('end', stop).on('close', stop).resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`drive fake: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
