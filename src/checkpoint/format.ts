/**
 * The safetensors byte format, with no tensors involved: an 8-byte little-endian header length,
 * a JSON header (names → dtype, shape, byte range; optional string map `__metadata__`) padded
 * with spaces to 8-byte alignment, then the raw little-endian data. Writing follows the reference
 * implementation's layout byte for byte; reading validates every field before allocating anything.
 *
 * @since 0.1.0
 */
import { CheckpointError } from "../errors.js"

/** Bytes per element of every dtype the format defines (sub-byte F4/F6 types are not supported). */
export const itemBytes: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
}

/**
 * Rank of a dtype in the reference writer's order: tensors are laid out by this rank descending
 * (widest alignment first, so every tensor starts aligned), then by name byte-wise.
 */
const writeRank: Readonly<Record<string, number>> = {
  BOOL: 0,
  U8: 4,
  I8: 5,
  F8_E5M2: 6,
  F8_E4M3: 7,
  F8_E8M0: 8,
  I16: 9,
  U16: 10,
  F16: 11,
  BF16: 12,
  I32: 13,
  U32: 14,
  F32: 15,
  C64: 16,
  F64: 17,
  I64: 18,
  U64: 19,
}

/** One tensor as the format sees it: its dtype name, shape, and little-endian bytes. */
export interface RawTensor {
  readonly dtype: string
  readonly shape: ReadonlyArray<number>
  readonly bytes: Uint8Array
}

/** A parsed file: tensors by name (in file order) and the `__metadata__` map. */
export interface RawFile {
  readonly tensors: ReadonlyMap<string, RawTensor>
  readonly metadata: Readonly<Record<string, string>> | undefined
}

/** The reference implementation's cap on the header length (100 MB). */
export const maxHeaderBytes = 100_000_000

const utf8 = new TextEncoder()
const compareBytes = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b))

/**
 * The header bytes and the ordered data chunks of a file holding `tensors` (and `metadata`, when
 * given: `__metadata__` comes first, its keys sorted). Writing the header then the chunks in order
 * produces the file; nothing is concatenated, so a large checkpoint is not held twice.
 */
export const layout = (
  tensors: ReadonlyMap<string, RawTensor>,
  metadata: Readonly<Record<string, string>> | undefined,
  path = "<bytes>",
): { readonly header: Uint8Array; readonly chunks: ReadonlyArray<Uint8Array> } => {
  const names = [...tensors.keys()]
  for (const n of names) {
    const t = tensors.get(n)!
    if (n === "__metadata__")
      throw new CheckpointError({
        reason: "names",
        path,
        message: `${path}: "__metadata__" is reserved by the safetensors format and cannot name a tensor`,
      })
    if (writeRank[t.dtype] === undefined)
      throw new CheckpointError({
        reason: "dtype",
        path,
        message: `${path}: tensor "${n}" has dtype ${t.dtype}, which the safetensors format does not define`,
      })
    const want = t.shape.reduce((a, b) => a * b, 1) * itemBytes[t.dtype]!
    if (want !== t.bytes.length)
      throw new CheckpointError({
        reason: "size",
        path,
        message: `${path}: tensor "${n}" of shape [${t.shape.join(", ")}] and dtype ${t.dtype} needs ${want} bytes, got ${t.bytes.length}`,
      })
  }
  names.sort((a, b) => writeRank[tensors.get(b)!.dtype]! - writeRank[tensors.get(a)!.dtype]! || compareBytes(a, b))
  const parts: string[] = []
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareBytes)
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`)
  }
  let offset = 0
  const chunks: Uint8Array[] = []
  for (const n of names) {
    const t = tensors.get(n)!
    parts.push(
      `${JSON.stringify(n)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + t.bytes.length}]}`,
    )
    offset += t.bytes.length
    chunks.push(t.bytes)
  }
  const json = utf8.encode(`{${parts.join(",")}}`)
  const padded = json.length + ((8 - (json.length % 8)) % 8)
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length)
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true)
  header.set(json, 8)
  return { header, chunks }
}

/** The whole file as one buffer (for in-memory use and tests; files are written chunk by chunk). */
export const encodeRaw = (tensors: ReadonlyMap<string, RawTensor>, metadata?: Readonly<Record<string, string>>): Uint8Array => {
  const { header, chunks } = layout(tensors, metadata)
  const out = new Uint8Array(header.length + chunks.reduce((s, c) => s + c.length, 0))
  out.set(header, 0)
  let at = header.length
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const isIndex = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0
const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)

/** A tensor's place in the data region, as the header states it (validated). */
export interface Span {
  readonly name: string
  readonly dtype: string
  readonly shape: ReadonlyArray<number>
  readonly begin: number
  readonly end: number
}

const failer =
  (path: string) =>
  (reason: CheckpointError["reason"], detail: string): never => {
    throw new CheckpointError({ reason, path, message: `${path}: ${detail}` })
  }

/** The header length stated by a file's first 8 bytes, checked against the cap and the file size. */
export const headerLength = (first: Uint8Array, fileSize: number, path: string, cap: number): number => {
  const fail = failer(path)
  if (fileSize < 8 || first.length < 8) fail("truncated", `${fileSize} bytes is shorter than the 8-byte header length`)
  const n64 = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true)
  if (n64 > BigInt(cap)) fail("header-size", `the header length ${n64} exceeds the cap of ${cap} bytes`)
  const n = Number(n64)
  if (8 + n > fileSize) fail("header-size", `the header length ${n} exceeds the ${fileSize - 8} bytes after the length field`)
  return n
}

/**
 * Parse and validate a header against the length of the data region that follows it: entries of
 * the right form, known dtypes, shape × dtype size equal to each byte range, and byte ranges that
 * tile the data region exactly. Every failure is a `CheckpointError`; nothing is allocated but the
 * header's text.
 */
export const parseHeader = (
  header: Uint8Array,
  dataLength: number,
  path: string,
): { readonly spans: ReadonlyArray<Span>; readonly metadata: Record<string, string> | undefined } => {
  const fail = failer(path)
  let text = ""
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(header)
  } catch {
    fail("header", "the header is not valid UTF-8")
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    fail("header", `the header is not JSON (${(e as Error).message})`)
  }
  if (!isPlainObject(json)) fail("header", "the header is not a JSON object")
  let metadata: Record<string, string> | undefined
  const spans: Span[] = []
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (!isPlainObject(v) || !Object.values(v).every((s) => typeof s === "string"))
        fail("header", "__metadata__ is not a map of strings to strings")
      metadata = Object.fromEntries(Object.entries(v as Record<string, string>))
      continue
    }
    if (!isPlainObject(v)) fail("header", `the entry of "${name}" is not an object`)
    const { dtype, shape, data_offsets: off } = v as Record<string, unknown>
    if (typeof dtype !== "string") fail("header", `"${name}" has no dtype string`)
    if (!Array.isArray(shape) || !shape.every(isIndex)) fail("header", `"${name}" has a shape that is not a list of non-negative integers`)
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isIndex))
      fail("header", `"${name}" has data_offsets that are not two non-negative integers`)
    const item = itemBytes[dtype as string]
    if (item === undefined) fail("dtype", `"${name}" has dtype ${JSON.stringify(dtype)}, which is not a safetensors dtype`)
    const [begin, end] = off as [number, number]
    if (end < begin) fail("offsets", `"${name}" has data_offsets [${begin}, ${end}] that end before they begin`)
    // the element count, stopping once it passes the byte range: a hostile shape cannot overflow
    const sh = shape as number[]
    let elems = sh.includes(0) ? 0 : 1
    for (const d of sh) if (elems > 0 && (elems *= d) * item! > end - begin) break
    if (elems * item! !== end - begin)
      fail(
        "size",
        `"${name}" of shape [${sh.join(", ")}] and dtype ${dtype} does not fill its byte range [${begin}, ${end}] (${end - begin} bytes)`,
      )
    spans.push({ name, dtype: dtype as string, shape: sh, begin, end })
  }
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end)
  let at = 0
  for (const s of sorted) {
    if (s.begin !== at)
      fail(
        "offsets",
        s.begin < at
          ? `"${s.name}" at [${s.begin}, ${s.end}] overlaps the tensor before it (which ends at ${at})`
          : `the bytes [${at}, ${s.begin}) before "${s.name}" belong to no tensor`,
      )
    at = s.end
  }
  if (at > dataLength) fail("truncated", `the tensors need ${at} data bytes, the file has ${dataLength}`)
  if (at < dataLength) fail("offsets", `the file has ${dataLength - at} data bytes after the last tensor that belong to no tensor`)
  return { spans, metadata }
}

/** A file from its validated spans and its data region. */
export const rawFile = (spans: ReadonlyArray<Span>, metadata: Record<string, string> | undefined, data: Uint8Array): RawFile => ({
  tensors: new Map(spans.map((s) => [s.name, { dtype: s.dtype, shape: s.shape, bytes: data.subarray(s.begin, s.end) }])),
  metadata,
})

/** Parse and validate a whole safetensors file held in memory (a `CheckpointError` when malformed). */
export const decodeRaw = (bytes: Uint8Array, path = "<bytes>", cap = maxHeaderBytes): RawFile => {
  const n = headerLength(bytes, bytes.length, path, cap)
  const { spans, metadata } = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, path)
  return rawFile(spans, metadata, bytes.subarray(8 + n))
}
