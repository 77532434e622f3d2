/**
 * The doc-example check of `make lint`: every `@example` in a doc comment is a fenced ```ts block
 * that type-checks against the code it documents, so an example cannot go stale unnoticed (as
 * aws-jwt-verify compiles the examples of its README).
 *
 * Each example becomes one module under `.local/doc-examples-*` (ignored by git, biome and the
 * project's tsconfig): its relative imports are rewritten to point at the real files, the exports of
 * its own module that it uses are imported for it, and `tsc` checks them all at once with the
 * project's compiler options. Errors are reported at the example's line in the source file.
 *
 * An example shows a call with the values a reader would pass; a value it does not make itself is
 * declared (`declare const event: TokenAuthorizerEvent;`), so the example still says its type.
 *
 * Usage: `tsx scripts/check-doc-examples.ts [path-prefix | !path-prefix ...]` (default: every
 * source folder; `!` leaves a prefix out); exit 1 when an example does not compile or is not a
 * fenced ```ts block.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The folders whose doc comments are checked. */
export const SOURCE_FOLDERS = ["handlers", "lib", "local", "scripts", "bench", "test"] as const;

/** One `@example` block of a source file. */
export interface DocExample {
  /** The source file, relative to the repository root. */
  file: string;
  /** 1-based line of the example's first code line in the source file. */
  line: number;
  /** The code between the fences; `undefined` when the example is not a fenced ```ts block. */
  code: string | undefined;
}

/** The `@example` blocks of one source file, in order. */
export function extractExamples(file: string, source: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = source.split("\n");
  for (let index = 0; index < lines.length; index++) {
    if (!/^\s*\*\s*@example\b/.test(lines[index] as string)) continue;
    const fence = index + 1;
    if (!/^\s*\*\s*```ts\s*$/.test(lines[fence] ?? "")) {
      examples.push({ file, line: index + 1, code: undefined });
      continue;
    }
    const body: string[] = [];
    let end = fence + 1;
    while (end < lines.length && !/^\s*\*\s*```\s*$/.test(lines[end] as string)) {
      body.push((lines[end] as string).replace(/^\s*\* ?/, ""));
      end++;
    }
    examples.push({ file, line: fence + 2, code: body.join("\n") });
    index = end;
  }
  return examples;
}

/** The names a module exports, split into values and types (types need `import type`). */
export function exportedNames(source: string): { values: string[]; types: string[] } {
  const values = new Set<string>();
  const types = new Set<string>();
  for (const match of source.matchAll(
    /^export\s+(?:declare\s+)?(?:async\s+)?(function\*?|const|let|class|abstract class|interface|type|enum)\s+(\w+)/gm,
  )) {
    ((match[1] === "interface" || match[1] === "type" ? types : values) as Set<string>).add(
      match[2] as string,
    );
  }
  return { values: [...values], types: [...types] };
}

/**
 * The module that `tsc` checks for one example: relative imports re-pointed from `exampleDir` to
 * the documented module's folder, and an import of the module's exports the example uses but does
 * not import or declare itself. Returns the text and how many lines were put before the example.
 */
export function exampleModule(
  example: { file: string; code: string },
  exports: { values: string[]; types: string[] },
  exampleDir: string,
  root: string,
): { text: string; headerLines: number } {
  const moduleDir = dirname(resolve(root, example.file));
  const repoint = (specifier: string) => {
    const target = relative(exampleDir, resolve(moduleDir, specifier));
    return target.startsWith(".") ? target : `./${target}`;
  };
  const code = example.code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|^import\s+)(["'])(\.\.?\/[^"']+)\2/gm,
    (_all, before: string, quote: string, specifier: string) =>
      `${before}${quote}${repoint(specifier)}${quote}`,
  );
  const bound = new Set(
    [...code.matchAll(/\b(?:const|let|var|function|class|interface|type)\s+(\w+)/g)].map((m) => m[1]),
  );
  for (const list of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const name of (list[1] as string).split(",")) bound.add(name.replace(/^\s*type\s+/, "").trim());
  }
  // A name used as a value, not as a property (`x.name`); a spread (`...name`) is a use.
  const uses = (name: string) =>
    !bound.has(name) && new RegExp(`(?:^|[^\\w$.]|\\.\\.\\.)${name}\\b`, "m").test(code);
  const self = repoint(`./${example.file.split("/").pop()?.replace(/\.ts$/, ".js")}`);
  const header: string[] = [];
  const values = exports.values.filter(uses);
  const types = exports.types.filter(uses);
  if (values.length > 0) header.push(`import { ${values.join(", ")} } from "${self}";`);
  if (types.length > 0) header.push(`import type { ${types.join(", ")} } from "${self}";`);
  return { text: `${[...header, code].join("\n")}\n\nexport {};\n`, headerLines: header.length };
}

/**
 * Whether `file` is among the `patterns`: path prefixes, each `!prefix` leaving files out; with no
 * plain prefix every file not left out is selected.
 */
export function selected(file: string, patterns: readonly string[]): boolean {
  const include = patterns.filter((pattern) => !pattern.startsWith("!"));
  const exclude = patterns.filter((pattern) => pattern.startsWith("!")).map((pattern) => pattern.slice(1));
  return (
    (include.length === 0 || include.some((prefix) => file.startsWith(prefix))) &&
    !exclude.some((prefix) => file.startsWith(prefix))
  );
}

/** The project's `.ts` files (declaration files included) under {@link SOURCE_FOLDERS}. */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "peer") walk(path);
      else if (entry.isFile() && entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) walk(folder);
  return files.sort();
}

/**
 * Type-checks every example under `root` (or only in the files {@link selected} by `only`);
 * returns the problems, each naming the source line.
 */
export function checkDocExamples(
  root: string,
  only: readonly string[] = [],
): { examples: number; problems: string[] } {
  const problems: string[] = [];
  mkdirSync(join(root, ".local"), { recursive: true });
  const dir = mkdtempSync(join(root, ".local", "doc-examples-"));
  try {
    const origins = new Map<string, { example: DocExample; headerLines: number }>();
    let count = 0;
    const files = sourceFiles(root);
    const checked = files.filter((name) => !name.endsWith(".d.ts") && selected(name, only));
    for (const file of checked) {
      const source = readFileSync(join(root, file), "utf8");
      const examples = extractExamples(file, source);
      if (examples.length === 0) continue;
      const exports = exportedNames(source);
      for (const example of examples) {
        count++;
        if (example.code === undefined) {
          problems.push(`${file}:${example.line}: @example is not followed by a \`\`\`ts block`);
          continue;
        }
        const name = `${file.replace(/\.ts$/, "").replaceAll("/", "__")}.${example.line}.ts`;
        const module = exampleModule({ file, code: example.code }, exports, dir, root);
        writeFileSync(join(dir, name), module.text);
        origins.set(name, { example, headerLines: module.headerLines });
      }
    }
    const tsconfig = {
      extends: relative(dir, join(root, "tsconfig.json")),
      compilerOptions: { noEmit: true },
      // The project's own declaration files (types of untyped packages) apply to examples too.
      files: [
        ...origins.keys(),
        ...files.filter((name) => name.endsWith(".d.ts")).map((name) => relative(dir, join(root, name))),
      ],
      include: [],
      exclude: [],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", dir, "--pretty", "false"], {
      encoding: "utf8",
    });
    if (tsc.error) throw tsc.error;
    for (const line of `${tsc.stdout}${tsc.stderr}`.split("\n").filter(Boolean)) {
      const match = /^(?:.*\/)?([^/(]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
      const origin = match ? origins.get(match[1] as string) : undefined;
      if (!match || !origin) {
        problems.push(line);
        continue;
      }
      const sourceLine = origin.example.line + Number(match[2]) - 1 - origin.headerLines;
      problems.push(`${origin.example.file}:${sourceLine}: @example: ${match[4]}`);
    }
    if (tsc.status !== 0 && problems.length === 0) problems.push(`tsc exited with ${tsc.status}`);
    return { examples: count, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { examples, problems } = checkDocExamples(process.cwd(), process.argv.slice(2));
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(`${examples} doc examples checked, ${problems.length} problems\n`);
  if (problems.length > 0) process.exitCode = 1;
}
