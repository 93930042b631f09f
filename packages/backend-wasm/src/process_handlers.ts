/**
 * tfjs-backend-wasm's Emscripten glue, when it instantiates in Node, adds two
 * process-wide handlers: `uncaughtException` (rethrows anything that is not
 * Emscripten's own ExitStatus) and `unhandledRejection` (throws the reason).
 * A throw inside an `uncaughtException` handler makes Node report the error at
 * the glue's `throw ex;` line (printing the minified bundle under some
 * loaders) and exit with code 7 instead of 1. They serve Emscripten programs
 * that call `exit()`; this library never does, so they are taken out again
 * right after the module loads and the user's errors reach Node untouched.
 */

type Listener = (...args: unknown[]) => void;

interface NodeProcessEvents {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
}

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Emscripten's two handlers, in its emitted and minified forms:
 * `function (ex) { if (!(ex instanceof ExitStatus)) { throw ex; } }` and
 * `function (reason) { throw reason; }`.
 */
const EMSCRIPTEN_HANDLER =
  /^(?:function\s*)?\(\s*(\w+)\s*\)\s*(?:=>\s*)?\{\s*(?:if\s*\(\s*!\s*\(\s*\1\s+instanceof\s+\w+\s*\)\s*\)\s*\{?\s*)?throw\s+\1\s*;?\s*\}?\s*\}$/;

/** Whether `listener` is one of the Emscripten glue's rethrowing process handlers. @internal */
export function isEmscriptenHandler(listener: Listener): boolean {
  return EMSCRIPTEN_HANDLER.test(Function.prototype.toString.call(listener).trim());
}

function nodeProcess(): NodeProcessEvents | null {
  const p = (globalThis as { process?: Partial<NodeProcessEvents> & { versions?: { node?: unknown } } }).process;
  if (typeof p?.versions?.node !== 'string' || typeof p.listeners !== 'function' || typeof p.removeListener !== 'function') return null;
  return p as NodeProcessEvents;
}

/**
 * Run `load` (which instantiates the tfjs wasm module) and then remove the
 * process handlers the Emscripten glue added meanwhile. Only handlers that
 * were not there before and have the glue's exact shape are removed, so
 * handlers the application adds at the same time stay. A no-op outside Node.
 */
export async function withoutEmscriptenProcessHandlers<T>(load: () => Promise<T>): Promise<T> {
  const proc = nodeProcess();
  if (!proc) return load();
  const before = new Map(EVENTS.map((event) => [event, new Set(proc.listeners(event))]));
  try {
    return await load();
  } finally {
    for (const event of EVENTS) {
      for (const listener of proc.listeners(event)) {
        if (!before.get(event)!.has(listener) && isEmscriptenHandler(listener)) proc.removeListener(event, listener);
      }
    }
  }
}
