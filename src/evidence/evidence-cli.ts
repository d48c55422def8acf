/** `npm run cli -- evidence verify <zip>`: checks an evidence package's hashes. */
import { readFile } from 'node:fs/promises';
import { verifyPackage } from './verify-package.ts';

/** Prints "ok" and returns 0 when the package is intact; otherwise names each file that differs and returns 1. */
export async function evidenceVerifyCommand(file: string | undefined): Promise<number> {
  if (!file) {
    console.error('usage: npm run cli -- evidence verify <package.zip>');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    console.error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 2;
  }
  const result = verifyPackage(bytes);
  if (result.ok) {
    console.log('ok');
    console.error(`${result.files} files match the manifest; manifest SHA-256 ${result.manifestSha256}`);
    return 0;
  }
  console.log('FAILED');
  for (const p of result.problems) console.error(p);
  return 1;
}
