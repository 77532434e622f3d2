/**
 * Loading a Lambda entry point (`handlers/<fn>/index.ts`) the way Lambda does at a cold start: with
 * the test's environment, evaluated afresh each time (a new query string is a new module instance),
 * and with what it writes to stdout (its JSON log lines) captured instead of printed.
 */

let imports = 0;

/** Imports `handlers/<fn>/index.js` anew, so its module-level set-up runs with the current environment. */
export function importEntryPoint<T = { handler: unknown }>(fn: string): Promise<T> {
  imports += 1;
  return import(`../../handlers/${fn}/index.js?test=${imports}`) as Promise<T>;
}

/** Runs `action`, returning its result and the lines it wrote to stdout (the handlers' log lines). */
export async function captureStdout<T>(action: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await action(), lines };
  } finally {
    process.stdout.write = write;
  }
}

/** Sets environment variables for one test; returns the function that restores them. */
export function withEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}
