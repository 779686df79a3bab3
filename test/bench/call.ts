// npm run bench:call — video-call figures on loopback, printed; exits by itself.
//  1. "Talk to an agent" → the agent's console rings; answer → first video frame decoded on
//     the kiosk page (real Chromium, fake camera, real central): on loopback, then with kiosk
//     and agent in two network namespaces whose media can only go through Debian's coturn
//     (relay-only ICE; needs root, iproute2 and coturn, else said and skipped). The agent answers
//     `CALL_BENCH_ANSWER_AFTER_MS` (1 s) after the offer shows, as a quick agent would; a few
//     rounds more answer at once (`CALL_BENCH_AT_ONCE_ROUNDS`), before the page has connected.
//  2. Central's signalling with 200 kiosks queued at once (WebSocket clients): how long until
//     every waiting kiosk has its new place after the head of the queue is served, and memory.
import WebSocket from 'ws';
import { openKioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type KioskCallHarness } from '../support/call-harness.js';
import { startCentral } from '../../central/server.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { waitForDecodedFrames } from '../support/webrtc-stats.js';
import { coturnUnavailable, startRelay } from '../support/coturn.js';
import { createTwoNetworks, netnsUnavailable } from '../support/netns.js';
import { agentSocketHeaders, loginAgent } from '../support/agent-console.js';

const ROUNDS = Number(process.env['CALL_BENCH_ROUNDS'] ?? 8);
/** How long the agent reads the passenger's context before answering (an agent takes seconds; 1 s is quick). */
const ANSWER_AFTER_MS = Number(process.env['CALL_BENCH_ANSWER_AFTER_MS'] ?? 1000);
/** Rounds more, answered the moment the offer shows: the worst case, before the page has connected. */
const AT_ONCE_ROUNDS = Number(process.env['CALL_BENCH_AT_ONCE_ROUNDS'] ?? 3);
const QUEUED = Number(process.env['CALL_BENCH_KIOSKS'] ?? 200);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms (n=${s.length})`;
}

interface CallSetup {
  readonly label: string;
  readonly centralUrl: string;
  readonly kioskUrl: string;
  readonly kiosk: KioskCallHarness;
  readonly kioskPage: Page;
  readonly agentPage: Page;
  close(): Promise<void>;
}

/** Everything on loopback in one browser: the floor of what signalling and media cost. */
async function onLoopback(): Promise<CallSetup> {
  const central = await startCallCentral({ wrapUpSeconds: 0, ringTimeoutSeconds: 120 });
  const kiosk = await startKioskHarness({ centralUrl: central.central.url, kiosk: KIOSKS[0] });
  const browser = await openKioskBrowser({ media: true });
  return {
    label: 'loopback',
    centralUrl: central.central.url,
    kioskUrl: kiosk.url,
    kiosk,
    kioskPage: browser.page,
    agentPage: await browser.context.newPage(),
    async close() {
      await browser.close();
      await kiosk.close();
      await central.close();
    },
  };
}

/** Kiosk and agent in two network namespaces that reach only central and coturn; relay-only ICE. */
async function throughRelay(): Promise<CallSetup | string> {
  const missing = netnsUnavailable() ?? coturnUnavailable();
  if (missing) return missing;
  const nets = createTwoNetworks();
  const relay = await startRelay({ address: nets.publicAddress, secret: randomBytes(24).toString('hex') });
  const central = await startCallCentral(
    { wrapUpSeconds: 0, ringTimeoutSeconds: 120 },
    { host: nets.publicAddress, ice: { servers: [], turn: { urls: relay.urls, secret: relay.secret, ttlSeconds: 600 }, transportPolicy: 'relay' } },
  );
  const kiosk = await startKioskHarness({ centralUrl: central.central.url, kiosk: KIOSKS[0], host: nets.publicAddress });
  const secureOrigins = [new URL(kiosk.url).origin, central.central.url];
  const kioskBrowser = await openKioskBrowser({ media: true, executablePath: nets.kiosk.chromium, secureOrigins });
  const agentBrowser = await openKioskBrowser({ media: true, executablePath: nets.agent.chromium, secureOrigins });
  return {
    label: 'TURN relay',
    centralUrl: central.central.url,
    kioskUrl: kiosk.url,
    kiosk,
    kioskPage: kioskBrowser.page,
    agentPage: agentBrowser.page,
    async close() {
      await kioskBrowser.close();
      await agentBrowser.close();
      await kiosk.close();
      await central.close();
      await relay.close();
      nets.close();
    },
  };
}

/**
 * Records in the page, by the wall clock, when its call steps happen: camera granted, media socket
 * open, offer and answer set, peer connection connected. Read after each call to say where the
 * time between the answer and the first frame goes. A string, not a function: the bench runs
 * through tsx, whose compiled functions call a helper the page does not have.
 */
const MARK_CALL_STEPS = `(() => {
  globalThis.__callMarks = [];
  const mark = (what) => globalThis.__callMarks.push([what, Date.now()]);
  const devices = navigator.mediaDevices;
  if (devices) {
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (c) => { const stream = await getUserMedia(c); mark('camera'); return stream; };
  }
  const NativeSocket = globalThis.WebSocket;
  globalThis.WebSocket = class extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes('/calls/media')) this.addEventListener('open', () => mark('media socket open'));
    }
  };
  const proto = RTCPeerConnection.prototype;
  const setRemote = proto.setRemoteDescription;
  proto.setRemoteDescription = function (d) {
    mark(d.type + ' received');
    if (!this.__marked) {
      this.__marked = true;
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('connected'); });
    }
    return setRemote.apply(this, arguments);
  };
  const replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track) {
    if (track) mark(track.kind + ' sent');
    return replaceTrack.apply(this, arguments);
  };
  const setLocal = proto.setLocalDescription;
  proto.setLocalDescription = function (d) {
    mark((d && d.type ? d.type : 'description') + ' made');
    return setLocal.apply(this, arguments);
  };
  // The first frame a video element shows, once its stream is set: what the person sees.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    get() { return srcObject.get.call(this); },
    set(v) {
      srcObject.set.call(this, v);
      const el = this;
      if (v && el.requestVideoFrameCallback) el.requestVideoFrameCallback(() => mark('shown in ' + (el.dataset.testid || 'a video')));
    },
  });
})();`;

const STEPS = [
  ['kiosk', 'connected'],
  ['agent', 'camera'],
  ['kiosk', 'camera'],
  ['kiosk', 'media socket open'],
  ['agent', 'offer made'],
  ['kiosk', 'offer received'],
  ['kiosk', 'answer made'],
  ['agent', 'answer received'],
  ['agent', 'video sent'],
  ['kiosk', 'video sent'],
  ['kiosk', 'shown in call-remote-video'],
] as const;

async function takeMarks(page: Page): Promise<[string, number][]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __callMarks?: [string, number][] };
    const out = g.__callMarks ?? [];
    g.__callMarks = [];
    return out;
  });
}

/** Answer → first frame on the kiosk, median ms: after the agent took `ANSWER_AFTER_MS`, and when answered at once. */
async function callLatency(setup: CallSetup): Promise<{ afterReading: number; atOnce: number }> {
  const { kiosk, kioskPage, agentPage: agent } = setup;
  try {
    await kioskPage.addInitScript(MARK_CALL_STEPS);
    await agent.addInitScript(MARK_CALL_STEPS);
    await loginAgent(agent, setup.centralUrl, AGENTS[0]!);
    await kioskPage.goto(setup.kioskUrl);
    const toRing: number[] = [];
    const toFrame: number[] = [];
    const atOnce: number[] = [];
    const steps = new Map<string, number[]>();
    for (let i = 0; i < ROUNDS + AT_ONCE_ROUNDS; i++) {
      const reading = i < ROUNDS;
      await takeMarks(kioskPage);
      await takeMarks(agent);
      const t0 = performance.now();
      kiosk.startCall('information');
      await agent.waitForSelector('[data-testid=offer]:visible');
      toRing.push(performance.now() - t0);
      if (reading) await new Promise((r) => setTimeout(r, ANSWER_AFTER_MS));
      const t1 = performance.now();
      const clicked = Date.now();
      await agent.click('[data-testid=answer]');
      await waitForDecodedFrames(kioskPage, 'kiosk', { pollMs: 5 });
      (reading ? toFrame : atOnce).push(performance.now() - t1);
      const marks = { kiosk: await takeMarks(kioskPage), agent: await takeMarks(agent) };
      for (const [who, what] of reading ? STEPS : []) {
        // The last of each step: a page that connected again after the answer counts from then.
        const at = marks[who].filter(([m]) => m === what).at(-1)?.[1];
        if (at !== undefined) steps.set(`${who}: ${what}`, [...(steps.get(`${who}: ${what}`) ?? []), at - clicked]);
      }
      await kioskPage.click('[data-testid=call-hangup]');
      await kiosk.finished();
      await agent.waitForSelector('[data-testid=presence][data-presence=available]');
    }
    console.log(`[${setup.label}] talk to an agent → agent rung:      ${stats(toRing)}`);
    console.log(`[${setup.label}] answer → first frame on the kiosk:  ${stats(toFrame)} (answered ${ANSWER_AFTER_MS} ms after the offer showed)`);
    if (atOnce.length > 0) console.log(`[${setup.label}] answered at once → first frame:   ${stats(atOnce)} (before the page had connected)`);
    console.log(
      `[${setup.label}] steps from the answer (median ms by the wall clock, negative = while ringing): ${[...steps].map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(', ')}, first frame ${median(toFrame).toFixed(0)}`,
    );
    return { afterReading: median(toFrame), atOnce: median(atOnce) };
  } finally {
    await setup.close();
  }
}

async function queueAtScale(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'call-bench-'));
  const kiosks = Array.from({ length: QUEUED }, (_, i) => ({ id: `BK${String(i).padStart(4, '0')}`, token: `bench-kiosk-token-${i}-xxxxxxxx`, stationId: 'S1' }));
  writeFileSync(join(dir, 'calls.json'), JSON.stringify({ queue: { wrapUpSeconds: 0, ringTimeoutSeconds: 600, maxWaitSeconds: 3600 } }));
  const central = await startCentral({ storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') }, kiosks, accounts: AGENTS, dataDir: dir });
  const ws = central.url.replace('http', 'ws');
  const sockets: WebSocket[] = [];
  try {
    const agent = new WebSocket(`${ws}/calls/agent`, { headers: await agentSocketHeaders(central.url, AGENTS[0]!) });
    sockets.push(agent);
    const agentMessages: Record<string, unknown>[] = [];
    const agentWaiters: ((m: Record<string, unknown>) => void)[] = [];
    agent.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      agentMessages.push(m);
      for (const w of agentWaiters.splice(0)) w(m);
    });
    const agentNext = (type: string) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const found = agentMessages.find((m) => m['type'] === type);
        if (found) {
          agentMessages.splice(agentMessages.indexOf(found), 1);
          resolve(found);
          return;
        }
        const wait = (m: Record<string, unknown>) => {
          if (m['type'] === type) {
            agentMessages.splice(agentMessages.indexOf(m), 1);
            resolve(m);
          } else agentWaiters.push(wait);
        };
        agentWaiters.push(wait);
      });
    await new Promise((r) => agent.once('open', r));
    await agentNext('welcome');
    agent.send(JSON.stringify({ type: 'set-status', status: 'available' }));

    const heapBefore = process.memoryUsage().heapUsed;
    const positions = new Map<string, number>();
    let pending: { expect: number; seen: Set<string>; done: () => void } | null = null;
    const context = (kioskId: string) => ({ stationId: 'S1', stationName: 'S', kioskId, language: 'en', card: null, diagnosis: [], recentTrips: [], openTicketIds: [], health: [] });
    await Promise.all(
      kiosks.map(
        (k) =>
          new Promise<void>((resolve) => {
            const s = new WebSocket(`${ws}/calls/kiosk?kioskId=${k.id}`, { headers: { authorization: `Bearer ${k.token}` } });
            sockets.push(s);
            s.on('message', (d: Buffer) => {
              const m = JSON.parse(d.toString()) as { type: string; position?: number };
              if (m.type === 'queued' && m.position !== undefined) {
                const before = positions.get(k.id);
                positions.set(k.id, m.position);
                if (before === undefined) resolve();
                if (pending && before !== undefined && m.position < before) {
                  pending.seen.add(k.id);
                  if (pending.seen.size >= pending.expect) pending.done();
                }
              }
              if (m.type === 'ringing' && !positions.has(k.id)) {
                positions.set(k.id, 0);
                resolve();
              }
            });
            s.once('open', () => s.send(JSON.stringify({ type: 'request', requestId: `r-${k.id}`, lane: 'information', context: context(k.id) })));
          }),
      ),
    );
    const heapQueued = process.memoryUsage().heapUsed;
    const offer = await agentNext('offer');
    const rounds: number[] = [];
    let callId = offer['callId'] as string;
    for (let i = 0; i < 5; i++) {
      agent.send(JSON.stringify({ type: 'answer', callId }));
      await agentNext('connected');
      const waiting = [...positions.values()].filter((p) => p > 1).length;
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => (pending = { expect: waiting, seen: new Set(), done: resolve }));
      agent.send(JSON.stringify({ type: 'hang-up', callId }));
      await done;
      rounds.push(performance.now() - t0);
      pending = null;
      callId = (await agentNext('offer'))['callId'] as string;
    }
    console.log(`${QUEUED} kiosks queued: every waiting kiosk told its new place in ${stats(rounds)}`);
    const heapDeltaMiB = (heapQueued - heapBefore) / 1024 / 1024;
    console.log(
      `heap (central + ${QUEUED} client sockets in this process): ${heapDeltaMiB >= 0 ? '+' : ''}${heapDeltaMiB.toFixed(1)} MiB for the queue (no forced GC: indicative only)`,
    );
  } finally {
    for (const s of sockets) s.terminate();
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loopback = await callLatency(await onLoopback());
const relayed = await throughRelay();
if (typeof relayed === 'string') console.log(`[TURN relay] not measured: ${relayed}`);
else {
  const relay = await callLatency(relayed);
  console.log(`answer → first frame, relay ÷ loopback (same run): ${(relay.afterReading / loopback.afterReading).toFixed(2)} (goal: relay median ≤ 300 ms: ${relay.afterReading <= 300 ? 'met' : 'not met'}, ${relay.afterReading.toFixed(0)} ms)`);
}
await queueAtScale();
process.exit(0);
