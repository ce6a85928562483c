/**
 * The code the browser suite runs inside the page (bundled by esbuild for the browser): primitives
 * applied to inputs sent from Node, the transforms on small functions, and the heat plate, on the
 * CPU or on `navigator.gpu`. Node computes the references and compares; this file only runs.
 */
import * as tg from "../../src/index.js"
import { hostConvert } from "../../src/ops/core/aval.js"
import type { Device } from "../../src/ops/core/backend.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import type { ParamsOf, Primitive, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import { Tensor, type AnyTensor } from "../../src/ops/core/tensor.js"
import type { DType } from "../../src/shape/index.js"
import { heat } from "./scenarios.js"

/** One primitive application: the primitive's name, its params, and its inputs' avals and values. */
export interface PrimCase {
  readonly name: PrimitiveName
  readonly params: unknown
  readonly inputs: ReadonlyArray<{ readonly shape: ReadonlyArray<number>; readonly dtype: DType }>
  readonly values: ReadonlyArray<ReadonlyArray<number>>
}

/** A result as plain data, or the error a case threw (name and message). */
export type Outcome = { readonly shape: number[]; readonly dtype: DType; readonly data: number[] } | { readonly error: string }

let gpu: Device<"webgpu"> | null | undefined

/** The page's WebGPU device (acquired once), or why there is none. */
const gpuDevice = async (): Promise<Device<"webgpu">> => (gpu ??= await tg.acquireWebGpu())

const deviceOf = async (kind: "cpu" | "webgpu"): Promise<Device> => (kind === "cpu" ? tg.cpu : await gpuDevice())

const read = async (x: AnyTensor): Promise<Outcome> => ({
  shape: [...x.shape],
  dtype: x.dtype,
  data: Array.from(await x.device.backend.read(x._impl as never, x.aval)),
})

const tensorOn = (dev: Device, data: ArrayLike<number>, shape: ReadonlyArray<number>, dtype: DType): AnyTensor => {
  const av = { shape: [...shape], dtype }
  return new Tensor(av, dev, dev.backend.upload(hostConvert(data, dtype), av))
}

const suite = {
  /** Each case's primitive applied on `device` (through `bind1`, as the evaluation interpreter does). */
  prims: async (cases: ReadonlyArray<PrimCase>, device: "cpu" | "webgpu"): Promise<Outcome[]> => {
    const dev = await deviceOf(device)
    const out: Outcome[] = []
    for (const c of cases) {
      try {
        const prim = primitives[c.name] as unknown as Primitive
        const args = c.inputs.map((x, i) => tensorOn(dev, c.values[i]!, x.shape, x.dtype))
        out.push(await read(bind1(prim, args, c.params as ParamsOf<PrimitiveName>)))
      } catch (e) {
        out.push({ error: `${(e as Error).name}: ${(e as Error).message}` })
      }
    }
    return out
  },

  /** grad, vmap and jit on small functions of `xs` (values chosen by Node). */
  transforms: async (xs: ReadonlyArray<number>, device: "cpu" | "webgpu") => {
    const dev = await deviceOf(device)
    const x = tg.to(tg.tensor([...xs]), dev)
    const f = (v: tg.Tensor<[number], "f32", "cpu" | "webgpu">) => v.sin().mul(v).sum()
    const g = tg.grad(f)(x)
    const rows = tg.to(
      tg.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      dev,
    )
    const vm = tg.vmap((r: tg.Tensor<[3], "f32", "cpu" | "webgpu">) => r.mul(r).sum())(rows)
    const jf = tg.jit((v: tg.Tensor<[number], "f32", "cpu" | "webgpu">) => v.mul(2).add(1).exp().sum())
    const j = jf(x)
    const jg = tg.jit(tg.grad(f))(x)
    return { grad: await read(g), vmap: await read(vm), jit: await read(j), jitGrad: await read(jg) }
  },

  /** The centre of the 100 × 100 plate after `steps` steps (eager or jitted) on `device`. */
  heat: async (device: "cpu" | "webgpu", jit: boolean, steps = 500): Promise<number> => {
    const dev = await deviceOf(device)
    const grid = heat(dev, steps, jit)
    return ((await read(grid.slice("50, 50") as AnyTensor)) as { data: number[] }).data[0]!
  },

  /** Whether this page may compile code from strings (false under `script-src 'self'`). */
  evalAllowed: (): boolean => {
    try {
      return new Function("return true")() === true
    } catch {
      return false
    }
  },

  /** The page's WebGPU adapter, or the error acquiring it gave. */
  webgpu: async (): Promise<{ name: string } | { error: string }> => {
    try {
      return { name: (await gpuDevice()).name }
    } catch (e) {
      return { error: `${(e as Error).name}: ${(e as Error).message}` }
    }
  },
}

/** The page's test entry points, as `window.suite`. */
export type Suite = typeof suite
Object.assign(globalThis, { suite })
