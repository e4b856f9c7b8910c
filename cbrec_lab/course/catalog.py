"""The lesson map: one source of truth for lesson numbers, files, topics and source works.

The README's course map and lesson 00's lesson table are checked against :data:`LESSONS` by the tests.
A lesson is *available* when its notebook exists in ``course/`` and *planned* otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ParameterError

__all__ = ["Lesson", "LESSONS", "REPOSITORY", "colab_url", "binder_url", "find_course_dir", "select_notebooks"]

#: The GitHub repository the Colab and Binder badges point to (also in pyproject.toml's project URLs).
REPOSITORY = "cbrec-lab/cbrec-lab"
BRANCH = "main"


def colab_url(filename: str) -> str:
    """Open ``course/<filename>`` from GitHub in Google Colab."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/course/{filename}"


def binder_url(filename: str | None = None) -> str:
    """Launch the repository on Binder in JupyterLab, optionally opening ``course/<filename>``."""
    url = f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}"
    return f"{url}?urlpath=lab/tree/course/{filename}" if filename else url


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course.

    Attributes
    ----------
    number : str
        Two digits, ``"00"`` to ``"12"``.
    stem : str
        Notebook file name without ``.ipynb``.
    topic : str
        What it teaches, in a line.
    sources : str
        The works it reproduces (see the README's references).
    """

    number: str
    stem: str
    topic: str
    sources: str

    @property
    def filename(self) -> str:
        return f"{self.stem}.ipynb"

    def status(self, course_dir: Path) -> str:
        """``"available"`` if the notebook exists in ``course_dir``, else ``"planned"``."""
        return "available" if (course_dir / self.filename).is_file() else "planned"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00_welcome", "Welcome: how the course works, profiles, data, environment", "—"),
    Lesson(
        "01",
        "01_audio_representations",
        "Audio representations: waveform, STFT, mel scale, MFCC, chroma",
        "Carranza thesis (ch. 2–3); Parra, lecture",
    ),
    Lesson(
        "02",
        "02_collaborative_filtering_wmf",
        "WMF/ALS latent factors from play counts",
        "Hu, Koren & Volinsky 2008; Carranza thesis (ch. 3)",
    ),
    Lesson(
        "03",
        "03_mfcc_bag_of_words",
        "MFCC bag of words → latent factors (linear regression, MLP)",
        "van den Oord et al. 2013; Carranza thesis (ch. 4)",
    ),
    Lesson(
        "04",
        "04_mel_cnn_latent_factors",
        "Mel-spectrogram CNNs predicting latent factors (MSE, COS, MCOS, WPE)",
        "van den Oord et al. 2013; Carranza thesis (4.2)",
    ),
    Lesson(
        "05",
        "05_genre_classification",
        "Genre classification (GTZAN-style) and transfer learning",
        "Tzanetakis & Cook 2002; Carranza thesis (ch. 5, 7)",
    ),
    Lesson(
        "06",
        "06_handcrafted_image_features",
        "LBP and attractiveness features; ranking by regression",
        "Ojala et al. 2002; San Pedro & Siersdorfer 2009",
    ),
    Lesson(
        "07",
        "07_cnn_deep_features",
        "CNN arithmetic and deep features from ImageNet backbones",
        "Krizhevsky et al. 2012; Barrios, lecture",
    ),
    Lesson(
        "08",
        "08_artwork_recommendation_evaluation",
        "UGallery-style artwork recommendation study",
        "Messina et al. 2019",
    ),
    Lesson(
        "09", "09_fine_tuning_for_recommendation", "Fine-tuning a backbone for recommendation", "del Río et al. 2018"
    ),
    Lesson("10", "10_vbpr", "VBPR: visual Bayesian personalised ranking", "He & McAuley 2016; Rendle et al. 2009"),
    Lesson(
        "11",
        "11_image_based_music_recommendation",
        "Image-based music recommendation via a keyword network",
        "Hsia et al. (KKBOX); Tang et al. 2015 (LINE)",
    ),
    Lesson(
        "12",
        "12_scaling_out",
        "Scaling out: Spark ALS, distributed features, multi-GPU training",
        "Carranza thesis (7.1, 7.3); Meng et al. 2016 (MLlib)",
    ),
)


def find_course_dir(start: os.PathLike | str | None = None) -> Path:
    """Locate the ``course/`` directory of a checkout.

    Looks for ``course/00_welcome.ipynb`` in ``start`` (default: the current directory) and its parents,
    then next to the installed package (an editable install from a clone).

    Raises
    ------
    ParameterError
        When no course directory is found, with what to do about it.
    """
    here = Path(start or Path.cwd()).resolve()
    candidates = [here, *here.parents, Path(__file__).resolve().parents[2]]
    for base in candidates:
        for course in (base, base / "course"):
            if (course / "00_welcome.ipynb").is_file():
                return course
    raise ParameterError(
        f"No course/ directory with 00_welcome.ipynb found from {here}. Run the command inside a clone of the "
        "cbrec-lab repository, or pass --course-dir PATH."
    )


def select_notebooks(course_dir: os.PathLike | str, only: Iterable[str] | None = None) -> list[Path]:
    """The course notebooks to run, in lesson order.

    Parameters
    ----------
    course_dir : path
        The ``course/`` directory.
    only : iterable of str, optional
        Lesson numbers (``"01"``, ``"4"``) or notebook stems; ``None`` selects every notebook present.

    Raises
    ------
    ParameterError
        For a selector that matches no notebook in ``course_dir``.
    """
    course_dir = Path(course_dir)
    notebooks = sorted(p for p in course_dir.glob("[0-9][0-9]_*.ipynb") if p.is_file())
    if only is None:
        return notebooks
    chosen: list[Path] = []
    for selector in only:
        token = str(selector).strip().removesuffix(".ipynb")
        if token.isdigit():
            token = token.zfill(2)
        matches = [p for p in notebooks if p.stem == token or p.stem.split("_", 1)[0] == token]
        if not matches:
            present = ", ".join(p.stem for p in notebooks) or "none"
            raise ParameterError(f"No notebook matches {selector!r} in {course_dir}. Present: {present}.")
        chosen += [p for p in matches if p not in chosen]
    return sorted(chosen)
