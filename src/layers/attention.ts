/**
 * Scaled dot-product attention and `MultiheadAttention` with PyTorch's parameter names
 * (`in_proj_weight`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`) and initialisation.
 * Inputs are batch-first (`[B, T, E]`, PyTorch's `batch_first=True`); masks are boolean, `true`
 * meaning "may not attend", as PyTorch's boolean masks.
 *
 * @since 0.1.0
 */
import { InvalidHyperparameter } from "../errors.js"
import { softmax, split, where, type AnyTensor, type Key, type Tensor } from "../ops/index.js"
import { fromHost } from "../ops/core/host.js"
import type { DeviceKind, FloatDType } from "../shape/index.js"
import * as init from "./init.js"
import { Linear, linear } from "./linear.js"
import { badInput, type Param, Module } from "./module.js"

/**
 * Options of attention: a boolean `attnMask [T, S]` (or broadcastable), a boolean
 * `keyPaddingMask [B, S]`, and `isCausal` (position t attends to s ≤ t only).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.AttentionOptions = { isCausal: true }
 * @since 0.1.0
 * @category attention
 */
export interface AttentionOptions {
  readonly attnMask?: AnyTensor
  readonly keyPaddingMask?: AnyTensor
  readonly isCausal?: boolean
}

/** Scores [..., T, S] with masked entries at −∞. */
const masked = (scores: AnyTensor, o: AttentionOptions | undefined): AnyTensor => {
  let s = scores
  const [T, S] = (scores.shape as number[]).slice(-2) as [number, number]
  if (o?.isCausal === true) {
    const m = new Uint8Array(T * S)
    for (let t = 0; t < T; t++) for (let j = t + 1; j < S; j++) m[t * S + j] = 1
    s = where(fromHost(m, [T, S], "bool", scores.device) as never, -Infinity, s) as AnyTensor
  }
  if (o?.attnMask !== undefined) s = where(o.attnMask as never, -Infinity, s) as AnyTensor
  if (o?.keyPaddingMask !== undefined) {
    const [B] = o.keyPaddingMask.shape as number[]
    // [B, S] → [B, 1, 1, S] against [B, H, T, S]
    const kp = o.keyPaddingMask.reshape([B!, ...Array.from({ length: scores.shape.length - 2 }, () => 1), S])
    s = where(kp as never, -Infinity, s) as AnyTensor
  }
  return s
}

/**
 * `softmax(q kᵀ / √d + mask) v` over the last two axes of `q [..., T, d]`, `k [..., S, d]`, `v [..., S, dv]`.
 *
 * @example
 * import * as tg from "typegrad"
 * const q = tg.ones([2, 4, 8])
 * tg.nn.scaledDotProductAttention(q, q, q, { isCausal: true }) // Tensor<[2, 4, 8]>
 * @since 0.1.0
 * @category attention
 */
export const scaledDotProductAttention = <D extends FloatDType, V extends DeviceKind>(
  q: Tensor<readonly number[], D, V> | AnyTensor,
  k: AnyTensor,
  v: AnyTensor,
  options?: AttentionOptions,
): AnyTensor => {
  const d = q.shape[q.shape.length - 1] as number
  const scores = (q as AnyTensor).matmul(k.transpose()).div(Math.sqrt(d))
  return softmax(masked(scores, options) as never, { axis: -1 }).matmul(v) as AnyTensor
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention` with `batch_first=True`): `call(q, k, v)`
 * returns `[output [B, T, E], weights [B, T, S]]` (weights averaged over heads).
 *
 * @example
 * import * as tg from "typegrad"
 * const mha = tg.nn.multiheadAttention(tg.key(0), 16, 4)
 * const x = tg.ones([2, 5, 16])
 * const [y, w] = mha.call(x, x, x, { isCausal: true }) // y: [2, 5, 16], w: [2, 5, 5]
 * @since 0.1.0
 * @category attention
 */
export class MultiheadAttention<in out E extends number = number> extends Module {
  constructor(
    readonly in_proj_weight: Param<[number, E]>,
    readonly in_proj_bias: Param<[number]> | undefined,
    readonly out_proj: Linear<E, E>,
    readonly embedDim: E,
    readonly numHeads: number,
  ) {
    super()
  }
  call<B extends number | string, T extends number | string, S extends number | string, D extends FloatDType, V extends DeviceKind>(
    query: Tensor<[B, T, E], D, V>,
    key: Tensor<[B, S, E], D, V>,
    value: Tensor<[B, S, E], D, V>,
    options?: AttentionOptions,
  ): [Tensor<[B, T, E], D, V>, Tensor<[B, T, S], D, V>] {
    const q0 = query as AnyTensor,
      k0 = key as AnyTensor,
      v0 = value as AnyTensor
    for (const x of [q0, k0, v0]) if (x.shape.length !== 3 || x.shape[2] !== this.embedDim) badInput(this, `[B, T, ${this.embedDim}]`, x)
    const E = this.embedDim,
      H = this.numHeads,
      d = E / H
    const w = this.in_proj_weight as AnyTensor
    const b = this.in_proj_bias as AnyTensor | undefined
    const proj = (x: AnyTensor, i: number) => {
      const wi = w.slice(`${i * E}:${(i + 1) * E}`)
      const y = x.matmul(wi.transpose())
      const yb = b === undefined ? y : y.add(b.slice(`${i * E}:${(i + 1) * E}`))
      const [B, L] = x.shape as number[]
      return yb.reshape([B!, L!, H, d]).permute([0, 2, 1, 3]) // [B, H, L, d]
    }
    const q = proj(q0, 0),
      k = proj(k0, 1),
      v = proj(v0, 2)
    const scores = masked(q.matmul(k.transpose()).div(Math.sqrt(d)), options)
    const attn = softmax(scores as never, { axis: -1 }) as AnyTensor
    const [B, T] = q0.shape as number[]
    const ctx = attn.matmul(v).permute([0, 2, 1, 3]).reshape([B!, T!, E])
    return [this.out_proj.forward(ctx) as never, attn.mean({ axis: 1 }) as never]
  }
}

/**
 * A `MultiheadAttention` of `embedDim` split into `numHeads` heads, initialised as PyTorch
 * (Xavier-uniform input projection, zero biases, Linear-default output projection).
 *
 * @example
 * import * as tg from "typegrad"
 * const mha = tg.nn.multiheadAttention(tg.key(0), 64, 8)
 * @since 0.1.0
 * @category attention
 */
export const multiheadAttention = <const E extends number>(
  key: Key,
  embedDim: E,
  numHeads: number,
  options?: init.InitOptions & { readonly bias?: boolean },
): MultiheadAttention<E> => {
  if (embedDim % numHeads !== 0)
    throw new InvalidHyperparameter({
      op: "MultiheadAttention",
      name: "numHeads",
      value: numHeads,
      message: `MultiheadAttention: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`,
    })
  const [k1, k2] = split(key)
  const p: init.InitOptions = {
    ...(options?.dtype ? { dtype: options.dtype } : {}),
    ...(options?.device ? { device: options.device } : {}),
  }
  const bias = options?.bias !== false
  const out = linear(k2!, embedDim, embedDim, { ...p, bias })
  const outProj = bias ? new Linear<E, E>(out.weight, init.zeros([embedDim], p) as never, embedDim, embedDim) : out
  return new MultiheadAttention<E>(
    init.xavierUniform(k1!, [3 * embedDim, embedDim], 1, p) as never,
    bias ? (init.zeros([3 * embedDim], p) as never) : undefined,
    outProj,
    embedDim,
    numHeads,
  )
}
