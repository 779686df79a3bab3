/**
 * The Chrome DevTools Protocol over `--remote-debugging-pipe`: Chromium reads commands from its
 * fd 3 and writes answers and events to its fd 4, each message JSON ended by a NUL byte. A pipe
 * reaches only the process that started the browser (no debugging port anyone on the machine
 * could open).
 */
import type { Readable, Writable } from 'node:stream';

export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

export class CdpError extends Error {
  constructor(
    message: string,
    readonly code: 'timeout' | 'closed' | 'protocol',
  ) {
    super(message);
  }
}

interface Pending {
  readonly resolve: (result: Record<string, unknown>) => void;
  readonly reject: (e: CdpError) => void;
  readonly timer: NodeJS.Timeout;
}

export class CdpPipe {
  #nextId = 1;
  #buffer = Buffer.alloc(0);
  #closed = false;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: CdpEvent) => void>();

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.on('data', (chunk: Buffer) => this.#receive(chunk));
    fromBrowser.on('close', () => this.close());
    fromBrowser.on('error', () => this.close());
    toBrowser.on('error', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  onEvent(listener: (event: CdpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends one command; rejects with `timeout` when the browser does not answer in time. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new CdpError(`${method}: the browser pipe is closed`, 'closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new CdpError(`${method}: no answer within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new CdpError('the browser pipe closed', 'closed'));
    }
    this.#pending.clear();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (let end = this.#buffer.indexOf(0); end >= 0; end = this.#buffer.indexOf(0)) {
      const text = this.#buffer.subarray(0, end).toString('utf8');
      this.#buffer = this.#buffer.subarray(end + 1);
      let message: { id?: number; result?: Record<string, unknown>; error?: { message?: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        continue;
      }
      if (typeof message.id === 'number') {
        const p = this.#pending.get(message.id);
        if (!p) continue;
        this.#pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.error) p.reject(new CdpError(message.error.message ?? 'protocol error', 'protocol'));
        else p.resolve(message.result ?? {});
      } else if (typeof message.method === 'string') {
        const event: CdpEvent = { method: message.method, params: message.params ?? {}, ...(message.sessionId ? { sessionId: message.sessionId } : {}) };
        for (const l of this.#listeners) l(event);
      }
    }
  }
}
