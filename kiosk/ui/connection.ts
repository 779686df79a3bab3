import { UI_CLOSE_REPLACED, UI_SUBPROTOCOL, type UiUpMessage } from '../../shared/ui-protocol.js';
import type { KioskScreenMessage } from '../../shared/ui-wire.js';
import { backoffDelay } from '../../shared/backoff.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionHandlers {
  onScreen(message: KioskScreenMessage): void;
  onState(state: ConnectionState): void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * The UI's WebSocket to the runtime. Reconnects with capped exponential back-off and jitter;
 * the runtime re-sends the current screen on every (re)connect, so nothing is lost meanwhile.
 * Messages sent while the socket is down are dropped: the passenger sees the overlay and taps again.
 */
export class RuntimeConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private lastSeq = -1;

  constructor(
    private readonly url: string,
    /** The UI key (see `main.tsx`); without it the runtime refuses the socket. */
    private readonly key: string | null,
    private readonly handlers: ConnectionHandlers,
  ) {}

  open(): void {
    this.closed = false;
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
  }

  send(message: UiUpMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    this.handlers.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.url, this.key ? [UI_SUBPROTOCOL, `key.${this.key}`] : [UI_SUBPROTOCOL]);
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastSeq = -1;
      this.handlers.onState('open');
      this.send({ type: 'hello' });
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      let msg: unknown;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!isScreenMessage(msg)) {
        if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'rejected') console.warn('runtime rejected a message', msg);
        return;
      }
      if (msg.seq < this.lastSeq) return;
      this.lastSeq = msg.seq;
      this.handlers.onScreen(msg);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.socket !== ws || this.closed) return;
      // A newer kiosk page took over: this one stays disconnected instead of taking it back.
      if (e.code === UI_CLOSE_REPLACED) {
        this.socket = null;
        this.handlers.onState('reconnecting');
        return;
      }
      this.socket = null;
      this.attempt++;
      this.handlers.onState('reconnecting');
      this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt, { baseMs: FIRST_RETRY_MS, capMs: MAX_RETRY_MS, jitter: 'equal' }));
    };
  }
}

function isScreenMessage(m: unknown): m is KioskScreenMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as { type?: unknown; seq?: unknown; model?: unknown };
  return o.type === 'screen' && typeof o.seq === 'number' && typeof o.model === 'object' && o.model !== null;
}
