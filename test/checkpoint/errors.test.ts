// Hostile and mismatched checkpoints: each malformed file (crafted byte by byte here) and each
// mismatch against a skeleton fails with a CheckpointError of the expected reason, never a crash.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit } from "effect"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { CheckpointError, type CheckpointErrorReason } from "../../src/index.js"

const dir = mkdtempSync(join(tmpdir(), "tg-ckpt-err-"))
let counter = 0
const fresh = (name = "f") => join(dir, `${name}-${counter++}.safetensors`)

/** A file of an 8-byte LE length (`length` overrides it), a header (object or raw text) and data. */
const craft = (header: unknown, data: ArrayLike<number> = [], length?: bigint): Uint8Array => {
  const text = typeof header === "string" ? header : JSON.stringify(header)
  const h = Buffer.from(text, "utf8")
  const out = new Uint8Array(8 + h.length + data.length)
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true)
  out.set(h, 8)
  out.set(Array.from(data), 8 + h.length)
  return out
}

/** The CheckpointError an Effect fails with (anything else fails the test). */
const failure = async <A, E>(e: Effect.Effect<A, E>): Promise<CheckpointError> => {
  const exit = await Effect.runPromiseExit(e)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const err = exit.cause.reasons[0]
  expect(err?._tag).toBe("Fail")
  const value = (err as { error: unknown }).error
  expect(value).toBeInstanceOf(CheckpointError)
  return value as CheckpointError
}
const expectReason = async <A, E>(e: Effect.Effect<A, E>, reason: CheckpointErrorReason, text?: RegExp) => {
  const err = await failure(e)
  expect(err.reason).toBe(reason)
  if (text !== undefined) expect(err.message).toMatch(text)
  return err
}
const decode = (b: Uint8Array, o?: tg.ReadOptions) => tg.decodeSafetensors(b, o)
const f32 = (name: string, shape: number[], begin: number, end: number) => ({ [name]: { dtype: "F32", shape, data_offsets: [begin, end] } })

describe("malformed files", () => {
  test("shorter than the length field", async () => {
    for (const n of [0, 1, 7]) await expectReason(decode(new Uint8Array(n)), "truncated", /shorter than the 8-byte/)
  })
  test("header length larger than the file, than the cap, or than 2^63", async () => {
    await expectReason(decode(craft(f32("a", [1], 0, 4), [0, 0, 0, 0], 1000n)), "header-size", /exceeds the \d+ bytes/)
    await expectReason(decode(craft({}, [], 2n ** 63n)), "header-size", /exceeds the cap/)
    await expectReason(decode(craft({}, [], 2n ** 64n - 1n)), "header-size")
    const ok = craft(f32("a", [1], 0, 4), [0, 0, 0, 0])
    await expectReason(decode(ok, { maxHeaderBytes: 16 }), "header-size", /cap of 16 bytes/)
    expect(Object.keys((await Effect.runPromise(decode(ok))).tensors)).toEqual(["a"])
  })
  test("header not UTF-8, not JSON, not an object, or entries of the wrong form", async () => {
    await expectReason(decode(craft('{"a":1', [])), "header", /not JSON/)
    await expectReason(decode(craft("[]")), "header", /not a JSON object/)
    await expectReason(decode(craft("null")), "header", /not a JSON object/)
    const badUtf8 = craft("{}    ")
    badUtf8[9] = 0xff
    await expectReason(decode(badUtf8), "header", /UTF-8/)
    await expectReason(decode(craft({ __metadata__: { a: 1 } })), "header", /map of strings/)
    await expectReason(decode(craft({ a: 5 })), "header", /not an object/)
    await expectReason(decode(craft({ a: { shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0])), "header", /no dtype/)
    await expectReason(decode(craft({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, [0, 0, 0, 0])), "header", /shape/)
    await expectReason(decode(craft({ a: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, [0, 0, 0, 0])), "header", /shape/)
    await expectReason(decode(craft({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, [0, 0, 0, 0])), "header", /data_offsets/)
  })
  test("offsets overlapping, leaving gaps, reversed, past the data or short of it", async () => {
    await expectReason(decode(craft({ ...f32("a", [2], 0, 8), ...f32("b", [2], 4, 12) }, new Array(12).fill(0))), "offsets", /overlaps/)
    await expectReason(
      decode(craft({ ...f32("a", [1], 0, 4), ...f32("b", [1], 8, 12) }, new Array(12).fill(0))),
      "offsets",
      /belong to no tensor/,
    )
    await expectReason(
      decode(craft({ a: { dtype: "F32", shape: [0], data_offsets: [4, 0] } }, [0, 0, 0, 0])),
      "offsets",
      /end before they begin/,
    )
    await expectReason(decode(craft(f32("a", [1], 0, 4), [0, 0, 0, 0, 9])), "offsets", /after the last tensor/)
    await expectReason(decode(craft(f32("a", [2], 0, 8), [0, 0, 0, 0])), "truncated", /need 8 data bytes, the file has 4/)
    await expectReason(decode(craft(f32("a", [1], 2 ** 52, 2 ** 52 + 4), [0, 0, 0, 0])), "offsets")
  })
  test("dtypes the format does not define, or typegrad cannot hold", async () => {
    await expectReason(
      decode(craft({ a: { dtype: "F128", shape: [1], data_offsets: [0, 16] } }, new Array(16).fill(0))),
      "dtype",
      /not a safetensors dtype/,
    )
    await expectReason(
      decode(craft({ a: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] } }, [0, 0])),
      "dtype",
      /typegrad cannot hold/,
    )
    await expectReason(decode(craft({ a: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, new Array(8).fill(0))), "dtype")
  })
  test("shape × dtype size different from the byte range; huge shapes allocate nothing", async () => {
    await expectReason(
      decode(craft(f32("a", [3], 0, 8), new Array(8).fill(0))),
      "size",
      /\[3\] and dtype F32 does not fill its byte range \[0, 8\]/,
    )
    await expectReason(decode(craft(f32("a", [2 ** 40, 2 ** 40, 2 ** 40], 0, 4), [0, 0, 0, 0])), "size")
    await expectReason(decode(craft(f32("a", [Number.MAX_SAFE_INTEGER, 2], 0, 4), [0, 0, 0, 0])), "size")
    const empty = await Effect.runPromise(decode(craft(f32("a", [0, Number.MAX_SAFE_INTEGER], 0, 0))))
    expect(empty.tensors.a!.shape).toEqual([0, Number.MAX_SAFE_INTEGER])
  })
  test("I64 reads as i32 when it fits, a value error when not", async () => {
    const ok = new Uint8Array(16)
    new DataView(ok.buffer).setBigInt64(0, -5n, true)
    new DataView(ok.buffer).setBigInt64(8, 2147483647n, true)
    const { tensors } = await Effect.runPromise(decode(craft({ n: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, ok)))
    expect(tensors.n!.dtype).toBe("i32")
    expect(tg.toArraySync(tensors.n!)).toEqual([-5, 2147483647])
    new DataView(ok.buffer).setBigInt64(8, 2147483648n, true)
    await expectReason(decode(craft({ n: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, ok)), "value", /2147483648 at flat index 1/)
  })
  test("files on disk: missing file, unwritable directory (no temp file left)", async () => {
    await expectReason(tg.readSafetensors(join(dir, "absent.safetensors")), "io", /absent\.safetensors: reading failed/)
    await expectReason(tg.loadCheckpoint(join(dir, "absent.safetensors"), { w: tg.zeros([1]) }), "io")
    const sub = join(dir, "no-such-dir", "x.safetensors")
    await expectReason(tg.saveCheckpoint(sub, { w: tg.zeros([1]) }), "io", /creating the temporary file/)
    // a real checkpoint cut short, and one whose length field claims 2^62 bytes, read from disk
    const whole = fresh("whole")
    await Effect.runPromise(tg.saveCheckpoint(whole, { w: tg.ones([64]), step: 1 }))
    const bytes = readFileSync(whole)
    const cuts: Array<[number, CheckpointErrorReason]> = [
      [4, "truncated"],
      [8, "header-size"],
      [100, "header-size"],
      [bytes.length - 1, "truncated"],
    ]
    for (const [cut, reason] of cuts) {
      writeFileSync(whole, bytes.subarray(0, cut))
      await expectReason(tg.loadCheckpoint(whole, { w: tg.zeros([64]), step: 0 }), reason)
    }
    writeFileSync(whole, craft({}, [], 2n ** 62n))
    await expectReason(tg.readSafetensors(whole), "header-size", /exceeds the cap/)
    const before = readdirSync(dir).length
    const p = fresh()
    writeFileSync(p, craft("not json"))
    await expectReason(tg.readSafetensors(p), "header")
    expect(readdirSync(dir).length).toBe(before + 1)
  })
})

describe("mismatches against the skeleton", () => {
  const path = fresh("state")
  const state = { conv: { weight: tg.ones([2, 3]), bias: tg.zeros([2]) }, step: 5, key: tg.key(1) }
  const save = Effect.runPromise(tg.saveCheckpoint(path, state))
  const skeleton = () => ({ conv: { weight: tg.zeros([2, 3]), bias: tg.zeros([2]) }, step: 0, key: tg.key(0) })

  test("names missing or unexpected, listed in the message", async () => {
    await save
    const { bias: _, ...noBias } = skeleton().conv
    await expectReason(tg.loadCheckpoint(path, { ...skeleton(), conv: noBias }), "names", /unexpected "conv\.bias"/)
    await expectReason(tg.loadCheckpoint(path, { ...skeleton(), extra: tg.zeros([1]) }), "names", /missing "extra"/)
    const partial = await Effect.runPromise(tg.loadCheckpoint(path, { conv: noBias }, { unexpected: "ignore" }))
    expect(tg.toArraySync(partial.conv.weight)).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ])
    await expectReason(tg.loadCheckpoint(path, { conv: noBias, other: 1 }, { unexpected: "ignore" }), "names", /missing "other"/)
  })
  test("shape, dtype and kind of leaf", async () => {
    await save
    await expectReason(
      tg.loadCheckpoint(path, { ...skeleton(), conv: { weight: tg.zeros([3, 2]), bias: tg.zeros([2]) } }),
      "shape",
      /"conv\.weight" has shape \[2, 3\] in the file, the skeleton expects \[3, 2\]/,
    )
    await expectReason(
      tg.loadCheckpoint(path, { ...skeleton(), conv: { weight: tg.zeros([2, 3], { dtype: "f64" }), bias: tg.zeros([2]) } }),
      "dtype",
      /F32 \(read as f32\) in the file, the skeleton expects f64/,
    )
    await expectReason(
      tg.loadCheckpoint(path, { ...skeleton(), step: tg.zeros([1]) }),
      "structure",
      /"step" is a tensor in the skeleton and a number in the file/,
    )
    await expectReason(tg.loadCheckpoint(path, { ...skeleton(), key: 0 }), "structure", /a number in the skeleton and a PRNG key/)
  })
  test("a plain file (no typegrad tree) loads tensors by dotted name; numbers are then missing", async () => {
    const p = fresh("plain")
    await Effect.runPromise(tg.writeSafetensors(p, { "layers.0.weight": tg.ones([2]), "layers.1.weight": tg.zeros([1]) }))
    const back = await Effect.runPromise(tg.loadCheckpoint(p, { layers: [{ weight: tg.zeros([2]) }, { weight: tg.ones([1]) }] as const }))
    expect(tg.toArraySync(back.layers[0]!.weight)).toEqual([1, 1])
    await expectReason(
      tg.loadCheckpoint(p, { layers: [{ weight: tg.zeros([2]) }, { weight: tg.ones([1]) }], step: 0 }),
      "names",
      /no typegrad tree/,
    )
  })
  test("a tree in the metadata that is malformed or disagrees with the tensors", async () => {
    const p = fresh("meta")
    await Effect.runPromise(tg.writeSafetensors(p, { w: tg.ones([1]) }, { "typegrad.tree": "{oops" }))
    await expectReason(tg.loadCheckpoint(p, { w: tg.zeros([1]) }), "structure", /not JSON/)
    await Effect.runPromise(tg.writeSafetensors(p, { w: tg.ones([1]) }, { "typegrad.tree": '{"r":{"w":{"n":[]}}}' }))
    await expectReason(tg.loadCheckpoint(p, { w: tg.zeros([1]) }), "structure", /malformed at "w"/)
    await Effect.runPromise(tg.writeSafetensors(p, { w: tg.ones([1]) }, { "typegrad.tree": '{"r":{"v":"T"}}' }))
    await expectReason(tg.loadCheckpoint(p, { w: tg.zeros([1]) }), "names", /tensors "w" are not in the tree/)
  })
})

describe("trees that cannot be saved", () => {
  test("colliding dotted names, a bare tensor, unsupported leaves, reserved metadata, traced tensors", async () => {
    const p = fresh("bad")
    await expectReason(tg.saveCheckpoint(p, { "a.b": tg.ones([1]), a: { b: tg.ones([1]) } }), "names", /both have the dotted name "a\.b"/)
    await expectReason(tg.saveCheckpoint(p, tg.ones([1])), "structure", /bare tensor/)
    await expectReason(tg.saveCheckpoint(p, { w: tg.ones([1]), name: "mlp" } as object), "structure", /the leaf at name is a string/)
    await expectReason(tg.saveCheckpoint(p, { w: tg.ones([1]) }, { metadata: { "typegrad.tree": "x" } }), "names", /reserved/)
    await expectReason(tg.writeSafetensors(p, { __metadata__: tg.ones([1]) }), "names", /reserved/)
    expect(existsSync(p)).toBe(false)
    let traced: unknown
    tg.grad((x: tg.Tensor<[2]>) => {
      traced = Effect.runSync(Effect.result(tg.encodeSafetensors({ x })))
      return x.sum()
    })(tg.ones([2]))
    expect((traced as { failure: CheckpointError }).failure.reason).toBe("value")
  })
})
