"""Run ``callcoach analyze`` on many files in one process: one JSON line per file.

    python -m tests.analyzers.cli_batch --timeout 30 FILE... -- [analyze options]

Starting Python and importing the analysis once per file costs seconds; this runs the
same command object the console script runs, with each file's stdout and stderr
captured at the file-descriptor level (so notes that C libraries print are seen too)
and a per-file alarm, and reports exit code, stderr and stdout for each.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import traceback


class _TimeoutError(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _TimeoutError


def _run_one(command: object, args: list[str], timeout_s: int) -> dict[str, object]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        code: int | str = 0
        signal.alarm(timeout_s)
        try:
            returned = command.main(  # type: ignore[attr-defined]
                args=args, prog_name="callcoach analyze", standalone_mode=False
            )
            code = returned if isinstance(returned, int) else 0
        except _TimeoutError:
            code = "timeout"
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # a traceback is what the test looks for
            if type(exc).__name__ == "Exit":
                code = int(getattr(exc, "exit_code", 1))
            else:
                traceback.print_exc()
                code = "traceback"
        finally:
            signal.alarm(0)
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        out.seek(0)
        err.seek(0)
        return {
            "code": code,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def main() -> None:
    import typer

    from service.cli import app

    argv = sys.argv[1:]
    timeout_s = 30
    if argv[:1] == ["--timeout"]:
        timeout_s, argv = int(argv[1]), argv[2:]
    split = argv.index("--") if "--" in argv else len(argv)
    files, options = argv[:split], argv[split + 1 :]
    command = typer.main.get_command(app).commands["analyze"]  # type: ignore[attr-defined]
    signal.signal(signal.SIGALRM, _on_alarm)
    for path in files:
        result = _run_one(command, [path, *options], timeout_s)
        print(json.dumps({"path": path, **result}), flush=True)


if __name__ == "__main__":
    main()
