"""Hostile readers for tests/test_runner.py, installed in workers through run.readers.

Each misbehaves as a real bad input did in issue 14: loops forever, allocates without end,
dies in native code."""
from __future__ import annotations

import ctypes
import os
import time


def read_loop(path, source=None, settings=None):
    while True:
        time.sleep(0.05)


def read_bomb(path, source=None, settings=None):
    # grow as a decompression bomb does, touching every page so it is resident
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))


def read_abort(path, source=None, settings=None):
    os.abort()


def read_segv(path, source=None, settings=None):
    ctypes.string_at(0)


def read_shared_bomb(path, source=None, settings=None):
    # shared anonymous memory (as some native libraries map it) is outside RLIMIT_DATA: only
    # the parent's check of the worker's resident size stops it
    import mmap
    hoard = []
    while True:
        m = mmap.mmap(-1, 64 * 2**20)
        for i in range(0, len(m), 4096):
            m[i] = 1
        hoard.append(m)
