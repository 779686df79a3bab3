/**
 * How a flow gets its effects, the one way for every machine: each effect is a named actor in
 * the machine's `setup({ actors })` whose default rejects with {@link EffectMissingError}; the
 * composition root supplies the real ones with `.provide()` once (`provideKioskFlows`,
 * kiosk/flows/kiosk-flows.ts), and a test `.provide()`s its own. Time and ids are not effects:
 * they are the machines' environment ({@link FlowDeps}), given when a machine is built.
 */
import { fromPromise, type PromiseActorLogic } from 'xstate';
import { uuidv7 } from '../../shared/ids.js';
import type { FlowDeps } from './ports.js';

/** The rejection of an effect nobody provided (a wiring mistake, shown as "unavailable"). */
export class EffectMissingError extends Error {
  readonly code = 'effect-missing';
  constructor(readonly effect: string) {
    super(`flow effect ${effect} was not provided`);
  }
}

/** The default of a named effect: rejects until `.provide()` replaces it. */
export function missingEffect<TOutput, TInput = void>(name: string): PromiseActorLogic<TOutput, TInput> {
  return fromPromise<TOutput, TInput>(() => Promise.reject(new EffectMissingError(name)));
}

export function newIdOf(deps: FlowDeps): () => string {
  return deps.newId ?? (() => uuidv7(deps.clock.now()));
}
