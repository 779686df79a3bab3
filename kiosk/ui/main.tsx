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

const KEY_ITEM = 'kiosk-ui-key';

/**
 * The UI socket's key. The runtime opens this page with a one-time launch code in the fragment
 * (never sent to any server); the page trades it for the key once, keeps the key for this tab
 * (a reload keeps it) and takes the code out of the address.
 */
async function uiKey(): Promise<string | null> {
  const launch = /^#launch=([A-Za-z0-9_-]{16,64})$/.exec(location.hash)?.[1];
  if (launch) {
    history.replaceState(null, '', location.pathname + location.search);
    try {
      const r = await fetch('./session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ launch }), cache: 'no-store' });
      const key = r.ok ? ((await r.json()) as { key?: unknown }).key : undefined;
      if (typeof key === 'string') sessionStorage.setItem(KEY_ITEM, key);
    } catch {
      // no key: the socket is refused and the page shows that it is not connected
    }
  }
  return sessionStorage.getItem(KEY_ITEM);
}

const wsUrl = new URL('./ws', location.href);
wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const root = document.getElementById('app');
if (root) {
  void Promise.all([loadInfo(), uiKey()]).then(([info, key]) => render(<App wsUrl={wsUrl.href} uiKey={key} info={info} />, root));
}
// A passenger never needs the context menu, text selection or pinch zoom on a kiosk.
document.addEventListener('contextmenu', (e) => e.preventDefault());
