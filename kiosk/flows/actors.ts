import { fromPromise } from 'xstate';
import { uuidv7 } from '../../shared/ids.js';
import type { FlowDeps, FlowPorts } from './ports.js';

/** Thrown (as a rejection) by an effect the runtime did not supply. */
export class PortMissingError extends Error {
  readonly code = 'port-missing';
  constructor(readonly port: keyof FlowPorts) {
    super(`flow effect ${port} was not provided`);
  }
}

type PortInput<K extends keyof FlowPorts> = Parameters<FlowPorts[K]> extends [infer I] ? I : void;
type PortOutput<K extends keyof FlowPorts> = Awaited<ReturnType<FlowPorts[K]>>;

/** The named actor for one port: calls `ports[name]`, or rejects with `PortMissingError`. */
export function portActor<K extends keyof FlowPorts>(name: K, ports: Partial<FlowPorts> | undefined) {
  return fromPromise<PortOutput<K>, PortInput<K>>(({ input }) => {
    const fn = ports?.[name] as ((i: PortInput<K>) => Promise<PortOutput<K>>) | undefined;
    return fn ? fn.call(ports, input) : Promise.reject(new PortMissingError(name));
  });
}

export function newIdOf(deps: FlowDeps): () => string {
  return deps.newId ?? (() => uuidv7(deps.clock.now()));
}
