/**
 * End-to-end harness for video calls: a real central (startCentral, SQLite, agent accounts, the
 * call routes with queue rules from `calls.json`), and per kiosk a small stand-in for the
 * runtime's call slot: the real escalation flow with the real call session actor, the real
 * kiosk store and ticket service for callback tickets, audit entries and the rating, and
 * a test page (built with Vite) that mounts kiosk/ui/call's components in real Chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import preact from '@preact/preset-vite';
import { WebSocketServer, type WebSocket } from 'ws';
import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { startCentral, type RunningCentral } from '../../central/server.js';
import type { QueueSettings } from '../../central/calls/index.js';
import { agentAccount, type AgentLogin } from './agent-console.js';
import type { IceConfig } from '../../central/calls/turn.js';
import type { CallLane } from '../../shared/call-protocol.js';
import { parsePassengerEvent } from '../../shared/ui-protocol.js';
import { uuidv7 } from '../../shared/ids.js';
import { createCallSessionActor } from '../../kiosk/calls/call-session.js';
import { buildCallContext } from '../../kiosk/calls/call-context.js';
import { callViewOf, createEscalationMachine, type EscalationMachine } from '../../kiosk/flows/escalation.js';
import type { FlowExit } from '../../kiosk/flows/events.js';
import type { CreateTicketInput, CreateTicketOutput, LoadFaqArticleInput, LoadFaqArticleOutput } from '../../kiosk/flows/ports.js';
import { DEMO_FAQ } from '../../central/seed/demo-faq.js';
import { KioskStore } from '../../kiosk/store/index.js';
import { TicketService } from '../../kiosk/tickets/index.js';

/** The agents: personal accounts central creates at start; they log in at /login/ (agent-console.ts). */
export const AGENTS: readonly AgentLogin[] = [agentAccount('li.na', 'Li Na'), agentAccount('wang.wei', 'Wang Wei')];
export const KIOSKS = [
  { id: 'GZ0102', token: 'call-kiosk-token-GZ0102-xxxxxxxx', stationId: 'GZ-L1-TYXL' },
  { id: 'GZ0103', token: 'call-kiosk-token-GZ0103-yyyyyyyy', stationId: 'GZ-L1-TYXL' },
] as const;

const PAGE_SRC = fileURLToPath(new URL('./call-page/', import.meta.url));

export interface CallCentral {
  readonly central: RunningCentral;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startCallCentral(queue: Partial<QueueSettings> = {}, network: { host?: string; ice?: IceConfig } = {}): Promise<CallCentral> {
  const dir = mkdtempSync(join(tmpdir(), 'call-central-'));
  writeFileSync(join(dir, 'calls.json'), JSON.stringify({ queue, ...(network.ice ? { ice: network.ice } : {}) }));
  const central = await startCentral({ storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') }, kiosks: KIOSKS, accounts: AGENTS, dataDir: dir, ...(network.host ? { host: network.host } : {}) });
  return {
    central,
    dir,
    close: async () => {
      await central.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the test page once per process into a temp dir. */
let built: Promise<string> | null = null;
export function buildCallPage(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'call-page-'));
    await build({ root: PAGE_SRC, base: './', logLevel: 'warn', configFile: false, plugins: [preact({ prefreshEnabled: false })], build: { outDir, emptyOutDir: true, target: 'es2022' } });
    return outDir;
  })();
  return built;
}

type Down = { type: 'view'; view: ReturnType<typeof callViewOf> } | { type: 'survey' } | { type: 'rated'; ratingId: string } | { type: 'idle' };

export interface KioskCallHarness {
  readonly url: string;
  readonly store: KioskStore;
  readonly tickets: TicketService;
  /** "Talk to an agent" (or the emergency button). */
  /** Starts a call; `openTicketIds`: the passenger's open tickets the agent sees (as a card's tickets in the runtime). */
  startCall(lane: CallLane, openTicketIds?: readonly string[]): void;
  /** Resolves with the flow's exit once it finishes. */
  finished(): Promise<FlowExit>;
  snapshot(): SnapshotFrom<EscalationMachine> | null;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function startKioskHarness(options: {
  centralUrl: string;
  kiosk: (typeof KIOSKS)[number];
  mediaTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Address the kiosk page is served on (default loopback). */
  host?: string;
}): Promise<KioskCallHarness> {
  const pageDir = await buildCallPage();
  const dir = mkdtempSync(join(tmpdir(), 'call-kiosk-'));
  const store = await KioskStore.open({ path: join(dir, 'kiosk.sqlite') });
  const tickets = new TicketService(store, { kioskId: options.kiosk.id, kioskCode: options.kiosk.id, stationId: options.kiosk.stationId });
  // The help articles as a kiosk has them after its first sync: an agent's "show FAQ" opens one.
  const updatedAt = new Date().toISOString();
  await store.caches.apply({
    changes: DEMO_FAQ.map((a, i) => ({ type: 'faq' as const, cursor: i + 1, article: { ...a, updatedAt }, deleted: false })),
    cursor: DEMO_FAQ.length,
    more: false,
    serverTime: updatedAt,
  });
  const sockets = new Set<WebSocket>();
  let last: Down = { type: 'idle' };
  const push = (d: Down) => {
    last = d;
    for (const s of sockets) s.send(JSON.stringify(d));
  };

  const machine = createEscalationMachine({
    clock: { now: () => Date.now() },
    newId: () => uuidv7(),
    settings: { mediaTimeoutMs: options.mediaTimeoutMs ?? 30_000 },
  }).provide({
    actions: {
      recordAudit: (_, entry) => {
        tickets.recordAudit(entry).catch(() => undefined);
      },
    },
    actors: {
      callSession: createCallSessionActor({ centralUrl: options.centralUrl, kioskId: options.kiosk.id, token: options.kiosk.token, connectTimeoutMs: options.connectTimeoutMs ?? 5000 }),
    },
  });
  const withTickets = machine.provide({
    actors: {
      loadFaqArticle: fromPromise<LoadFaqArticleOutput, LoadFaqArticleInput>(({ input }) => tickets.faqArticle(input.articleId)),
      createTicket: fromPromise<CreateTicketOutput, CreateTicketInput>(async ({ input }) => {
        const r = await tickets.createTicket({ category: input.category, description: input.description, phone: input.phone, card: input.card, language: input.language });
        if (!r.ok) throw new Error(r.error.code);
        return { ticketId: r.value.id, statusUrl: `${options.centralUrl}/t/${r.value.id}`, createdAt: r.value.ticket.createdAt };
      }),
    },
  });

  let actor: ReturnType<typeof createActor<typeof withTickets>> | null = null;
  let exit: Promise<FlowExit> | null = null;
  let surveyOpen = false;

  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(pageDir, path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const wss = new WebSocketServer({ server, path: '/ui' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.send(JSON.stringify(last));
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data: Buffer) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      const event = parsePassengerEvent(raw);
      if (!event.ok) return;
      if (event.value.type === 'RATE' && surveyOpen) {
        surveyOpen = false;
        void tickets.recordRating({ score: event.value.score, service: 'call' }).then((r) => {
          if (r.ok) push({ type: 'rated', ratingId: r.value.id });
        });
        return;
      }
      actor?.send(event.value as never);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://${host}:${port}/`,
    store,
    tickets,
    startCall(lane, openTicketIds = []) {
      const context = buildCallContext({
        stationId: options.kiosk.stationId,
        stationName: '体育西路 Tiyu Xilu',
        kioskId: options.kiosk.id,
        location: { zh: 'B出口旁', en: 'Near Exit B' },
        language: 'en',
        card: null,
        diagnosis: [],
        openTicketIds,
        health: { printer: { state: 'ok', code: null, detail: null, since: new Date().toISOString() } },
      });
      const a = createActor(withTickets, { input: { lane, callContext: context, card: null, language: 'en' } });
      actor = a;
      exit = new Promise<FlowExit>((resolve, reject) => {
        a.subscribe({
          next: (s) => {
            if (s.status === 'done') {
              resolve(s.output);
              if (s.output.next === 'survey') {
                surveyOpen = true;
                push({ type: 'survey' });
              } else push({ type: 'idle' });
              return;
            }
            push({ type: 'view', view: callViewOf(s) });
          },
          error: reject,
        });
      });
      a.start();
    },
    finished() {
      if (!exit) return Promise.reject(new Error('no call started'));
      return exit;
    },
    snapshot: () => actor?.getSnapshot() ?? null,
    async close() {
      actor?.stop();
      for (const s of sockets) s.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
