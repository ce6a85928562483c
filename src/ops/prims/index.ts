/**
 * The closed registry of primitives, assembled from the definition files (one per family) and
 * installed for the `lax` layer and the rules. `satisfies Registry` makes a declared primitive
 * without a definition (or a rule of the wrong kind) a compile error.
 *
 * @since 0.1.0
 */
import { installPrimitives, type Registry } from "../core/primitive.js"
import binaryPrimitives from "./binary.js"
import comparePrimitives from "./compare.js"
import convertPrimitives from "./convert.js"
import gatherPrimitives from "./gather.js"
import linalgPrimitives from "./linalg.js"
import matmulPrimitives from "./matmul.js"
import randomPrimitives from "./random.js"
import reducePrimitives from "./reduce.js"
import roundingPrimitives from "./rounding.js"
import sortPrimitives from "./sort.js"
import structuralPrimitives from "./structural.js"
import unaryPrimitives from "./unary.js"
import windowPrimitives from "./window.js"

/**
 * The families' union type, spelled out so that the emitted typings import every family file and
 * so see the names each one declares into `Primitives`.
 */
type Families = typeof unaryPrimitives &
  typeof binaryPrimitives &
  typeof comparePrimitives &
  typeof convertPrimitives &
  typeof gatherPrimitives &
  typeof roundingPrimitives &
  typeof reducePrimitives &
  typeof structuralPrimitives &
  typeof matmulPrimitives &
  typeof windowPrimitives &
  typeof linalgPrimitives &
  typeof sortPrimitives &
  typeof randomPrimitives

/** Every kernel primitive by name. @internal */
export const primitives: Families = {
  ...unaryPrimitives,
  ...binaryPrimitives,
  ...comparePrimitives,
  ...convertPrimitives,
  ...reducePrimitives,
  ...structuralPrimitives,
  ...matmulPrimitives,
  ...windowPrimitives,
  ...gatherPrimitives,
  ...roundingPrimitives,
  ...linalgPrimitives,
  ...sortPrimitives,
  ...randomPrimitives,
} as const satisfies Registry

installPrimitives(primitives)
