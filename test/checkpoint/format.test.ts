// The safetensors writer and reader: files are checked with a parser written here from the format's
// definition (8-byte little-endian length, compact JSON padded with spaces to 8 bytes, contiguous
// little-endian data laid out widest dtype first, then by name), and round trips of every dtype.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { f16Bits, f16Value } from "../../src/checkpoint/codec.js"

/** A parser independent of src/checkpoint: returns the header JSON text, the padding and the data. */
const parse = (b: Uint8Array) => {
  let n = 0
  for (let i = 7; i >= 0; i--) n = n * 256 + b[i]!
  const raw = Buffer.from(b.subarray(8, 8 + n)).toString("utf8")
  const json = raw.replace(/ +$/, "")
  return {
    n,
    raw,
    json,
    header: JSON.parse(json) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>,
    data: b.subarray(8 + n),
  }
}
const le = (kind: "f32" | "f64" | "i32", xs: number[]): number[] => {
  const size = kind === "f64" ? 8 : 4
  const v = new DataView(new ArrayBuffer(xs.length * size))
  xs.forEach((x, i) =>
    kind === "f32" ? v.setFloat32(i * 4, x, true) : kind === "f64" ? v.setFloat64(i * 8, x, true) : v.setInt32(i * 4, x, true),
  )
  return [...new Uint8Array(v.buffer)]
}
const host = (x: tg.AnyTensor): number[] => [...tg.dataSync(x as tg.Tensor<tg.Shape, tg.DType, "cpu">)]
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e)

describe("safetensors layout", () => {
  test("header length, padding, key order, dtype order and little-endian data", async () => {
    const tensors = {
      "b.weight": tg.tensor([1, -2.5, 3]),
      "a.mask": tg.tensor([true, false, true]),
      "z.count": tg.tensor([7, -1], { dtype: "i32" }),
      "a.weight": tg.tensor(new Float64Array([0.1]), [1]),
      "A.scalar": tg.scalar(2),
    }
    const bytes = await run(tg.encodeSafetensors(tensors, { zeta: "1", alpha: "2" }))
    const { n, raw, json, header, data } = parse(bytes)
    expect((8 + n) % 8).toBe(0) // data starts 8-aligned
    expect(raw.slice(json.length)).toMatch(/^ {0,7}$/) // only spaces pad, fewer than 8
    expect(json).not.toMatch(/\s/) // compact JSON (no name has a space)
    // `__metadata__` first with sorted keys, then tensors in data order:
    // F64 before F32 before I32 before BOOL; within a dtype by name ("A" < "b" in byte order)
    expect(Object.keys(header)).toEqual(["__metadata__", "a.weight", "A.scalar", "b.weight", "z.count", "a.mask"])
    expect(json.startsWith('{"__metadata__":{"alpha":"2","zeta":"1"},"a.weight":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}')).toBe(
      true,
    )
    expect(header["A.scalar"]).toEqual({ dtype: "F32", shape: [], data_offsets: [8, 12] })
    expect(header["b.weight"]).toEqual({ dtype: "F32", shape: [3], data_offsets: [12, 24] })
    expect(header["z.count"]).toEqual({ dtype: "I32", shape: [2], data_offsets: [24, 32] })
    expect(header["a.mask"]).toEqual({ dtype: "BOOL", shape: [3], data_offsets: [32, 35] })
    expect(data.length).toBe(35)
    expect([...data.subarray(0, 8)]).toEqual(le("f64", [0.1]))
    expect([...data.subarray(8, 12)]).toEqual([0x00, 0x00, 0x00, 0x40]) // 2.0f
    expect([...data.subarray(12, 24)]).toEqual(le("f32", [1, -2.5, 3]))
    expect([...data.subarray(24, 32)]).toEqual([7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])
    expect([...data.subarray(32)]).toEqual([1, 0, 1])
  })

  test("no metadata → no __metadata__ key; a header already aligned gets no padding", async () => {
    const bytes = await run(tg.encodeSafetensors({ x: tg.zeros([0, 3]) }))
    const { n, json, header } = parse(bytes)
    expect(Object.keys(header)).toEqual(["x"])
    expect(header.x).toEqual({ dtype: "F32", shape: [0, 3], data_offsets: [0, 0] })
    expect(n).toBe(json.length + ((8 - (json.length % 8)) % 8))
    expect(bytes.length).toBe(8 + n)
  })
})

describe("f16", () => {
  test("every finite and infinite bit pattern round-trips through its value", () => {
    const wrong: number[] = []
    for (let h = 0; h < 0x10000; h++) {
      const x = f16Value(h)
      if (f16Bits(x) !== (Number.isNaN(x) ? 0x7e00 : h)) wrong.push(h)
    }
    expect(wrong).toEqual([])
    expect(f16Value(0x3c00)).toBe(1)
    expect(f16Value(0x0001)).toBe(2 ** -24)
    expect(f16Value(0x7bff)).toBe(65504)
    expect(Number.isNaN(f16Value(0x7e00))).toBe(true)
  })
  test("values between f16 neighbours round to nearest, ties to even (hand-worked encodings)", () => {
    const cases: Array<[number, number]> = [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [2 ** -24, 0x0001],
      [-0, 0x8000],
      [0, 0x0000],
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [1e-3, 0x1419],
      [1 + 2 ** -11, 0x3c00], // tie between mantissas 0 and 1 → even 0
      [1 + 3 * 2 ** -11, 0x3c02], // tie between mantissas 1 and 2 → even 2
      [65519, 0x7bff],
      [65520, 0x7c00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal → 0
      [3 * 2 ** -26, 0x0001],
      [5.96e-8, 0x0001], // above the tie → the smallest subnormal
      [-1e-5, 0x80a8], // 1e-5 / 2^-24 = 167.77 → 168 = 0xa8
      [12345.678, 0x7207], // 12345.678 / 2^3 = 1543.2 → 1543; (13 + 15) << 10 | 519
      [2047.5, 0x6800], // 2047.5 / 2 = 1023.75 rounds up into the next binade: 2048
    ]
    for (const [x, h] of cases) expect([x, f16Bits(x)]).toEqual([x, h])
  })
})

describe("round trips", () => {
  test("every typegrad dtype a CPU holds, with special values", async () => {
    const tensors = {
      f: tg.tensor([
        [NaN, Infinity],
        [-Infinity, -0],
      ]),
      d: tg.tensor(new Float64Array([Math.PI, -1e300, 5e-324]), [3]),
      i: tg.tensor(new Int32Array([2147483647, -2147483648, 0]), [3]),
      m: tg.tensor([[true], [false]]),
    }
    const { tensors: back, metadata } = await run(tg.decodeSafetensors(await run(tg.encodeSafetensors(tensors, { k: "v" }))))
    expect(metadata).toEqual({ k: "v" })
    expect(Object.keys(back).sort()).toEqual(["d", "f", "i", "m"])
    for (const [k, t] of Object.entries(tensors)) {
      expect(back[k]!.dtype).toBe(t.dtype)
      expect(back[k]!.shape).toEqual(t.shape)
      expect(host(back[k]!)).toEqual(host(t))
    }
    expect(Object.is(host(back.f!)[3], -0)).toBe(true)
  })

  test("a tree: dotted names, numbers (NaN, ±Infinity, −0), PRNG keys, key order of the skeleton", async () => {
    const state = {
      opt: { mu: { conv: { weight: tg.tensor([[1, 2]]) } }, count: 3 },
      layers: [tg.tensor([5]), { bias: tg.tensor([6, 7], { dtype: "i32" }) }],
      step: 1234,
      specials: [NaN, Infinity, -Infinity, -0],
      key: tg.split(tg.key(42))[1]!,
    }
    const bytes = await run(tg.encodeSafetensors({}))
    expect(bytes.length).toBe(16) // "{}" padded to 8
    const path = join(mkdtempSync(join(tmpdir(), "tg-ckpt-")), "state.safetensors")
    await run(tg.saveCheckpoint(path, state))
    const { tensors, metadata } = await run(tg.readSafetensors(path))
    expect(Object.keys(tensors).sort()).toEqual(["layers.0", "layers.1.bias", "opt.mu.conv.weight"])
    expect(metadata.format).toBe("pt")
    const skeleton = {
      step: 0,
      key: tg.key(0),
      specials: [0, 0, 0, 0],
      layers: [tg.zeros([1]), { bias: tg.zeros([2], { dtype: "i32" }) }] as const,
      opt: { count: 0, mu: { conv: { weight: tg.zeros([1, 2]) } } },
    }
    const back = await run(tg.loadCheckpoint(path, skeleton))
    expect(Object.keys(back)).toEqual(["step", "key", "specials", "layers", "opt"])
    expect(back.step).toBe(1234)
    expect(back.opt.count).toBe(3)
    expect(back.specials.map(String)).toEqual(["NaN", "Infinity", "-Infinity", "0"])
    expect(Object.is(back.specials[3], -0)).toBe(true)
    expect(back.key.words).toEqual(state.key.words)
    expect(tg.toArraySync(back.opt.mu.conv.weight)).toEqual([[1, 2]])
    expect(tg.toArraySync(back.layers[1]!.bias)).toEqual([6, 7])
    expect(back.layers[1]!.bias.dtype).toBe("i32")
    // the same draws come from the restored key
    expect(tg.toArraySync(tg.normal(back.key, [3]))).toEqual(tg.toArraySync(tg.normal(state.key, [3])))
  })

  test("Promise twins resolve to the same values", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tg-ckpt-")), "p.safetensors")
    await tg.saveCheckpointPromise(path, { w: tg.tensor([1, 2, 3]), step: 9 })
    const back = await tg.loadCheckpointPromise(path, { w: tg.zeros([3]), step: 0 })
    expect(back.step).toBe(9)
    expect(tg.toArraySync(back.w)).toEqual([1, 2, 3])
    await tg.writeSafetensorsPromise(path, { "x.y": tg.tensor([4]) }, { format: "pt" })
    const f = await tg.readSafetensorsPromise(path)
    expect(f.metadata).toEqual({ format: "pt" })
    expect(tg.toArraySync(f.tensors["x.y"]!)).toEqual([4])
  })
})
