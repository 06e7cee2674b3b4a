// Makes sure Debian's PyTorch is there for the unit tests of the exported train_torch.py (as ensure-chromium.mjs
// does for Chromium): when `/usr/bin/python3 -c "import torch"` fails, installs python3-torch and OpenBLAS with
// apt-get (needs root). `PYTHON` points at another interpreter, which must have torch and numpy itself.
import { spawnSync, execSync } from 'node:child_process';

const python = process.env.PYTHON ?? '/usr/bin/python3';
const hasTorch = () => spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } }).status === 0;

if (!hasTorch()) {
  if (process.env.PYTHON) {
    console.error(`${python} cannot import torch and numpy (PYTHON is set, so nothing is installed).`);
    process.exit(1);
  }
  console.log(`${python} has no PyTorch: installing Debian's python3-torch and libopenblas0-pthread with apt-get (needs root).`);
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread', { stdio: 'inherit' });
}
if (!hasTorch()) {
  console.error(`PyTorch is still missing for ${python}.`);
  process.exit(1);
}
