/**
 * The f32 GEMM kernel as a generated WebAssembly module (Goto/BLIS order). `block` computes one
 * MC×NC block of C = A·B over the whole depth: per KC slice it packs B into NR-column strips and A
 * into MR-row strips, then runs an MR×NR register-blocked micro-kernel (f32x4 accumulators, FMA
 * through relaxed SIMD when the engine has it) over every strip pair. `task` maps a task number to
 * a (batch, row block, column block) of the problem described in the parameter block, so every
 * thread runs the same code on its own share.
 *
 * Either operand may be stored transposed (flags `ta`, `tb` in the parameter block): A as
 * [batch, k, m], B as [batch, n, k]. The packing routines then read that layout (`packAT`,
 * `packBT`), so a product with a transposed operand needs no transposed copy.
 *
 * @since 0.1.0
 */
import { InternalError } from "../../../errors.js"
import { type Body, I32, ModuleBuilder, V128, F32, type Local } from "./emit.js"

/** How the micro-kernel multiplies and adds. */
export type GemmMode = "relaxed" | "simd" | "scalar"

/** Kernel geometry: micro-tile MR×NR, depth slice KC, block MC×NC (MC a multiple of MR, NC of NR). */
export interface GemmShape {
  readonly mr: number
  readonly nr: number
  readonly kc: number
  readonly mc: number
  readonly nc: number
  /** depth unroll of the micro-kernel (packed panels are zero-padded to a multiple of it) */
  readonly ku: number
}

/** Byte offsets of the problem description inside the parameter block (i32 fields). */
export const P = { a: 0, b: 4, c: 8, m: 12, k: 16, n: 20, tilesM: 24, tilesN: 28, mb: 32, nb: 36, ta: 40, tb: 44 } as const

/** Bytes of one thread's scratch: the edge tile, packed A (MC×KC) and packed B (KC×NC). */
export const scratchBytes = (s: GemmShape): number => 256 + 4 * (s.kc + s.ku) * (s.mc + s.nc)

type L = Local<typeof I32>

/** i32 min(x, y) of two locals onto the stack. */
const min = (f: Body, x: L, y: L) => f.get(x).get(y).get(x).get(y).i32LtS().select()

/** The micro-kernel: C[MR×NR at c, row stride ldc bytes] (+)= packed A strip · packed B strip (kc a multiple of KU). */
const micro = (f: Body, s: GemmShape, mode: GemmMode) => {
  const [pa, pb, kc, c, ldc, accum] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const lanes = mode === "scalar" ? 1 : 4
  const nv = s.nr / lanes
  const vt = mode === "scalar" ? F32 : V128
  const acc = Array.from({ length: s.mr * nv }, () => f.local(vt))
  const bv = Array.from({ length: nv }, () => f.local(vt))
  const av = f.local(vt)
  if (mode !== "scalar") for (const x of acc) f.v128Const([0, 0, 0, 0]).set(x)
  else for (const x of acc) f.f32Const(0).set(x)
  f.loop()
  for (let u = 0; u < s.ku; u++) {
    for (let v = 0; v < nv; v++) {
      f.get(pb)
      if (mode === "scalar") f.f32Load(4 * (u * s.nr + v))
      else f.v128Load(4 * u * s.nr + 16 * v)
      f.set(bv[v]!)
    }
    for (let r = 0; r < s.mr; r++) {
      f.get(pa)
      if (mode === "scalar") f.f32Load(4 * (u * s.mr + r))
      else f.v128Load32Splat(4 * (u * s.mr + r))
      f.set(av)
      for (let v = 0; v < nv; v++) {
        const x = acc[r * nv + v]!
        if (mode === "relaxed") f.get(av).get(bv[v]!).get(x).f32x4RelaxedMadd().set(x)
        else if (mode === "simd") f.get(x).get(av).get(bv[v]!).f32x4Mul().f32x4Add().set(x)
        else f.get(x).get(av).get(bv[v]!).f32Mul().f32Add().set(x)
      }
    }
  }
  f.get(pa)
    .i32Const(4 * s.mr * s.ku)
    .i32Add()
    .set(pa)
  f.get(pb)
    .i32Const(4 * s.nr * s.ku)
    .i32Add()
    .set(pb)
  f.get(kc).i32Const(s.ku).i32Sub().tee(kc).brIf(0).end()
  // store: C = acc, or C += acc on later depth slices
  const row = f.local(I32)
  f.get(c).set(row)
  for (let r = 0; r < s.mr; r++) {
    for (let v = 0; v < nv; v++) {
      const x = acc[r * nv + v]!
      const off = mode === "scalar" ? 4 * v : 16 * v
      f.get(row)
      f.get(accum).if(vt).get(x).get(row)
      if (mode === "scalar") f.f32Load(off).f32Add()
      else f.v128Load(off).f32x4Add()
      f.else().get(x).end()
      if (mode === "scalar") f.f32Store(off)
      else f.v128Store(off)
    }
    f.get(row).get(ldc).i32Add().set(row)
  }
}

/** Zero rows kc..kp of a strip (each `width` floats) at dst, and move dst past them. */
const zeroTail = (f: Body, dst: L, kc: L, kp: L, width: number) => {
  f.get(dst)
    .i32Const(0)
    .get(kp)
    .get(kc)
    .i32Sub()
    .i32Const(4 * width)
    .i32Mul()
    .tee(kc)
    .memoryFill()
  f.get(dst).get(kc).i32Add().set(dst)
}

/** pb[strip][p][0..NR) = B[p, strip·NR + q] for p < kc, zero for kc ≤ p < kp and past column nc. */
/**
 * An edge strip with `count` < `width` lanes (packA's last rows, packBT's last columns): zero the
 * kp×width strip at `dst`, copy lane i's kc contiguous values from `src + i·ld` into it, and step
 * `dst` past the strip.
 */
const packEdge = (
  f: Body,
  { dst, src, ld, count, kc, kp, width }: { dst: L; src: L; ld: L; count: L; kc: L; kp: L; width: number },
  { lane, p, d, sp }: { lane: L; p: L; d: L; sp: L },
) => {
  f.get(dst)
    .i32Const(0)
    .get(kp)
    .i32Const(4 * width)
    .i32Mul()
    .memoryFill()
  f.for(lane, 0, count, 1, () => {
    f.get(dst).get(lane).i32Const(4).i32Mul().i32Add().set(d)
    f.get(src).get(lane).get(ld).i32Mul().i32Add().set(sp)
    f.for(p, 0, kc, 1, () => {
      f.get(d)
        .get(sp)
        .f32Load()
        .f32Store()
        .get(d)
        .i32Const(4 * width)
        .i32Add()
        .set(d)
      f.get(sp).i32Const(4).i32Add().set(sp)
    })
  })
  f.get(dst)
    .get(kp)
    .i32Const(4 * width)
    .i32Mul()
    .i32Add()
    .set(dst)
}

const packB = (f: Body, s: GemmShape, simd: boolean) => {
  const [b, ldb, kc, nc, pb, kp] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const tail = f.local(I32)
  const js = f.local(I32),
    w = f.local(I32),
    src = f.local(I32),
    dst = f.local(I32),
    p = f.local(I32),
    rest = f.local(I32)
  f.get(pb).set(dst)
  f.for(js, 0, nc, s.nr, () => {
    f.get(nc).get(js).i32Sub().set(rest)
    f.get(b).get(js).i32Const(4).i32Mul().i32Add().set(src)
    f.get(rest).i32Const(s.nr).i32GeS().if()
    f.for(p, 0, kc, 1, () => {
      if (simd)
        for (let v = 0; v < s.nr / 4; v++)
          f.get(dst)
            .get(src)
            .v128Load(16 * v)
            .v128Store(16 * v)
      else
        for (let q = 0; q < s.nr; q++)
          f.get(dst)
            .get(src)
            .f32Load(4 * q)
            .f32Store(4 * q)
      f.get(src).get(ldb).i32Add().set(src)
      f.get(dst)
        .i32Const(4 * s.nr)
        .i32Add()
        .set(dst)
    })
    f.get(kc).set(tail)
    zeroTail(f, dst, tail, kp, s.nr)
    f.else()
    f.get(rest).set(w)
    f.for(p, 0, kc, 1, () => {
      f.get(dst)
        .i32Const(0)
        .i32Const(4 * s.nr)
        .memoryFill()
      f.get(dst).get(src).get(w).i32Const(4).i32Mul().memoryCopy()
      f.get(src).get(ldb).i32Add().set(src)
      f.get(dst)
        .i32Const(4 * s.nr)
        .i32Add()
        .set(dst)
    })
    f.get(kc).set(tail)
    zeroTail(f, dst, tail, kp, s.nr)
    f.end()
  })
}

/** pa[strip][p][0..MR) = A[strip·MR + r, p] for p < kc, zero for kc ≤ p < kp and past row mc. */
const packA = (f: Body, s: GemmShape) => {
  const [a, lda, kc, mc, pa, kp] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const tail = f.local(I32)
  const ir = f.local(I32),
    h = f.local(I32),
    r = f.local(I32),
    p = f.local(I32),
    src = f.local(I32),
    dst = f.local(I32)
  const rows = Array.from({ length: s.mr }, () => f.local(I32))
  const d = f.local(I32),
    sp = f.local(I32)
  f.get(pa).set(dst)
  f.for(ir, 0, mc, s.mr, () => {
    f.get(mc).get(ir).i32Sub().set(h)
    f.get(a).get(ir).get(lda).i32Mul().i32Add().set(src)
    f.get(h).i32Const(s.mr).i32GeS().if()
    // full strip: MR row pointers walk their rows together
    rows.forEach((rp, i) => f.get(src).i32Const(i).get(lda).i32Mul().i32Add().set(rp))
    f.for(p, 0, kc, 1, () => {
      rows.forEach((rp, i) =>
        f
          .get(dst)
          .get(rp)
          .f32Load()
          .f32Store(4 * i),
      )
      rows.forEach((rp) => f.get(rp).i32Const(4).i32Add().set(rp))
      f.get(dst)
        .i32Const(4 * s.mr)
        .i32Add()
        .set(dst)
    })
    f.get(kc).set(tail)
    zeroTail(f, dst, tail, kp, s.mr)
    f.else()
    packEdge(f, { dst, src, ld: lda, count: h, kc, kp, width: s.mr }, { lane: r, p, d, sp })
    f.end()
  })
}

/**
 * packA from Aᵀ (row stride `lda` bytes between depth steps): pa[strip][p][r] = Aᵀ[p, strip·MR + r]
 * for p < kc, zero for kc ≤ p < kp and past row mc. The MR values of a depth step are contiguous.
 */
const packAT = (f: Body, s: GemmShape) => {
  const [a, lda, kc, mc, pa, kp] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const tail = f.local(I32)
  const ir = f.local(I32),
    h = f.local(I32),
    src = f.local(I32),
    dst = f.local(I32),
    p = f.local(I32)
  f.get(pa).set(dst)
  f.for(ir, 0, mc, s.mr, () => {
    f.get(mc).get(ir).i32Sub().set(h)
    f.get(a).get(ir).i32Const(4).i32Mul().i32Add().set(src)
    f.get(h).i32Const(s.mr).i32GeS().if()
    f.for(p, 0, kc, 1, () => {
      for (let r = 0; r < s.mr; r++)
        f.get(dst)
          .get(src)
          .f32Load(4 * r)
          .f32Store(4 * r)
      f.get(src).get(lda).i32Add().set(src)
      f.get(dst)
        .i32Const(4 * s.mr)
        .i32Add()
        .set(dst)
    })
    f.else()
    f.for(p, 0, kc, 1, () => {
      f.get(dst)
        .i32Const(0)
        .i32Const(4 * s.mr)
        .memoryFill()
      f.get(dst).get(src).get(h).i32Const(4).i32Mul().memoryCopy()
      f.get(src).get(lda).i32Add().set(src)
      f.get(dst)
        .i32Const(4 * s.mr)
        .i32Add()
        .set(dst)
    })
    f.end()
    f.get(kc).set(tail)
    zeroTail(f, dst, tail, kp, s.mr)
  })
}

/**
 * packB from Bᵀ (row stride `ldb` bytes between columns of B): pb[strip][p][q] = Bᵀ[strip·NR + q, p]
 * for p < kc, zero for kc ≤ p < kp and past column nc. NR column pointers walk their rows of Bᵀ
 * together; with SIMD, four depth steps at a time: 4×4 blocks loaded from four columns and
 * transposed by shuffles into four packed rows.
 */
const packBT = (f: Body, s: GemmShape, simd: boolean) => {
  const [b, ldb, kc, nc, pb, kp] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const tail = f.local(I32)
  const js = f.local(I32),
    w = f.local(I32),
    q = f.local(I32),
    p = f.local(I32),
    kc4 = f.local(I32),
    src = f.local(I32),
    dst = f.local(I32)
  const cols = Array.from({ length: s.nr }, () => f.local(I32))
  const d = f.local(I32),
    sp = f.local(I32)
  const r = simd ? Array.from({ length: 4 }, () => f.local(V128)) : [],
    t = simd ? Array.from({ length: 4 }, () => f.local(V128)) : []
  f.get(pb).set(dst)
  // depth steps the SIMD loop packs (a multiple of 4); the scalar loop packs the rest
  if (simd) f.get(kc).i32Const(-4).i32And().set(kc4)
  else f.i32Const(0).set(kc4)
  f.for(js, 0, nc, s.nr, () => {
    f.get(nc).get(js).i32Sub().set(w)
    f.get(b).get(js).get(ldb).i32Mul().i32Add().set(src)
    f.get(w).i32Const(s.nr).i32GeS().if()
    cols.forEach((cp, i) => f.get(src).i32Const(i).get(ldb).i32Mul().i32Add().set(cp))
    if (simd)
      f.for(p, 0, kc4, 4, () => {
        for (let g = 0; g < s.nr / 4; g++) {
          // r[i] = column 4g+i at depths p..p+3; t: pairs interleaved; rows: depth p+j across the four columns
          r.forEach((x, i) =>
            f
              .get(cols[4 * g + i]!)
              .v128Load()
              .set(x),
          )
          f.get(r[0]!).get(r[1]!).f32x4Shuffle([0, 4, 1, 5]).set(t[0]!)
          f.get(r[0]!).get(r[1]!).f32x4Shuffle([2, 6, 3, 7]).set(t[1]!)
          f.get(r[2]!).get(r[3]!).f32x4Shuffle([0, 4, 1, 5]).set(t[2]!)
          f.get(r[2]!).get(r[3]!).f32x4Shuffle([2, 6, 3, 7]).set(t[3]!)
          const row = (j: number, x: number, y: number, lanes: readonly [number, number, number, number]) =>
            f
              .get(dst)
              .get(t[x]!)
              .get(t[y]!)
              .f32x4Shuffle(lanes)
              .v128Store(4 * (j * s.nr + 4 * g))
          row(0, 0, 2, [0, 1, 4, 5])
          row(1, 0, 2, [2, 3, 6, 7])
          row(2, 1, 3, [0, 1, 4, 5])
          row(3, 1, 3, [2, 3, 6, 7])
        }
        cols.forEach((cp) => f.get(cp).i32Const(16).i32Add().set(cp))
        f.get(dst)
          .i32Const(16 * s.nr)
          .i32Add()
          .set(dst)
      })
    f.for(p, kc4, kc, 1, () => {
      cols.forEach((cp, i) =>
        f
          .get(dst)
          .get(cp)
          .f32Load()
          .f32Store(4 * i),
      )
      cols.forEach((cp) => f.get(cp).i32Const(4).i32Add().set(cp))
      f.get(dst)
        .i32Const(4 * s.nr)
        .i32Add()
        .set(dst)
    })
    f.get(kc).set(tail)
    zeroTail(f, dst, tail, kp, s.nr)
    f.else()
    packEdge(f, { dst, src, ld: ldb, count: w, kc, kp, width: s.nr }, { lane: q, p, d, sp })
    f.end()
  })
}

/** C[h×w at c] (+)= tile[h×w, row stride NR] — the valid part of an edge micro-tile. */
const merge = (f: Body, s: GemmShape) => {
  const [tile, c, ldc, h, w, accum] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i, I32)) as [L, L, L, L, L, L]
  const r = f.local(I32),
    j = f.local(I32),
    d = f.local(I32),
    t = f.local(I32)
  f.for(r, 0, h, 1, () => {
    f.get(c).get(r).get(ldc).i32Mul().i32Add().set(d)
    f.get(tile)
      .get(r)
      .i32Const(4 * s.nr)
      .i32Mul()
      .i32Add()
      .set(t)
    f.for(j, 0, w, 1, () => {
      f.get(d)
      f.get(accum).if(F32).get(t).f32Load().get(d).f32Load().f32Add().else().get(t).f32Load().end()
      f.f32Store()
      f.get(d).i32Const(4).i32Add().set(d)
      f.get(t).i32Const(4).i32Add().set(t)
    })
  })
}

/** Build the module: exports `block` and `task`; memory 0 is imported as `env.memory`. */
export const gemmModule = (s: GemmShape, mode: GemmMode, memory: { maximum: number; shared: boolean }): Uint8Array<ArrayBuffer> => {
  if (s.mc % s.mr !== 0 || s.nc % s.nr !== 0 || (mode !== "scalar" && s.nr % 4 !== 0))
    throw new InternalError({ message: "gemm codegen: inconsistent geometry" })
  const m = new ModuleBuilder().importMemory("env", "memory", { initial: 1, maximum: memory.maximum, shared: memory.shared })
  const fMicro = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => micro(f, s, mode))
  const fPackB = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => packB(f, s, mode !== "scalar"))
  const fPackA = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => packA(f, s))
  const fPackAT = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => packAT(f, s))
  const fPackBT = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => packBT(f, s, mode !== "scalar"))
  const fMerge = m.func(undefined, [I32, I32, I32, I32, I32, I32], [], (f) => merge(f, s))
  // block(a, b, c, mc, nc, k, lda, ldb, ldc, scratch, ta, tb): strides in bytes; lda steps rows of
  // A (depth steps of Aᵀ when ta), ldb depth steps of B (columns of B, rows of Bᵀ, when tb)
  const fBlock = m.func("block", Array<typeof I32>(12).fill(I32), [], (f) => {
    const [a, b, c, mc, nc, k, lda, ldb, ldc, scratch, ta, tb] = Array.from({ length: 12 }, (_, i) => f.param(i, I32)) as [
      L,
      L,
      L,
      L,
      L,
      L,
      L,
      L,
      L,
      L,
      L,
      L,
    ]
    const pc = f.local(I32),
      kc = f.local(I32),
      rest = f.local(I32),
      jr = f.local(I32),
      ir = f.local(I32)
    const w = f.local(I32),
      h = f.local(I32),
      pa = f.local(I32),
      pb = f.local(I32),
      accum = f.local(I32),
      kcMax = f.local(I32)
    const sa = f.local(I32),
      sb = f.local(I32),
      kp = f.local(I32)
    const tile = scratch
    f.get(scratch).i32Const(256).i32Add().set(pa)
    f.get(pa)
      .i32Const(4 * s.mc * (s.kc + s.ku))
      .i32Add()
      .set(pb)
    f.i32Const(s.kc).set(kcMax)
    f.for(pc, 0, k, s.kc, () => {
      f.get(k).get(pc).i32Sub().set(rest)
      min(f, rest, kcMax).set(kc)
      f.get(kc)
        .i32Const(s.ku - 1)
        .i32Add()
        .i32Const(-s.ku)
        .i32And()
        .set(kp)
      f.get(tb).if()
      f.get(b).get(pc).i32Const(4).i32Mul().i32Add().get(ldb).get(kc).get(nc).get(pb).get(kp).call(fPackBT)
      f.else()
      f.get(b).get(pc).get(ldb).i32Mul().i32Add().get(ldb).get(kc).get(nc).get(pb).get(kp).call(fPackB)
      f.end()
      f.get(ta).if()
      f.get(a).get(pc).get(lda).i32Mul().i32Add().get(lda).get(kc).get(mc).get(pa).get(kp).call(fPackAT)
      f.else()
      f.get(a).get(pc).i32Const(4).i32Mul().i32Add().get(lda).get(kc).get(mc).get(pa).get(kp).call(fPackA)
      f.end()
      f.get(pc).i32Const(0).i32GtS().set(accum)
      f.for(jr, 0, nc, s.nr, () => {
        f.get(nc).get(jr).i32Sub().set(w)
        f.for(ir, 0, mc, s.mr, () => {
          f.get(mc).get(ir).i32Sub().set(h)
          // strip addresses: A strip ir·kp floats in, B strip jr·kp floats in
          f.get(pa).get(ir).get(kp).i32Mul().i32Const(4).i32Mul().i32Add().set(sa)
          f.get(pb).get(jr).get(kp).i32Mul().i32Const(4).i32Mul().i32Add().set(sb)
          f.get(h).i32Const(s.mr).i32GeS().get(w).i32Const(s.nr).i32GeS().i32And().if()
          f.get(sa).get(sb).get(kp)
          f.get(c).get(ir).get(ldc).i32Mul().i32Add().get(jr).i32Const(4).i32Mul().i32Add().get(ldc).get(accum).call(fMicro)
          f.else()
          f.get(sa)
            .get(sb)
            .get(kp)
            .get(tile)
            .i32Const(4 * s.nr)
            .i32Const(0)
            .call(fMicro)
          f.get(tile)
          f.get(c).get(ir).get(ldc).i32Mul().i32Add().get(jr).i32Const(4).i32Mul().i32Add()
          f.get(ldc).get(h).i32Const(s.mr).get(h).i32Const(s.mr).i32LtS().select()
          f.get(w).i32Const(s.nr).get(w).i32Const(s.nr).i32LtS().select()
          f.get(accum).call(fMerge)
          f.end()
        })
      })
    })
  })
  // task(params, t, scratch): t → (batch, row block, column block) of the problem at `params`
  // (row blocks of mb rows, column blocks of nb columns: multiples of MR and NR, at most MC and NC)
  m.func("task", [I32, I32, I32], [], (f) => {
    const [pp, t, scratch] = [0, 1, 2].map((i) => f.param(i, I32)) as [L, L, L]
    const tm = f.local(I32),
      tn = f.local(I32),
      per = f.local(I32),
      bt = f.local(I32),
      ib = f.local(I32),
      jb = f.local(I32)
    const mm = f.local(I32),
      kk = f.local(I32),
      nn = f.local(I32),
      i0 = f.local(I32),
      j0 = f.local(I32)
    const rest = f.local(I32),
      mb = f.local(I32),
      nb = f.local(I32),
      mcv = f.local(I32),
      ncv = f.local(I32),
      ta = f.local(I32),
      tb = f.local(I32)
    f.get(pp).i32Load(P.m).set(mm)
    f.get(pp).i32Load(P.k).set(kk)
    f.get(pp).i32Load(P.n).set(nn)
    f.get(pp).i32Load(P.tilesM).set(tm)
    f.get(pp).i32Load(P.tilesN).set(tn)
    // block sizes (at most MC×NC: the scratch is sized for those)
    f.get(pp).i32Load(P.mb).set(mb)
    f.get(pp).i32Load(P.nb).set(nb)
    f.get(pp).i32Load(P.ta).set(ta)
    f.get(pp).i32Load(P.tb).set(tb)
    f.get(tm).get(tn).i32Mul().set(per)
    f.get(t).get(per).i32DivU().set(bt)
    f.get(t).get(per).i32RemU().set(t)
    f.get(t).get(tn).i32DivU().set(ib)
    f.get(t).get(tn).i32RemU().set(jb)
    f.get(ib).get(mb).i32Mul().set(i0)
    f.get(jb).get(nb).i32Mul().set(j0)
    f.get(mm).get(i0).i32Sub().set(rest)
    min(f, rest, mb).set(mcv)
    f.get(nn).get(j0).i32Sub().set(rest)
    min(f, rest, nb).set(ncv)
    // a = A + 4·(bt·m·k + i0·k) (+ 4·i0 when ta), b = B + 4·(bt·k·n + j0) (+ 4·j0·k when tb), c = C + 4·(bt·m·n + i0·n + j0)
    f.get(pp).i32Load(P.a).get(bt).get(mm).i32Mul().get(kk).i32Mul()
    f.get(ta).if(I32).get(i0).else().get(i0).get(kk).i32Mul().end()
    f.i32Add().i32Const(4).i32Mul().i32Add()
    f.get(pp).i32Load(P.b).get(bt).get(kk).i32Mul().get(nn).i32Mul()
    f.get(tb).if(I32).get(j0).get(kk).i32Mul().else().get(j0).end()
    f.i32Add().i32Const(4).i32Mul().i32Add()
    f.get(pp)
      .i32Load(P.c)
      .get(bt)
      .get(mm)
      .i32Mul()
      .get(nn)
      .i32Mul()
      .get(i0)
      .get(nn)
      .i32Mul()
      .i32Add()
      .get(j0)
      .i32Add()
      .i32Const(4)
      .i32Mul()
      .i32Add()
    f.get(mcv).get(ncv).get(kk)
    // lda: 4·m between depth steps of Aᵀ, else 4·k between rows of A; ldb: 4·k between rows of Bᵀ, else 4·n between rows of B
    f.get(ta).if(I32).get(mm).else().get(kk).end().i32Const(4).i32Mul()
    f.get(tb).if(I32).get(kk).else().get(nn).end().i32Const(4).i32Mul()
    f.get(nn).i32Const(4).i32Mul()
    f.get(scratch).get(ta).get(tb).call(fBlock)
  })
  return m.bytes()
}
