import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import {
  createDeterministicZip,
  readDirectoryEntries,
  ZIP_FILE_MODE,
  ZIP_MTIME,
} from "../../../lib/build/zip.js";
import { readZip } from "./zip-reader.js";

/** DOS date for 1980-01-01 and time 00:00:00. */
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

describe("lib/build/zip", () => {
  const entries = [
    { name: "index.mjs", data: Buffer.from("export const handler = 1;\n".repeat(50)) },
    { name: "a/data.json", data: Buffer.from("{}") },
    { name: "B.txt", data: Buffer.from("") },
  ];

  it("writes the entries in name order with their content", async () => {
    const read = readZip(await createDeterministicZip(entries));
    expect(read.map((entry) => entry.name)).to.deep.equal(["B.txt", "a/data.json", "index.mjs"]);
    for (const entry of entries) {
      expect(read.find((r) => r.name === entry.name)?.data.equals(entry.data), entry.name).to.equal(true);
    }
  });

  it("gives the same bytes for the same files in any order", async () => {
    const first = await createDeterministicZip(entries);
    const second = await createDeterministicZip([...entries].reverse());
    expect(first.equals(second)).to.equal(true);
  });

  it("gives different bytes when a file changes", async () => {
    const changed = entries.map((e) => (e.name === "a/data.json" ? { ...e, data: Buffer.from("[]") } : e));
    expect((await createDeterministicZip(entries)).equals(await createDeterministicZip(changed))).to.equal(
      false,
    );
  });

  it("stamps every entry 1980-01-01 00:00, mode 0644, deflated, with no time-zone-dependent extra field", async () => {
    for (const entry of readZip(await createDeterministicZip(entries))) {
      expect(entry.dosDate, entry.name).to.equal(DOS_DATE_1980_01_01);
      expect(entry.dosTime, entry.name).to.equal(0);
      expect(entry.mode, entry.name).to.equal(ZIP_FILE_MODE);
      expect(entry.extraLength, entry.name).to.equal(0);
      expect(entry.method, entry.name).to.equal(8);
    }
    expect([
      ZIP_MTIME.getFullYear(),
      ZIP_MTIME.getMonth(),
      ZIP_MTIME.getDate(),
      ZIP_MTIME.getHours(),
    ]).to.deep.equal([1980, 0, 1, 0]);
  });

  describe("readDirectoryEntries", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "zip-test-"));
      await mkdir(join(dir, "sub", "deeper"), { recursive: true });
      await mkdir(join(dir, "empty"));
      await writeFile(join(dir, "index.mjs"), "x");
      await writeFile(join(dir, "sub", "deeper", "f.txt"), "y");
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("lists every file recursively with /-separated names, skipping directories", async () => {
      const found = await readDirectoryEntries(dir);
      expect(found.map((e) => e.name).sort()).to.deep.equal(["index.mjs", "sub/deeper/f.txt"]);
      expect(found.find((e) => e.name === "index.mjs")?.data.toString()).to.equal("x");
    });
  });
});
