/**
 * Import boundaries, checked by `make lint` (npx depcruise). Dependencies point one way:
 *   handlers  <-  lib  <-  local, scripts, bench      (test may import anything)
 * handlers/ is what runs in Lambda, so it imports nothing of the tooling; lib/ is the shared layer of
 * the tooling; local/ (the local run) and scripts/ (build, deploy, token CLI) never import each other,
 * so a concept both need belongs in lib/.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "handlers-import-only-handlers",
      comment:
        "Lambda code is bundled alone: it may not import the tooling (lib, local, scripts, bench, test).",
      severity: "error",
      from: { path: "^handlers/" },
      to: { path: "^(lib|local|scripts|bench|test)/" },
    },
    {
      name: "lib-imports-only-handlers-and-lib",
      comment: "The shared layer sits below local/, scripts/ and bench/; move what it needs into lib/.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(local|scripts|bench|test)/" },
    },
    {
      name: "local-does-not-import-scripts",
      comment: "What the local run and the scripts share lives in lib/.",
      severity: "error",
      from: { path: "^local/" },
      to: { path: "^(scripts|bench|test)/" },
    },
    {
      name: "scripts-do-not-import-local",
      comment: "What the scripts and the local run share lives in lib/.",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^(local|bench|test)/" },
    },
    {
      name: "bench-does-not-import-tests",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      comment: "A cycle means two modules are one concept or one of them is in the wrong place.",
      severity: "error",
      from: {},
      // A type-only cycle (two modules naming each other's types) erases at compile time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      // resvg is the chart renderer of bench/peer (its own package.json), loaded only when present.
      to: { couldNotResolve: true, pathNot: "^@resvg/resvg-js$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.local|bench/peer|bench/results)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
