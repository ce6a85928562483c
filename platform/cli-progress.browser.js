/**
 * The browser side of `#cli-progress`: there is no terminal, so no bar; the training loop prints
 * plain lines instead. Keeping the Node library out of this file lets browser bundles build.
 */

/** No bar library in browsers. */
export const SingleBar = undefined
