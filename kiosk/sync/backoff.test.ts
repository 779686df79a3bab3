import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { asChangesResponse, asIngestResponse } from './response-shapes.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };
  it('doubles the ceiling per failure up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 7, 8, 50].map((n) => backoffDelay(n, policy, top))).toEqual([999, 1999, 3999, 7999, 59_999, 59_999, 59_999]);
  });
  it('is full jitter: any value in [0, ceiling) and never negative or above the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const d = backoffDelay(failures, policy, () => r);
        return d >= 0 && d < policy.capMs && Number.isInteger(d);
      }),
    );
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('central answers that must change nothing', () => {
  it('refuses truncated or mistyped ingest answers', () => {
    const good = { acks: [{ id: 'a', seq: 1, status: 'stored', serverSeq: 9, receivedAt: '2026-11-23T12:00:00Z' }], rejects: [], serverTime: '2026-11-23T12:00:00Z' };
    expect(asIngestResponse(good)).toEqual(good);
    expect(asIngestResponse({ ...good, acks: [{ ...good.acks[0], serverSeq: '9' }] })).toBeNull();
    expect(asIngestResponse({ acks: [] })).toBeNull();
    expect(asIngestResponse('{"acks":[')).toBeNull();
  });
  it('refuses a changes page with an unknown change or a bad status', () => {
    const page = { changes: [], cursor: 3, more: false, serverTime: '2026-11-23T12:00:00Z' };
    expect(asChangesResponse(page)).toEqual(page);
    expect(asChangesResponse({ ...page, changes: [{ type: 'wipe-disk', cursor: 4 }] })).toBeNull();
    expect(asChangesResponse({ ...page, changes: [{ type: 'ticket-status', cursor: 4, update: { ticketId: 'x', status: 'exploded', note: null, updatedAt: 'x' } }] })).toBeNull();
  });
});
