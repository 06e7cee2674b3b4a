import type { Grid } from './grid';

/**
 * Iso-lines of a grid by marching squares. Returns line segments as a flat list
 * `[i1, j1, i2, j2, …]` in fractional grid coordinates (i along x, j down the rows), so the caller
 * maps them to pixels. Cells with a non-finite corner are skipped.
 */
export function contourSegments(grid: Grid, level: number): number[] {
  const { nx, ny, values } = grid;
  const out: number[] = [];
  // Where the level crosses the edge between corners with values a and b (fraction from a).
  const cross = (a: number, b: number) => (level - a) / (b - a);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const tl = values[j * nx + i];
      const tr = values[j * nx + i + 1];
      const br = values[(j + 1) * nx + i + 1];
      const bl = values[(j + 1) * nx + i];
      if (!(Number.isFinite(tl) && Number.isFinite(tr) && Number.isFinite(br) && Number.isFinite(bl))) continue;
      const code = (tl > level ? 8 : 0) | (tr > level ? 4 : 0) | (br > level ? 2 : 0) | (bl > level ? 1 : 0);
      if (code === 0 || code === 15) continue;
      // Edge midpoints where the line crosses: top, right, bottom, left.
      const top = () => [i + cross(tl, tr), j];
      const right = () => [i + 1, j + cross(tr, br)];
      const bottom = () => [i + cross(bl, br), j + 1];
      const left = () => [i, j + cross(tl, bl)];
      const seg = (p: number[], q: number[]) => out.push(p[0], p[1], q[0], q[1]);
      switch (code) {
        case 1:
        case 14:
          seg(left(), bottom());
          break;
        case 2:
        case 13:
          seg(bottom(), right());
          break;
        case 3:
        case 12:
          seg(left(), right());
          break;
        case 4:
        case 11:
          seg(top(), right());
          break;
        case 6:
        case 9:
          seg(top(), bottom());
          break;
        case 7:
        case 8:
          seg(left(), top());
          break;
        case 5:
        case 10: {
          // Saddle cell: decide by the centre value which way the lines join.
          const centreHigh = (tl + tr + br + bl) / 4 > level;
          if ((code === 5) === centreHigh) {
            seg(left(), top());
            seg(bottom(), right());
          } else {
            seg(left(), bottom());
            seg(top(), right());
          }
          break;
        }
      }
    }
  }
  return out;
}
