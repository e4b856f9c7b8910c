"""Shared kit-building machinery: the worker pool must be safe to start from a multi-threaded process."""

import threading

from cbrec_lab.datasets.kit_files import worker_pool

# Held by the parent while it submits work: a forked child would inherit it held (and wait forever, as a child
# does when another thread of a kernel or test worker held some library's lock at the fork); a spawned child
# imports this module afresh and finds it free.
HELD_IN_PARENT = threading.Lock()


def _lock_is_free_here() -> bool:
    acquired = HELD_IN_PARENT.acquire(timeout=5)
    if acquired:
        HELD_IN_PARENT.release()
    return acquired


def test_worker_pool_children_do_not_inherit_the_parents_locks():
    with HELD_IN_PARENT:
        with worker_pool(1) as pool:
            assert pool.submit(_lock_is_free_here).result(timeout=120)
