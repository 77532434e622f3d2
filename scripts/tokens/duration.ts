/**
 * Token lifetimes on the command line: `30d`, `12h`, `90m`, `3600s` or plain seconds.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds in a duration such as `30d`; throws an ApigwTokenAuthError for anything else.
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] as number) : 0;
  if (!match || seconds <= 0) {
    throw new ApigwTokenAuthError(`invalid duration ${JSON.stringify(text)}`, {
      expected: "a positive whole number with an optional unit s, m, h or d, for example 30d or 12h",
      actual: JSON.stringify(text),
    });
  }
  return seconds;
}
