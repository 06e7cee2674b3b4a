/** A byte count in the unit that reads best (B, kB, MB, GB; powers of 1000), in `locale`'s number format: "10.7 GB". */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  // Intl's short "byte" reads oddly in English ("512 byte"): bytes are written B in every language.
  if (i === 0) return `${new Intl.NumberFormat(locale).format(value)} B`;
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}
