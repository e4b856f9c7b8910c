"""The course in a real browser: JupyterLab on 127.0.0.1, driven by Playwright in Debian's Chromium.

A fresh clone's notebooks are untrusted, so JupyterLab sanitises their stored HTML: these tests check that the
stored audio players still play, and that "Restart Kernel and Run All Cells" of lesson 00 runs without error.
They need a system Chromium (``apt-get install chromium``) and Playwright (``pip install playwright``; no
``playwright install``: the system browser is used); without them they are skipped. ``.ci/run`` installs both.
"""

import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
JUPYTER = Path(sys.executable).with_name("jupyter")
AUDIO_LESSON = "01_audio_representations.ipynb"  # the first lesson with stored players (lesson 00 has none)
RUN_LESSON = "00_welcome.ipynb"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if importlib.util.find_spec("playwright") is None:
    pytest.skip("Playwright is not installed (pip install playwright; CI's .ci/run does it)", allow_module_level=True)
if CHROMIUM is None:
    pytest.skip("no system Chromium on PATH (apt-get install chromium; CI's .ci/run does it)", allow_module_level=True)
if importlib.util.find_spec("jupyterlab") is None or not JUPYTER.exists():
    pytest.skip("JupyterLab is not installed here (the `lab` extra)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of two lessons, with private Jupyter directories and data home."""
    base = tmp_path_factory.mktemp("lab")
    course = base / "course"
    course.mkdir()
    for name in (RUN_LESSON, AUDIO_LESSON):
        shutil.copy2(ROOT / "course" / name, course / name)  # untrusted: nothing signs them in this Jupyter data dir
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "CBREC_DATA_HOME": str(base / "data-home"),
        "CBREC_PROFILE": "ci",
        "CBREC_OFFLINE": "1",
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={course}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = base / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start; its log ({log}):\n{log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "log": log}
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, lab, notebook):
    """A page with ``notebook`` open and its kernel idle."""
    page = browser.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{lab['url']}/lab/tree/{notebook}?reset&token={lab['token']}")
    page.wait_for_function(
        """name => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            return panel && panel.context && panel.context.path === name && panel.context.isReady
                && panel.sessionContext.session?.kernel?.status === "idle";
        }""",
        arg=notebook,
    )
    return page


def test_stored_audio_players_play_in_an_untrusted_notebook(browser, lab):
    page = _open(browser, lab, AUDIO_LESSON)
    page.wait_for_selector("audio", state="attached")
    assert not page.evaluate("window.jupyterapp.shell.currentWidget.context.model.trusted"), "opened untrusted"
    page.wait_for_function(
        # loaded, failed, or nothing to load (NETWORK_NO_SOURCE: the sanitizer removed the source)
        "Array.from(document.querySelectorAll('audio'))"
        ".every(a => a.readyState >= 1 || a.error || a.networkState === 3)",
        timeout=20_000,
    )
    players = page.evaluate(
        """() => Array.from(document.querySelectorAll('audio')).map(a => ({
            src: a.currentSrc.slice(0, 30), ready: a.readyState, duration: a.duration,
            error: a.error && a.error.code, wav: a.canPlayType('audio/wav')}))"""
    )
    assert players, f"no <audio> element in {AUDIO_LESSON}"
    silent = [
        p for p in players if not (p["src"].startswith("data:audio/wav") and p["ready"] >= 1 and p["duration"] > 0)
    ]
    assert not silent, (
        f"{len(silent)} of {len(players)} stored players have no playable source in an untrusted notebook "
        f"(JupyterLab strips <source src>: use cbrec_lab.player.AudioPlayer): {silent}"
    )
    assert all(p["wav"] for p in players)
    page.close()


def test_restart_and_run_all_of_lesson_00_has_no_errors(browser, lab):
    page = _open(browser, lab, RUN_LESSON)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    page.click(".jp-Dialog .jp-mod-accept")  # "Restart Kernel?" → Restart
    state = """() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const code = panel.content.widgets.filter(c => c.model.type === "code");
        const outputs = code.flatMap(c => c.model.outputs.toJSON());
        return {
            cells: code.length,
            executed: code.filter(c => c.model.executionCount !== null).length,
            errors: outputs.filter(o => o.output_type === "error").map(o => `${o.ename}: ${o.evalue}`),
            tracebacks: outputs.filter(o => o.name === "stderr" && String(o.text).includes("Traceback"))
                               .map(o => String(o.text).slice(-500)),
            text: outputs.filter(o => o.name === "stdout").map(o => String(o.text)).join(""),
            kernel: panel.sessionContext.session?.kernel?.status,
        };
    }"""
    page.wait_for_function(
        f"(() => {{ const s = ({state})(); return s.errors.length > 0 || "
        "(s.executed === s.cells && s.kernel === 'idle'); })()",
        timeout=75_000,
    )
    result = page.evaluate(state)
    assert not result["errors"] and not result["tracebacks"], f"lesson 00 failed in the browser: {result}"
    assert result["executed"] == result["cells"] > 0
    assert "data home:" in result["text"], "the cells ran in this session (their outputs were cleared first)"
    page.close()
