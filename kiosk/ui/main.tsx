import './maintenance/maintenance.css';
import { render } from 'preact';
import { App, type KioskInfo } from './app.js';

async function loadInfo(): Promise<KioskInfo | null> {
  try {
    const r = await fetch('./info.json', { cache: 'no-store' });
    return r.ok ? ((await r.json()) as KioskInfo) : null;
  } catch {
    return null;
  }
}

const wsUrl = new URL('./ws', location.href);
wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const root = document.getElementById('app');
if (root) {
  void loadInfo().then((info) => render(<App wsUrl={wsUrl.href} info={info} />, root));
}
// A passenger never needs the context menu, text selection or pinch zoom on a kiosk.
document.addEventListener('contextmenu', (e) => e.preventDefault());
