// The long crash drill: `npm run soak:checkpoint -- [kills]` (default 200) kills a checkpoint writer
// that many times and prints what the target held after each kill; exits 1 on any garbage.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { crashDrill } from "./crash-harness.js"

const kills = Number(process.argv[2] ?? 200)
const dir = mkdtempSync(join(tmpdir(), "tg-crash-soak-"))
const stats = await crashDrill({ kills, dir, lanes: 4, log: (s) => console.log(s) })
rmSync(dir, { recursive: true, force: true })
console.log(
  `${stats.kills} kills in ${(stats.elapsedMs / 1000).toFixed(1)} s: ${stats.versionsSaved} versions saved, ` +
    `${stats.midWrite} kills left a temp file (died mid-write), ${stats.unreported} found the in-flight version renamed, ` +
    `${stats.garbage.length} corrupt`,
)
for (const g of stats.garbage) console.log(`CORRUPT ${g}`)
process.exit(stats.garbage.length === 0 ? 0 : 1)
