/// <reference types="@webgpu/types" preserve="true" />
import type { FlatProgram } from './program.js';
import { type TfTensorInfo, type TfWebGPU, tfRecorder } from './tfjs.js';

/** How much a ProgramRunner caches (tests lower them to reach the eviction paths). */
export interface RunnerCaps {
  /** Distinct uniform contents kept as immutable GPU buffers (a training step uses a few dozen). */
  readonly uniforms: number;
  /** Bind groups kept; the cache is dropped whole when full (the buffer pool hands back a small set, so it refills quickly). */
  readonly bindGroups: number;
  /** Dispatches recorded before a submit. */
  readonly submitDispatches: number;
  /** Bytes of outputs written since the last submit from which the runner submits anyway (freed buffers return to the pool only at a submit). */
  readonly submitBytes: number;
}

/**
 * tfjs submits every 15 dispatches; on SwiftShader each submit is GPU-process
 * work of its own, and a loop of tiny ops ran measurably faster with 64. Large
 * outputs submit sooner, so a batch does not hold much more freed memory back
 * from the pool than tfjs's does.
 */
export const DEFAULT_CAPS: RunnerCaps = { uniforms: 512, bindGroups: 4096, submitDispatches: 64, submitBytes: 16 << 20 };

interface Compiled {
  readonly id: number;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/**
 * Dispatches this package's FlatPrograms on tfjs's command encoder, without
 * what tfjs's `runWebGPUProgram` pays on every call: its shader key rebuilt
 * from shapes and dtypes, a uniform buffer taken from the pool and written,
 * and a new bind group. Per dispatch here: a cached pipeline (by FlatProgram
 * key, dtypes and workgroup size), a cached immutable uniform buffer (by its
 * contents: for flat programs these are only sizes), and a cached bind group
 * (by pipeline and buffers: the pool hands the same buffers back, so a loop
 * that disposes its results reuses a handful of them).
 *
 * Everything else stays tfjs's, so the two interleave safely: the same
 * command encoder and compute pass, tfjs's `submitQueue` (every
 * `submitDispatches` dispatches here, see DEFAULT_CAPS), and the same
 * `commandQueueOwnedIds`, which defer freeing a buffer that a recorded but
 * unsubmitted dispatch still reads or writes until the submit. A program's
 * first run (compilation), programs with per-call uniforms, dispatches over
 * the device's per-dimension workgroup limit (tfjs reshapes those) and
 * profiling runs (tfjs's timers) go through tfjs's runner unchanged.
 * @internal
 */
export class ProgramRunner {
  private readonly compiled = new Map<string, Compiled>();
  private readonly uniforms = new Map<string, GPUBuffer>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private readonly maxWorkgroups: number;
  /** Output bytes recorded since the last submit (any submit: tfjs's too). */
  private pendingBytes = 0;
  /** The pass, dispatch count and pipeline after this runner's last dispatch: setPipeline is skipped when nothing else recorded since. */
  private lastPass: GPUComputePassEncoder | null = null;
  private lastCount = -1;
  private lastPipeline: GPUComputePipeline | null = null;

  constructor(
    private readonly tf: TfWebGPU,
    private readonly caps: RunnerCaps = DEFAULT_CAPS,
  ) {
    this.maxWorkgroups = tf.device.limits.maxComputeWorkgroupsPerDimension;
  }

  /** Run `program` on `inputs` (flat tfjs tensors) into a new output of `dtype`, or into `output`. */
  run(program: FlatProgram, inputs: readonly TfTensorInfo[], dtype: TfTensorInfo['dtype'], output?: TfTensorInfo): TfTensorInfo {
    const tf = this.tf;
    const rec = tfRecorder(tf);
    if (program.uniformData || program.dispatch[0] > this.maxWorkgroups || rec.activeTimers != null) {
      return tf.runWebGPUProgram(program as never, inputs as TfTensorInfo[], dtype, program.uniformData, output);
    }
    let key = `${program.key}|${program.workgroupSize[0]}|${dtype}|${program.variableNames.join(',')}`;
    for (const t of inputs) {
      // the uniform layout below is that of flat (rank-1) tensors only
      if (t.shape.length !== 1) return tf.runWebGPUProgram(program as never, inputs as TfTensorInfo[], dtype, undefined, output);
      key += `|${tf.tensorMap.get(t.dataId)!.dtype}`;
    }
    const compiled = this.compiled.get(key);
    if (!compiled) return this.compile(key, program, inputs, dtype, output);

    const out = output ?? tf.makeTensorInfo(program.outputShape, dtype);
    rec.uploadToGPU(out.dataId);
    for (const t of inputs) rec.uploadToGPU(t.dataId);
    const uniform = this.uniform(program, inputs, out);
    const outBuffer = tf.tensorMap.get(out.dataId)!.resource as GPUBuffer;
    let groupKey = `${compiled.id}:${this.idOf(uniform)}:${this.idOf(outBuffer)}`;
    const buffers: GPUBuffer[] = [outBuffer];
    for (const t of inputs) {
      const b = tf.tensorMap.get(t.dataId)!.resource as GPUBuffer;
      buffers.push(b);
      groupKey += `:${this.idOf(b)}`;
    }
    let group = this.bindGroups.get(groupKey);
    if (!group) {
      if (this.bindGroups.size >= this.caps.bindGroups) this.bindGroups.clear();
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
      entries.push({ binding: buffers.length, resource: { buffer: uniform } });
      group = tf.device.createBindGroup({ layout: compiled.layout, entries });
      this.bindGroups.set(groupKey, group);
    }

    // what tfjs's recordAndSubmit does after its bindings: the ids stay owned by the queue until the submit
    for (const t of inputs) rec.commandQueueOwnedIds.add(t.dataId);
    rec.commandQueueOwnedIds.add(out.dataId);
    if (!rec.commandEncoder) this.pendingBytes = 0; // submitted since (by tfjs: a read, an upload, its own batch)
    tf.ensureCommandEncoderReady();
    rec.computePassEncoder ??= rec.commandEncoder!.beginComputePass({});
    const pass = rec.computePassEncoder;
    if (pass !== this.lastPass || rec.dispatchCountInPass !== this.lastCount || compiled.pipeline !== this.lastPipeline) {
      pass.setPipeline(compiled.pipeline);
    }
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(program.dispatch[0], program.dispatch[1], program.dispatch[2]);
    this.pendingBytes += outBuffer.size;
    if (++rec.dispatchCountInPass >= this.caps.submitDispatches || this.pendingBytes >= this.caps.submitBytes) {
      tf.endComputePassEncoder();
      tf.submitQueue();
      this.pendingBytes = 0;
    }
    this.lastPass = pass;
    this.lastCount = rec.dispatchCountInPass;
    this.lastPipeline = compiled.pipeline;
    return out;
  }

  /** Cached entries, for memory reports. */
  stats(): { pipelines: number; uniformBuffers: number; bindGroups: number } {
    return { pipelines: this.compiled.size, uniformBuffers: this.uniforms.size, bindGroups: this.bindGroups.size };
  }

  /** First run of a program: tfjs compiles (its pipeline cache) and records it; its pipeline is kept for the next runs. */
  private compile(key: string, program: FlatProgram, inputs: readonly TfTensorInfo[], dtype: TfTensorInfo['dtype'], output?: TfTensorInfo): TfTensorInfo {
    const out = this.tf.runWebGPUProgram(program as never, inputs as TfTensorInfo[], dtype, undefined, output);
    const pipeline = (program as unknown as { pipeline?: GPUComputePipeline | Promise<unknown> }).pipeline;
    // a pipeline still compiling (tfjs's WEBGPU_ENGINE_COMPILE_ONLY) is a promise: not cached, tfjs keeps running it
    if (pipeline && typeof (pipeline as GPUComputePipeline).getBindGroupLayout === 'function') {
      const p = pipeline as GPUComputePipeline;
      this.compiled.set(key, { id: this.compiled.size, pipeline: p, layout: p.getBindGroupLayout(0) });
    }
    return out;
  }

  /**
   * The uniform buffer of a dispatch, as tfjs lays out a flat program's
   * struct (makeShader): NAN, INFINITY, then each input's and the output's
   * shape and strides (rank 1: the size, and tfjs's placeholder 1), then the
   * thread count. All scalars, so no padding. Written once per distinct
   * content; a buffer bound by a dispatch is never written again.
   */
  private uniform(program: FlatProgram, inputs: readonly TfTensorInfo[], out: TfTensorInfo): GPUBuffer {
    let key = '';
    for (const t of inputs) key += `${t.shape[0]},`;
    const size = program.outputShape[0]! / (program.outputComponent ?? 1);
    key += `${out.shape[0]}:${size}`;
    let buffer = this.uniforms.get(key);
    if (buffer) return buffer;
    if (this.uniforms.size >= this.caps.uniforms) this.dropUniforms();
    const words = 2 + 2 * (inputs.length + 1) + 1;
    const data = new ArrayBuffer(words * 4);
    const f = new Float32Array(data);
    const i = new Int32Array(data);
    f[0] = Number.NaN;
    f[1] = Number.POSITIVE_INFINITY;
    let w = 2;
    for (const t of [...inputs, out]) {
      i[w++] = t.shape[0]!;
      i[w++] = 1;
    }
    i[w] = size;
    buffer = this.tf.bufferManager.acquireBuffer(data.byteLength, GPUBufferUsage.COPY_DST | GPUBufferUsage.UNIFORM);
    this.tf.queue.writeBuffer(buffer, 0, data);
    this.uniforms.set(key, buffer);
    return buffer;
  }

  /**
   * Hand every cached uniform buffer back to tfjs's pool after the next
   * submit (a recorded dispatch may still bind one), with the bind groups
   * that bind them.
   */
  private dropUniforms(): void {
    const pending = tfRecorder(this.tf).uniformPendingDisposal;
    for (const b of this.uniforms.values()) pending.push(b);
    this.uniforms.clear();
    this.bindGroups.clear();
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }
}
