import { UI_SUBPROTOCOL } from '../../shared/ui-protocol.js';

/**
 * What the kiosk browser does with its launch URL, for a test client that is not a browser:
 * trades the one-time code in the fragment for the UI key at `POST /session`.
 */
export async function uiKeyFromLaunch(launchUrl: string): Promise<string> {
  const url = new URL(launchUrl);
  const code = url.hash.replace(/^#launch=/, '');
  const r = await fetch(new URL('/session', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url.origin },
    body: JSON.stringify({ launch: code }),
  });
  if (!r.ok) throw new Error(`the kiosk refused the launch code: ${r.status}`);
  return ((await r.json()) as { key: string }).key;
}

/** Subprotocols and headers a Node `ws` client needs to be taken for the kiosk page. */
export function uiSocketOptions(pageUrl: string, key: string): { protocols: string[]; headers: Record<string, string> } {
  return { protocols: [UI_SUBPROTOCOL, `key.${key}`], headers: { origin: new URL(pageUrl).origin } };
}
