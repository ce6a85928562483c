// Interoperability with the reference implementation: files written by the Python `safetensors`
// package (test/fixtures/safetensors, made by make_fixtures.py there) load with the values they
// were made from, and typegrad writes the same tensors to the very same bytes.
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { f16Bits } from "../../src/checkpoint/codec.js"
import { decodeRaw, encodeRaw } from "../../src/checkpoint/format.js"

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "safetensors")
const fixture = (name: string) => join(fixtures, name)
const read = (name: string) => new Uint8Array(readFileSync(fixture(name)))
const arr = (x: tg.AnyTensor) => tg.toArraySync(x as tg.Tensor<tg.Shape, tg.DType, "cpu">)

describe("files written by the reference implementation", () => {
  test("reference.safetensors: every dtype with the values the script wrote", async () => {
    const { tensors, metadata } = await Effect.runPromise(tg.readSafetensors(fixture("reference.safetensors")))
    expect(metadata).toEqual({ format: "pt" })
    const t = (n: string) => tensors[n]!
    expect(Object.keys(tensors).sort()).toEqual([
      "bn.num_batches_tracked",
      "bn.running_mean",
      "conv.bias",
      "conv.weight",
      "embed.ids",
      "empty",
      "half",
      "mask",
      "small.i16",
      "small.i8",
      "small.u8",
    ])
    expect(t("conv.weight").shape).toEqual([2, 1, 2, 2])
    expect(arr(t("conv.weight"))).toEqual([
      [
        [
          [-1, -0.75],
          [-0.5, -0.25],
        ],
      ],
      [
        [
          [0, 0.25],
          [0.5, 0.75],
        ],
      ],
    ])
    expect(arr(t("conv.bias"))).toEqual([0.5, -0.25])
    expect(t("bn.running_mean").dtype).toBe("f64")
    expect(arr(t("bn.running_mean"))).toEqual([1e-300, Math.PI, -2])
    expect(t("bn.num_batches_tracked").dtype).toBe("i32") // I64, every value in range
    expect(t("bn.num_batches_tracked").shape).toEqual([])
    expect(arr(t("bn.num_batches_tracked"))).toBe(123456)
    expect(arr(t("embed.ids"))).toEqual([
      [1, -2, 2147483647],
      [-2147483648, 0, 7],
    ])
    expect(arr(t("mask"))).toEqual([true, false, true, true])
    expect(t("half").dtype).toBe("f32") // the CPU has no f16: widened exactly
    expect(arr(t("half"))).toEqual([1, -0.5, 65504, 2 ** -24, 0.0999755859375])
    expect(arr(t("small.u8"))).toEqual([0, 255, 128])
    expect(arr(t("small.i8"))).toEqual([-128, 127, -1])
    expect(arr(t("small.i16"))).toEqual([-32768, 32767])
    expect(t("empty").shape).toEqual([0, 3])
  })

  test("a PyTorch-style state dict loads into a skeleton by dotted path", async () => {
    const skeleton = {
      conv: { weight: tg.zeros([2, 1, 2, 2]), bias: tg.zeros([2]) },
      bn: { running_mean: tg.zeros([3], { dtype: "f64" }), num_batches_tracked: tg.scalar(0, { dtype: "i32" }) },
    }
    const back = await Effect.runPromise(tg.loadCheckpoint(fixture("reference.safetensors"), skeleton, { unexpected: "ignore" }))
    expect(tg.toArraySync(back.conv.bias)).toEqual([0.5, -0.25])
    expect(tg.item(back.bn.num_batches_tracked)).toBe(123456)
  })

  test("f16 encoding agrees with numpy's float32 → float16 on 2018 values", async () => {
    const { tensors } = decodeRaw(read("f16-rounding.safetensors"))
    const input = tensors.get("input")!
    const rounded = tensors.get("rounded")!
    expect(rounded.dtype).toBe("F16")
    const x = new DataView(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength)
    const h = new DataView(rounded.bytes.buffer, rounded.bytes.byteOffset, rounded.bytes.byteLength)
    const wrong: string[] = []
    for (let i = 0; i < input.shape[0]!; i++) {
      const v = x.getFloat32(i * 4, true)
      const want = h.getUint16(i * 2, true)
      if (f16Bits(v) !== want) wrong.push(`${v}: ${f16Bits(v).toString(16)} vs numpy ${want.toString(16)}`)
    }
    expect(input.shape[0]).toBe(2018)
    expect(wrong).toEqual([])
  })
})

describe("typegrad writes what the reference writes", () => {
  // the tensors of make_fixtures.py's `layout`, inserted in another order
  const layout = () => ({
    odd: tg.tensor([1, 2, 3], { dtype: "i32" }),
    "mask.bool": tg.tensor([true, false, false]),
    "layers.2.w": tg.tensor([6]),
    zero: tg.zeros([2, 0], { dtype: "f64" }),
    "é.unicode": tg.scalar(7),
    "B.upper": tg.tensor(new Float64Array([0.1, 0.2]), [2]),
    "layers.10.w": tg.tensor([5]),
    "a.first": tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "i32" },
    ),
    "z.last": tg.tensor([1.5, -2.25, 3]),
  })

  test("byte for byte, with and without metadata", async () => {
    expect(await Effect.runPromise(tg.encodeSafetensors(layout(), { format: "pt" }))).toEqual(read("layout.safetensors"))
    expect(await Effect.runPromise(tg.encodeSafetensors(layout()))).toEqual(read("layout-nometa.safetensors"))
  })

  test("re-encoding any reference file (every dtype, F16 and I64 included) gives its bytes back", () => {
    for (const name of ["reference.safetensors", "layout.safetensors", "layout-nometa.safetensors", "f16-rounding.safetensors"]) {
      const bytes = read(name)
      const raw = decodeRaw(bytes)
      expect(encodeRaw(raw.tensors, raw.metadata), name).toEqual(bytes)
    }
  })
})
