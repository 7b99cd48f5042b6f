"""``sync-output``'s file checkpoints read back whatever a damaged file holds."""

import pytest

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
