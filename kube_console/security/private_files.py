"""Files only the console's user may read (reflex-rules.md, rule 2): the SQLite database (with
its -wal and -shm files), the directories the console creates for it, and Reflex's state store.

New files and directories are created 0600 and 0700 whatever the umask says. A database file
or state store left readable by an older version is tightened when the console starts, with
a line in the log. A directory that merely holds the database and that the console did not
create (a home directory, /srv/...) is the operator's and is left alone: the files in it are
what is protected.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIRECTORY = 0o700
# SQLite keeps recent writes in -wal and the shared index in -shm; it creates them with the
# database file's own mode, but ones left by an older version keep theirs.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _tighten(path: Path, allowed: int) -> None:
    """Take away every permission bit outside `allowed` (group and others), logging it."""
    current = stat.S_IMODE(path.stat().st_mode)
    if not current & ~allowed:
        return
    try:
        path.chmod(current & allowed)
    except OSError as error:
        log.warning(
            "%s is readable by others (mode %o) and can't be changed: %s", path, current, error
        )
        return
    log.warning("%s was readable by others (mode %o); now %o", path, current, current & allowed)


def private_directory(path: Path) -> Path:
    """`path` created 0700 (missing parents too), or tightened to the owner if it exists."""
    missing = [path, *(parent for parent in path.parents if not parent.exists())]
    for directory in reversed(missing):
        if not directory.exists():
            directory.mkdir(mode=OWNER_ONLY_DIRECTORY, exist_ok=True)
            directory.chmod(OWNER_ONLY_DIRECTORY)  # mkdir's mode is filtered by the umask
    _tighten(path, OWNER_ONLY_DIRECTORY)
    return path


def private_sqlite_file(path: Path) -> None:
    """The database file created empty as 0600 before SQLite opens it (SQLite would create it
    with the umask's mode), its missing directories 0700; an existing one and its companion
    files tightened to 0600."""
    if not path.parent.exists():
        private_directory(path.parent)
    # O_EXCL: never open an existing database here. Closing any descriptor of a file drops
    # every POSIX lock this process holds on it, SQLite's included, and another process
    # could then write under a connection of ours that believes it holds its lock.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
    except FileExistsError:
        pass
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _tighten(companion, OWNER_ONLY_FILE)


def private_state_store(*, redis_url: str | None) -> None:
    """Reflex's disk state store (`.states`, or REFLEX_STATES_WORKDIR) made 0700 before Reflex
    writes its pickles into it with the umask's mode. With Redis there is no such directory."""
    if redis_url:
        return
    from reflex.utils.prerequisites import get_states_dir  # what Reflex's disk manager uses

    private_directory(get_states_dir().absolute())
