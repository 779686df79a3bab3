import type { FastifyInstance } from 'fastify';
import { SimulatedCabinetDevice } from '../cabinet/cabinet-sim.js';
import type { SimDevice } from '../daemon/sim-device.js';
import { bodyFields, numberIn, oneOf, OperationQueue } from './request.js';

const DOOR_STATES = ['open', 'closed'] as const;
const POWER_SOURCES = ['mains', 'battery'] as const;
/** What a cabinet thermometer could plausibly read; anything else is a typing error. */
const TEMPERATURE_RANGE_C = [-40, 100] as const;

export interface CabinetSimState {
  /** The pty the kiosk's cabinet driver opens. */
  readonly hostPath: string;
  readonly plugged: boolean;
  readonly door: 'open' | 'closed';
  readonly temperatureC: number;
  readonly power: 'mains' | 'battery';
  readonly batteryPercent: number;
}

/** The simulated cabinet controller on a pty, as a {@link SimDevice}: door, temperature, power, plug. */
export class CabinetSimDevice implements SimDevice {
  readonly id = 'cabinet';
  readonly description = 'Cabinet controller (door, temperature, UPS power) on a pseudo-terminal (socat)';
  readonly device: SimulatedCabinetDevice;
  private readonly queue = new OperationQueue();

  constructor(private readonly options: { readonly hostPath: string }) {
    this.device = new SimulatedCabinetDevice({ hostPath: options.hostPath });
  }

  start(): Promise<void> {
    return this.queue.run(() => this.device.start());
  }

  state(): CabinetSimState {
    const s = this.device.cabinet.state;
    return {
      hostPath: this.options.hostPath,
      plugged: this.device.link.plugged,
      door: s.door === 'OPEN' ? 'open' : 'closed',
      temperatureC: s.temperatureC,
      power: s.power === 'MAINS' ? 'mains' : 'battery',
      batteryPercent: Math.round(s.battery),
    };
  }

  status(): unknown {
    return this.state();
  }

  async setDoor(door: 'open' | 'closed'): Promise<CabinetSimState> {
    await this.device.cabinet.setDoor(door);
    return this.state();
  }

  async setTemperature(celsius: number): Promise<CabinetSimState> {
    await this.device.cabinet.setTemperature(Math.round(celsius * 10) / 10);
    return this.state();
  }

  async setPower(source: 'mains' | 'battery', batteryPercent?: number): Promise<CabinetSimState> {
    await this.device.cabinet.setPower(source, batteryPercent ?? this.device.cabinet.state.battery);
    return this.state();
  }

  unplug(): Promise<CabinetSimState> {
    return this.queue.run(async () => {
      if (this.device.link.plugged) await this.device.link.unplug();
      return this.state();
    });
  }

  replug(): Promise<CabinetSimState> {
    return this.queue.run(async () => {
      if (!this.device.link.plugged) await this.device.link.replug();
      return this.state();
    });
  }

  registerRoutes(app: FastifyInstance): void {
    app.get('/api/cabinet', () => this.state());
    app.post('/api/cabinet/door', (req) => {
      const body = bodyFields(req.body, ['state'], '{ state: "open" | "closed" }');
      return this.setDoor(oneOf(body.state, DOOR_STATES, 'state'));
    });
    app.post('/api/cabinet/temperature', (req) => {
      const body = bodyFields(req.body, ['celsius'], '{ celsius: number }');
      return this.setTemperature(numberIn(body.celsius, TEMPERATURE_RANGE_C[0], TEMPERATURE_RANGE_C[1], 'celsius'));
    });
    app.post('/api/cabinet/power', (req) => {
      const body = bodyFields(req.body, ['source', 'batteryPercent'], '{ source: "mains" | "battery", batteryPercent?: 0..100 }');
      const source = oneOf(body.source, POWER_SOURCES, 'source');
      const percent = body.batteryPercent === undefined ? undefined : Math.round(numberIn(body.batteryPercent, 0, 100, 'batteryPercent'));
      return this.setPower(source, percent);
    });
    app.post('/api/cabinet/battery', (req) => {
      const body = bodyFields(req.body, ['percent'], '{ percent: 0..100 }');
      return this.setPower(this.state().power, Math.round(numberIn(body.percent, 0, 100, 'percent')));
    });
    app.post('/api/cabinet/unplug', () => this.unplug());
    app.post('/api/cabinet/replug', () => this.replug());
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.device.stop());
  }
}
