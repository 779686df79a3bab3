/**
 * The serial link's contract against the in-memory binding, with the simulated printer's logic
 * on the other end; and what the in-memory binding refuses beyond it (what the native binding
 * leaves to its caller: overlapping writes and reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySerialBinding } from '../../driver/serial/memory-binding.js';
import { SimulatedPrinter } from '../../hardware-sim/printer/printer-sim.js';
import { serialLinkContract, type SerialLinkRig } from './serial-link.contract.js';

const PRINTER = '/dev/ttyMEM0';
const receiptsDir = mkdtempSync(path.join(tmpdir(), 'serial-memory-'));
afterAll(() => rmSync(receiptsDir, { recursive: true, force: true }));

function memoryRig(): SerialLinkRig {
  const binding = new MemorySerialBinding();
  const printer = new SimulatedPrinter({ receiptsDir });
  const plug = (): void => binding.createPort(PRINTER, (bytes) => printer.receive(bytes), { vendorId: '0416', productId: '5011' });
  plug();
  return {
    binding,
    path: PRINTER,
    absentPath: '/dev/ttyMEM9',
    unplug: () => Promise.resolve(binding.removePort(PRINTER)),
    replug: () => Promise.resolve(plug()),
  };
}

describe('serial link contract: in-memory binding', () => {
  const rig = memoryRig();
  serialLinkContract(() => rig);
});

describe('in-memory serial binding: stricter than the native one where the interface says "must not"', () => {
  const rig = memoryRig();

  it('refuses a write while the previous one is still pending, and takes it once that one is done', async () => {
    const port = await rig.binding.open({ path: rig.path, baudRate: 9600 });
    const first = port.write(Buffer.from([0x10, 0x04, 0x01]));
    await expect(port.write(Buffer.from([0x10, 0x04, 0x02]))).rejects.toThrow(/Overlapping writes/);
    await first;
    await expect(port.write(Buffer.from([0x10, 0x04, 0x02]))).resolves.toBeUndefined();
    await port.close();
  });

  it('refuses a second read while one is waiting', async () => {
    const port = await rig.binding.open({ path: rig.path, baudRate: 9600 });
    const waiting = port.read(Buffer.alloc(4), 0, 4).catch((e: unknown) => e);
    await expect(port.read(Buffer.alloc(4), 0, 4)).rejects.toThrow(/Overlapping reads/);
    await port.close();
    expect(await waiting).toMatchObject({ canceled: true });
  });

  it('refuses a write once the device is unplugged, and lists the port no more', async () => {
    const port = await rig.binding.open({ path: rig.path, baudRate: 9600 });
    await rig.unplug!();
    await expect(port.write(Buffer.from([0x10, 0x04, 0x01]))).rejects.toThrow('device disconnected');
    expect((await rig.binding.list()).map((p) => p.path)).not.toContain(rig.path);
    await port.close();
    await rig.replug!();
    expect(await rig.binding.list()).toMatchObject([{ path: rig.path, vendorId: '0416', productId: '5011' }]);
  });
});
