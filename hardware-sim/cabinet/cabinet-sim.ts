import { PtyDevice } from '../serial/pty-device.js';

export interface CabinetSimState {
  door: 'OPEN' | 'CLOSED';
  temperatureC: number;
  power: 'MAINS' | 'BATTERY';
  battery: number;
}

function xor(text: string): string {
  let x = 0;
  for (const ch of text) x ^= ch.charCodeAt(0) & 0xff;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

function frame(text: string): string {
  return `${text}*${xor(text)}\r\n`;
}

/**
 * The cabinet controller's firmware, apart from its port: answers `> STATUS` and `> PING`,
 * rejects bad checksums with `< ERR BAD-CHECKSUM`, and announces changes as `!` events.
 */
export class SimulatedCabinet {
  private pending = '';
  readonly state: CabinetSimState = { door: 'CLOSED', temperatureC: 31.5, power: 'MAINS', battery: 98 };
  /** When false the controller answers nothing (hung). */
  responsive = true;
  readonly received: string[] = [];

  constructor(private readonly sendEvent: (bytes: Buffer) => Promise<void> = () => Promise.resolve()) {}

  receive(chunk: Buffer): Buffer {
    this.pending += chunk.toString('latin1');
    let out = '';
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.received.push(line);
      if (this.responsive) out += this.answer(line);
    }
    return Buffer.from(out, 'latin1');
  }

  statusLine(): string {
    const s = this.state;
    return frame(`< STATUS DOOR=${s.door} TEMP=${s.temperatureC.toFixed(1)} POWER=${s.power} BATT=${Math.round(s.battery)}`);
  }

  setDoor(door: 'open' | 'closed'): Promise<void> {
    this.state.door = door === 'open' ? 'OPEN' : 'CLOSED';
    return this.announce(`! DOOR=${this.state.door}`);
  }

  setTemperature(celsius: number): Promise<void> {
    this.state.temperatureC = celsius;
    return this.announce(`! TEMP=${celsius.toFixed(1)}`);
  }

  setPower(power: 'mains' | 'battery', batteryPercent = this.state.battery): Promise<void> {
    this.state.power = power === 'mains' ? 'MAINS' : 'BATTERY';
    this.state.battery = batteryPercent;
    return this.announce(`! POWER=${this.state.power} BATT=${Math.round(batteryPercent)}`);
  }

  private announce(text: string): Promise<void> {
    return this.responsive ? this.sendEvent(Buffer.from(frame(text), 'latin1')) : Promise.resolve();
  }

  private answer(line: string): string {
    const m = /^> ([A-Z]+)\*([0-9A-F]{2})$/.exec(line);
    if (!m) return frame('< ERR BAD-FRAME');
    if (xor(`> ${m[1]}`) !== m[2]) return frame('< ERR BAD-CHECKSUM');
    switch (m[1]) {
      case 'STATUS':
        return this.statusLine();
      case 'PING':
        return frame('< PONG');
      default:
        return frame('< ERR UNKNOWN-COMMAND');
    }
  }
}

/** The simulated cabinet controller on a pseudo-terminal, for the sim daemon and tests. */
export class SimulatedCabinetDevice {
  readonly cabinet: SimulatedCabinet;
  readonly link: PtyDevice;

  constructor(options: { readonly hostPath: string }) {
    this.cabinet = new SimulatedCabinet((bytes) => this.link.send(bytes));
    this.link = new PtyDevice({ hostPath: options.hostPath, onBytes: (chunk) => this.cabinet.receive(chunk) });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  stop(): Promise<void> {
    return this.link.stop();
  }
}
