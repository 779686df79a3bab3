import type { LogLineView } from '../../shared/maintenance-protocol.js';
import { redactFields, redactText } from './log-redaction.js';

type Level = LogLineView['level'];
type Fields = Readonly<Record<string, unknown>>;

/** The logger shape of the runtime (kiosk/runtime/logger.ts). */
export interface LogSink {
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

export const DEFAULT_LOG_LINES = 200;

/**
 * The last N runtime log lines for the maintenance "recent log" page, redacted on the way in
 * (see log-redaction.ts). `tee(logger)` gives a logger that writes to both.
 */
export class RecentLog {
  private readonly lines: LogLineView[] = [];

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly capacity = DEFAULT_LOG_LINES,
  ) {}

  add(level: Level, message: string, fields: Fields = {}): void {
    const extra = Object.keys(fields).length > 0 ? ` ${redactFields(fields)}` : '';
    this.lines.push({ at: this.now().toISOString(), level, text: (redactText(message) + extra).slice(0, 500) });
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** Newest last. */
  recent(limit = this.capacity): LogLineView[] {
    return this.lines.slice(-limit);
  }

  tee(inner: LogSink | null = null): LogSink {
    const log = (level: 'info' | 'warn' | 'error') => (message: string, fields?: Fields) => {
      this.add(level, message, fields);
      inner?.[level](message, fields);
    };
    return { info: log('info'), warn: log('warn'), error: log('error') };
  }
}
