// A modal dialog keeps keyboard focus inside itself: Tab from the last control goes to
// the first, Shift+Tab from the first to the last; when it closes, focus goes back to
// where it was (the button that opened it).
import { useEffect, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The controls Tab visits inside `root`, in order (hidden ones left out). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/** Where Tab (or Shift+Tab) from `current` goes: null lets the browser move on. */
export function wrapTarget(items: readonly HTMLElement[], current: Element | null, backwards: boolean): HTMLElement | null {
  if (!items.length) return null;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const inside = current !== null && items.includes(current as HTMLElement);
  if (!inside) return backwards ? last : first;
  if (backwards && current === first) return last;
  if (!backwards && current === last) return first;
  return null;
}

export function useFocusTrap(ref: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const before = document.activeElement as HTMLElement | null;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const target = wrapTarget(focusables(root), document.activeElement, e.shiftKey);
      if (target) {
        e.preventDefault();
        target.focus();
      }
    };
    root.addEventListener('keydown', onKey);
    return () => {
      root.removeEventListener('keydown', onKey);
      if (before && document.contains(before)) before.focus();
    };
  }, [ref]);
}
