// Layer rules (npm test runs them): the directions of the design notes — the machine at the
// bottom, knowing nothing of hosts, Node or Electron; src-shared between main and renderer,
// importing neither; the renderer reaching the machine only through the contract — and no
// import cycle anywhere. Type-only imports count: a cycle of types is still a knot.
const HOST_LAYERS = '^src-main/(host|cli|electron|qtest|session|export|pci-tools|preload|index\\.ts)';
/**
 * Everything above the machine that must not know which Target it has: the hosts and
 * their handlers, the Electron shell, the CLI, the exports, session files and the
 * operations layer. They reach a machine through src-main/target/ only.
 */
const ABOVE_THE_TARGET = '^src-main/(host|cli|electron|export|operations|preload|index\\.ts|session/session-file\\.ts)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no import cycles anywhere', from: { path: '^src-' }, to: { circular: true } },
    {
      name: 'machine-is-pure',
      severity: 'error',
      comment: 'src-main/machine/ is pure TypeScript: no hosts, no Node, no Electron, no DOM, no renderer',
      from: { path: '^src-main/machine/' },
      to: { path: [HOST_LAYERS, '^src-renderer/', '^node_modules/electron/'], dependencyTypesNot: [] },
    },
    { name: 'machine-no-node', severity: 'error', from: { path: '^src-main/machine/' }, to: { dependencyTypes: ['core'] } },
    {
      name: 'shared-imports-neither-side',
      severity: 'error',
      comment: 'src-shared/ is what both sides agree on: it imports nothing from main or renderer',
      from: { path: '^src-shared/' },
      to: { path: ['^src-main/', '^src-renderer/', '^node_modules/electron/'] },
    },
    { name: 'shared-no-node', severity: 'error', from: { path: '^src-shared/' }, to: { dependencyTypes: ['core'] } },
    {
      name: 'renderer-only-through-the-contract',
      severity: 'error',
      comment: 'the renderer reaches the machine only through src-shared (the contract) and its transport',
      from: { path: '^src-renderer/' },
      to: { path: ['^src-main/', '^node_modules/electron/'] },
    },
    { name: 'renderer-no-node', severity: 'error', from: { path: '^src-renderer/' }, to: { dependencyTypes: ['core'] } },
    {
      name: 'electron-only-in-the-shell',
      severity: 'error',
      comment: 'only the Electron shell (src-main/electron, src-main/index.ts, the preload) touches Electron',
      from: { path: '^src-', pathNot: '^src-main/(electron/|index\\.ts|preload/)' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'above-the-machine-through-a-target',
      severity: 'error',
      comment:
        'hosts, handlers, the CLI, exports and sessions talk to a Target (src-main/target/target.ts), opened by src-main/target/simulated/; ' +
        'only the limits module re-exports the machine\'s own bounds',
      from: { path: ABOVE_THE_TARGET, pathNot: '^src-main/operations/limits\\.ts$' },
      to: { path: '^src-main/machine/' },
    },
    { name: 'hosts-not-into-renderer', severity: 'error', from: { path: '^src-main/' }, to: { path: '^src-renderer/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.vue', '.js', '.mjs'] },
  },
};
