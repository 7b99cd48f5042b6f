"""``sync-output``'s file checkpoints read back whatever a damaged file holds."""

import pytest

from rayvision_cli import sync_state
from rayvision_cli.sync_state import FileState


@pytest.mark.parametrize("text", ["[]", "null", "7", '"files"', '{"files": [], "complete": 1}',
                                  '{"files": null}'])
def test_checkpoint_of_another_shape_counts_as_empty(tmp_path, text):
    # Valid JSON that is not a checkpoint (hand-edited, another tool's file) reads as "no
    # file recorded", as unreadable JSON does, instead of failing the task every pass.
    state = FileState(str(tmp_path))
    (tmp_path / "task-1.json").write_text(text)
    assert state.files("1") == {}
    state.add_files("1", {"/1_s/l/a.png": "3:abc"})
    assert state.files("1") == {"/1_s/l/a.png": "3:abc"}
    assert state.is_complete("1") is False
    state.mark_complete("1")
    assert state.is_complete("1") is True and state.files("1") == {"/1_s/l/a.png": "3:abc"}


def _entries(count):
    return [("/1_s/l/frame_{0:04d}.png".format(index), "{0}:abc".format(index))
            for index in range(count)]


def test_recording_1000_files_writes_the_checkpoint_a_bounded_number_of_times(tmp_path,
                                                                              monkeypatch):
    # One rewrite of the whole JSON per file made a task's recording quadratic.
    writes = []
    real_write = sync_state.write_json_atomic
    monkeypatch.setattr(sync_state, "write_json_atomic",
                        lambda path, data: (writes.append(path), real_write(path, data)))
    state = FileState(str(tmp_path))
    assert state.acquire("1")
    for path, value in _entries(1000):
        state.add_files("1", {path: value})
    assert state.files("1") == dict(_entries(1000))  # this process sees every file at once
    state.release("1")
    assert len(writes) <= 1000 // sync_state.CHECKPOINT_FILES + 2
    assert FileState(str(tmp_path)).files("1") == dict(_entries(1000))  # all saved on release


def test_checkpoint_is_written_after_a_stretch_of_files_and_when_told(tmp_path):
    state = FileState(str(tmp_path))
    assert state.acquire("1")
    stretch = sync_state.CHECKPOINT_FILES
    entries = _entries(stretch + 5)
    for path, value in entries:
        state.add_files("1", {path: value})
    on_disk = FileState(str(tmp_path)).files("1")
    assert len(on_disk) == stretch  # a crash now loses only the last (unsaved) stretch
    state.flush("1")
    assert FileState(str(tmp_path)).files("1") == dict(entries)
    state.mark_complete("1")
    assert FileState(str(tmp_path)).is_complete("1")
    state.release("1")


def test_checkpoint_is_written_after_some_seconds_even_for_few_files(tmp_path, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(sync_state.time, "monotonic", lambda: now[0])
    state = FileState(str(tmp_path))
    assert state.acquire("1")
    state.add_files("1", dict(_entries(1)))
    assert FileState(str(tmp_path)).files("1") == {}
    now[0] += sync_state.CHECKPOINT_SECONDS + 0.1
    state.add_files("1", dict(_entries(2)))
    assert FileState(str(tmp_path)).files("1") == dict(_entries(2))
    state.release("1")
