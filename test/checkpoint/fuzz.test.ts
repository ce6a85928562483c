// Fuzzing the safetensors reader with fast-check: valid files of random tensors, then random byte
// flips, truncations and header fields replaced by arbitrary JSON. Every outcome must be a parse or a
// CheckpointError — never another exception, a defect, or an allocation beyond the file's size.
import { Cause, Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import * as tg from "../../src/index.js"
import { CheckpointError } from "../../src/index.js"
import { decodeRaw, encodeRaw, itemBytes, type RawTensor } from "../../src/checkpoint/format.js"

const dtypes = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"] as const

/** A valid file: 1–5 tensors of random dtype, shape (≤ 3 dims of ≤ 4) and bytes, and metadata. */
const validFile = fc
  .record({
    tensors: fc.uniqueArray(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "__metadata__"),
        dtype: fc.constantFrom(...dtypes),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        seed: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 5, selector: (t) => t.name },
    ),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), { nil: undefined }),
  })
  .map(({ tensors, metadata }) => {
    const map = new Map<string, RawTensor>()
    for (const t of tensors) {
      const n = t.shape.reduce((a, b) => a * b, 1) * itemBytes[t.dtype]!
      // I64 bytes stay small so most files also convert to i32
      const bytes = Uint8Array.from({ length: n }, (_, i) => (t.dtype === "I64" && i % 8 >= 3 ? 0 : (t.seed * 31 + i * 17) & 0xff))
      if (t.dtype === "BOOL") bytes.forEach((b, i) => (bytes[i] = b & 1))
      map.set(t.name, { dtype: t.dtype, shape: t.shape, bytes })
    }
    return encodeRaw(map, metadata)
  })

/** The outcome of decoding: "ok", a CheckpointError reason, or the unexpected thing thrown. */
const outcome = (bytes: Uint8Array): string => {
  const exit = Effect.runSyncExit(tg.decodeSafetensors(bytes))
  if (Exit.isSuccess(exit)) {
    // a parse: every tensor's data fits the file (nothing allocated beyond it)
    const total = Object.values(exit.value.tensors).reduce((s, t) => s + t.size, 0)
    if (total > bytes.length) throw new Error(`decoded ${total} elements from ${bytes.length} bytes`)
    return "ok"
  }
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure === undefined) throw new Error(`a defect, not a typed failure: ${Cause.pretty(exit.cause)}`)
  if (!(failure.error instanceof CheckpointError)) throw new Error(`failed with ${String(failure.error)}`)
  return failure.error.reason
}

const seen = new Map<string, number>()
const record = (r: string) => seen.set(r, (seen.get(r) ?? 0) + 1)

describe("fuzzing the reader", () => {
  test("valid files decode to the tensors they hold", () => {
    fc.assert(
      fc.property(validFile, (bytes) => {
        const raw = decodeRaw(bytes)
        expect(encodeRaw(raw.tensors, raw.metadata)).toEqual(bytes) // the writer's layout is a fixed point
        expect(["ok", "value"]).toContain(outcome(bytes))
      }),
      { numRuns: 150 },
    )
  })

  test("random byte flips", () => {
    fc.assert(
      fc.property(
        validFile,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (bytes, flips, inHeader) => {
          const b = bytes.slice()
          const headerEnd = 8 + Number(new DataView(b.buffer).getBigUint64(0, true))
          for (const [at, v] of flips) b[inHeader ? at % headerEnd : at % b.length] = v
          record(outcome(b))
        },
      ),
      { numRuns: 600 },
    )
  })

  test("truncations", () => {
    fc.assert(
      fc.property(validFile, fc.double({ min: 0, max: 1, noNaN: true }), (bytes, f) => {
        const cut = bytes.subarray(0, Math.floor(f * bytes.length))
        const r = outcome(cut)
        if (cut.length < bytes.length) expect(r).not.toBe("ok") // a shorter file never passes for whole
        record(r)
      }),
      { numRuns: 300 },
    )
  })

  test("header fields replaced by arbitrary JSON", () => {
    const field = fc.constantFrom("dtype", "shape", "data_offsets", "__whole__", "__shift__")
    fc.assert(
      fc.property(validFile, fc.nat(), field, fc.jsonValue(), fc.integer({ min: -16, max: 16 }), (bytes, which, key, value, shift) => {
        const n = Number(new DataView(bytes.buffer).getBigUint64(0, true))
        const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>
        const names = Object.keys(header).filter((k) => k !== "__metadata__")
        const name = names[which % names.length]!
        if (key === "__whole__") (header as Record<string, unknown>)[name] = value
        else if (key === "__shift__")
          header[name]!.data_offsets = (header[name]!.data_offsets as number[]).map((o) => o + shift) // same size, moved
        else header[name]![key] = value
        const text = new TextEncoder().encode(JSON.stringify(header))
        const out = new Uint8Array(8 + text.length + bytes.length - 8 - n)
        new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true)
        out.set(text, 8)
        out.set(bytes.subarray(8 + n), 8 + text.length)
        record(outcome(out))
      }),
      { numRuns: 600 },
    )
    // the fuzz reached the checks it is meant to reach
    for (const r of ["ok", "header", "offsets", "dtype", "size", "truncated", "header-size"]) expect(seen.get(r) ?? 0, r).toBeGreaterThan(0)
  })
})
