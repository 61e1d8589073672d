/**
 * The container (Dockerfile and compose.yaml), built and run with podman as an operator would run them, on a local
 * base image made by scripts/container/base-image.sh (Debian bookworm and node from the npm registry: no container
 * registry is reachable here). The container, with the playground on and a fresh data volume, reports healthy
 * through the image's HEALTHCHECK, runs as a user other than root, serves a /story through the playground API,
 * keeps its data in the volume, and stops on `podman stop` (SIGTERM) with exit 0, well within the grace period;
 * compose.yaml (through podman-compose) runs it with its env file, its volume, and its ports on the loopback only.
 *
 * How podman runs here, each found by trying (the report of issue 18 has the errors):
 * - `--runtime runc`: Debian's crun 1.8 refuses this machine's hybrid cgroup layout ("cgroups in hybrid mode not
 *   supported, drop all controllers from cgroupv2").
 * - `--ulimit nofile=…,nproc=…`: podman's defaults for a root container are higher than this machine lets a
 *   process raise its limits to (no CAP_SYS_RESOURCE: "error setting rlimit type 7: operation not permitted").
 * - `--health-interval=disable`: podman runs health checks from systemd timers, and no systemd runs here; the
 *   container keeps the image's check without a timer, and the test runs it with `podman healthcheck run`, as the
 *   timer would.
 * The build reaches the npm registry through podman's default network; the local base carries the host's
 * certificate authorities (scripts/container/base-image.sh).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/python.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';

/** The image under test: one fixed name, so a second run reuses the layers of the first. */
const IMAGE = 'localhost/storyloom-test:latest';
/** podman's options for every command, and for starting a container (see above). */
const PODMAN = ['--runtime', 'runc'];
const LIMITS = ['--ulimit', 'nofile=16384:16384', '--ulimit', 'nproc=16384:16384'];
const NO_TIMER = ['--health-interval=disable'];
const SUFFIX = randomBytes(4).toString('hex');
const CONTAINER = `storyloom-test-${SUFFIX}`;
const VOLUME = `storyloom-test-data-${SUFFIX}`;
/** The most time `podman stop` may take (asserted): the bot stops in well under a second outside a container. */
const STOP_BOUND_MS = 10_000;

/** The compose project the compose test starts (its container, volume and network carry the name). */
const PROJECT = `storyloom-test-compose-${SUFFIX}`;

const timings: Record<string, number> = {};
/** The local base image (scripts/container/base-image.sh). */
let base = '';
const started = performance.now();

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a command to its end (never throws); kills it after `timeoutMs`. */
function run(command: string, args: string[], timeoutMs = 60_000, env = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, out: String(out), err: String(err) });
    });
  });
}

/** Runs podman and returns its stdout; fails with all it printed when it exits non-zero. */
async function podman(args: string[], timeoutMs = 60_000): Promise<string> {
  const ran = await run('podman', [...PODMAN, ...args], timeoutMs);
  if (ran.code !== 0) throw new Error(`podman ${args.join(' ')}: exit ${ran.code}\n${ran.out}\n${ran.err}`);
  return ran.out;
}

/** Times `step` into `timings[name]` (seconds). */
async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await step();
  } finally {
    timings[name] = Math.round((performance.now() - t) / 100) / 10;
  }
}

/** The parts of `podman image inspect` this test reads (podman keeps the health check beside Config). */
interface ImageDoc {
  Config: { User: string; Env: string[]; Cmd: string[]; Volumes?: Record<string, object> };
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number };
}

/** The parts of `podman container inspect` this test reads (podman 4 names the health both ways). */
interface ContainerState {
  Status: string;
  ExitCode: number;
  Health?: { Status: string };
  Healthcheck?: { Status: string };
}

/** The image's inspect document. */
async function imageDoc(name: string): Promise<ImageDoc> {
  return JSON.parse(await podman(['image', 'inspect', name]))[0];
}

/** The container's state. */
async function containerState(name: string): Promise<ContainerState> {
  return JSON.parse(await podman(['container', 'inspect', name]))[0].State;
}

beforeAll(async () => {
  const tools = await run('bash', ['scripts/container/ensure-tools.sh'], 600_000);
  expect(tools.code, `scripts/container/ensure-tools.sh:\n${tools.err}`).toBe(0);
  base = await timed('base image', async () => {
    const made = await run('bash', ['scripts/container/base-image.sh'], 600_000);
    expect(made.code, `scripts/container/base-image.sh:\n${made.out}\n${made.err}`).toBe(0);
    return made.out.trim().split('\n').pop()!;
  });
  // Docker's image format: the OCI format has no HEALTHCHECK, and podman drops it there.
  const args = ['build', '--format', 'docker', '--build-arg', `NODE_IMAGE=${base}`, '--tag', IMAGE, '.'];
  await timed('image build', () => podman(args, 600_000));
}, 1_200_000);

afterAll(async () => {
  await run('podman', [...PODMAN, 'rm', '--force', '--time', '0', CONTAINER]);
  await run('podman', [...PODMAN, 'volume', 'rm', '--force', VOLUME]);
  // What the compose test left, were it to fail midway (podman-compose's names: project_service_1, project_volume).
  await run('podman', [...PODMAN, 'rm', '--force', '--time', '0', `${PROJECT}_storyloom_1`]);
  await run('podman', [...PODMAN, 'volume', 'rm', '--force', `${PROJECT}_storyloom-data`]);
  await run('podman', [...PODMAN, 'network', 'rm', '--force', `${PROJECT}_default`]);
  timings.total = Math.round((performance.now() - started) / 100) / 10;
  console.info(`[container] seconds: ${JSON.stringify(timings)}`);
}, 60_000);

describe('the container image (Dockerfile)', () => {
  it('runs node as the unprivileged user, with its data volume, settings and readiness check', async () => {
    const { Config: config, Healthcheck: check } = await imageDoc(IMAGE);
    expect(config.User).toBe('node');
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data']);
    expect(config.Env).toEqual(
      expect.arrayContaining(['NODE_ENV=production', 'STORYLOOM_DATA_DIR=/data', 'OPS_HOST=0.0.0.0', 'OPS_PORT=9464']),
    );
    expect(config.Cmd).toEqual(['node', '--enable-source-maps', 'dist/src/main.js']);
    expect(check?.Test.join(' ')).toMatch(/^CMD node -e .*127\.0\.0\.1:\$\{process\.env\.OPS_PORT\}\/health\/ready/);
    const second = 1e9;
    expect(check).toMatchObject({ Interval: 30 * second, Timeout: 5 * second, StartPeriod: 60 * second, Retries: 3 });
    // Every dependency is there, the build tools are not (npm prune leaves their empty scope folders), and no
    // TypeScript source is.
    const list =
      'cd node_modules; for d in * @*/*; do [ -f $d/package.json ] && echo $d; done; find ../dist -name "*.ts"';
    const files = (await podman(['run', '--rm', ...LIMITS, IMAGE, 'sh', '-c', list])).split('\n');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: object };
    expect(files).toEqual(expect.arrayContaining(Object.keys(pkg.dependencies)));
    for (const tool of ['tsx', 'typescript', 'vitest', '@biomejs/biome', 'playwright-core', 'esbuild']) {
      expect(files).not.toContain(tool);
    }
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
  }, 60_000);

  it('becomes healthy, runs as non-root, serves a story, and stops on podman stop with exit 0', async () => {
    const env = ['STORYLOOM_COOLDOWN_S=0', 'STORYLOOM_HEARTBEAT_S=1', 'STORYLOOM_WORKER_ID=container-test'];
    await podman([
      'run',
      '--detach',
      '--name',
      CONTAINER,
      ...NO_TIMER,
      ...LIMITS,
      ...env.flatMap((e) => ['--env', e]),
      '--volume',
      `${VOLUME}:/data`,
      '--publish',
      '127.0.0.1::8787',
      '--publish',
      '127.0.0.1::9464',
      IMAGE,
    ]);
    const port = async (inside: number) =>
      Number((await podman(['port', CONTAINER, `${inside}/tcp`])).trim().split(':')[1]);
    const url = `http://127.0.0.1:${await port(8787)}`;

    await timed('to healthy', () => healthy(CONTAINER));
    const state = await containerState(CONTAINER);
    expect(state.Health?.Status ?? state.Healthcheck?.Status).toBe('healthy');
    // The ops port, published to the host's loopback, answers too.
    expect((await fetch(`http://127.0.0.1:${await port(9464)}/health/ready`)).status).toBe(200);

    // Every process in the container (the bot, its embedded worker) runs as `node`: uid and gid 1000, as the
    // host's /proc sees them (real, effective, saved and file system ids).
    const top = await podman(['top', CONTAINER, 'hpid', 'args']);
    const rows = top.trim().split('\n').slice(1);
    expect(rows.map((row) => row.replace(/^\s*\d+\s+/, '').trim()).sort(), top).toEqual([
      '/usr/local/bin/node --enable-source-maps /app/dist/src/worker/main.js',
      'node --enable-source-maps dist/src/main.js',
    ]);
    for (const pid of rows.map((row) => Number.parseInt(row, 10))) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status, top).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
      expect(status, top).toMatch(/^Gid:\s+1000\s+1000\s+1000\s+1000$/m);
    }

    const playground = new PlaygroundClient(url);
    expect((await fetch(`${url}/`)).status).toBe(200);
    await timed('story', async () => {
      const id = await playground.startStory('Ann', 'The old house --length 40');
      const story = await playground.waitForLines(id, 2, 90_000);
      expect(story.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Ann' } });
    });
    expect((await playground.health()).worker).toMatchObject({ online: true, id: 'container-test' });

    await timed('stop', () => podman(['stop', '--time', '30', CONTAINER], 60_000));
    expect(timings.stop * 1000, await logs()).toBeLessThan(STOP_BOUND_MS);
    const stopped = await containerState(CONTAINER);
    expect({ status: stopped.Status, exit: stopped.ExitCode }, await logs()).toEqual({ status: 'exited', exit: 0 });
    expect(await logs()).toMatch(/storyloom: stopping/);

    // What the bot wrote is in the volume, and belongs to the container's user.
    const mountpoint = (await podman(['volume', 'inspect', VOLUME, '--format', '{{.Mountpoint}}'])).trim();
    const written = readdirSync(mountpoint);
    expect(written.length, `volume holds ${written}`).toBeGreaterThan(0);
    for (const name of written) expect(statSync(join(mountpoint, name)).uid, name).toBe(1000);
  }, 300_000);

  it('runs with compose.yaml: settings from the env file, the volume, both ports on the loopback only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyloom-compose-'));
    const envFile = join(dir, 'bot.env');
    writeFileSync(envFile, 'STORYLOOM_COOLDOWN_S=0\nSTORYLOOM_WORKER_ID=compose-test\nSTORYLOOM_DATA_DIR=./data\n');
    const [playgroundPort, opsPort] = [await freePort(), await freePort()];
    const env = { STORYLOOM_ENV_FILE: envFile, PLAYGROUND_PUBLISH: `${playgroundPort}`, OPS_PUBLISH: `${opsPort}` };
    try {
      const up = await timed('compose up', () => compose(['up', '--detach', '--build'], env, 600_000));
      expect(up.code, `${up.out}\n${up.err}`).toBe(0);
      const container = `${PROJECT}_storyloom_1`;
      await timed('compose to healthy', () => healthy(container));
      const published = (await podman(['port', container])).trim().split('\n').sort();
      expect(published).toEqual([`8787/tcp -> 127.0.0.1:${playgroundPort}`, `9464/tcp -> 127.0.0.1:${opsPort}`]);
      // compose.yaml's environment wins over the env file: the data stays in the volume.
      expect((await podman(['exec', container, 'printenv', 'STORYLOOM_DATA_DIR'])).trim()).toBe('/data');
      const mounts = JSON.parse(await podman(['container', 'inspect', container]))[0].Mounts as object[];
      expect(mounts).toEqual([expect.objectContaining({ Name: `${PROJECT}_storyloom-data`, Destination: '/data' })]);

      const playground = new PlaygroundClient(`http://127.0.0.1:${playgroundPort}`);
      const id = await playground.startStory('Bo', 'A quiet street --length 40');
      expect((await playground.waitForLines(id, 2, 90_000)).lines[1]).toMatchObject({ kind: 'model' });
      expect((await playground.health()).worker).toMatchObject({ online: true, id: 'compose-test' });
      expect((await fetch(`http://127.0.0.1:${opsPort}/health/ready`)).status).toBe(200);

      const down = await timed('compose down', () => compose(['down', '--volumes'], env));
      expect(down.code, `${down.out}\n${down.err}`).toBe(0);
      expect((await run('podman', [...PODMAN, 'container', 'exists', container])).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

/** Runs the container's health check (as podman's timer would) until it passes; fails after 90 s. */
async function healthy(container: string): Promise<void> {
  const end = Date.now() + 90_000;
  for (;;) {
    const check = await run('podman', [...PODMAN, 'healthcheck', 'run', container]);
    if (check.code === 0) return;
    if (Date.now() > end)
      throw new Error(`${container} not healthy in 90 s: ${check.out}${check.err}\n${await logs()}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** A free TCP port on the loopback, for publishing a container's port there. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Runs podman-compose on compose.yaml, as project PROJECT, with podman as above and `env` for compose.yaml. */
function compose(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Ran> {
  const podmanArgs = ['--podman-args', PODMAN.join(' '), '--podman-run-args', [...LIMITS, ...NO_TIMER].join(' ')];
  const composeEnv = { ...process.env, BUILDAH_FORMAT: 'docker', NODE_IMAGE: base, ...env };
  return run('podman-compose', ['--project-name', PROJECT, ...podmanArgs, ...args], timeoutMs, composeEnv);
}

/** What the container printed. */
async function logs(): Promise<string> {
  const ran = await run('podman', [...PODMAN, 'logs', CONTAINER]);
  return `--- container output ---\n${ran.out}${ran.err}`.slice(-4000);
}
