/** The transition definitions of a machine, each under a key that is the same on every copy of it (the session walk and the README's count use it). */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** Every transition definition of the machine, with a key that is the same on every copy of it. */
export function allTransitions(machine: AnyStateMachine): Map<string, AnyTransitionDefinition> {
  const out = new Map<string, AnyTransitionDefinition>();
  const visit = (node: AnyStateNode) => {
    for (const defs of node.transitions.values()) for (const d of defs) out.set(keyOf(d), d);
    for (const d of node.always ?? []) out.set(keyOf(d), d);
    for (const c of Object.values(node.states)) visit(c);
  };
  visit(machine.root);
  return out;
}

export function keyOf(d: AnyTransitionDefinition): string {
  const type = String(d.eventType);
  const list = type === '' ? (d.source.always ?? []) : (d.source.transitions.get(type) ?? []);
  const targets = (d.target ?? []).map((t) => t.id).join(',');
  return `${d.source.id} ─${type || '(always)'}#${list.indexOf(d)}→ ${targets || '(stays)'}`;
}

