"""The one writer for commands that write files: all of them, or none.

Every command that writes files (``estimate --out`` today; diff, sensitivity and report later)
goes through :func:`staged_output`::

    with staged_output(out_dir) as stage:
        stage.write_text("estimate.json", text)
        fig.savefig(stage.path("plot.png"))
    print(stage.summary())          # exactly what was written

It works in five steps:

1. on entry, check the target folder: it must be a folder or not exist yet, and its nearest
   existing ancestor must be a folder (else ``NotADirectoryError`` naming the path), and create a
   private staging folder beside it, on the same filesystem (``PermissionError`` naming the
   folder if it cannot);
2. the caller writes every file into the staging folder;
3. on a clean exit, check every target first: a folder (or anything but a regular file) where a
   file will go is refused with ``IsADirectoryError`` naming it, before anything moves;
4. move the files in one by one (``os.replace``: atomic per file); a file it replaces is kept
   aside until the end, and if a move fails every file moved so far is removed, the replaced
   ones are put back and the folders it created are removed;
5. remove the staging folder on every exit it can catch: an exception, ``KeyboardInterrupt``,
   and ``SIGTERM`` (turned into ``SystemExit`` while the block runs in the main thread). A
   staging folder is named after its process (``.aurora-output-PID-*``); one left by a process
   that no longer runs (``SIGKILL``) is removed by the next writer in the same place.

``stage.written`` lists exactly the paths written (empty when nothing was).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .exceptions import ParameterValueError

__all__ = ["Stage", "check_out_dir", "staged_output"]

_PREFIX = ".aurora-output-"


class Stage:
    """The staging folder of one :func:`staged_output` block."""

    def __init__(self, out_dir: Path, tmp: Path) -> None:
        self.out_dir = out_dir
        self.tmp = tmp
        self.written: list[Path] = []
        self._names: list[str] = []

    def path(self, name: str) -> Path:
        """Where to write ``name`` (a plain file name, no folders) inside the staging folder."""
        if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
            raise ParameterValueError(f"`name` must be a plain file name, got {name!r}")
        if name not in self._names:
            self._names.append(name)
        return self.tmp / name

    def write_text(self, name: str, text: str) -> Path:
        """Stage ``text`` (UTF-8) as ``name``."""
        p = self.path(name)
        p.write_text(text, encoding="utf-8")
        return p

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Stage ``data`` as ``name``."""
        p = self.path(name)
        p.write_bytes(data)
        return p

    def summary(self) -> str:
        """One line: how many files were written, where, and their names."""
        names = ", ".join(p.name for p in self.written)
        return f"wrote {len(self.written)} file(s) to {self.out_dir}: {names}"


def _nearest_existing(path: Path) -> Path:
    """The nearest ancestor of ``path`` (or ``path`` itself) that exists; refuse a file on the way."""
    p = path
    while not p.exists() and not p.is_symlink():
        if p.parent == p:
            break
        p = p.parent
    if p != path and not p.is_dir():
        raise NotADirectoryError(20, "not a directory (cannot create a folder inside it)", str(p))
    return p


def check_out_dir(out: Path) -> Path:
    """Refuse an output folder that cannot be one; return the folder to stage beside it in.

    Commands call it before their work, so a bad ``--out`` fails in a second, not after it.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "exists and is not a directory", str(out))
    anchor = out if out.is_dir() else _nearest_existing(out)
    return anchor if anchor.is_dir() else anchor.parent


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM raises SystemExit (so cleanup runs)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield  # somebody else handles it
        return

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _commit(stage: Stage) -> None:
    out, tmp = stage.out_dir, stage.tmp
    names = [n for n in stage._names if (tmp / n).is_file()]
    # 1. Check every target before moving anything.
    check_out_dir(out)
    for name in names:
        target = out / name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            kind = "a directory" if target.is_dir() else "not a regular file"
            raise IsADirectoryError(21, f"is {kind}; refusing to write a file over it",
                                    str(target))
    # 2. Create the folder (remember what we created, to undo it).
    created: list[Path] = []
    p = out
    while not p.exists():
        created.append(p)
        p = p.parent
    for d in reversed(created):
        d.mkdir()
    # 3. Move in one by one; keep replaced files aside until every move succeeded.
    backup = tmp / ".replaced"
    backup.mkdir()
    moved: list[Path] = []
    replaced: list[str] = []
    try:
        for name in names:
            target = out / name
            if target.exists():
                os.replace(target, backup / name)
                replaced.append(name)
            os.replace(tmp / name, target)
            moved.append(target)
    except BaseException:
        for target in moved:
            with contextlib.suppress(OSError):
                target.unlink()
        for name in replaced:
            with contextlib.suppress(OSError):
                os.replace(backup / name, out / name)
        for d in created:
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    stage.written = moved


def _remove_stale(folder: Path) -> None:
    """Remove staging folders left by a process that no longer runs (killed with SIGKILL)."""
    try:
        entries = list(folder.glob(f"{_PREFIX}*-*"))
    except OSError:
        return
    for d in entries:
        pid = d.name[len(_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or not d.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (PermissionError, OverflowError, OSError):
            pass  # alive under another user, or not a pid at all: leave it


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike) -> Iterator[Stage]:
    """Stage files in a private folder, then move them all into ``out_dir`` (see the module notes).

    Raises
    ------
    NotADirectoryError
        ``out_dir`` (or one of its ancestors) exists and is not a folder.
    IsADirectoryError
        A file would replace a folder (or anything but a regular file) in ``out_dir``.
    PermissionError
        The staging folder cannot be created beside ``out_dir``, or a move is refused.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_output(root / "out") as stage:
    ...     _ = stage.write_text("a.txt", "hello")
    >>> [p.name for p in stage.written], sorted(p.name for p in root.iterdir())
    (['a.txt'], ['out'])
    """
    out = Path(out_dir)
    anchor = check_out_dir(out)
    _remove_stale(anchor)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=anchor))
    except PermissionError as exc:
        raise PermissionError(exc.errno, "cannot write there (permission denied)",
                              str(anchor)) from None
    stage = Stage(out, tmp)
    try:
        with _sigterm_as_exit():
            yield stage
            _commit(stage)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
