/** A virtual X display (Xvfb) for tests that open the real kiosk window. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface VirtualDisplay {
  /** `:N` */
  readonly display: string;
  readonly width: number;
  readonly height: number;
  close(): Promise<void>;
}

/** Starts Xvfb on the first free display number from 90, with one screen of the given size. */
export async function startXvfb(width = 1080, height = 1920): Promise<VirtualDisplay> {
  let n = 90;
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n += 1;
  const display = `:${n}`;
  const child: ChildProcess = spawn('Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Xvfb did not start on ${display}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    display,
    width,
    height,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
