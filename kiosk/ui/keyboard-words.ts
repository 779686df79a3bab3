import type { Words } from '../../shared/words.js';

/** The keys of the on-screen keyboard and of the keypads (passenger and technician screens alike). */
export const KEY_WORDS = {
  backspace: { zh: '删除', en: 'Delete' },
  clear: { zh: '清空', en: 'Clear' },
} as const satisfies Record<string, Words>;
