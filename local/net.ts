import { createServer, type Server } from 'node:http';

/** Starts `server` on 127.0.0.1 (port 0: a free one); resolves with the port. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((r, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => r());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, 0);
  await new Promise((r) => probe.close(r));
  return port;
}
