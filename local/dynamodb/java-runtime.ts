/**
 * Finding a Java runtime able to run DynamoDB Local (Java 17 or later), and saying how to install one
 * when there is none.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The oldest Java that runs DynamoDB Local 3.x. */
export const MIN_JAVA_MAJOR = 17;

/** A usable Java. */
export interface JavaRuntime {
  /** The command to run (`java`, or `$JAVA_HOME/bin/java`). */
  command: string;
  /** `17.0.15` */
  version: string;
  major: number;
}

/** Why no usable Java was found, in words (`no java on PATH`, `java 11.0.2 is older than 17`). */
export interface JavaMissing {
  missing: string;
}

/** How to install a Java runtime, for the one line the fallback prints. */
export const JAVA_INSTALL_HINT =
  "install Java 17+: Debian/Ubuntu `sudo apt-get install openjdk-17-jre-headless`, " +
  "macOS `brew install openjdk@17`, Windows `winget install Microsoft.OpenJDK.17`";

/**
 * The Java of `JAVA_HOME` if set, else `java` on PATH, when it is 17 or later.
 *
 * @example
 * ```ts
 * const java = findJavaRuntime();
 * if ("missing" in java) console.log(`no DynamoDB Local: ${java.missing}`);
 * ```
 */
export function findJavaRuntime(env: NodeJS.ProcessEnv = process.env): JavaRuntime | JavaMissing {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "java") : undefined;
  const command = fromHome && existsSync(fromHome) ? fromHome : "java";
  const run = spawnSync(command, ["-version"], { env, encoding: "utf8", timeout: 15_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return { missing: code === "ENOENT" ? "no java on PATH" : `\`${command} -version\` failed: ${code}` };
  }
  const parsed = parseJavaVersion(`${run.stderr}\n${run.stdout}`);
  if (!parsed) return { missing: `\`${command} -version\` printed no version` };
  if (parsed.major < MIN_JAVA_MAJOR) {
    return { missing: `java ${parsed.version} is older than ${MIN_JAVA_MAJOR}` };
  }
  return { command, ...parsed };
}

/**
 * The version in `java -version` output: `version "17.0.15"` → 17, `version "1.8.0_392"` → 8.
 *
 * @example
 * ```ts
 * parseJavaVersion('openjdk version "21.0.2" 2024-01-16'); // { version: "21.0.2", major: 21 }
 * ```
 */
export function parseJavaVersion(output: string): { version: string; major: number } | undefined {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[.+_-]/).map(Number);
  const major = first === 1 && second !== undefined ? second : first;
  return major === undefined || Number.isNaN(major) ? undefined : { version, major };
}
