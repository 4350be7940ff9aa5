// Modules the Pulumi SDK loads when it is first required but uses only to serialize a function by value (a
// dynamic provider's code): TypeScript's compiler, npm's arborist and its package-data normalizer. Loading them
// is about half of the SDK's start-up time and memory. Here they load on their first use instead, so a run
// that serializes nothing (the policy pack, a tool whose providers' code is already known) never pays for them.
// @ts-check
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/**
 * What is deferred, as each module of @pulumi/pulumi asks for it: `from` the asking module (relative to the
 * package), `asks` the expression it asks with, and `esModule` what the placeholder answers for `__esModule`,
 * so that TypeScript's import helper there passes it through without reading its keys (`__importStar` keeps
 * a module that says true; `__importDefault` wraps one that says false, which is then called as a function).
 * @type {{ from: string; asks: string; request: string; esModule: boolean }[]}
 */
const DEFERRED = [
  {
    from: "runtime/closure/parseFunction.js",
    asks: 'require("../../typescript-shim")',
    request: "../../typescript-shim",
    esModule: true,
  },
  {
    from: "runtime/closure/codePaths.js",
    asks: '__importStar(require("@npmcli/arborist"))',
    request: "@npmcli/arborist",
    esModule: true,
  },
  {
    from: "runtime/closure/codePaths.js",
    asks: '__importDefault(require("normalize-package-data"))',
    request: "normalize-package-data",
    esModule: false,
  },
];

/**
 * Puts a placeholder in require's cache for each deferred module of the @pulumi/pulumi that `projectRoot`
 * resolves, unless it is loaded already. The placeholder loads the real module when any of its properties is
 * read, or it is called or constructed, and forwards to it from then on. A module the installed SDK does not
 * ask for as listed (another version) is left alone: it loads as it always does. Returns the files deferred.
 * @param {string} projectRoot
 * @returns {string[]}
 */
function deferSdkModules(projectRoot) {
  let sdk;
  try {
    sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectRoot] }));
  } catch {
    return [];
  }
  /** @type {string[]} */
  const deferred = [];
  for (const { from, asks, request, esModule } of DEFERRED) {
    let file;
    try {
      if (!fs.readFileSync(path.join(sdk, from), "utf8").includes(asks)) continue;
      file = Module.createRequire(path.join(sdk, from)).resolve(request);
    } catch {
      continue;
    }
    if (require.cache[file]) continue;
    require.cache[file] = placeholder(file, esModule);
    deferred.push(file);
  }
  return deferred;
}

/**
 * A loaded module whose exports stand in for `file`'s until they are used.
 * @param {string} file
 * @param {boolean} esModule
 * @returns {NodeJS.Module}
 */
function placeholder(file, esModule) {
  /** @typedef {(new (...args: unknown[]) => object) & ((...args: unknown[]) => unknown)} LoadedModule */
  /** @type {LoadedModule | undefined} */
  let real;
  /** @returns {LoadedModule} */
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      /** @type {unknown} */
      const loaded = require(file);
      real = /** @type {LoadedModule} */ (loaded);
    }
    return real;
  };
  const exports = new Proxy(function deferredModule() {}, {
    get: (_target, key) => (key === "__esModule" ? esModule : /** @type {unknown} */ (Reflect.get(load(), key))),
    has: (_target, key) => Reflect.has(load(), key),
    apply: (_target, self, /** @type {unknown[]} */ args) => Reflect.apply(load(), self, args),
    construct: (_target, /** @type {unknown[]} */ args, /** @type {Function} */ newTarget) =>
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- Reflect.construct is typed any: an object
      Reflect.construct(load(), args, newTarget),
  });
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = exports;
  return module;
}

module.exports = { deferSdkModules };
