import sys
import time

from rayvision_utils.cmd import Cmd, run_command


def test_streams_both_pipes_without_deadlock(python_exe):
    # 4 MB on stderr before any stdout: a runner reading only stdout would block for ever.
    code = ("import sys\n"
            "sys.stderr.write('e' * 4000000 + '\\n'); sys.stderr.flush()\n"
            "for i in range(3): print('line', i)\n")
    result = run_command([python_exe, "-c", code], timeout=60, log_output=False)
    assert result.returncode == 0
    assert not result.timed_out
    assert result.stdout.splitlines() == ["line 0", "line 1", "line 2"]
    assert len(result.stderr) == 4000000


def test_lines_arrive_while_running(python_exe, tmp_path):
    # The child prints a line, then waits until the callback has seen it (a flag file):
    # a runner that only hands lines over at the end would make the child give up.
    flag = str(tmp_path / "seen")
    code = ("import os, sys, time\n"
            "print('first'); sys.stdout.flush()\n"
            "deadline = time.time() + 30\n"
            "while not os.path.exists(%r) and time.time() < deadline:\n"
            "    time.sleep(0.05)\n"
            "print('second' if os.path.exists(%r) else 'not streamed')\n" % (flag, flag))
    seen = []

    def on_line(stream, line):
        seen.append((stream, line))
        if line == "first":
            open(flag, "w").close()

    result = run_command([python_exe, "-c", code], on_line=on_line, log_output=False)
    assert seen == [("stdout", "first"), ("stdout", "second")]
    assert result.stdout == "first\nsecond"


def test_merged_output_and_exit_code(python_exe):
    code = "import sys; print('out'); sys.stderr.write('err\\n'); sys.exit(3)"
    result = run_command([python_exe, "-c", code], merge_stderr=True, log_output=False)
    assert result.returncode == 3
    assert set(result.stdout.splitlines()) == {"out", "err"}
    assert result.stderr == ""


def test_timeout_kills_tree(python_exe):
    code = ("import subprocess, sys, time\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            "print('started'); sys.stdout.flush(); time.sleep(60)\n")
    start = time.time()
    result = run_command([python_exe, "-c", code], timeout=1.5, log_output=False)
    assert result.timed_out
    assert result.returncode != 0
    assert time.time() - start < 20
    assert "started" in result.stdout


def test_non_utf8_output(python_exe):
    code = "import sys; sys.stdout.buffer.write('场景'.encode('gbk') + b'\\n')"
    result = run_command([python_exe, "-c", code], log_output=False)
    assert result.stdout == "场景"


def test_faulty_callback_does_not_stall(python_exe):
    def boom(stream, line):
        raise RuntimeError("x")
    result = run_command([python_exe, "-c", "print(1); print(2)"], on_line=boom,
                         log_output=False)
    assert result.stdout == "1\n2"


def test_documented_cmd_run(python_exe):
    code, out, err = Cmd.run([python_exe, "-c", "print('hi')"])
    assert (code, out, err) == (0, "hi", "")
    assert Cmd.compatible("x") == "x"
    assert Cmd.power_run() is None
    process = Cmd.wrap_subprocess('"%s" -c "print(42)"' % sys.executable)
    assert process.communicate()[0].strip() == "42"
