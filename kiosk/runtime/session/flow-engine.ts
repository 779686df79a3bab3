import { createActor, type Actor } from 'xstate';
import type { ScreenModel } from '../../../shared/ui-protocol.js';
import type { KioskEvent } from '../../flows/events.js';
import { persistableSnapshot } from '../../flows/persistence.js';
import type { SessionMachine, SessionSnapshot } from '../../flows/session.js';
import type { Logger } from '../logger.js';
import type { SessionEngine } from './session-host.js';

export interface FlowEngineOptions {
  /** The session with its effects in place (`createKioskSessionMachine`). */
  readonly machine: SessionMachine;
  /** The flows' projection of a session snapshot to what the UI shows. */
  readonly toScreen: (snapshot: SessionSnapshot) => ScreenModel;
  /** A snapshot saved by an earlier run (`SessionFile`), or null. */
  readonly restored: unknown;
  readonly logger: Logger;
}

/**
 * The passenger flows' session actor behind the runtime's `SessionEngine` port. Restart rule
 * (the flows'): a saved snapshot is restored and sent `SESSION.RESTORED`, which re-arms the
 * idle deadlines kept in context, so a session that should have ended meanwhile ends at once;
 * a snapshot the current machine cannot take (another version) is dropped and the session
 * starts fresh at the attract screen. An actor error is logged and the session restarts fresh:
 * a passenger never sees a stack trace.
 */
export function createFlowEngine(options: FlowEngineOptions): SessionEngine {
  const { machine } = options;
  const listeners = new Set<() => void>();
  let actor: Actor<SessionMachine> | undefined;

  const boot = (snapshot: unknown): void => {
    actor = snapshot === null ? createActor(machine) : createActor(machine, { snapshot: snapshot as SessionSnapshot });
    actor.subscribe({
      next: () => {
        for (const l of listeners) l();
      },
      error: (e) => {
        options.logger.error('session actor failed; starting a fresh session', { error: e instanceof Error ? e.stack : String(e) });
        queueMicrotask(() => {
          boot(null);
          for (const l of listeners) l();
        });
      },
    });
    actor.start();
  };

  if (options.restored !== null && options.restored !== undefined) {
    try {
      boot(options.restored);
      const check = () => {
        const status = actor!.getSnapshot().status;
        if (status !== 'active') throw new Error(`restored session is ${status}`);
      };
      check();
      actor!.send({ type: 'SESSION.RESTORED' });
      check();
      options.toScreen(actor!.getSnapshot());
      options.logger.info('session restored');
    } catch (e) {
      options.logger.warn('saved session could not be restored; starting fresh', { error: e instanceof Error ? e.message : String(e) });
      actor?.stop();
      boot(null);
    }
  } else {
    boot(null);
  }

  const live = (): Actor<SessionMachine> => {
    if (!actor) throw new Error('session actor not started');
    return actor;
  };
  return {
    screen: () => options.toScreen(live().getSnapshot()),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send: (event: KioskEvent) => live().send(event),
    // Card data never reaches the disk: only a report in progress is kept, scrubbed (null = delete).
    persisted: () => persistableSnapshot(live().getPersistedSnapshot()),
    stop: () => live().stop(),
  };
}
