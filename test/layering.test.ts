import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
const RULES = path.join(ROOT, '.dependency-cruiser.cjs');

/** Runs dependency-cruiser with the repository's rule file; violations make it exit non-zero. */
async function cruise(cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(DEPCRUISE, ['src', '--config', RULES, '--output-type', 'err'], { cwd });
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-layers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small tree with one import of each forbidden kind. */
function writeFixture(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  return dir;
}

describe('layers only point down (.dependency-cruiser.cjs)', () => {
  it('src/ has no upward import and no cycle', async () => {
    const r = await cruise(ROOT);
    expect(r.output).toMatch(/no dependency violations found/);
    expect(r.ok).toBe(true);
  }, 60_000);

  it('the rules catch an upward import at every layer, a module cycle and a file cycle', async () => {
    const dir = writeFixture({
      'src/common/errors.ts': "import { x } from '../api/server';\nexport const e = x;\n",
      'src/api/server.ts': 'export const x = 1;\n',
      'src/auth/policy.ts': "import { i } from '../intel/indicator.service';\nexport const p = i;\n",
      'src/intel/indicator.service.ts': "import { s } from '../api/server2';\nexport const i = s;\n",
      'src/api/server2.ts': 'export const s = 2;\n',
      'src/organizations/organization.service.ts': "import { w } from '../warnings/warning.service';\nexport const o = w;\n",
      'src/warnings/warning.service.ts': 'export const w = 3;\n',
      'src/incidents/a.ts': "import { b } from '../advisories/b';\nexport const a = b;\n",
      'src/advisories/b.ts': 'export const b = 4;\n',
      'src/db/one.ts': "import { two } from './two';\nexport const one = two;\n",
      'src/db/two.ts': "import { one } from './one';\nexport const two = () => one;\n",
    });
    const r = await cruise(dir);
    expect(r.ok).toBe(false);
    for (const rule of [
      'common-imports-nothing-above',
      'base-imports-no-module',
      'modules-import-no-transport',
      'module-order-organizations',
      'incidents-advisories-apart',
      'no-circular',
    ]) {
      expect(r.output, rule).toContain(rule);
    }
  }, 60_000);
});
