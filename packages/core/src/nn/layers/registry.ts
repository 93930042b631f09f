// Which class a saved className names. Built-in layers sit in a static table
// (a bundler keeps every class the table names, so a loaded model never meets
// a class tree-shaken away); a user's own layers join through registerLayer.
import { PolytensorError } from '../../errors.js';
import type { Layer, LayerClass, LayerConfig } from './layer.js';

const builtIns = new Map<string, LayerClass>();
// Maps, not objects: a saved class name like 'constructor' or '__proto__' must not reach Object.prototype.
const registered = new Map<string, LayerClass>();

/** @internal Core's own layer classes (layers/index.ts lists them). */
export function registerBuiltInLayers(classes: readonly LayerClass[]): void {
  for (const c of classes) builtIns.set(c.className, c);
}

/**
 * Register your own layer class so models holding it save and load. The class
 * needs a `static readonly className` (the name saved in files: a literal,
 * since bundlers rename classes), a constructor taking its getConfig() (or a
 * static fromConfig), and getConfig() returning JSON values.
 * @example
 * class Scale extends Layer {
 *   static readonly className = 'Scale';
 *   ...
 * }
 * registerLayer(Scale);
 */
export function registerLayer(cls: LayerClass): void {
  if (typeof cls !== 'function') throw new PolytensorError(`registerLayer: pass a layer class, got ${cls === null ? 'null' : typeof cls}`);
  const name = Object.hasOwn(cls, 'className') ? cls.className : undefined;
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.:-]*$/.test(name)) {
    throw new PolytensorError(
      `registerLayer: class ${cls.name} needs its own static className, a name saved in model files ` +
        `(e.g. static readonly className = '${cls.name || 'MyLayer'}'); got ${JSON.stringify(name)}`,
    );
  }
  if (builtIns.has(name)) throw new PolytensorError(`registerLayer: '${name}' is a built-in layer class; give your class another static className`);
  const prior = registered.get(name);
  if (prior && prior !== cls) {
    throw new PolytensorError(`registerLayer: another class is already registered as '${name}'; give one of them another static className`);
  }
  registered.set(name, cls);
}

/** The class saved as `className`, or undefined. */
export function layerClass(className: string): LayerClass | undefined {
  return builtIns.get(className) ?? registered.get(className);
}

/** Class names deserializeLayer knows: the built-ins, then registered ones. */
export const layerClassNames = (): string[] => [...builtIns.keys(), ...registered.keys()];

/**
 * Throw unless `layer` can be saved: its class must be the one its className
 * names (a built-in or registered). Checked before a model is saved, so an
 * unregistered custom layer fails there rather than on loading.
 */
export function assertSerializable(layer: Layer, op: string): void {
  const cls = layerClass(layer.className);
  if (cls !== layer.constructor) {
    const ctor = layer.constructor as Partial<LayerClass>;
    const own = Object.hasOwn(ctor, 'className');
    throw new PolytensorError(
      `${op}: layer '${layer.name}' is a ${layer.constructor.name}, which is not registered` +
        (own
          ? `; call registerLayer(${layer.constructor.name}) before saving`
          : `; give it a static className and call registerLayer(${layer.constructor.name})`),
    );
  }
}

/** Rebuild a layer from { className, config } (model loading). Allocates nothing: weights come with build(). */
export function deserializeLayer(spec: { className: string; config: LayerConfig }): Layer {
  const cls = typeof spec.className === 'string' ? layerClass(spec.className) : undefined;
  if (!cls) {
    throw new PolytensorError(
      `unknown layer class ${JSON.stringify(spec.className)}; known: ${layerClassNames().join(', ')}. ` +
        'If it is your own layer class, call registerLayer(TheClass) before loading',
    );
  }
  return cls.fromConfig ? cls.fromConfig(spec.config) : new cls(spec.config);
}
