/**
 * Layers of src/ (DESIGN.md "Shape of the code"): imports only point down.
 *
 *   cli, main.ts            entry points
 *   api, interop            transports: HTTP, websocket, TAXII; the composition root
 *   modules                 audit < organizations < warnings < intel < incidents, advisories
 *   auth, db, config.ts     policy, authorisation, tokens; data source, paging, shared SQL
 *   common, node-env.ts     enums, domain errors, validation, logger: imports nothing above
 *
 * Paths are matched from `src/` on, wherever the tree sits (test/layering.test.ts
 * runs these rules over a fixture tree to prove that they bite).
 */
const SRC = '(^|/)src/';
const MODULES = `${SRC}(audit|organizations|warnings|intel|incidents|advisories|registry)/`;
const TRANSPORTS = `${SRC}(api|interop)/`;
const ENTRIES = `${SRC}(cli/|main\\.ts$)`;
const BASE = `${SRC}(auth|db)/|${SRC}config\\.ts$`;

/** Module folders in order: a folder may import only those before it. */
const MODULE_ORDER = ['audit', 'organizations', 'warnings', 'intel', 'incidents|advisories|registry'];

const moduleRules = MODULE_ORDER.slice(0, -1).map((mod, i) => ({
  name: `module-order-${mod.split('|')[0]}`,
  comment: `${mod} may not import ${MODULE_ORDER.slice(i + 1).join(', ')}: module folders form a chain, so they never import each other in a cycle.`,
  severity: 'error',
  from: { path: `${SRC}(${mod})/` },
  to: { path: `${SRC}(${MODULE_ORDER.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'common-imports-nothing-above',
      comment: 'common/ is the bottom layer: enums, errors, validation, logging.',
      severity: 'error',
      from: { path: `${SRC}(common/|node-env\\.ts$)` },
      to: { path: `${SRC}`, pathNot: `${SRC}common/` },
    },
    {
      name: 'base-imports-no-module',
      comment: 'auth, db and config sit below the domain modules, the transports and the entry points.',
      severity: 'error',
      from: { path: BASE },
      to: { path: `${MODULES}|${TRANSPORTS}|${ENTRIES}` },
    },
    {
      name: 'modules-import-no-transport',
      comment: 'Domain modules know nothing of HTTP, websockets, TAXII or the command line.',
      severity: 'error',
      from: { path: MODULES },
      to: { path: `${TRANSPORTS}|${ENTRIES}` },
    },
    {
      name: 'transports-import-no-entry-point',
      severity: 'error',
      from: { path: TRANSPORTS },
      to: { path: ENTRIES },
    },
    {
      name: 'incidents-advisories-apart',
      comment: 'Sibling modules at the top of the chain stay independent.',
      severity: 'error',
      from: { path: `${SRC}incidents/` },
      to: { path: `${SRC}(advisories|registry)/` },
    },
    {
      name: 'advisories-incidents-apart',
      severity: 'error',
      from: { path: `${SRC}advisories/` },
      to: { path: `${SRC}(incidents|registry)/` },
    },
    ...moduleRules,
    {
      name: 'no-circular',
      comment: 'No import cycles between files either.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
