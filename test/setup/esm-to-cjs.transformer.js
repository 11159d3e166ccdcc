/**
 * Jest transformer for dependencies that ship ECMAScript modules only (NestJS 12, jose).
 * Node 20.19+ can require() them at run time, but Jest's module runtime only learns that
 * on Node 24.9+. So, for tests only, files of `"type": "module"` packages are rewritten
 * to CommonJS with TypeScript's own transpiler (no extra toolchain). Every other file is
 * passed through untouched.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const typeByDir = new Map();

function packageType(dir) {
  if (typeByDir.has(dir)) return typeByDir.get(dir);
  let type;
  const pkg = path.join(dir, 'package.json');
  if (fs.existsSync(pkg)) {
    try {
      type = JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module' ? 'module' : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  typeByDir.set(dir, type);
  return type;
}

function isEsm(filename) {
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs')) return false;
  return packageType(path.dirname(filename)) === 'module';
}

module.exports = {
  process(source, filename) {
    if (!isEsm(filename)) return { code: source };
    const withoutMeta = source
      // `const require = createRequire(import.meta.url)` is legal in ESM but collides with
      // CommonJS's own `require`; Jest's `require` does the same job, so drop the local one.
      .replace(/\b(const|let|var)\s+require\s*=/g, '$1 __esmLocalRequire =')
      .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
      .replace(/\bimport\.meta\.resolve\b/g, 'require.resolve')
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    const out = ts.transpileModule(withoutMeta, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        allowJs: true,
        sourceMap: false,
      },
    });
    return { code: out.outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha1')
      .update('esm-to-cjs-v3\0' + ts.version + '\0' + filename + '\0' + source)
      .digest('hex');
  },
};
