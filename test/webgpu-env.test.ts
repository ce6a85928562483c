// Checks that the WebGPU environment works under the vitest pool chosen in
// vitest.config.ts. With TYPEGRAD_REQUIRE_WEBGPU=1 (CI) a missing adapter fails
// the suite; otherwise the GPU tests are skipped when no adapter is found.
import { afterAll, describe, expect, it } from "vitest"
import { create, globals } from "webgpu"

const required = process.env.TYPEGRAD_REQUIRE_WEBGPU === "1"

Object.assign(globalThis, globals)

async function probe(): Promise<{ adapter: GPUAdapter | null; error: string | null }> {
  try {
    return { adapter: await create([]).requestAdapter(), error: null }
  } catch (e) {
    return { adapter: null, error: String(e) }
  }
}

const { adapter, error: probeError } = await probe()
const adapterFound = adapter !== null

describe("WebGPU environment", () => {
  it.skipIf(!required)("finds an adapter when TYPEGRAD_REQUIRE_WEBGPU=1", () => {
    expect(probeError, "create()/requestAdapter() threw").toBeNull()
    expect(adapterFound, "no WebGPU adapter: install mesa-vulkan-drivers from bookworm-backports").toBe(true)
  })

  describe.skipIf(!adapterFound)("with an adapter", () => {
    let device: GPUDevice | undefined
    afterAll(() => device?.destroy())

    it("runs an f32 add shader and matches the CPU result", async () => {
      device = await adapter!.requestDevice()
      const n = 1000
      const a = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 17.25)
      const b = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i)))
      const expected = a.map((x, i) => x + b[i]!) // Float32Array.map rounds to f32, like the GPU

      const module = device.createShaderModule({
        code: /* wgsl */ `
          @group(0) @binding(0) var<storage, read> a: array<f32>;
          @group(0) @binding(1) var<storage, read> b: array<f32>;
          @group(0) @binding(2) var<storage, read_write> c: array<f32>;
          @compute @workgroup_size(64)
          fn main(@builtin(global_invocation_id) id: vec3<u32>) {
            let i = id.x;
            if (i < arrayLength(&c)) { c[i] = a[i] + b[i]; }
          }`,
      })
      const info = await module.getCompilationInfo()
      expect(info.messages.filter((m) => m.type === "error")).toEqual([])

      const upload = (data: Float32Array): GPUBuffer => {
        const buf = device!.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST })
        device!.queue.writeBuffer(buf, 0, data as Float32Array<ArrayBuffer>)
        return buf
      }
      const bufA = upload(a)
      const bufB = upload(b)
      const bufC = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC })
      const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })

      device.pushErrorScope("validation")
      const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } })
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [bufA, bufB, bufC].map((buffer, binding) => ({ binding, resource: { buffer } })),
      })
      const enc = device.createCommandEncoder()
      const pass = enc.beginComputePass()
      pass.setPipeline(pipeline)
      pass.setBindGroup(0, bind)
      pass.dispatchWorkgroups(Math.ceil(n / 64))
      pass.end()
      enc.copyBufferToBuffer(bufC, 0, read, 0, n * 4)
      device.queue.submit([enc.finish()])
      expect(await device.popErrorScope()).toBeNull()

      await read.mapAsync(GPUMapMode.READ)
      const got = new Float32Array(read.getMappedRange().slice(0))
      read.unmap()
      for (const buf of [bufA, bufB, bufC, read]) buf.destroy()

      expect(Array.from(got)).toEqual(Array.from(expected))
    })

    it("resolves device.lost with reason 'destroyed' on destroy()", async () => {
      // A GPUAdapter is "consumed" by its first requestDevice(): ask for a fresh one.
      const fresh = await create([]).requestAdapter()
      expect(fresh).not.toBeNull()
      const d = await fresh!.requestDevice()
      d.destroy()
      const lost = await d.lost
      expect(lost.reason).toBe("destroyed")
    })
  })
})
