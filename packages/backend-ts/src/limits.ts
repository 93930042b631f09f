/**
 * How much the ts backend lets core store. Its buffers are plain typed arrays,
 * so the hard limits are the JS engine's (V8 in Node 20: 2^32 elements per
 * typed array) and the machine's memory. Without a limit a single
 * `zeros([2 ** 31])` (8 GiB, plus its host copy) would take the machine down
 * before failing, so the defaults are deliberately conservative and
 * configurable (createTsBackend({ limits }), setLimits).
 */

/** The ts backend's limits: every field a number of bytes (Infinity: no limit). */
export interface TsBackendLimits {
  /** Largest tensor. Default 2 GiB. */
  readonly maxTensorBytes: number;
  /** All of this backend's tensors together. Default: half the machine's memory where it is known, else no limit. */
  readonly maxTotalBytes: number;
  readonly source: string;
}

const GiB = 2 ** 30;

interface HostGlobals {
  process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };
  navigator?: { deviceMemory?: number };
}

/** The machine's memory in bytes where this environment says (Node: os.totalmem(); Chromium: navigator.deviceMemory, rounded down and capped at 8 GiB). */
function machineMemory(): number | null {
  const host = globalThis as unknown as HostGlobals;
  if (typeof host.process?.versions?.node === 'string') {
    const os = host.process.getBuiltinModule?.('node:os') as { totalmem?: () => number } | undefined;
    const total = os?.totalmem?.();
    if (typeof total === 'number' && total > 0) return total;
  }
  const dm = host.navigator?.deviceMemory;
  return typeof dm === 'number' && dm > 0 ? dm * GiB : null;
}

export function defaultTsLimits(): TsBackendLimits {
  const machine = machineMemory();
  return {
    maxTensorBytes: 2 * GiB,
    maxTotalBytes: machine === null ? Infinity : Math.floor(machine / 2),
    source:
      `the ts backend's defaults: 2 GiB per tensor, ${machine === null ? 'no total limit' : "half of the machine's memory in all"}; ` +
      'raise them with createTsBackend({ limits: { maxTensorBytes, maxTotalBytes } }) or setLimits() on the instance',
  };
}

/** Check user-given limits (positive numbers of bytes, Infinity allowed). */
export function validateTsLimits(where: string, limits: Partial<TsBackendLimits>): Partial<TsBackendLimits> {
  if (typeof limits !== 'object' || limits === null) throw new Error(`ts backend: ${where}: expected an object such as { maxTotalBytes: 8 * 2 ** 30 }`);
  const out: { -readonly [K in keyof TsBackendLimits]?: TsBackendLimits[K] } = {};
  for (const [key, value] of Object.entries(limits)) {
    if (value === undefined) continue;
    if (key === 'source') {
      out.source = String(value);
      continue;
    }
    if (key !== 'maxTensorBytes' && key !== 'maxTotalBytes') {
      throw new Error(`ts backend: ${where}: unknown limit '${key}'; use maxTensorBytes or maxTotalBytes`);
    }
    if (typeof value !== 'number' || !(value > 0))
      throw new Error(`ts backend: ${where}: ${key} must be a positive number of bytes (or Infinity), got ${String(value)}`);
    out[key] = value;
  }
  if ((out.maxTensorBytes !== undefined || out.maxTotalBytes !== undefined) && out.source === undefined) {
    out.source = 'limits set on the ts backend (createTsBackend({ limits }) or setLimits())';
  }
  return out;
}
