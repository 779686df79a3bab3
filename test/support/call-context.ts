// The context an agent sees for a passenger who read no card at a Guangzhou station: the plain
// case the call tests start from (override what a test is about).
import type { CallContext } from '../../shared/call-protocol.js';

export function plainCallContext(kioskId: string, overrides: Partial<CallContext> = {}): CallContext {
  return {
    stationId: 'GZ-L1-TYXL',
    stationName: '体育西路',
    kioskId,
    language: 'zh',
    card: null,
    diagnosis: [],
    recentTrips: [],
    openTicketIds: [],
    health: [],
    ...overrides,
  };
}
