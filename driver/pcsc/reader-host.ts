/**
 * Child-process host of the PC/SC stack, run by `SupervisedCardReaderService`. Native pcsclite
 * calls can block the event loop (NFC() while pcscd is down, reader close racing a disconnect),
 * so they live here; the parent forwards events and kills this process when it must.
 */
import type { HostCommand, HostMessage, HostOptions } from './host-protocol.js';
import { PcscCardReaderService } from './reader-service.js';
import { fromHex, toHex } from '../../shared/bytes.js';

const options = JSON.parse(process.env['KIOSK_CARD_HOST_OPTIONS'] ?? '{}') as HostOptions;
const send = (m: HostMessage): void => {
  if (process.connected) process.send?.(m);
};

const service = new PcscCardReaderService({
  ...options,
  log: (level, message) => send({ type: 'log', level, message }),
  onContextLost: (reason) => {
    send({ type: 'log', level: 'warn', message: `PC/SC context lost (${reason}); host exits to be restarted` });
    process.exit(75);
  },
});
const state = (): HostMessage => ({ type: 'state', readers: service.readers(), health: service.health() });
service.subscribe((event) => {
  send({ type: 'event', event });
  send(state());
});
process.on('message', (m: HostCommand) => {
  if (m.type === 'stop') process.exit(0);
  if (m.type === 'transmit') {
    Promise.resolve()
      .then(() => service.transmit(m.reader, fromHex(m.apdu)))
      .then(
        (r) => send({ type: 'transmit-result', id: m.id, ok: true, response: toHex(r) }),
        (e: unknown) =>
          send({ type: 'transmit-result', id: m.id, ok: false, code: (e as { code?: string }).code ?? 'unreadable-card', message: e instanceof Error ? e.message : String(e) }),
      );
  }
});
process.on('disconnect', () => process.exit(0));
setInterval(() => send(state()), 1_000);
await service.start();
send(state());
send({ type: 'started' });
