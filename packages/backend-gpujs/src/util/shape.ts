// The collapsed "index space" a kernel runs over (sizes and strides are
// core's shape utils). Kernels run on 1-D/2-D/3-D gpu.js outputs whose thread ids are the
// innermost indices directly (no flat index to take apart); only a 4-D to 6-D
// output splits its z id, with an exact float division.

/**
 * Collapse an output shape read by several inputs through per-dim strides:
 * size-1 dims are dropped and neighbours merged wherever every input walks them
 * as one (stride[i] = stride[i+1]·dim[i+1]). Returns the collapsed dims and each
 * input's strides over them.
 */
export function collapse(outShape: readonly number[], strides: ReadonlyArray<readonly number[]>): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < outShape.length; i++) {
    const d = outShape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      strides.forEach((s, k) => (st[k]![last] = s[i]!));
      continue;
    }
    dims.push(d);
    strides.forEach((s, k) => st[k]!.push(s[i]!));
  }
  return { dims, strides: st };
}

/** gpu.js output dims [x, y?, z?] for collapsed dims (outermost first). */
export function kernelDims(dims: readonly number[], maxTex: number): number[] {
  const k = dims.length;
  if (k === 0) return [1];
  if (k === 1) return [dims[0]!];
  if (k === 2) {
    // A 2-D output maps to a texture of exactly [x, y]; beyond the texture limit, put the rows on z.
    return dims[0]! > maxTex || dims[1]! > maxTex ? [dims[1]!, 1, dims[0]!] : [dims[1]!, dims[0]!];
  }
  let z = 1;
  for (let i = 0; i < k - 2; i++) z *= dims[i]!;
  return [dims[k - 1]!, dims[k - 2]!, z];
}

/**
 * JavaScript (for gpu.js) that defines float indices i0..i{k-1} of the current
 * output element over collapsed dims passed as uniforms d0..d{k-1}.
 */
export function indexPrologue(k: number): string {
  const t = 'this.thread';
  switch (k) {
    case 0:
      return '';
    case 1:
      return `const i0 = ${t}.x * 1.0;`;
    case 2:
      return `const i1 = ${t}.x * 1.0;\nconst i0 = (${t}.y + ${t}.z) * 1.0;`;
    case 3:
      return `const i2 = ${t}.x * 1.0;\nconst i1 = ${t}.y * 1.0;\nconst i0 = ${t}.z * 1.0;`;
    default: {
      const lines = [`const i${k - 1} = ${t}.x * 1.0;`, `const i${k - 2} = ${t}.y * 1.0;`, `const z${k - 3} = ${t}.z * 1.0;`];
      // z_j holds the flat index over dims 0..j; peel dim j off it
      for (let j = k - 3; j >= 1; j--) {
        lines.push(`const z${j - 1} = qdiv(z${j}, d${j});`);
        lines.push(`const i${j} = z${j} - z${j - 1} * d${j};`);
      }
      lines.push('const i0 = z0;');
      return lines.join('\n');
    }
  }
}

/** The dim uniforms indexPrologue(k) reads. */
export function prologueDimParams(k: number): string[] {
  const out: string[] = [];
  for (let j = 1; j <= k - 3; j++) out.push(`d${j}`);
  return out;
}

/** JavaScript expression Σ i_j · <prefix>j over k dims. */
export function offsetExpr(prefix: string, k: number): string {
  if (k === 0) return '0.0';
  return Array.from({ length: k }, (_, j) => `i${j} * ${prefix}${j}`).join(' + ');
}

/**
 * The index space of a kernel over logical output dims (outermost first), each
 * named: size-1 dims become the constant 0, the rest run on gpu.js thread ids
 * (see kernelDims / indexPrologue). `key` identifies the generated code.
 */
export interface IndexSpace {
  /** gpu.js output dims. */
  readonly dims: number[];
  /** JavaScript defining each name as a float index. */
  readonly prologue: string;
  /** Uniform parameters the prologue reads, with their values. */
  readonly params: ReadonlyArray<readonly [string, number]>;
  /** Which dims are live (for cache keys). */
  readonly key: string;
}

export function indexSpace(logical: readonly number[], names: readonly string[], maxTex: number): IndexSpace {
  const live: number[] = [];
  for (let j = 0; j < logical.length; j++) if (logical[j] !== 1) live.push(j);
  const liveDims = live.map((j) => logical[j]!);
  const k = live.length;
  const lines = [indexPrologue(k)];
  for (let j = 0; j < logical.length; j++) {
    const at = live.indexOf(j);
    lines.push(`const ${names[j]} = ${at < 0 ? '0.0' : `i${at}`};`);
  }
  const params = prologueDimParams(k).map((name) => [name, liveDims[Number(name.slice(1))]!] as const);
  return { dims: kernelDims(liveDims, maxTex), prologue: lines.filter(Boolean).join('\n'), params, key: logical.map((d) => (d === 1 ? '1' : 'n')).join('') };
}
