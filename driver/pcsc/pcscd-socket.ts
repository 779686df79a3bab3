/** Whether pcscd is up: its socket must accept a connection (a killed pcscd leaves the file behind). */
import net from 'node:net';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

export function pcscdAccepts(socketPath: string = PCSCD_SOCKET, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (up: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(up);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
