"""How long from launch until the home screen is painted, in a real terminal (tmux).

    .venv/bin/python bench/tui_startup.py [--runs 10] [--via auto|cli|launch]

Each run starts the app in a fresh detached tmux session (100x30) with ROLEPLAY_HOME in a new temporary
directory, then polls `tmux capture-pane -p` until a scenario title from the home screen's list appears.
The time includes starting Python, importing Textual and the content, loading the library and the first
paint; it also includes tmux's own start-up, measured separately as the baseline (a shell that prints a
marker) so it can be subtracted by eye. For scale it also times the floor: a Textual app with nothing in it
but a header, a line of text and a footer. Target: median under 0.30 s; litellm must not be imported.

`--via cli` runs `python -m roleplay` (once the CLI opens the app); `--via launch` calls
`roleplay.ui.launch.launch` directly; `auto` uses the CLI when it is wired to the app.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME_MARKER = "Sales path 1"
"""A scenario title in the home screen's list: present only once the content is loaded and painted."""
SIZE = ("100", "30")
TIMEOUT = 10.0
TMUX = ["tmux", "-L", "rp-bench"]
"""A tmux server of our own, so the benchmark neither sees nor disturbs the user's sessions."""


def _cli_is_wired() -> bool:
    source = (ROOT / "roleplay" / "cli.py").read_text(encoding="utf-8")
    return "roleplay.ui.launch" in source


def app_command(via: str) -> str:
    python = shlex.quote(sys.executable)
    if via == "auto":
        via = "cli" if _cli_is_wired() else "launch"
    if via == "cli":
        return f"{python} -m roleplay"
    return f"{python} -c 'from roleplay.ui.launch import launch; launch(None, None, None, None)'"


FLOOR_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Footer, Header, Static\n"
    "class Floor(App):\n"
    "    def compose(self):\n"
    "        yield Header(); yield Static('floor-marker'); yield Footer()\n"
    "Floor().run()\n"
)
"""The least any Textual app costs here: Python, Textual's import and a first paint of three widgets."""


def time_until(command: str, marker: str, home: str, session: str) -> float:
    """Seconds from asking tmux to start `command` until `marker` is on the screen."""
    shell = f"cd {shlex.quote(str(ROOT))} && ROLEPLAY_HOME={shlex.quote(home)} {command}; sleep 5"
    start = time.perf_counter()
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], shell], check=True)
    try:
        while True:
            screen = subprocess.run([*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
            elapsed = time.perf_counter() - start
            if marker in screen:
                return elapsed
            if elapsed > TIMEOUT:
                raise SystemExit(f"no {marker!r} on the screen after {TIMEOUT:g} s; last screen:\n{screen}")
            time.sleep(0.002)
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)


def litellm_imported(via: str) -> bool:
    """Whether importing what the app needs at start-up pulls in litellm."""
    code = "import roleplay.ui.launch, roleplay.ui.app, roleplay.content, roleplay.store, sys; print('litellm' in sys.modules)"
    if via == "cli" or (via == "auto" and _cli_is_wired()):
        code = "import roleplay.cli, " + code.removeprefix("import ")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.strip() == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--via", choices=["auto", "cli", "launch"], default="auto")
    args = parser.parse_args()

    command = app_command(args.via)
    floor_command = f"{shlex.quote(sys.executable)} -c {shlex.quote(FLOOR_APP)}"
    baseline, floor, app = [], [], []
    # A session that outlives the runs keeps the tmux server up between them.
    subprocess.run([*TMUX, "new-session", "-d", "-s", "rp-bench-keep", "sleep 600"], check=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            time_until(command, HOME_MARKER, str(Path(tmp) / "warm"), "rp-bench-warm")  # warm the disk cache
            for i in range(args.runs):
                baseline.append(time_until("echo ready-marker", "ready-marker", tmp, f"rp-bench-b{i}"))
                floor.append(time_until(floor_command, "floor-marker", tmp, f"rp-bench-f{i}"))
                app.append(time_until(command, HOME_MARKER, str(Path(tmp) / f"home{i}"), f"rp-bench-a{i}"))
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)

    print(f"command: {command}")
    print("home screen first paint (s): " + " ".join(f"{t:.3f}" for t in app))
    print(f"median {statistics.median(app):.3f} s, min {min(app):.3f} s, max {max(app):.3f} s "
          f"over {len(app)} runs (target: median < 0.30 s)")
    print(f"Textual floor (an empty Header/Static/Footer app): median {statistics.median(floor):.3f} s")
    print(f"tmux baseline (shell prints a marker): median {statistics.median(baseline):.3f} s")
    print(f"litellm imported at start-up: {'YES (should not be)' if litellm_imported(args.via) else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
