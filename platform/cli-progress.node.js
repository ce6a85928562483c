/**
 * The Node side of `#cli-progress`: the terminal progress bar library. Plain JavaScript (typed by
 * cli-progress.d.ts) so the same file serves the sources and the build; browser bundles get
 * cli-progress.browser.js instead, chosen by the package's `imports` conditions.
 */
import cliProgress from "cli-progress"

/** cli-progress's single bar. */
export const SingleBar = cliProgress.SingleBar
