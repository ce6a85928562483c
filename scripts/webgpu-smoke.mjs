// WebGPU smoke test for Node (Dawn via the `webgpu` package).
//
//   node scripts/webgpu-smoke.mjs [--json] [--no-watchdog] [--keep-gpu-ref]
//
// Requests an adapter and device, prints adapter info / features / key limits,
// runs a tiny compute shader (c = a + b over f32) and checks the read-back,
// probes shader-compile error reporting and device.lost on destroy().
// Exits 0 on success, 1 on any failure.
//
// --no-watchdog   do not force-exit if something keeps the event loop alive
//                 (used to measure whether Dawn keeps Node alive).
// --keep-gpu-ref  keep a global reference to the GPU object returned by create()
//                 (the known way to make Dawn keep Node alive).
import { create, globals } from "webgpu"

const args = new Set(process.argv.slice(2))
const asJson = args.has("--json")
const report = {}
const log = (...xs) => {
  if (!asJson) console.log(...xs)
}

function fail(msg) {
  console.error(`webgpu-smoke: FAIL: ${msg}`)
  process.exitCode = 1
}

const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms).unref())])

async function main() {
  Object.assign(globalThis, globals)

  const t0 = performance.now()
  const gpu = create([])
  const t1 = performance.now()
  const adapter = await gpu.requestAdapter()
  const t2 = performance.now()
  if (!adapter) {
    fail("requestAdapter() returned null (no Vulkan driver? install mesa-vulkan-drivers from bookworm-backports)")
    return
  }
  const wanted = ["shader-f16", "subgroups", "timestamp-query"].filter((f) => adapter.features.has(f))
  const device = await adapter.requestDevice({ requiredFeatures: wanted })
  const t3 = performance.now()
  if (args.has("--keep-gpu-ref")) globalThis.__keptGpu = gpu

  report.timingMs = {
    create: +(t1 - t0).toFixed(2),
    requestAdapter: +(t2 - t1).toFixed(2),
    requestDevice: +(t3 - t2).toFixed(2),
    total: +(t3 - t0).toFixed(2),
  }
  const info = adapter.info
  report.adapterInfo = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    subgroupMinSize: info.subgroupMinSize,
    subgroupMaxSize: info.subgroupMaxSize,
    isFallbackAdapter: info.isFallbackAdapter,
  }
  report.features = [...adapter.features].sort()
  report.deviceFeatures = [...device.features].sort()
  report.hasShaderF16 = adapter.features.has("shader-f16")
  report.hasSubgroups = adapter.features.has("subgroups")
  const keys = [
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupsPerDimension",
    "maxStorageBuffersPerShaderStage",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupStorageSize",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupSizeY",
    "maxComputeWorkgroupSizeZ",
    "maxBindGroups",
    "minStorageBufferOffsetAlignment",
  ]
  report.adapterLimits = Object.fromEntries(keys.map((k) => [k, adapter.limits[k]]))
  report.deviceLimits = Object.fromEntries(keys.map((k) => [k, device.limits[k]]))

  log(`adapter: ${JSON.stringify(report.adapterInfo)}`)
  log(`features: ${report.features.join(", ")}`)
  log(`shader-f16: ${report.hasShaderF16}  subgroups: ${report.hasSubgroups}`)
  log(`adapter limits: ${JSON.stringify(report.adapterLimits)}`)
  log(`device limits (default request): ${JSON.stringify(report.deviceLimits)}`)
  log(
    `create ${report.timingMs.create} ms, requestAdapter ${report.timingMs.requestAdapter} ms, requestDevice ${report.timingMs.requestDevice} ms, total ${report.timingMs.total} ms`,
  )

  const uncaptured = []
  device.addEventListener("uncapturederror", (e) => uncaptured.push(e.error?.message ?? String(e)))

  // ---- 1. add shader --------------------------------------------------------
  const n = 1000
  const a = new Float32Array(n),
    b = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = i * 0.5
    b[i] = 1000 - i * 0.25
  }
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
  const mk = (data, usage) => {
    const buf = device.createBuffer({ size: data.byteLength, usage, mappedAtCreation: true })
    new Float32Array(buf.getMappedRange()).set(data)
    buf.unmap()
    return buf
  }
  const S = GPUBufferUsage.STORAGE
  const bufA = mk(a, S),
    bufB = mk(b, S)
  const bufC = device.createBuffer({ size: n * 4, usage: S | GPUBufferUsage.COPY_SRC })
  const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } })
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [bufA, bufB, bufC].map((buffer, binding) => ({ binding, resource: { buffer } })),
  })
  const tk = performance.now()
  const enc = device.createCommandEncoder()
  const pass = enc.beginComputePass()
  pass.setPipeline(pipeline)
  pass.setBindGroup(0, bind)
  pass.dispatchWorkgroups(Math.ceil(n / 64))
  pass.end()
  enc.copyBufferToBuffer(bufC, 0, read, 0, n * 4)
  device.queue.submit([enc.finish()])
  await withTimeout(read.mapAsync(GPUMapMode.READ), 10000, "mapAsync")
  const c = new Float32Array(read.getMappedRange().slice(0))
  read.unmap()
  report.addShaderMs = +(performance.now() - tk).toFixed(2)
  let bad = 0
  for (let i = 0; i < n; i++) if (c[i] !== a[i] + b[i]) bad++
  report.addShaderOk = bad === 0
  log(
    `add shader: ${bad === 0 ? "ok" : `${bad} mismatches`} (c[0]=${c[0]}, c[999]=${c[n - 1]}; encode+submit+readback ${report.addShaderMs} ms)`,
  )
  if (bad) fail(`add shader produced ${bad} wrong values`)

  // ---- 2. bad WGSL ------------------------------------------------------------
  device.pushErrorScope("validation")
  const badModule = device.createShaderModule({ code: "@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }" })
  const info2 = await badModule.getCompilationInfo()
  const scopeErr = await device.popErrorScope()
  report.badWgsl = {
    compilationMessages: info2.messages.map((m) => ({ type: m.type, lineNum: m.lineNum, linePos: m.linePos, message: m.message })),
    errorScope: scopeErr ? { class: scopeErr.constructor?.name, message: scopeErr.message } : null,
  }
  // And a pipeline from the bad module inside a scope:
  device.pushErrorScope("validation")
  device.createComputePipeline({ layout: "auto", compute: { module: badModule, entryPoint: "main" } })
  const pipeErr = await device.popErrorScope()
  report.badWgsl.pipelineErrorScope = pipeErr ? { class: pipeErr.constructor?.name, message: pipeErr.message.split("\n")[0] } : null
  log(`bad WGSL getCompilationInfo: ${JSON.stringify(report.badWgsl.compilationMessages)}`)
  log(`bad WGSL validation scope: ${JSON.stringify(report.badWgsl.errorScope)}`)
  log(`pipeline from bad module: ${JSON.stringify(report.badWgsl.pipelineErrorScope)}`)
  if (!report.badWgsl.compilationMessages.some((m) => m.type === "error")) fail("bad WGSL produced no compilation error message")
  if (!scopeErr) fail("bad WGSL produced no validation error in the error scope")

  // ---- 3. device.lost on destroy() --------------------------------------------
  for (const buf of [bufA, bufB, bufC, read]) buf.destroy()
  const td = performance.now()
  device.destroy()
  try {
    const lost = await withTimeout(device.lost, 5000, "device.lost after destroy()")
    report.deviceLost = { resolved: true, reason: lost.reason, message: lost.message, ms: +(performance.now() - td).toFixed(2) }
  } catch (e) {
    report.deviceLost = { resolved: false, error: String(e) }
    fail(String(e))
  }
  log(`device.lost after destroy(): ${JSON.stringify(report.deviceLost)}`)
  report.uncapturedErrors = uncaptured
  if (uncaptured.length) log(`uncaptured errors: ${JSON.stringify(uncaptured)}`)
}

try {
  await main()
} catch (e) {
  fail(e?.stack ?? String(e))
}
if (asJson) console.log(JSON.stringify(report, null, 2))
log(process.exitCode ? "webgpu-smoke: FAILED" : "webgpu-smoke: OK")

// If Dawn (or anything else) keeps the event loop alive, do not hang CI.
if (!args.has("--no-watchdog")) {
  setTimeout(() => {
    console.error("webgpu-smoke: event loop still alive 3 s after finishing; forcing exit")
    process.exit(process.exitCode ?? 0)
  }, 3000).unref()
}
