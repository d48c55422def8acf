/**
 * Checks an evidence package: the manifest's own hash, then every file the manifest lists (hash
 * and size), and that nothing was added. Used by `npm run cli -- evidence verify <zip>`.
 */
import { unzip } from '../core/zip.ts';
import { type Manifest, MANIFEST, MANIFEST_HASH, type ManifestFile, sha256 } from './evidence-package.ts';

/** The result: ok, or the problems, each naming the file. */
export type Verification = { ok: true; files: number; manifestSha256: string } | { ok: false; problems: string[] };

/** Verifies the bytes of a package. */
export function verifyPackage(zip: Uint8Array): Verification {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzip(zip);
  } catch (err) {
    return { ok: false, problems: [`not a readable ZIP file (${(err as Error).message})`] };
  }
  const manifestBytes = entries[MANIFEST];
  const hashFile = entries[MANIFEST_HASH];
  if (!manifestBytes) return { ok: false, problems: [`${MANIFEST}: missing`] };
  if (!hashFile) return { ok: false, problems: [`${MANIFEST_HASH}: missing`] };
  const problems: string[] = [];
  const manifestSha256 = sha256(manifestBytes);
  const expected = new TextDecoder().decode(hashFile).trim().split(/\s+/)[0];
  if (expected !== manifestSha256) problems.push(`${MANIFEST}: SHA-256 ${manifestSha256} differs from ${MANIFEST_HASH} (${expected ?? 'empty'})`);

  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest;
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST}: not valid JSON`] };
  }
  const listed: ManifestFile[] = [...(manifest.attachments ?? []), ...(manifest.documents ?? [])];
  for (const f of listed) {
    const bytes = entries[f.path];
    if (!bytes) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const actual = sha256(bytes);
    if (actual !== f.sha256) problems.push(`${f.path}: SHA-256 ${actual} differs from the manifest (${f.sha256})`);
    else if (bytes.byteLength !== f.size) problems.push(`${f.path}: ${bytes.byteLength} bytes, the manifest says ${f.size}`);
  }
  const known = new Set([MANIFEST, MANIFEST_HASH, ...listed.map((f) => f.path)]);
  for (const name of Object.keys(entries)) if (!known.has(name) && !name.endsWith('/')) problems.push(`${name}: not listed in the manifest`);
  return problems.length ? { ok: false, problems } : { ok: true, files: listed.length, manifestSha256 };
}
