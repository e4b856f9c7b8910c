"""The offline word-association network (ConceptNet's stand-in) and the ConceptNet client."""

import io
import json

import pytest

from cbrec_lab.datasets import KEYWORDS
from cbrec_lab.datasets import word_associations as wa
from cbrec_lab.exceptions import ParameterError, ParameterTypeError


def test_every_image_keyword_has_associations_without_repeats():
    assert set(KEYWORDS) <= set(wa.ASSOCIATIONS)
    for key, words in wa.ASSOCIATIONS.items():
        assert len(words) >= 10, key
        assert len(set(words)) == len(words), f"{key} lists a word twice"
        assert key not in words


def test_related_words_start_with_the_keyword_then_direct_associations():
    for key in KEYWORDS:
        words = wa.related_words(key, 6)
        direct = set(wa.ASSOCIATIONS[key]) | {k for k, v in wa.ASSOCIATIONS.items() if key in v}
        assert words[0] == key
        assert sum(word in direct for word in words[1:]) >= 4, words  # a hub ('sea') may lift a two-hop word
    assert wa.related_words("snow", 3) == ["snow", "white", "mountain"]  # 'white' and 'mountain' list snow too


def test_related_words_reach_any_n_and_are_nested():
    n = len(wa.association_vocabulary())
    assert n >= 300
    full = wa.related_words("love", n)
    assert len(full) == len(set(full)) == n
    assert wa.related_words("love", 50) == full[:50]


def test_related_words_bad_input():
    with pytest.raises(ParameterError, match="not in the association network"):
        wa.related_words("spaceship", 5)
    with pytest.raises(ParameterError, match="n must be"):
        wa.related_words("snow", 0)
    with pytest.raises(ParameterError, match="restart"):
        wa.related_words("snow", 5, restart=1.0)
    with pytest.raises(ParameterTypeError, match=r"n must be a positive integer, got 5\.0"):
        wa.related_words("snow", 5.0)
    with pytest.raises(ParameterError, match="n must be at most"):
        wa.related_words("snow", len(wa.association_vocabulary()) + 1)
    with pytest.raises(ParameterError, match="iterations must be a positive integer"):
        wa.related_words("snow", 5, iterations=0)


def test_conceptnet_bad_n_is_refused_before_any_request():
    with pytest.raises(ParameterError, match="n must be at most 1000"):
        wa.conceptnet_related("snow", 1001)
    with pytest.raises(ParameterTypeError, match="n must be a positive integer"):
        wa.conceptnet_related("snow", True)


def test_conceptnet_is_refused_offline(monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    with pytest.raises(wa.RelatednessUnavailableError, match="CBREC_OFFLINE"):
        wa.conceptnet_related("snow", 5)


def test_conceptnet_answer_is_parsed(monkeypatch):
    payload = {
        "related": [
            {"@id": "/c/en/snow", "weight": 1.0},
            {"@id": "/c/en/snow_white", "weight": 0.8},
            {"@id": "/c/en/winter/n", "weight": 0.7},
            {"@id": "/c/fr/neige", "weight": 0.6},
        ]
    }
    seen = []

    def fake_urlopen(url, timeout):
        seen.append(url)
        return io.BytesIO(json.dumps(payload).encode())

    monkeypatch.delenv("CBREC_OFFLINE", raising=False)
    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    assert wa.conceptnet_related("Snow", 3) == ["snow", "snow white", "winter"]
    assert seen == ["https://api.conceptnet.io/related/c/en/snow?filter=/c/en&limit=3"]
