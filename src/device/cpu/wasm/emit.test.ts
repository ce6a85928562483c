import { describe, expect, it } from "vitest"
import { F32, I32, ModuleBuilder, sleb, uleb, V128 } from "./emit.js"
import { wasmFeatures } from "./features.js"

const bytesOf = (f: (out: number[]) => void) => {
  const out: number[] = []
  f(out)
  return out
}
const instance = (m: ModuleBuilder, imports: WebAssembly.Imports = {}) =>
  new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), imports).exports

describe("wasm emitter", () => {
  it("encodes LEB128 as the spec's worked examples", () => {
    expect(bytesOf((o) => uleb(o, 0))).toEqual([0])
    expect(bytesOf((o) => uleb(o, 127))).toEqual([0x7f])
    expect(bytesOf((o) => uleb(o, 128))).toEqual([0x80, 0x01])
    expect(bytesOf((o) => uleb(o, 624485))).toEqual([0xe5, 0x8e, 0x26])
    expect(bytesOf((o) => uleb(o, 2 ** 32 - 1))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f])
    expect(bytesOf((o) => sleb(o, -1))).toEqual([0x7f])
    expect(bytesOf((o) => sleb(o, 63))).toEqual([0x3f])
    expect(bytesOf((o) => sleb(o, 64))).toEqual([0xc0, 0x00])
    expect(bytesOf((o) => sleb(o, -123456))).toEqual([0xc0, 0xbb, 0x78])
    expect(bytesOf((o) => sleb(o, -(2 ** 31)))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78])
  })

  it("builds an i32 add function that the engine runs", () => {
    const m = new ModuleBuilder()
    m.func("add", [I32, I32], [I32], (f) => f.get(f.param(0, I32)).get(f.param(1, I32)).i32Add())
    const add = instance(m).add as (a: number, b: number) => number
    expect(add(2, 40)).toBe(42)
    expect(add(2 ** 31 - 1, 1)).toBe(-(2 ** 31))
    // the smallest valid module with one function: header, then type, function, export and code sections
    expect(Array.from(m.bytes().slice(0, 8))).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])
  })

  it("runs a loop with locals: the sum 1 + … + n", () => {
    const m = new ModuleBuilder()
    m.func("tri", [I32], [I32], (f) => {
      const n = f.param(0, I32),
        i = f.local(I32),
        s = f.local(I32)
      f.for(i, 1, n, 1, () => f.get(s).get(i).i32Add().set(s))
      f.get(s).get(n).i32Add()
    })
    const tri = instance(m).tri as (n: number) => number
    for (const n of [1, 2, 10, 1000]) expect(tri(n)).toBe((n * (n + 1)) / 2)
  })

  it("defines and exports a memory; f32 loads and stores round like Math.fround", () => {
    const m = new ModuleBuilder().memory({ initial: 1 }, "mem")
    m.func("axpy", [F32, I32, I32, I32], [], (f) => {
      const alpha = f.param(0, F32),
        x = f.param(1, I32),
        y = f.param(2, I32),
        n = f.param(3, I32),
        i = f.local(I32),
        at = f.local(I32)
      f.for(i, 0, n, 1, () => {
        f.get(i).i32Const(4).i32Mul().set(at)
        f.get(y).get(at).i32Add()
        f.get(alpha).get(x).get(at).i32Add().f32Load().f32Mul()
        f.get(y).get(at).i32Add().f32Load().f32Add()
        f.f32Store()
      })
    })
    const ex = instance(m)
    const mem = new Float32Array((ex.mem as WebAssembly.Memory).buffer)
    const xs = [0.1, -2.5, 3e-8, 7],
      ys = [1, 1 / 3, -4, 0.7]
    mem.set(xs, 0)
    mem.set(ys, 16)
    ;(ex.axpy as (a: number, x: number, y: number, n: number) => void)(1.5, 0, 64, 4)
    const f = Math.fround
    xs.forEach((x, i) => expect(mem[16 + i]).toBe(f(f(f(1.5) * f(x)) + f(ys[i]!))))
  })

  it.runIf(wasmFeatures().simd)("f32x4Shuffle picks 32-bit lanes of two vectors (a 4×4 transpose by two rounds)", () => {
    const memory = new WebAssembly.Memory({ initial: 1 })
    const m = new ModuleBuilder().importMemory("env", "memory", { initial: 1 })
    // pick: bytes [32, 48) = the chosen lanes of (bytes [0, 16), bytes [16, 32))
    const lanes = [3, 4, 0, 7] as const
    m.func("pick", [], [], (f) => f.i32Const(32).i32Const(0).v128Load().i32Const(16).v128Load().f32x4Shuffle(lanes).v128Store())
    // transpose the 4×4 matrix at 0 into 64, rows r_i → pairs t → columns
    m.func("transpose", [], [], (f) => {
      const r = Array.from({ length: 4 }, () => f.local(V128)),
        t = Array.from({ length: 4 }, () => f.local(V128))
      r.forEach((x, i) =>
        f
          .i32Const(16 * i)
          .v128Load()
          .set(x),
      )
      f.get(r[0]!).get(r[1]!).f32x4Shuffle([0, 4, 1, 5]).set(t[0]!)
      f.get(r[0]!).get(r[1]!).f32x4Shuffle([2, 6, 3, 7]).set(t[1]!)
      f.get(r[2]!).get(r[3]!).f32x4Shuffle([0, 4, 1, 5]).set(t[2]!)
      f.get(r[2]!).get(r[3]!).f32x4Shuffle([2, 6, 3, 7]).set(t[3]!)
      f.i32Const(64).get(t[0]!).get(t[2]!).f32x4Shuffle([0, 1, 4, 5]).v128Store()
      f.i32Const(80).get(t[0]!).get(t[2]!).f32x4Shuffle([2, 3, 6, 7]).v128Store()
      f.i32Const(96).get(t[1]!).get(t[3]!).f32x4Shuffle([0, 1, 4, 5]).v128Store()
      f.i32Const(112).get(t[1]!).get(t[3]!).f32x4Shuffle([2, 3, 6, 7]).v128Store()
    })
    const ex = instance(m, { env: { memory } }) as { pick: () => void; transpose: () => void }
    const mem = new Float32Array(memory.buffer)
    mem.set(Array.from({ length: 16 }, (_, i) => i + 1))
    ex.pick()
    expect(Array.from(mem.subarray(8, 12))).toEqual(lanes.map((l) => l + 1))
    mem.set(Array.from({ length: 16 }, (_, i) => i + 1))
    ex.transpose()
    const want = Array.from({ length: 16 }, (_, i) => 4 * (i % 4) + Math.floor(i / 4) + 1)
    expect(Array.from(mem.subarray(16, 32))).toEqual(want)
  })

  it.runIf(wasmFeatures().simd)("runs a SIMD128 kernel (y = a·x + y on f32x4 lanes) equal to a JS reference", () => {
    const memory = new WebAssembly.Memory({ initial: 1 })
    const m = new ModuleBuilder().importMemory("env", "memory", { initial: 1 })
    m.func("saxpy4", [F32, I32, I32, I32], [], (f) => {
      const alpha = f.param(0, F32),
        x = f.param(1, I32),
        y = f.param(2, I32),
        n = f.param(3, I32)
      const i = f.local(I32),
        a = f.local(V128)
      f.get(alpha).f32x4Splat().set(a)
      f.for(i, 0, n, 16, () => {
        f.get(y).get(i).i32Add()
        f.get(a).get(x).get(i).i32Add().v128Load().f32x4Mul()
        f.get(y).get(i).i32Add().v128Load().f32x4Add()
        f.v128Store()
      })
    })
    // lanes: sum of the four lanes of (x - y) via extract_lane
    m.func("lanesum", [I32], [F32], (f) => {
      const p = f.param(0, I32),
        v = f.local(V128)
      f.get(p).v128Load().get(p).v128Load(16).f32x4Sub().set(v)
      f.get(v)
        .f32x4ExtractLane(0)
        .get(v)
        .f32x4ExtractLane(1)
        .f32Add()
        .get(v)
        .f32x4ExtractLane(2)
        .f32Add()
        .get(v)
        .f32x4ExtractLane(3)
        .f32Add()
    })
    const ex = instance(m, { env: { memory } })
    const mem = new Float32Array(memory.buffer)
    const n = 64
    const xs = Array.from({ length: n }, (_, i) => Math.sin(i) * 10),
      ys = Array.from({ length: n }, (_, i) => Math.cos(i * 3))
    mem.set(xs, 0)
    mem.set(ys, n)
    ;(ex.saxpy4 as (a: number, x: number, y: number, n: number) => void)(-0.75, 0, 4 * n, 4 * n)
    const f = Math.fround
    xs.forEach((x, i) => expect(mem[n + i]).toBe(f(f(f(-0.75) * f(x)) + f(ys[i]!))))
    mem.set([1, 2, 3, 4, 0.5, 0.25, 0.125, 0.0625], 512)
    expect((ex.lanesum as (p: number) => number)(2048)).toBe(10 - 0.9375)
  })

  it.runIf(wasmFeatures().relaxed)("relaxed madd computes a·b + c (fused or not, within one rounding)", () => {
    const m = new ModuleBuilder().memory({ initial: 1 }, "mem")
    m.func("madd", [], [], (f) =>
      f.i32Const(48).i32Const(0).v128Load().i32Const(16).v128Load().i32Const(32).v128Load().f32x4RelaxedMadd().v128Store(),
    )
    const ex = instance(m)
    const mem = new Float32Array((ex.mem as WebAssembly.Memory).buffer)
    const a = [1.5, -2, 1 + 2 ** -12, 3],
      b = [2, 0.25, 1 - 2 ** -12, -1],
      c = [0.5, 4, -1, 3]
    mem.set([...a, ...b, ...c])
    ;(ex.madd as () => void)()
    a.forEach((x, i) => {
      const exact = x * b[i]! + c[i]!
      expect(Math.abs(mem[12 + i]! - exact)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(exact)))
    })
  })
})
