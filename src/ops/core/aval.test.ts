// Host storage helpers: an engine's refusal of an array is OutOfMemory; copies are independent and exact.
import { describe, expect, it } from "vitest"
import { OutOfMemory } from "../../errors.js"
import { hostAlloc, hostCopy } from "./aval.js"

describe("host storage", () => {
  it("an array the engine refuses is OutOfMemory with the bytes asked for, not a raw RangeError", () => {
    let err: unknown
    try {
      hostAlloc("f64", 2 ** 50) // past every engine's typed-array length limit: refused before allocating
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(OutOfMemory)
    expect((err as OutOfMemory).bytes).toBe(2 ** 53)
    expect((err as OutOfMemory).message).toContain("f64")
  })
  it("hostCopy gives an equal, independent array of the same type, small or large (raw-byte path)", () => {
    for (const n of [5, 4095, 4096, 10_000]) {
      for (const src of [new Float32Array(n), new Float64Array(n), new Int32Array(n), new Uint8Array(n)]) {
        for (let i = 0; i < n; i++) src[i] = (i * 7) % 251
        const c = hostCopy(src)
        expect(c.constructor).toBe(src.constructor)
        expect(Array.from(c)).toEqual(Array.from(src))
        c[0] = 99
        expect(src[0]).toBe(0)
      }
    }
    // a view into a larger buffer copies only its own elements
    const big = new Float32Array(10_000).map((_, i) => i)
    const sub = big.subarray(1000, 6000)
    expect(Array.from(hostCopy(sub))).toEqual(Array.from(sub))
  })
})
