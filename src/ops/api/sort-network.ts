/**
 * The sorting network behind `sort` for long rows on the GPU, and the key order shared with
 * `searchsorted`: a bitonic network composed from slices, compares and selects over (key, index)
 * pairs, O(n log² n) work in ⌈log₂ n⌉(⌈log₂ n⌉ + 1)/2 stages. Internal: the public face is `sort`.
 *
 * @since 0.1.0
 */
import { isFloat } from "../core/aval.js"
import { fromHost } from "../core/host.js"
import * as lax from "../core/lax.js"
import type { AnyTensor } from "../core/tensor.js"

/** Bool helpers on erased tensors (`where` with bool constants). */
const T = (like: AnyTensor) => lax.scalar(1, like, "bool")
const F = (like: AnyTensor) => lax.scalar(0, like, "bool")
export const and = (p: AnyTensor, q: AnyTensor) => lax.where(p, q, F(p))
const or = (p: AnyTensor, q: AnyTensor) => lax.where(p, T(p), q)
export const not = (p: AnyTensor) => lax.where(p, F(p), T(p))

/**
 * Whether key `a` sorts strictly before key `b` (NaN after every number ascending, before every
 * number descending), ties broken by the smaller original index: a strict total order, so the
 * network's result is unique and stable.
 */
export const before = (ka: AnyTensor, ia: AnyTensor, kb: AnyTensor, ib: AnyTensor, descending: boolean): AnyTensor => {
  const [lo, hi] = descending ? [kb, ka] : [ka, kb]
  let keyLess = lax.compare(lo, hi, "lt")
  let keyEq = lax.compare(ka, kb, "eq")
  if (isFloat(ka.dtype)) {
    const nanLo = lax.compare(lo, lo, "ne"),
      nanHi = lax.compare(hi, hi, "ne")
    // ascending: a number before NaN; descending: NaN (the largest) before a number
    keyLess = or(keyLess, and(nanHi, not(nanLo)))
    keyEq = or(keyEq, and(nanLo, nanHi))
  }
  return or(keyLess, and(keyEq, lax.compare(ia, ib, "lt")))
}

/** The sorting permutation of the last axis of `keys` (i32, same shape). */
export const bitonicArgsort = (keys: AnyTensor, descending: boolean): AnyTensor => {
  const r = keys.shape.length
  const n = keys.shape[r - 1]!
  const lead = keys.shape.slice(0, r - 1)
  const iota = (len: number) =>
    fromHost(
      Int32Array.from({ length: len }, (_, i) => i),
      [len],
      "i32",
      keys.device,
    )
  if (n <= 1) return lax.broadcastTo(lax.reshape(iota(n), [...lead.map(() => 1), n]), keys.shape)
  let m = 1
  while (m < n) m *= 2
  // padding (indices ≥ n) sorts after every real entry whatever its key: pairs involving it compare by index
  const zeros = keys.shape.map(() => 0)
  let k = lax.pad(
    keys,
    zeros,
    zeros.map((_, d) => (d === r - 1 ? m - n : 0)),
    zeros,
    0,
  )
  let idx = lax.broadcastTo(lax.reshape(iota(m), [...lead.map(() => 1), m]), [...lead, m])
  for (let size = 2; size <= m; size *= 2) {
    for (let j = size / 2; j >= 1; j /= 2) {
      // pair entry i with i + j inside blocks of 2j: view the axis as [m / 2j, 2, j]
      const blocks = m / (2 * j)
      const view = [...lead, blocks, 2, j]
      // block p sorts up when bit `size` of its first index p·2j is clear
      const up = fromHost(
        Uint8Array.from({ length: blocks }, (_, p) => (((p * 2 * j) & size) === 0 ? 1 : 0)),
        [blocks, 1, 1],
        "bool",
        keys.device,
      )
      const half = (t: AnyTensor, h: number) =>
        lax.slice(
          lax.reshape(t, view),
          view.map((_, d) => (d === lead.length + 1 ? h : 0)),
          view.map(() => 1),
          view.map((s, d) => (d === lead.length + 1 ? 1 : s)),
        )
      const ka = half(k, 0),
        kb = half(k, 1),
        ia = half(idx, 0),
        ib = half(idx, 1)
      // swap when the second sorts before the first in an up block, or the first before the second in a down one
      let swap = lax.where(up, before(kb, ib, ka, ia, descending), before(ka, ia, kb, ib, descending))
      if (m > n)
        swap = lax.where(
          or(lax.compare(ia, n, "ge"), lax.compare(ib, n, "ge")),
          lax.where(up, lax.compare(ib, ia, "lt"), lax.compare(ia, ib, "lt")),
          swap,
        )
      k = lax.reshape(lax.concat([lax.where(swap, kb, ka), lax.where(swap, ka, kb)], lead.length + 1), [...lead, m])
      idx = lax.reshape(lax.concat([lax.where(swap, ib, ia), lax.where(swap, ia, ib)], lead.length + 1), [...lead, m])
    }
  }
  return m === n
    ? idx
    : lax.slice(
        idx,
        zeros,
        zeros.map(() => 1),
        keys.shape,
      )
}
