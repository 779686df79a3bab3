import type { TicketService } from '../tickets/ticket-service.js';
import type { FaultMonitorPorts } from './fault-monitor.js';

/** Wires the fault monitor to the kiosk's ticket service: an open ticket for the same key is reused (also across restarts). */
export function faultPortsFromTicketService(service: TicketService, now: () => Date, log?: (line: string) => void): FaultMonitorPorts {
  return {
    async fileFaultTicket({ faultKey, description }) {
      const open = await service.openTicketForFault(faultKey);
      if (open) return { ok: true, value: { ticketId: open.id } };
      const created = await service.createTicket({ category: 'device-fault', description, language: 'en', faultKey });
      return created.ok ? { ok: true, value: { ticketId: created.value.id } } : { ok: false, error: { code: created.error.code, message: created.error.message } };
    },
    recordDeviceEvent: (event) => service.recordDeviceEvent(event),
    recordTelemetry: (metrics) => service.recordTelemetry(metrics),
    now,
    ...(log ? { log } : {}),
  };
}
