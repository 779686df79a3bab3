/** Structured log lines for technicians. Never given card numbers whole. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** One JSON line per entry on the given stream (stderr by default). */
export function createJsonLogger(component: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    write(JSON.stringify({ t: new Date().toISOString(), level, component, message, ...fields }) + '\n');
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Keeps entries in memory: for tests, and for the technician's "recent log" view. */
export function createMemoryLogger(): Logger & { readonly entries: { level: string; message: string; fields: Readonly<Record<string, unknown>> }[] } {
  const entries: { level: string; message: string; fields: Readonly<Record<string, unknown>> }[] = [];
  const log = (level: string) => (message: string, fields: Readonly<Record<string, unknown>> = {}) => void entries.push({ level, message, fields });
  return { entries, info: log('info'), warn: log('warn'), error: log('error') };
}
