// `npm test`: lint (with the layer rules), typecheck, Electronegativity, unit + integration tests,
// end-to-end tests.
// Every step runs even when an earlier one fails, so one run shows everything that is wrong; the
// last line is the total over all runners (lint and typecheck count as one check each;
// Electronegativity as the scan plus one per finding, passed only when the README explains it).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type StepResult = {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
  seconds: number;
  /** "file > test: first line of the error", repeated in the summary so a log's tail names what failed. */
  failures?: string[];
};

const resultsDir = 'test-results';
mkdirSync(resultsDir, { recursive: true });

function run(command: string, args: string[]): { ok: boolean; seconds: number } {
  const started = Date.now();
  const child = spawnSync(command, args, { stdio: 'inherit', shell: false, env: process.env });
  return { ok: child.status === 0, seconds: (Date.now() - started) / 1000 };
}

function checkStep(name: string, command: string, args: string[]): StepResult {
  console.log(`\n=== ${name} ===`);
  const { ok, seconds } = run(command, args);
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, ok, seconds };
}

type VitestJson = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
  testResults: Array<{
    name: string;
    message?: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
  }>;
};

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
}

/** Failed tests, and files that failed outside any test (a crash in a hook or at import). */
function failuresOf(report: VitestJson): string[] {
  const root = process.cwd() + '/';
  return report.testResults.flatMap((file) => {
    const path = file.name.startsWith(root) ? file.name.slice(root.length) : file.name;
    const tests = file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => `${path} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    return tests.length === 0 && file.message ? [`${path}: ${firstLine(file.message)}`] : tests;
  });
}

function vitestStep(name: string, configArgs: string[]): StepResult {
  console.log(`\n=== ${name} ===`);
  const jsonPath = join(resultsDir, `${name.replace(/\W+/g, '-')}.json`);
  rmSync(jsonPath, { force: true });
  const { ok, seconds } = run('npx', ['vitest', 'run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile=${jsonPath}`]);
  if (!existsSync(jsonPath)) {
    // The runner died before reporting: count the step as one failure so the total shows it.
    return { name, passed: 0, failed: 1, skipped: 0, ok: false, seconds };
  }
  const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as VitestJson;
  const failed = report.numFailedTests + (ok || report.numFailedTests > 0 ? 0 : 1);
  return {
    name,
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
    ok: ok && failed === 0,
    seconds,
    failures: failuresOf(report),
  };
}

type SarifReport = {
  runs: Array<{
    results: Array<{
      ruleId: string;
      message: { text: string };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }>;
    }>;
  }>;
};

/** "RULE file" pairs from the table in README.md's "Security" section: findings we keep, with why. */
function explainedFindings(): Set<string> {
  const readme = readFileSync('README.md', 'utf8');
  const section = /^## Security\b[\s\S]*?(?=^## |$(?![\s\S]))/m.exec(readme)?.[0] ?? '';
  return new Set([...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|\s*`([^`]+)`\s*\|/gm)].map(([, rule, file]) => `${rule} ${file}`));
}

/**
 * Electronegativity over the Electron glue and the build configuration in one scan (its global
 * checks, "is there a permission handler anywhere", need to see both), assuming the installed
 * Electron. The scan counts as one check; each finding passes only if the README explains it.
 */
function electronegativityStep(): StepResult {
  const name = 'electronegativity';
  console.log(`\n=== ${name} ===`);
  const scanDir = mkdtempSync(join(tmpdir(), 'fd311-electronegativity-'));
  cpSync('electron', join(scanDir, 'electron'), { recursive: true });
  cpSync('build', join(scanDir, 'build'), { recursive: true });
  const reportPath = join(resultsDir, `${name}.sarif`);
  rmSync(reportPath, { force: true });
  const electronVersion = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;
  const { seconds } = run('npx', ['electronegativity', '-i', scanDir, '-o', reportPath, '-r', '-e', electronVersion]);
  rmSync(scanDir, { recursive: true, force: true });
  if (!existsSync(reportPath)) return { name, passed: 0, failed: 1, skipped: 0, ok: false, seconds };
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SarifReport;
  const explained = explainedFindings();
  let passed = 1;
  let failed = 0;
  for (const finding of report.runs.flatMap((scan) => scan.results)) {
    const location = finding.locations?.[0]?.physicalLocation;
    const file = location?.artifactLocation?.uri ?? '(no file)';
    const known = explained.has(`${finding.ruleId} ${file}`);
    console.log(`${known ? 'explained in README' : 'NOT EXPLAINED     '}  ${finding.ruleId}  ${file}:${location?.region?.startLine ?? '?'}  ${finding.message.text}`);
    if (known) passed += 1;
    else failed += 1;
  }
  return { name, passed, failed, skipped: 0, ok: failed === 0, seconds };
}

const only = process.argv.slice(2);
const wanted = (step: string) => only.length === 0 || only.includes(step);
const results: StepResult[] = [];
if (wanted('lint')) results.push(checkStep('lint', 'npx', ['eslint', '.']));
if (wanted('typecheck')) results.push(checkStep('typecheck', 'npx', ['tsc', '-p', '.']));
if (wanted('electronegativity')) results.push(electronegativityStep());
if (wanted('unit')) results.push(vitestStep('unit and integration', []));
if (wanted('e2e')) results.push(vitestStep('end-to-end', ['--config', 'vitest.e2e.config.ts']));

console.log('\n=== summary ===');
for (const step of results) {
  const skipped = step.skipped ? `, ${step.skipped} skipped` : '';
  console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.passed} passed, ${step.failed} failed${skipped} (${step.seconds.toFixed(1)} s)`);
  for (const failure of step.failures ?? []) console.log(`       ${failure}`);
}
const total = results.reduce((sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(results.every((s) => s.ok) ? 0 : 1);
