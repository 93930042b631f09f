// Node only: tfjs's Emscripten glue adds process-wide handlers that rethrow
// every uncaught error from inside tfjs (exit code 7); loading must take them
// out again and leave the application's own handlers alone.
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './index.js';
import { isEmscriptenHandler, withoutEmscriptenProcessHandlers } from './process_handlers.js';

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
const listeners = (event: (typeof EVENTS)[number]): Array<(...args: never[]) => unknown> =>
  event === 'uncaughtException' ? process.listeners('uncaughtException') : process.listeners('unhandledRejection');
const snapshot = () => EVENTS.map(listeners);

describe('process handlers of the Emscripten glue', () => {
  it('loading the wasm module leaves uncaughtException / unhandledRejection handlers as they were', async () => {
    const before = snapshot();
    const backend = await createWasmBackend();
    try {
      expect(snapshot()).toEqual(before);
      for (const event of EVENTS) expect(listeners(event).filter((l) => isEmscriptenHandler(l as () => void))).toEqual([]);
    } finally {
      backend.dispose();
    }
  });

  it('removes only handlers of the glue that appeared during the load', async () => {
    // Written as the glue writes them (tf-backend-wasm.node.js); `Function` keeps the source text as is.
    const rethrow = new Function('ExitStatus', 'return function (ex) { if (!(ex instanceof ExitStatus)) {\n throw ex;\n } }')(class {}) as () => void;
    const throwReason = new Function('return function (reason) { throw reason; }')() as () => void;
    const appHandler = (): void => {};
    const appRethrow = (e: unknown): never => {
      throw new Error(`app: ${String(e)}`);
    };
    const result = await withoutEmscriptenProcessHandlers(async () => {
      process.on('uncaughtException', rethrow);
      process.on('unhandledRejection', throwReason);
      process.on('uncaughtException', appHandler);
      process.on('unhandledRejection', appRethrow);
      return 42;
    });
    try {
      expect(result).toBe(42);
      expect(process.listeners('uncaughtException')).not.toContain(rethrow);
      expect(process.listeners('unhandledRejection')).not.toContain(throwReason);
      expect(process.listeners('uncaughtException')).toContain(appHandler);
      expect(process.listeners('unhandledRejection')).toContain(appRethrow);
    } finally {
      process.removeListener('uncaughtException', appHandler);
      process.removeListener('unhandledRejection', appRethrow);
    }
  });

  it('also cleans up when the load fails, and keeps a glue-shaped handler that was there before', async () => {
    const earlier = new Function('return function (e) { throw e; }')() as () => void;
    const added = new Function('return function (e) { throw e; }')() as () => void;
    process.on('unhandledRejection', earlier);
    try {
      await expect(
        withoutEmscriptenProcessHandlers(async () => {
          process.on('unhandledRejection', added);
          throw new Error('load failed');
        }),
      ).rejects.toThrow('load failed');
      expect(process.listeners('unhandledRejection')).toContain(earlier);
      expect(process.listeners('unhandledRejection')).not.toContain(added);
    } finally {
      process.removeListener('unhandledRejection', earlier);
    }
  });

  it('recognises the glue handlers in emitted and minified form, and nothing else', () => {
    const src = (body: string) => new Function(`return ${body}`)() as () => void;
    expect(isEmscriptenHandler(src('function(ex){if(!(ex instanceof ExitStatus)){throw ex}}'))).toBe(true);
    expect(isEmscriptenHandler(src('function(reason){throw reason}'))).toBe(true);
    expect(isEmscriptenHandler(src('function (e) { console.error(e); }'))).toBe(false);
    expect(isEmscriptenHandler(src('function (e) { throw new Error(String(e)); }'))).toBe(false);
  });
});
