/**
 * Containers: `sequential` (layers applied in order, each junction's shapes checked by the
 * compiler), `moduleList` and `moduleDict`. Their children are named as in PyTorch: `0.weight`
 * inside a Sequential, `layers.0.weight` for a list held in field `layers`.
 *
 * @since 0.1.0
 */
import type { AnyTensor } from "../ops/index.js"
import type { Dim, FmtShape, IsError, ShapeMismatch } from "../shape/index.js"
import { Layer, Module, type Apply, type FnOf, type ShapeFn } from "./module.js"

/**
 * What a container needs of a layer: its shape function and its erased forward. (Not `Layer<any>`:
 * relating the generic `call` signatures of two layers is needlessly deep for the compiler.)
 *
 * @example
 * import * as tg from "typegrad"
 * const l: tg.nn.AnyLayer = tg.nn.relu()
 * @since 0.1.0
 * @category types
 */
export interface AnyLayer {
  readonly "~shape": ShapeFn
  forward(x: AnyTensor): AnyTensor
}

type Chain<Ls, X> = Ls extends readonly [infer H, ...infer R]
  ? Apply<FnOf<H>, X> extends infer Y
    ? IsError<Y> extends true
      ? Y
      : Chain<R, Y>
    : never
  : X
type NameOf<L> = FnOf<L>["name"]

/**
 * Shape function of a `Sequential` of layers `Ls`: the layers' shape functions composed.
 *
 * @example
 * import type * as tg from "typegrad"
 * type F = tg.nn.SequentialFn<[tg.nn.Linear<3, 4>, tg.nn.ReLU, tg.nn.Linear<4, 2>]>
 * type Y = tg.nn.Apply<F, ["B", 3]> // ["B", 2]
 * @since 0.1.0
 * @category types
 */
export interface SequentialFn<Ls extends ReadonlyArray<unknown>> extends ShapeFn {
  readonly name: "Sequential"
  readonly expects: Ls extends readonly [infer H, ...unknown[]] ? FnOf<H>["expects"] : Dim[]
  readonly out: Chain<Ls, this["in"]>
}

/**
 * `true`, or the error at the first junction whose shapes do not fit: the chain starts from the
 * first layer's expected input (named dims for sizes it leaves open).
 *
 * @example
 * import type * as tg from "typegrad"
 * type E = tg.nn.Junctions<[tg.nn.Linear<3, 4>, tg.nn.Linear<5, 2>]>
 * // ShapeMismatch<"sequential: junction 0 → 1 (Linear → Linear): output [B, 4] does not fit input [B, 5]">
 * @since 0.1.0
 * @category types
 */
export type Junctions<Ls> = Ls extends readonly [infer H, ...unknown[]] ? Walk<Ls, Free<FnOf<H>["expects"]>, FnOf<H>["expects"]> : true
/** The probe input with its named dims freed (`number`), so that they fit any size. */
type Free<S> = S extends readonly unknown[] ? { -readonly [K in keyof S]: S[K] extends string ? number : S[K] } : S
/** Walk the junctions with the free probe `X` (checked) and the named probe `XN` (for messages). */
type Walk<Ls, X, XN, I extends unknown[] = [], Prev = never> = Ls extends readonly [infer H, ...infer R]
  ? Apply<FnOf<H>, X> extends infer Y
    ? IsError<Y> extends true
      ? ShapeMismatch<`sequential: junction ${JIdx<I>} → ${I["length"]} (${NameOf<Prev>} → ${NameOf<H>}): output ${FmtShape<IsError<XN> extends true ? X : XN>} does not fit input ${FmtShape<FnOf<H>["expects"]>}`>
      : Walk<R, Y, IsError<XN> extends true ? Y : Apply<FnOf<H>, XN>, [...I, 0], H>
    : never
  : true
type JIdx<I extends unknown[]> = I extends [unknown, ...infer P] ? P["length"] : 0

/**
 * Layers applied in order (PyTorch's `nn.Sequential`); its shape is the composition of its layers'.
 *
 * @example
 * import * as tg from "typegrad"
 * const net = tg.nn.sequential(tg.nn.linear(tg.key(0), 3, 4), tg.nn.relu(), tg.nn.linear(tg.key(1), 4, 2))
 * net.call(tg.ones([8, 3])) // Tensor<[8, 2]>
 * @since 0.1.0
 * @category containers
 */
export class Sequential<out Ls extends ReadonlyArray<AnyLayer> = ReadonlyArray<AnyLayer>> extends Layer<SequentialFn<Ls>> {
  static override readonly inline = "layers"
  constructor(readonly layers: Ls) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return this.layers.reduce((h, l) => l.forward(h), x)
  }
}

/**
 * A `Sequential` of `layers`; the compiler checks every junction and names the first bad one.
 *
 * @example
 * import * as tg from "typegrad"
 * const block = tg.nn.sequential(tg.nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }), tg.nn.batchNorm2d(16), tg.nn.relu())
 * @since 0.1.0
 * @category containers
 */
export const sequential = <const Ls extends ReadonlyArray<AnyLayer>>(...layers: Ls & NoInfer<JunctionGuard<Ls>>): Sequential<Ls> =>
  new Sequential<Ls>(layers)
type JunctionGuard<Ls> = Junctions<Ls> extends infer J ? (J extends true ? unknown : J) : never

/**
 * A list of modules held as one child (PyTorch's `nn.ModuleList`): `items[i]` is named `i` under the list's path.
 *
 * @example
 * import * as tg from "typegrad"
 * const heads = tg.nn.moduleList([tg.nn.linear(tg.key(0), 8, 2), tg.nn.linear(tg.key(1), 8, 2)])
 * tg.nn.namedParameters(heads).map(([k]) => k) // ["0.weight", "0.bias", "1.weight", "1.bias"]
 * @since 0.1.0
 * @category containers
 */
export class ModuleList<out Ms extends ReadonlyArray<unknown> = ReadonlyArray<Module>> extends Module {
  static override readonly inline = "items"
  constructor(readonly items: Ms) {
    super()
  }
}
/**
 * A `ModuleList` of `items`.
 * @example
 * import * as tg from "typegrad"
 * const blocks = tg.nn.moduleList([tg.nn.relu(), tg.nn.gelu()])
 * @since 0.1.0
 * @category containers
 */
export const moduleList = <const Ms extends ReadonlyArray<unknown>>(items: Ms): ModuleList<Ms> => new ModuleList(items)

/**
 * Modules by name (PyTorch's `nn.ModuleDict`): `items.k` is named `k` under the dict's path.
 *
 * @example
 * import * as tg from "typegrad"
 * const heads = tg.nn.moduleDict({ cls: tg.nn.linear(tg.key(0), 8, 3), box: tg.nn.linear(tg.key(1), 8, 4) })
 * heads.items.cls.call(tg.ones([2, 8])) // Tensor<[2, 3]>
 * @since 0.1.0
 * @category containers
 */
export class ModuleDict<out Ms extends { readonly [k: string]: unknown } = { readonly [k: string]: Module }> extends Module {
  static override readonly inline = "items"
  constructor(
    readonly items: Ms,
    /** insertion order of the names (static): PyTorch's order, kept through transforms that sort record keys */
    readonly keyOrder: ReadonlyArray<string> = Object.keys(items),
  ) {
    super()
  }
}
/**
 * A `ModuleDict` of `items`.
 * @example
 * import * as tg from "typegrad"
 * const d = tg.nn.moduleDict({ act: tg.nn.relu() })
 * @since 0.1.0
 * @category containers
 */
export const moduleDict = <const Ms extends { readonly [k: string]: unknown }>(items: Ms): ModuleDict<Ms> => new ModuleDict(items)
