/**
 * The closed registry of primitives. `satisfies Registry` makes a missing primitive (or a rule of
 * the wrong kind) a compile error.
 *
 * @since 0.1.0
 */
import * as B from "./binary.js"
import * as L from "./linalg.js"
import type { Registry } from "../core/primitive.js"
import * as R from "./reduce.js"
import * as S from "./structural.js"
import * as U from "./unary.js"

export const primitives = {
  neg: U.negP, exp: U.expP, log: U.logP, log1p: U.log1pP, sin: U.sinP, cos: U.cosP, sqrt: U.sqrtP, tanh: U.tanhP,
  sigmoid: U.sigmoidP, abs: U.absP, sign: U.signP,
  add: B.addP, sub: B.subP, mul: B.mulP, div: B.divP, pow: B.powP, max: B.maxP, min: B.minP,
  compare: B.compareP, where: B.whereP, cast: B.castP, stopGradient: B.stopGradientP,
  reduceSum: R.reduceSumP, reduceMax: R.reduceMaxP, reduceMin: R.reduceMinP, reduceProd: R.reduceProdP, argReduce: R.argReduceP,
  reshape: S.reshapeP, broadcastTo: S.broadcastToP, transpose: S.transposeP, slice: S.sliceP, pad: S.padP, concat: S.concatP,
  matmul: L.matmulP, unfold: L.unfoldP, fold: L.foldP,
} as const satisfies Registry
