/**
 * Type-level shape rules of the linear-algebra ops: square matrices over the last two axes (the
 * leading axes are batch axes), `solve`'s right-hand side (a vector or a matrix per batch entry,
 * batch axes broadcast), and the shapes of the factors and determinants.
 *
 * @since 0.1.0
 */
import type { IsTuple, Sp, Unify } from "./types-internal.js"
import type { Broadcast, Dim, FmtShape, IsError, Shape, ShapeMismatch } from "./types.js"

/**
 * `S` when it is a batch of square matrices `[..., n, n]`, else the error `Op` reports at run time.
 * @example
 * import type { SquareMatrix } from "typegrad"
 * const s: SquareMatrix<[5, 3, 3], "inv"> = [5, 3, 3]
 * type E = SquareMatrix<[2, 3], "inv"> // ShapeMismatch<"inv: needs square matrices [..., n, n], got [2, 3]">
 * @since 0.1.0
 * @category shape functions
 */
export type SquareMatrix<S extends Shape, Op extends string> =
  IsTuple<S> extends true
    ? S extends readonly [...Dim[], infer m, infer n]
      ? IsError<Unify<m, n, "">> extends true
        ? ShapeMismatch<`${Op}: needs square matrices [..., n, n], got ${FmtShape<S>}`>
        : S
      : ShapeMismatch<`${Op}: needs square matrices [..., n, n], got ${FmtShape<S>}`>
    : S

/**
 * The batch axes of a batch of matrices: `S` without its last two axes.
 * @example
 * import type { MatrixBatch } from "typegrad"
 * const b: MatrixBatch<[5, 3, 3]> = [5]
 * @since 0.1.0
 * @category shape functions
 */
export type MatrixBatch<S extends Shape> =
  IsTuple<S> extends true ? (S extends readonly [...infer B extends Dim[], Dim, Dim] ? B : Dim[]) : Dim[]

/**
 * The shape of `solve(a, b)`: `b` is a vector per batch entry when it has one axis fewer than
 * `a` (`[..., n]`), else a matrix `[..., n, k]`; batch axes broadcast (NumPy), `n` must agree.
 * @example
 * import type { Solve } from "typegrad"
 * const x: Solve<[3, 3], [3]> = [3]
 * const y: Solve<[8, 3, 3], [8, 3, 2]> = [8, 3, 2]
 * // [3, 2] has one axis fewer than [8, 3, 3]: a batch of vectors of size 2, which does not fit
 * type F = Solve<[8, 3, 3], [3, 2]> // ShapeMismatch<"solve: [8, 3, 3] cannot solve a right-hand side [3, 2] (3 vs 2)">
 * type E = Solve<[3, 3], [4]> // ShapeMismatch<"solve: [3, 3] cannot solve a right-hand side [4] (3 vs 4)">
 * @since 0.1.0
 * @category shape functions
 */
export type Solve<A extends Shape, B extends Shape> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? SquareMatrix<A, "solve"> extends infer Sq
    ? IsError<Sq> extends true
      ? Sq
      : A extends readonly [...infer BA extends Dim[], Dim, infer n]
        ? B extends readonly [...infer BB extends Dim[], infer k]
          ? BB["length"] extends BA["length"]
            ? SolveOut<Unify<n, k, SolveMsg<A, B>>, Broadcast<BA, BB>, A, B, []>
            : B extends readonly [...infer BB2 extends Dim[], infer k2, infer m]
              ? SolveOut<Unify<n, k2, SolveMsg<A, B>>, Broadcast<BA, BB2>, A, B, [m & Dim]>
              : ShapeMismatch<SolveMsg<A, B>>
          : ShapeMismatch<SolveMsg<A, B>>
        : never
    : never
  : Dim[]
type SolveMsg<A, B> = `solve: ${FmtShape<A>} cannot solve a right-hand side ${FmtShape<B>}`
type SolveOut<N, Batch, A, B, Tail extends Dim[]> =
  IsError<N> extends true
    ? N
    : IsError<Batch> extends true
      ? ShapeMismatch<`solve: batch axes of ${FmtShape<A>} and ${FmtShape<B>} do not broadcast`>
      : [...Sp<Batch>, N & Dim, ...Tail]
