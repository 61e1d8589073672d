import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DriveFake, type DriveFakeOptions } from './drive-fake.ts';
import { createRequestListener } from './request-pipeline.ts';

/**
 * Starts a Drive v3 fake on `node:http` in this process.
 *
 * ```ts
 * const fake = await startDriveFake({ principals: [{ token: 't', email: 'bot@example.com' }] });
 * const drive = google.drive({ version: 'v3', auth });
 * await drive.files.list({ q: "name = 'x'" }, { rootUrl: fake.url + '/' });
 * await fake.close();
 * ```
 */
export async function startDriveFake(options: DriveFakeOptions = {}): Promise<DriveFake> {
  const fake = new DriveFake(options);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };
  const server = createServer(createRequestListener(fake, later));
  // Outlive the clients' idle keep-alive sockets, so a client never reuses one the server is closing.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  fake.attach({
    url: `http://${address}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return fake;
}
