"""The `roleplay` command line. Heavy modules (Textual, litellm) are imported only by the commands that use them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from roleplay import __version__
from roleplay.errors import InputFileError, RoleplayError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="roleplay",
        description="Practise sales discovery calls with simulated buyers; get a grade that explains itself.",
        epilog="Run `roleplay` without a command to open the terminal app.",
    )
    p.add_argument("--version", action="version", version=f"roleplay {__version__}")
    p.add_argument("--content", metavar="DIR", help="extra content directory (personas/, scenarios/, rubrics/)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def engine_options(cmd):
        cmd.add_argument("--model", metavar="M", help="litellm model string; default: the offline scripted engine")
        cmd.add_argument("--api-base", metavar="URL", help="base URL of an OpenAI-compatible server")

    c = sub.add_parser("practice", help="start a call in the terminal app")
    c.add_argument("--scenario", metavar="ID")
    c.add_argument("--rep", metavar="NAME", default=None)
    engine_options(c)

    c = sub.add_parser("chat", help="hold a call in plain line mode (stdin/stdout)")
    c.add_argument("--scenario", metavar="ID", required=True)
    c.add_argument("--rep", metavar="NAME", default="rep")
    c.add_argument("--seed", type=int, default=0)
    engine_options(c)

    c = sub.add_parser("run", help="play a scripted call: each non-empty line of FILE is a rep turn")
    c.add_argument("--scenario", metavar="ID", required=True)
    c.add_argument("--script", metavar="FILE", required=True)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--rep", metavar="NAME", default="rep")
    c.add_argument("--json", action="store_true", help="print one JSON object: transcript and scorecard")
    c.add_argument("--no-save", action="store_true", help="do not store the call")
    engine_options(c)

    c = sub.add_parser("classify", help="label rep utterances, one per stdin line, as JSON lines")
    c.add_argument("--lang", choices=["auto", "en", "zh"], default="auto")

    c = sub.add_parser("grade", help="grade a transcript file (project JSON, or Rep:/Client: text)")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--scenario", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.add_argument("--judge", metavar="MODEL", help="also ask an LLM judge (litellm model string); disagreements are shown")
    c.add_argument("--api-base", metavar="URL", help="base URL of an OpenAI-compatible server for the judge")

    c = sub.add_parser("doctor", help="say which model is configured and whether it answers")
    engine_options(c)

    c = sub.add_parser("list", help="list personas, scenarios or stored transcripts")
    c.add_argument("what", choices=["personas", "scenarios", "transcripts"])
    c.add_argument("--json", action="store_true")
    c.add_argument("--read-only", action="store_true", help="open the store read-only (e.g. when it is damaged)")

    c = sub.add_parser("resume", help="continue an interrupted call (without ID: list them)")
    c.add_argument("id", metavar="ID", nargs="?")
    engine_options(c)

    c = sub.add_parser("repair", help="salvage a damaged store (backs up every file it touches first)")

    c = sub.add_parser("import", help="import calls from a JSON export (duplicates are skipped)")
    c.add_argument("file", metavar="FILE")

    c = sub.add_parser("validate", help="validate content files (default: all shipped and user content)")
    c.add_argument("paths", nargs="*", metavar="PATH")

    c = sub.add_parser("export", help="export a stored call (or, with --all/--rep, a set of calls as JSON)")
    c.add_argument("id", metavar="ID", nargs="?")
    c.add_argument("--format", choices=["md", "json", "html"], default=None,
                   help="md (default for one call), json (default for a set) or html")
    c.add_argument("--all", action="store_true", help="every stored call, as one importable JSON file")
    c.add_argument("--rep", metavar="NAME", help="every call by this rep, as one importable JSON file")
    c.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    c = sub.add_parser("replay", help="replay a stored call in the terminal app")
    c.add_argument("id", metavar="ID")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = COMMANDS.get(args.command or "tui")
    try:
        return handler(args) or 0
    except RoleplayError as exc:
        print(f"roleplay: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); exit quietly like other Unix tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# -- helpers ---------------------------------------------------------------------------------------


def _library(args):
    from roleplay.content import load_library

    return load_library(args.content)


def _engine(args):
    """The offline engine, or the configured model (flags, then ROLEPLAY_MODEL, then the config file).

    A model that fails mid-call never stops the call: its turn is voiced offline and marked so.
    """
    from roleplay.engines.factory import make_engine
    from roleplay.llm.config import load_config

    cfg = load_config(getattr(args, "model", None), getattr(args, "api_base", None))
    return make_engine(cfg.model, cfg.api_base, cfg.timeout, offline_fallback=True)


def _rubric(args, rubric_id: str = "default"):
    from roleplay.content import load_rubric

    return load_rubric(rubric_id, args.content)


def render_scorecard(scorecard) -> str:
    from roleplay.report.text import scorecard_text

    return scorecard_text(scorecard)


def _store(read_only: bool = False):
    from roleplay.store import Store

    store = Store(read_only=read_only)
    store.check()
    for notice in store.notices:
        print(f"roleplay: {notice}", file=sys.stderr)
    return store


def read_text_file(path: str, what: str) -> str:
    """Read a UTF-8 file given on the command line, with one clear line on failure."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, expected a {what} file") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text (byte {exc.start}); save the {what} as UTF-8") from None


def _print_turn(turn, persona_name: str) -> None:
    who = persona_name if turn.speaker == "client" else "You"
    print(f"{who}: {turn.text}")


# -- commands --------------------------------------------------------------------------------------


def cmd_run(args) -> int:
    text = read_text_file(args.script, "script")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputFileError(f"{args.script}: script has no rep turns (every line is empty)")
    from roleplay.session import CallSession

    lib = _library(args)
    session = CallSession(lib, args.scenario, engine=_engine(args), store=None if args.no_save else _store(),
                          rep=args.rep, seed=args.seed)
    session.start()
    for line in lines:
        if session.ended:
            break
        session.send(line)
    session.end()
    scorecard = session.grade(_rubric(args, session.scenario.rubric))
    t = session.transcript
    if args.json:
        out = {
            "transcript": {
                "id": t.id,
                "scenario": t.scenario,
                "rep": t.rep,
                "seed": t.seed,
                "turns": [{"speaker": x.speaker, "text": x.text, **({"move": x.move} if x.move else {})} for x in t.turns],
                "outcome": t.outcome,
            },
            "scorecard": scorecard.model_dump(mode="json"),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for turn in t.turns:
        _print_turn(turn, session.persona.name)
    print(f"\nOutcome: {t.outcome}\n")
    print(render_scorecard(scorecard))
    return 0


def cmd_chat(args) -> int:
    from roleplay.session import CallSession

    session = CallSession(_library(args), args.scenario, engine=_engine(args), store=_store(), rep=args.rep,
                          seed=args.seed)
    return _converse(args, session)


def _stream_reply(session, line: str | None) -> None:
    """Send one rep turn (None: open the call) and print the client's reply as it streams; say so if it
    was voiced offline."""
    name = session.persona.name
    print(f"{name}: ", end="", flush=True)
    engine = getattr(session.engine, "primary", session.engine)
    if hasattr(engine, "on_discard"):
        engine.on_discard = lambda reason: print(f"\n  (reply withdrawn: {reason})\n{name}: ", end="", flush=True)
    streamed: list[str] = []

    def on_chunk(text: str) -> None:
        streamed.append(text)
        print(text, end="", flush=True)

    turn = session.start(on_chunk=on_chunk) if line is None else session.send(line, on_chunk=on_chunk)
    if not streamed:
        print(turn.text, end="")
    print()
    if turn.voiced_by == "fallback":
        note = getattr(getattr(session.engine, "last_reply", None), "note", "") or "the model's reply was replaced"
        print(f"  (voiced offline: {note})")


def _converse(args, session, resumed: bool = False) -> int:
    """The line-mode conversation shared by `chat` and `resume`."""
    sc, persona = session.scenario, session.persona
    print(f"{sc.title}\nYou meet {persona.name}, {persona.title}, {persona.company}.")
    print(f"Your goal: {sc.brief.goal}\n(/hint for a hint, /end to end the call)\n")
    if resumed:
        for turn in session.transcript.turns:
            _print_turn(turn, persona.name)
    else:
        _stream_reply(session, None)
    interactive = sys.stdin.isatty()
    while not session.ended:
        try:
            line = input("You: " if interactive else "")
        except EOFError:
            break
        line = line.strip()
        if not line:
            continue
        if line == "/end":
            break
        if line == "/hint":
            print(f"(hint) {session.hint()}")
            continue
        if not interactive:
            print(f"You: {line}")
        _stream_reply(session, line)
    closing = session.end()
    if closing:
        _print_turn(closing, persona.name)
    scorecard = session.grade(_rubric(args, sc.rubric))
    print(f"\nOutcome: {session.outcome}   (saved as {session.transcript.id})\n")
    print(render_scorecard(scorecard))
    return 0


def cmd_classify(args) -> int:
    from roleplay.analysis import analyse

    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        labels = analyse(text, args.lang)
        print(json.dumps(labels.model_dump(mode="json"), ensure_ascii=False))
    return 0


def cmd_list(args) -> int:
    if args.what == "transcripts":
        store = _store(read_only=args.read_only)
        rows = store.list()
        for problem in store.problems:
            print(f"roleplay: skipped {problem}", file=sys.stderr)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif not rows:
            print("No stored calls yet. Start one with `roleplay chat --scenario ID`.")
        for r in rows if not args.json else []:
            overall = "-" if r.get("overall") is None else f"{r['overall']:.0f}"
            print(f"{r['id']:<48} {r.get('rep') or '':<12} {r.get('outcome') or 'in progress':<13} {overall:>4}")
        return 0
    lib = _library(args)
    if args.what == "personas":
        rows = [
            {"id": p.id, "name": p.name, "title": p.title, "company": p.company, "role": p.role,
             "level": p.level, "language": p.language}
            for p in lib.personas.values()
        ]
        if not args.json:
            for r in rows:
                print(f"{r['id']:<22} {r['name']}, {r['title']} ({r['role']}, {r['level']}, {r['language']})")
    else:
        rows = []
        for s in lib.scenarios.values():
            p = lib.persona(s.persona)
            rows.append({
                "id": s.id, "title": s.title, "persona": s.persona, "role": p.role, "level": p.level,
                "stage": s.stage, "language": s.language, "difficulty": s.difficulty, "turn_limit": s.turn_limit,
                "campaign": s.campaign.model_dump() if s.campaign else None,
            })
        if not args.json:
            for r in rows:
                print(f"{r['id']:<24} {r['stage']:<14} {r['difficulty']:<7} {r['language']}  {r['title']}")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0


def cmd_validate(args) -> int:
    from roleplay.content import validate_all, validate_paths

    lines = validate_paths([Path(p) for p in args.paths]) if args.paths else validate_all(args.content)
    print("\n".join(lines))
    return 0


def cmd_grade(args) -> int:
    from roleplay.grading import grade
    from roleplay.transcript_io import parse_transcript

    transcript = parse_transcript(read_text_file(args.file, "transcript"), args.file)
    level, weights, rubric_id = None, {}, "default"
    scenario_id = args.scenario or transcript.scenario
    if scenario_id:
        lib = _library(args)
        scenario = lib.scenario(scenario_id)
        level, weights, rubric_id = lib.persona(scenario.persona).level, scenario.rubric_weights, scenario.rubric
    rubric = _rubric(args, rubric_id)
    scorecard = grade(transcript, rubric, level=level, weights=weights)
    if args.judge:
        from roleplay.grading.judge import judge_scorecard
        from roleplay.store import default_home

        scorecard = judge_scorecard(transcript, scorecard, rubric, args.judge, args.api_base,
                                    cache_dir=default_home() / "judge-cache")
    if args.json:
        print(json.dumps(scorecard.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_scorecard(scorecard))
    return 0


def _write_output(text: str, path: str | None) -> None:
    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write ({exc.strerror})") from None
    print(f"wrote {path}", file=sys.stderr)


def cmd_export(args) -> int:
    store = _store()
    if args.all or args.rep:
        from roleplay.store.transfer import export_calls

        if args.format not in (None, "json"):
            raise RoleplayError("a set of calls is exported as JSON only (--format json)")
        _write_output(export_calls(store, {"rep": args.rep} if args.rep else None), args.output)
        return 0
    if not args.id:
        raise RoleplayError("name a call ID (see `roleplay list transcripts`), or use --all / --rep NAME")
    transcript, scorecard = store.load(args.id), store.scorecard(args.id)
    from roleplay.store.reviews import load_review

    review = load_review(store, args.id)
    if args.format in (None, "md"):
        from roleplay.report.markdown import render_markdown

        text = render_markdown(transcript, scorecard, review)
    elif args.format == "json":
        from roleplay.report.jsonout import render_json

        text = render_json(transcript, scorecard, review)
    else:
        from roleplay.report.html import call_html

        text = call_html(transcript, scorecard)
    _write_output(text, args.output)
    return 0


def cmd_import(args) -> int:
    from roleplay.store.transfer import import_calls

    text = read_text_file(args.file, "export")
    print(import_calls(_store(), text).summary())
    return 0


def cmd_repair(args) -> int:
    from roleplay.store import Store

    print(Store().repair().summary())
    return 0


def cmd_resume(args) -> int:
    store = _store()
    if not args.id:
        rows = store.unfinished()
        if not rows:
            print("No interrupted calls.")
        for r in rows:
            print(f"{r['id']:<48} {r.get('rep') or '':<12} {r.get('turns') or 0:>3} turns")
        return 0
    from roleplay.session import CallSession

    transcript = store.load(args.id)
    session = CallSession.resume(_library(args), transcript, engine=_engine(args), store=store)
    return _converse(args, session, resumed=True)


def cmd_doctor(args) -> int:
    from roleplay.llm.doctor import doctor

    print("\n".join(doctor(args.model, args.api_base)))
    return 0


def cmd_tui(args) -> int:
    from roleplay.llm.config import load_config
    from roleplay.ui.launch import launch

    factory = None
    if load_config(getattr(args, "model", None), getattr(args, "api_base", None)).model:
        factory = lambda: _engine(args)  # noqa: E731 - one engine per call, made when the call starts
    scenario = args.scenario if args.command == "practice" else None
    replay_id = args.id if args.command == "replay" else None
    return launch(args.content, scenario, replay_id, getattr(args, "rep", None), engine_factory=factory)


COMMANDS = {
    "tui": cmd_tui,
    "practice": cmd_tui,
    "replay": cmd_tui,
    "chat": cmd_chat,
    "run": cmd_run,
    "classify": cmd_classify,
    "grade": cmd_grade,
    "export": cmd_export,
    "import": cmd_import,
    "repair": cmd_repair,
    "doctor": cmd_doctor,
    "resume": cmd_resume,
    "list": cmd_list,
    "validate": cmd_validate,
}
