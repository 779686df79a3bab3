import type { DeviceFailure } from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { fail } from './failure.js';

interface Waiter<F> {
  readonly accept: (frame: F) => boolean;
  readonly resolve: (result: Result<F, DeviceFailure>) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Matches replies to requests: each `expect` waits for the first incoming frame its predicate
 * accepts, or fails with `no-reply` after its timeout. Frames nobody waits for go to the
 * `unsolicited` handler. One matcher owns every timeout of a device.
 */
export class ReplyMatcher<F> {
  private readonly waiters: Waiter<F>[] = [];

  constructor(private readonly unsolicited: (frame: F) => void = () => undefined) {}

  expect(accept: (frame: F) => boolean, timeoutMs: number, what: string): Promise<Result<F, DeviceFailure>> {
    return new Promise((resolve) => {
      const waiter: Waiter<F> = {
        accept,
        resolve,
        timer: setTimeout(() => {
          this.remove(waiter);
          resolve(fail('no-reply', `no reply to ${what} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  feed(frame: F): void {
    const waiter = this.waiters.find((w) => w.accept(frame));
    if (!waiter) {
      this.unsolicited(frame);
      return;
    }
    this.remove(waiter);
    clearTimeout(waiter.timer);
    waiter.resolve(ok(frame));
  }

  /** Fails every waiter at once (port closed, driver stopped). */
  cancelAll(failure: DeviceFailure): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, error: failure });
    }
  }

  get pending(): number {
    return this.waiters.length;
  }

  private remove(waiter: Waiter<F>): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}
