// Makes sure Debian's Chromium is installed for the end-to-end tests (never a downloaded browser).
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.log(`${path} is missing: installing Debian's chromium with apt-get (needs root).`);
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
}
if (!existsSync(path)) {
  console.error(`Chromium is still missing at ${path}.`);
  process.exit(1);
}
