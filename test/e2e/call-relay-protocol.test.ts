// A call across networks: the kiosk and the agent each sit in a network namespace that can reach
// only the public side (central and Debian's coturn), never each other, so media can flow only
// through the TURN relay with the credentials central mints from the shared secret. Video must
// be decoded both ways, and both ends' selected candidate pair must be a relay candidate.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type CallCentral, type KioskCallHarness } from '../support/call-harness.js';
import { coturnUnavailable, startRelay, type RunningRelay } from '../support/coturn.js';
import { createTwoNetworks, netnsUnavailable, type TwoNetworks } from '../support/netns.js';
import { recordPeerConnections, selectedCandidateTypes, waitForDecodedFrames } from '../support/webrtc-stats.js';
import { loginAgent } from '../support/agent-console.js';

const missing = netnsUnavailable() ?? coturnUnavailable();

let nets: TwoNetworks;
let relay: RunningRelay;
let central: CallCentral;
let kiosk: KioskCallHarness;
let kioskBrowser: KioskBrowser;
let agentBrowser: KioskBrowser;

beforeAll(async () => {
  if (missing) return;
  nets = createTwoNetworks();
  relay = await startRelay({ address: nets.publicAddress, secret: randomBytes(24).toString('hex') });
  central = await startCallCentral(
    { ringTimeoutSeconds: 60, wrapUpSeconds: 1 },
    { host: nets.publicAddress, ice: { servers: [], turn: { urls: relay.urls, secret: relay.secret, ttlSeconds: 600 }, transportPolicy: 'relay' } },
  );
  kiosk = await startKioskHarness({ centralUrl: central.central.url, kiosk: KIOSKS[0], host: nets.publicAddress });
  const secureOrigins = [new URL(kiosk.url).origin, central.central.url];
  kioskBrowser = await openKioskBrowser({ media: true, executablePath: nets.kiosk.chromium, secureOrigins });
  agentBrowser = await openKioskBrowser({ media: true, executablePath: nets.agent.chromium, secureOrigins });
  await recordPeerConnections(kioskBrowser.context);
  await recordPeerConnections(agentBrowser.context);
}, 60_000);

afterAll(async () => {
  await kioskBrowser?.close();
  await agentBrowser?.close();
  await kiosk?.close();
  await central?.close();
  await relay?.close();
  nets?.close();
});

describe.skipIf(missing !== null)(`a call through a TURN relay between two networks${missing ? ` (${missing})` : ''}`, () => {
  it('keeps the kiosk and the agent apart: each reaches the public side, neither reaches the other', () => {
    const centralPort = Number(new URL(central.central.url).port);
    expect(nets.canConnect(nets.kiosk, nets.publicAddress, centralPort)).toBe(true);
    expect(nets.canConnect(nets.agent, nets.publicAddress, centralPort)).toBe(true);
    expect(nets.canConnect(nets.kiosk, nets.agent.address, centralPort)).toBe(false);
    expect(nets.canConnect(nets.agent, nets.kiosk.address, centralPort)).toBe(false);
  });

  it('shows video both ways through the relay', async () => {
    const kioskPage = kioskBrowser.page;
    const agentPage = agentBrowser.page;
    await loginAgent(agentPage, central.central.url, AGENTS[0]!);
    await kioskPage.goto(kiosk.url);
    await kioskPage.waitForSelector('[data-testid=idle]');

    kiosk.startCall('information');
    await agentPage.waitForSelector('[data-testid=offer]:visible');
    await agentPage.click('[data-testid=answer]');

    await kioskPage.waitForSelector('[data-testid=call-screen][data-phase=in-call]', { timeout: 30_000 });
    await waitForDecodedFrames(kioskPage, 'kiosk');
    await waitForDecodedFrames(agentPage, 'agent');

    // Central's relay-only policy reached both ends: each sends from its own relay allocation
    // to the other's.
    await expect(selectedCandidateTypes(kioskPage)).resolves.toEqual({ local: 'relay', remote: 'relay' });
    await expect(selectedCandidateTypes(agentPage)).resolves.toEqual({ local: 'relay', remote: 'relay' });
    // The relay allocated for each end with the credentials central minted (expiry:user).
    expect(relay.log()).toMatch(new RegExp(`new, realm=<kiosk\\.test>, username=<\\d+:${KIOSKS[0].id}>`));
    const agentAccountId = (await central.central.storage.accounts.byUsername(AGENTS[0]!.username))?.id;
    expect(relay.log()).toMatch(new RegExp(`new, realm=<kiosk\\.test>, username=<\\d+:agent-${agentAccountId}>`));

    await kioskPage.click('[data-testid=call-hangup]');
    await expect(kiosk.finished()).resolves.toMatchObject({ next: 'survey', service: 'call' });
  });
});
