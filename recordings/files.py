"""Which file a request for `/openvidu/recordings/<id>/<name>` may read, and reading it.

The URL names a recording and a file, never a path: the recording is looked up in the
database and only the files the recorder wrote for it (its video or archive, its
thumbnail) are served, from its own folder under OPENVIDU_RECORDING_PATH. A symbolic
link is never followed, so a link planted in the recordings folder cannot point a
request at the rest of the disk.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from recordings.app_settings import app_settings
from recordings.models import Recording


@dataclass(frozen=True)
class OpenedFile:
    """An open, regular file of a recording: the caller closes `handle`."""

    handle: int
    name: str
    size: int


def written_file(recording_id: str, file_name: str) -> Path | None:
    """The path of a file the recorder wrote for the recording, or None (sync: the ORM)."""
    recording = (
        Recording.objects.filter(recording_id=recording_id, status=Recording.Status.READY)
        .only("recording_id", "file_name", "thumbnail_name")
        .first()
    )
    if recording is None:
        return None
    written = {name for name in (recording.file_name, recording.thumbnail_name) if name}
    if file_name not in written or not plain_name(file_name):
        return None
    root = Path(app_settings.RECORDING_PATH)
    if not plain_name(recording.recording_id):
        return None
    return root / recording.recording_id / file_name


def plain_name(name: str) -> bool:
    """One path component that stays where it is put: no separator, no dot names."""
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and not name.startswith(".")
    )


def open_written(path: Path) -> OpenedFile | None:
    """Open the file without following a link at its last component or in its folder.

    O_NOFOLLOW refuses a link as the file; the folder is checked the same way through
    a descriptor of its own, so swapping either for a link between the check and the
    open (a race) still opens nothing outside the recordings folder.
    """
    try:
        root = os.open(path.parent.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        folder = os.open(
            path.parent.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=root
        )
    except OSError:
        os.close(root)
        return None
    os.close(root)
    try:
        handle = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    status = os.fstat(handle)
    if not stat.S_ISREG(status.st_mode):
        os.close(handle)
        return None
    return OpenedFile(handle, path.name, status.st_size)
