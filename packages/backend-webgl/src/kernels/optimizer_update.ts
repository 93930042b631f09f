import { sizeOfShape, type OptimizerCapability, type OptimizerUpdate, type TensorInfo } from '@polytensor/core';
import type { Uniform } from '../programs.js';
import type { WebGLStore } from '../store.js';

/**
 * The fused optimizer update on WebGL: one flat program per output (the new
 * value, then each new slot). tfjs's programs have a single render target, so
 * Adam runs three programs instead of the composite's twelve-odd elementwise
 * passes; each recomputes the few operations its output depends on.
 *
 * Bit-identical to core's composite (kernels.ts, `OptimizerUpdate`): the
 * composite rounds every operation to float32 in a texture between programs;
 * here every product that feeds a sum, and every value the formula names,
 * goes through `ptK` (an identity the shader compiler cannot see through), so
 * it can neither fuse a multiply-add nor re-associate across the formula.
 * Division and square root are the math library's correctly rounded ptDiv and
 * ptSqrt, the ones the composite's div and sqrt kernels run.
 */

/** A generated update: GLSL statements defining o0…ok, its slot count and its uniforms. */
interface UpdateCode {
  readonly statements: string;
  readonly outputs: number;
  readonly uniforms: readonly Uniform[];
  readonly values: readonly number[];
}

const f = (name: string): Uniform => ({ name, type: 'float' });

/** GLSL for one update rule; reads v (value), g (grad), s0… (slots), writes o0 (value') and o1… (slots'). */
function updateCode(u: OptimizerUpdate): UpdateCode {
  switch (u.kind) {
    case 'sgd':
      return { statements: 'float o0 = v - ptK(g * ptLr);', outputs: 1, uniforms: [f('ptLr')], values: [u.lr] };
    case 'momentum': {
      const step = u.nesterov ? 'ptK(g + ptK(o1 * ptMom))' : 'o1';
      return {
        statements: `
      float o1 = ptK(ptK(s0 * ptMom) + g);
      float o0 = v - ptK(${step} * ptLr);`,
        outputs: 2,
        uniforms: [f('ptLr'), f('ptMom')],
        values: [u.lr, u.momentum],
      };
    }
    case 'adam':
      return {
        statements: `
      float o1 = ptK(ptK(s0 * ptB1) + ptK(g * ptC1));
      float o2 = ptK(ptK(s1 * ptB2) + ptK(ptK(g * g) * ptC2));
      float den = ptK(ptK(ptSqrt(o2)) + ptEps);
      float o0 = v - ptK(ptK(ptDiv(o1, den)) * ptAlpha);`,
        outputs: 3,
        uniforms: [f('ptAlpha'), f('ptB1'), f('ptC1'), f('ptB2'), f('ptC2'), f('ptEps')],
        values: [u.alpha, u.beta1, u.oneMinusBeta1, u.beta2, u.oneMinusBeta2, u.epsilon],
      };
    case 'rmsprop': {
      // slots: [rms, mg if centered, mom if momentum > 0]; outputs follow the same order
      const momSlot = u.centered ? 's2' : 's1';
      const momOut = u.centered ? 'o3' : 'o2';
      const lines = ['float o1 = ptK(ptK(s0 * ptRho) + ptK(ptK(g * g) * ptC));'];
      if (u.centered) {
        lines.push('float o2 = ptK(ptK(s1 * ptRho) + ptK(g * ptC));', 'float d = ptK(o1 - ptK(o2 * o2));');
      } else {
        lines.push('float d = o1;');
      }
      lines.push('float inc = ptK(ptK(ptDiv(g, ptK(ptSqrt(ptK(d + ptEps))))) * ptLr);');
      if (u.momentum > 0) lines.push(`float ${momOut} = ptK(ptK(${momSlot} * ptMomentum) + inc);`, `float o0 = v - ${momOut};`);
      else lines.push('float o0 = v - inc;');
      return {
        statements: lines.join('\n      '),
        outputs: 2 + (u.centered ? 1 : 0) + (u.momentum > 0 ? 1 : 0),
        uniforms: [f('ptLr'), f('ptRho'), f('ptC'), f('ptMomentum'), f('ptEps')],
        values: [u.lr, u.rho, u.oneMinusRho, u.momentum, u.epsilon],
      };
    }
    case 'adagrad':
      return {
        statements: `
      float o1 = ptK(s0 + ptK(g * g));
      float o0 = v - ptK(ptK(ptDiv(g, ptK(ptSqrt(ptK(o1 + ptEps))))) * ptLr);`,
        outputs: 2,
        uniforms: [f('ptLr'), f('ptEps')],
        values: [u.lr, u.epsilon],
      };
  }
}

/**
 * One optimizer step for one variable: [value', ...slots'], one program per
 * output. Packed (four values per fragment) when the gradient is packed, as a
 * matMul's is: the new value and slots then stay packed, so the next step's
 * matMuls read the weights without a pack pass, and no gradient is unpacked.
 * A value or slot still flat (the first step's zero slots) is packed by tfjs
 * for that call only, since the outputs replace them.
 */
export function optimizerUpdate(s: WebGLStore, u: OptimizerUpdate, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[] {
  const code = updateCode(u);
  const shape = value.shape;
  const size = sizeOfShape(shape);
  if (size === 0) return Array.from({ length: code.outputs }, () => s.fromValues(new Float32Array(0), shape, 'float32'));
  const names = ['v', 'g', ...slots.map((_, k) => `s${k}`)];
  const inputs = [value, grad, ...slots];
  const values = code.values.map((v) => [v]);
  const outs: TensorInfo[] = [];
  if (s.packable([grad], shape)) {
    const upper = names.map((n) => n.toUpperCase());
    const params = names.map((n) => `float ${n}`).join(', ');
    const lanes = ['x', 'y', 'z', 'w'];
    for (let k = 0; k < code.outputs; k++) {
      const args = (lane: string): string => upper.map((n) => `${n}4.${lane}`).join(', ');
      const body = `
    float ptUpdate(${params}) {
      ${code.statements}
      return o${k};
    }
    void main() {
      ${upper.map((n) => `vec4 ${n}4 = get${n}AtOutCoords();`).join('\n      ')}
      ptSetOutput(vec4(${lanes.map((l) => `ptUpdate(${args(l)})`).join(', ')}));
    }`;
      const out = s.packed(`optimizerUpdate ${u.kind} o${k}`, upper, inputs, shape, 'float32', body, [], code.uniforms, values);
      outs.push(s.wrap(out, shape, 'float32'));
    }
    return outs;
  }
  const reads = names.map((n) => `float ${n} = get${n[0]!.toUpperCase()}${n.slice(1)}(i);`).join('\n      ');
  for (let k = 0; k < code.outputs; k++) {
    // the compiler drops what output k does not depend on
    const body = `
    void main() {
      int i = getOutputCoords();
      ${reads}
      ${code.statements}
      setOutput(o${k});
    }`;
    const out = s.flat(`optimizerUpdate ${u.kind} o${k}`, names, inputs, size, 'float32', body, code.uniforms, values);
    outs.push(s.wrap(out, shape, 'float32'));
  }
  return outs;
}

/** The optimizer capability: checks the backend is usable, then runs. */
export const optimizerUpdateKernel = (s: WebGLStore): OptimizerCapability => ({
  optimizerUpdate: (update, value, grad, slots) => optimizerUpdate(s.enter('optimizerUpdate'), update, value, grad, slots),
});
