import type { KioskHeartbeat } from '../../shared/heartbeat.js';
import type { ApiContext, Handlers } from './context.js';

/** Heartbeats: a kiosk posts its own (kiosk token, as itself only); staff read every kiosk's latest. */
export function heartbeatHandlers(ctx: ApiContext): Handlers<'postHeartbeat' | 'listHeartbeats'> {
  return {
    postHeartbeat: async (request) => {
      const { kioskId } = request.params as { kioskId: string };
      const receivedAt = ctx.now().toISOString();
      await ctx.storage.putHeartbeat(kioskId, request.body as KioskHeartbeat, receivedAt);
      return { receivedAt, serverTime: receivedAt };
    },
    listHeartbeats: async () => ({ heartbeats: await ctx.storage.listHeartbeats() }),
  };
}
