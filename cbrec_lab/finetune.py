"""Fine-tuning the offline ImageNet backbone on item labels (artist, medium) for content-based recommendation.

ImageNet features transfer to artworks, but a network that has seen only photos of objects does not know
what tells one painter or one medium from another. del Rio et al. [1] fine-tuned ResNet50 on the labels of
the UGallery artworks (artist and medium, one softmax head each) and used the fine-tuned penultimate
embeddings in a content-based recommender. Their answer to "¿es necesario?" (the course slides quote their
tables): *deep* fine-tuning, with the last convolutional blocks retrained, raised Recall@20 from .1632
(ImageNet ResNet50) to .1954 (artist + medium) and .1943 (artist alone); *shallow* fine-tuning, the
backbone frozen and only new top layers trained, did worse than no fine-tuning (.1501–.1541); and deep
fine-tuning on the medium alone hurt too (.1374). Which labels are used matters as much as fine-tuning.

Yosinski et al. [2] explain why the cut goes near the top: the first layers of an ImageNet network compute
general features (edges, colour blobs, textures) that transfer to any images, the last ones specific to
ImageNet's classes; re-training only the specific top adapts the network while the general bottom, which a
few hundred images could not re-learn, is kept.

Two regimes, both on EfficientNet-Lite0 (:func:`cbrec_lab.backbones.efficientnet_lite0`) by default:

``mode="shallow"``
    The backbone is frozen. New layers are trained on its pooled 1,280-d features: a dense ReLU layer
    (``hidden_units``, 1,280 by default) whose output is the new embedding, dropout, and one softmax head per
    label. As the backbone never changes, the features are computed once and every epoch only runs the
    small new layers: no image passes per epoch.
``mode="deep"``
    The backbone is cut with :func:`split_backbone` where ``unfreeze_from`` says (``"block6a"`` by default:
    the last five inverted-bottleneck blocks, ``top_conv`` and ``top_bn``; ``"block7a"`` or ``"top"`` unfreeze
    less). The *lower* part stays frozen, so its output for each image never changes: it is computed once
    (:func:`backbone_activations`, 14×14×112 values per 224-px image at ``block6a``, 7×7×192 at ``block7a``),
    and the *upper* part and the heads are trained on those cached activations. That is what makes deep
    fine-tuning affordable on a CPU: an epoch costs the upper part's share of the network only (at 224 px,
    block6a onward is 141 of Lite0's 384 million multiply-adds, block7a onward 49 million), and the images are
    never decoded, resized or pushed through the stem again. The embedding is the upper part's pooled output
    (1,280-d), or the optional dense layer on top of it.

Design decisions, each with its trade-off:

* **BatchNorm stays in inference mode.** The batch-normalisation layers of the unfrozen part keep their
  ImageNet moving statistics and their γ, β (``trainable = False``, which in Keras 3 also makes them
  normalise with the moving statistics while training). Batches of a few dozen artworks would give noisy
  statistics that differ from ImageNet's, the later layers would then see shifted inputs, and the moving
  averages would drift towards a small sample; freezing them is the standard practice when fine-tuning on
  small data (Keras's transfer-learning guide [4]).
* **No augmentation.** Cached activations are those of the one centre-cropped view of each image, so random
  crops, flips or colour jitter are impossible (they would have to go through the frozen lower part every
  epoch, which is exactly the cost the cache avoids). With a few hundred images the heads can therefore
  over-fit quickly; dropout before the heads, few epochs and a validation split are the counterweights.
  Pass images instead of cached activations and compute activations of augmented copies yourself if you
  want augmentation (each copy costs one pass of the lower part).
* **Multi-task.** One softmax head per label, cross-entropy losses summed with equal weights (Caruana [3];
  del Rio et al.'s "artist + medium"). Labels may be strings; they are encoded internally in sorted order.
* **Validation split** stratified by the first label, so every validation class was seen in training.
  Labels are item metadata, not users' interactions, so fine-tuning on all items (``validation_fraction=0``)
  leaks nothing into a recommender's evaluation on held-out interactions.
* **Deterministic** on a CPU for a given ``seed``: ``keras.utils.set_random_seed(seed)`` before the new
  layers are built (and :func:`cbrec_lab.train.fit` seeds again before training), and the batches are
  shuffled by ``numpy.random.default_rng([seed, epoch])``.

References
----------
1. del Rio, F., Messina, P., Dominguez, V., & Parra, D. (2018). Do better ImageNet models transfer
   better... for image recommendation? *arXiv preprint* arXiv:1807.09870. https://arxiv.org/abs/1807.09870
2. Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014). How transferable are features in deep neural
   networks? *Advances in Neural Information Processing Systems (NeurIPS)* 27, 3320–3328.
   https://arxiv.org/abs/1411.1792
3. Caruana, R. (1997). Multitask learning. *Machine Learning*, 28(1), 41–75.
   https://doi.org/10.1023/A:1007379606734
4. Chollet, F. Transfer learning & fine-tuning. Keras developer guides,
   https://keras.io/guides/transfer_learning/ (the ``BatchNormalization`` special case).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .backbones import as_rgb_255, efficientnet_lite0, image_list, prepare_images
from .checks import fraction, positive_int
from .config import import_keras
from .exceptions import ParameterError

keras = import_keras()

__all__ = [
    "MODES",
    "DEFAULT_UNFREEZE_FROM",
    "split_points",
    "split_backbone",
    "backbone_activations",
    "fine_tune",
    "FineTuned",
]

#: The two fine-tuning regimes of del Rio et al. (2018).
MODES = ("shallow", "deep")

#: Where deep fine-tuning cuts EfficientNet-Lite0 unless told otherwise.
DEFAULT_UNFREEZE_FROM = "block6a"


# --------------------------------------------------------------------------------------------------------------
# Cutting a functional model in two


def _check_functional(model) -> None:
    if not isinstance(model, keras.Model) or not hasattr(model, "layers"):
        raise ParameterError(f"Expected a functional keras.Model, got {type(model).__name__}.")
    try:
        inputs, outputs = model.inputs, model.outputs
    except AttributeError:
        inputs = outputs = None
    if not inputs or not outputs or len(inputs) != 1 or len(outputs) != 1:
        raise ParameterError(
            f"The model {model.name!r} must be a functional model with one input and one output (as "
            "efficientnet_lite0() builds), not a subclassed model or one with several inputs or outputs."
        )


def _as_list(tensors) -> list:
    if isinstance(tensors, (list, tuple)):
        return list(tensors)
    if isinstance(tensors, dict):
        return list(tensors.values())
    return [tensors]


def _valid_starts(model) -> list[int]:
    """Positions ``k`` in ``model.layers`` where exactly one tensor flows from ``layers[:k]`` into ``layers[k:]``.

    ``model.layers`` of a functional model is in topological order. A tensor produced at position ``p`` and
    last consumed at position ``c`` crosses every cut ``p < k ≤ c``; a cut is valid when one tensor crosses
    it (the lower part's single output, the upper part's single input). ``k ≥ 2``: the lower part holds at
    least one layer besides the input.
    """
    layers = model.layers
    produced: dict[int, int] = {}
    last_use: dict[int, int] = {}
    for position, layer in enumerate(layers):
        for tensor in _as_list(layer.output):
            produced[id(tensor)] = position
        if position == 0:
            continue
        for tensor in _as_list(layer.input):
            last_use[id(tensor)] = position
    crossing = [0] * (len(layers) + 1)
    for key, last in last_use.items():
        first = produced.get(key)
        if first is None:
            continue
        for k in range(first + 1, last + 1):
            crossing[k] += 1
    return [k for k in range(2, len(layers)) if crossing[k] == 1]


def _block(name: str) -> str:
    return name.split("_", 1)[0]


def split_points(model) -> list[str]:
    """The blocks where :func:`split_backbone` can cut ``model``, in order.

    A block is a run of layers whose names share the prefix before the first ``_`` (``block6a_expand_conv``,
    ``block6a_dwconv``, … form ``"block6a"``); it is a split point when a single tensor flows into its first
    layer, i.e. no residual connection jumps over the cut. For EfficientNet-Lite0 that is every block:
    ``["stem", "block1a", …, "block6a", "block6b", "block6c", "block6d", "block7a", "top"]`` (a residual
    add closes each repeated block, so the shortcut never crosses a block boundary).

    Parameters
    ----------
    model : keras.Model
        A flat functional model with one input and one output.

    Returns
    -------
    list of str
    """
    _check_functional(model)
    layers = model.layers
    starts = set(_valid_starts(model))
    points = []
    for position, layer in enumerate(layers):
        block = _block(layer.name)
        first = position == 0 or _block(layers[position - 1].name) != block
        single = position + 1 >= len(layers) or _block(layers[position + 1].name) != block
        if first and not single and position in starts and block not in points:
            points.append(block)
    return points


def _start_position(model, at: str) -> int:
    layers = model.layers
    names = [layer.name for layer in layers]
    starts = _valid_starts(model)
    blocks = split_points(model)
    advice = f"Start the upper part at one of the blocks {', '.join(map(repr, blocks))}" + (
        ", or at a layer whose only input is the previous layer's output." if blocks else "."
    )
    if not isinstance(at, str) or not at.strip():
        raise ParameterError(f"The split point must be a block or layer name, got {at!r}. {advice}")
    at = at.strip()
    if at in names:
        position = names.index(at)
        if position in starts:
            return position
        if position + 1 < len(layers) and position + 1 in starts:
            after = names[position + 1]
            hint = f" To cut right after {at!r}, start the upper part at the next layer, {after!r}"
            hint += f" (block {_block(after)!r})." if _block(after) in blocks and _block(after) != _block(at) else "."
        else:
            hint = ""
        why = (
            "the lower part would hold no layer"
            if position < 2
            else "more than one tensor flows into the layers from there on (a residual connection crosses the cut)"
        )
        raise ParameterError(f"The model {model.name!r} cannot be cut before the layer {at!r}: {why}.{hint} {advice}")
    members = [i for i, name in enumerate(names) if _block(name) == at]
    if members:
        if at in blocks:
            return members[0]
        raise ParameterError(f"The block {at!r} of {model.name!r} cannot be a split point. {advice}")
    raise ParameterError(f"The model {model.name!r} has no block or layer named {at!r}. {advice}")


def split_backbone(model, at: str):
    """Cut a functional backbone in two: ``lower`` (frozen, run once) and ``upper`` (fine-tuned).

    ``upper(lower(x))`` equals ``model(x)``: both parts share ``model``'s layers (and so its weights; training
    ``upper`` changes ``model``). The cut must be a point where the graph carries a single tensor — in
    EfficientNet-Lite0 the boundary between two blocks, never inside a block with a residual add, whose
    shortcut would cross the cut (Yosinski et al. 2014 cut their networks at layer boundaries in the same
    way to study which layers transfer).

    Parameters
    ----------
    model : keras.Model
        A flat functional model, e.g. ``efficientnet_lite0(include_top=False, pooling="avg")``.
    at : str
        Where the upper part starts: a block from :func:`split_points` (``"block6a"``: the lower part ends
        with the output of ``block5c_add``; ``"block7a"``: after ``block6d_add``; ``"top"``: after
        ``block7a_project_bn``), or the name of a layer whose only input is a single tensor (e.g.
        ``"top_conv"``, ``"avg_pool"``).

    Returns
    -------
    lower : keras.Model
        The model's input → the tensor at the cut (e.g. ``(n, 14, 14, 112)`` for ``"block6a"`` at 224 px).
    upper : keras.Model
        That tensor → the model's output. Its input layer is a Keras clone of the cut tensor.

    Raises
    ------
    ParameterError
        For a model that is not a one-input, one-output functional model, an unknown name, or a layer where
        more than one tensor crosses the cut; the message lists the valid blocks.

    References
    ----------
    Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014). How transferable are features in deep neural
    networks? *NeurIPS* 27.
    """
    _check_functional(model)
    position = _start_position(model, at)
    cut = _as_list(model.layers[position].input)
    if len(cut) != 1:  # pragma: no cover - excluded by _valid_starts
        raise ParameterError(f"The layer {model.layers[position].name!r} takes {len(cut)} inputs; cut elsewhere.")
    tensor = cut[0]
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", str(at).strip())
    lower = keras.Model(model.inputs[0], tensor, name=f"{model.name}_lower_{label}")
    upper = keras.Model(tensor, model.outputs[0], name=f"{model.name}_upper_{label}")
    return lower, upper


# --------------------------------------------------------------------------------------------------------------
# Activations of the frozen part


@functools.lru_cache(maxsize=1)
def _pristine_backbone():
    """An ImageNet EfficientNet-Lite0 (pooled features) that is never trained: for activations only."""
    model = efficientnet_lite0(include_top=False, pooling="avg")
    model.trainable = False
    return model


@functools.lru_cache(maxsize=4)
def _pristine_lower(at: str):
    return split_backbone(_pristine_backbone(), at)[0]


def _model_input_size(model) -> int:
    shape = tuple(model.inputs[0].shape)
    if len(shape) != 4 or shape[1] is None or shape[1] != shape[2] or shape[3] != 3:
        raise ParameterError(f"Expected a backbone with square RGB input (n, s, s, 3), got input shape {shape}.")
    return int(shape[1])


def _run_on_images(model, images, *, size: int, batch_size: int, dtype, progress: bool) -> np.ndarray:
    from tqdm.auto import tqdm

    items = image_list(images)
    for i, image in enumerate(items):  # bad images fail before anything is computed
        as_rgb_255(image, i)
    outputs = []
    for start in tqdm(range(0, len(items), batch_size), desc="activations", disable=not progress):
        batch = prepare_images(items[start : start + batch_size], size=size)
        # predict_on_batch runs a traced graph: eager calls on 224-px batches of 32 kept ~3 GB resident.
        outputs.append(np.asarray(model.predict_on_batch(batch), dtype=dtype))
    return np.concatenate(outputs)


def _check_dtype(dtype) -> np.dtype:
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    if result not in (np.dtype("float16"), np.dtype("float32")):
        raise ParameterError(f"dtype must be 'float16' or 'float32', got {dtype!r}.")
    return result


def backbone_activations(
    images,
    *,
    at: str | None = DEFAULT_UNFREEZE_FROM,
    backbone=None,
    batch_size: int = 32,
    dtype="float32",
    progress: bool = False,
) -> np.ndarray:
    """What the frozen part of the backbone gives for each image: the input that fine-tuning trains on.

    Compute this once per image collection and pass it to :func:`fine_tune` (several times, with other
    labels, seeds or learning rates): the frozen part never changes, so nothing is lost.

    Parameters
    ----------
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        Images as loaded (uint8, uint16, bool or floats in [0, 1]); resized (short side) and centre-cropped
        to the backbone's input size by :func:`cbrec_lab.backbones.prepare_images`.
    at : str or None
        Where deep fine-tuning will cut (see :func:`split_backbone`): the activations at the cut, e.g.
        ``(n, 14, 14, 112)`` for ``"block6a"``, ``(n, 7, 7, 192)`` for ``"block7a"``, ``(n, 7, 7, 320)`` for
        ``"top"``. None: the pooled 1,280-d features of the whole frozen backbone (shallow mode's input,
        the same as :func:`cbrec_lab.backbones.deep_features`).
    backbone : keras.Model, optional
        The backbone to cut; default an ImageNet EfficientNet-Lite0 kept for this purpose (never trained).
    batch_size : int
        Images per forward pass.
    dtype : {"float32", "float16"}
        Storage type. ``"float16"`` halves the memory (329 images at ``"block6a"``: 14 MB instead of 29 MB)
        at a relative rounding error of about 5·10⁻⁴, far below what fine-tuning notices.
    progress : bool
        Show a progress bar over the batches.

    Returns
    -------
    np.ndarray [shape=(n, ...), dtype=dtype]

    Raises
    ------
    ParameterError
        For bad images, an unknown split point or a bad argument.
    """
    batch_size = positive_int(batch_size, name="batch_size")
    dtype = _check_dtype(dtype)
    if at is not None and not isinstance(at, str):
        raise ParameterError(f"at must be a block or layer name (e.g. 'block6a') or None, got {at!r}.")
    if backbone is None:
        model = _pristine_backbone() if at is None else _pristine_lower(at.strip())
    else:
        model = backbone if at is None else split_backbone(backbone, at)[0]
    size = _model_input_size(model)
    return _run_on_images(model, images, size=size, batch_size=batch_size, dtype=dtype, progress=progress)


# --------------------------------------------------------------------------------------------------------------
# Labels, split and batches


def _label_table(labels, n: int | None) -> dict[str, np.ndarray]:
    if isinstance(labels, pd.DataFrame):
        table = {str(column): labels[column].to_numpy() for column in labels.columns}
    elif isinstance(labels, pd.Series):
        table = {str(labels.name) if labels.name is not None else "label": labels.to_numpy()}
    elif isinstance(labels, dict):
        table = {}
        for name, values in labels.items():
            if not isinstance(name, str) or not name.strip():
                raise ParameterError(f"Label names must be non-empty strings, got {name!r}.")
            table[name] = np.asarray(values.to_numpy() if isinstance(values, pd.Series) else values, dtype=object)
    else:
        raise ParameterError(
            f"labels must be a dict of label name → one value per item (e.g. {{'artist': items['artist']}}), "
            f"a pandas Series or DataFrame; got {type(labels).__name__}."
        )
    if not table:
        raise ParameterError("labels is empty: give at least one label, e.g. {'artist': items['artist']}.")
    for name, values in table.items():
        if values.ndim != 1:
            raise ParameterError(f"Label {name!r} must be one value per item (1-D), got shape {values.shape}.")
        if n is not None and len(values) != n:
            raise ParameterError(
                f"Label {name!r} has {len(values)} values for {n} items: give exactly one label per item, in the "
                "items' order."
            )
        missing = sum(1 for v in values if ((not v.strip()) if isinstance(v, str) else bool(pd.isna(v))))
        if missing:
            raise ParameterError(
                f"Label {name!r} is missing for {missing} of {len(values)} items: drop those items or give them an "
                "explicit class such as 'unknown'."
            )
        if len(pd.unique(values)) < 2:
            raise ParameterError(f"Label {name!r} has a single class ({values[0]!r}): nothing to learn from it.")
    return table


def _output_keys(names) -> dict[str, str]:
    """Label name → a key Keras accepts for an output (letters, digits, ``_ . -``), unique."""
    keys: dict[str, str] = {}
    for name in names:
        key = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "label"
        if not key[0].isalpha():
            key = f"label_{key}"
        base, i = key, 2
        while key in keys.values():
            key, i = f"{base}_{i}", i + 1
        keys[name] = key
    return keys


def _stratified_split(codes: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if fraction == 0:
        return np.arange(len(codes)), np.arange(0)
    rng = np.random.default_rng(seed)
    validation = []
    for code in np.unique(codes):
        members = rng.permutation(np.flatnonzero(codes == code))
        take = min(int(fraction * len(members) + 0.5), len(members) - 1)
        validation.extend(members[:take].tolist())
    validation = np.sort(np.asarray(validation, dtype=np.int64))
    train = np.setdiff1d(np.arange(len(codes)), validation)
    return train, validation


class _Batches(keras.utils.PyDataset):
    """Batches of (inputs, {output key: class codes}), reshuffled every epoch by ``default_rng([seed, epoch])``."""

    def __init__(self, x, targets: dict, index: np.ndarray, *, batch_size: int, shuffle: bool, seed: int):
        super().__init__()
        self.x, self.targets, self.index = x, targets, index
        self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
        self.epoch = 0
        self._arrange()

    def _arrange(self) -> None:
        rng = np.random.default_rng([self.seed, self.epoch])
        self.order = self.index[rng.permutation(len(self.index))] if self.shuffle else self.index

    def __len__(self) -> int:
        return math.ceil(len(self.index) / self.batch_size)

    def __getitem__(self, i: int):
        chosen = np.sort(self.order[i * self.batch_size : (i + 1) * self.batch_size])
        x = np.asarray(self.x[chosen], dtype=np.float32)
        return x, {key: values[chosen] for key, values in self.targets.items()}

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._arrange()


def _predict_arrays(model, x: np.ndarray, batch_size: int):
    """Outputs of ``model`` on ``x`` in batches (a dict of arrays for a dict-output model)."""
    parts = []
    for start in range(0, len(x), batch_size):
        out = model(np.asarray(x[start : start + batch_size], dtype=np.float32), training=False)
        if isinstance(out, dict):
            parts.append({k: keras.ops.convert_to_numpy(v) for k, v in out.items()})
        else:
            parts.append(keras.ops.convert_to_numpy(out))
    if isinstance(parts[0], dict):
        return {k: np.concatenate([p[k] for p in parts]).astype(np.float32) for k in parts[0]}
    return np.concatenate(parts).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------
# The result


@dataclass
class FineTuned:
    """A backbone fine-tuned on item labels, and the embeddings it gives.

    Attributes
    ----------
    mode : {"shallow", "deep"}
    unfreeze_from : str or None
        Where the backbone was cut (deep mode); None in shallow mode.
    classes : dict of str to np.ndarray
        For each label (head), its classes in the order of the head's outputs.
    frozen : keras.Model
        Images (0–255 RGB at the input size) → what the trainable part takes: the lower part's activations
        (deep) or the pooled features (shallow). Never trained.
    embedder : keras.Model
        That input → the embedding (the layer before the heads, without dropout).
    embedding_model : keras.Model
        Images → embedding: ``embedder(frozen(images))`` in one model.
    model : keras.Model
        The trained network: ``frozen``'s output → a dict of class probabilities, one entry per output key.
    output_keys : dict of str to str
        Label name → the key of its head's output (the label name with characters Keras refuses replaced by
        ``_``); the history's columns use these keys (``artist_accuracy``, ``val_medium_loss``).
    history : pandas.DataFrame
        One row per epoch, from :func:`cbrec_lab.train.fit` (``loss`` is the sum of the heads' losses).
    train_accuracy, validation_accuracy : dict of str to float
        Accuracy of each head after training, with dropout off, on the training and the validation items
        (NaN for validation when ``validation_fraction=0``).
    train_index, validation_index : np.ndarray
        Positions of the items used for training and for validation.
    """

    mode: str
    unfreeze_from: str | None
    classes: dict[str, np.ndarray]
    frozen: object
    embedder: object
    embedding_model: object
    model: object
    output_keys: dict[str, str]
    history: pd.DataFrame
    train_accuracy: dict[str, float]
    validation_accuracy: dict[str, float]
    train_index: np.ndarray
    validation_index: np.ndarray
    input_size: int = field(default=224)

    @property
    def embedding_dim(self) -> int:
        """Length of the embedding vectors."""
        return int(self.embedder.outputs[0].shape[-1])

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one item's input to the trainable part, e.g. ``(14, 14, 112)`` or ``(1280,)``."""
        return tuple(int(d) for d in self.embedder.inputs[0].shape[1:])

    def activations(self, images, *, batch_size: int = 32, dtype="float32", progress: bool = False) -> np.ndarray:
        """The frozen part's output for images: what :meth:`embed_activations` and :meth:`predict_labels` take."""
        return _run_on_images(
            self.frozen,
            images,
            size=self.input_size,
            batch_size=positive_int(batch_size, name="batch_size"),
            dtype=_check_dtype(dtype),
            progress=progress,
        )

    def _check_inputs(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim < 2 or tuple(x.shape[1:]) != self.input_shape:
            raise ParameterError(
                f"Expected inputs of shape (n, {', '.join(map(str, self.input_shape))}) — the {self.mode} model's "
                f"input — got {x.shape}. Compute them with .activations(images), or call .embed(images)."
            )
        return x

    def embed(self, images, *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Embeddings of images (any sizes; resized and centre-cropped), shape ``(n, embedding_dim)``."""
        return self.embed_activations(self.activations(images, batch_size=batch_size, progress=progress))

    def embed_activations(self, x, *, batch_size: int = 128) -> np.ndarray:
        """Embeddings from the frozen part's outputs (cached activations or pooled features)."""
        return _predict_arrays(self.embedder, self._check_inputs(x), positive_int(batch_size, name="batch_size"))

    def predict_labels(self, x, *, batch_size: int = 128) -> pd.DataFrame:
        """The most probable class of each head for the frozen part's outputs; one column per label."""
        probabilities = _predict_arrays(self.model, self._check_inputs(x), positive_int(batch_size, name="batch_size"))
        return pd.DataFrame(
            {name: self.classes[name][probabilities[key].argmax(axis=1)] for name, key in self.output_keys.items()}
        )


# --------------------------------------------------------------------------------------------------------------
# fine_tune


def _pooled_backbone(backbone, mode: str):
    if backbone is None:
        # Shallow mode never trains the backbone: the shared, never-trained copy serves (no rebuild per call).
        return _pristine_backbone() if mode == "shallow" else efficientnet_lite0(include_top=False, pooling="avg")
    _check_functional(backbone)
    if len(backbone.outputs[0].shape) != 2:
        raise ParameterError(
            f"The backbone must output pooled features (n, d), got {tuple(backbone.outputs[0].shape)}: build it "
            "with include_top=False and pooling='avg'."
        )
    return backbone


def _looks_like_images(x, expected: tuple[int, ...]) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim == 4 and tuple(x.shape[1:]) != expected and x.shape[-1] in (1, 3, 4)
    return isinstance(x, (list, tuple))


def fine_tune(
    inputs,
    labels,
    *,
    mode: str = "shallow",
    unfreeze_from: str | None = None,
    hidden_units: int | None = None,
    dropout: float = 0.2,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float | None = None,
    validation_fraction: float = 0.2,
    patience: int | None = None,
    seed: int = 0,
    backbone=None,
    progress: int = 0,
) -> FineTuned:
    """Fine-tune an ImageNet backbone to predict item labels; return its new embeddings (del Rio et al. 2018).

    One softmax head per label (e.g. artist and medium), the cross-entropies summed with equal weights,
    trained with Adam through :func:`cbrec_lab.train.fit`. ``mode="shallow"`` trains a new dense layer and
    the heads on the frozen backbone's pooled features; ``mode="deep"`` also re-trains the backbone from
    ``unfreeze_from`` on, on cached activations of the frozen lower part, with the batch-normalisation
    layers kept in inference mode (see the module's notes). The embedding of an item is the output of the
    layer before the heads; use it as an item's content vector in a recommender.

    Parameters
    ----------
    inputs : images, or np.ndarray
        Either the images (a list of arrays of any sizes, or an ``(n, h, w, 3)`` batch, loaded as in
        :mod:`cbrec_lab.vision`), whose frozen part is then computed here, or what the frozen part gives,
        computed once beforehand with :func:`backbone_activations`: the pooled ``(n, 1280)`` features for
        ``mode="shallow"`` (``at=None``, or :func:`cbrec_lab.backbones.deep_features`), the activations at the
        cut for ``mode="deep"`` (same ``at`` as ``unfreeze_from``). Cached inputs must come from the same
        backbone weights (the default EfficientNet-Lite0 for ``backbone=None``).
    labels : dict of str to array-like, or pandas.Series or DataFrame
        One or more labels, each one value per item in the order of ``inputs`` (strings or numbers), e.g.
        ``{"artist": kit.items["artist"], "medium": kit.items["medium"]}``. No missing values; at least two
        classes per label.
    mode : {"shallow", "deep"}
    unfreeze_from : str, optional
        Deep mode only: the first block that is trained (:func:`split_points`), default ``"block6a"``.
        ``"block7a"`` or ``"top"`` train less of the network.
    hidden_units : int, optional
        A dense ReLU layer between the pooled features and the heads, whose output is the embedding.
        Default: 1,280 units in shallow mode (it is the only thing that makes the embedding change there, so
        it may not be 0), none in deep mode (the embedding is then the fine-tuned pooled 1,280-d output).
    dropout : float
        Dropout rate before the heads (in [0, 1)); the embedding is taken before it.
    epochs : int
    batch_size : int
    learning_rate : float, optional
        Adam's learning rate; default 1e-3 for shallow (new layers only), 1e-4 for deep (small steps keep the
        pretrained weights close to what they were).
    validation_fraction : float
        Share of the items held out (stratified by the first label) for ``val_*`` columns and
        ``validation_accuracy``; 0 trains on every item.
    patience : int, optional
        Early stopping on ``val_loss`` with the best weights restored (needs a validation share).
    seed : int
        Seeds the split, Keras's generators (new layers' initial weights, dropout) and the batch order.
    backbone : keras.Model, optional
        The backbone to fine-tune: a flat functional model with pooled output, e.g.
        ``efficientnet_lite0(include_top=False, pooling="avg")``. Deep mode trains its upper layers in place
        and sets its lower layers (and the upper batch-norm layers) to ``trainable = False``; shallow mode sets
        all of it to ``trainable = False``. Default: a fresh ImageNet EfficientNet-Lite0 in deep mode, and in
        shallow mode a shared copy that is never trained.
    progress : int
        Print a line every ``progress`` epochs (and a progress bar while computing activations); 0: silent.

    Returns
    -------
    FineTuned
        The embedding models, the history, each head's training and validation accuracy, and ``embed`` /
        ``embed_activations`` for the items' embeddings.

    Raises
    ------
    ParameterError
        For a mode typo, an unknown or invalid split point, labels of the wrong length or with missing
        values, inputs of the wrong shape, or a bad number.

    Examples
    --------
    >>> kit = load_art_kit("ci", progress=False)                                     # doctest: +SKIP
    >>> images = [load_image(kit.root / p) for p in kit.items["image_path"]]        # doctest: +SKIP
    >>> acts = backbone_activations(images, at="block6a")                           # doctest: +SKIP
    >>> tuned = fine_tune(acts, {"artist": kit.items["artist"], "medium": kit.items["medium"]},
    ...                   mode="deep", unfreeze_from="block6a", epochs=10)          # doctest: +SKIP
    >>> item_vectors = tuned.embed_activations(acts)                                # doctest: +SKIP

    References
    ----------
    del Rio, F., Messina, P., Dominguez, V., & Parra, D. (2018). Do better ImageNet models transfer better...
    for image recommendation? arXiv:1807.09870. Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014).
    How transferable are features in deep neural networks? *NeurIPS* 27.
    """
    hidden, learning_rate = _check_settings(
        mode,
        unfreeze_from,
        epochs,
        batch_size,
        hidden_units,
        dropout,
        learning_rate,
        validation_fraction,
        patience,
        seed,
    )
    n_inputs = _count_inputs(inputs)
    table = _label_table(labels, n_inputs)
    keras.utils.set_random_seed(int(seed))
    frozen, upper, unfreeze_from, size = _cut_backbone(backbone, mode, unfreeze_from)
    x = _frozen_outputs(frozen, inputs, mode, unfreeze_from, size, int(batch_size), bool(progress))
    keys, classes, targets = _encode_labels(table)
    train_index, validation_index = _validation_split(
        targets[keys[next(iter(table))]], float(validation_fraction), int(seed), n_inputs
    )
    keras.utils.set_random_seed(int(seed))
    embedder, network = _build_network(mode, frozen, upper, hidden, float(dropout), keys, classes)
    image = keras.Input((size, size, 3), name="image")
    embedding_model = keras.Model(image, embedder(frozen(image)), name=f"{mode}_embedding_model")
    history = _train(
        network,
        x,
        targets,
        keys,
        train_index,
        validation_index,
        batch_size=int(batch_size),
        epochs=int(epochs),
        learning_rate=float(learning_rate),
        patience=patience,
        seed=int(seed),
        progress=int(progress),
    )
    return FineTuned(
        mode=mode,
        unfreeze_from=unfreeze_from,
        classes=classes,
        frozen=frozen,
        embedder=embedder,
        embedding_model=embedding_model,
        model=network,
        output_keys=keys,
        history=history,
        train_accuracy=_head_accuracy(network, x, targets, keys, train_index),
        validation_accuracy=_head_accuracy(network, x, targets, keys, validation_index),
        train_index=train_index,
        validation_index=validation_index,
        input_size=size,
    )


# --------------------------------------------------------------------------------------------------------------
# The steps of fine_tune


def _check_settings(
    mode, unfreeze_from, epochs, batch_size, hidden_units, dropout, learning_rate, validation_fraction, patience, seed
) -> tuple[int, float]:
    """Check :func:`fine_tune`'s settings (before any work) and resolve the two mode-dependent defaults.

    Returns
    -------
    (hidden, learning_rate) : int, float
        Units of the dense embedding layer (0: none; 1,280 in shallow mode, none in deep mode by default) and
        Adam's learning rate (1e-3 shallow, 1e-4 deep by default).
    """
    if mode not in MODES:
        raise ParameterError(f"mode must be 'shallow' or 'deep', got {mode!r}.")
    if mode == "shallow" and unfreeze_from is not None:
        raise ParameterError(
            f"unfreeze_from={unfreeze_from!r} is for mode='deep'; shallow fine-tuning keeps the whole backbone "
            "frozen. Drop unfreeze_from or pass mode='deep'."
        )
    positive_int(epochs, name="epochs")
    positive_int(batch_size, name="batch_size")
    positive_int(hidden_units, name="hidden_units", minimum=0, allow_none=True)
    if mode == "shallow" and hidden_units == 0:
        raise ParameterError(
            "hidden_units=0 in shallow mode would leave the embedding equal to the frozen ImageNet features; give "
            "a number of units (default 1,280) or use mode='deep'."
        )
    hidden = int(hidden_units) if hidden_units is not None else (1280 if mode == "shallow" else 0)
    fraction(dropout, name="dropout", include_zero=True)
    if learning_rate is None:
        learning_rate = 1e-3 if mode == "shallow" else 1e-4
    if not isinstance(learning_rate, (int, float)) or not learning_rate > 0 or not math.isfinite(learning_rate):
        raise ParameterError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    fraction(validation_fraction, name="validation_fraction", include_zero=True)
    if patience is not None and validation_fraction == 0:
        raise ParameterError("patience (early stopping on val_loss) needs validation_fraction > 0.")
    positive_int(seed, name="seed", minimum=0)
    return hidden, learning_rate


def _count_inputs(inputs) -> int:
    """The number of items in ``inputs`` (a list of images or an array), at least one."""
    if not isinstance(inputs, (list, tuple, np.ndarray)):
        raise ParameterError(
            f"inputs must be a list of images or a numpy array (images, features or activations), got "
            f"{type(inputs).__name__}."
        )
    if len(inputs) == 0:
        raise ParameterError("inputs is empty: give at least two items.")
    return len(inputs)


def _cut_backbone(backbone, mode: str, unfreeze_from: str | None):
    """The frozen part and the part to train: ``(frozen, upper, unfreeze_from, input size)``.

    Deep mode cuts the pooled backbone at ``unfreeze_from`` (default :data:`DEFAULT_UNFREEZE_FROM`, returned
    stripped); shallow mode freezes all of it and has no upper part (``upper`` and ``unfreeze_from`` None).
    """
    model = _pooled_backbone(backbone, mode)
    size = _model_input_size(model)
    if mode == "deep":
        unfreeze_from = DEFAULT_UNFREEZE_FROM if unfreeze_from is None else unfreeze_from
        frozen, upper = split_backbone(model, unfreeze_from)
        unfreeze_from = unfreeze_from.strip()
    else:
        frozen, upper = model, None
    frozen.trainable = False
    return frozen, upper, unfreeze_from, size


def _frozen_outputs(frozen, inputs, mode: str, unfreeze_from, size: int, batch_size: int, progress: bool):
    """What the trainable part trains on: the frozen part run on images, or cached features/activations checked."""
    expected = tuple(int(d) for d in frozen.outputs[0].shape[1:])
    if _looks_like_images(inputs, expected):
        x = _run_on_images(frozen, inputs, size=size, batch_size=batch_size, dtype=np.float32, progress=progress)
    else:
        x = np.asarray(inputs)
        if tuple(x.shape[1:]) != expected or not np.issubdtype(x.dtype, np.floating):
            what = "pooled features" if mode == "shallow" else f"activations at {unfreeze_from!r}"
            at = "at=None" if mode == "shallow" else f"at={unfreeze_from!r}"
            raise ParameterError(
                f"inputs of shape {x.shape} ({x.dtype}) are neither images nor the {what}, which have shape "
                f"(n, {', '.join(map(str, expected))}); compute them with backbone_activations(images, {at}) or "
                "pass the images."
            )
    if not np.all(np.isfinite(x)):
        raise ParameterError("inputs contain NaN or infinite values.")
    return x


def _encode_labels(table: dict[str, np.ndarray]) -> tuple[dict[str, str], dict[str, np.ndarray], dict]:
    """``(keys, classes, targets)``: each label's output key, its classes in sorted order, and its class codes."""
    keys = _output_keys(table)
    classes, targets = {}, {}
    for name, values in table.items():
        codes, uniques = pd.factorize(pd.Series(values), sort=True)
        classes[name] = np.asarray(uniques)
        targets[keys[name]] = codes.astype(np.int64)
    return keys, classes, targets


def _validation_split(first: np.ndarray, validation_fraction: float, seed: int, n_items: int):
    """Training and validation positions, stratified by the codes of the first label; an empty validation share
    that was asked for is an error."""
    train_index, validation_index = _stratified_split(first, validation_fraction, seed)
    if validation_fraction > 0 and len(validation_index) == 0:
        raise ParameterError(
            f"validation_fraction={validation_fraction!r} leaves no item for validation with {n_items} items "
            "(every class of the first label is too small); use validation_fraction=0 or more items."
        )
    return train_index, validation_index


def _build_network(mode: str, frozen, upper, hidden: int, dropout: float, keys: dict, classes: dict):
    """``(embedder, network)``: the trainable part (BatchNorm frozen) and optional dense layer, then the heads.

    ``embedder`` maps the frozen part's output to the embedding; ``network`` adds dropout and one softmax head
    per label (a dict of outputs by key).
    """
    expected = tuple(int(d) for d in frozen.outputs[0].shape[1:])
    inp = keras.Input(expected, name="activations" if mode == "deep" else "features")
    if upper is not None:
        upper.trainable = True
        for layer in upper.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False  # frozen statistics and γ, β; inference-mode normalisation
        h = upper(inp)
    else:
        h = inp
    if hidden:
        h = keras.layers.Dense(hidden, activation="relu", name="embedding")(h)
    embedder = keras.Model(inp, h, name=f"{mode}_embedder")
    z = keras.layers.Dropout(dropout, name="head_dropout")(h) if dropout else h
    outputs = {
        key: keras.layers.Dense(len(classes[name]), activation="softmax", dtype="float32", name=f"head_{key}")(z)
        for name, key in keys.items()
    }
    return embedder, keras.Model(inp, outputs, name=f"{mode}_fine_tuned")


def _train(
    network,
    x,
    targets,
    keys,
    train_index,
    validation_index,
    *,
    batch_size,
    epochs,
    learning_rate,
    patience,
    seed,
    progress,
):
    """Train ``network`` with Adam and the summed cross-entropies through :func:`cbrec_lab.train.fit`."""
    from .train import fit

    train = _Batches(x, targets, train_index, batch_size=batch_size, shuffle=True, seed=seed)
    validation = (
        _Batches(x, targets, validation_index, batch_size=batch_size, shuffle=False, seed=seed)
        if len(validation_index)
        else None
    )
    return fit(
        network,
        train,
        loss={key: "sparse_categorical_crossentropy" for key in keys.values()},
        metrics={key: ["accuracy"] for key in keys.values()},
        epochs=epochs,
        validation=validation,
        optimizer=keras.optimizers.Adam(learning_rate),
        patience=patience,
        seed=seed,
        progress=progress,
    )


def _head_accuracy(network, x, targets, keys, index: np.ndarray) -> dict[str, float]:
    """Each head's accuracy on the items at ``index``, dropout off (NaN for every head when there are none)."""
    if len(index) == 0:
        return {name: float("nan") for name in keys}
    probabilities = _predict_arrays(network, x[index], 128)
    return {
        name: float(np.mean(probabilities[key].argmax(axis=1) == targets[key][index])) for name, key in keys.items()
    }
