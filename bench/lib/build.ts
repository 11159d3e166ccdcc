import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './service';

/** Newest modification time of the TypeScript sources a build depends on. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'libs'));
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'])
    newest = Math.max(newest, statSync(path.join(ROOT, f)).mtimeMs);
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than a source file. */
export function ensureBuilt(log: (line: string) => void): void {
  const main = path.join(ROOT, 'dist/src/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource()) return;
  log('building the service (dist/ is missing or older than the sources)');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
