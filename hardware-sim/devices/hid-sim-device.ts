import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { HidDeviceInfo } from '../../shared/devices.js';
import { HID_IPC_MAX_FRAME_BYTES, HID_IPC_PATH, HID_IPC_SUBPROTOCOL } from '../../shared/hid-ipc.js';
import { SimRequestError, type SimDevice } from '../daemon/sim-device.js';
import { SIM_BUTTONS, SIM_SCANNER } from '../hid/hid-sim.js';
import { InjectedHidTransport } from '../hid/injected-hid.js';
import { buttonReports, hidPosReports, keyboardReports } from '../hid/reports.js';
import { HidIpcHub } from './hid-ipc-hub.js';
import { bodyFields, oneOf } from './request.js';

/** The same scanner model set to keyboard mode: it enumerates as a keyboard (usage page 0x01, usage 0x06). */
export const SIM_WEDGE_SCANNER: HidDeviceInfo = {
  path: 'sim:hidraw2',
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x01,
  usage: 0x06,
  product: 'Simulated keyboard-wedge scanner (Honeywell, keyboard mode)',
  manufacturer: 'station-kiosk sim',
  interfaceNumber: 0,
};

export const HID_SIM_ROLES = ['scanner', 'wedge-scanner', 'buttons'] as const;
export type HidSimRole = (typeof HID_SIM_ROLES)[number];
const DEVICE_OF: Record<HidSimRole, HidDeviceInfo> = { scanner: SIM_SCANNER, 'wedge-scanner': SIM_WEDGE_SCANNER, buttons: SIM_BUTTONS };

export const SCAN_MODES = ['hid-pos', 'keyboard'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];
const HELP_BUTTONS = ['information', 'emergency'] as const;
/** Longest code a scan request may carry: the kiosk's keyboard-wedge decoder drops longer ones. */
export const MAX_SCAN_CHARS = 2048;

export interface HidSimState {
  /** Always `injected-reports`: no `/dev/uhid` here, the report bytes travel over IPC. */
  readonly mode: 'injected-reports';
  readonly transport: 'loopback WebSocket IPC (not kernel uhid)';
  /** `ws://127.0.0.1:<port>/api/hid/ipc`, or null before the daemon listens. */
  readonly ipcUrl: string | null;
  readonly ipcSubprotocol: string;
  readonly ipcClients: number;
  readonly devices: readonly { readonly role: HidSimRole; readonly plugged: boolean; readonly openedBy: number; readonly info: HidDeviceInfo }[];
}

export interface HidDelivery {
  /** Reports sent. */
  readonly reports: number;
  /** Runtime connections that had the device open and got them. */
  readonly delivered: number;
}

/**
 * The simulated QR scanner (HID-POS and keyboard-wedge) and help-button panel, as a
 * {@link SimDevice}. Runs in `injected-reports` mode: there is no `/dev/uhid` here, so the
 * devices live in an {@link InjectedHidTransport} and reach the kiosk runtime over the HID IPC
 * WebSocket (`GET /api/hid/ipc`), where `RemoteHidTransport` hands the same report bytes to
 * the kiosk's HID parsers.
 */
export class HidSimDevice implements SimDevice {
  readonly id = 'hid';
  readonly description = 'QR scanner (HID-POS, keyboard wedge) and help buttons — injected-reports mode over loopback IPC, not kernel uhid';
  readonly transport = new InjectedHidTransport();
  readonly hub: HidIpcHub;
  private readonly plugged = new Set<HidSimRole>();
  private app: FastifyInstance | null = null;

  constructor(private readonly options: { readonly log?: (line: string) => void } = {}) {
    this.hub = new HidIpcHub(this.transport, options.log);
  }

  async start(): Promise<void> {
    for (const role of HID_SIM_ROLES) {
      this.transport.plug(DEVICE_OF[role]);
      this.plugged.add(role);
    }
    await this.hub.devicesChanged();
  }

  get ipcUrl(): string | null {
    const address = this.app?.server.address();
    return typeof address === 'object' && address ? `ws://127.0.0.1:${address.port}${HID_IPC_PATH}` : null;
  }

  state(): HidSimState {
    return {
      mode: 'injected-reports',
      transport: 'loopback WebSocket IPC (not kernel uhid)',
      ipcUrl: this.ipcUrl,
      ipcSubprotocol: HID_IPC_SUBPROTOCOL,
      ipcClients: this.hub.clientCount,
      devices: HID_SIM_ROLES.map((role) => ({ role, plugged: this.plugged.has(role), openedBy: this.hub.openedBy(DEVICE_OF[role].path), info: DEVICE_OF[role] })),
    };
  }

  status(): unknown {
    return this.state();
  }

  scan(text: string, mode: ScanMode): HidDelivery {
    if (text.length === 0 || text.length > MAX_SCAN_CHARS) throw new SimRequestError(400, 'invalid-value', `\`text\` must be 1 to ${MAX_SCAN_CHARS} characters`);
    const role: HidSimRole = mode === 'hid-pos' ? 'scanner' : 'wedge-scanner';
    let reports: Uint8Array[];
    if (mode === 'hid-pos') reports = hidPosReports(text);
    else {
      const untypeable = [...text].find((ch) => {
        try {
          keyboardReports(ch);
          return false;
        } catch {
          return true;
        }
      });
      if (untypeable !== undefined) throw new SimRequestError(400, 'untypeable-text', `a keyboard-wedge scanner (US layout) cannot type ${JSON.stringify(untypeable)}; use mode "hid-pos"`);
      reports = keyboardReports(text);
    }
    return this.feed(role, reports);
  }

  press(button: 'information' | 'emergency'): HidDelivery {
    return this.feed('buttons', buttonReports(button));
  }

  private feed(role: HidSimRole, reports: Uint8Array[]): HidDelivery {
    if (!this.plugged.has(role)) throw new SimRequestError(409, 'device-unplugged', `the simulated ${role} is unplugged; plug it back first (POST /api/hid/${role}/replug)`);
    return { reports: reports.length, delivered: this.transport.feed(DEVICE_OF[role].path, reports) };
  }

  async unplug(role: HidSimRole): Promise<HidSimState> {
    if (this.plugged.delete(role)) {
      this.transport.unplug(DEVICE_OF[role].path);
      await this.hub.devicesChanged();
    }
    return this.state();
  }

  async replug(role: HidSimRole): Promise<HidSimState> {
    if (!this.plugged.has(role)) {
      this.plugged.add(role);
      this.transport.plug(DEVICE_OF[role]);
      await this.hub.devicesChanged();
    }
    return this.state();
  }

  registerRoutes(app: FastifyInstance): void {
    this.app = app;
    app.get('/api/hid', () => this.state());
    app.post('/api/hid/scan', (req) => {
      const body = bodyFields(req.body, ['text', 'mode'], '{ text, mode?: "hid-pos" | "keyboard" }');
      if (typeof body.text !== 'string') throw new SimRequestError(400, 'invalid-value', '`text` must be a string');
      return this.scan(body.text, body.mode === undefined ? 'hid-pos' : oneOf(body.mode, SCAN_MODES, 'mode'));
    });
    app.post('/api/hid/press', (req) => {
      const body = bodyFields(req.body, ['button'], '{ button: "information" | "emergency" }');
      return this.press(oneOf(body.button, HELP_BUTTONS, 'button'));
    });
    app.post<{ Params: { role: string } }>('/api/hid/:role/unplug', (req) => this.unplug(this.role(req.params.role)));
    app.post<{ Params: { role: string } }>('/api/hid/:role/replug', (req) => this.replug(this.role(req.params.role)));
    void app.register(async (ipc) => {
      await ipc.register(websocket, { options: { maxPayload: HID_IPC_MAX_FRAME_BYTES, handleProtocols: (offered) => (offered.has(HID_IPC_SUBPROTOCOL) ? HID_IPC_SUBPROTOCOL : false) } });
      ipc.addHook('onRequest', async (req, reply) => {
        const origin = req.headers.origin;
        if (origin !== undefined && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) {
          await reply.code(403).send({ error: { code: 'forbidden-origin', message: 'the HID IPC socket accepts loopback pages and local processes only' } });
        }
      });
      ipc.get(HID_IPC_PATH, { websocket: true }, (socket) => {
        if (socket.protocol !== HID_IPC_SUBPROTOCOL) {
          socket.close(1002, `use the ${HID_IPC_SUBPROTOCOL} sub-protocol`);
          return;
        }
        this.hub.attach(socket);
      });
    });
  }

  private role(value: string): HidSimRole {
    if ((HID_SIM_ROLES as readonly string[]).includes(value)) return value as HidSimRole;
    throw new SimRequestError(404, 'unknown-hid-device', `no simulated HID device ${JSON.stringify(value.slice(0, 40))}; devices are ${HID_SIM_ROLES.join(', ')}`);
  }

  stop(): Promise<void> {
    this.hub.closeAll();
    for (const role of HID_SIM_ROLES) this.transport.unplug(DEVICE_OF[role].path);
    this.plugged.clear();
    return Promise.resolve();
  }
}
