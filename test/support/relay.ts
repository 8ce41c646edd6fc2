import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './processes.js';

/**
 * A TCP relay in front of a local service, to make it unreachable and
 * reachable again without touching the service. Taking it down refuses new
 * connections and cuts open ones, as an outage does. The chaos soak puts
 * localstripe behind one (it cannot be restarted with its state: its only
 * store is one file shared by every localstripe on the machine); the
 * database tests put MariaDB behind one.
 */
export interface Relay {
  url: string;
  isUp(): boolean;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: targetPort });
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.once('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });

  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    isUp: () => server !== undefined,
    down: stop,
    up: () => (server ? Promise.resolve() : listen()),
    close: stop,
  };
}
