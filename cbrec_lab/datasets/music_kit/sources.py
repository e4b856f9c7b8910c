"""Source material of the music kit: real compositions from the corpus that ships inside the ``music21`` wheel.

Collections used (all out of copyright; the encodings are distributed with music21 by permission of their
encoders, see ``music21/corpus/license.txt``):

``oneills1850``
    *O'Neill's Music of Ireland* (Francis O'Neill, Chicago 1903): 1,850 Irish dance tunes and airs, ABC.
``ryansMammoth``
    *Ryan's Mammoth Collection* (Elias Howe / William Bradbury Ryan, Boston 1883): 1,050 reels and
    hornpipes, ABC.
``bach``
    The four-part chorales of J. S. Bach (BWV 250–438, the ones with a title in music21's chorale list),
    MusicXML; used for the classical genre because they bring real four-voice harmony.

Each piece is reduced to what the arrangement engine needs: title, key, metre, the melody as
``(onset, duration, midi pitch)`` triples in quarter notes, and, for chorales, the lower voices.
Parsing is the slow step (about 0.1 s per tune), so the extracted pieces are cached as JSON in the data home.
"""

from __future__ import annotations

import glob
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ...cache import atomic_write_text
from ..kit_files import worker_pool

__all__ = ["Piece", "COLLECTIONS", "load_pieces"]

Note = tuple[float, float, int]

#: Collections in the order they are drawn from, with licence notes for the data card.
COLLECTIONS = {
    "oneills1850": "O'Neill's Music of Ireland (1903), public domain; ABC encoding distributed with music21",
    "ryansMammoth": "Ryan's Mammoth Collection (1883), public domain; ABC encoding distributed with music21",
    "bach": "J. S. Bach, four-part chorales BWV 250–438, public domain; MusicXML encoding distributed with music21",
}
EXTRACTION_VERSION = 2
MIN_NOTES = 16


@dataclass(frozen=True)
class Piece:
    """One composition reduced for arranging.

    Attributes
    ----------
    source_id : str
        ``collection/file#number``, unique.
    collection : str
    title : str
        The real title from the encoding.
    tonic : int
        Pitch class of the key's tonic (0 = C).
    mode : {"major", "minor"}
    bar_quarters : float
        Length of a bar in quarter notes (6/8 → 3.0).
    melody : tuple of (onset, duration, midi)
        In quarter notes from the start, ties merged, chords reduced to their top note.
    voices : tuple of melodies
        Lower voices (alto, tenor, bass) for chorales; empty for tunes.
    """

    source_id: str
    collection: str
    title: str
    tonic: int
    mode: str
    bar_quarters: float
    melody: tuple[Note, ...]
    voices: tuple[tuple[Note, ...], ...] = ()

    @property
    def length_quarters(self) -> float:
        return max(onset + duration for onset, duration, _ in self.melody)


def _corpus_dir() -> Path:
    """The corpus folder inside the installed music21 package (found without importing music21)."""
    import importlib.util

    spec = importlib.util.find_spec("music21")
    return Path(next(iter(spec.submodule_search_locations))) / "corpus"


def _line(part) -> tuple[Note, ...]:
    notes = []
    for element in part.stripTies().flatten().notes:
        pitch = max(element.pitches, key=lambda p: p.midi) if element.isChord else element.pitch
        duration = float(element.quarterLength)
        if duration > 0:
            notes.append((round(float(element.offset), 4), round(duration, 4), int(pitch.midi)))
    return tuple(sorted(notes))


def _piece(score, source_id: str, collection: str, title: str | None) -> Piece | None:
    from music21 import key as m21key
    from music21 import meter

    title = (title or score.metadata.title or "").strip()
    title = re.sub(r"\s*--\s*(reel|hornpipe|jig|strathspey|clog|waltz|march|polka).*$", "", title, flags=re.I)
    if title.isupper():  # Ryan's Mammoth shouts its titles: "BOYS IN BLUE" -> "Boys In Blue"
        title = " ".join(word[:1] + word[1:].lower() for word in title.split())
    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    if collection == "bach":
        named = {p.partName: p for p in parts}
        parts = [named[n] for n in ("Soprano", "Alto", "Tenor", "Bass") if n in named] or parts
    melody = _line(parts[0])
    if not title or len(melody) < MIN_NOTES:
        return None
    keys = list(score.recurse().getElementsByClass(m21key.Key))
    found = keys[0] if keys else score.analyze("key")
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    bar = float(signatures[0].barDuration.quarterLength) if signatures else 4.0
    return Piece(
        source_id=source_id,
        collection=collection,
        title=title,
        tonic=int(found.tonic.pitchClass),
        mode="minor" if found.mode == "minor" else "major",
        bar_quarters=bar,
        melody=melody,
        voices=tuple(_line(p) for p in parts[1:4]) if collection == "bach" else (),
    )


def _parse_file(args: tuple[str, str]) -> list[dict]:
    """Parse one corpus file (an ABC opus or a chorale) into piece dicts; runs in a worker process."""
    from music21 import converter

    relative, collection = args
    path = _corpus_dir() / relative
    parsed = converter.parse(path)
    pieces = []
    if collection == "bach":
        from music21.corpus.chorales import ChoraleList

        bwv = int(re.fullmatch(r"bwv(\d+)\.mxl", path.name).group(1))
        piece = _piece(parsed, relative, collection, ChoraleList().byBWV[bwv]["title"])
        pieces = [piece]
    elif hasattr(parsed, "scores"):
        for number, score in enumerate(parsed.scores, start=1):
            pieces.append(_piece(score, f"{relative}#{number}", collection, None))
    else:
        pieces.append(_piece(parsed, relative, collection, None))
    return [asdict(p) for p in pieces if p is not None]


def _files(collection: str) -> list[str]:
    base = _corpus_dir()
    if collection == "bach":
        from music21.corpus.chorales import ChoraleList

        titled = ChoraleList().byBWV
        names = [
            p
            for p in sorted(glob.glob(str(base / "bach" / "bwv*.mxl")))
            if (m := re.fullmatch(r"bwv(\d+)\.mxl", Path(p).name)) and int(m.group(1)) in titled
        ]
    else:
        names = sorted(glob.glob(str(base / collection / "*.abc")))
    return [str(Path(n).relative_to(base)) for n in names]


def _from_dict(d: dict) -> Piece:
    return Piece(
        source_id=d["source_id"],
        collection=d["collection"],
        title=d["title"],
        tonic=d["tonic"],
        mode=d["mode"],
        bar_quarters=d["bar_quarters"],
        melody=tuple(tuple(n) for n in d["melody"]),
        voices=tuple(tuple(tuple(n) for n in v) for v in d["voices"]),
    )


def load_pieces(collection: str, n: int, cache_dir: Path, *, workers: int = 2, progress: bool = True) -> list[Piece]:
    """The first ``n`` usable pieces of a collection (distinct titles, in corpus order).

    Parameters
    ----------
    collection : str
        A key of :data:`COLLECTIONS`.
    n : int
        How many pieces; fewer are returned when the collection has fewer usable ones.
    cache_dir : Path
        Where extracted pieces are cached (``<collection>-v<version>-music21-<version>.json``). Files are
        parsed in corpus order until ``n`` pieces are known, so a later, larger request extends the cache.
    workers : int
        Processes used for parsing.
    """
    from importlib.metadata import version

    if collection not in COLLECTIONS:
        from ...exceptions import ParameterError

        raise ParameterError(f"Unknown collection {collection!r}; choose from {sorted(COLLECTIONS)}.")
    # music21 is only ever imported in worker processes: imported in a Jupyter kernel it switches every
    # matplotlib figure to double-resolution PNGs, which would bloat the notebooks.
    cache = cache_dir / f"{collection}-v{EXTRACTION_VERSION}-music21-{version('music21')}.json"
    state = json.loads(cache.read_text()) if cache.is_file() else {"parsed_files": [], "pieces": []}

    def usable() -> list[dict]:
        seen, kept = set(), []
        for piece in state["pieces"]:
            key = piece["title"].lower()
            if key not in seen:
                seen.add(key)
                kept.append(piece)
        return kept

    if len(usable()) < n:
        from tqdm.auto import tqdm

        per_file = 50 if collection == "oneills1850" else 1
        with worker_pool(workers) as pool:
            files = pool.submit(_files, collection).result()
            pending = [f for f in files if f not in state["parsed_files"]]
            bar = tqdm(total=n, desc=f"parsing {collection}", disable=not progress, initial=min(n, len(usable())))
            while len(usable()) < n and pending:
                missing = n - len(usable())
                batch_size = max(workers, min(len(pending), -(-missing // per_file) + 1))
                batch, pending = pending[:batch_size], pending[batch_size:]
                for name, pieces in zip(batch, pool.map(_parse_file, [(f, collection) for f in batch]), strict=True):
                    state["parsed_files"].append(name)
                    state["pieces"].extend(pieces)
                bar.update(min(n, len(usable())) - bar.n)
            bar.close()
        atomic_write_text(cache, json.dumps(state))
    return [_from_dict(d) for d in usable()[:n]]
