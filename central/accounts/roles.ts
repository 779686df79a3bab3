/**
 * Who may do what at central. Every person has one role; a role is a set of capabilities, and
 * each staff route names the capability it needs (`requireStaff(request, capability)`).
 */
import { ACCOUNT_ROLE_WORDS, type Words } from '../../shared/words.js';

export const ROLES = ['agent', 'station-staff', 'supervisor', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
  /** Read tickets, ratings, device events, FAQ, blocklist (masked), kiosks, heartbeats. */
  'read-tickets',
  /** Change a ticket's status, write notes. */
  'work-tickets',
  /** Take video calls in the agent console. */
  'answer-calls',
  'reveal-card-number',
  'read-card-reveals',
  'read-audit',
  'manage-blocklist',
  'manage-faq',
  'manage-config',
  'manage-kiosks',
  'manage-technicians',
  'manage-stations',
  'manage-accounts',
  /** Hours per ticket category within which tickets should be resolved. */
  'set-ticket-targets',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const STAFF: readonly Capability[] = ['read-tickets', 'work-tickets'];
const SUPERVISOR: readonly Capability[] = [...STAFF, 'answer-calls', 'reveal-card-number', 'read-card-reveals', 'read-audit', 'manage-blocklist', 'manage-faq', 'manage-config', 'set-ticket-targets'];

export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  agent: [...STAFF, 'answer-calls'],
  'station-staff': STAFF,
  supervisor: SUPERVISOR,
  administrator: [...SUPERVISOR, 'manage-kiosks', 'manage-technicians', 'manage-stations', 'manage-accounts'],
};

export const can = (role: Role, capability: Capability): boolean => ROLE_CAPABILITIES[role].includes(capability);

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Role names for people, both languages (shared/words.ts). */
export const ROLE_WORDS: Readonly<Record<Role, Words>> = ACCOUNT_ROLE_WORDS;
