"""Hostile input, end to end: one row per bad input, through the public API and the CLI.

Each row names the input, the expected outcome and how it is checked: either the exception
type and a message that names the document/segment (or file and line), or the documented
handling (stereo mixed to mono, other sample rates resampled, ...).  The table of
``docs/reliability.md`` is this table; ``test_the_docs_list_every_row`` keeps them in step.
"""

import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pytest
import soundfile as sf
from sklearn.exceptions import NotFittedError

from sklearn_hilbert import (Document, DocumentError, FrozenEncoderTransformer,
                             HilbertClassifier, Segment, load_manifest)
from sklearn_hilbert.audio_io import read_audio, resample
from sklearn_hilbert._cli import main
from sklearn_hilbert.encoders.audio import LogMelEncoder
from sklearn_hilbert.encoders.cache import EmbeddingCache

from .conftest import SR, TINY, WordCounts, make_docs, make_pipe, tone

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


@dataclass
class Row:
    name: str                       # the hostile input, as in the docs table
    run: Callable                   # run(ctx) -> result
    raises: Optional[type] = None   # expected exception type, or None: handled
    match: str = ""                 # regex the message must match
    check: Optional[Callable] = None  # check(result, ctx) for handled inputs
    marks: tuple = ()


class Ctx:
    """What a row needs: a temp folder, the small corpus and a fitted pipeline."""

    def __init__(self, tmp_path, corpus, fitted, wav_dir, capsys):
        self.tmp, self.docs, self.y, self.fitted = tmp_path, *corpus, fitted
        self.wav_dir, self.capsys = wav_dir, capsys

    def transformer(self, **kw):
        return FrozenEncoderTransformer(text_encoder=WordCounts(), progress=False, **kw)

    def with_doc(self, doc, at=3):
        """The corpus with document ``at`` replaced by ``doc``."""
        docs = list(self.docs)
        docs[at] = doc
        return docs

    def wav(self, name, samples, sr=SR, subtype=None):
        path = self.tmp / name
        sf.write(path, samples, sr, subtype=subtype)
        return path

    def manifest(self, name, text, encoding="utf-8"):
        path = self.wav_dir / name
        path.write_bytes(text.encode(encoding))
        return path

    def cli(self, *argv):
        """Run ``hilbert ARGV``; return (exit code, stdout, stderr)."""
        self.capsys.readouterr()
        code = main([str(a) for a in argv])
        out = self.capsys.readouterr()
        return code, out.out, out.err


def fit(docs, y):
    return make_pipe().fit(docs, y)


def file_doc(ctx, path, start=None, end=None, doc_id="p03"):
    return Document([Segment("words of a file", path=path, start=start, end=end)], doc_id=doc_id)


# ------------------------------------------------------------------ row builders
def nan_after_construction(ctx):
    docs, y = make_docs()
    wave = docs[2][1].audio.copy()
    wave[100] = np.nan
    docs[2].segments[1] = Segment(docs[2][1].text, wave, SR)  # bypasses Document's own check
    return fit(docs, y)


def inf_in_file(ctx):
    wave = tone(300, 1.0)
    wave[10:20] = np.inf
    path = ctx.wav("inf.wav", wave, subtype="FLOAT")
    return fit(ctx.with_doc(file_doc(ctx, path)), ctx.y)


def embed_one(ctx, doc):
    """Audio embedding of the single segment of ``doc`` inside the corpus."""
    Xt = ctx.transformer().fit_transform(ctx.with_doc(doc))
    return Xt["audio"][3, 0]


def silent(ctx):
    path = ctx.wav("silence.wav", np.zeros(SR, np.float32))
    docs = ctx.with_doc(Document([Segment("nothing said", np.zeros(SR, np.float32), SR),
                                  Segment("silence on file", path=path)], doc_id="quiet"))
    pipe = fit(docs, ctx.y)
    return pipe[0].transform(docs), pipe.predict_proba(docs)


def check_silent(result, ctx):
    Xt, proba = result
    assert np.isfinite(Xt["audio"]).all() and np.isfinite(proba).all()
    np.testing.assert_array_equal(Xt["audio"][3, 0], Xt["audio"][3, 1])  # same silence
    assert Xt["audio"][3, 0, :64].max() < -13  # log-mels at the floor, not -inf


def stereo(ctx):
    left = tone(300, 1.0, seed=1)
    path = ctx.wav("stereo.wav", np.stack([left, -left + 0.2], axis=1), subtype="FLOAT")
    return embed_one(ctx, file_doc(ctx, path))


def check_stereo(emb, ctx):
    mono = np.full(SR, 0.1, np.float32)  # (l + r) / 2
    np.testing.assert_allclose(emb, LogMelEncoder().encode([mono])[0], rtol=1e-4, atol=1e-4)


def rate_file(rate):
    def run(ctx):
        path = ctx.wav(f"r{rate}.wav", tone(300, 1.0, sr=rate, seed=2), sr=rate, subtype="FLOAT")
        return path, embed_one(ctx, file_doc(ctx, path))
    return run


def check_resampled(result, ctx):
    path, emb = result
    samples, rate = read_audio(path)
    expected = LogMelEncoder().encode([resample(samples, rate, SR)])[0]
    np.testing.assert_allclose(emb, expected, rtol=1e-4, atol=1e-4)
    native = LogMelEncoder().encode([tone(300, 1.0, seed=2)])[0]
    # the 300 Hz tone lands in the same mel band as at the native 16 kHz
    assert np.argmax(emb[:64]) == np.argmax(native[:64])


def corrupt_wav(ctx):
    path = ctx.tmp / "corrupt.wav"
    path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk" * 20)
    return fit(ctx.with_doc(file_doc(ctx, path)), ctx.y)


def truncated_wav(ctx, header_only=False, end=None):
    full = ctx.wav("full.wav", tone(300, 3.0))
    path = ctx.tmp / "truncated.wav"
    data = full.read_bytes()
    path.write_bytes(data[:44] if header_only else data[: len(data) // 2])  # 1.5 s of 3 s
    return path


def truncated_read_whole(ctx):
    path = truncated_wav(ctx)
    return ctx.transformer().fit_transform(ctx.with_doc(file_doc(ctx, path)))


def check_truncated_whole(Xt, ctx):
    assert Xt["mask"][3, 0] and np.isfinite(Xt["audio"][3, 0]).all()


def huge_segment(ctx):
    wave = (0.1 * np.random.default_rng(0).normal(size=600 * SR)).astype(np.float32)
    docs = ctx.with_doc(Document([Segment("ten minutes of talk", wave, SR)], doc_id="huge"))
    return ctx.transformer().fit_transform(docs)


def non_utf8(ctx):
    text = ("doc_id,audio_path,start,end,text,mood\n"
            "int0,int0.wav,0,1,bonjour,calm\n"
            "int1,int1.wav,0,1,caf\u00e9 cr\u00e8me,tense\n")
    return load_manifest(ctx.manifest("latin1.csv", text, encoding="latin-1"), label="mood")


def duplicated_ids_manifest(ctx):
    text = ("doc_id,audio_path,start,end,text,mood\n"
            "int0,int0.wav,0,1,first,calm\n"
            "int1,int1.wav,0,1,other,tense\n"
            "int0,int0.wav,1,2,second,calm\n")
    return load_manifest(ctx.manifest("dup.csv", text), label="mood")


def check_duplicated_manifest(result, ctx):
    docs, y = result
    assert [d.doc_id for d in docs] == ["int0", "int1"] and [len(d) for d in docs] == [2, 1]
    assert [s.text for s in docs[0]] == ["first", "second"] and y.tolist() == ["calm", "tense"]


def duplicated_ids_python(ctx):
    docs = [Document(d.segments, doc_id="same") for d in ctx.docs]
    return ctx.fitted.predict_proba(docs), ctx.fitted.predict_proba(ctx.docs)


def check_same_proba(result, ctx):
    np.testing.assert_array_equal(*result)


def empty_label_cell(ctx):
    text = ("doc_id,audio_path,start,end,text,mood\n"
            "int0,int0.wav,0,1,first,calm\n"
            "int1,int1.wav,0,1,other,\n")
    return load_manifest(ctx.manifest("nolabel.csv", text), label="mood")


def unseen_label(ctx):
    y_new = np.where(ctx.y == 0, 0, 7)  # class 7 never seen in fit
    return ctx.fitted.predict(ctx.docs), ctx.fitted.score(ctx.docs, y_new)


def check_unseen(result, ctx):
    pred, score = result
    assert set(pred) <= {0, 1}
    assert score == pytest.approx(np.mean(pred == np.where(ctx.y == 0, 0, 7)))


def batch_of_one(ctx):
    return ctx.fitted.predict_proba(ctx.docs[:1]), ctx.fitted.predict_proba(ctx.docs)


def check_batch_of_one(result, ctx):
    one, all_ = result
    assert one.shape == (1, 2)
    np.testing.assert_allclose(one[0], all_[0], rtol=0, atol=1e-6)


def wrong_keys(ctx):
    Xt = ctx.transformer().fit_transform(ctx.docs)
    return HilbertClassifier(**TINY).fit({"speech": Xt["audio"], "words": Xt["text"],
                                          "mask": Xt["mask"]}, ctx.y)


def mismatched_counts(ctx):
    Xt = ctx.transformer().fit_transform(ctx.docs)
    return HilbertClassifier(**TINY).fit({"audio": Xt["audio"], "text": Xt["text"][:, :2],
                                          "mask": Xt["mask"]}, ctx.y)


def dim_mismatch(ctx):
    Xt = ctx.transformer().fit_transform(ctx.docs)
    clf = HilbertClassifier(random_state=0, **TINY).fit(Xt, ctx.y)
    Xt["text"] = np.concatenate([Xt["text"], Xt["text"]], axis=2)  # another text encoder
    return clf.predict(Xt)


def corrupt_cache(ctx):
    cache = ctx.tmp / "cache"
    first = ctx.transformer(cache=cache).fit_transform(ctx.docs)
    files = sorted(cache.rglob("*.emb"))
    files[0].write_bytes(files[0].read_bytes()[:-5])        # truncated copy
    files[1].write_bytes(b"garbage")                         # overwritten
    blob = bytearray(files[2].read_bytes())
    blob[-1] ^= 0xFF                                         # bit rot
    files[2].write_bytes(bytes(blob))
    again = ctx.transformer(cache=cache)
    return first, again.fit_transform(ctx.docs), again._embedding_cache().corrupt, files


def check_corrupt_cache(result, ctx):
    first, second, n_corrupt, files = result
    for key in ("audio", "text", "mask"):
        np.testing.assert_array_equal(first[key], second[key])
    assert n_corrupt == 3 and all(f.exists() for f in files)  # rewritten


def readonly_cache(ctx):
    cache = ctx.tmp / "readonly"
    ctx.transformer(cache=cache).fit_transform(ctx.docs[:4])  # a shared, pre-filled cache
    cache.chmod(0o555)
    for sub in cache.iterdir():
        sub.chmod(0o555)
    import sklearn_hilbert.encoders.cache as cache_module

    real = cache_module.tempfile.mkstemp

    def refuse(*args, **kwargs):  # what a read-only directory does, even to root
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))
    cache_module.tempfile.mkstemp = refuse
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Xt = ctx.transformer(cache=cache).fit_transform(ctx.docs)
    finally:
        cache_module.tempfile.mkstemp = real
        for folder in (cache, *cache.iterdir()):
            folder.chmod(0o755)
    return Xt, caught, cache


def check_readonly_cache(result, ctx):
    Xt, caught, cache = result
    expected = ctx.transformer().fit_transform(ctx.docs)
    for key in ("audio", "text", "mask"):
        np.testing.assert_array_equal(Xt[key], expected[key])
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1 and str(cache) in messages[0] and "not writable" in messages[0]


# ------------------------------------------------------------------ CLI rows
@pytest.fixture(scope="module")
def cli_model(wav_dir, tmp_path_factory):
    """`hilbert fit` on the WAV manifest (packaged MiniLM + logmel; one model load)."""
    root = tmp_path_factory.mktemp("cli")
    model = root / "model.joblib"
    code = main(["fit", str(wav_dir / "manifest.csv"), "--label", "mood", "--max-epochs", "2",
                 "--cache", str(root / "cache"), "-o", str(model), "--quiet"])
    assert code == 0
    return model, root / "cache"


def cli_fit(ctx, manifest, label="mood"):
    model, cache = ctx.cli_model
    return ctx.cli("fit", manifest, "--label", label, "--max-epochs", "1", "--cache", cache,
                   "-o", ctx.tmp / "m.joblib", "--quiet")


def cli_predict(ctx, manifest, model=None):
    return ctx.cli("predict", model or ctx.cli_model[0], manifest, "--quiet")


def manifest_rows(ctx, name, *rows, header="doc_id,audio_path,start,end,text,mood"):
    return ctx.manifest(name, "\n".join([header, *rows]) + "\n")


def expect_cli_error(pattern):
    def check(result, ctx):
        code, out, err = result
        assert code == 1, (code, err)
        assert re.search(pattern, err), err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return check


def check_cli_unseen(result, ctx):
    code, out, err = result
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "doc_id,calm,tense" and [l.split(",")[0] for l in lines[1:]] == \
        ["int0", "int1"]


ROWS = [
    # --- corpus and documents
    Row("empty corpus: `fit([], [])`", lambda c: make_pipe().fit([], []),
        ValueError, "X holds no document; at least one is required"),
    Row("empty corpus at predict", lambda c: c.fitted.predict_proba([]),
        ValueError, "X holds no document"),
    Row("document with zero segments", lambda c: Document([], doc_id="p07"),
        DocumentError, r"Document 'p07': the document has no segment"),
    Row("document emptied after construction",
        lambda c: c.fitted.predict_proba([*c.docs[:2], _emptied(c.docs[2])]),
        DocumentError, r"Document 'p02' \(index 2 of X\): the document has no segment"),
    Row("segment with audio but no text (`None`)",
        lambda c: Document([Segment("hi", tone(200, .3), SR), Segment(None, tone(200, .3), SR)],
                           doc_id="p01"),
        DocumentError, r"Document 'p01', segment 1: text must be a string, got NoneType"),
    Row("segment with audio and blank text in a manifest",
        lambda c: load_manifest(manifest_rows(c, "blank.csv", "int0,int0.wav,0,1,hello,calm",
                                              "int0,int0.wav,1,2,   ,calm"), label="mood"),
        DocumentError, r"Document 'int0', segment 1: text is empty.*blank.csv, line 3"),
    Row("segment with text but no audio",
        lambda c: Document([Segment("words only")], doc_id="p02"),
        DocumentError, r"Document 'p02', segment 0: give exactly one of `audio`"),
    Row("manifest row with text but no audio_path",
        lambda c: load_manifest(manifest_rows(c, "noaudio.csv", "int0,,0,1,hello,calm")),
        DocumentError, r"Document 'int0', segment 0: .*noaudio.csv, line 2: empty audio_path"),
    Row("mismatched audio/text segment counts in segment tensors", mismatched_counts,
        ValueError, r"'text' has shape \(8, 2, 8\) but 'mask' has shape \(8, 3\)"),
    Row("transcript entry without its text (`from_audio_file`)",
        lambda c: Document.from_audio_file(c.wav_dir / "int0.wav", [(0, 1, "a"), (1, 2)]),
        DocumentError, r"Document 'int0', segment 1: expected \(start, end, text\)"),
    # --- samples
    Row("NaN sample in an in-memory waveform",
        lambda c: Document([Segment("x", np.r_[tone(200, .3), np.nan], SR)], doc_id="p05"),
        DocumentError, r"Document 'p05', segment 0: the audio holds 1 NaN or infinite sample"),
    Row("NaN sample put in after the document was built", nan_after_construction,
        DocumentError, r"Document 'p02' \(index 2 of X\), segment 1: the audio holds 1 NaN"),
    Row("infinite samples in a float WAV file", inf_in_file,
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: the audio holds 10 NaN or "
                       r"infinite sample"),
    Row("silent audio (all zeros, in memory and on file)", silent, check=check_silent),
    Row("stereo WAV", stereo, check=check_stereo),
    Row("8 kHz WAV", rate_file(8000), check=check_resampled),
    Row("44.1 kHz WAV", rate_file(44100), check=check_resampled),
    Row("segment shorter than the encoder's 25 ms window",
        lambda c: c.fitted.predict_proba(c.with_doc(Document(
            [Segment("uh", tone(200, 0.01), SR)], doc_id="short"))),
        DocumentError, r"Document 'short' \(index 3 of X\), segment 0: the audio lasts 0.0100 s, "
                       r"shorter than the 0.0250 s"),
    Row("huge segment (10 minutes)", huge_segment,
        check=lambda Xt, c: np.isfinite(Xt["audio"]).all() and Xt["mask"][3].sum() == 1),
    # --- files and times
    Row("corrupt WAV (not audio)", corrupt_wav,
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: audio file .*corrupt.wav' "
                       r"cannot be read by soundfile"),
    Row("truncated WAV, segment inside what is left", truncated_read_whole,
        check=check_truncated_whole),
    Row("truncated WAV, segment past what is left",
        lambda c: fit(c.with_doc(file_doc(c, truncated_wav(c), 1.0, 2.5)), c.y),
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: end=2.5 s is past the end "
                       r"of .*truncated.wav', which lasts 1.49\d s"),
    Row("truncated WAV, header only",
        lambda c: fit(c.with_doc(file_doc(c, truncated_wav(c, header_only=True))), c.y),
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: audio file "
                       r".*truncated.wav' holds no sample \(empty, or truncated after its header\)"),
    Row("missing audio file",
        lambda c: fit(c.with_doc(file_doc(c, c.tmp / "gone.wav")), c.y),
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: audio file .*gone.wav' "
                       r"does not exist"),
    Row("`end` beyond the end of the file",
        lambda c: fit(c.with_doc(file_doc(c, c.wav_dir / "int0.wav", 2.0, 3.5)), c.y),
        DocumentError, r"Document 'p03' \(index 3 of X\), segment 0: end=3.5 s is past the end "
                       r"of .*int0.wav', which lasts 3.000 s"),
    Row("`end` less than 10 ms past the end (rounded timestamps)",
        lambda c: c.transformer().fit_transform(
            c.with_doc(file_doc(c, c.wav_dir / "int0.wav", 2.0, 3.004))),
        check=lambda Xt, c: Xt["mask"][3, 0] and np.isfinite(Xt["audio"]).all()),
    Row("negative start time",
        lambda c: Document([Segment("x", path=c.wav_dir / "int0.wav", start=-0.5, end=1.0)],
                           doc_id="p04"),
        DocumentError, r"Document 'p04', segment 0: start=-0.5 s is negative"),
    Row("reversed times (`end` before `start`)",
        lambda c: load_manifest(manifest_rows(c, "reversed.csv", "int0,int0.wav,2.0,1.0,hi,calm")),
        DocumentError, r"Document 'int0', segment 0: end=1.0 s is not after start=2.0 s.*"
                       r"reversed.csv, line 2"),
    Row("times that are not numbers",
        lambda c: load_manifest(manifest_rows(c, "times.csv", "int0,int0.wav,0:01,0:02,hi,calm")),
        DocumentError, r"Document 'int0', segment 0: .*times.csv, line 2: start='0:01' and "
                       r"end='0:02' must be numbers"),
    # --- manifests
    Row("non-UTF-8 manifest", non_utf8, ValueError,
        r"latin1.csv, line 3: not valid UTF-8"),
    Row("manifest with a UTF-8 byte-order mark (Excel's \"CSV UTF-8\")",
        lambda c: load_manifest(c.manifest("bom.csv", "\ufeffdoc_id,audio_path,start,end,text,"
                                           "mood\nint0,int0.wav,0,1,caf\u00e9,calm\n"),
                                label="mood"),
        check=lambda r, c: [d.doc_id for d in r[0]] == ["int0"] and r[0][0][0].text == "caf\u00e9"),
    Row("duplicated doc ids in a manifest (rows apart)", duplicated_ids_manifest,
        check=check_duplicated_manifest),
    Row("duplicated doc ids in Python documents", duplicated_ids_python, check=check_same_proba),
    # --- labels
    Row("labels with one class", lambda c: fit(c.docs, np.zeros(8)),
        ValueError, r"y holds a single class"),
    Row("labels unseen at predict (`score`)", unseen_label, check=check_unseen),
    Row("NaN label", lambda c: fit(c.docs, np.r_[np.zeros(4), 1, 1, np.nan, 1.0]),
        ValueError, r"y holds NaN for document 6"),
    Row("missing (None) label", lambda c: fit(c.docs, np.array(["a", "b"] * 3 + [None, "a"],
                                                                  dtype=object)),
        ValueError, r"y holds a missing label \(None/NaN\) for document 6"),
    Row("empty label cell in a manifest", empty_label_cell,
        ValueError, r"nolabel.csv, line 3: label 'mood' of document 'int1' is empty"),
    Row("fewer labels than documents",
        lambda c: fit(c.docs, c.y[:6]), ValueError, r"X holds 8 documents but y holds 6 labels"),
    Row("a single document", lambda c: fit(c.docs[:1], c.y[:1]),
        ValueError, r"y holds a single class"),
    # --- calls
    Row("batch of one document at predict", batch_of_one, check=check_batch_of_one),
    Row("training batch_size=1 (no negatives for the contrastive terms)",
        lambda c: make_pipe(batch_size=1, max_epochs=1).fit(c.docs, c.y).predict_proba(c.docs),
        check=lambda p, c: np.isfinite(p).all() and p.shape == (8, 2)),
    Row("predict before fit", lambda c: make_pipe().predict_proba(c.docs),
        NotFittedError, r"not fitted yet"),
    Row("a single Document instead of a list", lambda c: c.fitted.predict(c.docs[0]),
        TypeError, r"got a single Document; wrap it in a list"),
    Row("raw documents given to HilbertClassifier", lambda c: HilbertClassifier(**TINY).fit(
        c.docs, c.y), TypeError, r"Raw documents must go through FrozenEncoderTransformer first"),
    Row("wrong segment-tensor keys", wrong_keys,
        ValueError, r"missing key\(s\) \['audio', 'text'\]; got keys \['mask', 'speech', "
                    r"'words'\]"),
    Row("feature dimension differs between fit and predict", dim_mismatch,
        ValueError, r"X\['text'\] has 16 features per segment, but HilbertClassifier was fitted "
                    r"with 8 \(different encoder between fit and predict\?\)"),
    # --- cache
    Row("corrupt cache files (truncated, overwritten, bit rot)", corrupt_cache,
        check=check_corrupt_cache),
    Row("cache directory without write permission", readonly_cache, check=check_readonly_cache),
    # --- the `hilbert` command
    Row("`hilbert fit`: labels with one class",
        lambda c: cli_fit(c, c.wav_dir / "manifest.csv", label="site"),
        check=expect_cli_error(r"^hilbert fit: error: y holds a single class \((np\.str_\()?'s1'")),
    Row("`hilbert fit`: label column not in the manifest",
        lambda c: cli_fit(c, c.wav_dir / "manifest.csv", label="diagnosis"),
        check=expect_cli_error(r"manifest.csv, line 2: missing column\(s\) \['diagnosis'\]")),
    Row("`hilbert fit`: missing audio file",
        lambda c: cli_fit(c, manifest_rows(c, "gone.csv", "int0,int0.wav,0,1,hi,calm",
                                           "int9,int9.wav,0,1,yo,tense")),
        check=expect_cli_error(r"Document 'int9' \(index 1 of X\), segment 0: audio file "
                               r".*int9.wav' does not exist")),
    Row("`hilbert cv`: non-UTF-8 manifest",
        lambda c: c.cli("cv", non_utf8_path(c), "--label", "mood", "--quiet", "--cache", "none",
                        "--output", c.tmp / "r"),
        check=expect_cli_error(r"latin1b.csv, line 3: not valid UTF-8")),
    Row("`hilbert predict`: `end` beyond the end of the file",
        lambda c: cli_predict(c, manifest_rows(c, "late.csv", "int0,int0.wav,0,1,hi,",
                                               "int1,int1.wav,2,9,yo,")),
        check=expect_cli_error(r"Document 'int1' \(index 1 of X\), segment 0: end=9 s is past "
                               r"the end of .*int1.wav', which lasts 3.000 s")),
    Row("`hilbert predict`: labels unseen in fit (or none at all)",
        lambda c: cli_predict(c, manifest_rows(c, "new.csv", "int0,int0.wav,0,1,calm answer 0 "
                                               "of 0,angry", "int1,int1.wav,0,1,tense answer 0 "
                                               "of 1,")),
        check=check_cli_unseen),
    Row("`hilbert predict`: empty manifest (header only)",
        lambda c: cli_predict(c, manifest_rows(c, "empty.csv")),
        check=expect_cli_error(r"empty.csv' holds no row")),
    Row("`hilbert predict` before `hilbert fit` (no model file)",
        lambda c: cli_predict(c, c.wav_dir / "manifest.csv", model=c.tmp / "none.joblib"),
        check=expect_cli_error(r"^hilbert predict: error: .*none.joblib")),
    Row("`hilbert predict` with a file that is not a model",
        lambda c: cli_predict(c, c.wav_dir / "manifest.csv", model=c.wav_dir / "manifest.csv"),
        check=expect_cli_error(r"manifest.csv' is not a model written by `hilbert fit`")),
]


def _emptied(doc):
    """A document whose segments were removed after it was built (bypassing its check)."""
    emptied = Document(doc.segments, doc_id=doc.doc_id)
    emptied.segments = []
    return emptied


def non_utf8_path(ctx):
    text = ("doc_id,audio_path,start,end,text,mood\n"
            "int0,int0.wav,0,1,bonjour,calm\n"
            "int1,int1.wav,0,1,caf\u00e9,tense\n")
    return ctx.manifest("latin1b.csv", text, encoding="latin-1")


@pytest.fixture
def ctx(tmp_path, corpus, fitted, wav_dir, capsys, request):
    c = Ctx(tmp_path, corpus, fitted, wav_dir, capsys)
    if request.node.callspec.params["row"].name.startswith("`hilbert"):
        c.cli_model = request.getfixturevalue("cli_model")
    return c


@pytest.mark.parametrize(
    "row", [pytest.param(r, id=r.name, marks=r.marks) for r in ROWS])
def test_hostile_input(row, ctx):
    if row.raises is not None:
        with pytest.raises(row.raises, match=row.match):
            row.run(ctx)
    else:
        result = row.run(ctx)
        if row.check is not None:
            verdict = row.check(result, ctx)  # asserts inside, or returns a truth value
            assert verdict is None or bool(verdict)


def test_at_least_25_rows():
    assert len(ROWS) >= 25
    assert len({r.name for r in ROWS}) == len(ROWS)


def test_the_docs_list_every_row():
    text = DOCS.read_text(encoding="utf-8")
    missing = [r.name for r in ROWS if f"| {r.name} |" not in text]
    assert not missing, f"docs/reliability.md does not list: {missing}"
