/**
 * Deterministic zip files: the same bundle gives the same bytes, hence the same content hash, the
 * same S3 key, and no Lambda update when nothing changed.
 *
 * What would otherwise vary: file order (sorted here), timestamps (fixed, and no extended-timestamp
 * field, which would record a time-zone-dependent instant), and permissions (fixed 0644).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import { ZipFile } from "yazl";

/** Every entry's modification time: 1980-01-01 00:00, the DOS epoch, in local fields so every time zone writes the same bytes. */
export const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Every entry's mode: a regular file, rw-r--r--. */
export const ZIP_FILE_MODE = 0o100644;

/** One file to put in a zip. */
export interface ZipEntry {
  /** Path inside the zip, `/`-separated. */
  name: string;
  data: Buffer;
}

/**
 * Builds a zip from `entries` in name order with fixed metadata.
 */
export function createDeterministicZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zip = new ZipFile();
  for (const entry of sorted) {
    zip.addBuffer(entry.data, entry.name, {
      mtime: ZIP_MTIME,
      mode: ZIP_FILE_MODE,
      compress: true,
      compressionLevel: 9,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Every file under `dir` (recursively) as zip entries named relative to `dir`.
 */
export async function readDirectoryEntries(dir: string): Promise<ZipEntry[]> {
  const names = await readdir(dir, { recursive: true });
  const entries = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      if (!(await stat(path)).isFile()) return undefined;
      return { name: name.split(sep).join(posix.sep), data: await readFile(path) };
    }),
  );
  return entries.filter((entry) => entry !== undefined);
}
