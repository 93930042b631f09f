// Which ONNX opsets the exporter writes, and the IR version each goes with.
import { PolytensorError } from '@polytensor/core';

/** The opset written when none is asked for. */
export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

/**
 * The IR version of the ONNX release that introduced each opset (ONNX's
 * versioning table): a runtime reading the file checks the two agree.
 */
const IR_VERSION: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** The opset asked for, checked: an integer from 13 to 21. */
export function checkOpset(opset: unknown): number {
  if (opset === undefined) return DEFAULT_OPSET;
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new PolytensorError(
      `exportOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${typeof opset === 'string' ? `'${opset}'` : String(opset)}; ` +
        `leave it out for the default ${DEFAULT_OPSET}`,
    );
  }
  return opset;
}

export const irVersionOf = (opset: number): number => IR_VERSION[opset]!;
