/**
 * Emergency alarms at central: the staff page and the agent console list the open ones (banner
 * and sound, central/pages/alarms.ts), a person acknowledges one (recorded with them; the kiosk
 * that raised it learns it through its change feed), and an alarm nobody acknowledges within
 * `escalateAfterSeconds` is escalated to supervisors by the sweeper (escalation.ts).
 */
import type { FastifyRequest } from 'fastify';
import { personOf } from '../accounts/guard.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';
import { stationScope } from '../staff/station-scope.js';
import type { StoredAlarm } from '../storage/types.js';

export type AlarmOperation = 'listAlarms' | 'getAlarm' | 'markAlarmSeen' | 'acknowledgeAlarm';

/** Unacknowledged this long, an alarm escalates to supervisors. */
export const DEFAULT_ALARM_ESCALATE_AFTER_SECONDS = 120;

// The same answer for an alarm that does not exist and one of another station: nobody learns which ids exist.
const notFound = (): ApiFailure => new ApiFailure(404, 'not-found', 'no such alarm');

interface Viewer {
  readonly name: string;
  readonly role: string;
  /** Station staff see their own station's alarms only; everyone else every station's (central/staff/station-scope.ts). */
  readonly stationId: string | null;
}

function viewerOf(request: FastifyRequest): Viewer {
  const who = personOf(request);
  if (!who) throw new Error('alarm routes: the request was not authenticated as staff');
  return { name: who.username, role: who.role, stationId: stationScope(request) };
}

const mayAct = (v: Viewer, alarm: StoredAlarm): boolean => v.stationId === null || alarm.stationId === v.stationId;

/**
 * Who gets which alarms: station staff their station's, agents every station's, supervisors and
 * administrators every station's too (their banner asks for the escalated ones, `state=escalated`).
 */
export function alarmHandlers(ctx: ApiContext, settings: { readonly escalateAfterSeconds: number }): Handlers<AlarmOperation> {
  const { storage } = ctx;
  const at = (): string => ctx.now().toISOString();
  /** The alarm with the display name of whoever acknowledged it (the pages say "acknowledged by 王芳", not a user name). */
  const named = async (alarms: readonly StoredAlarm[]): Promise<(StoredAlarm & { acknowledgedByName: string | null })[]> => {
    const names = new Map<string, string>();
    for (const a of alarms) {
      if (a.acknowledgedBy === null || names.has(a.acknowledgedBy)) continue;
      names.set(a.acknowledgedBy, (await storage.accounts.byUsername(a.acknowledgedBy))?.displayName ?? a.acknowledgedBy);
    }
    return alarms.map((a) => ({ ...a, acknowledgedByName: a.acknowledgedBy === null ? null : (names.get(a.acknowledgedBy) ?? a.acknowledgedBy) }));
  };
  const visible = async (request: FastifyRequest): Promise<{ viewer: Viewer; found: NonNullable<Awaited<ReturnType<typeof storage.getAlarm>>> }> => {
    const viewer = viewerOf(request);
    const found = await storage.getAlarm((request.params as { alarmId: string }).alarmId);
    if (!found || !mayAct(viewer, found.alarm)) throw notFound();
    return { viewer, found };
  };
  return {
    listAlarms: async (request) => {
      const { state, limit } = request.query as { state: 'open' | 'escalated' | 'all'; limit: number };
      const { stationId } = viewerOf(request);
      return { alarms: await named(await storage.listAlarms({ state, stationId, limit })), escalateAfterSeconds: settings.escalateAfterSeconds, serverTime: at() };
    },
    getAlarm: async (request) => {
      const { found } = await visible(request);
      return { alarm: (await named([found.alarm]))[0], steps: found.steps };
    },
    markAlarmSeen: async (request) => {
      const { viewer, found } = await visible(request);
      const first = await storage.markAlarmSeen(found.alarm.id, { name: viewer.name, role: viewer.role }, at());
      if (first === null) throw notFound();
      return { alarmId: found.alarm.id, first };
    },
    acknowledgeAlarm: async (request) => {
      const { viewer, found: before } = await visible(request);
      const result = await storage.acknowledgeAlarm(before.alarm.id, { name: viewer.name, role: viewer.role, kind: viewer.role === 'agent' ? 'agent' : 'staff' }, at());
      if (result === null) throw notFound();
      if (!result.acknowledged) {
        const [alarm] = await named([result.alarm]);
        throw new ApiFailure(409, 'already-acknowledged', `this alarm was acknowledged by ${alarm?.acknowledgedByName ?? 'someone'} at ${result.alarm.acknowledgedAt ?? 'an earlier time'}`);
      }
      request.log.warn({ alarmId: before.alarm.id, by: viewer.name, role: viewer.role }, 'emergency alarm acknowledged');
      const found = await storage.getAlarm(before.alarm.id);
      if (!found) throw notFound();
      return { alarm: (await named([found.alarm]))[0], steps: found.steps };
    },
  };
}
