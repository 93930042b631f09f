/**
 * --composites: every optional kernel a backend implements itself, timed
 * against core's composite of it run on the same backend's kernels (what
 * `defineBackend` gives a backend without that kernel): same inputs, outputs
 * compared first, interleaved medians. A backend keeps its own implementation
 * of an optional kernel only where the composite is slower on it; this is the
 * measurement. Node backends only (a GPU kernel returns before the GPU is done).
 */
import * as pt from '@polytensor/core';
import type { Backend, KernelContext, OptionalKernel, OptionalSpec, TensorInfo } from '@polytensor/core';
import { mulberry32 } from './rng.js';
import { formatMs, median } from './stats.js';

/** One call of an optional kernel: its arguments, made on the backend (tensors from seeded data). */
interface Case {
  kernel: OptionalKernel;
  label: string;
  args(input: Inputs): unknown[];
}

interface Inputs {
  /** Values uniform in [-1, 1). */
  f32(shape: number[]): TensorInfo;
  /** Class ids in [0, depth). */
  labels(n: number, depth: number): TensorInfo;
}

export interface CompositeResult {
  backend: string;
  kernel: OptionalKernel;
  label: string;
  ownMs: number;
  compositeMs: number;
  /** Calls per timed sample, and samples per side. */
  calls: number;
  rounds: number;
}

const conv = (x: number[], f: number[], stride = 1): pt.Conv2DInfo => pt.computeConv2DInfo('bench', x, f, stride, 'same');
const pool = (x: number[], size: number): pt.Conv2DInfo => pt.computePool2DInfo('bench', x, size, size, 'valid');

/** The seed models' shapes (E1, E3), a strided convolution, and softmax-like rows; `quick` shrinks the batches. */
export function compositeCases(quick: boolean): Case[] {
  const B = quick ? 2 : 50;
  const cases: Case[] = [];
  const layers: Array<[string, number[], number[], number?]> = [
    [`E3 conv1 [${B},28,28,1]→64`, [B, 28, 28, 1], [3, 3, 1, 64]],
    [`E3 conv2 [${B},28,28,64]→64`, [B, 28, 28, 64], [3, 3, 64, 64]],
    [`E3 conv3 [${B},14,14,64]→32`, [B, 14, 14, 64], [3, 3, 64, 32]],
    [`5×5 stride 2 [${quick ? 2 : 8},32,32,16]→32`, [quick ? 2 : 8, 32, 32, 16], [5, 5, 16, 32], 2],
  ];
  for (const [label, xs, fs, stride] of layers) {
    const info = conv(xs, fs, stride);
    cases.push(
      { kernel: 'conv2d', label, args: (t) => [t.f32(xs), t.f32(fs), info] },
      { kernel: 'conv2dBackpropInput', label, args: (t) => [t.f32(info.outShape), t.f32(fs), info] },
      { kernel: 'conv2dBackpropFilter', label, args: (t) => [t.f32(xs), t.f32(info.outShape), info] },
      { kernel: 'fusedConv2d', label: `${label} + bias, relu`, args: (t) => [t.f32(xs), t.f32(fs), t.f32([fs[3]!]), 'relu', info] },
    );
  }
  for (const [label, xs] of [
    [`E3 pool1 [${B},28,28,64]`, [B, 28, 28, 64]],
    [`E3 pool2 [${B},14,14,32]`, [B, 14, 14, 32]],
  ] as const) {
    const info = pool([...xs], 2);
    cases.push(
      { kernel: 'maxPool', label, args: (t) => [t.f32([...xs]), info] },
      { kernel: 'avgPool', label, args: (t) => [t.f32([...xs]), info] },
      { kernel: 'maxPoolGrad', label, args: (t) => [t.f32(info.outShape), t.f32([...xs]), info] },
      { kernel: 'avgPoolGrad', label, args: (t) => [t.f32(info.outShape), info] },
    );
  }
  for (const shape of [
    [B, 10],
    [quick ? 16 : 256, 1000],
  ]) {
    const label = `[${shape.join(',')}]`;
    cases.push(
      { kernel: 'softmax', label, args: (t) => [t.f32(shape)] },
      { kernel: 'logSoftmax', label, args: (t) => [t.f32(shape)] },
      { kernel: 'argReduce', label: `argMax ${label}`, args: (t) => ['argMax', t.f32(shape), 1] },
      { kernel: 'softmaxCrossEntropy', label, args: (t) => [t.f32(shape), t.f32(shape)] },
    );
  }
  cases.push(
    {
      kernel: 'pad',
      label: `[${B},28,28,64] +1 on H, W`,
      args: (t) => [
        t.f32([B, 28, 28, 64]),
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        0,
      ],
    },
    { kernel: 'oneHot', label: `${B} labels, depth 10`, args: (t) => [t.labels(B, 10), 10, 1, 0] },
    {
      kernel: 'fusedMatMul',
      label: `E3 dense [${B},1568]·[1568,256] + bias, relu`,
      args: (t) => [t.f32([B, 1568]), t.f32([1568, 256]), t.f32([256]), 'relu', false, false],
    },
    {
      kernel: 'fusedMatMul',
      label: `E1 [${quick ? 8 : 64},784]·[784,64] + bias, sigmoid`,
      args: (t) => [t.f32([quick ? 8 : 64, 784]), t.f32([784, 64]), t.f32([64]), 'sigmoid', false, false],
    },
  );
  return cases;
}

type Call = (...args: unknown[]) => TensorInfo;

/** Where two outputs disagree beyond float32 noise (1e-4 of the larger magnitude); null when they agree. */
function disagreement(be: Backend, a: TensorInfo, b: TensorInfo): string | null {
  const x = be.readSync(a.dataId);
  const y = be.readSync(b.dataId);
  if (x.length !== y.length) return `${x.length} values against ${y.length}`;
  let scale = 1;
  let worst = 0;
  let at = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(y[i]!));
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  return worst <= 1e-4 * scale ? null : `element ${at}: own ${x[at]}, composite ${y[at]} (scale ${scale})`;
}

/**
 * Time `be`'s own optional kernels against core's composites on `be`'s kernels,
 * for every case whose kernel `be` implements. `quick`: smaller cases, fewer rounds.
 */
export function compareComposites(be: Backend, name: string, quick: boolean, only?: readonly string[]): CompositeResult[] {
  const ctx = { ...be.kernels, write: (v, s, d) => be.write(v, s, d), disposeData: (id) => be.disposeData(id) } as KernelContext;
  const rng = mulberry32(1);
  const made: TensorInfo[] = [];
  const inputs: Inputs = {
    f32(shape) {
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1);
      const t = { dataId: be.write(values, shape, 'float32'), shape, dtype: 'float32' as const };
      made.push(t);
      return t;
    },
    labels(n, depth) {
      const t = {
        dataId: be.write(
          Int32Array.from({ length: n }, () => Math.floor(rng() * depth)),
          [n],
          'int32',
        ),
        shape: [n],
        dtype: 'int32' as const,
      };
      made.push(t);
      return t;
    },
  };
  const out: CompositeResult[] = [];
  const budgetMs = quick ? 5 : 20;
  const rounds = quick ? 3 : 7;
  for (const c of compositeCases(quick)) {
    if (!be.implemented.has(c.kernel) || (only && !only.includes(c.kernel))) continue;
    const args = c.args(inputs);
    try {
      const own = be.kernels[c.kernel] as unknown as Call;
      const spec = pt.KERNELS[c.kernel] as unknown as OptionalSpec<typeof c.kernel>;
      const viaComposite: Call = (...a) => (spec.composite as (k: KernelContext, ...rest: unknown[]) => TensorInfo)(ctx, ...a);
      const [a, b] = [own(...args), viaComposite(...args)];
      const why = disagreement(be, a, b);
      be.disposeData(a.dataId);
      be.disposeData(b.dataId);
      if (why) throw new Error(`bench --composites: ${name}'s ${c.kernel} and core's composite disagree on ${c.label}: ${why}`);
      const sample = (f: Call, calls: number): number => {
        const t0 = performance.now();
        for (let i = 0; i < calls; i++) be.disposeData(f(...args).dataId);
        return (performance.now() - t0) / calls;
      };
      // enough calls per sample for about budgetMs on the slower side
      const probe = Math.max(sample(own, 1), sample(viaComposite, 1));
      const calls = Math.max(1, Math.min(200, Math.round(budgetMs / Math.max(probe, 0.01))));
      const ownMs: number[] = [];
      const compositeMs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        ownMs.push(sample(own, calls));
        compositeMs.push(sample(viaComposite, calls));
      }
      out.push({ backend: name, kernel: c.kernel, label: c.label, ownMs: median(ownMs), compositeMs: median(compositeMs), calls, rounds });
    } finally {
      for (const t of made.splice(0)) be.disposeData(t.dataId);
    }
  }
  return out;
}

/** composites.md: per backend, own against composite, kernel by kernel. */
export function compositesMarkdown(results: readonly CompositeResult[], header: string): string {
  const lines = [
    header,
    '',
    "Each optional kernel a backend implements itself, against core's composite of it on the same backend's kernels " +
      '(same inputs; outputs checked to agree first; medians of interleaved samples). composite / own above 1: the own implementation is faster.',
    '',
  ];
  for (const backend of [...new Set(results.map((r) => r.backend))]) {
    lines.push(`### ${backend}`, '', '| kernel | case | own | composite | composite / own |', '|---|---|---:|---:|---:|');
    for (const r of results.filter((x) => x.backend === backend)) {
      lines.push(`| ${r.kernel} | ${r.label} | ${formatMs(r.ownMs)} | ${formatMs(r.compositeMs)} | ${(r.compositeMs / r.ownMs).toFixed(2)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
