/**
 * `einsum` with its output shape computed from the pattern at compile time: the type walks the
 * pattern's letters against the operands' shapes, so `einsum("bij,bjk->bik", a, b)` is
 * `Tensor<[B, I, K]>` and a letter bound to two different sizes is a compile error naming the
 * letter and both sizes. At run time the operands are contracted pairwise, left to right, each
 * contraction a transpose + reshape + batched `matmul`; no rules of its own.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../../errors.js"
import type { Dim, Guard, ShapeMismatch } from "../../shape/index.js"
import type { Unify } from "../../shape/types-internal.js"
import { numel } from "../core/aval.js"
import { commonDevice } from "../core/interpreter.js"
import * as lax from "../core/lax.js"
import type { AnyTensor } from "../core/tensor.js"
import { matmul } from "../prims/matmul.js"
import type { DeviceOf, DTypeOf, Out, ShapesOf } from "./typing.js"

// ------------------------------------------------------------------ the type-level rule

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S
type Chars<S extends string> = S extends `${infer C}${infer R}` ? (C extends " " ? Chars<R> : [C, ...Chars<R>]) : []
type SplitOn<S extends string, Sep extends string> = S extends `${infer H}${Sep}${infer R}` ? [Trim<H>, ...SplitOn<R, Sep>] : [Trim<S>]
/** Letter bindings so far, as `[letter, dim]` pairs. */
type Env = ReadonlyArray<readonly [string, Dim]>
type Lookup<E, L extends string> = E extends readonly [readonly [infer K, infer D], ...infer R] ? (K extends L ? [D] : Lookup<R, L>) : []

/** Bind one operand's letters to its dims, unifying with earlier bindings. */
type BindOne<Ls, S, E extends Env> = Ls extends [infer L extends string, ...infer LR]
  ? S extends readonly [infer D extends Dim, ...infer SR]
    ? Lookup<E, L> extends [infer Seen]
      ? Unify<Seen, D, `einsum: letter ${L} has two sizes`> extends infer u
        ? u extends ShapeMismatch<string>
          ? u
          : BindOne<LR, SR, [...E, readonly [L, u & Dim]]>
        : never
      : BindOne<LR, SR, [...E, readonly [L, D]]>
    : never
  : E

type BindAll<Ops, Ss, E extends Env = [], I extends 0[] = []> = Ops extends [infer O extends string, ...infer OR]
  ? Ss extends readonly [infer S extends readonly Dim[], ...infer SR]
    ? number extends S["length"]
      ? "dynamic"
      : Chars<O>["length"] extends S["length"]
        ? BindOne<Chars<O>, S, E> extends infer e
          ? e extends ShapeMismatch<string>
            ? e
            : e extends Env
              ? BindAll<OR, SR, e, [...I, 0]>
              : never
          : never
        : ShapeMismatch<`einsum: operand ${I["length"]} '${O}' has ${Chars<O>["length"]} letters but rank ${S["length"]}`>
    : ShapeMismatch<`einsum: the pattern names more operands than the ${I["length"]} given`>
  : Ss extends readonly [unknown, ...unknown[]]
    ? ShapeMismatch<`einsum: ${I["length"]} operands in the pattern but more were given`>
    : E

/** The output dims; a later binding of a letter (unified) wins, hence the reversed lookup order does not matter. */
type OutDims<Ls, E extends Env, Acc extends Dim[] = []> = Ls extends [infer L extends string, ...infer R]
  ? Lookup<Rev<E>, L> extends [infer D extends Dim]
    ? OutDims<R, E, [...Acc, D]>
    : ShapeMismatch<`einsum: output letter ${L} appears in no operand`>
  : Acc
type Rev<E, Acc extends unknown[] = []> = E extends readonly [infer H, ...infer R] ? Rev<R, [H, ...Acc]> : Acc

/**
 * The output shape of `einsum(P, ...operands)` for shapes `Ss`: exact when the pattern has an
 * explicit `->` and every shape has a known rank, `Dim[]` otherwise.
 * @example
 * import type { Einsum } from "typegrad"
 * const s: Einsum<"bij,bjk->bik", [[8, 2, 3], [8, 3, 4]]> = [8, 2, 4]
 * @since 0.1.0
 * @category shape functions
 */
export type Einsum<P extends string, Ss extends readonly (readonly Dim[])[]> = string extends P
  ? Dim[]
  : P extends `${infer Ins}->${infer O}`
    ? BindAll<SplitOn<Ins, ",">, Ss> extends infer e
      ? e extends ShapeMismatch<string>
        ? e
        : e extends "dynamic"
          ? Dim[]
          : e extends Env
            ? OutDims<Chars<O>, e>
            : never
      : never
    : Dim[]

// ------------------------------------------------------------------ run time

interface Term {
  readonly t: AnyTensor
  readonly letters: string[]
}

const parse = (pattern: string, n: number): { ins: string[][]; out: string[] } => {
  const fail = (why: string): never => {
    throw ShapeError.of("einsum", `${why} in "${pattern}"`, [])
  }
  if (pattern.includes(".")) fail("ellipses are not supported")
  const [lhs, rhs, extra] = pattern.replace(/\s+/g, "").split("->")
  if (extra !== undefined) fail("more than one ->")
  const ins = lhs!.split(",").map((s) => [...s])
  ins.flat().forEach((c) => /[a-zA-Z]/.test(c) || fail(`"${c}" is not a letter`))
  if (ins.length !== n) fail(`${ins.length} operands named but ${n} given`)
  const count = new Map<string, number>()
  ins.flat().forEach((c) => count.set(c, (count.get(c) ?? 0) + 1))
  // implicit output (NumPy): the letters that appear once, in alphabetical order
  const out = rhs === undefined ? [...count.keys()].filter((c) => count.get(c) === 1).sort() : [...rhs]
  out.forEach((c, i) => {
    if (!count.has(c)) fail(`output letter ${c} appears in no operand`)
    if (out.indexOf(c) !== i) fail(`output letter ${c} repeated`)
  })
  return { ins, out }
}

/** Take the diagonal over a letter repeated within one operand (`ii` → `i`). */
const dedupe = (t: AnyTensor, letters: string[]): Term => {
  for (let j = 1; j < letters.length; j++) {
    const i = letters.indexOf(letters[j]!)
    if (i === j) continue
    const n = t.shape[i] as number
    // move the pair to the end, flatten it, and step by n + 1 through the n × n block
    const rest = letters.map((_, k) => k).filter((k) => k !== i && k !== j)
    const moved = lax.transpose(t, [...rest, i, j])
    const lead = rest.map((k) => t.shape[k] as number)
    const flat = lax.reshape(moved, [...lead, n * n])
    const diag = n === 0 ? flat : lax.slice(flat, [...lead.map(() => 0), 0], [...lead.map(() => 1), n + 1], [...lead, n])
    return dedupe(diag, [...rest.map((k) => letters[k]!), letters[i]!])
  }
  return { t, letters }
}

/** Sum away letters that no other operand and not the output need. */
const sumUnused = (x: Term, keep: Set<string>): Term => {
  const axes = x.letters.flatMap((c, i) => (keep.has(c) ? [] : [i]))
  return { t: lax.reduceSum(x.t, axes), letters: x.letters.filter((c) => keep.has(c)) }
}

/** Contract two terms: batch letters (kept, in both), contracted (in both, not kept), the rest. */
const contract = (a: Term, b: Term, keep: Set<string>): Term => {
  const inB = new Set(b.letters)
  const batch = a.letters.filter((c) => inB.has(c) && keep.has(c))
  const summed = a.letters.filter((c) => inB.has(c) && !keep.has(c))
  const aOnly = a.letters.filter((c) => !inB.has(c))
  const bOnly = b.letters.filter((c) => !a.letters.includes(c))
  const size = (x: Term, c: string) => x.t.shape[x.letters.indexOf(c)] as number
  const perm = (x: Term, order: string[]) =>
    lax.transpose(
      x.t,
      order.map((c) => x.letters.indexOf(c)),
    )
  const nb = numel(batch.map((c) => size(a, c))),
    m = numel(aOnly.map((c) => size(a, c)))
  const k = numel(summed.map((c) => size(a, c))),
    n = numel(bOnly.map((c) => size(b, c)))
  const am = lax.reshape(perm(a, [...batch, ...aOnly, ...summed]), [nb, m, k])
  const bm = lax.reshape(perm(b, [...batch, ...summed, ...bOnly]), [nb, k, n])
  const y = matmul(am as never, bm as never) as AnyTensor
  const letters = [...batch, ...aOnly, ...bOnly]
  return { t: lax.reshape(y, [...batch.map((c) => size(a, c)), ...aOnly.map((c) => size(a, c)), ...bOnly.map((c) => size(b, c))]), letters }
}

/**
 * Einstein summation (NumPy's `einsum` without ellipses): the pattern names each operand's axes
 * by letters; letters missing from the output are summed. With an explicit `->` and operands of
 * known rank the result's shape is computed at compile time, and a letter bound to two sizes is a
 * compile error naming the letter and both sizes. Differentiable in every operand.
 *
 * @example
 * import * as tg from "typegrad"
 * const a = tg.ones([8, 2, 3])
 * const b = tg.ones([8, 3, 4])
 * const c = tg.einsum("bij,bjk->bik", a, b) // Tensor<[8, 2, 4]>
 * c.shape // [8, 2, 4]
 * tg.einsum("ii->", tg.eye(3)).item() // 3 (the trace)
 * @since 0.1.0
 * @category linear algebra
 */
export const einsum = <const P extends string, const Ts extends readonly [AnyTensor, ...AnyTensor[]]>(
  pattern: P & NoInfer<Guard<Einsum<P, ShapesOf<Ts>>>>,
  ...operands: Ts
): Out<Einsum<P, ShapesOf<Ts>>, DTypeOf<Ts[0]>, DeviceOf<Ts[0]>> => {
  commonDevice(operands, "einsum")
  const { ins, out } = parse(pattern, operands.length)
  const sizes = new Map<string, number>()
  const terms = operands.map((t, i) => {
    const ls = ins[i]!
    if (ls.length !== t.shape.length)
      throw ShapeError.of("einsum", `operand ${i} '${ls.join("")}' has ${ls.length} letters but rank ${t.shape.length}`, t.shape)
    ls.forEach((c, d) => {
      const n = t.shape[d] as number
      const seen = sizes.get(c)
      if (seen !== undefined && seen !== n)
        throw ShapeError.of("einsum", `letter ${c} has two sizes (${seen} vs ${n})`, ...operands.map((o) => o.shape))
      sizes.set(c, n)
    })
    return dedupe(t, [...ls])
  })
  /** letters needed after term `i`: the output's and those of later terms */
  const needAfter = (i: number) => new Set([...out, ...terms.slice(i + 1).flatMap((x) => x.letters)])
  let acc = sumUnused(terms[0]!, needAfter(0))
  for (let i = 1; i < terms.length; i++) {
    const keep = needAfter(i)
    acc = contract(acc, sumUnused(terms[i]!, new Set([...keep, ...acc.letters])), keep)
    acc = sumUnused(acc, keep)
  }
  acc = sumUnused(acc, new Set(out))
  return lax.transpose(
    acc.t,
    out.map((c) => acc.letters.indexOf(c)),
  ) as never
}
