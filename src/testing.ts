/**
 * `typegrad/testing`: arbitraries and gradient checks for property tests.
 *
 * @example
 * import { arbTensor, checkGrads } from "typegrad/testing"
 * @since 0.1.0
 * @module typegrad/testing
 */
export * from "./testing/index.js"
