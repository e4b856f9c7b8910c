"""The ``cbrec-lab`` command: ``doctor``, ``data prepare``, ``course run`` and ``course student``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .checks import positive_int
from .config import data_home, data_home_error, display_path, free_disk_mb, get_profile, quiet_tensorflow
from .exceptions import CbrecError, DataHomeError, ParameterError

__all__ = ["main"]


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import run_checks

    report, checks = run_checks(probe_network=not args.no_network)
    print(report)
    print()
    for item in checks:
        print(item)
    failed = [c for c in checks if c.status == "fail"]
    print()
    print(f"{len(failed)} check(s) failed." if failed else "All checks passed: the course is ready to run.")
    return 1 if failed else 0


def _data_prepare(args: argparse.Namespace) -> int:
    from . import datasets

    profile = get_profile(args.profile)
    available = datasets.kits()
    if not available:
        print("No kits are registered in this version of cbrec-lab: nothing to prepare.")
        return 0
    try:
        prepared = datasets.prepare(profile, args.kits, progress=not args.quiet)
    except (OSError, RuntimeError) as err:  # RuntimeError: libsndfile's "System error." on a full disk
        failure = _data_home_failure(err, profile, args.kits or [k.name for k in available])
        if failure is None:
            raise
        raise failure from err
    for name, path in prepared.items():
        print(f"{name}: ready in {display_path(path)}")
    return 0


def _data_home_failure(err: Exception, profile, kits: list[str]) -> DataHomeError | None:
    """The error to show for an ``OSError`` (or libsndfile's error) met while preparing kits: what, where, the fix.

    ``None`` for any other error (a programming error keeps its traceback).
    """
    from .datasets.build_costs import estimated_disk_mb

    needed = estimated_disk_mb(kits, profile)
    if isinstance(err, OSError):
        return data_home_error(err, needed)
    if type(err).__module__.partition(".")[0] != "soundfile":
        return None
    home = data_home(create=False)
    free = free_disk_mb(home)
    if free < needed:
        return DataHomeError(
            f"disk full: {needed:,.0f} MB needed at {home} ({free:,.0f} MB free; writing audio failed with "
            f"{err}). Free some space, or set CBREC_DATA_HOME to a folder on a disk with room, and run again."
        )
    return DataHomeError(f"writing audio under {home} failed: {err}. Check the disk and CBREC_DATA_HOME.")


def _positive_int_argument(what: str):
    """An argparse type for a count given on the command line: ``int(text)`` checked by :func:`positive_int`.

    ``what`` says what is counted (e.g. "clips per genre"); a refused value is repeated in the message.
    """

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number: {what} must be a positive integer, e.g. 1"
            ) from None
        try:
            return positive_int(number, name=what)
        except ParameterError as error:
            raise argparse.ArgumentTypeError(f"{text!r} is too small: {error}") from None

    parse.__name__ = "positive integer"  # argparse names the type by it in its own messages
    return parse


def _data_examples(args: argparse.Namespace) -> int:
    from .datasets import load_music_kit

    kit = load_music_kit(args.profile, progress=not args.quiet)
    for path in kit.export_examples(args.output, per_genre=args.per_genre):
        print(f"wrote {display_path(path)}")
    return 0


def _course_dir(args: argparse.Namespace) -> Path:
    from .course import find_course_dir

    return Path(args.course_dir) if args.course_dir else find_course_dir()


def _course_run(args: argparse.Namespace) -> int:
    from .course.runner import parse_parameter, run_course, summary_table, write_summary

    profile = get_profile(args.profile)
    parameters = dict(parse_parameter(p) for p in args.param)
    course_dir = _course_dir(args)
    if args.in_place:
        if args.output or parameters:
            raise ParameterError("--in-place writes back into the course directory: drop --output and --param.")
        output = course_dir
    else:
        output = Path(args.output) if args.output else data_home() / "runs" / profile.name
        if output.resolve() == course_dir.resolve():
            raise ParameterError(
                f"--output {args.output} is the course directory {course_dir}: the run would overwrite the course "
                "notebooks with injected parameters and this run's outputs. Choose another folder, or use "
                "--in-place (without --output) to refresh their stored outputs on purpose."
            )
    runs = run_course(
        course_dir, output, profile=profile, only=args.only, parameters=parameters, inject=not args.in_place
    )
    summary = write_summary(runs, data_home() / "runs" / "in-place" if args.in_place else output, profile)
    print(summary_table(runs, profile))
    for run in runs:
        if run.error:
            print(f"\n{run.notebook} failed in {run.error}", file=sys.stderr)
    print(f"\nexecuted notebooks: {display_path(output)}")
    print(f"summary: {display_path(summary)} and {display_path(summary.with_suffix('.md'))}")
    return 1 if any(r.status != "passed" for r in runs) else 0


def _course_student(args: argparse.Namespace) -> int:
    from .course import write_student_copies

    written = write_student_copies(_course_dir(args), args.output, args.only)
    for path in written:
        print(f"wrote {display_path(path)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cbrec-lab",
        description="Content-based recommendation with deep learning: music and images — course tools.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="print the installed version of cbrec-lab and exit",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    doctor = commands.add_parser("doctor", help="report the environment and check it can run the course")
    doctor.add_argument("--no-network", action="store_true", help="skip the 2-second network probe")
    doctor.set_defaults(func=_doctor)

    data = commands.add_parser("data", help="course data").add_subparsers(dest="data_command", required=True)
    prep = data.add_parser("prepare", help="build every registered kit for a profile ahead of class")
    prep.add_argument("--profile", choices=["ci", "small", "full"], help="default: $CBREC_PROFILE or small")
    prep.add_argument("--kits", nargs="+", metavar="NAME", help="only these kits")
    prep.add_argument("--quiet", action="store_true", help="no progress bars")
    prep.set_defaults(func=_data_prepare)
    examples = data.add_parser("examples", help="write music-kit clips, one (or more) per genre, as WAV files")
    examples.add_argument("--output", required=True, metavar="DIR")
    examples.add_argument("--profile", choices=["ci", "small", "full"], help="default: $CBREC_PROFILE or small")
    examples.add_argument(
        "--per-genre",
        type=_positive_int_argument("clips per genre"),
        default=1,
        metavar="N",
        help="clips per genre (≥ 1)",
    )
    examples.add_argument("--quiet", action="store_true", help="no progress bars")
    examples.set_defaults(func=_data_examples)

    course = commands.add_parser("course", help="run the course or make student copies")
    course_commands = course.add_subparsers(dest="course_command", required=True)
    run = course_commands.add_parser("run", help="execute notebooks headless and write a summary")
    run.add_argument("--profile", choices=["ci", "small", "full"], help="default: $CBREC_PROFILE or small")
    run.add_argument("--only", nargs="+", metavar="LESSON", help="lesson numbers or notebook names, e.g. 00 04")
    run.add_argument("--output", metavar="DIR", help="default: <data home>/runs/<profile>")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="extra notebook parameter")
    run.add_argument("--course-dir", metavar="DIR", help="default: the course/ folder of this checkout")
    run.add_argument(
        "--in-place",
        action="store_true",
        help="refresh the stored outputs of the course notebooks themselves (maintainers; use --profile ci)",
    )
    run.set_defaults(func=_course_run)

    student = course_commands.add_parser("student", help="write copies with solutions replaced by stubs")
    student.add_argument("--output", required=True, metavar="DIR")
    student.add_argument("--only", nargs="+", metavar="LESSON")
    student.add_argument("--course-dir", metavar="DIR")
    student.set_defaults(func=_course_student)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cbrec-lab`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    quiet_tensorflow()
    try:
        return args.func(args)
    except CbrecError as err:
        print(f"cbrec-lab: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a file the command had to read or write: say which and why, without a traceback
        print(f"cbrec-lab: error: {data_home_error(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cbrec-lab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
