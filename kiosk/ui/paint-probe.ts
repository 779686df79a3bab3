/**
 * Tap-to-paint measurement, taken in the browser: for a screen caused by a card event, the time
 * from that event (runtime wall clock) to the frame after the DOM was updated. Kept in
 * `window.__kioskPaints` for the benchmark and tests to read; costs nothing otherwise.
 */
export interface PaintRecord {
  readonly seq: number;
  readonly screen: string;
  readonly causeAt: number;
  readonly paintedAt: number;
  readonly latencyMs: number;
}

declare global {
  interface Window {
    __kioskPaints?: PaintRecord[];
  }
}

const KEEP = 5000;

export function recordPaint(seq: number, screen: string, causeAt: number | null): void {
  if (causeAt === null) return;
  requestAnimationFrame(() => {
    // The second frame callback runs after the first frame with the new DOM was presented.
    requestAnimationFrame(() => {
      const paintedAt = performance.timeOrigin + performance.now();
      const list = (window.__kioskPaints ??= []);
      list.push({ seq, screen, causeAt, paintedAt, latencyMs: paintedAt - causeAt });
      if (list.length > KEEP) list.splice(0, list.length - KEEP);
    });
  });
}
