// The graph under construction: nodes, initializers and the values flowing
// between them, named uniquely; encoded by onnx-proto (protobufjs) at the end.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

/** A value's element type, as far as the exporter needs to know it. */
export type ElemType = 'float32' | 'int32' | 'int64' | 'bool';

const DATA_TYPE: Readonly<Record<ElemType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** An attribute value: a number is an int unless listed in `floats`; arrays are ints or floats alike. */
export type AttrValue =
  | number
  | string
  | readonly number[]
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] };
export type Attrs = Readonly<Record<string, AttrValue | undefined>>;

/** A float attribute (plain numbers are written as ints). */
export const float = (v: number): { float: number } => ({ float: v });
export const floats = (v: readonly number[]): { floats: readonly number[] } => ({ floats: v });
/** A list-of-strings attribute. */
export const strings = (v: readonly string[]): { strings: readonly string[] } => ({ strings: v });

function attribute(name: string, v: AttrValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  if ('float' in v) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.float });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...v.floats] });
  if ('strings' in v) return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: v.strings.map((x) => new TextEncoder().encode(x)) });
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(v as readonly number[])] });
}

/** Little-endian bytes of `values` as `type` (raw_data is little-endian whatever the host). */
function rawBytes(values: ArrayLike<number>, type: ElemType): Uint8Array {
  const width = type === 'int64' ? 8 : type === 'bool' ? 1 : 4;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === 'float32') view.setFloat32(i * 4, v, true);
    else if (type === 'int32') view.setInt32(i * 4, v, true);
    else if (type === 'int64') view.setBigInt64(i * 8, BigInt(v), true);
    else view.setUint8(i, v ? 1 : 0);
  }
  return out;
}

/** A dimension of a graph input or output: a size, or a symbolic name (the batch). */
export type Dim = number | string;

/** Builds one ONNX graph. Values are referred to by name (strings). */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly types = new Map<string, ElemType>();
  private readonly constants = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** `base`, or `base_2`, `base_3`...: the first name not taken yet. */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Reserve an exact name (a graph input or output); returns whether it was free. */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  setType(name: string, type: ElemType): void {
    this.types.set(name, type);
  }

  /** A value's element type: float32 unless recorded otherwise. */
  typeOf(name: string): ElemType {
    return this.types.get(name) ?? 'float32';
  }

  /** Add a node; returns its outputs' names (fresh names under `prefix`). */
  op(opType: string, inputs: readonly string[], prefix: string, attrs: Attrs = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? `${prefix}/${opType}` : `${prefix}/${opType}:${i}`));
    this.node(opType, inputs, names, prefix, attrs);
    return names;
  }

  /** One-output op(). */
  op1(opType: string, inputs: readonly string[], prefix: string, attrs: Attrs = {}): string {
    return this.op(opType, inputs, prefix, attrs)[0]!;
  }

  /** Add a node writing to the given output names. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], prefix: string, attrs: Attrs = {}): void {
    const attribute_ = Object.entries(attrs)
      .filter((e): e is [string, AttrValue] => e[1] !== undefined)
      .map(([k, v]) => attribute(k, v));
    this.nodes.push(
      onnx.NodeProto.create({ opType, input: [...inputs], output: [...outputs], name: this.fresh(`${prefix}/${opType}#node`), attribute: attribute_ }),
    );
  }

  /** A weight or constant tensor as an initializer; returns its name. */
  initializer(base: string, values: ArrayLike<number>, dims: readonly number[], type: ElemType = 'float32'): string {
    const name = this.fresh(base);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: DATA_TYPE[type], rawData: rawBytes(values, type) }));
    this.types.set(name, type);
    return name;
  }

  /** A small constant, shared between nodes that use the same one. */
  constant(values: readonly number[], type: ElemType = 'float32', dims: readonly number[] = [values.length]): string {
    const key = `${type}:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(`const/${type}`, values, dims, type);
      this.constants.set(key, name);
    }
    return name;
  }

  /** A scalar constant (a 0-d tensor). */
  scalar(v: number, type: ElemType = 'float32'): string {
    return this.constant([v], type, []);
  }

  /** An int64 vector constant (axes, shapes, pads). */
  ints(values: readonly number[]): string {
    return this.constant(values, 'int64');
  }
}

/** The ValueInfoProto of a graph input or output. */
export function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export { onnx };
