/**
 * Type-level NumPy basic indexing: the index string is split on commas and parsed part by part
 * (`"2:, 1:-1"`, `"..., 0"`, `":, None, ::2"`, `"-1"`).
 *
 * @since 0.1.0
 */
import type { AddLE, CmpLE, DivModLE, FromLE, SubLE, ToLE } from "./arith.js"
import type { IsTuple, Kind, Lit, Sp } from "./types-internal.js"
import type { Dim, FmtDim, FmtShape, IsError, Shape, ShapeMismatch } from "./types.js"

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S
type SplitComma<S extends string, Acc extends string[] = []> = S extends `${infer H},${infer R}`
  ? SplitComma<R, [...Acc, Trim<H>]>
  : [...Acc, Trim<S>]
type Int<S extends string> = S extends ""
  ? undefined
  : S extends `${infer N extends number}`
    ? `${N}` extends `${bigint}`
      ? N
      : false
    : false
type ParsedPart =
  | { k: "slice"; start: number | undefined; stop: number | undefined; step: number | undefined }
  | { k: "index"; i: number }
  | { k: "new" }
  | { k: "ellipsis" }
  | { k: "bad"; src: string }
type ParsePart<P extends string> = P extends "..."
  ? { k: "ellipsis" }
  : P extends "None"
    ? { k: "new" }
    : P extends `${infer a}:${infer b}:${infer c}`
      ? MkSlice<Int<Trim<a>>, Int<Trim<b>>, Int<Trim<c>>, P>
      : P extends `${infer a}:${infer b}`
        ? MkSlice<Int<Trim<a>>, Int<Trim<b>>, undefined, P>
        : Int<P> extends infer i extends number
          ? { k: "index"; i: i }
          : { k: "bad"; src: P }
type MkSlice<A, B, C, P extends string> = false extends A | B | C
  ? { k: "bad"; src: P }
  : { k: "slice"; start: A & (number | undefined); stop: B & (number | undefined); step: C & (number | undefined) }
type FirstBad<Ps> = Ps extends [infer H, ...infer R] ? (H extends { k: "bad"; src: infer src } ? src : FirstBad<R>) : false
type ParseAll<Ps extends string[], Acc extends ParsedPart[] = []> = Ps extends [infer H extends string, ...infer R extends string[]]
  ? ParseAll<R, [...Acc, ParsePart<H>]>
  : Acc
type Consuming<Ps, C extends 0[] = []> = Ps extends [infer H, ...infer R]
  ? Consuming<R, H extends { k: "slice" | "index" } ? [...C, 0] : C>
  : C["length"]
type CountEll<Ps, C extends 0[] = []> = Ps extends [infer H, ...infer R]
  ? CountEll<R, H extends { k: "ellipsis" } ? [...C, 0] : C>
  : C["length"]
type Full = { k: "slice"; start: undefined; stop: undefined; step: undefined }
type Repeat<X, N extends number, Acc extends unknown[] = []> = Acc["length"] extends N ? Acc : Repeat<X, N, [...Acc, X]>
/** expand "..." (or pad on the right) so that consuming parts == rank */
type ExpandEll<Ps, Fill extends number, Acc extends unknown[] = []> = Ps extends [infer H, ...infer R]
  ? H extends { k: "ellipsis" }
    ? [...Acc, ...Repeat<Full, Fill>, ...(R extends unknown[] ? R : [])]
    : ExpandEll<R, Fill, [...Acc, H]>
  : [...Acc, ...Repeat<Full, Fill>]

/**
 * NumPy basic indexing from a string: `a:b:c` slices (negative bounds clamp like Python, positive
 * steps only), an integer index drops its dim, `...` fills with full slices, `None` inserts a 1.
 * Named or dynamic dims give `number` unless the slice is the identity (`:`, `0:`).
 * @example
 * import type { Slice } from "typegrad"
 * const s: Slice<[64, 128], "2:, 1:-1"> = [62, 126]
 * const t: Slice<["B", 3, 32], "..., None, ::2"> = ["B", 3, 1, 16]
 * @since 0.1.0
 * @category shape functions
 */
export type Slice<S extends Shape, Spec extends string> = [IsTuple<S>, string extends Spec ? false : true] extends [true, true]
  ? SliceOf<S, Spec>
  : Dim[]
type SliceOf<S extends Shape, Spec extends string> =
  ParseAll<SplitComma<Spec>> extends infer Ps extends ParsedPart[]
    ? FirstBad<Ps> extends infer src extends string
      ? ShapeMismatch<`slice: cannot parse "${src}" in "${Spec}"`>
      : CountEll<Ps> extends 0 | 1
        ? CmpLE<ToLE<Consuming<Ps>>, ToLE<S["length"]>> extends "gt"
          ? ShapeMismatch<`slice: too many indices (${Consuming<Ps>}) for ${FmtShape<S>} of rank ${S["length"]}`>
          : SliceLoop<S, ExpandEll<Ps, FromLE<SubLE<ToLE<S["length"]>, ToLE<Consuming<Ps>>>>>, S, Spec, []>
        : ShapeMismatch<`slice: only one "..." allowed in "${Spec}"`>
    : never
type SliceLoop<S, Ps, S0, Spec extends string, Acc extends Dim[], I extends 0[] = []> = Ps extends [infer P, ...infer PR]
  ? P extends { k: "new" }
    ? SliceLoop<S, PR, S0, Spec, [...Acc, 1], I>
    : S extends readonly [infer d, ...infer SR]
      ? P extends { k: "index"; i: infer i extends number }
        ? IndexOk<d, i> extends true
          ? SliceLoop<SR, PR, S0, Spec, Acc, [...I, 0]>
          : ShapeMismatch<`slice: index ${i} out of range for dim ${I["length"]} of size ${FmtDim<d>} in ${FmtShape<S0>}`>
        : P extends { k: "slice"; start: infer a; stop: infer b; step: infer c }
          ? SliceLen<d, a, b, c extends undefined ? 1 : c> extends infer n
            ? IsError<n> extends true
              ? n
              : SliceLoop<SR, PR, S0, Spec, [...Acc, n & Dim], [...I, 0]>
            : never
          : never
      : Acc
  : [...Acc, ...Sp<S>]
type IndexOk<d, i extends number> =
  Kind<d> extends "lit"
    ? `${i}` extends `-${infer k extends number}`
      ? CmpLE<ToLE<k>, ToLE<Lit<d>>> extends "gt"
        ? false
        : true
      : CmpLE<ToLE<i>, ToLE<Lit<d>>> extends "lt"
        ? true
        : false
    : true
/** clamp a python slice bound into [0, n] (all LE strings) */
type Bound<b, n extends string, Dflt extends string> = b extends undefined
  ? Dflt
  : `${b & number}` extends `-${infer k extends number}`
    ? CmpLE<ToLE<k>, n> extends "gt"
      ? "0"
      : SubLE<n, ToLE<k>>
    : CmpLE<ToLE<b & number>, n> extends "gt"
      ? n
      : ToLE<b & number>
type SliceLen<d, a, b, c> = `${c & number}` extends `-${string}` | "0"
  ? ShapeMismatch<`slice: step must be positive, got ${c & number}`>
  : Kind<d> extends "lit"
    ? Bound<a, ToLE<Lit<d>>, "0"> extends infer lo extends string
      ? Bound<b, ToLE<Lit<d>>, ToLE<Lit<d>>> extends infer hi extends string
        ? CmpLE<hi, lo> extends "gt"
          ? FromLE<DivModLE<AddLE<SubLE<hi, lo>, SubLE<ToLE<c & number>, "1">>, ToLE<c & number>>[0]>
          : 0
        : never
      : never
    : [a, b, c] extends [undefined | 0, undefined, 1]
      ? d
      : number
