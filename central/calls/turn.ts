/**
 * ICE servers handed to the kiosk page and the agent console at call setup, with short-lived
 * TURN credentials per the TURN REST API scheme (draft-uberti-behave-turn-rest, coturn's
 * `use-auth-secret`): username `"<expiry unix seconds>:<user>"`, password
 * `base64(HMAC-SHA1(secret, username))`. The TURN server shares the secret and checks the expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../shared/call-protocol.js';

export interface IceConfig {
  /** STUN or TURN servers given as they are (no credentials minted). */
  readonly servers: readonly IceServer[];
  readonly turn: {
    readonly urls: readonly string[];
    /** coturn `static-auth-secret`. */
    readonly secret: string;
    /** How long the credentials stay valid. */
    readonly ttlSeconds: number;
  } | null;
}

export const NO_ICE: IceConfig = { servers: [], turn: null };

export function turnCredentials(secret: string, user: string, ttlSeconds: number, nowMs: number): { username: string; credential: string } {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export function iceServersFor(config: IceConfig, user: string, nowMs: number): IceServer[] {
  const out: IceServer[] = [...config.servers];
  if (config.turn && config.turn.urls.length > 0) {
    out.push({ urls: config.turn.urls, ...turnCredentials(config.turn.secret, user, config.turn.ttlSeconds, nowMs) });
  }
  return out;
}
