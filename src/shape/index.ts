/**
 * Shapes in the type system and at run time: `Shape` algebra types (`Matmul`, `Reshape`,
 * `Slice`, …), their runtime twins (`matmulShape`, …) and the digit-string arithmetic behind them.
 *
 * @since 0.1.0
 */
export type * from "./arith.js"
export * from "./runtime.js"
export type * from "./types.js"
