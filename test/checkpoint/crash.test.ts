// Atomic checkpoint writes under SIGKILL: a short run of the crash drill (the long one is
// `npm run soak:checkpoint`). Every kill must leave the previous version or the new one at the path.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, test } from "vitest"
import { crashDrill } from "./crash-harness.js"

test("killing the writer mid-save never leaves garbage at the target", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-crash-"))
  try {
    const stats = await crashDrill({ kills: 24, dir, lanes: 2 })
    expect(stats.garbage).toEqual([])
    // the drill exercised what it claims: writes completed, and kills landed while a temp file existed
    expect(stats.versionsSaved).toBeGreaterThan(0)
    expect(stats.midWrite).toBeGreaterThan(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)
