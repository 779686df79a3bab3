// A loopback TCP proxy in front of central that injects network faults on demand.
import net from 'node:net';

export type ProxyFault =
  | { readonly kind: 'pass' }
  /** Nothing listens: clients get ECONNREFUSED. */
  | { readonly kind: 'refuse' }
  /** Each chunk, both ways, waits this long. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** The proxy answers every request itself with HTTP 500, never reaching central. */
  | { readonly kind: 'http-500' }
  /** Requests reach central; the response is cut after this many bytes and the connection destroyed. */
  | { readonly kind: 'cut'; readonly afterBytes: number }
  /** Every request is also sent to central a second time on another connection (its answer dropped). */
  | { readonly kind: 'replay' };

export interface FaultProxyStats {
  connections: number;
  refusedWhileDown: number;
  answered500: number;
  cuts: number;
  replayedBytes: number;
  delayedChunks: number;
}

export class FaultProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private fault: ProxyFault = { kind: 'pass' };
  readonly stats: FaultProxyStats = { connections: 0, refusedWhileDown: 0, answered500: 0, cuts: 0, replayedBytes: 0, delayedChunks: 0 };
  private portNumber = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(targetUrl: string): Promise<FaultProxy> {
    const u = new URL(targetUrl);
    const proxy = new FaultProxy({ host: u.hostname, port: Number(u.port) });
    await proxy.listen(0);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  /** Switches the fault; connections already open are cut so the next request sees it. */
  async set(fault: ProxyFault): Promise<void> {
    this.fault = fault;
    this.dropAll();
    if (fault.kind === 'refuse') await this.stopListening();
    else if (!this.server) await this.listen(this.portNumber);
  }

  async close(): Promise<void> {
    this.dropAll();
    await this.stopListening();
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: net.Socket): net.Socket {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    return s;
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.handle(this.track(client)));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        if (typeof a === 'object' && a !== null) this.portNumber = a.port;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private connectUpstream(): net.Socket {
    const s = this.track(net.connect(this.target.port, this.target.host));
    s.setNoDelay(true);
    return s;
  }

  private handle(client: net.Socket): void {
    this.stats.connections++;
    client.setNoDelay(true);
    const fault = this.fault;
    switch (fault.kind) {
      case 'refuse':
        this.stats.refusedWhileDown++;
        client.destroy();
        return;
      case 'http-500': {
        let head = '';
        client.on('data', (chunk: Buffer) => {
          head += chunk.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          this.stats.answered500++;
          const body = '{"error":{"code":"internal","message":"injected fault"}}';
          client.end(`HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
        });
        return;
      }
      case 'pass':
      case 'delay':
      case 'cut':
      case 'replay':
        break;
    }
    const upstream = this.connectUpstream();
    const replica = fault.kind === 'replay' ? this.connectUpstream() : null;
    replica?.on('data', () => undefined);
    const forward = (from: net.Socket, to: net.Socket, isResponse: boolean): void => {
      let sent = 0;
      from.on('data', (chunk: Buffer) => {
        if (fault.kind === 'delay') {
          this.stats.delayedChunks++;
          from.pause();
          setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
            from.resume();
          }, fault.ms);
          return;
        }
        if (fault.kind === 'cut' && isResponse) {
          const room = fault.afterBytes - sent;
          if (chunk.length >= room) {
            this.stats.cuts++;
            to.write(chunk.subarray(0, Math.max(0, room)), () => {
              to.destroy();
              from.destroy();
            });
            sent = fault.afterBytes;
            return;
          }
          sent += chunk.length;
        }
        if (!isResponse && replica) {
          this.stats.replayedBytes += chunk.length;
          replica.write(chunk);
        }
        to.write(chunk);
      });
      from.on('end', () => to.end());
      from.on('close', () => to.destroy());
    };
    forward(client, upstream, false);
    forward(upstream, client, true);
    client.on('close', () => replica?.end());
  }
}
