/**
 * Exact type-level arithmetic on natural numbers, carried as little-endian decimal digit strings
 * (`"4201"` is 1024). Carries and borrows walk from the front of the string with
 * `${infer d}${infer rest}` and 10×10 lookup tables, so add/sub/compare cost O(digits) and
 * mul/div O(digits²) — independent of magnitude (tuple-length arithmetic dies near 1000).
 * Every recursive helper is tail-recursive, so TypeScript's 1000-step budget is never reached
 * (at most 16 digits for exact doubles).
 *
 * @since 0.1.0
 */
/**
 * A decimal digit as a string.
 *
 * @example
 * import type { Digit } from "./arith.js"
 * const d: Digit = "7" // Digit is "0" | … | "9"
 * @since 0.1.0
 * @category digits
 */
export type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9"

// 10x10 lookup tables, indexed by digit strings ("7" is a valid tuple key).
type AddTab = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  [5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
  [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
  [8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
  [9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
]
type MulTab = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
  [0, 3, 6, 9, 12, 15, 18, 21, 24, 27],
  [0, 4, 8, 12, 16, 20, 24, 28, 32, 36],
  [0, 5, 10, 15, 20, 25, 30, 35, 40, 45],
  [0, 6, 12, 18, 24, 30, 36, 42, 48, 54],
  [0, 7, 14, 21, 28, 35, 42, 49, 56, 63],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 72],
  [0, 9, 18, 27, 36, 45, 54, 63, 72, 81],
]
// a - b - borrow for digits: [resultDigit, borrowOut]
type SubTab = [
  ["0", "9", "8", "7", "6", "5", "4", "3", "2", "1"],
  ["1", "0", "9", "8", "7", "6", "5", "4", "3", "2"],
  ["2", "1", "0", "9", "8", "7", "6", "5", "4", "3"],
  ["3", "2", "1", "0", "9", "8", "7", "6", "5", "4"],
  ["4", "3", "2", "1", "0", "9", "8", "7", "6", "5"],
  ["5", "4", "3", "2", "1", "0", "9", "8", "7", "6"],
  ["6", "5", "4", "3", "2", "1", "0", "9", "8", "7"],
  ["7", "6", "5", "4", "3", "2", "1", "0", "9", "8"],
  ["8", "7", "6", "5", "4", "3", "2", "1", "0", "9"],
  ["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"],
]
type PrevDigit = { "0": "9"; "1": "0"; "2": "1"; "3": "2"; "4": "3"; "5": "4"; "6": "5"; "7": "6"; "8": "7"; "9": "8" }
type Ord = "lt" | "eq" | "gt"

/** split a 0..99 number into [carry digit, low digit] */
type Split<N extends number> = `${N}` extends `${infer H extends Digit}${infer L extends Digit}` ? [H, L] : ["0", `${N}` & Digit]

// ---------------------------------------------------------------- string <-> number
/**
 * Reverse a string (converts between little- and big-endian digit order).
 *
 * @example
 * import type { Rev } from "./arith.js"
 * const r: Rev<"1024"> = "4201"
 * @since 0.1.0
 * @category digits
 */
export type Rev<S extends string, Acc extends string = ""> = S extends `${infer A}${infer B}${infer C}${infer D}${infer R}`
  ? Rev<R, `${D}${C}${B}${A}${Acc}`>
  : S extends `${infer H}${infer R}`
    ? Rev<R, `${H}${Acc}`>
    : Acc

/**
 * A non-negative integer literal as a little-endian digit string; `never` for negatives, fractions and 1e21+.
 *
 * @example
 * import type { ToLE } from "./arith.js"
 * const l: ToLE<1024> = "4201"
 * @since 0.1.0
 * @category digits
 */
export type ToLE<N extends number> = `${N}` extends `${bigint}` ? (`${N}` extends `-${string}` ? never : Rev<`${N}`>) : never
/**
 * A little-endian digit string back to a number literal; `number` past 2^53, where the decimal no longer round-trips.
 *
 * @example
 * import type { FromLE } from "./arith.js"
 * const n: FromLE<"4201"> = 1024
 * @since 0.1.0
 * @category digits
 */
export type FromLE<S extends string> = Rev<S> extends `${infer N extends number}` ? N : number

/** strip high-order zeros (trailing in LE); "" / "000" -> "0" */
type Norm<S extends string> = Rev<StripZ<Rev<S>>>
type StripZ<S extends string> = S extends `0${infer R}` ? StripZ<R> : S extends "" ? "0" : S

// ---------------------------------------------------------------- LE primitives
/**
 * Sum of two little-endian digit strings.
 *
 * @example
 * import type { AddLE } from "./arith.js"
 * const s: AddLE<"9", "1"> = "01" // 9 + 1 = 10
 * @since 0.1.0
 * @category digits
 */
export type AddLE<
  A extends string,
  B extends string,
  C extends Digit = "0",
  Acc extends string = "",
> = A extends `${infer a extends Digit}${infer AR}`
  ? B extends `${infer b extends Digit}${infer BR}`
    ? AddStep<AddTab[a][b], C> extends [infer c extends Digit, infer d extends Digit]
      ? AddLE<AR, BR, c, `${Acc}${d}`>
      : never
    : AddStep<AddTab[a][0], C> extends [infer c extends Digit, infer d extends Digit]
      ? AddLE<AR, "", c, `${Acc}${d}`>
      : never
  : B extends `${infer b extends Digit}${infer BR}`
    ? AddStep<AddTab[b][0], C> extends [infer c extends Digit, infer d extends Digit]
      ? AddLE<"", BR, c, `${Acc}${d}`>
      : never
    : C extends "1"
      ? `${Acc}1`
      : Acc
type AddStep<S extends number, C extends Digit> = C extends "0"
  ? Split<S>
  : Split<AddTab[Split<S>[1]][C]> extends [infer h extends Digit, infer l extends Digit]
    ? [AddTab[Split<S>[0]][h] extends infer x extends number ? `${x}` & Digit : never, l]
    : never

/**
 * Difference A − B of little-endian digit strings, assuming A ≥ B (check with `CmpLE`).
 *
 * @example
 * import type { SubLE } from "./arith.js"
 * const d: SubLE<"01", "1"> = "9"
 * @since 0.1.0
 * @category digits
 */
export type SubLE<
  A extends string,
  B extends string,
  Borrow extends boolean = false,
  Acc extends string = "",
> = A extends `${infer a extends Digit}${infer AR}`
  ? B extends `${infer b extends Digit}${infer BR}`
    ? SubDigit<a, b, Borrow, AR, BR, Acc>
    : SubDigit<a, "0", Borrow, AR, "", Acc>
  : Norm<Acc>
type SubDigit<
  a extends Digit,
  b extends Digit,
  Borrow extends boolean,
  AR extends string,
  BR extends string,
  Acc extends string,
> = Borrow extends true
  ? a extends "0"
    ? SubLE<AR, BR, true, `${Acc}${SubTab["9"][b]}`>
    : SubLE<AR, BR, CmpDigit<PrevDigit[a], b> extends "lt" ? true : false, `${Acc}${SubTab[PrevDigit[a]][b]}`>
  : SubLE<AR, BR, CmpDigit<a, b> extends "lt" ? true : false, `${Acc}${SubTab[a][b]}`>
type CmpDigit<a extends Digit, b extends Digit> = a extends b
  ? "eq"
  : "0123456789" extends `${string}${a}${string}${b}${string}`
    ? "lt"
    : "gt"

/**
 * Compare two normalised little-endian digit strings: `"lt" | "eq" | "gt"`.
 *
 * @example
 * import type { CmpLE } from "./arith.js"
 * const c: CmpLE<"9", "01"> = "lt"
 * @since 0.1.0
 * @category digits
 */
export type CmpLE<A extends string, B extends string, V extends Ord = "eq"> = A extends `${infer a extends Digit}${infer AR}`
  ? B extends `${infer b extends Digit}${infer BR}`
    ? CmpLE<AR, BR, a extends b ? V : CmpDigit<a, b>>
    : "gt"
  : B extends ""
    ? V
    : "lt"

/** LE * single digit */
type MulRow<
  A extends string,
  b extends Digit,
  C extends Digit = "0",
  Acc extends string = "",
> = A extends `${infer a extends Digit}${infer AR}`
  ? Split<MulTab[a][b]> extends [infer h extends Digit, infer l extends Digit]
    ? Split<AddTab[l][C]> extends [infer h2 extends Digit, infer l2 extends Digit]
      ? MulRow<AR, b, `${AddTab[h][h2]}` & Digit, `${Acc}${l2}`>
      : never
    : never
  : C extends "0"
    ? Acc
    : `${Acc}${C}`

/**
 * Product of two little-endian digit strings (schoolbook).
 *
 * @example
 * import type { MulLE } from "./arith.js"
 * const p: MulLE<"21", "3"> = "63" // 12·3 = 36
 * @since 0.1.0
 * @category digits
 */
export type MulLE<A extends string, B extends string, Shift extends string = "", Acc extends string = "0"> = A extends "0"
  ? "0"
  : B extends `${infer b extends Digit}${infer BR}`
    ? MulLE<A, BR, `${Shift}0`, b extends "0" ? Acc : AddLE<Acc, `${Shift}${MulRow<A, b>}`>>
    : Norm<Acc>

/**
 * `[floor(A / B), A mod B]` of little-endian digit strings by long division (B ≠ "0").
 *
 * @example
 * import type { DivModLE } from "./arith.js"
 * const q: DivModLE<"01", "3"> = ["3", "1"] // 10 = 3·3 + 1
 * @since 0.1.0
 * @category digits
 */
export type DivModLE<A extends string, B extends string> = DivLoop<Rev<A>, B, Multiples<B>>
type Multiples<B extends string> = {
  "0": "0"
  "1": B
  "2": MulRow<B, "2">
  "3": MulRow<B, "3">
  "4": MulRow<B, "4">
  "5": MulRow<B, "5">
  "6": MulRow<B, "6">
  "7": MulRow<B, "7">
  "8": MulRow<B, "8">
  "9": MulRow<B, "9">
}
// ABE is the dividend BIG-endian; R the running remainder (LE); Q the quotient (BE)
type DivLoop<
  ABE extends string,
  B extends string,
  M extends Record<Digit, string>,
  R extends string = "0",
  Q extends string = "",
> = ABE extends `${infer d extends Digit}${infer Rest}`
  ? (R extends "0" ? d : `${d}${R}`) extends infer R2 extends string
    ? PickQ<R2, M> extends infer q extends Digit
      ? DivLoop<Rest, B, M, SubLE<R2, M[q]>, `${Q}${q}`>
      : never
    : never
  : [Norm<Rev<Q>>, R]
type PickQ<
  R extends string,
  M extends Record<Digit, string>,
  Q extends Digit[] = ["9", "8", "7", "6", "5", "4", "3", "2", "1"],
> = Q extends [infer q extends Digit, ...infer QR extends Digit[]] ? (CmpLE<M[q], R> extends "gt" ? PickQ<R, M, QR> : q) : "0"

// ---------------------------------------------------------------- public, on number literals
/**
 * `true` iff N is a single non-negative integer literal (not `number`, not a union).
 *
 * @example
 * import type { IsNat } from "./arith.js"
 * const t: IsNat<1024> = true
 * const f: IsNat<number> = false
 * @since 0.1.0
 * @category arithmetic
 */
export type IsNat<N> = [N] extends [number]
  ? number extends N
    ? false
    : IsUnion<N> extends true
      ? false
      : `${N}` extends `${bigint}`
        ? `${N}` extends `-${string}`
          ? false
          : true
        : false
  : false
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never

/**
 * A + B on number literals; `number` if either is not a literal.
 *
 * @example
 * import type { Add } from "./arith.js"
 * const s: Add<50257, 1048576> = 1098833
 * @since 0.1.0
 * @category arithmetic
 */
export type Add<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true] ? FromLE<AddLE<ToLE<A>, ToLE<B>>> : number
/**
 * A − B on number literals; `never` when B > A.
 *
 * @example
 * import type { Sub } from "./arith.js"
 * const d: Sub<1024, 1> = 1023
 * @since 0.1.0
 * @category arithmetic
 */
export type Sub<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? CmpLE<ToLE<A>, ToLE<B>> extends "lt"
    ? never
    : FromLE<SubLE<ToLE<A>, ToLE<B>>>
  : number
/**
 * A · B on number literals.
 *
 * @example
 * import type { Mul } from "./arith.js"
 * const p: Mul<50257, 768> = 38597376
 * @since 0.1.0
 * @category arithmetic
 */
export type Mul<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true] ? FromLE<MulLE<ToLE<A>, ToLE<B>>> : number
/**
 * floor(A / B) on number literals; `never` for B = 0.
 *
 * @example
 * import type { FloorDiv } from "./arith.js"
 * const q: FloorDiv<1000000, 7> = 142857
 * @since 0.1.0
 * @category arithmetic
 */
export type FloorDiv<A extends number, B extends number> = B extends 0
  ? never
  : [IsNat<A>, IsNat<B>] extends [true, true]
    ? FromLE<DivModLE<ToLE<A>, ToLE<B>>[0]>
    : number
/**
 * A mod B on number literals; `never` for B = 0.
 *
 * @example
 * import type { Mod } from "./arith.js"
 * const r: Mod<1000000, 7> = 1
 * @since 0.1.0
 * @category arithmetic
 */
export type Mod<A extends number, B extends number> = B extends 0
  ? never
  : [IsNat<A>, IsNat<B>] extends [true, true]
    ? FromLE<DivModLE<ToLE<A>, ToLE<B>>[1]>
    : number
/**
 * Compare number literals: `"lt" | "eq" | "gt"`.
 *
 * @example
 * import type { Compare } from "./arith.js"
 * const c: Compare<9, 10> = "lt"
 * @since 0.1.0
 * @category arithmetic
 */
export type Compare<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true] ? CmpLE<ToLE<A>, ToLE<B>> : Ord
