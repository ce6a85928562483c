// The writer of the crash drill: saves checkpoint versions 1, 2, 3, … to one path, as fast as it
// can, printing "saved v" after each, until it is killed. Bundled and run by crash-harness.ts.
import { Effect } from "effect"
import * as tg from "../../src/index.js"
import { versionTree } from "./crash-versions.js"

const [path, first] = process.argv.slice(2) as [string, string]
process.stdout.write("ready\n")
for (let v = Number(first); ; v++) {
  await Effect.runPromise(tg.saveCheckpoint(path, versionTree(v)))
  process.stdout.write(`saved ${v}\n`)
}
