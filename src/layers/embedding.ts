/**
 * `Embedding` (PyTorch's `nn.Embedding`): integer indices `[...]` to rows of `weight [N, E]`,
 * initialised N(0, 1). The lookup is `oneHot(indices) @ weight`, so its gradient is the
 * scatter-add of the output gradient into the used rows; a gather primitive would make it an
 * index read instead of an `[..., N]` product.
 *
 * @since 0.1.0
 */
import type { AnyTensor, Key } from "../ops/index.js"
import type { Dim } from "../shape/index.js"
import * as init from "./init.js"
import { oneHot } from "./losses.js"
import { badInput, type Param, Layer, type ShapeFn } from "./module.js"
import type { Known } from "./types.js"

/**
 * Shape function of `Embedding<N, E>`: integer `[...S]` to `f32 [...S, E]`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.EmbeddingFn<1000, 64>, ["B", "T"]> // ["B", "T", 64]
 * @since 0.1.0
 * @category types
 */
export interface EmbeddingFn<N extends number, E extends number> extends ShapeFn {
  readonly name: "Embedding"
  readonly expects: ["B", "T"]
  readonly dtype: "f32"
  readonly out: Known<this["in"]> extends false ? Dim[] : this["in"] extends readonly Dim[] ? [...this["in"], E] : never
  /** @internal */ readonly size?: N
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (indices must be i32).
 *
 * @example
 * import * as tg from "typegrad"
 * const emb = tg.nn.embedding(tg.key(0), 100, 16)
 * emb.call(tg.tensor([[1, 2, 3]], { dtype: "i32" })) // Tensor<[1, 3, 16]>
 * @since 0.1.0
 * @category layers
 */
export class Embedding<in out N extends number = number, in out E extends number = number> extends Layer<EmbeddingFn<N, E>> {
  constructor(
    readonly weight: Param<[N, E]>,
    readonly numEmbeddings: N,
    readonly embeddingDim: E,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.dtype !== "i32") badInput(this, `integer indices (i32), got ${x.dtype}`, x)
    return oneHot(x, this.numEmbeddings, this.weight as AnyTensor).matmul(this.weight as AnyTensor)
  }
}

/**
 * An `Embedding` initialised from `key` with N(0, 1), as PyTorch.
 *
 * @example
 * import * as tg from "typegrad"
 * const emb = tg.nn.embedding(tg.key(0), 50257, 768)
 * @since 0.1.0
 * @category layers
 */
export const embedding = <const N extends number, const E extends number>(
  key: Key,
  numEmbeddings: N,
  embeddingDim: E,
  options?: init.InitOptions,
): Embedding<N, E> =>
  new Embedding(init.normal(key, [numEmbeddings, embeddingDim], 0, 1, options) as Param<[N, E]>, numEmbeddings, embeddingDim)
