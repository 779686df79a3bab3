/**
 * Emergency alarms at central: the staff page and the agent console list the open ones (banner
 * and sound, central/pages/alarms.ts), a person acknowledges one (recorded with them; the kiosk
 * that raised it learns it through its change feed), and an alarm nobody acknowledges within
 * `escalateAfterSeconds` is escalated to supervisors by the sweeper (escalation.ts).
 */
import { staffPrincipal } from '../api/auth.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';

export type AlarmOperation = 'listAlarms' | 'getAlarm' | 'markAlarmSeen' | 'acknowledgeAlarm';

/** Unacknowledged this long, an alarm escalates to supervisors. */
export const DEFAULT_ALARM_ESCALATE_AFTER_SECONDS = 120;

const notFound = (): ApiFailure => new ApiFailure(404, 'not-found', 'no such alarm');

export function alarmHandlers(ctx: ApiContext, settings: { readonly escalateAfterSeconds: number }): Handlers<AlarmOperation> {
  const { storage } = ctx;
  const at = (): string => ctx.now().toISOString();
  return {
    listAlarms: async (request) => {
      const { state, limit } = request.query as { state: 'open' | 'all'; limit: number };
      return { alarms: await storage.listAlarms({ open: state === 'open', limit }), escalateAfterSeconds: settings.escalateAfterSeconds, serverTime: at() };
    },
    getAlarm: async (request) => {
      const found = await storage.getAlarm((request.params as { alarmId: string }).alarmId);
      if (!found) throw notFound();
      return found;
    },
    markAlarmSeen: async (request) => {
      const { alarmId } = request.params as { alarmId: string };
      const who = staffPrincipal(request);
      const first = await storage.markAlarmSeen(alarmId, { name: who.name, role: who.role }, at());
      if (first === null) throw notFound();
      return { alarmId, first };
    },
    acknowledgeAlarm: async (request) => {
      const { alarmId } = request.params as { alarmId: string };
      const who = staffPrincipal(request);
      const result = await storage.acknowledgeAlarm(alarmId, { name: who.name, role: who.role, kind: who.role === 'agent' ? 'agent' : 'staff' }, at());
      if (result === null) throw notFound();
      if (!result.acknowledged) {
        throw new ApiFailure(409, 'already-acknowledged', `this alarm was acknowledged by ${result.alarm.acknowledgedBy ?? 'someone'} at ${result.alarm.acknowledgedAt ?? 'an earlier time'}`);
      }
      request.log.warn({ alarmId, by: who.name, role: who.role }, 'emergency alarm acknowledged');
      const found = await storage.getAlarm(alarmId);
      return found;
    },
  };
}
