// The checkpoint versions of the crash drill: version v is a tree whose every value is a function
// of v, so a loaded file is recognised as exactly one version, or as garbage.
import * as tg from "../../src/index.js"

/** Tensors per version and elements per tensor: 8 × 64 Ki f32 ≈ 2 MiB per file, 8 writes each. */
export const tensors = 8
export const elements = 1 << 16

/** The value at flat index `i` of tensor `t` in version `v` (exact in f32). */
export const valueAt = (v: number, t: number, i: number): number => ((v * 7919 + t * 104729 + i) % 65521) - 32760

/** Version `v`: `layers.t.weight` tensors of [256, 256], the step counter and a key derived from v. */
export const versionTree = (v: number) => ({
  layers: Array.from({ length: tensors }, (_, t) => {
    const data = new Float32Array(elements)
    for (let i = 0; i < elements; i++) data[i] = valueAt(v, t, i)
    return { weight: tg.tensor(data, [256, 256]) }
  }),
  step: v,
  key: tg.key(v),
})

/** A tree of the same structure, to load into. */
export const skeleton = () => versionTree(0)
