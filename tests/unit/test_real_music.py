"""Real music data sets: loaders on tiny fixtures in the real on-disk formats, and the fetcher without network.

The download tests serve files from a local ``http.server`` on 127.0.0.1; nothing here reaches the internet.
"""

import hashlib
import io
import tarfile
import zipfile

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from cbrec_lab.datasets import remote
from cbrec_lab.datasets.real_music import THESIS_GENRES, load_fma_small, load_gtzan, load_taste_profile
from cbrec_lab.datasets.remote import (
    MARKER_NAME,
    REMOTE_DATASETS,
    DataUnavailableError,
    RemoteFile,
    dataset_dir,
    fetch,
)
from cbrec_lab.exceptions import CbrecError, ParameterError

from .local_http import register_toy, serve

# --------------------------------------------------------------------------------------------------------------
# Fixtures in the real formats


def _tone(seconds, sr, freq=440.0):
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture
def gtzan_root(tmp_path):
    """genres/<genre>/<genre>.000NN.wav at 8 kHz (0.5 s each), plus one .au clip, like the original release."""
    root = tmp_path / "gtzan"
    for genre, numbers in {"metal": [1, 0], "classical": [0], "blues": [0, 2], "reggae": [0]}.items():
        folder = root / "genres" / genre
        folder.mkdir(parents=True)
        for n in numbers:
            sf.write(folder / f"{genre}.{n:05d}.wav", _tone(0.5, 8000), 8000, subtype="PCM_16")
    sf.write(root / "genres" / "reggae" / "reggae.00001.au", _tone(0.25, 22050), 22050, format="AU")
    (root / "genres" / "blues" / "notes.txt").write_text("not audio")
    return root


# tracks.csv as FMA ships it: two header rows ((top, sub) column names) and a third row naming the index.
TRACKS_CSV = """\
,album,artist,set,set,track,track,track,track
,title,name,split,subset,duration,genre_top,license,title
track_id,,,,,,,,
2,AWOL - A Way Of Life,AWOL,training,small,168,Hip-Hop,Attribution-NonCommercial-ShareAlike 3.0,Food
3,AWOL - A Way Of Life,AWOL,training,medium,237,Hip-Hop,Attribution-NonCommercial-ShareAlike 3.0,Electric Ave
140,Constant Hitmaker,Alec K. Redfearn,validation,small,176,Folk,Attribution-NoDerivatives,Queen Of The Wires
1482,Demo,"Band, The",test,small,100,Rock,Attribution,"Song, with comma"
99999,Lost,Nobody,training,small,30,Pop,Attribution,No file on disk
"""


@pytest.fixture
def fma_root(tmp_path):
    """fma_metadata/{tracks,genres}.csv and real (tiny) MP3 files under fma_small/NNN/NNNNNN.mp3."""
    root = tmp_path / "fma"
    (root / "fma_metadata").mkdir(parents=True)
    (root / "fma_metadata" / "tracks.csv").write_text(TRACKS_CSV)
    (root / "fma_metadata" / "genres.csv").write_text("genre_id,#tracks,parent,title,top_level\n21,1,0,Hip-Hop,21\n")
    for track_id in ("000002", "000003", "000140", "001482"):  # 000003 is 'medium': must be left out
        folder = root / "fma_small" / track_id[:3]
        folder.mkdir(parents=True, exist_ok=True)
        sf.write(folder / f"{track_id}.mp3", _tone(0.2, 22050), 22050, format="MP3")
    return root


TRIPLETS = (
    "b80344d063b5ccb3212f76538f3d9e43d87dca9e\tSOAKIMP12A8C130995\t1\n"
    "b80344d063b5ccb3212f76538f3d9e43d87dca9e\tSOBBMDR12A8C13253B\t2\n"
    "85c1f87fea955d09b4bec2e36aee110927aedf9a\tSOBBMDR12A8C13253B\t7\n"
    "85c1f87fea955d09b4bec2e36aee110927aedf9a\tSOAAAGQ12A8C1420C8\t1\n"
    "00007ed2509128dcdd74ea3aac2363e24e9dc06b\tSOAKIMP12A8C130995\t3\n"
)


@pytest.fixture
def triplets_root(tmp_path):
    root = tmp_path / "taste"
    root.mkdir()
    (root / "train_triplets.txt").write_text(TRIPLETS)
    return root


# --------------------------------------------------------------------------------------------------------------
# GTZAN


def test_gtzan_lists_every_clip_sorted_with_genres(gtzan_root):
    music = load_gtzan(gtzan_root)
    expected = [
        "blues.00000",
        "blues.00002",
        "classical.00000",
        "metal.00000",
        "metal.00001",
        "reggae.00000",
        "reggae.00001",
    ]
    assert music.songs.index.tolist() == expected
    assert music.songs["genre"].tolist() == [s.split(".")[0] for s in expected]
    assert music.songs["title"].tolist() == expected
    assert music.songs["artist"].isna().all()
    assert music.songs.loc["reggae.00001", "audio_path"] == "genres/reggae/reggae.00001.au"
    assert music.songs.loc["metal.00001", "audio_path"] == "genres/metal/metal.00001.wav"
    assert music.plays is None and music.name == "gtzan"
    assert "Tzanetakis" in music.card and "7 clips" in music.card


def test_gtzan_accepts_the_genres_folder_itself(gtzan_root):
    assert load_gtzan(gtzan_root / "genres").songs.index.tolist() == load_gtzan(gtzan_root).songs.index.tolist()


def test_gtzan_audio_is_resampled_to_22050(gtzan_root):
    music = load_gtzan(gtzan_root)
    y = music.load_audio("blues.00000", sr=22_050)
    assert y.dtype == np.float32
    assert len(y) == 11_025  # 0.5 s written at 8 kHz
    assert len(music.load_audio("reggae.00001", sr=22_050)) == 5512  # the .au clip, 0.25 s


def test_gtzan_genre_filter(gtzan_root):
    music = load_gtzan(gtzan_root, genres=["Reggae", "metal"])
    assert music.songs.index.tolist() == ["metal.00000", "metal.00001", "reggae.00000", "reggae.00001"]
    assert load_gtzan(gtzan_root, genres="classical").songs.index.tolist() == ["classical.00000"]
    with pytest.raises(ParameterError, match=r"\['country', 'hiphop'\].*blues, classical, metal, reggae"):
        load_gtzan(gtzan_root, genres=THESIS_GENRES)
    with pytest.raises(ParameterError, match="genres must be"):
        load_gtzan(gtzan_root, genres=[])


def test_gtzan_prefers_wav_over_au_of_the_same_clip(gtzan_root):
    sf.write(gtzan_root / "genres" / "reggae" / "reggae.00001.wav", _tone(0.1, 8000), 8000)
    music = load_gtzan(gtzan_root)
    assert music.songs.loc["reggae.00001", "audio_path"] == "genres/reggae/reggae.00001.wav"
    assert music.songs.index.is_unique


def test_gtzan_errors(tmp_path):
    (tmp_path / "empty" / "genres" / "rock").mkdir(parents=True)
    with pytest.raises(ParameterError, match="No GTZAN audio"):
        load_gtzan(tmp_path / "empty")
    with pytest.raises(ParameterError, match="does not exist"):
        load_gtzan(tmp_path / "nowhere")


# --------------------------------------------------------------------------------------------------------------
# FMA


def test_fma_small_keeps_small_tracks_with_audio(fma_root):
    music = load_fma_small(fma_root)
    songs = music.songs
    # 000003 is in the medium subset, 099999 has no MP3 on disk
    assert songs.index.tolist() == ["000002", "000140", "001482"]
    assert songs["title"].tolist() == ["Food", "Queen Of The Wires", "Song, with comma"]
    assert songs["artist"].tolist() == ["AWOL", "Alec K. Redfearn", "Band, The"]
    assert songs["genre"].tolist() == ["Hip-Hop", "Folk", "Rock"]
    assert songs["split"].tolist() == ["training", "validation", "test"]
    assert songs["audio_path"].tolist() == [
        "fma_small/000/000002.mp3",
        "fma_small/000/000140.mp3",
        "fma_small/001/001482.mp3",
    ]
    assert list(songs.columns[:4]) == ["title", "artist", "genre", "audio_path"]
    assert music.audio_path("000140").is_file()
    assert "Defferrard" in music.card and "CC BY 4.0" in music.card


def test_fma_small_audio_decodes(fma_root):
    # soundfile (libsndfile >= 1.1) writes real MP3 here, so the fixture is decodable audio, not a placeholder.
    y = load_fma_small(fma_root).load_audio("000002", sr=22_050)
    assert abs(len(y) - 4410) < 2_000  # MP3 encoders pad a little


def test_fma_small_errors(fma_root, tmp_path):
    with pytest.raises(ParameterError, match="tracks.csv is missing"):
        load_fma_small(tmp_path)
    bad = tmp_path / "bad"
    (bad / "fma_metadata").mkdir(parents=True)
    pd.DataFrame({"title": ["x"]}).to_csv(bad / "fma_metadata" / "tracks.csv")
    with pytest.raises(ParameterError, match="lacks the column"):
        load_fma_small(bad)
    for mp3 in (fma_root / "fma_small").glob("*/*.mp3"):
        mp3.unlink()
    with pytest.raises(ParameterError, match="has its MP3"):
        load_fma_small(fma_root)


# --------------------------------------------------------------------------------------------------------------
# Taste Profile


def test_taste_profile_matrix(triplets_root):
    music = load_taste_profile(triplets_root)
    users = [
        "00007ed2509128dcdd74ea3aac2363e24e9dc06b",
        "85c1f87fea955d09b4bec2e36aee110927aedf9a",
        "b80344d063b5ccb3212f76538f3d9e43d87dca9e",
    ]
    songs = ["SOAAAGQ12A8C1420C8", "SOAKIMP12A8C130995", "SOBBMDR12A8C13253B"]
    assert music.user_ids.tolist() == users
    assert music.songs.index.tolist() == songs
    assert music.plays.shape == (3, 3) and music.plays.dtype == np.int32
    np.testing.assert_array_equal(music.plays.toarray(), [[0, 3, 0], [1, 0, 7], [0, 1, 2]])
    assert music.songs[["title", "artist", "genre"]].isna().all().all()
    assert (music.songs["audio_path"] == "").all()
    assert "Bertin-Mahieux" in music.card and "5 user–song pairs" in music.card.replace(",", "")


def test_taste_profile_chunks_max_lines_and_min_plays(triplets_root):
    whole = load_taste_profile(triplets_root)
    chunked = load_taste_profile(triplets_root, chunk_lines=2)
    assert (whole.plays != chunked.plays).nnz == 0
    np.testing.assert_array_equal(whole.user_ids, chunked.user_ids)

    first = load_taste_profile(triplets_root, max_lines=2, chunk_lines=1)
    assert first.plays.shape == (1, 2) and first.plays.toarray().tolist() == [[1, 2]]

    popular = load_taste_profile(triplets_root, min_plays_per_song=4)  # totals: 1, 4, 9
    assert popular.songs.index.tolist() == ["SOAKIMP12A8C130995", "SOBBMDR12A8C13253B"]
    np.testing.assert_array_equal(popular.plays.toarray(), [[3, 0], [0, 7], [1, 2]])
    only_one = load_taste_profile(triplets_root, min_plays_per_song=9)
    assert only_one.user_ids.tolist() == [
        "85c1f87fea955d09b4bec2e36aee110927aedf9a",
        "b80344d063b5ccb3212f76538f3d9e43d87dca9e",
    ]


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("u9\tSOX\t-2\n", r"line 4: .*'-2'"),
        ("u9\tSOX\t2.5\n", r"line 4: .*'2.5'"),
        ("u9\tSOX\tmany\n", r"line 4: .*'many'"),
        ("u9\tSOX\n", r"line 4"),
        ("u9\tSOX\t1\textra\n", r"line 4"),
    ],
)
def test_taste_profile_bad_lines_are_named(tmp_path, line, match):
    lines = TRIPLETS.splitlines(keepends=True)
    (tmp_path / "train_triplets.txt").write_text("".join(lines[:3]) + line + "".join(lines[3:]))
    with pytest.raises(ParameterError, match=match):
        load_taste_profile(tmp_path, chunk_lines=2)


def test_taste_profile_option_and_file_errors(triplets_root, tmp_path):
    with pytest.raises(ParameterError, match="min_plays_per_song must be a positive integer, got 0"):
        load_taste_profile(triplets_root, min_plays_per_song=0)
    with pytest.raises(ParameterError, match="max_lines"):
        load_taste_profile(triplets_root, max_lines=-1)
    with pytest.raises(ParameterError, match="lower it"):
        load_taste_profile(triplets_root, min_plays_per_song=100)
    with pytest.raises(ParameterError, match="train_triplets.txt is missing"):
        load_taste_profile(tmp_path)
    (tmp_path / "train_triplets.txt").write_text("")
    with pytest.raises(ParameterError, match="is empty"):
        load_taste_profile(tmp_path)


# --------------------------------------------------------------------------------------------------------------
# Fetching: offline instructions


def test_registry_entries_are_complete():
    assert set(REMOTE_DATASETS) >= {"gtzan", "fma_small", "taste_profile"}
    for entry in REMOTE_DATASETS.values():
        assert entry.files and entry.licence and entry.citation and entry.homepage and entry.layout
        for file in entry.files:
            assert file.urls and all(u.startswith(("http://", "https://")) for u in file.urls)
            if file.sha256:  # a recorded checksum is a full hex SHA-256 and comes with the exact size
                assert len(file.sha256) == 64 and int(file.sha256, 16) >= 0 and file.size_bytes > 0
            else:  # unverified: never downloaded automatically, size unknown
                assert file.size_bytes == 0
    with pytest.raises(ParameterError, match="Unknown data set 'nope'"):
        remote.get_remote("nope")


def test_offline_fetch_says_what_to_download_and_where(tmp_path, monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path))
    with pytest.raises(DataUnavailableError) as info:
        fetch("gtzan")
    message = str(info.value)
    assert isinstance(info.value, CbrecError)
    assert "http://opihi.cs.uvic.ca/sound/genres.tar.gz" in message
    assert REMOTE_DATASETS["gtzan"].files[0].sha256 in message
    assert str(tmp_path / "datasets" / "gtzan") in message
    assert "genres/<genre>/" in message and "CBREC_OFFLINE" in message
    with pytest.raises(DataUnavailableError) as info:
        load_gtzan()  # root=None goes through fetch
    assert str(tmp_path / "datasets" / "gtzan") in str(info.value)

    with pytest.raises(DataUnavailableError) as info:
        fetch("fma_small")
    message = str(info.value)
    assert "fma_small.zip" in message and "fma_metadata.zip" in message and "verify the file manually" in message
    assert "ade154f733639d52e35e32f5593efe5be76c6d70" in message  # the published SHA-1
    assert str(tmp_path / "datasets" / "fma_small") in message
    with pytest.raises(DataUnavailableError, match="train_triplets.txt.zip"):
        load_taste_profile()
    assert not (tmp_path / "datasets" / "gtzan").exists()


def test_unverified_entries_are_never_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "0")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(remote, "_download", lambda *a, **k: pytest.fail("must not download"))
    with pytest.raises(DataUnavailableError, match="no SHA-256 is recorded"):
        fetch("taste_profile", progress=False)


def test_unreachable_hosts_give_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "0")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path))
    probed = []
    monkeypatch.setattr(remote, "network_reachable", lambda host, port: probed.append((host, port)) or False)
    with pytest.raises(DataUnavailableError, match="none of its download hosts can be reached") as info:
        fetch("gtzan", progress=False)
    assert probed == [("opihi.cs.uvic.ca", 80), ("web.archive.org", 443)]
    assert "web.archive.org" in str(info.value)


def test_data_placed_by_hand_is_found_offline(tmp_path, monkeypatch, triplets_root):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path / "home"))
    target = dataset_dir("taste_profile")
    target.mkdir(parents=True)
    (target / "train_triplets.txt").write_text(TRIPLETS)
    assert fetch("taste_profile") == target
    assert remote.is_available("taste_profile")
    assert load_taste_profile().plays.shape == (3, 3)


# --------------------------------------------------------------------------------------------------------------
# Fetching: downloads from a local server


@pytest.fixture
def local_server(tmp_path):
    """Serve tmp_path/'served' on 127.0.0.1 from a background thread; shut down after the test."""
    served = tmp_path / "served"
    served.mkdir()
    with serve(served) as (url, handler):
        yield served, url, handler.requests


def _zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _tar_gz_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def online(tmp_path, monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "0")  # the suite sets 1; the server below is local
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "datasets"


def test_fetch_downloads_verifies_extracts_and_reuses(online, local_server, monkeypatch):
    served, base, requests = local_server
    zipped = _zip_bytes({"toy/hello.txt": b"hello", "toy/sub/data.csv": b"a,b\n1,2\n"})
    tarred = _tar_gz_bytes({"extra/more.txt": b"more"})
    (served / "toy.zip").write_bytes(zipped)
    (served / "extra.tar.gz").write_bytes(tarred)
    register_toy(
        monkeypatch,
        [
            # the first URL is dead (404): the mirror after it must be used
            RemoteFile(
                "toy.zip", (f"{base}/gone/toy.zip", f"{base}/toy.zip"), hashlib.sha256(zipped).hexdigest(), len(zipped)
            ),
            RemoteFile("extra.tar.gz", (f"{base}/extra.tar.gz",), hashlib.sha256(tarred).hexdigest(), len(tarred)),
        ],
    )
    folder = fetch("toy", progress=False)
    assert folder == online / "toy"
    assert (folder / "toy" / "hello.txt").read_bytes() == b"hello"
    assert (folder / "toy" / "sub" / "data.csv").is_file()
    assert (folder / "extra" / "more.txt").read_bytes() == b"more"
    assert (folder / MARKER_NAME).is_file()
    assert sorted(requests) == ["/extra.tar.gz", "/gone/toy.zip", "/toy.zip"]
    # nothing else is left in the datasets folder: no archives, temporary or partial files
    assert sorted(p.name for p in online.iterdir()) == ["toy"]

    assert fetch("toy", progress=True) == folder  # second call: marker valid, no request
    assert len(requests) == 3
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    assert fetch("toy") == folder  # a complete data set is used offline too


def test_fetch_rejects_a_wrong_checksum_and_leaves_nothing(online, local_server, monkeypatch):
    served, base, _ = local_server
    (served / "toy.zip").write_bytes(_zip_bytes({"toy/hello.txt": b"hello"}))
    register_toy(monkeypatch, [RemoteFile("toy.zip", (f"{base}/toy.zip",), "0" * 64, 0)])
    with pytest.raises(DataUnavailableError, match="SHA-256 mismatch") as info:
        fetch("toy", progress=False)
    assert f"{base}/toy.zip" in str(info.value) and str(online / "toy") in str(info.value)
    leftovers = [p for p in online.rglob("*")] if online.exists() else []
    assert leftovers == []


def test_fetch_rejects_a_wrong_size_early(online, local_server, monkeypatch):
    served, base, _ = local_server
    payload = b"x" * 5000
    (served / "big.bin").write_bytes(payload)
    register_toy(monkeypatch, [RemoteFile("big.bin", (f"{base}/big.bin",), hashlib.sha256(payload).hexdigest(), 10)])
    with pytest.raises(DataUnavailableError, match="more than the expected 10 bytes"):
        fetch("toy", progress=False)
    assert not online.exists() or list(online.rglob("*")) == []


def test_fetch_refuses_unsafe_archive_paths(online, local_server, monkeypatch):
    served, base, _ = local_server
    evil = _zip_bytes({"../evil.txt": b"gotcha"})
    (served / "toy.zip").write_bytes(evil)
    register_toy(
        monkeypatch, [RemoteFile("toy.zip", (f"{base}/toy.zip",), hashlib.sha256(evil).hexdigest(), len(evil))]
    )
    with pytest.raises(DataUnavailableError, match="unsafe path"):
        fetch("toy", progress=False)
    assert not (online / "toy").exists() and not (online / "evil.txt").exists()
    assert not (online.parent / "evil.txt").exists()


def test_fetch_does_not_overwrite_an_incomplete_folder(online, local_server, monkeypatch):
    served, base, requests = local_server
    zipped = _zip_bytes({"toy/hello.txt": b"hello"})
    (served / "toy.zip").write_bytes(zipped)
    register_toy(monkeypatch, [RemoteFile("toy.zip", (f"{base}/toy.zip",), hashlib.sha256(zipped).hexdigest(), 0)])
    (online / "toy").mkdir(parents=True)
    (online / "toy" / "mine.txt").write_text("user's file")
    with pytest.raises(DataUnavailableError, match="exists but is incomplete"):
        fetch("toy", progress=False)
    assert (online / "toy" / "mine.txt").read_text() == "user's file" and requests == []


# --------------------------------------------------------------------------------------------------------------
# GTZAN layouts (issue 18, defect 13): standard, Kaggle's genres_original/ and a flat folder, with root= and in
# the data home


def _gtzan_clips(folder, genres=("blues", "metal"), per_genre=2):
    folder.mkdir(parents=True, exist_ok=True)
    for genre in genres:
        for n in range(per_genre):
            sf.write(folder / f"{genre}.{n:05d}.wav", _tone(0.2, 8000), 8000, subtype="PCM_16")


def _expected_gtzan_genres(music):
    return music.songs["genre"].to_dict() == {
        "blues.00000": "blues",
        "blues.00001": "blues",
        "metal.00000": "metal",
        "metal.00001": "metal",
    }


def test_gtzan_flat_folder_reads_the_genre_from_the_file_name(tmp_path):
    _gtzan_clips(tmp_path / "gtzan" / "data")
    for root in (tmp_path / "gtzan", tmp_path / "gtzan" / "data"):  # the flat folder itself, or one above it
        music = load_gtzan(root)
        assert _expected_gtzan_genres(music), music.songs["genre"].to_dict()
        assert "data" not in set(music.songs["genre"])
        assert music.load_audio("metal.00001", sr=8000).shape == (1600,)


def test_gtzan_flat_folder_of_files_without_a_genre_in_their_name_is_refused(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    sf.write(folder / "track01.wav", _tone(0.2, 8000), 8000)
    with pytest.raises(ParameterError, match="genre") as info:
        load_gtzan(folder)
    assert "track01.wav" in str(info.value) and "<genre>.000NN" in str(info.value)


def test_gtzan_clip_in_another_genres_folder_is_refused(gtzan_root):
    sf.write(gtzan_root / "genres" / "metal" / "blues.00009.wav", _tone(0.2, 8000), 8000)
    with pytest.raises(ParameterError, match="metal") as info:
        load_gtzan(gtzan_root)
    assert "blues.00009.wav" in str(info.value)


@pytest.mark.parametrize("layout", ["genres", "genres_original", "Data/genres_original", "flat"])
def test_gtzan_layouts_work_with_root_and_in_the_data_home(tmp_path, monkeypatch, layout):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path / "home"))
    home_folder = dataset_dir("gtzan")
    for root in (tmp_path / "own", home_folder):
        if layout == "flat":
            _gtzan_clips(root)
        else:
            for genre in ("blues", "metal"):
                _gtzan_clips(root / layout / genre, genres=(genre,))
    from_root = load_gtzan(tmp_path / "own")
    from_home = load_gtzan()  # offline: must find the clips without a download
    for music in (from_root, from_home):
        assert _expected_gtzan_genres(music), music.songs["genre"].to_dict()
    assert from_home.root == home_folder
    assert from_home.songs["audio_path"].tolist() == from_root.songs["audio_path"].tolist()
    assert from_home.load_audio("blues.00001", sr=8000).shape == (1600,)
