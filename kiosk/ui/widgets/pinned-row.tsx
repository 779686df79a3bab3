import { createContext, type ComponentChildren } from 'preact';
import { createPortal } from 'preact/compat';
import { useContext } from 'preact/hooks';

/** The row under the screen's scrolling area, above the countdown bar, where a screen's way on is drawn (set by the page frame). */
export const PinnedRowSlot = createContext<HTMLElement | null>(null);

/**
 * A screen's way on (Next, Done, Finish, Cancel): always in view, in its own row under the
 * scrolling area, so it never covers what scrolls and the last line of a long screen shows
 * whole above it. Drawn in place where no frame gives it a row.
 */
export function PinnedRow({ children }: { children: ComponentChildren }) {
  const slot = useContext(PinnedRowSlot);
  const row = <div class="nav">{children}</div>;
  return slot === null ? row : createPortal(row, slot);
}
