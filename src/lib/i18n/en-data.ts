/** English strings of the data picker, the uploads and their error messages (issue 5). Spread into `en`. */
const q = (s: string) => `“${s.length > 40 ? `${s.slice(0, 40)}…` : s}”`;
const n = (v: number) => v.toLocaleString('en');

export const dataMessages = {
  dataUi: {
    choose: 'Dataset',
    groups: { images: 'Images', tables: 'Tables', generated: 'Generated (2-D)', own: 'Your own data' },
    ownCsv: 'CSV or TSV file…',
    ownImages: 'Images…',
    loadingFile: (name: string) => `Reading ${name}…`,
    decoding: 'Decoding and resizing the images…',
    generators: { spiral: 'Spiral', circles: 'Circles', xor: 'XOR', gaussian: 'Gaussian clusters', linear: 'Noisy line (regression)' },
    generator: { size: 'Points', noise: 'Noise', seed: 'Seed', classes: 'Classes', generate: 'Generate' },
    csv: {
      pick: 'Choose a CSV or TSV file',
      limit: (limit: string) => `Up to ${limit}. Nothing leaves this page.`,
      rows: (rows: number, cols: number, delimiter: string) =>
        `${rows.toLocaleString('en')} rows × ${cols} columns, separated by ${delimiter === '\t' ? 'tabs' : `“${delimiter}”`}`,
      header: 'First line holds column names',
      target: 'Target column',
      task: 'Task',
      tasks: { classification: 'Classification (classes)', regression: 'Regression (a number)' },
      missing: 'Missing values',
      missingChoices: { drop: 'Drop rows that have any', fill: 'Fill: training mean / most frequent' },
      column: 'Column',
      use: 'Use as',
      kinds: { numeric: 'numeric', categorical: 'categorical', ignore: 'ignore' },
      missingCount: 'missing',
      values: 'values',
      apply: 'Use this data',
    },
    images: {
      zip: 'A zip with one folder per class',
      folder: 'A folder with one sub-folder per class',
      drop: 'or drop class folders here',
      perClass: 'Or add files class by class',
      className: (i: number) => `Class ${i} name`,
      addFiles: 'Add images',
      files: (n: number) => `${n} image${n === 1 ? '' : 's'}`,
      addClass: 'Add a class',
      removeClass: (name: string) => `Remove class ${name}`,
      size: 'Size (pixels)',
      colour: 'Colour',
      colours: { 1: 'Greyscale', 3: 'Colour (RGB)' },
      apply: 'Use these images',
      chosen: (what: string) => `Chosen: ${what}`,
    },
    split: { test: 'Test share', seed: 'Split seed', note: 'Validation rows come from the hyper-parameters; statistics use the training rows only.' },
    problem: 'This data cannot be used yet:',
    preview: {
      images: 'Sample training images with their labels',
      table: 'Columns (statistics over all rows)',
      rows: 'First rows',
      scatter: 'Training points',
      role: 'use',
      range: 'range',
      meanStd: 'mean ± std',
      top: 'most frequent',
      roles: { numeric: 'numeric', categorical: 'one-hot', ignored: 'ignored', target: 'target' },
      balance: 'Class balance (train / test)',
      targetHist: 'Target values (training rows)',
      train: 'train',
      test: 'test',
      features: (n: number) => `${n} input feature${n === 1 ? '' : 's'}`,
    },
  },
  dataErrors: {
    kindNames: { csv: 'CSV files', image: 'one image', zip: 'zip archives' },
    tooLarge: (file: string, size: string, limit: string, kind: string) =>
      `${file} is ${size}, over the ${limit} limit for ${kind}; it was not read. Use a smaller file (for example a sample of the rows or smaller images).`,
    empty: (file: string) => `${file} is empty: it has no rows.`,
    headerOnly: (file: string) => `${file} has a header row but no data rows.`,
    noHeader: (file: string, first: string, columns: number) =>
      `${file} has no header row: line 1 (${q(first)}) holds values, not column names, so the ${columns} columns are named column 1 to column ${columns}. Untick “First line holds column names” only if that is wrong.`,
    ragged: (file: string, line: number, got: number, expected: number) =>
      `${file}, line ${line}: ${got} field${got === 1 ? '' : 's'}, but the header has ${expected} columns. Every row needs one value per column.`,
    nonNumeric: (file: string, line: number, column: string, value: string, others: number) =>
      `${file}, line ${line}, column ${q(column)}: ${q(value)} is not a number, but ${n(others)} other values in this column are. Fix the value, or set the column to “categorical” or “ignore”.`,
    targetNotNumeric: (file: string, line: number, column: string, value: string) =>
      `${file}, line ${line}: the target ${q(column)} is ${q(value)}, not a number, so it cannot be predicted by regression. Switch the task to classification.`,
    oneClass: (file: string, column: string, value: string, rows: number) =>
      `${file}: the target column ${q(column)} has only one value (${q(value)}) in all ${n(rows)} rows; a classifier needs at least two classes. Choose another target column.`,
    tooManyClasses: (file: string, column: string, count: number, max: number) =>
      `${file}: the target column ${q(column)} has ${n(count)} different values, more than the ${max} classes allowed. If it is a quantity, switch the task to regression; otherwise choose another target column.`,
    notText: (file: string, what: string | null) =>
      `${file} is not a CSV or TSV text file${what ? `: it looks like ${what}` : ': it holds binary data'}. Export the table as CSV (comma- or tab-separated text) and try again.`,
    badQuotes: (file: string, line: number) => `${file}, line ${line}: a quoted field is never closed (a “"” is missing).`,
    noFeatures: (file: string) => `${file}: no input columns are left besides the target. Set at least one column to numeric or categorical.`,
    targetIgnored: (column: string) => `The target column ${q(column)} is set to “ignore”; choose another target or column type.`,
    tooFewRows: (file: string, rows: number, dropped: number) =>
      `${file}: only ${n(rows)} usable rows${dropped ? ` (${n(dropped)} were dropped for missing values)` : ''}; at least 10 are needed. Fill missing values instead of dropping rows, or use more data.`,
    notImage: (file: string, what: string | null) =>
      `${file} is not an image${what ? `: it looks like ${what}` : ''}. Use PNG, JPEG, GIF, WebP or BMP files, or a zip of them.`,
    undecodable: (file: string, reason: string) => `${file} could not be decoded as an image (${reason}); the file may be damaged or cut short.`,
    notZip: (file: string, what: string | null) => `${file} is not a zip archive${what ? `: it looks like ${what}` : ''}.`,
    badZip: (file: string, reason: string) => `${file} could not be unpacked (${reason}); the archive may be damaged.`,
    noImages: (source: string) => `${source} holds no images (PNG, JPEG, GIF, WebP or BMP).`,
    notInFolders: (source: string, count: number, example: string) =>
      `${source}: ${n(count)} image${count === 1 ? ' is' : 's are'} not in a class folder (for example ${example}); put the images of each class in a sub-folder named after the class.`,
    oneImageClass: (source: string, name: string, count: number) =>
      `${source}: all ${n(count)} images are in one class (${q(name)}); a classifier needs at least two classes, one folder each.`,
    tooManyImageClasses: (source: string, count: number, max: number) => `${source} has ${n(count)} class folders, more than the ${max} classes allowed.`,
    tooManyImages: (source: string, count: number, max: number) => `${source} holds ${n(count)} images, more than the ${n(max)} allowed in one dataset.`,
    emptyClass: (name: string) => `Class ${q(name)} has no images; add some or remove the class.`,
    noClassName: (index: number) => `Class ${index} has no name; type one.`,
    duplicateClass: (name: string) => `Two classes are named ${q(name)}; give each class its own name.`,
    allUndecodable: (count: number) => `None of the ${n(count)} images could be decoded; see the messages below.`,
  },
  dataNotes: {
    skipped: (files: string[]) => `Skipped ${files.length} file${files.length === 1 ? '' : 's'} that ${files.length === 1 ? 'is' : 'are'} not an image: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}.`,
    targetMissing: (count: number) => `${n(count)} row${count === 1 ? '' : 's'} without a target value were left out.`,
    droppedRows: (count: number) => `${n(count)} row${count === 1 ? '' : 's'} with missing values were dropped.`,
    filled: (count: number) => `${n(count)} missing value${count === 1 ? ' was' : 's were'} filled with the training mean (numbers) or most frequent value (categories).`,
    unseenCategories: (count: number) => `${n(count)} value${count === 1 ? '' : 's'} in validation or test rows had a category never seen in the training rows (encoded as all zeros).`,
  },
};
