import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './backoff.js';
import { asChangesResponse, asIngestResponse } from './response-shapes.js';

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
