/**
 * The serial link's binding: how bytes reach a port (serialport's `BindingInterface`). Every
 * serial device driver is given one; none picks its own. Production passes
 * {@link systemSerialBinding} (the operating system's ports, also pseudo-terminals in the
 * simulator); unit tests pass a `MemorySerialBinding` (`memory-binding.ts`), which refuses what
 * the interface forbids. The contract both keep: `test/contract/serial-link.contract.ts`.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { SerialPort } from 'serialport';

export type SerialBinding = BindingInterface;

/** The operating system's serial ports: serialport's native binding for this platform. */
export function systemSerialBinding(): SerialBinding {
  return SerialPort.binding;
}
