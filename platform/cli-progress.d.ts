/**
 * Types of a `#cli-progress` module: cli-progress's `SingleBar` where a terminal can exist (Node),
 * `undefined` in browsers.
 */
import type { SingleBar as Bar } from "cli-progress"

/** The bar class, or undefined where there is none. */
export declare const SingleBar: typeof Bar | undefined
