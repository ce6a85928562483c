// Checkpoints of WebGPU tensors: saving reads them back first; loading into a skeleton of GPU
// tensors places the values on that device; F16 stays f16 where the device has it; a dtype the
// device lacks (f64) is a typed CheckpointError.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as tg from "../../src/index.js"
import { gpu, gpuSuite, read } from "./gpu.js"

gpuSuite()

const dir = mkdtempSync(join(tmpdir(), "tg-gpu-ckpt-"))
const reference = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "safetensors", "reference.safetensors")

describe.skipIf(gpu === null)("checkpoints of WebGPU tensors", () => {
  it("save from the GPU, read on the CPU, load back onto the GPU", async () => {
    const g = gpu!
    const f16 = g.backend.supports("f16")
    const path = join(dir, "gpu.safetensors")
    const state = {
      w: tg.tensor(
        [
          [1.5, -2],
          [0.25, 8],
        ],
        { device: g },
      ),
      n: tg.tensor([3, -4], { dtype: "i32", device: g }),
      m: tg.tensor([true, false, true], { device: g }),
      ...(f16 ? { h: tg.tensor([0.1, 65504], { dtype: "f16", device: g }) } : {}),
      step: 11,
    }
    await Effect.runPromise(tg.saveCheckpoint(path, state))
    const { tensors } = await Effect.runPromise(tg.readSafetensors(path, { device: tg.cpu }))
    expect(tg.toArraySync(tensors.w!)).toEqual([
      [1.5, -2],
      [0.25, 8],
    ])
    expect(tg.toArraySync(tensors.n!)).toEqual([3, -4])
    expect(tg.toArraySync(tensors.m!)).toEqual([true, false, true])
    if (f16) expect(tg.toArraySync(tensors.h!)).toEqual([0.0999755859375, 65504]) // f16 values, exact in f32

    const skeleton = {
      w: tg.zeros([2, 2], { device: g }),
      n: tg.zeros([2], { dtype: "i32", device: g }),
      m: tg.zeros([3], { dtype: "bool", device: g }),
      ...(f16 ? { h: tg.zeros([2], { dtype: "f16", device: g }) } : {}),
      step: 0,
    }
    const back = await Effect.runPromise(tg.loadCheckpoint(path, skeleton))
    expect(back.w.device).toBe(g)
    expect([...(await read(back.w))]).toEqual([1.5, -2, 0.25, 8])
    expect([...(await read(back.n))]).toEqual([3, -4])
    expect([...(await read(back.m))]).toEqual([1, 0, 1])
    expect(back.step).toBe(11)
    if (f16 && "h" in back) {
      expect(back.h.dtype).toBe("f16")
      expect([...(await read(back.h))]).toEqual([0.0999755859375, 65504])
    }
  })

  it("F16 from the reference file is f16 on a device with f16; F64 is a dtype error on the GPU", async () => {
    const g = gpu!
    const path = join(dir, "mixed.safetensors")
    await Effect.runPromise(tg.writeSafetensors(path, { d: tg.tensor(new Float64Array([1]), [1]) }))
    const exit = await Effect.runPromiseExit(tg.readSafetensors(path, { device: g }))
    expect(exit._tag).toBe("Failure")
    const err = exit._tag === "Failure" ? exit.cause.reasons[0] : undefined
    expect(err !== undefined && "error" in err && err.error instanceof tg.CheckpointError && err.error.reason).toBe("dtype")

    const skeleton = { half: tg.zeros([5], { dtype: g.backend.supports("f16") ? "f16" : "f32", device: g }) }
    const back = await Effect.runPromise(tg.loadCheckpoint(reference, skeleton, { unexpected: "ignore" }))
    expect([...(await read(back.half))]).toEqual([1, -0.5, 65504, 2 ** -24, 0.0999755859375])
  })
})
