"""The one writer for commands that write files: a whole folder at once, or nothing.

Every command that writes a folder (``estimate --out``, ``sensitivity --out``, ``report --out``)
goes through :func:`staged_output`::

    with staged_output(out_dir) as stage:
        stage.write_text("estimate.json", text)
        fig.savefig(stage.path("plot.png"))
    print(stage.summary())          # exactly what was written

The mechanism: a versioned folder behind a symlink
--------------------------------------------------
``rename(2)`` cannot replace a non-empty folder, so the target ``out`` is a *symlink* to a
versioned folder beside it, ``out -> .out.v3``; a new result is committed by replacing that
symlink with one ``os.replace`` (atomic on POSIX). A reader of ``out/`` sees either the previous
complete version or the new complete one, never a mix, whenever the writer is killed.

1. on entry, check the target: a managed symlink, an empty folder, or nothing yet; its nearest
   existing ancestor must be a folder (else ``NotADirectoryError`` naming the path). A non-empty
   folder that is not managed (written by hand, or by aurora-models before 0.9) is refused with a
   one-line ``FileExistsError`` naming it: move it away or remove it (or pick another ``--out``);
   it is never migrated or overwritten. A private staging folder is made beside the target
   (same filesystem; ``PermissionError`` naming the folder if it cannot be);
2. the caller writes every file into the staging folder (this may take minutes; no lock is held);
3. on a clean exit (step ``"staged"``), the commit, under an exclusive lock (``fcntl.flock`` on ``.out.lock`` beside
   the target, left in place), in these steps, each named for :data:`_HOOK`:

   - ``"locked"``: the lock is held; every target is checked (a folder where a file goes is
     refused with ``IsADirectoryError`` naming it, before anything moves);
   - ``"carried"``: files in the current version that no aurora-models command wrote (they are
     not in its manifest ``.out.vN.files.json`` beside it: a user's notes) are carried over into the
     new version (hard links, else copies), unless this command writes a file of that name;
     files the *previous command* wrote and this one did not are **not** carried over (a folder
     holds one command's result, never a mix of two runs);
   - ``"renamed"``: the staging folder is renamed to the next version, ``.out.vN``;
   - ``"swapped"``: a new symlink to it replaces ``out`` (the one atomic step);
   - ``"cleaned"``: the previous version, and any version or link a killed writer left, are
     removed; the lock is released.

   A writer killed before ``"swapped"`` leaves ``out`` on the previous version; one killed after
   leaves the new one; the leftovers are removed by the next commit there. Two concurrent writers
   commit one after the other: the folder ends as the complete result of the later one.
4. the staging folder is removed on every exit it can catch: an exception, ``KeyboardInterrupt``,
   and ``SIGTERM`` (turned into ``SystemExit`` while the block runs in the main thread). A
   staging folder is named after its process (``.aurora-output-PID-*``); one left by a process
   that no longer runs (``SIGKILL``) is removed by the next writer in the same place.

``stage.written`` lists exactly the paths written (empty when nothing was). A single file (the
``scenario init`` template) is written with :func:`write_file_atomic` instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .exceptions import ParameterValueError

__all__ = ["Stage", "check_out_dir", "staged_output", "write_file_atomic"]

_PREFIX = ".aurora-output-"
_MANIFEST_SUFFIX = ".files.json"

#: Called with the name of each commit step once it is done (tests pause or kill a writer there).
_HOOK: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _HOOK is not None:
        _HOOK(name)


class Stage:
    """The staging folder of one :func:`staged_output` block."""

    def __init__(self, out_dir: Path, tmp: Path) -> None:
        self.out_dir = out_dir
        self.tmp = tmp
        self.written: list[Path] = []
        self._names: list[str] = []

    def path(self, name: str) -> Path:
        """Where to write ``name`` (a plain file name, no folders) inside the staging folder."""
        if (not isinstance(name, str) or not name or Path(name).name != name
                or name in (".", "..")):
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


def _version_re(out: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(out.name)}\.v(\d+)$")


def _current_version(out: Path) -> Path | None:
    """The version folder ``out`` points to (None: no result yet); refuse what is not managed."""
    if out.is_symlink():
        target = os.readlink(out)
        if not _version_re(out).match(target):
            raise FileExistsError(errno.EEXIST, "is a symlink not managed by aurora-models; "
                                  "remove it or pick another output folder", str(out))
        return out.parent / target
    if out.is_dir():
        if any(out.iterdir()):
            raise FileExistsError(
                errno.EEXIST, "is a folder not managed by aurora-models (an output folder is a "
                "symlink to a versioned folder, written at once); move it away or remove it, or "
                "pick another output folder", str(out))
        return None  # an empty folder: replaced by the first version
    if out.exists():
        raise NotADirectoryError(20, "exists and is not a directory", str(out))
    return None


def check_out_dir(out: Path) -> Path:
    """Refuse an output folder that cannot be one; return the folder to stage beside it in.

    Commands call it before their work, so a bad ``--out`` fails in a second, not after it.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "exists and is not a directory", str(out))
    _current_version(out)
    if out.is_symlink() or out.is_dir():
        return out.parent if out.parent.is_dir() else _nearest_existing(out.parent)
    anchor = _nearest_existing(out)
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


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``.NAME.lock`` beside ``out`` (the file is left in place)."""
    fd = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _manifest_path(version: Path) -> Path:
    """The list of the files a command wrote into ``version``, kept beside it."""
    return version.with_name(version.name + _MANIFEST_SUFFIX)


def _manifest(version: Path | None) -> set[str]:
    if version is None:
        return set()
    try:
        return set(json.loads(_manifest_path(version).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _carry(src: Path, dst: Path) -> None:
    """Hard-link (else copy) ``src`` to ``dst``; folders recursively."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(src, dst)


def _link_or_copy(src, dst) -> None:
    if Path(src).is_symlink():
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _commit(stage: Stage) -> None:
    out, tmp = stage.out_dir, stage.tmp
    names = [n for n in stage._names if (tmp / n).is_file()]
    check_out_dir(out)
    created: list[Path] = []
    p = out.parent
    while not p.exists():
        created.append(p)
        p = p.parent
    for d in reversed(created):
        d.mkdir()
    try:
        _step("staged")
        with _locked(out):
            _commit_locked(stage, names)
    except BaseException:
        if created:  # the folder is ours: remove what this commit put there, then the folders
            with contextlib.suppress(OSError):
                for f in out.parent.glob(f".{out.name}.*"):
                    if f.is_dir() and not f.is_symlink():
                        shutil.rmtree(f, ignore_errors=True)
                    else:
                        f.unlink()
            for d in created:
                with contextlib.suppress(OSError):
                    d.rmdir()
        raise


def _commit_locked(stage: Stage, names: list[str]) -> None:
    out, tmp = stage.out_dir, stage.tmp
    old = _current_version(out)  # read again under the lock: another writer may have committed
    was_empty_dir = old is None and out.is_dir() and not out.is_symlink()
    # "locked": check every target before moving anything.
    for name in names:
        if old is not None and (old / name).exists() and not (old / name).is_file():
            raise IsADirectoryError(21, "is a directory; refusing to write a file over it",
                                    str(out / name))
    _step("locked")
    pattern = _version_re(out)
    numbers = [int(m.group(1)) for e in out.parent.iterdir() if (m := pattern.match(e.name))]
    version = out.parent / f".{out.name}.v{max(numbers, default=0) + 1}"
    # "carried": a user's files (not in the previous manifest) move on to the new version.
    if old is not None and old.is_dir():
        produced = _manifest(old)
        for entry in old.iterdir():
            if entry.name in produced or entry.name in names:
                continue
            _carry(entry, tmp / entry.name)
    _manifest_path(version).write_text(json.dumps({"files": names}) + "\n", encoding="utf-8")
    _step("carried")
    # "renamed": the staging folder becomes the next version.
    os.rename(tmp, version)
    tmp.mkdir()  # so the caller's clean-up finds what it expects
    _step("renamed")
    # "swapped": one atomic replace of the symlink.
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(version.name, link)
    try:
        if was_empty_dir:
            out.rmdir()
        os.replace(link, out)
    except BaseException:
        with contextlib.suppress(OSError):
            link.unlink()
        with contextlib.suppress(OSError):
            _manifest_path(version).unlink()
        shutil.rmtree(version, ignore_errors=True)
        raise
    stage.written = [out / n for n in names]
    _step("swapped")
    # "cleaned": the previous version, and what killed writers left (we hold the lock).
    for entry in out.parent.iterdir():
        if entry in (version, _manifest_path(version)):
            continue
        if pattern.match(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif (entry.name.endswith(_MANIFEST_SUFFIX) and entry.is_file()
              and pattern.match(entry.name[:-len(_MANIFEST_SUFFIX)])):
            with contextlib.suppress(OSError):
                entry.unlink()
        elif entry.name.startswith(f".{out.name}.link-") and entry.is_symlink():
            with contextlib.suppress(OSError):
                entry.unlink()
    _step("cleaned")


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
    """Stage files in a private folder, then commit them as one new version of ``out_dir``.

    ``out_dir`` becomes a symlink to a versioned folder beside it (``out -> .out.v1``), replaced
    in one atomic step under a lock; see the module notes for the steps, the files carried over
    and what a kill at each step leaves.

    Raises
    ------
    NotADirectoryError
        ``out_dir`` (or one of its ancestors) exists and is not a folder.
    FileExistsError
        ``out_dir`` is a non-empty folder (or a symlink) not managed by this writer.
    IsADirectoryError
        A file would replace a folder in ``out_dir``.
    PermissionError
        The staging folder cannot be created beside ``out_dir``, or a move is refused.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_output(root / "out") as stage:
    ...     _ = stage.write_text("a.txt", "hello")
    >>> [p.name for p in stage.written], (root / "out" / "a.txt").read_text()
    (['a.txt'], 'hello')
    >>> sorted(p.name for p in root.iterdir()), (root / "out").readlink().name
    (['.out.lock', '.out.v1', '.out.v1.files.json', 'out'], '.out.v1')
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


def write_file_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write one file atomically: a temporary file beside it, then one ``os.replace``.

    Raises ``IsADirectoryError`` when ``path`` is a folder and ``NotADirectoryError`` when its
    folder cannot be one; the folder is created if needed.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory; give the path of a file", str(path))
    _nearest_existing(path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
