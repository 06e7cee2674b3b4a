# ---- Data, splits and TF.js weights: the same code in train.py and train_torch.py (numpy only) ----
# It reads the data file the model was trained on (the CSV, MNIST's idx files or an image folder) and applies
# the preprocessing of model-card.json exactly as the app and predict.js do, splits it as the app splits it
# (same seeded RNG), and reads the exported TF.js weights.


class DataProblem(Exception):
    """Input that cannot be used (a file, a row, a value): the message says which and why."""


# JavaScript's String.prototype.trim() removes exactly these (Python's strip() differs at the edges).
_JS_SPACE = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_COMMA_DECIMAL = re.compile(r"[-+]?[0-9]+,[0-9]+")
_DEFAULT_MISSING = ["", "na", "n/a", "nan", "null", "none", "?"]
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# The app's defaults for the train/test split of a CSV or an image folder (its upload forms).
DEFAULT_TEST_FRACTION = 0.2
DEFAULT_SPLIT_SEED = 1


def js_trim(s):
    return s.strip(_JS_SPACE)


def js_round(x):
    """Math.round: halves go up."""
    return int(math.floor(x + 0.5))


class Mulberry32:
    """Descent's seeded RNG, so splits and shuffles hold the same examples as in the browser."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0

    def permutation(self, count):
        """Fisher-Yates over 0..count-1, as Rng.permutation in the app."""
        order = list(range(count))
        for i in range(count - 1, 0, -1):
            j = int(self.next() * (i + 1))
            order[i], order[j] = order[j], order[i]
        return order


def _imul(a, b):
    return (a * b) & 0xFFFFFFFF


def split_indices(count, fraction, seed):
    """The app's train/validation split: (train indices, validation indices)."""
    order = Mulberry32(seed ^ 0x5EED).permutation(count)
    n_val = js_round(count * fraction)
    return np.array(order[n_val:], dtype=np.int64), np.array(order[:n_val], dtype=np.int64)


def train_test_split(count, test_fraction, seed, labels=None):
    """The app's train/test split of a CSV or an image folder: seeded, stratified by class when labels are given."""
    if not 0 < test_fraction < 1:
        raise DataProblem("The test fraction must lie between 0 and 1, not %r." % test_fraction)
    rng = Mulberry32(seed ^ 0x7E57)
    groups = {}
    for i in range(count):
        groups.setdefault(int(labels[i]) if labels is not None else 0, []).append(i)
    train, test = [], []
    for key in sorted(groups):
        members = groups[key]
        order = rng.permutation(len(members))
        n_test = max(1, js_round(len(members) * test_fraction)) if len(members) > 1 else 0
        for k, o in enumerate(order):
            (test if k < n_test else train).append(members[o])

    def shuffle(items):
        return np.array([items[o] for o in rng.permutation(len(items))], dtype=np.int64)

    return shuffle(train), shuffle(test)


def learning_rate_at(step, total_steps, steps_per_epoch, rate=None):
    """The learning rate of the app's schedule at a global step (constant, one-cycle or step decay)."""
    rate = LEARNING_RATE if rate is None else rate
    s = SCHEDULE
    if not s or s["kind"] == "constant":
        return rate
    if s["kind"] == "step-decay":
        return rate * s["gamma"] ** math.floor(step / (steps_per_epoch * s["everyEpochs"]))
    start, length, rnd = _cycle_at(step, total_steps, steps_per_epoch)
    peak = rate * (s["peaks"][rnd] if s.get("peaks") and rnd < len(s["peaks"]) else 1)
    at = step - start
    warm = max(1, js_round(length * s["pctStart"]))
    if at < warm:
        return _cosine(peak / s["divFactor"], peak, at / warm)
    return _cosine(peak, peak / s["finalDivFactor"], (at - warm) / max(1, length - 1 - warm))


def momentum_at(step, total_steps, steps_per_epoch):
    """Momentum (Adam's beta1) of a one-cycle schedule: 0.95 -> 0.85 -> 0.95 per round; None otherwise."""
    if not SCHEDULE or SCHEDULE["kind"] != "one-cycle":
        return None
    start, length, _ = _cycle_at(step, total_steps, steps_per_epoch)
    at = step - start
    warm = max(1, js_round(length * SCHEDULE["pctStart"]))
    if at < warm:
        return _cosine(0.95, 0.85, at / warm)
    return _cosine(0.85, 0.95, (at - warm) / max(1, length - 1 - warm))


def _cosine(a, b, t):
    return b + (a - b) * (1 + math.cos(math.pi * min(1.0, max(0.0, t)))) / 2


def _cycle_at(step, total_steps, steps_per_epoch):
    rounds = SCHEDULE.get("rounds")
    if not rounds or len(rounds) < 2:
        return 0, total_steps, 0
    start, epochs = 0, 0
    for i, r in enumerate(rounds):
        epochs += r
        end = total_steps if i == len(rounds) - 1 else min(total_steps, js_round(epochs * steps_per_epoch))
        if step < end:
            return start, max(1, end - start), i
        start = end
    return start, max(1, total_steps - start), len(rounds) - 1


# ---- TF.js weights ----

def read_tfjs_model(folder, with_values=True):
    """model.json of a TF.js layers model and its weights in manifest order: (model_json, [(name, array)]).

    Shards may hold float32 or quantised float16/uint8/uint16 values (the export dialog's options); quantised
    values are turned back into float32 as TF.js does. Without `with_values` the arrays are None.
    """
    path = os.path.join(folder, "model.json")
    try:
        with open(path, encoding="utf-8") as f:
            model_json = json.load(f)
    except OSError as err:
        raise DataProblem("%s cannot be read (%s): pass the folder of the exported model." % (path, err.strerror))
    except ValueError as err:
        raise DataProblem("%s is not JSON: %s" % (path, err))
    manifest = model_json.get("weightsManifest") if isinstance(model_json, dict) else None
    if not isinstance(manifest, list) or not isinstance(model_json.get("modelTopology"), dict):
        raise DataProblem("%s is not a TF.js layers model (no modelTopology or weightsManifest)." % path)
    named = []
    for group in manifest:
        data = b""
        if with_values:
            try:
                data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
            except OSError as err:
                raise DataProblem("A weights file of %s is missing: %s" % (path, err))
        offset = 0
        for spec in group["weights"]:
            shape = [int(d) for d in spec["shape"]]
            count = int(np.prod(shape)) if shape else 1
            q = spec.get("quantization")
            kind = np.dtype(q["dtype"] if q else spec["dtype"])
            if not with_values:
                named.append((spec["name"], None))
                continue
            if offset + count * kind.itemsize > len(data):
                raise DataProblem("The weights files of %s end before %s." % (path, spec["name"]))
            raw = np.frombuffer(data, kind, count, offset)
            offset += raw.nbytes
            if q and q["dtype"] != "float16":
                values = raw.astype("float32") * np.float32(q["scale"]) + np.float32(q["min"])
            else:
                values = raw.astype("float32")
            named.append((spec["name"], values.reshape(shape)))
        if with_values and offset != len(data):
            raise DataProblem("The weights files of %s hold %d bytes, the manifest %d." % (path, len(data), offset))
    return model_json, named


def weights_by_layer(named):
    """Groups manifest entries by layer ("dense_2/kernel" -> layer "dense_2"), layers in order of appearance.

    TF.js lists every trainable weight first and the non-trainable ones (batch norm's moving statistics)
    after all of them, so a layer's weights need not be next to each other in the manifest.
    """
    layers = {}
    for name, value in named:
        layer, _, weight = name.rpartition("/")
        layers.setdefault(layer, {})[weight] = value
    return list(layers.items())


# ---- Data ----

def parse_number(cell, decimal_comma=False):
    """A cell as a number as the app reads it ("3,5" is 3.5 in ";"-separated files), or NaN."""
    s = js_trim(cell)
    if _NUMBER.fullmatch(s):
        return float(s)
    if decimal_comma and _COMMA_DECIMAL.fullmatch(s):
        return float(s.replace(",", ".", 1))
    return math.nan


def is_missing(cell):
    return js_trim(cell).lower() in (MISSING_VALUES or _DEFAULT_MISSING)


def decode_text(raw, name, encoding=None):
    if encoding:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as err:
            raise DataProblem("%s cannot be read as %s: %s" % (name, encoding, err))
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    if b"\x00" in raw[:65536]:
        raise DataProblem("%s is not a text file (it holds NUL bytes)." % name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataProblem("%s is not UTF-8 text: pass its encoding, e.g. --encoding gb18030 or --encoding cp1252." % name)


def _rows(text, delimiter):
    """Rows of the text with the line each starts on, blank lines skipped (as the app's parser does)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines, line = [], [], 1
    try:
        for row in reader:
            if row and not (len(row) == 1 and js_trim(row[0]) == ""):
                rows.append(row)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as err:
        raise DataProblem("Line %d: %s" % (line, err))
    return rows, lines


def _unique_names(names):
    seen, out = {}, []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else "%s (%d)" % (name, seen[name]))
    return out


def _guess_delimiter(text, name, width):
    if name.lower().endswith(".tsv"):
        return "\t"
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    for delimiter in (",", "\t", ";", "|"):
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r][:50]
        except csv.Error:
            continue
        if rows and all(len(r) == (width or len(rows[0])) for r in rows) and len(rows[0]) > 1:
            return delimiter
    return ","


def read_table(path, encoding=None):
    """The CSV as (delimiter, header row or None, data rows, their line numbers)."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as err:
        raise DataProblem("%s cannot be read: %s" % (path, err.strerror))
    text = decode_text(raw, name, encoding)
    if not js_trim(text):
        raise DataProblem("%s is empty." % name)
    delimiter = _guess_delimiter(text, name, len(HEADER) if HEADER else None)
    rows, lines = _rows(text, delimiter)
    first = _unique_names([js_trim(c) or "column %d" % (j + 1) for j, c in enumerate(rows[0])])
    needed = [c["column"] for c in COLUMNS] + [TARGET["column"]]
    generic = HEADER is not None and HEADER == ["column %d" % (j + 1) for j in range(len(HEADER))]
    if all(n in first for n in needed) and not generic:
        header, rows, lines = first, rows[1:], lines[1:]
    elif generic and len(rows[0]) == len(HEADER):
        header = HEADER
    else:
        missing = [n for n in needed if n not in first]
        raise DataProblem("%s has no column %s: its first row is %s. The model takes the columns %s."
                          % (name, ", ".join(repr(m) for m in missing), ", ".join(first[:20]), ", ".join(needed)))
    for row, line in zip(rows, lines):
        if len(row) != len(header):
            raise DataProblem("%s, line %d: %d cells, the header has %d." % (name, line, len(row), len(header)))
    if not rows:
        raise DataProblem("%s holds a header and no rows." % name)
    return delimiter, header, rows, lines


def _target_index(cell, classes):
    if cell in classes:
        return classes.index(cell)
    v = parse_number(cell)
    # Built-in tables store classes as numbers 0..k-1 that the card names (iris: 0 -> "setosa").
    if math.isfinite(v) and v == int(v) and 0 <= v < len(classes):
        return int(v)
    return None


def encode_table(path, test_fraction, split_seed, encoding=None):
    """Reads the CSV, keeps and splits the rows as the app does, encodes them with the card's constants."""
    name = os.path.basename(path)
    delimiter, header, rows, lines = read_table(path, encoding)
    decimal_comma = delimiter == ";"
    inputs = [header.index(c["column"]) for c in COLUMNS]
    t = header.index(TARGET["column"])
    kept, notes = [], []
    target_missing = dropped = 0
    for i, row in enumerate(rows):
        if is_missing(row[t]):
            target_missing += 1
        elif MISSING == "drop" and any(is_missing(row[j]) for j in inputs):
            dropped += 1
        else:
            kept.append(i)
    if target_missing:
        notes.append("%d rows without a target were left out." % target_missing)
    if dropped:
        notes.append("%d rows with a missing input were left out (the model was trained without them)." % dropped)
    if len(kept) < 2:
        raise DataProblem("%s has %d usable rows." % (name, len(kept)))
    classification = TARGET["kind"] == "classes"
    y = np.zeros(len(kept), dtype=np.int64 if classification else np.float64)
    for k, i in enumerate(kept):
        cell = js_trim(rows[i][t])
        if classification:
            index = _target_index(cell, TARGET["classes"])
            if index is None:
                raise DataProblem("%s, line %d: %r = %r is not one of the classes the model knows: %s."
                                  % (name, lines[i], TARGET["column"], cell, ", ".join(TARGET["classes"])))
            y[k] = index
        else:
            v = parse_number(cell, decimal_comma)
            if v != v:
                raise DataProblem("%s, line %d: the target %r needs a number, not %r." % (name, lines[i], TARGET["column"], cell))
            y[k] = v
    train, test = train_test_split(len(kept), test_fraction, split_seed, y if classification else None)
    width = sum(1 if c["kind"] == "numeric" else len(c["categories"]) for c in COLUMNS)
    unseen = [0]

    def encode(order):
        x = np.zeros((len(order), width), dtype=np.float64)
        for r, k in enumerate(order):
            row, col = rows[kept[k]], 0
            for c, j in zip(COLUMNS, inputs):
                cell = js_trim(row[j])
                missing = is_missing(cell)
                if c["kind"] == "numeric":
                    if not missing:
                        v = parse_number(cell, decimal_comma)
                        if v != v:
                            raise DataProblem("%s, line %d: %r needs a number, not %r." % (name, lines[kept[k]], c["column"], cell))
                        x[r, col] = (v - c["mean"]) / c["std"]
                    col += 1  # a missing number is filled with the mean: 0 once standardised
                else:
                    value = c["fill"] if missing else cell
                    if value in c["categories"]:
                        x[r, col + c["categories"].index(value)] = 1
                    else:
                        unseen[0] += 1  # a category the model never saw: all zeros, as the app encodes it
                    col += len(c["categories"])
        return x.astype(np.float32)

    x_train, x_test = encode(train), encode(test)
    if unseen[0]:
        notes.append("%d cells hold a category the model was not trained on (encoded as all zeros)." % unseen[0])
    if not classification:
        y = ((y - TARGET["mean"]) / TARGET["std"]).astype(np.float32)
    return x_train, y[train], x_test, y[test], notes


def read_idx(path, rank, limit=None):
    """An idx file (MNIST's format, gzipped or not) as a uint8 array; with `limit`, only its first items are read."""
    name = os.path.basename(path)
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as f:
            head = f.read(4)
            if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] != 8:
                raise DataProblem("%s is not an idx file of bytes (its first bytes are %s)." % (name, head.hex()))
            if head[3] != rank:
                raise DataProblem("%s has %d dimensions, not %d: are image and label files swapped?" % (name, head[3], rank))
            dims_raw = f.read(4 * rank)
            if len(dims_raw) < 4 * rank:
                raise DataProblem("%s ends inside its header." % name)
            dims = list(struct.unpack(">" + "I" * rank, dims_raw))
            if limit is not None:
                dims[0] = min(dims[0], limit)
            count = int(np.prod(dims))
            raw = f.read(count)
    except (OSError, EOFError) as err:
        raise DataProblem("%s cannot be read: %s" % (name, err))
    if len(raw) < count:
        raise DataProblem("%s is cut short: %s needs %d bytes." % (name, "x".join(map(str, dims)), count))
    return np.frombuffer(raw, np.uint8, count).reshape(dims)


def find_idx(folder):
    """Paths of the four idx files in `folder` (MNIST's original names, with or without .gz), or None."""
    found = {}
    for key, stem in IDX_FILES.items():
        for candidate in (stem + ".gz", stem):
            if os.path.isfile(os.path.join(folder, candidate)):
                found[key] = os.path.join(folder, candidate)
                break
    return found if len(found) == 4 else None


def load_idx(folder, max_train=None, max_test=None):
    files = find_idx(folder)
    x_train, y_train = read_idx(files["train_images"], 3, max_train), read_idx(files["train_labels"], 1, max_train)
    x_test, y_test = read_idx(files["test_images"], 3, max_test), read_idx(files["test_labels"], 1, max_test)
    for x, y, f in ((x_train, y_train, "train_labels"), (x_test, y_test, "test_labels")):
        if len(x) != len(y):
            raise DataProblem("%s holds %d labels for %d images." % (os.path.basename(files[f]), len(y), len(x)))
        if len(y) and int(y.max()) >= NUM_CLASSES:
            raise DataProblem("%s holds the label %d; the model has %d classes." % (os.path.basename(files[f]), int(y.max()), NUM_CLASSES))
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64), [(p, os.path.basename(p)) for p in sorted(files.values())]


def _natural(name):
    """Sort key close to the app's localeCompare(..., { numeric: true }): digits by value, letters by case-folded text."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.split(r"([0-9]+)", name) if p]


_JUNK = re.compile(r"(^|/)(__MACOSX/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


def _axis_weights(start, length, out_size, source_size):
    """Box-filter weights [out_size, source_size] over `length` source pixels from `start` (the app's axisWeights)."""
    scale = length / out_size
    weights = np.zeros((out_size, source_size))
    for o in range(out_size):
        lo = start + o * scale
        hi = lo + scale
        for s in range(int(math.floor(lo)), int(math.ceil(hi))):
            cover = min(hi, s + 1) - max(lo, s)
            if cover > 1e-9:
                weights[o, s] = np.float32(cover / scale)
    return weights


def resize_square(rgb, size):
    """The app's resizeSquare: the largest centred square, each output pixel the mean of the area it covers."""
    height, width = rgb.shape[:2]
    side = min(width, height)
    wx = _axis_weights((width - side) / 2, side, size, width)
    wy = _axis_weights((height - side) / 2, side, size, height)
    out = np.einsum("oy,yxc,px->opc", wy, rgb.astype(np.float64), wx)
    return np.clip(np.floor(out + 0.5), 0, 255)


def decode_image(path, size):
    """Decodes an image as the app's worker does: upright, over white, huge photos first shrunk to about 4x the side."""
    from PIL import Image, ImageOps
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGBA")
        scale = min(1.0, size * 4 / min(img.width, img.height))
        if scale < 1:
            img = img.resize((max(1, js_round(img.width * scale)), max(1, js_round(img.height * scale))), getattr(Image, "Resampling", Image).BOX)
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, img).convert("RGB"))


def load_image_folder(folder, test_fraction, split_seed):
    """Images in one sub-folder per class, decoded, cropped and resized to the model's size as the app does."""
    try:
        from PIL import Image
    except ImportError:
        raise DataProblem("Reading an image folder needs Pillow: pip install pillow (Debian: apt-get install python3-pil).")
    h, w, channels = IMAGE
    if h != w:
        raise DataProblem("The model takes %dx%d images; the app only makes square ones." % (w, h))
    by_class, loose, skipped = {}, [], []
    for root, dirs, names in os.walk(folder):
        dirs.sort(key=_natural)
        for n in sorted(names, key=_natural):
            rel = os.path.relpath(os.path.join(root, n), folder).replace(os.sep, "/")
            if _JUNK.search(rel):
                continue
            if "/" not in rel:
                loose.append(rel)
                continue
            by_class.setdefault(rel.split("/")[-2], []).append(rel)
    if loose and not by_class:
        raise DataProblem("%s holds no class folders: put the images of each class in a sub-folder named after it." % folder)
    unknown = sorted(set(by_class) - set(CLASS_NAMES), key=_natural)
    absent = [c for c in CLASS_NAMES if c not in by_class]
    if unknown or absent:
        raise DataProblem("The class folders of %s do not match the model's classes (%s):%s%s" % (
            folder, ", ".join(CLASS_NAMES), " no folder for " + ", ".join(absent) + "." if absent else "",
            " unknown folders " + ", ".join(unknown) + "." if unknown else ""))
    pixels, labels, used = [], [], []
    for index, cls in enumerate(CLASS_NAMES):
        for rel in by_class[cls]:
            path = os.path.join(folder, rel)
            try:
                rgb = resize_square(decode_image(path, w), w)
            except (OSError, ValueError, Image.DecompressionBombError):
                skipped.append(rel)
                continue
            if channels == 1:
                rgb = np.floor(0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2] + 0.5)[..., None]
            pixels.append(rgb.astype(np.uint8))
            labels.append(index)
            used.append((path, rel))
    notes = ["%d files are not images and were left out (%s)." % (len(skipped), ", ".join(skipped[:5]))] if skipped else []
    if not labels:
        raise DataProblem("No image in %s could be decoded." % folder)
    x, y = np.stack(pixels), np.array(labels, dtype=np.int64)
    train, test = train_test_split(len(y), test_fraction, split_seed, y)
    return x[train], y[train], x[test], y[test], used, notes


def preprocess_raw(x):
    """Raw values (pixels 0-255) -> the model's input: times SCALE, then standardised when the card says so.

    Computed in float64 and stored as float32, as the app does; in chunks, so full MNIST needs little memory.
    """
    x = np.asarray(x)
    out = np.empty((len(x),) + INPUT_SHAPE, dtype=np.float32)
    mean = std = None
    if NORM_MEAN is not None:
        mean, std = np.asarray(NORM_MEAN, dtype=np.float64), np.asarray(NORM_STD, dtype=np.float64)
        if mean.size != INPUT_SHAPE[-1]:
            mean, std = mean.reshape(INPUT_SHAPE), std.reshape(INPUT_SHAPE)
    for start in range(0, len(x), 4096):
        chunk = x[start:start + 4096].astype(np.float64).reshape((-1,) + INPUT_SHAPE) * SCALE
        out[start:start + 4096] = chunk if mean is None else (chunk - mean) / std
    return out


def files_checksum(files):
    """The card's checksum of data files [(path, name)]: SHA-256 of each, and of the sha256sum-style listing sorted by name."""
    hashed = []
    for path, name in files:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        hashed.append({"name": name, "sha256": digest.hexdigest()})
    hashed.sort(key=lambda e: e["name"])
    listing = "".join("%s  %s\n" % (e["sha256"], e["name"]) for e in hashed)
    return {"algorithm": "SHA-256", "value": hashlib.sha256(listing.encode("utf-8")).hexdigest(), "of": "files", "files": hashed}


def load_dataset(path, test_fraction=DEFAULT_TEST_FRACTION, split_seed=DEFAULT_SPLIT_SEED, encoding=None, max_train=None, max_test=None):
    """The data at `path` preprocessed as the card says: dict with x_train, y_train, x_test, y_test, files, notes.

    A CSV for table models; for image models a folder with MNIST's four idx files, a folder with one
    sub-folder of images per class, or an .npz with raw x_train, y_train, x_test, y_test. `max_train` and
    `max_test` keep the first examples of each split (as a quick check or the app's tests do).
    """
    hint = (" (the model was trained on %s)" % ", ".join(DATA_FILES)) if DATA_FILES else ""
    if not path:
        raise DataProblem("Pass the data with --data PATH%s." % hint)
    if not os.path.exists(path):
        raise DataProblem("%s does not exist%s." % (path, hint))
    notes = []
    if COLUMNS is not None:
        if os.path.isdir(path):
            raise DataProblem("This model takes the rows of a CSV file: --data is %s, a folder%s." % (path, hint))
        x_train, y_train, x_test, y_test, notes = encode_table(path, test_fraction, split_seed, encoding)
        files = [(path, os.path.basename(path))]
    elif path.lower().endswith(".npz"):
        d = np.load(path)
        x_train, y_train, x_test, y_test = (d[k] for k in ("x_train", "y_train", "x_test", "y_test"))
        files = [(path, os.path.basename(path))]
    elif os.path.isdir(path) and find_idx(path):
        x_train, y_train, x_test, y_test, files = load_idx(path, max_train, max_test)
    elif os.path.isdir(path) and IMAGE is not None:
        x_train, y_train, x_test, y_test, files, notes = load_image_folder(path, test_fraction, split_seed)
    else:
        raise DataProblem("%s is neither a folder of idx files, a folder of class sub-folders nor an .npz file%s." % (path, hint))
    x_train, y_train, x_test, y_test = x_train[:max_train], y_train[:max_train], x_test[:max_test], y_test[:max_test]
    if COLUMNS is None:
        x_train, x_test = preprocess_raw(x_train), preprocess_raw(x_test)
        y_train = np.asarray(y_train, dtype=np.int64 if TASK == "classification" else np.float32).reshape(-1)
        y_test = np.asarray(y_test, dtype=np.int64 if TASK == "classification" else np.float32).reshape(-1)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test, "files": files, "notes": notes}
