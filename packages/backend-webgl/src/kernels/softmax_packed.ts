import type { TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { isPackedReshapeFree } from '../tfjs.js';
import { loopBound } from './reduce_util.js';

/**
 * Softmax over long rows in three packed programs (tfjs's 2×2 texels: each
 * fetch brings two columns of two rows), where the row statistics path
 * (softmax_util's rowStats) runs five flat ones, one value per fetch:
 *
 * 1. windows: per row and window of W columns, the window's max m_w (NaN if
 *    it holds one) and s_w = Σ (v = m_w ? 1 : exp(v − m_w));
 * 2. rows: m = max m_w and S = Σ s_w · exp(m_w − m) (s_w itself where
 *    m_w = m);
 * 3. output: exp(x − m) / S.
 *
 * S has the serial loop's terms (1 for each tie at a finite max) in another
 * order, each window's share carrying one more rounding (the rescale), well
 * inside the conformance bound (its n·u term alone exceeds the added (W + K)·u).
 * Special values as the serial loop: a NaN makes the row NaN; when m = +Inf
 * the windows' s_w count the +Inf entries (every other term is exp(−Inf) = 0),
 * so S = 1 for one (outputs 0, NaN at the +Inf) and NaN for several; an
 * all −Inf row gives exp(NaN) = NaN whatever S is.
 *
 * logSoftmax and softmaxCrossEntropy keep rowStats: their log1p(T) needs the
 * tail T without the max's 1, which S = 1 + T in float32 would round away.
 */

/** Whether `x` can be read packed as [rows, n] with no layout pass: on the CPU still (tfjs uploads it packed), or packed in a compatible layout. */
export function packedRowsReadable(s: WebGLStore, x: TensorInfo, rows: number, n: number): boolean {
  const g = s.data(x.dataId, 'softmax');
  if (!g.tf) return false;
  const td = s.tf.texData.get(g.tf);
  if (td.texture == null) return td.values != null;
  if (!td.isPacked) return false;
  const view = [rows, n];
  return (td.shape.length === 2 && td.shape[0] === rows && td.shape[1] === n) || isPackedReshapeFree(td.shape, view);
}

const u = (name: string) => ({ name, type: 'int' as const });

export function softmaxPackedRows(s: WebGLStore, logits: TensorInfo, rows: number, n: number): TensorInfo {
  // W even, so windows start on a texel column
  const W = 2 * Math.ceil(Math.sqrt(n) / 2);
  const K = Math.ceil(n / W);
  const view: readonly number[] = [rows, n];
  const windowsBody = `
    void main() {
      ivec2 rc = getOutputCoords();
      int r = rc.x;
      int first = (rc.y / 2) * ptW;
      vec2 m = vec2(-ptInf());
      bool nan0 = false;
      bool nan1 = false;
      for (int j = 0; j < ${loopBound(W / 2)}; j++) {
        int c = first + 2 * j;
        if (2 * j >= ptW || c >= ptN) break;
        vec4 v = getX(r, c);
        bool two = c + 1 < ptN;
        nan0 = nan0 || ptIsNaN(v.x) || (two && ptIsNaN(v.y));
        nan1 = nan1 || ptIsNaN(v.z) || (two && ptIsNaN(v.w));
        if (v.x > m.x) m.x = v.x;
        if (v.z > m.y) m.y = v.z;
        if (two && v.y > m.x) m.x = v.y;
        if (two && v.w > m.y) m.y = v.w;
      }
      vec2 acc = vec2(0.0);
      for (int j = 0; j < ${loopBound(W / 2)}; j++) {
        int c = first + 2 * j;
        if (2 * j >= ptW || c >= ptN) break;
        vec4 v = getX(r, c);
        acc.x += v.x == m.x ? 1.0 : ptExp(v.x - m.x);
        acc.y += v.z == m.y ? 1.0 : ptExp(v.z - m.y);
        if (c + 1 < ptN) {
          acc.x += v.y == m.x ? 1.0 : ptExp(v.y - m.x);
          acc.y += v.w == m.y ? 1.0 : ptExp(v.w - m.y);
        }
      }
      if (nan0) m.x = NAN;
      if (nan1) m.y = NAN;
      ptSetOutput(vec4(m.x, acc.x, m.y, acc.y));
    }`;
  const windows = s.packed('softmax windows', ['X'], [logits], [rows, 2 * K], 'float32', windowsBody, [view], [u('ptN'), u('ptW')], [[n], [W]]);
  const windowsT = s.wrap(windows, [rows, 2 * K], 'float32');
  const L = loopBound(K);
  const rowsBody = `
    void main() {
      int r = getOutputCoords().x;
      vec2 m = vec2(-ptInf());
      bool nan0 = false;
      bool nan1 = false;
      for (int k = 0; k < ${L}; k++) {
        if (k >= ptK) break;
        vec4 w = getW(r, 2 * k);
        nan0 = nan0 || ptIsNaN(w.x);
        nan1 = nan1 || ptIsNaN(w.z);
        if (w.x > m.x) m.x = w.x;
        if (w.z > m.y) m.y = w.z;
      }
      vec2 t = vec2(0.0);
      for (int k = 0; k < ${L}; k++) {
        if (k >= ptK) break;
        vec4 w = getW(r, 2 * k);
        t.x += w.x == m.x ? w.y : w.y * ptExp(w.x - m.x);
        t.y += w.z == m.y ? w.w : w.w * ptExp(w.z - m.y);
      }
      // m = +Inf: t counts the +Inf entries; one keeps S = 1 (the serial loop skips it), more make NaN (Inf − Inf)
      if (m.x == ptInf()) t.x = t.x > 1.5 ? NAN : 1.0;
      if (m.y == ptInf()) t.y = t.y > 1.5 ? NAN : 1.0;
      if (nan0) { m.x = NAN; t.x = NAN; }
      if (nan1) { m.y = NAN; t.y = NAN; }
      ptSetOutput(vec4(m.x, t.x, m.y, t.y));
    }`;
  const stats = s.packed('softmax rows', ['W'], [windowsT], [rows, 2], 'float32', rowsBody, [], [u('ptK')], [[K]]);
  s.disposeTemp(windowsT);
  const statsT = s.wrap(stats, [rows, 2], 'float32');
  const outBody = `
    void main() {
      vec4 x = getXAtOutCoords();
      vec4 st = getST(getOutputCoords().x, 0);
      ptSetOutput(vec4(ptExp(x.x - st.x) / st.y, ptExp(x.y - st.x) / st.y, ptExp(x.z - st.z) / st.w, ptExp(x.w - st.z) / st.w));
    }`;
  const out = s.packed('softmax', ['X', 'ST'], [logits, statsT], view, 'float32', outBody, [view]);
  s.disposeTemp(statsT);
  return s.wrap(out, logits.shape, 'float32');
}
