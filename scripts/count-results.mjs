// Adds up the Vitest and Playwright counts in a test log and prints "N passed, N failed".
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
// Vitest: "      Tests  15 passed (15)" or "Tests  2 failed | 13 passed (15)"
for (const line of text.split('\n').filter((l) => /^\s*Tests\s+\d/.test(l))) {
  passed += Number(line.match(/(\d+) passed/)?.[1] ?? 0);
  failed += Number(line.match(/(\d+) failed/)?.[1] ?? 0);
}
// Playwright list reporter: "  2 passed (19.5s)", "  1 failed", "  1 flaky"
for (const line of text.split('\n').filter((l) => /^\s+\d+ (passed|failed|flaky)\b/.test(l) && !/^\s*Tests/.test(l))) {
  const m = line.match(/^\s+(\d+) (passed|failed|flaky)/);
  if (m[2] === 'passed') passed += Number(m[1]);
  else failed += Number(m[1]);
}
console.log(`${passed} passed, ${failed} failed`);
