/**
 * One acquired GPUDevice and everything typegrad keeps for it: the buffer pool, the pipeline
 * cache (keyed by WGSL text), the open command batch (one encoder, one compute pass, a uniform
 * arena) and the errors the device reported asynchronously, surfaced at the next readback.
 *
 * @since 0.1.0
 */
import { DeviceLost, InternalError, KernelCompileError, OutOfMemory } from "../../errors.js"
import { BufferPool, type GpuStorage } from "./memory.js"

/** Largest workgroup count per dispatch dimension (WebGPU's guaranteed limit). */
const MAX_GROUPS = 65535
/** Uniform arena: each dispatch's parameters take a 256-byte-aligned slot. */
const ARENA_BYTES = 1 << 18
/** Submit after this many dispatches even without a readback (bounds latency and memory). */
const MAX_BATCH = 1024

const STORAGE = 0x80 | 0x4 | 0x8 // STORAGE | COPY_SRC | COPY_DST (GPUBufferUsage, without the global)
const UNIFORM_DST = 0x40 | 0x8
const MAP_READ_DST = 0x1 | 0x8

/** Dawn in Node holds no event-loop handle while a GPU promise is pending: hold one, or Node exits mid-read. */
const keepAlive = <A>(p: Promise<A>): Promise<A> => {
  const timer = setInterval(() => {}, 1000)
  return p.finally(() => clearInterval(timer))
}

export interface GpuFeatures {
  readonly f16: boolean
  readonly subgroups: boolean
}

export class GpuContext {
  readonly pool: BufferPool
  readonly features: GpuFeatures
  /** set when the device is lost or released; every later op throws it */
  lost: DeviceLost | null = null
  private released = false
  private readonly pipelines = new Map<string, GPUComputePipeline>()
  private encoder: GPUCommandEncoder | null = null
  private pass: GPUComputePassEncoder | null = null
  private dispatches = 0
  /** kernels dispatched since the device was acquired (tests count a jitted call's kernels with it) */
  dispatched = 0
  private readonly arena: GPUBuffer
  private readonly arenaData = new Uint32Array(ARENA_BYTES / 4)
  private arenaUsed = 0
  private readonly align: number
  private toDestroy: GPUBuffer[] = []
  private pendingChecks: Array<Promise<void>> = []
  private error: Error | null = null

  constructor(
    readonly device: GPUDevice,
    readonly description: string,
    readonly isFallback: boolean,
    /** NOTE: Dawn's GPU object (from `create`) must stay reachable while its device is used: if it is collected the device dies mid-flight (crashes in native code) */
    // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held only to keep Dawn's GPU object reachable
    private instance: unknown,
  ) {
    this.features = { f16: device.features.has("shader-f16"), subgroups: device.features.has("subgroups") }
    this.align = device.limits.minUniformBufferOffsetAlignment
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: UNIFORM_DST, label: "typegrad-uniforms" })
    this.pool = new BufferPool(
      (bytes) => this.createBuffer(bytes, STORAGE),
      () => this.encoder !== null,
      Math.min(device.limits.maxBufferSize, 2 ** 30),
      (b) => (this.encoder === null ? b.destroy() : this.toDestroy.push(b)),
    )
    device.addEventListener("uncapturederror", (e) =>
      this.fail(new InternalError({ message: `webgpu: ${(e as GPUUncapturedErrorEvent).error.message}` })),
    )
    void device.lost.then((info) => {
      this.lost = new DeviceLost({
        reason: this.released ? "released" : info.reason,
        message: this.released
          ? `webgpu: the device ${description} was released (its scope closed); acquire a new one`
          : `webgpu: the device ${description} was lost (${info.reason}): ${info.message}`,
      })
      this.pool.close()
    })
  }

  /** Destroy the device (scope close); later use fails with DeviceLost. */
  destroy(): void {
    this.released = true
    this.instance = null
    this.lost ??= new DeviceLost({
      reason: "released",
      message: `webgpu: the device ${this.description} was released (its scope closed); acquire a new one`,
    })
    this.pool.close()
    this.device.destroy()
  }

  /** Throw the loss, if any (every op starts here). */
  live(): void {
    if (this.lost !== null) throw this.lost
  }

  /** Remember the first error; a typed one (compile, memory) wins over the generic validation noise it causes. */
  private fail(e: Error): void {
    const typed = (x: Error | null) => x instanceof KernelCompileError || x instanceof OutOfMemory
    if (this.error === null || (!typed(this.error) && typed(e))) this.error = e
  }

  /** Create a buffer; a size over the device limits throws OutOfMemory now, a driver failure surfaces at the next read. */
  createBuffer(bytes: number, usage: number): GPUBuffer {
    this.live()
    const max = this.device.limits.maxBufferSize
    if (bytes > max || ((usage & 0x80) !== 0 && bytes > this.device.limits.maxStorageBufferBindingSize))
      throw new OutOfMemory({
        bytes,
        message: `webgpu: cannot allocate ${bytes} bytes on ${this.description} (max buffer ${Math.min(max, this.device.limits.maxStorageBufferBindingSize)} bytes)`,
      })
    this.device.pushErrorScope("out-of-memory")
    this.device.pushErrorScope("validation")
    const b = this.device.createBuffer({ size: bytes, usage })
    const validation = this.device.popErrorScope()
    const oom = this.device.popErrorScope()
    this.pendingChecks.push(
      Promise.all([validation, oom]).then(([v, o]) => {
        const err = o ?? v
        if (err !== null)
          this.fail(new OutOfMemory({ bytes, message: `webgpu: allocating ${bytes} bytes failed: ${err.message.split("\n")[0]}` }))
      }),
    )
    return b
  }

  /** The compute pipeline of a WGSL text (cached); compile errors surface as KernelCompileError at the next read. */
  pipeline(wgsl: string): GPUComputePipeline {
    let p = this.pipelines.get(wgsl)
    if (p !== undefined) return p
    this.device.pushErrorScope("validation")
    const module = this.device.createShaderModule({ code: wgsl })
    p = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } })
    const scope = this.device.popErrorScope()
    this.pendingChecks.push(
      scope.then(async (err) => {
        if (err === null) return
        const info = await module.getCompilationInfo()
        const msgs = info.messages.filter((m) => m.type === "error").map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`)
        this.fail(new KernelCompileError({ shader: wgsl, message: `webgpu: kernel failed to compile: ${msgs.join("; ") || err.message}` }))
      }),
    )
    this.pipelines.set(wgsl, p)
    return p
  }

  /** Compile `wgsl` now and wait for the verdict (tests and ahead-of-time checks). */
  async compile(wgsl: string): Promise<void> {
    this.pipeline(wgsl)
    await this.settle()
  }

  private beginPass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder()
    return (this.pass ??= this.encoder.beginComputePass())
  }

  /**
   * Enqueue one dispatch of `wgsl` over `groups` workgroups (folded into 2D past 65535).
   * Binding 0 is the uniform block `params` (if any); bindings 1.. are `buffers`, in order.
   */
  dispatch(wgsl: string, buffers: ReadonlyArray<GPUBuffer | GpuStorage>, params: Uint32Array | null, groups: number): void {
    this.live()
    if (groups === 0) return
    const pipeline = this.pipeline(wgsl)
    const entries: GPUBindGroupEntry[] = buffers.map((b, i) => ({ binding: i + 1, resource: { buffer: "buffer" in b ? b.buffer : b } }))
    if (params !== null) {
      const size = Math.max(16, Math.ceil(params.length / 4) * 16)
      if (this.arenaUsed + size > ARENA_BYTES) this.flush()
      this.arenaData.set(params, this.arenaUsed / 4)
      entries.push({ binding: 0, resource: { buffer: this.arena, offset: this.arenaUsed, size } })
      this.arenaUsed += Math.ceil(size / this.align) * this.align
    }
    const pass = this.beginPass()
    pass.setPipeline(pipeline)
    pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }))
    const x = Math.min(groups, MAX_GROUPS)
    pass.dispatchWorkgroups(x, Math.ceil(groups / x))
    this.dispatched++
    if (++this.dispatches >= MAX_BATCH) this.flush()
  }

  /** Enqueue a buffer-to-buffer copy. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, dstOffset = 0): void {
    this.live()
    this.pass?.end()
    this.pass = null
    this.encoder ??= this.device.createCommandEncoder()
    this.encoder.copyBufferToBuffer(src, 0, dst, dstOffset, bytes)
  }

  /** Submit the open batch (one queue submission). */
  flush(): void {
    if (this.encoder === null || this.lost !== null) return
    this.pass?.end()
    this.pass = null
    if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.arenaUsed / 4)
    this.device.queue.submit([this.encoder.finish()])
    this.encoder = null
    this.arenaUsed = 0
    this.dispatches = 0
    this.pool.batchSubmitted()
    for (const b of this.toDestroy) b.destroy()
    this.toDestroy = []
  }

  /** Wait for the asynchronous error checks; reject with the first error the device reported. */
  async settle(): Promise<void> {
    while (this.pendingChecks.length > 0) {
      const checks = this.pendingChecks
      this.pendingChecks = []
      await Promise.all(checks)
    }
    if (this.lost !== null) throw this.lost
    if (this.error !== null) {
      const e = this.error
      this.error = null
      throw e
    }
  }

  /** Read `bytes` bytes of `src` back to the host: flushes pending work, then maps a staging buffer. */
  read(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    return keepAlive(this.readNow(src, bytes))
  }

  private async readNow(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.live()
    const staging = this.createBuffer(bytes, MAP_READ_DST)
    this.copy(src, staging, bytes)
    this.flush()
    try {
      await this.settle()
      await staging.mapAsync(0x1)
      const out = staging.getMappedRange().slice(0)
      staging.unmap()
      return out
    } catch (e) {
      if (this.lost !== null) throw this.lost
      throw e
    } finally {
      staging.destroy()
    }
  }

  /** Resolves when all submitted work is done (benchmarks). */
  sync(): Promise<void> {
    this.flush()
    return keepAlive(this.device.queue.onSubmittedWorkDone().then(() => this.settle()))
  }
}
