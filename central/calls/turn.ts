/**
 * ICE servers handed to the kiosk page and the agent console at call setup, with short-lived
 * TURN credentials per the TURN REST API scheme (draft-uberti-behave-turn-rest, coturn's
 * `use-auth-secret`): username `"<expiry unix seconds>:<user>"`, password
 * `base64(HMAC-SHA1(secret, username))`. The TURN server shares the secret and checks the expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer, IceTransportPolicy } from '../../shared/call-protocol.js';

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
  /** `relay`: calls use only the TURN relay (needs `turn`). Default `all`. */
  readonly transportPolicy?: IceTransportPolicy;
}

export const NO_ICE: IceConfig = { servers: [], turn: null };

/** Refuses an ICE configuration that cannot work, with a message for the operator. */
export function checkIceConfig(config: IceConfig): IceConfig {
  const policy: unknown = config.transportPolicy;
  if (policy !== undefined && policy !== 'all' && policy !== 'relay') {
    throw new Error(`calls.json: ice.transportPolicy must be "all" or "relay", not ${JSON.stringify(policy)}`);
  }
  if (policy === 'relay' && !(config.turn && config.turn.urls.length > 0)) {
    throw new Error('calls.json: ice.transportPolicy "relay" needs ice.turn with at least one TURN url');
  }
  return config;
}

export function turnCredentials(secret: string, user: string, ttlSeconds: number, nowMs: number): { username: string; credential: string } {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** What a call's two ends are told: the servers with fresh credentials, and the transport policy. */
export interface IceGrant {
  readonly iceServers: IceServer[];
  readonly iceTransportPolicy: IceTransportPolicy;
}

export function iceGrantFor(config: IceConfig, user: string, nowMs: number): IceGrant {
  return { iceServers: iceServersFor(config, user, nowMs), iceTransportPolicy: config.transportPolicy ?? 'all' };
}

export function iceServersFor(config: IceConfig, user: string, nowMs: number): IceServer[] {
  const out: IceServer[] = [...config.servers];
  if (config.turn && config.turn.urls.length > 0) {
    out.push({ urls: config.turn.urls, ...turnCredentials(config.turn.secret, user, config.turn.ttlSeconds, nowMs) });
  }
  return out;
}
