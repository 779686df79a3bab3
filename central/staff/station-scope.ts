/**
 * What a person sees of the network: station staff work at one station and see only its
 * tickets, missed calls, kiosks and alarms; agents, supervisors and administrators see all.
 * Decided here, on the server, from the account; a page never chooses its own scope.
 */
import type { FastifyRequest } from 'fastify';
import { personOf } from '../accounts/guard.js';
import { ApiFailure } from '../api/errors.js';

/** Matches no station id (ids are letters, digits, `_` and `-`): a station-staff account with no station sees nothing. */
const NO_STATION = '\u0000';

/** The one station this request's person may see, or null for every station. */
export function stationScope(request: FastifyRequest): string | null {
  const who = personOf(request);
  if (!who) throw new Error('stationScope: the request was not authenticated as staff');
  return who.role === 'station-staff' ? (who.stationId ?? NO_STATION) : null;
}

/** Whether something at `stationId` is within the request's scope. */
export function inScope(request: FastifyRequest, stationId: string | null): boolean {
  const scope = stationScope(request);
  return scope === null || scope === stationId;
}

/**
 * The station filter a list request may use: its own station for station staff (asking for
 * another one is refused), whatever was asked otherwise.
 */
export function scopedStationFilter(request: FastifyRequest, asked: string | undefined): string | undefined {
  const scope = stationScope(request);
  if (scope === null) return asked;
  if (asked !== undefined && asked !== scope) throw new ApiFailure(403, 'other-station', 'station staff see the tickets of their own station only');
  return scope;
}
