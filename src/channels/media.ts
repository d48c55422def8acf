/**
 * Taking a user's photo or document from a platform: reading it with a size cap, and telling its
 * type from its first bytes rather than trusting the name or the declared type.
 */
/** File types the bot accepts as evidence, on every channel. */
export const ACCEPTED_MIME = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf'];

/** The outcome of reading a download. */
export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' };

/**
 * Reads a byte stream into memory, stopping (and releasing the stream) as soon as it exceeds
 * `maxBytes`, so that a huge file costs no more than the cap.
 */
export async function readCapped(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    // Leaving the loop ends the iteration, which destroys (Node) or cancels (web) the stream.
    if (size > maxBytes) return { ok: false, reason: 'too_large' };
    chunks.push(Buffer.from(chunk));
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** The MIME type of an accepted file from its magic bytes; undefined for anything else. */
export function sniffMime(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}
