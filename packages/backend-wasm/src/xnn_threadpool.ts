/**
 * Small XNNPACK calls of the threaded build run on the calling thread alone.
 *
 * tfjs hands every XNNPACK operator its one global pthreadpool, so even a
 * 64×10 product or a softmax over 640 numbers wakes the pool's workers and
 * waits until each has checked in; on a busy machine a worker may not be
 * scheduled for milliseconds (the MLP step on 2 threads took several times
 * its 1-thread time). pthreadpool runs a job inline when it is handed no pool,
 * and XNNPACK reads the global at every call, so for a call below
 * XNN_SPLIT_MIN_WORK the global is set to null for the call's duration.
 * XNNPACK splits its work by output tiles whatever the pool, so the bits do
 * not change (the 1-thread build runs the same code with no pool at all).
 *
 * The global's address is read from the binary: tfjs's exported
 * `get_threads_count` starts by loading it (`i32.const addr; i32.load`). It is
 * checked by behaviour before use (with the global nulled the function
 * reports no pool, -1), and without it every call keeps the pool.
 */
import type { WasmModule } from './runtime.js';

/**
 * Below this much work (multiply-adds of products and convolutions, or their
 * equivalent: see PER_ELEMENT) an XNNPACK call of the threaded build runs
 * without the pool, about 0.1–0.2 ms of work on one core: waking the pool's
 * workers costs tens of µs on idle cores and milliseconds on busy ones.
 * Never depends on the thread count.
 */
export const XNN_SPLIT_MIN_WORK = 4_000_000;

/**
 * Work of one element of an elementwise op or softmax, or of one pooling
 * window tap, in multiply-adds. Such ops are bound by memory, so by time an
 * element is worth several multiply-adds, but the pool does not pay for them
 * anyway at the sizes that matter: on the 2-core machine (load 9) a multiply
 * or relu over 2.5M elements took 1.2 ms at best inline and 1.4–1.9 ms on the
 * pool, and several times that in the median. So they count as one.
 */
const PER_ELEMENT = 1;

/**
 * The heap address of tfjs's global pthreadpool pointer in a threaded build's
 * binary, or null when its `get_threads_count` does not start as expected.
 */
export function threadpoolAddress(bytes: Uint8Array): number | null {
  try {
    return findAddress(bytes);
  } catch {
    return null; // a binary this reader does not understand: keep the pool everywhere
  }
}

function findAddress(b: Uint8Array): number | null {
  let p = 8; // magic and version
  const u32 = (): number => {
    let r = 0;
    let shift = 0;
    let x: number;
    do {
      x = b[p++]!;
      r += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return r;
  };
  const i32 = (): number => {
    let r = 0;
    let shift = 0;
    let x: number;
    do {
      x = b[p++]!;
      r |= (x & 0x7f) << shift;
      shift += 7;
    } while (x & 0x80);
    return shift < 32 && x & 0x40 ? r | (-1 << shift) : r;
  };
  // \`p += u32()\` would add to p as it was before the LEB128 was read.
  const skipSized = (): void => {
    const len = u32();
    p += len;
  };
  const skipLimits = (): void => {
    const flags = b[p++]!;
    u32();
    if (flags & 1) u32();
  };
  let importedFns = 0;
  let exported = -1;
  let code = -1;
  while (p < b.length) {
    const id = b[p++]!;
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        skipSized(); // module
        skipSized(); // field
        const kind = b[p++]!;
        if (kind === 0) {
          u32();
          importedFns++;
        } else if (kind === 1) {
          p++; // element type
          skipLimits();
        } else if (kind === 2) skipLimits();
        else if (kind === 3)
          p += 2; // value type, mutability
        else return null;
      }
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const len = u32();
        const name = new TextDecoder().decode(b.subarray(p, p + len));
        p += len;
        const kind = b[p++]!;
        const index = u32();
        if (kind === 0 && name === 'get_threads_count') exported = index;
      }
    } else if (id === 10) code = p;
    p = end;
  }
  if (exported < importedFns || code < 0) return null;
  p = code;
  const count = u32();
  const target = exported - importedFns;
  if (target >= count) return null;
  for (let f = 0; f < target; f++) skipSized(); // a body
  u32(); // body size
  for (let groups = u32(); groups > 0; groups--) {
    u32();
    p++; // a run of locals of one type
  }
  if (b[p++] !== 0x41) return null; // i32.const
  const base = i32();
  if (b[p++] !== 0x28) return null; // i32.load
  u32(); // alignment
  const address = base + u32();
  return address > 0 && address % 4 === 0 ? address : null;
}

/**
 * Whether nulling the word at `address` makes the module report no pool (and
 * restoring it the pool of `threads`): the word is the pool's global.
 */
export function isThreadpoolGlobal(m: WasmModule, address: number, threads: number): boolean {
  if (address + 4 > m.HEAP32.byteLength) return false;
  const slot = address >> 2;
  const pool = m.HEAP32[slot]!;
  if (pool === 0 || m._get_threads_count() !== threads) return false;
  m.HEAP32[slot] = 0;
  const without = m._get_threads_count();
  m.HEAP32[slot] = pool;
  return without === -1 && m._get_threads_count() === threads;
}

type Fn = (...args: number[]) => unknown;

/**
 * `m` with the XNNPACK entry points the kernels call wrapped: below
 * XNN_SPLIT_MIN_WORK the pool's global at `address` is null during the call.
 * `sizeOf` gives a buffer's element count by its tfjs id.
 */
export function runSmallCallsInline(m: WasmModule, address: number, sizeOf: (id: number) => number): XnnCallCounts {
  const counts: XnnCallCounts = { inline: 0, pooled: 0 };
  const slot = address >> 2;
  const raw = Object.getPrototypeOf(m) as Record<string, Fn>;
  const own = m as unknown as Record<string, Fn>;
  const gate = (name: string, work: (args: number[]) => number): void => {
    const call = (own[name] ?? raw[name])!;
    own[name] = (...args: number[]) => {
      if (work(args) >= XNN_SPLIT_MIN_WORK) {
        counts.pooled++;
        return call(...args);
      }
      counts.inline++;
      const heap = m.HEAP32;
      const pool = heap[slot]!;
      heap[slot] = 0;
      try {
        return call(...args);
      } finally {
        m.HEAP32[slot] = pool; // a fresh view: the call may have grown the heap
      }
    };
  };
  const dims = (ptr: number, rank: number): number[] => Array.from(m.HEAP32.subarray(ptr >> 2, (ptr >> 2) + rank));
  const product = (xs: number[]): number => xs.reduce((a, x) => a * x, 1);
  const outSize = (inSize: number, f: number, stride: number, dilation: number, before: number, after: number): number =>
    Math.max(0, Math.floor((inSize + before + after - ((f - 1) * dilation + 1)) / stride) + 1);

  // (x, dtype, out) and (x, out): the output's elements.
  for (const name of UNARY) gate(name, (a) => sizeOf(a[2]!) * PER_ELEMENT);
  gate('_Sigmoid', (a) => sizeOf(a[1]!) * PER_ELEMENT);
  gate('_PadV2', (a) => sizeOf(a[7]!) * PER_ELEMENT);
  // (a, aShape, aRank, b, bShape, bRank, dtype, out): the broadcast output's elements.
  for (const name of BINARY) {
    gate(name, ([, as, ar, , bs, br]) => {
      const x = dims(as!, ar!);
      const y = dims(bs!, br!);
      const rank = Math.max(x.length, y.length);
      let n = 1;
      for (let i = 1; i <= rank; i++) n *= Math.max(x[x.length - i] ?? 1, y[y.length - i] ?? 1);
      return n * PER_ELEMENT;
    });
  }
  gate('_Softmax', ([, , channels, batch]) => channels! * batch! * PER_ELEMENT);
  // Products: a's elements (batch·M·K) times N.
  const matMulWork = ([, as, ar, , bs, br, , tb]: number[]): number => {
    const y = dims(bs!, br!);
    return product(dims(as!, ar!)) * (tb ? y[y.length - 2]! : y[y.length - 1]!);
  };
  gate('_BatchMatMul', matMulWork);
  gate('__FusedMatMul', matMulWork);
  // (x, batch, inH, inW, filter, fh, fw, [bias,] pt, pr, pb, pl, same, dh, dw, sh, sw, inC, outC, …)
  const convWork = (padAt: number) => (a: number[]) => {
    const [batch, inH, inW, , fh, fw] = a.slice(1, 7) as number[];
    const [pt, pr, pb, pl, , dh, dw, sh, sw, inC, outC] = a.slice(padAt, padAt + 11) as number[];
    return batch! * outSize(inH!, fh!, sh!, dh!, pt!, pb!) * outSize(inW!, fw!, sw!, dw!, pl!, pr!) * fh! * fw! * inC! * outC!;
  };
  gate('_Conv2D', convWork(7));
  gate('_FusedConv2D', convWork(8));
  // (x, batch, inH, inW, fh, fw, pt, pr, pb, pl, [dh, dw,] sh, sw, channels …)
  gate('_MaxPool', ([, batch, inH, inW, fh, fw, pt, pr, pb, pl, dh, dw, sh, sw, inC]) => {
    return batch! * outSize(inH!, fh!, sh!, dh!, pt!, pb!) * outSize(inW!, fw!, sw!, dw!, pl!, pr!) * fh! * fw! * inC! * PER_ELEMENT;
  });
  gate('_AvgPool', ([, batch, inH, inW, fh, fw, pt, pr, pb, pl, sh, sw, channels]) => {
    return batch! * outSize(inH!, fh!, sh!, 1, pt!, pb!) * outSize(inW!, fw!, sw!, 1, pl!, pr!) * fh! * fw! * channels! * PER_ELEMENT;
  });
  return counts;
}

/** Gated XNNPACK calls so far: run without the pool, and with it (for tests and timing scripts). */
export interface XnnCallCounts {
  inline: number;
  pooled: number;
}

const UNARY = [
  '_Abs',
  '_Neg',
  '_Sign',
  '_Exp',
  '_Expm1',
  '_Log',
  '_Log1p',
  '_Sqrt',
  '_Rsqrt',
  '_Square',
  '_Reciprocal',
  '_Relu',
  '_Tanh',
  '_Elu',
  '_Softplus',
  '_Sin',
  '_Cos',
  '_Floor',
  '_Ceil',
  '_Round',
  '_LogicalNot',
  '_IsNan',
  '_IsInf',
  '_IsFinite',
];
const BINARY = [
  '_Add',
  '_Sub',
  '_Multiply',
  '_RealDiv',
  '_Pow',
  '_Maximum',
  '_Minimum',
  '_SquaredDifference',
  '_Equal',
  '_NotEqual',
  '_Less',
  '_LessEqual',
  '_Greater',
  '_GreaterEqual',
  '_LogicalAnd',
  '_LogicalOr',
];
