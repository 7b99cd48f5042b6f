from rayvision_utils.findings import StaticFindings


def test_tips_and_uploads_are_kept_once_in_order(tmp_path):
    findings = StaticFindings()
    findings.add_tip("10012", "a missing")
    findings.add_tip("10012", "b missing")
    findings.add_tip("10012", "a missing")
    findings.add_tip("15013", "version")
    assert findings.tips == {"10012": ["a missing", "b missing"], "15013": ["version"]}
    findings.add_files(["/x/b", "/x/a", "/x/b"])
    findings.add_upload("/x/a")
    assert findings.upload_files == ["/x/b", "/x/a"]


def test_resolve_is_memoised(tmp_path):
    (tmp_path / "tex.1001.png").write_bytes(b"x")
    findings = StaticFindings()
    pattern = str(tmp_path / "tex.<UDIM>.png")
    files, _ = findings.resolve(pattern)
    assert [f.rsplit("/", 1)[-1] for f in files] == ["tex.1001.png"]
    (tmp_path / "tex.1002.png").write_bytes(b"x")
    # Same analysis, same answer: one scene is read against one state of the disk.
    assert findings.resolve(pattern)[0] == files
    assert len(StaticFindings().resolve(pattern)[0]) == 2


def test_upload_entries_resolve_dot_dot():
    from rayvision_utils.results import upload_entry
    assert upload_entry("D:\\proj\\sub\\..\\tex\\wood.png") == {
        "local": "D:/proj/tex/wood.png", "server": "/D/proj/tex/wood.png"}
    assert upload_entry("\\\\srv\\share\\a\\.\\b\\..\\c.png") == {
        "local": "//srv/share/a/c.png", "server": "/srv/share/a/c.png"}
    assert upload_entry("/mnt/p/x/../y.abc")["server"] == "/mnt/p/y.abc"
