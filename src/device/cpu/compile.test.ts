import { describe, expect, it } from "vitest"
import fc from "fast-check"
import * as tg from "../../index.js"
import type { Program, Storage } from "../../ops/core/backend.js"
import * as lax from "../../ops/core/lax.js"
import { fromHost } from "../../ops/core/host.js"
import { numel } from "../../ops/core/aval.js"
import type { AnyTensor } from "../../ops/core/tensor.js"
import { cpu } from "./index.js"
import { compileCpu } from "./compile.js"
import { evalCase, inputs, randomCase, read, rng, type D } from "../../../test/random-programs.js"

describe("cpu jit: fused loops with folded views", () => {
  for (const dtype of ["f64", "i32", "bool", "f32"] as const) {
    it(`matches eager on random ${dtype} programs`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
          const c = randomCase(seed, dtype)
          const f = evalCase(c)
          const xs = inputs(c, seed)
          const eager = f(...xs)
          const jitted = tg.jit(f)(...xs)
          eager.forEach((e, k) => {
            const j = jitted[k]!
            expect(j.shape).toEqual(e.shape)
            expect(j.dtype).toBe(e.dtype)
            const a = read(e),
              b = read(j)
            if (dtype !== "f32") expect(b).toEqual(a)
            // NOTE: fused f32 loops keep intermediates in f64, eager rounds every op to f32: where a
            // random program cancels (x - y with x ≈ y), the two roundings differ by more than the
            // last bit (seen: 3.3e-5 relative), so the bound is 1e-4 and the seed is fixed
            else
              a.forEach((x, i) => {
                if (Number.isNaN(x)) expect(b[i]).toBeNaN()
                else if (b[i] !== x) expect(Math.abs(b[i]! - x)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(x)))
              })
          })
        }),
        { numRuns: Number(process.env.JIT_RUNS ?? 300), seed: 0x5eed },
      )
    })
  }

  for (const dtype of ["f64", "i32"] as const) {
    it(`inlines a loop into its consumer through a pad (${dtype})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
          const r = rng(seed)
          const s2 = Array.from({ length: r.int(1, 3) }, () => r.int(1, 5))
          const pad1 = s2.map((n) => {
            const lo = r.int(-1, 2),
              m = r.int(1, 4)
            return { lo, m, hi: n - lo - m }
          })
          const pad2 = s2.map((n) => {
            const lo = r.int(-1, 2),
              m = r.int(1, 3)
            return { lo, m, hi: n - lo - m }
          })
          const s1 = pad1.map((p) => p.m),
            big = s1.map((n) => n + 2)
          const mixed = r.u() < 0.5,
            useWhere = r.u() < 0.3,
            fill = r.int(-2, 2)
          const f = (x: AnyTensor, a: AnyTensor, b: AnyTensor, c: AnyTensor, z: AnyTensor, mask: AnyTensor) => {
            const inner = lax.max(
              lax.mul(
                lax.add(
                  a,
                  lax.slice(
                    b,
                    s1.map(() => 1),
                    s1.map(() => 1),
                    s1,
                  ),
                ),
                c,
              ),
              lax.sub(a, 1),
            )
            const p = lax.pad(
              inner,
              pad1.map((q) => q.lo),
              pad1.map((q) => q.hi),
              s1.map(() => 0),
              fill,
            )
            const y = useWhere ? lax.where(mask, p, x) : lax.add(x, p)
            return mixed
              ? lax.sub(
                  y,
                  lax.pad(
                    z,
                    pad2.map((q) => q.lo),
                    pad2.map((q) => q.hi),
                    s1.map(() => 0),
                    3,
                  ),
                )
              : y
          }
          const mk = (shape: number[], d: D = dtype) =>
            fromHost(
              Array.from({ length: numel(shape) }, () => (d === "bool" ? r.int(0, 1) : r.int(-9, 9) / (d === "i32" ? 1 : 4))),
              shape,
              d,
              cpu,
            )
          const xs = [mk(s2), mk(s1), mk(big), mk([]), mk(pad2.map((q) => q.m)), mk(s2, "bool")] as const
          const e = f(...xs),
            j = tg.jit(f)(...xs)
          expect(read(j)).toEqual(read(e))
        }),
        { numRuns: 200 },
      )
    })
  }

  const heat = (grid: tg.Tensor<[number, number], "f32", "cpu">) => {
    const lap = grid
      .slice("2:, 1:-1")
      .add(grid.slice(":-2, 1:-1"))
      .add(grid.slice("1:-1, 2:"))
      .add(grid.slice("1:-1, :-2"))
      .sub(grid.slice("1:-1, 1:-1").mul(4))
    return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
  }
  const compiled = (f: (...xs: never[]) => unknown, ...args: unknown[]) => {
    const j = tg.jit(f as (...xs: unknown[]) => unknown).lower(...args)
    return compileCpu(
      j as unknown as Program,
      j.consts.map((c) => c._impl as Storage),
    )
  }

  it("runs the heat step as 1 loop (the Laplacian inlined into grid + pad(lap)) and matches eager", () => {
    const init = () => tg.zeros([20, 20]).at("5:15, 5:15").set(100) as unknown as tg.Tensor<[number, number], "f32", "cpu">
    const p = compiled(heat as never, init())
    expect(p.steps).toBe(1)
    expect(p.loops).toBe(1)
    const step = tg.jit(heat)
    let a = init(),
      b = init()
    for (let i = 0; i < 30; i++) (a = heat(a)), (b = step(b))
    const ea = read(a as never),
      eb = read(b as never)
    ea.forEach((x, i) => expect(Math.abs(eb[i]! - x)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(x))))
  })

  it("reaches the documented centre value at 100² × 500 steps", () => {
    const step = tg.jit(heat)
    let grid = tg.zeros([100, 100]).at("45:55, 45:55").set(100) as unknown as tg.Tensor<[number, number], "f32", "cpu">
    for (let i = 0; i < 500; i++) grid = step(grid)
    expect(read(grid as never)[50 * 100 + 50]).toBeCloseTo(78.1025, 3)
  })

  it("folds at(...).set(v) (pad + where) into one loop", () => {
    const f = (x: tg.Tensor<[6, 6]>, v: tg.Tensor<[4, 3]>) => x.at("1:-1, ::2").set(v)
    const x = tg.tensor(Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => i * 6 + j)))
    const v = tg
      .tensor([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
      ])
      .mul(-1)
    const p = compiled(f as never, x, v)
    expect(p.steps).toBe(1)
    expect(read(tg.jit(f)(x as never, v as never) as never)).toEqual(read(f(x as never, v as never) as never))
  })

  it("reuses buffers that feed matmul and reductions, and shares reshaped arrays, without corrupting earlier results", () => {
    // x·2 feeds a matmul through a reshape, x·y + 1 feeds a sum: both are loop outputs that never
    // leave a call (reused buffers); a reshape of a kernel's result is also an output (shared array)
    const f = (x: AnyTensor, y: AnyTensor) => {
      const m = lax.matmul(lax.reshape(lax.mul(x, 2), [3, 4]), lax.reshape(y, [4, 3]))
      // x − y reaches the matmul of its reshape (sharing a reused buffer) and, reshaped back, an output
      const d = lax.reshape(lax.sub(x, y), [3, 4])
      const dd = lax.matmul(d, lax.reshape(y, [4, 3]))
      return [
        lax.reduceSum(lax.add(lax.mul(x, y), 1), [0]),
        m,
        lax.reshape(m, [9]),
        lax.reduceMax(lax.sub(x, y), [0]),
        dd,
        lax.reshape(d, [12]),
      ]
    }
    const mk = (seed: number) =>
      fromHost(
        Array.from({ length: 12 }, (_, i) => ((i * 7 + seed * 5) % 11) - 5),
        [12],
        "f64",
        cpu,
      )
    const jf = tg.jit(f)
    const calls = [
      [mk(1), mk(2)],
      [mk(3), mk(4)],
      [mk(5), mk(6)],
    ] as const
    const outs = calls.map(([x, y]) => jf(x, y))
    expect(compiled(f as never, ...calls[0]).loops).toBeLessThanOrEqual(5)
    // every call's results still equal eager ones after later calls ran
    calls.forEach(([x, y], c) => f(x, y).forEach((e, k) => expect(read(outs[c]![k]!)).toEqual(read(e))))
    // and the matmul agrees with a triple loop
    const [xh, yh] = [read(calls[1][0]), read(calls[1][1])]
    const want = Array.from({ length: 9 }, (_, ij) => {
      let s = 0
      for (let p = 0; p < 4; p++) s += 2 * xh[Math.floor(ij / 3) * 4 + p]! * yh[p * 3 + (ij % 3)]!
      return s
    })
    expect(read(outs[1]![2]!)).toEqual(want)
  })

  it("folds f32 sum, max and min of a loop's value into the loop, over any axes, equal to a reference", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const r = rng(seed)
        const shape = Array.from({ length: r.int(1, 4) }, () => r.int(1, 4))
        const axes = shape.map((_, d) => d).filter(() => r.int(0, 1) === 1)
        if (axes.length === 0) axes.push(r.int(0, shape.length - 1))
        const n = numel(shape)
        // small halves: x·y + z is exact in f32, so the reference is exact too
        const mk = () => Array.from({ length: n }, () => (r.int(0, 9) === 0 ? Number.NaN : r.int(-8, 8) / 2))
        const [xh, yh, zh] = [mk(), mk(), mk()]
        const [x, y, z] = [xh, yh, zh].map((h) => fromHost(h, shape, "f32", cpu))
        const f = (a: AnyTensor, b: AnyTensor, c: AnyTensor) => {
          const v = lax.add(lax.mul(a, b), c)
          return [lax.reduceSum(v, axes), lax.reduceMax(v, axes), lax.reduceMin(v, axes), v]
        }
        const p = compiled(f as never, x, y, z)
        expect(p.loops).toBe(1)
        expect(p.steps).toBe(1)
        const [sum, max, min, v] = tg.jit(f)(x!, y!, z!)
        const vals = xh.map((a, i) => a * yh[i]! + zh[i]!)
        expect(read(v!)).toEqual(vals)
        // reference: fold each kept index's elements in order
        const kept = shape.map((_, d) => !axes.includes(d))
        const outShape = shape.filter((_, d) => kept[d])
        const ref = {
          sum: new Array<number>(numel(outShape)).fill(0),
          max: new Array<number>(numel(outShape)).fill(-Infinity),
          min: new Array<number>(numel(outShape)).fill(Infinity),
        }
        vals.forEach((val, i) => {
          let o = 0,
            rest = i
          const idx = shape.map((_, d) => {
            const inner = numel(shape.slice(d + 1))
            const c = Math.floor(rest / inner)
            rest -= c * inner
            return c
          })
          shape.forEach((d, k) => kept[k] && (o = o * d + idx[k]!))
          ref.sum[o] = ref.sum[o]! + val
          ref.max[o] =
            val > ref.max[o]! || Number.isNaN(val) || Number.isNaN(ref.max[o]!)
              ? Number.isNaN(ref.max[o]!)
                ? ref.max[o]!
                : val
              : ref.max[o]!
          ref.min[o] =
            val < ref.min[o]! || Number.isNaN(val) || Number.isNaN(ref.min[o]!)
              ? Number.isNaN(ref.min[o]!)
                ? ref.min[o]!
                : val
              : ref.min[o]!
        })
        expect(sum!.shape).toEqual(outShape)
        expect(read(sum!)).toEqual(ref.sum)
        expect(read(max!)).toEqual(ref.max)
        expect(read(min!)).toEqual(ref.min)
      }),
      { numRuns: 200, seed: 0x7ed },
    )
  })

  it("keeps a folded reduction's result intact across calls and feeds it to later steps", () => {
    const f = (a: AnyTensor) => {
      const s = lax.reduceSum(lax.mul(a, a), [1])
      return [lax.add(s, 1), lax.matmul(lax.reshape(s, [1, 3]), lax.reshape(s, [3, 1]))]
    }
    const mk = (k: number) =>
      fromHost(
        Array.from({ length: 12 }, (_, i) => (i % 5) - k),
        [3, 4],
        "f32",
        cpu,
      )
    const jf = tg.jit(f)
    const outs = [mk(0), mk(1), mk(2)].map((x) => jf(x))
    ;[mk(0), mk(1), mk(2)].forEach((x, c) => {
      const h = read(x)
      const s = [0, 1, 2].map((i) => h.slice(4 * i, 4 * i + 4).reduce((a, b) => a + b * b, 0))
      expect(read(outs[c]![0]!)).toEqual(s.map((v) => v + 1))
      expect(read(outs[c]![1]!)).toEqual([s.reduce((a, b) => a + b * b, 0)])
    })
  })

  it("handles empty and size-1 shapes, and views as outputs", () => {
    const f = (x: AnyTensor) => [
      x.shape[1]! >= 2
        ? lax.pad(lax.slice(x, [0, 1], [1, 2], [x.shape[0]!, 1]), [1, 0], [0, -1], [0, 0], 7)
        : lax.pad(x, [1, 0], [0, 1], [1, 0], 7),
      lax.transpose(x, [1, 0]),
      lax.add(x, 1),
      lax.mul(lax.broadcastTo(lax.reshape(x, [1, ...x.shape]), [2, ...x.shape]), 3),
    ]
    for (const shape of [
      [0, 3],
      [3, 0],
      [1, 3],
      [3, 3],
      [1, 2],
    ]) {
      const x = fromHost(
        Array.from({ length: numel(shape) }, (_, i) => i),
        shape,
        "i32",
        cpu,
      )
      const e = f(x),
        j = tg.jit(f)(x)
      e.forEach((t, k) => (expect(j[k]!.shape).toEqual(t.shape), expect(read(j[k]!)).toEqual(read(t))))
    }
  })
})
