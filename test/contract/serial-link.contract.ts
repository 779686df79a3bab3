/**
 * The serial link's contract: what every binding the serial devices are given must do, checked
 * the same way against the in-memory binding (`serial-link.memory.test.ts`, unit group), the
 * operating system's binding on a pseudo-terminal with the simulated printer behind it and on
 * a real port named by `KIOSK_TEST_SERIAL` (`serial-link.hw.test.ts`, hw group).
 *
 * The device on the port is an ESC/POS receipt printer: `DLE EOT n` is answered by one status
 * byte whose fixed bits read `0xx1 xx10` (mask 0x93 → 0x12).
 */
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { SerialBinding } from '../../driver/serial/binding.js';

export interface SerialLinkRig {
  readonly binding: SerialBinding;
  /** A port with an ESC/POS printer on it. */
  readonly path: string;
  /** A path where no port is. */
  readonly absentPath: string;
  /** Pulls the device out while the port is open; absent where a person would have to pull the cable. */
  readonly unplug?: () => Promise<void>;
  /** Puts it back after {@link unplug}. */
  readonly replug?: () => Promise<void>;
}

const DLE_EOT = (n: number): Buffer => Buffer.from([0x10, 0x04, n]);
const isStatusByte = (b: number | undefined): boolean => b !== undefined && (b & 0x93) === 0x12;
const BAUD = 9600;

type OpenPort = Awaited<ReturnType<SerialBinding['open']>>;

/** One read, failing the test rather than hanging when nothing comes. */
async function readSome(port: OpenPort, timeoutMs = 5_000): Promise<Buffer> {
  const buffer = Buffer.alloc(64);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no bytes within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const { bytesRead } = await Promise.race([port.read(buffer, 0, buffer.length), timeout]);
    return buffer.subarray(0, bytesRead);
  } finally {
    clearTimeout(timer);
  }
}

export function serialLinkContract(rig: () => SerialLinkRig): void {
  const opened: OpenPort[] = [];
  const open = async (path = rig().path): Promise<OpenPort> => {
    const port = await rig().binding.open({ path, baudRate: BAUD });
    opened.push(port);
    return port;
  };

  afterEach(async () => {
    for (const port of opened.splice(0)) if (port.isOpen) await port.close().catch(() => undefined);
  });

  describe('opening', () => {
    it('refuses a port that is not there, naming its path', async () => {
      const { binding, absentPath } = rig();
      await expect(binding.open({ path: absentPath, baudRate: BAUD })).rejects.toThrow(absentPath);
    });

    it('refuses a second open of a port that is open (the port is locked), and opens it again once closed', async () => {
      const first = await open();
      await expect(rig().binding.open({ path: rig().path, baudRate: BAUD })).rejects.toThrow(/lock/i);
      await first.close();
      expect(first.isOpen).toBe(false);
      const again = await open();
      expect(again.isOpen).toBe(true);
    });
  });

  describe('an open port', () => {
    it('carries a status request to the printer and its one status byte back', async () => {
      const port = await open();
      await port.write(DLE_EOT(1));
      const answer = await readSome(port);
      expect(answer.length).toBe(1);
      expect(isStatusByte(answer[0])).toBe(true);
    });

    it('through the stream, requests written back to back are each answered, in order, without overlapping writes', async () => {
      const stream = new SerialPortStream({ binding: rig().binding, path: rig().path, baudRate: BAUD, autoOpen: false });
      await new Promise<void>((resolve, reject) => stream.open((e) => (e ? reject(e) : resolve())));
      try {
        const received: number[] = [];
        const enough = new Promise<void>((resolve) =>
          stream.on('data', (chunk: Buffer) => {
            received.push(...chunk);
            if (received.length >= 3) resolve();
          }),
        );
        const errors: Error[] = [];
        stream.on('error', (e: Error) => errors.push(e));
        stream.write(DLE_EOT(1));
        stream.write(DLE_EOT(2));
        stream.write(DLE_EOT(4));
        await Promise.race([enough, new Promise((_, reject) => setTimeout(() => reject(new Error(`3 status bytes expected, got ${received.length}`)), 5_000))]);
        expect(errors).toEqual([]);
        expect(received).toHaveLength(3);
        expect(received.every((b) => isStatusByte(b))).toBe(true);
      } finally {
        await new Promise<void>((resolve) => (stream.isOpen ? stream.close(() => resolve()) : resolve()));
      }
    });
  });

  describe('a closed port', () => {
    it('fails every call with "Port is not open"', async () => {
      const port = await open();
      await port.close();
      await expect(port.write(DLE_EOT(1))).rejects.toThrow('Port is not open');
      await expect(port.read(Buffer.alloc(8), 0, 8)).rejects.toThrow('Port is not open');
      await expect(port.drain()).rejects.toThrow('Port is not open');
      await expect(port.flush()).rejects.toThrow('Port is not open');
      await expect(port.get()).rejects.toThrow('Port is not open');
      await expect(port.update({ baudRate: 19200 })).rejects.toThrow('Port is not open');
      await expect(port.close()).rejects.toThrow('Port is not open');
    });

    it('ends a read that was waiting as canceled', async () => {
      const port = await open();
      const waiting = port.read(Buffer.alloc(8), 0, 8);
      const outcome = waiting.then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await port.close();
      expect(await outcome).toMatchObject({ canceled: true });
    });
  });

  describe('a device that goes away', () => {
    const needsUnplug = (): string | null => (rig().unplug ? null : 'needs the device pulled out by hand');

    it('fails a waiting read with an error that is not a cancel (the stream reports it as disconnected)', async (ctx) => {
      const reason = needsUnplug();
      if (reason) return ctx.skip(reason);
      const port = await open();
      const outcome = port.read(Buffer.alloc(8), 0, 8).then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await rig().unplug!();
      const e = await outcome;
      expect(e).toBeInstanceOf(Error);
      expect((e as { canceled?: boolean }).canceled).not.toBe(true);
      await port.close().catch(() => undefined);
      await rig().replug!();
    });
  });
}
