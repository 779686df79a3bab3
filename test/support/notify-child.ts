// A process that tells "systemd" it is ready and alive, then hangs its event loop for a while.
import { SystemdNotifier } from '../../kiosk/appliance/systemd-notify.js';
import { createJsonLogger } from '../../kiosk/runtime/logger.js';

const notifier = new SystemdNotifier({ logger: createJsonLogger('notify-child') });
notifier.ready('serving');
setTimeout(() => {
  notifier.status('hang-start');
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    // a hung event loop
  }
  notifier.status('hang-end');
  setTimeout(() => void notifier.stop().then(() => process.exit(0)), 1000);
}, 1000);
