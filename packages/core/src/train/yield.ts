/**
 * Resolve after the event loop has had a turn: pending timers, I/O and (in a
 * browser) rendering run before the caller goes on. Node's setImmediate does
 * that without setTimeout's 1 ms floor, which cost fit about a millisecond
 * per epoch (a twentieth of a short epoch); elsewhere setTimeout(0).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (typeof immediate === 'function') immediate(() => resolve());
    else setTimeout(resolve, 0);
  });
}
