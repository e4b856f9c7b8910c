"""Side-by-side benchmark of cbrec_lab's VBPR and Cornac's VBPR: AUC (all items, cold start) and seconds per epoch
on the same planted data, the same split and the same model sizes.

Usage: python benchmarks/vbpr_vs_cornac.py [--cornac-python PATH] [--users 2000] [--items 3000]
                                           [--cold-fraction 0.1] [--features 512] [--positives 30000]
                                           [--factors 10] [--epochs 20] [--batch-size 256]
                                           [--learning-rate 0.005] [--reg 0.01] [--reg-visual 1e-4] [--seed 0]
                                           [--threads N]

Cornac is not a dependency of the project. Install it in a separate virtual environment, with PyTorch's CPU
build first (a loose ``torch`` requirement pulls a multi-GB CUDA build)::

    python3.11 -m venv /tmp/cornac-venv
    /tmp/cornac-venv/bin/pip install torch==2.13.0
    /tmp/cornac-venv/bin/pip install cornac

and pass ``--cornac-python /tmp/cornac-venv/bin/python``. Without it (or when that interpreter cannot import
cornac and torch) only our model runs and the table says why Cornac's column is empty.

How it runs. This script (project environment) plants the data and the split, writes them to a temporary
folder as ``data.npz``, trains our :class:`cbrec_lab.models.pairwise.VBPR` and scores every (user, item), then
runs *this same file* with ``--cornac-worker FOLDER`` under the Cornac interpreter, which trains
``cornac.models.VBPR`` on the same training pairs and features and writes its score matrix (our user and item
ids, mapped back from Cornac's internal ids) and its epoch times to ``cornac.npz``. Both AUCs are then computed
here by the same code (:func:`cbrec_lab.metrics.evaluate_rankings`, ``metrics=("auc",)``). The two trainings
run one after the other, never at the same time.

Planted data (Tradesy-shaped, all from ``--seed``). Every item has a hidden *visual* style ``z_i ∈ ℝ⁸`` and a
hidden *non-visual* part ``w_i ∈ ℝ⁸`` (brand, price: not in the pixels); its features are
``f_i = relu(z_i A + 0.5 ε_i)`` in ``d`` dimensions (``A`` random, like non-negative CNN activations), scaled
to ``[0, 1]`` by the global maximum. A user's utility is ``x_ui = 1.5 p_uᵀz_i + 1.0 q_uᵀw_i + b_i`` (``b_i``:
a long-tailed popularity), and each user draws ``n_u ≥ 5`` distinct positives (log-normal counts, mean about
``positives / users``) without replacement from ``softmax(x_u·)`` (Gumbel top-k). A random ``cold-fraction`` of
the items are *cold*: none of their positives is in the training data.

Split and evaluation (He & McAuley 2016, §5.3, one held-out item per user, no validation item):

- **all items**: one random warm positive per user (users with at least two warm positives) is held out;
  the other warm positives are the training data;
- **cold start**: one random cold positive per user (users with any) is the test item — it has no training
  feedback at all;
- per user, ``AUC = 1/|E(u)| Σ_(i,j)∈E(u) δ(x̂_ui > x̂_uj)`` with ``i`` the test item and ``j`` every item of the
  catalogue (warm and cold) that is not a positive of ``u`` (training, test or other held-out positives),
  ties counting one half; averaged over the users that have a test item.

Settings and how they map (read from ``cornac/models/vbpr/recom_vbpr.py``, cornac 3.0.1):

- factors: ours ``n_factors = K``, ``n_visual_factors = K′``; Cornac ``k = K``, ``k2 = K′``.
- optimiser: ours Keras ``Adam(learning_rate)`` (ε = 1e-7); Cornac ``torch.optim.Adam(lr)`` (ε = 1e-8): not
  the paper's plain SGD in either. Both Adams update densely: every row of γ, θ, β moves at every step, used
  by the batch or not (its moments decay).
- data term of a batch of ``B`` triplets: ours the *mean* of ``softplus(−x̂_uij)``; Cornac the *sum* of
  ``−log σ(x̂_uij)`` (the same function).
- penalty on γ_u, γ_i, γ_j, θ_u: ours ``regularization · ‖·‖²`` per triplet (averaged); Cornac ``lambda_w/2 · ‖·‖²`` per
  triplet (summed).
- penalty on the item biases: ours ``regularization · (β_i² + β_j²)``; Cornac
  ``lambda_b/2 · β_i² + lambda_b/20 · β_j²``.
- penalty on E and β′: ours ``visual_regularization · (‖E‖² + ‖β′‖²)`` once per batch; Cornac
  ``lambda_e/2 · (‖E‖² + ‖β′‖²)`` once per batch (default ``lambda_e = 0``).
- initial values: ours γ, θ ~ N(0, 0.1²), E ~ N(0, 0.01/d), β and β′ zero; Cornac γ, θ, E and β′
  Xavier-uniform (std about 0.03 for γ, θ and 0.06 for E at these sizes), β zero.
- triplets of an epoch: ours one per positive pair, ``(u, i)`` drawn with replacement, ``j`` uniform over all
  items with positives redrawn (vectorised numpy); Cornac every positive pair once in shuffled order, ``j``
  uniform over all items, redrawn while positive (a Python loop, one ``dok_matrix`` look-up per draw).
- features: used as given by both (Cornac's ``ImageModality(normalized=False)``).

Adam makes an update (almost) independent of a constant factor on the whole objective, so a summed batch loss
and a mean one train alike when the penalties keep their ratio to the data term. This script therefore passes
``lambda_w = lambda_b = 2·reg`` and ``lambda_e = 2·B·reg_visual`` to Cornac: the same objective up to the factor
``B``, except that Cornac penalises the negative item's bias β_j ten times less, and the initial values and
the triplet sampling differ as listed. Both use the same ``K = K′``, epochs, batch size, learning rate and
seed (Cornac's ``seed`` seeds its initial values and its sampler).

Timing. Seconds per epoch come from the end of each epoch (our ``BPRTriplets.on_epoch_end``, which Keras calls
after every epoch and which then draws the next epoch's triplets; Cornac's per-epoch progress bar being
closed; Keras also calls ``on_epoch_end`` once before the first epoch, so the last ``epochs`` calls are
used). The first epoch carries one-off costs (Keras builds the data pipeline and traces the training step;
Cornac builds its ``dok_matrix`` of positives, and creating ``torch.optim.Adam`` imports ``torch._dynamo``), so
the table shows the median and the fastest of epochs 2 to the last (the median resists bursts of other work
on a shared machine), the first epoch, and the whole ``fit`` divided by the epochs; the ratio is ours /
Cornac's (below 1: ours is faster). ``--threads N`` pins both libraries to ``N`` CPU threads (OpenMP, BLAS,
TensorFlow's intra- and inter-op pools; the Cornac subprocess inherits them); by default each library takes
every core.

Cold start, two ways. *AUC cold start* scores the cold items as each model's ``score`` does: they are in the
catalogue, so their free parameters β_i, γ_i exist — but they were only ever drawn as negatives, which pushes
them down every epoch (in both libraries), so this AUC falls as training goes on. *AUC cold, f only* scores
the cold items from their features alone (β_i = γ_i = 0: ``θ_uᵀE f_i + β′ᵀf_i``), as a new item would be:
ours by ``VBPR.score(new_item_features=...)``, Cornac's from its learnt ``theta_user``, ``emb_matrix`` and
``beta_prime`` by the same formula (Cornac has no method for items outside training); the warm items keep their
full scores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

VISUAL_WEIGHT, NON_VISUAL_WEIGHT, LATENT = 1.5, 1.0, 8


# --------------------------------------------------------------------------------------------------------------
# planted data and split (project side)


def planted_data(n_users: int, n_items: int, d: int, n_positives: int, cold_fraction: float, seed: int) -> dict:
    """Users × items positives that depend on the items' features, with cold items and one held-out item per user.

    Returns a dict of arrays: ``train_u``, ``train_i`` (training pairs), ``test_all``/``test_cold`` (one item
    per user, -1 when none), ``pos_u``, ``pos_i`` (every positive pair), ``features`` (float32, n_items × d),
    ``cold`` (bool per item).
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_items, LATENT))
    w = rng.normal(size=(n_items, LATENT))
    a = rng.normal(size=(LATENT, d)) / np.sqrt(LATENT)
    features = np.maximum(z @ a + 0.5 * rng.normal(size=(n_items, d)), 0.0)
    features = (features / features.max()).astype(np.float32)
    popularity = rng.normal(scale=1.0, size=n_items)
    p = rng.normal(size=(n_users, LATENT))
    q = rng.normal(size=(n_users, LATENT))
    utility = VISUAL_WEIGHT * (p @ z.T) / np.sqrt(LATENT) + NON_VISUAL_WEIGHT * (q @ w.T) / np.sqrt(LATENT)
    utility += popularity
    mean = n_positives / n_users
    counts = np.maximum(5, np.round(rng.lognormal(np.log(mean) - 0.18, 0.6, size=n_users))).astype(int)
    counts = np.minimum(counts, n_items // 2)
    # Gumbel top-k: n_u items without replacement, with probabilities proportional to exp(utility)
    keys = utility + rng.gumbel(size=utility.shape)
    cold = np.zeros(n_items, dtype=bool)
    cold[rng.choice(n_items, size=int(round(cold_fraction * n_items)), replace=False)] = True
    pos_u, pos_i, train_u, train_i = [], [], [], []
    test_all = np.full(n_users, -1, dtype=np.int64)
    test_cold = np.full(n_users, -1, dtype=np.int64)
    for u in range(n_users):
        items = np.argpartition(-keys[u], counts[u])[: counts[u]]
        pos_u.append(np.full(items.size, u))
        pos_i.append(items)
        warm_items, cold_items = items[~cold[items]], items[cold[items]]
        if cold_items.size:
            test_cold[u] = rng.choice(cold_items)
        if warm_items.size >= 2:
            test_all[u] = rng.choice(warm_items)
        kept = warm_items[warm_items != test_all[u]]
        train_u.append(np.full(kept.size, u))
        train_i.append(kept)
    return {
        "train_u": np.concatenate(train_u).astype(np.int64),
        "train_i": np.concatenate(train_i).astype(np.int64),
        "pos_u": np.concatenate(pos_u).astype(np.int64),
        "pos_i": np.concatenate(pos_i).astype(np.int64),
        "test_all": test_all,
        "test_cold": test_cold,
        "features": features,
        "cold": cold,
    }


def mean_auc(scores: np.ndarray, data: dict, setting: str) -> tuple[float, int]:
    """Mean per-user AUC of the held-out item of ``setting`` ("all" or "cold") against every non-positive item."""
    import scipy.sparse as sp

    from cbrec_lab.metrics import evaluate_rankings

    n_users, n_items = scores.shape
    test = data["test_all" if setting == "all" else "test_cold"]
    users = np.flatnonzero(test >= 0)
    relevant = sp.csr_matrix((np.ones(users.size), (users, test[users])), shape=(n_users, n_items))
    positives = sp.csr_matrix((np.ones(data["pos_u"].size), (data["pos_u"], data["pos_i"])), shape=(n_users, n_items))
    exclude = positives - positives.multiply(relevant)  # every positive but the test item
    frame = evaluate_rankings(scores[users], relevant[users], k=1, exclude=exclude[users], metrics=("auc",))
    return float(frame["auc"].mean()), int(users.size)


# --------------------------------------------------------------------------------------------------------------
# our model (project side)


def run_ours(data: dict, args, n_users: int, n_items: int) -> dict:
    from unittest import mock

    import scipy.sparse as sp

    from cbrec_lab.models import pairwise

    marks: list[float] = []

    class TimedTriplets(pairwise.BPRTriplets):
        def on_epoch_end(self) -> None:
            marks.append(time.perf_counter())
            super().on_epoch_end()

    train = sp.csr_matrix(
        (np.ones(data["train_u"].size, dtype=np.float32), (data["train_u"], data["train_i"])), shape=(n_users, n_items)
    )
    model = pairwise.VBPR(
        args.factors,
        args.factors,
        regularization=args.reg,
        visual_regularization=args.reg_visual,
        learning_rate=args.learning_rate,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
    )
    with mock.patch.object(pairwise, "BPRTriplets", TimedTriplets):
        start = time.perf_counter()
        model.fit(train, data["features"])
        seconds = time.perf_counter() - start
    scores = model.score()
    features_only = model.score(new_item_features=data["features"][data["cold"]])
    import keras

    # Keras also calls on_epoch_end once when it sets the data up, before the first epoch: the last ``epochs``
    # calls are the ends of the epochs.
    ends = marks[-args.epochs :]
    return {
        "scores": scores,
        "cold_features_only": features_only,
        "fit_seconds": seconds,
        "epoch_seconds": np.diff([start] + ends),
        "library": f"keras {keras.__version__} ({keras.backend.backend()})",
    }


# --------------------------------------------------------------------------------------------------------------
# Cornac's model (run in Cornac's environment with --cornac-worker FOLDER)


def cornac_worker(folder: Path) -> None:
    """Train cornac's VBPR on ``folder/data.npz`` and write ``folder/cornac.npz``: scores in our ids, epoch times."""
    from collections import OrderedDict

    import cornac
    import torch
    from cornac.data import Dataset, ImageModality
    from cornac.models.vbpr import recom_vbpr

    stored = np.load(folder / "data.npz")
    settings = json.loads((folder / "settings.json").read_text())
    n_users, n_items = settings["n_users"], settings["n_items"]
    # Every user and item in Cornac's maps, cold items included (else Cornac cannot score them), in our order;
    # the ids are mapped back explicitly below all the same.
    uid_map = OrderedDict((f"u{u}", u) for u in range(n_users))
    iid_map = OrderedDict((f"i{i}", i) for i in range(n_items))
    triples = [(f"u{u}", f"i{i}", 1.0) for u, i in zip(stored["train_u"], stored["train_i"], strict=True)]
    train = Dataset.build(triples, fmt="UIR", global_uid_map=uid_map, global_iid_map=iid_map, seed=settings["seed"])
    image = ImageModality(features=stored["features"], ids=[f"i{i}" for i in range(n_items)], normalized=False)
    image.build(id_map=train.iid_map)
    train.add_modalities(item_image=image)

    marks: list[float] = []
    base = recom_vbpr.tqdm

    class TimedBar(base):
        def close(self):
            if not getattr(self, "_timed", False):
                self._timed = True
                marks.append(time.perf_counter())
            super().close()

    b = settings["batch_size"]
    model = cornac.models.VBPR(
        k=settings["factors"],
        k2=settings["factors"],
        n_epochs=settings["epochs"],
        batch_size=b,
        learning_rate=settings["learning_rate"],
        lambda_w=2 * settings["reg"],
        lambda_b=2 * settings["reg"],
        lambda_e=2 * b * settings["reg_visual"],
        use_gpu=False,
        verbose=False,
        seed=settings["seed"],
    )
    recom_vbpr.tqdm = TimedBar
    try:
        start = time.perf_counter()
        model.fit(train)
        seconds = time.perf_counter() - start
    finally:
        recom_vbpr.tqdm = base
    user_rows = np.array([model.uid_map[f"u{u}"] for u in range(n_users)])
    item_cols = np.array([model.iid_map[f"i{i}"] for i in range(n_items)])
    scores = np.stack([model.score(int(r)) for r in user_rows])[:, item_cols].astype(np.float32)
    # cold items scored from their features alone with Cornac's learnt θ, E, β′ (β_i = γ_i = 0), as our
    # VBPR.score(new_item_features=...) does: Cornac has no method for that
    cold_features = stored["features"][stored["cold"]].astype(np.float32)
    features_only = (
        model.theta_user[user_rows] @ (cold_features @ model.emb_matrix).T + (cold_features @ model.beta_prime).ravel()
    ).astype(np.float32)
    np.savez(
        folder / "cornac.npz",
        scores=scores,
        cold_features_only=features_only,
        fit_seconds=seconds,
        epoch_seconds=np.diff([start] + marks[: settings["epochs"]]),
    )
    (folder / "cornac.json").write_text(
        json.dumps(
            {
                "library": (
                    f"cornac {cornac.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads)"
                ),
                "model": repr(
                    {
                        k: getattr(model, k)
                        for k in (
                            "k",
                            "k2",
                            "n_epochs",
                            "batch_size",
                            "learning_rate",
                            "lambda_w",
                            "lambda_b",
                            "lambda_e",
                            "use_gpu",
                            "seed",
                        )
                    }
                ),
            }
        )
    )


def run_cornac(python: str | None, folder: Path, data: dict, args, n_users: int, n_items: int):
    """Cornac's result dict, or a string saying why it did not run."""
    if not python:
        return "skipped: no --cornac-python given"
    try:
        probe = subprocess.run([python, "-c", "import cornac, torch"], capture_output=True, text=True)
    except OSError as error:
        return f"skipped: cannot run {python} ({error.strerror or error})"
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"skipped: {python} cannot import cornac and torch ({last})"
    np.savez(folder / "data.npz", **{k: data[k] for k in ("train_u", "train_i", "features", "cold")})
    (folder / "settings.json").write_text(
        json.dumps(
            {
                "n_users": n_users,
                "n_items": n_items,
                "seed": args.seed,
                "factors": args.factors,
                "epochs": args.epochs,
                "batch_size": args.batch_size,
                "learning_rate": args.learning_rate,
                "reg": args.reg,
                "reg_visual": args.reg_visual,
            }
        )
    )
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "--cornac-worker", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        return f"failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}"
    stored = np.load(folder / "cornac.npz")
    meta = json.loads((folder / "cornac.json").read_text())
    return {
        "scores": stored["scores"],
        "cold_features_only": stored["cold_features_only"],
        "fit_seconds": float(stored["fit_seconds"]),
        "epoch_seconds": stored["epoch_seconds"],
        **meta,
    }


# --------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cornac-python", default=None, help="python of a virtualenv with cornac and torch")
    parser.add_argument("--cornac-worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--items", type=int, default=3000, help="items in all, cold ones included")
    parser.add_argument("--cold-fraction", type=float, default=0.1, help="items without training feedback")
    parser.add_argument("--features", type=int, default=512, help="d, feature dimension")
    parser.add_argument("--positives", type=int, default=30000, help="about this many positive pairs")
    parser.add_argument("--factors", type=int, default=10, help="K = K′")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument(
        "--reg", type=float, default=0.01, help="our regularization (λ); Cornac gets lambda_w = lambda_b = 2·reg"
    )
    parser.add_argument(
        "--reg-visual",
        type=float,
        default=1e-4,
        help="our visual_regularization (λ_E); Cornac gets lambda_e = 2·batch_size·reg_visual",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="CPU threads for both libraries (default: each library's own, i.e. every core)",
    )
    args = parser.parse_args()
    if args.threads:  # before TensorFlow or PyTorch start; the Cornac subprocess inherits the environment
        for name in (
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
        ):
            os.environ[name] = str(args.threads)
    if args.cornac_worker:
        cornac_worker(Path(args.cornac_worker))
        return

    started = time.perf_counter()
    data = planted_data(args.users, args.items, args.features, args.positives, args.cold_fraction, args.seed)
    n_users, n_items = args.users, args.items
    print(
        f"planted data: {n_users:,} users × {n_items:,} items ({int(data['cold'].sum()):,} cold), d = "
        f"{args.features}; {data['pos_u'].size:,} positives, {data['train_u'].size:,} for training; "
        f"{(data['test_all'] >= 0).sum():,} users with an all-items test item, "
        f"{(data['test_cold'] >= 0).sum():,} with a cold one"
    )
    print(
        f"settings: K = K′ = {args.factors}, {args.epochs} epochs, batch size {args.batch_size}, Adam learning "
        f"rate {args.learning_rate}, reg {args.reg}, reg_visual {args.reg_visual} (Cornac: lambda_w = lambda_b = "
        f"{2 * args.reg:g}, lambda_e = {2 * args.batch_size * args.reg_visual:g}), seed {args.seed}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"threads: {args.threads or 'library defaults'}"
    )

    results = {"cbrec_lab VBPR": run_ours(data, args, n_users, n_items)}
    with tempfile.TemporaryDirectory(prefix="cbrec-bench-cornac-") as folder:
        results["cornac VBPR"] = run_cornac(args.cornac_python, Path(folder), data, args, n_users, n_items)

    print()
    print(
        f"{'model':<16} {'AUC all items':>13} {'AUC cold start':>14} {'AUC cold, f only':>16} "
        f"{'s/epoch median':>14} {'fastest':>7} {'1st':>6} {'fit s/epochs':>12}   library"
    )
    steady = {}
    for name, result in results.items():
        if isinstance(result, str):
            print(f"{name:<16} {result}")
            continue
        auc_all, users_all = mean_auc(result["scores"], data, "all")
        auc_cold, users_cold = mean_auc(result["scores"], data, "cold")
        mixed = result["scores"].copy()
        mixed[:, data["cold"]] = result["cold_features_only"]
        auc_features_only, _ = mean_auc(mixed, data, "cold")
        epochs = np.asarray(result["epoch_seconds"], dtype=float)
        later = epochs[1:] if epochs.size > 1 else epochs
        steady[name] = (float(np.median(later)), result["fit_seconds"] / args.epochs)
        print(
            f"{name:<16} {auc_all:>13.4f} {auc_cold:>14.4f} {auc_features_only:>16.4f} "
            f"{steady[name][0]:>14.3f} {later.min():>7.3f} {epochs[0]:>6.2f} "
            f"{steady[name][1]:>12.3f}   {result['library']}"
        )
        if "model" in result:
            cornac_model = result["model"]
    print(
        f"(AUC over {users_all:,} users for all items, {users_cold:,} for cold start; 0.5 is random; "
        "'cold, f only': the cold items scored from their features alone, β_i = γ_i = 0)"
    )
    if len(steady) == 2:
        ours, theirs = steady["cbrec_lab VBPR"], steady["cornac VBPR"]
        print(
            f"time per epoch, ours / Cornac's: {ours[0] / theirs[0]:.2f} (medians of epochs 2–{args.epochs}), "
            f"{ours[1] / theirs[1]:.2f} (whole fit / epochs)"
        )
        print(f"cornac model: {cornac_model}")
    print(f"whole benchmark: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
