// What a page's WebRTC connections are doing, read from their own getStats().
import type { BrowserContext, Page } from 'playwright-core';

/** Keeps every RTCPeerConnection a page makes reachable for selectedCandidateTypes(). */
export async function recordPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = globalThis.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (globalThis as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = made;
    globalThis.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    };
  });
}

export interface CandidatePair {
  readonly local: string;
  readonly remote: string;
}

/** Candidate types (host, srflx, prflx, relay) of the newest connection's selected pair, or null. */
export async function selectedCandidateTypes(page: Page): Promise<CandidatePair | null> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    const stats = await pc.getStats();
    type Stat = { type: string; id: string; state?: string; nominated?: boolean; selectedCandidatePairId?: string; localCandidateId?: string; remoteCandidateId?: string; candidateType?: string };
    const all = new Map<string, Stat>();
    stats.forEach((s: Stat) => all.set(s.id, s));
    let pair: Stat | undefined;
    for (const s of all.values()) if (s.type === 'transport' && s.selectedCandidatePairId) pair = all.get(s.selectedCandidatePairId);
    pair ??= [...all.values()].find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
    if (!pair) return null;
    const local = all.get(pair.localCandidateId ?? '')?.candidateType ?? 'unknown';
    const remote = all.get(pair.remoteCandidateId ?? '')?.candidateType ?? 'unknown';
    return { local, remote };
  });
}

/** Bytes of audio and video the page's connections have received so far (after recordPeerConnections). */
export async function mediaBytesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    let bytes = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: { type: string; bytesReceived?: number }) => {
        if (s.type === 'inbound-rtp') bytes += s.bytesReceived ?? 0;
      });
    }
    return bytes;
  });
}

/** The connection state of the page's newest RTCPeerConnection, or null (after recordPeerConnections). */
export async function newestConnectionState(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const pcs = (globalThis as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    return pcs.at(-1)?.connectionState ?? null;
  });
}

type FramesSource = 'kiosk' | 'agent';

async function framesDecoded(page: Page, source: FramesSource): Promise<number> {
  return page.evaluate(async (who) => {
    const g = globalThis as unknown as { kioskCall?: { framesDecoded(): Promise<number> }; agentConsole?: { framesDecoded(): Promise<number> } };
    const media = who === 'kiosk' ? g.kioskCall : g.agentConsole;
    return (await media?.framesDecoded()) ?? 0;
  }, source);
}

/**
 * Waits until the page (the kiosk's call screen or the agent console) has decoded a video frame
 * from the other side, polling from here: `page.waitForFunction` takes an async predicate's
 * promise as a truthy answer at once, so it cannot wait on getStats().
 */
export async function waitForDecodedFrames(page: Page, source: FramesSource, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const frames = await framesDecoded(page, source);
    if (frames > 0) return frames;
    if (Date.now() > deadline) throw new Error(`no video frame decoded on the ${source} side within ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 20));
  }
}
