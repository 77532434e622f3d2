/**
 * Which Lambda Node.js runtimes AWS still lets you create functions with, as data: a function whose
 * runtime AWS refuses to create is refused locally too (it would run here and fail to deploy).
 *
 * AWS moves these dates (it has extended them more than once), so each block date carries its
 * source; where sources disagree and only some of their dates have passed, the local run warns
 * instead of refusing. Blocked functions that already exist keep running on AWS; this check is about
 * deploying the template. Re-check docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html.
 */

/** Where a date comes from. */
const CFN_LINT_1_51 = "cfn-lint 1.51.0 LmbdRuntimeLifecycle.json (2026-05-20)";
const CFN_LINT_AFD7953B = "cfn-lint @afd7953b LmbdRuntimeLifecycle.json (2026-06-02, dates from AWS docs)";

/** One runtime's lifecycle: deprecation, and the dates after which creating a function is blocked. */
interface RuntimeLifecycle {
  deprecated: string;
  blockCreate: { date: string; source: string }[];
}

const single = (deprecated: string, blockCreate: string): RuntimeLifecycle => ({
  deprecated,
  blockCreate: [{ date: blockCreate, source: CFN_LINT_1_51 }],
});
const disputed = (deprecated: string): RuntimeLifecycle => ({
  deprecated,
  blockCreate: [
    { date: "2026-06-01", source: CFN_LINT_1_51 },
    { date: "2027-02-01", source: CFN_LINT_AFD7953B },
  ],
});

/** Node.js runtimes by identifier (dates ISO 8601, UTC). */
export const NODE_RUNTIME_LIFECYCLE: Readonly<Record<string, RuntimeLifecycle>> = {
  nodejs: single("2016-08-30", "2016-09-30"),
  "nodejs4.3": single("2020-03-05", "2020-02-03"),
  "nodejs4.3-edge": single("2020-03-05", "2019-03-31"),
  "nodejs6.10": single("2019-08-12", "2019-07-12"),
  "nodejs8.10": single("2020-03-06", "2020-02-04"),
  "nodejs10.x": single("2021-07-30", "2021-07-30"),
  "nodejs12.x": single("2023-03-31", "2023-03-31"),
  "nodejs14.x": single("2023-12-04", "2024-01-09"),
  "nodejs16.x": disputed("2024-06-12"),
  "nodejs18.x": disputed("2025-09-01"),
  "nodejs20.x": disputed("2026-04-30"),
  "nodejs22.x": {
    deprecated: "2027-04-30",
    blockCreate: [
      { date: "2027-06-01", source: CFN_LINT_1_51 },
      { date: "2027-06-01", source: CFN_LINT_AFD7953B },
    ],
  },
  "nodejs24.x": {
    deprecated: "2028-04-30",
    blockCreate: [
      { date: "2028-06-01", source: CFN_LINT_1_51 },
      { date: "2028-06-01", source: CFN_LINT_AFD7953B },
    ],
  },
};

/** What to do about a runtime on a given day. */
export type RuntimeVerdict =
  | { kind: "ok" }
  | { kind: "warn"; message: string }
  | { kind: "refuse"; message: string };

/**
 * The verdict for `runtime` on `today` (`YYYY-MM-DD`): refuse when every source says creating it is
 * blocked, warn when only some do or when it is deprecated, ok otherwise (and for runtimes the
 * table does not know, which the caller checks separately).
 */
export function runtimeVerdict(runtime: string, today: string): RuntimeVerdict {
  const lifecycle = NODE_RUNTIME_LIFECYCLE[runtime];
  if (lifecycle === undefined) return { kind: "ok" };
  const passed = lifecycle.blockCreate.filter((block) => block.date <= today);
  const dates = lifecycle.blockCreate.map((block) => `${block.date} (${block.source})`).join(" or ");
  if (passed.length === lifecycle.blockCreate.length) {
    const since = lifecycle.blockCreate.map((block) => block.date).sort()[0];
    return {
      kind: "refuse",
      message: `AWS Lambda no longer lets you create functions with ${runtime}: blocked since ${since} (${lifecycle.blockCreate[0]?.source}); deprecated since ${lifecycle.deprecated}`,
    };
  }
  if (passed.length > 0) {
    return {
      kind: "warn",
      message: `${runtime}: AWS blocks creating functions with it from ${dates}; the sources disagree, so it runs here, but deploying may fail`,
    };
  }
  if (lifecycle.deprecated <= today) {
    return {
      kind: "warn",
      message: `${runtime} is deprecated since ${lifecycle.deprecated}; creating functions with it is blocked from ${dates}`,
    };
  }
  return { kind: "ok" };
}
