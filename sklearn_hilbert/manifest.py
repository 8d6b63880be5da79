"""Manifests: documents as a table with one row per segment (CSV, TSV or JSON Lines).

:func:`load_manifest` reads one into documents and labels, :func:`save_manifest`
writes file-backed documents back.  :func:`read_rows` and :func:`write_rows`
are the one place that knows the three formats (chosen by the file's suffix);
the corpus builder of :mod:`sklearn_hilbert.datasets` writes its manifest with
them too.
"""

import csv
import io
import json
import math
import os
from pathlib import Path

import numpy as np

from .documents import Document, DocumentError, Segment, as_seconds

__all__ = ["MANIFEST_COLUMNS", "SPEAKER_COLUMN", "load_manifest", "manifest_format", "read_rows",
           "save_manifest", "write_rows"]

MANIFEST_COLUMNS = ("doc_id", "audio_path", "start", "end", "text")
#: The optional column naming who speaks in each segment (:attr:`Segment.speaker`).
SPEAKER_COLUMN = "speaker"
_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv"}
_DELIMITERS = {"csv": ",", "tsv": "\t"}


def manifest_format(path):
    """``"csv"``, ``"tsv"`` or ``"jsonl"`` from the file's suffix; ValueError for another.

    Examples
    --------
    >>> from sklearn_hilbert.manifest import manifest_format
    >>> manifest_format("talks.TSV"), manifest_format("talks.ndjson")
    ('tsv', 'jsonl')
    """
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in _FORMATS:
        raise ValueError(f"{path}: unknown manifest format {suffix!r}; use .csv, .tsv or .jsonl")
    return _FORMATS[suffix]


def _read_text(path):
    """The manifest's text; a clear error naming the line of the first byte that is not UTF-8."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is dropped
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ValueError(
            f"{path}, line {line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the "
            "manifest as UTF-8, e.g. `iconv -f latin1 -t utf-8 old.csv > new.csv`") from None


def read_rows(path):
    """Yield ``(line_number, row_dict)`` from a CSV, TSV or JSONL manifest (UTF-8)."""
    path = Path(path)
    fmt = manifest_format(path)
    if fmt == "jsonl":
        for line_no, line in enumerate(io.StringIO(_read_text(path)), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}, line {line_no}: not valid JSON ({exc})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}, line {line_no}: expected a JSON object per line")
            yield line_no, row
    else:
        reader = csv.DictReader(io.StringIO(_read_text(path), newline=""),
                                delimiter=_DELIMITERS[fmt])
        for line_no, row in enumerate(reader, start=2):
            yield line_no, row


def write_rows(path, rows, fields, fmt=None):
    """Write dict rows to a manifest: a header of ``fields`` (CSV/TSV; None becomes an
    empty cell), or one JSON object per line.

    Parameters
    ----------
    path : path-like
    rows : iterable of dict
    fields : list of str
        Column order of a CSV/TSV file.
    fmt : {"csv", "tsv", "jsonl"}, default=None
        None: from the suffix of ``path`` (see :func:`manifest_format`).
    """
    fmt = manifest_format(path) if fmt is None else fmt
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter=_DELIMITERS[fmt])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _parse_scalar(value):
    """Turn CSV strings into int or float where they are numbers."""
    if not isinstance(value, str):
        return value
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def load_manifest(path, label=None):
    """Read documents from a CSV or JSONL manifest with one row per segment.

    Required columns: ``doc_id, audio_path, start, end, text``.  ``audio_path``
    is relative to the manifest's directory (or absolute); ``start``/``end``
    are seconds (empty: start/end of the file).  Segments keep the order of the
    rows; documents the order of their first row.  An optional ``speaker``
    column names who speaks in each segment (:attr:`Segment.speaker`, a string;
    empty: None).  Every other column (and ``speaker`` too) goes to
    :attr:`Document.metadata` (its value on the document's first row).

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.tsv`` or ``.jsonl`` file.
    label : str or list of str, default=None
        Label column(s); each must be constant within a document.

    Returns
    -------
    documents : list of Document
    y : ndarray of shape (n_documents,) or (n_documents, n_labels), or None
        ``None`` when ``label`` is None.  CSV values that are numbers become
        numbers.

    Raises
    ------
    ValueError
        For a missing column, an empty manifest, or a label that changes within
        a document; :class:`DocumentError` for a bad segment.  Messages name
        the line.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, soundfile as sf
    >>> from sklearn_hilbert.manifest import load_manifest
    >>> d = tempfile.mkdtemp()
    >>> sf.write(os.path.join(d, "a.wav"), np.zeros(32000), 16000)
    >>> with open(os.path.join(d, "m.csv"), "w") as fh:
    ...     _ = fh.write("doc_id,audio_path,start,end,text,group\\n"
    ...                  "a,a.wav,0,1,first words,x\\n"
    ...                  "a,a.wav,1,2,more words,x\\n")
    >>> docs, y = load_manifest(os.path.join(d, "m.csv"), label="group")
    >>> docs, y
    ([Document('a', 2 segments)], array(['x'], dtype='<U1'))
    """
    path = Path(os.path.expanduser(os.fspath(path)))
    if not path.is_file():
        raise FileNotFoundError(f"manifest {str(path)!r} does not exist")
    labels = [] if label is None else [label] if isinstance(label, str) else list(label)
    base = path.parent
    docs = {}  # doc_id -> {"segments": [...], "rows": [...], "meta": {...}}
    for line_no, row in read_rows(path):
        missing = [c for c in MANIFEST_COLUMNS + tuple(labels) if c not in row]
        if missing:
            raise ValueError(f"{path}, line {line_no}: missing column(s) {missing}; a manifest "
                             f"needs {list(MANIFEST_COLUMNS)} plus the label column(s)")
        doc_id = str(row["doc_id"]).strip()
        if not doc_id:
            raise ValueError(f"{path}, line {line_no}: empty doc_id")
        audio_path = row["audio_path"]
        if not isinstance(audio_path, str) or not audio_path.strip():
            raise DocumentError(f"{path}, line {line_no}: empty audio_path", doc_id=doc_id,
                                segment_index=len(docs.get(doc_id, {}).get("segments", [])))
        audio_path = Path(os.path.expanduser(audio_path.strip()))
        if not audio_path.is_absolute():
            audio_path = base / audio_path
        entry = docs.setdefault(doc_id, {"segments": [], "lines": [], "meta": {
            k: _parse_scalar(v) for k, v in row.items() if k not in MANIFEST_COLUMNS}})
        try:
            start, end = as_seconds(row["start"]), as_seconds(row["end"])
        except (TypeError, ValueError):
            raise DocumentError(f"{path}, line {line_no}: start={row['start']!r} and "
                                f"end={row['end']!r} must be numbers of seconds", doc_id=doc_id,
                                segment_index=len(entry["segments"])) from None
        for name in labels:
            value = _parse_scalar(row[name])
            if value is None or _isnan(value) or (isinstance(value, str) and not value.strip()):
                raise ValueError(
                    f"{path}, line {line_no}: label {name!r} of document {doc_id!r} is "
                    f"{'empty' if isinstance(value, str) else f'missing ({row[name]!r})'}; "
                    "every document needs a label (fill the cell or drop the document's rows)")
            first = entry["meta"][name]
            if value != first and not (_isnan(value) and _isnan(first)):
                raise ValueError(
                    f"{path}, line {line_no}: label {name!r} of document {doc_id!r} is "
                    f"{value!r} here but {entry['meta'][name]!r} on line {entry['lines'][0]}; "
                    "a label must be constant within a document")
        text = row["text"]
        speaker = row.get(SPEAKER_COLUMN)
        speaker = None if speaker is None or not str(speaker).strip() else str(speaker).strip()
        entry["segments"].append(Segment(text, path=audio_path, start=start, end=end,
                                         speaker=speaker))
        entry["lines"].append(line_no)
    if not docs:
        raise ValueError(f"manifest {str(path)!r} holds no row")
    documents = []
    for doc_id, entry in docs.items():
        try:
            documents.append(Document(entry["segments"], doc_id=doc_id, metadata=entry["meta"]))
        except DocumentError as exc:
            line = entry["lines"][exc.segment_index] if exc.segment_index is not None else None
            at = f" ({path}, line {line})" if line is not None else ""
            raise DocumentError(exc.reason + at, doc_id=doc_id,
                                segment_index=exc.segment_index) from None
    if not labels:
        return documents, None
    y = np.array([[d.metadata[name] for name in labels] for d in documents])
    return documents, (y[:, 0] if isinstance(label, str) else y)


def _isnan(value):
    return isinstance(value, float) and math.isnan(value)


def save_manifest(path, documents, y=None, label="label", columns=None):
    """Write file-backed documents to a CSV or JSONL manifest :func:`load_manifest` reads.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv`` or ``.jsonl``.  Audio paths are written relative to
        its directory when they are below it.  Its folder is created.
    documents : sequence of Document
        Every segment must come from a file (``path``), not an array.  A
        ``speaker`` column is written when a segment has a speaker.
    y : array-like of shape (n_documents,) or (n_documents, n_labels), default=None
        Labels, written to the column(s) ``label``.
    label : str or list of str, default="label"
        Column name(s) of ``y``.
    columns : dict, default=None
        More columns per document: ``doc_id -> {column: value}`` (e.g. labels
        read from another table); the columns are those of its first entry,
        and a document missing from it gets empty cells.

    Returns
    -------
    missing : list of str
        Ids of the documents that ``columns`` had no entry for.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_hilbert.documents import Document, Segment
    >>> from sklearn_hilbert.manifest import load_manifest, save_manifest
    >>> d = tempfile.mkdtemp()
    >>> doc = Document([Segment("hello", path=os.path.join(d, "a.wav"), start=0.0, end=1.5,
    ...                         speaker="P")], doc_id="a")
    >>> save_manifest(os.path.join(d, "m.csv"), [doc], columns={"a": {"site": "x"}})
    []
    >>> print(open(os.path.join(d, "m.csv")).read().strip())
    doc_id,audio_path,start,end,text,speaker,site
    a,a.wav,0.0,1.5,hello,P,x
    """
    path = Path(os.fspath(path))
    base = path.parent.resolve()
    labels = [label] if isinstance(label, str) else list(label)
    if y is not None:
        y = np.asarray(y, dtype=object)
        y = y.reshape(len(y), -1)
        if y.shape[1] != len(labels):
            raise ValueError(f"y has {y.shape[1]} column(s) for the label column(s) {labels}")
    extra_cols = list(next(iter(columns.values()))) if columns else []
    with_speaker = any(seg.speaker is not None for doc in documents for seg in doc)
    missing, rows = [], []
    for i, doc in enumerate(documents):
        doc_id = doc.doc_id if doc.doc_id is not None else str(i)
        extra = {}
        if columns is not None:
            extra = columns.get(doc_id)
            if extra is None:
                missing.append(doc_id)
                extra = {}
        for j, seg in enumerate(doc):
            if seg.path is None:
                raise DocumentError("only segments read from audio files can go in a manifest",
                                    doc_id=doc_id, doc_index=i, segment_index=j)
            audio = Path(seg.path).resolve()
            try:
                audio = audio.relative_to(base)
            except ValueError:
                pass
            row = {"doc_id": doc_id, "audio_path": audio.as_posix(), "start": seg.start,
                   "end": seg.end, "text": seg.text}
            if with_speaker:
                row[SPEAKER_COLUMN] = seg.speaker
            if y is not None:
                for name, value in zip(labels, y[i]):
                    row[name] = value.item() if hasattr(value, "item") else value
            row.update({c: extra.get(c, "") for c in extra_cols})
            rows.append(row)
    fields = [*MANIFEST_COLUMNS, *([SPEAKER_COLUMN] if with_speaker else []),
              *(labels if y is not None else []), *extra_cols]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(path, rows, fields)
    return missing
