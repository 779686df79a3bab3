import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIceConfig, iceGrantFor, NO_ICE, type IceConfig } from './turn.js';

const TURN: IceConfig = { servers: [{ urls: ['stun:stun.example.net:3478'] }], turn: { urls: ['turn:turn.example.net:3478?transport=udp'], secret: 'shared-secret', ttlSeconds: 600 } };

describe('ICE for a call', () => {
  it('mints TURN REST credentials coturn accepts: expiry:user, HMAC-SHA1 of it with the shared secret', () => {
    const now = Date.UTC(2026, 11, 1, 2, 0, 0);
    const grant = iceGrantFor(TURN, 'GZ0102', now);
    expect(grant.iceServers[0]).toEqual({ urls: ['stun:stun.example.net:3478'] });
    const turn = grant.iceServers[1]!;
    expect(turn.username).toBe(`${now / 1000 + 600}:GZ0102`);
    // Independent of the code under test: RFC 2104 HMAC-SHA1 as coturn computes it.
    expect(turn.credential).toBe(createHmac('sha1', 'shared-secret').update(turn.username!).digest('base64'));
    expect(grant.iceTransportPolicy).toBe('all');
  });

  it('passes a relay-only policy to both ends', () => {
    expect(iceGrantFor({ ...TURN, transportPolicy: 'relay' }, 'agent-a1', 0).iceTransportPolicy).toBe('relay');
  });

  it('refuses a relay policy without a TURN server, and an unknown policy, with a message that names the setting', () => {
    expect(() => checkIceConfig({ ...NO_ICE, transportPolicy: 'relay' })).toThrow(/transportPolicy "relay" needs ice.turn/);
    expect(() => checkIceConfig({ ...TURN, transportPolicy: 'nohost' as never })).toThrow(/must be "all" or "relay"/);
    expect(checkIceConfig({ ...TURN, transportPolicy: 'relay' })).toMatchObject({ transportPolicy: 'relay' });
    expect(checkIceConfig(NO_ICE)).toBe(NO_ICE);
  });
});
