/**
 * The loopback IPC protocol that carries simulated HID devices from the sim daemon to the kiosk
 * runtime (another process). There is no `/dev/uhid` on the development and test machines, so
 * the kernel cannot show a virtual HID device to node-hid; instead the daemon serves its
 * devices' list, arrival, removal and input report bytes over a WebSocket, and the runtime's
 * `RemoteHidTransport` (`driver/hid/remote-transport.ts`) turns them back into a
 * {@link HidTransport}. The report bytes are the ones a real device sends, so the same parsers
 * run on them. Mode: `injected-reports` over IPC, not kernel uhid.
 *
 * Every message is one JSON text frame. Report bytes travel as upper-case hex.
 */
import type { HidDeviceInfo } from './devices.js';
import { err, ok, type Result } from './result.js';

/** WebSocket sub-protocol both ends must agree on. */
export const HID_IPC_SUBPROTOCOL = 'station-kiosk.hid-ipc.v1';
/** Path of the WebSocket on the sim daemon: `ws://127.0.0.1:<port>/api/hid/ipc`. */
export const HID_IPC_PATH = '/api/hid/ipc';
/** Largest frame either end accepts. */
export const HID_IPC_MAX_FRAME_BYTES = 64 * 1024;
/** Largest single input report carried (HID reports are at most a few hundred bytes). */
export const HID_IPC_MAX_REPORT_BYTES = 4096;

/** Daemon → runtime. */
export type HidIpcServerMessage =
  /** First message on every connection: the devices plugged in now. */
  | { readonly type: 'hello'; readonly mode: 'injected-reports'; readonly devices: readonly HidDeviceInfo[] }
  | { readonly type: 'arrived'; readonly device: HidDeviceInfo }
  | { readonly type: 'removed'; readonly path: string }
  | { readonly type: 'opened'; readonly requestId: number; readonly path: string }
  | { readonly type: 'open-failed'; readonly requestId: number; readonly path: string; readonly message: string }
  /** An input report of a device this connection opened. */
  | { readonly type: 'report'; readonly path: string; readonly data: string }
  /** An opened device failed or vanished; that connection is dead (open it again after it reappears). */
  | { readonly type: 'device-error'; readonly path: string; readonly message: string }
  /** The daemon refused a message of the runtime; it closes the socket after this. */
  | { readonly type: 'protocol-error'; readonly message: string };

/** Runtime → daemon. */
export type HidIpcClientMessage =
  | { readonly type: 'open'; readonly requestId: number; readonly path: string }
  | { readonly type: 'close'; readonly path: string };

export interface HidIpcParseError {
  readonly code: 'bad-message';
  readonly message: string;
}

type Fields = Record<string, unknown>;

function objectOf(text: string): Result<Fields, HidIpcParseError> {
  if (text.length > HID_IPC_MAX_FRAME_BYTES) return err({ code: 'bad-message', message: `frame longer than ${HID_IPC_MAX_FRAME_BYTES} bytes` });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err({ code: 'bad-message', message: 'not JSON' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err({ code: 'bad-message', message: 'not a JSON object' });
  return ok(value as Fields);
}

const isPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 512;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 2048;
const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isUint16 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
const isNullableUint16 = (v: unknown): v is number | null => v === null || isUint16(v);
const isNullableText = (v: unknown): v is string | null => v === null || (isText(v) && v.length <= 256);
const isReportHex = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= HID_IPC_MAX_REPORT_BYTES * 2 && /^(?:[0-9A-Fa-f]{2})+$/.test(v);

function deviceInfo(v: unknown): HidDeviceInfo | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const d = v as Fields;
  if (!isPath(d.path) || !isUint16(d.vendorId) || !isUint16(d.productId) || !isNullableUint16(d.usagePage) || !isNullableUint16(d.usage)) return null;
  if (!isNullableText(d.product) || !isNullableText(d.manufacturer) || typeof d.interfaceNumber !== 'number' || !Number.isInteger(d.interfaceNumber) || d.interfaceNumber < -1 || d.interfaceNumber > 255) return null;
  return { path: d.path, vendorId: d.vendorId, productId: d.productId, usagePage: d.usagePage, usage: d.usage, product: d.product, manufacturer: d.manufacturer, interfaceNumber: d.interfaceNumber };
}

const bad = (message: string): Result<never, HidIpcParseError> => err({ code: 'bad-message', message });

/** Parses and validates one frame from the daemon. */
export function parseHidIpcServerMessage(text: string): Result<HidIpcServerMessage, HidIpcParseError> {
  const parsed = objectOf(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  switch (m.type) {
    case 'hello': {
      if (m.mode !== 'injected-reports' || !Array.isArray(m.devices) || m.devices.length > 64) return bad('hello: needs mode "injected-reports" and at most 64 devices');
      const devices = m.devices.map(deviceInfo);
      if (devices.some((d) => d === null)) return bad('hello: a device description is malformed');
      return ok({ type: 'hello', mode: 'injected-reports', devices: devices as HidDeviceInfo[] });
    }
    case 'arrived': {
      const device = deviceInfo(m.device);
      return device ? ok({ type: 'arrived', device }) : bad('arrived: malformed device description');
    }
    case 'removed':
      return isPath(m.path) ? ok({ type: 'removed', path: m.path }) : bad('removed: needs a path');
    case 'opened':
      return isRequestId(m.requestId) && isPath(m.path) ? ok({ type: 'opened', requestId: m.requestId, path: m.path }) : bad('opened: needs requestId and path');
    case 'open-failed':
      return isRequestId(m.requestId) && isPath(m.path) && isText(m.message)
        ? ok({ type: 'open-failed', requestId: m.requestId, path: m.path, message: m.message })
        : bad('open-failed: needs requestId, path and message');
    case 'report':
      return isPath(m.path) && isReportHex(m.data) ? ok({ type: 'report', path: m.path, data: m.data.toUpperCase() }) : bad('report: needs a path and hex data');
    case 'device-error':
      return isPath(m.path) && isText(m.message) ? ok({ type: 'device-error', path: m.path, message: m.message }) : bad('device-error: needs path and message');
    case 'protocol-error':
      return isText(m.message) ? ok({ type: 'protocol-error', message: m.message }) : bad('protocol-error: needs a message');
    default:
      return bad(`unknown message type ${JSON.stringify(String(m.type)).slice(0, 40)}`);
  }
}

/** Parses and validates one frame from the runtime. */
export function parseHidIpcClientMessage(text: string): Result<HidIpcClientMessage, HidIpcParseError> {
  const parsed = objectOf(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  switch (m.type) {
    case 'open':
      return isRequestId(m.requestId) && isPath(m.path) ? ok({ type: 'open', requestId: m.requestId, path: m.path }) : bad('open: needs requestId (integer ≥ 0) and path');
    case 'close':
      return isPath(m.path) ? ok({ type: 'close', path: m.path }) : bad('close: needs a path');
    default:
      return bad(`unknown message type ${JSON.stringify(String(m.type)).slice(0, 40)}`);
  }
}

export function reportToHex(report: Uint8Array): string {
  let hex = '';
  for (const b of report) hex += b.toString(16).toUpperCase().padStart(2, '0');
  return hex;
}

/** `hex` must have passed {@link parseHidIpcServerMessage} (even length, hex digits only). */
export function reportFromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
