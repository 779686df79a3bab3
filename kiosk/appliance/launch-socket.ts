/**
 * How the kiosk window service gets its launch URL from the runtime: the runtime listens on a
 * unix socket in its data folder (`launch.sock`, mode 0600: only the kiosk user and root may
 * connect) and answers each connection with a fresh `launchUrl()` (the page plus a one-time code
 * for the UI key) and closes it. `kiosk browser` asks once per launch of Chromium.
 */
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';

export const LAUNCH_SOCKET = 'launch.sock';

export interface LaunchUrlServer {
  close(): Promise<void>;
}

export async function serveLaunchUrls(path: string, mint: () => string): Promise<LaunchUrlServer> {
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(mint() + '\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}

export function fetchLaunchUrl(path: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no launch URL from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`the kiosk runtime does not answer on ${path}: ${e.message}`));
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const url = text.trim();
      if (/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url)) resolve(url);
      else reject(new Error(`not a kiosk launch URL from ${path}`));
    });
  });
}
