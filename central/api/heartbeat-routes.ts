import type { KioskHeartbeat } from '../../shared/heartbeat.js';
import { stationScope } from '../staff/station-scope.js';
import type { ApiContext, Handlers } from './context.js';

/** Heartbeats: a kiosk posts its own (kiosk token, as itself only); staff read every kiosk's latest (station staff: their station's kiosks). */
export function heartbeatHandlers(ctx: ApiContext): Handlers<'postHeartbeat' | 'listHeartbeats'> {
  return {
    postHeartbeat: async (request) => {
      const { kioskId } = request.params as { kioskId: string };
      const receivedAt = ctx.now().toISOString();
      await ctx.storage.putHeartbeat(kioskId, request.body as KioskHeartbeat, receivedAt);
      return { receivedAt, serverTime: receivedAt };
    },
    listHeartbeats: async (request) => {
      const scope = stationScope(request);
      const heartbeats = await ctx.storage.listHeartbeats();
      if (scope === null) return { heartbeats };
      const here = new Set((await ctx.storage.listKiosks()).filter((k) => k.stationId === scope).map((k) => k.id));
      return { heartbeats: heartbeats.filter((h) => here.has(h.kioskId)) };
    },
  };
}
