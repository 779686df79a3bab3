// The runtime under the memory soak (test/bench/memory-soak.ts): the COMPILED kiosk runtime
// (dist/app, plain Node, no tsx), alone in this process so that its RSS is the runtime's own.
// Plain JavaScript on purpose: it imports the build, not the sources.
// Driven over IPC by the benchmark:
//   {type:'inject', count, snapshot}  taps injected as card-reader events (no pcscd)
//   {type:'sample'}                   a full GC, then {type:'sample', rss, heapUsed, external, arrayBuffers}
//   {type:'exit-screen'}              the passenger's EXIT (back to attract) after a pcscd tap
//   {type:'stop'}
import { createKioskRuntime } from '../../dist/app/kiosk/runtime/create-runtime.js';
import { parseKioskConfig } from '../../dist/app/kiosk/config/index.js';

const [mode, dataDir, readerName] = process.argv.slice(2);
const INJECTED = 'Injected Reader';

class InjectedCardReader {
  listeners = new Set();
  start() { return Promise.resolve(); }
  stop() { return Promise.resolve(); }
  subscribe(l) { this.listeners.add(l); return () => this.listeners.delete(l); }
  readers() { return [INJECTED]; }
  health() { return { state: 'ok', readers: [INJECTED] }; }
  transmit() { return Promise.reject(Object.assign(new Error('no card for APDUs on the injected reader'), { code: 'card-removed' })); }
  emit(e) { for (const l of this.listeners) l(e); }
}

const injected = mode === 'injected' ? new InjectedCardReader() : null;
const config = parseKioskConfig(
  {
    stationId: 'BENCH',
    stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
    kioskId: 'SOAK-K01',
    kioskCode: 'SOAK01',
    cityCode: '5810',
    central: { url: 'http://127.0.0.1:9', token: 'soak-token-0123456789' },
    ui: { port: 0 },
    readerName: injected ? INJECTED : readerName,
    dataDir,
    hid: null,
  },
  'soak config',
);
// Like production's JSON log lines, formatted for every entry; warnings and errors reach the
// bench's output (they name what went wrong), the rest is dropped rather than kept in memory.
const line = (level) => (message, fields) => {
  const text = JSON.stringify({ t: new Date().toISOString(), level, message, ...fields });
  if (level !== 'info') process.stderr.write(`[runtime] ${text}\n`);
};
const logger = { info: line('info'), warn: line('warn'), error: line('error') };
const runtime = await createKioskRuntime(config, { logger, sync: false, faultMonitor: false, ...(injected ? { cardReader: injected } : {}) });
await runtime.start();
let screens = 0;
runtime.host.onScreen((m) => {
  screens += 1;
  process.send?.({ type: 'screen', screen: m.model.screen });
});
const PACE_MS = Number(process.env['SOAK_PACE_MS'] ?? 0);
const settle = () => new Promise((r) => (PACE_MS > 0 ? setTimeout(r, PACE_MS) : setImmediate(r)));

process.on('message', async (m) => {
  if (m.type === 'inject') {
    for (let i = 0; i < m.count; i++) {
      injected.emit({ type: 'card-present', reader: INJECTED, atr: '3B8880010000000000000000' });
      injected.emit({ type: 'card-summary', reader: INJECTED, summary: m.snapshot });
      injected.emit({ type: 'card-read', reader: INJECTED, snapshot: m.snapshot });
      await settle();
      injected.emit({ type: 'card-removed', reader: INJECTED });
      runtime.host.passengerEvent({ type: 'EXIT' });
      await settle();
    }
    await runtime.host.flush();
    process.send?.({ type: 'injected', screens });
  } else if (m.type === 'exit-screen') {
    runtime.host.passengerEvent({ type: 'EXIT' });
  } else if (m.type === 'sample') {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc?.();
    const u = process.memoryUsage();
    process.send?.({ type: "sample", rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers, screens });
  } else if (m.type === 'stop') {
    await runtime.stop();
    process.exit(0);
  }
});
process.send?.({ type: 'ready', launchUrl: runtime.launchUrl() });
