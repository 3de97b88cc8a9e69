"""The ``penalties`` command line: parse arguments, call the library, render the answer.

Exit codes (documented in the README):

- 0: success, including "no tier applies";
- 2: bad input or usage (malformed amount, date or currency, unknown provision option,
  invalid statute file);
- 3: data not available (unknown provision, no version in force on the date, no rate);
- 1: anything unexpected (a bug: please report it).

Library modules are imported inside the commands that need them, so ``--help`` and
``--version`` stay fast and offline commands never import an HTTP stack.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from penalties.assessment import Assessment, PenaltyRange
    from penalties.catalog import Catalog
    from penalties.compile import Statute

__all__ = ["EXIT_BAD_INPUT", "EXIT_NO_DATA", "EXIT_OK", "EXIT_UNEXPECTED", "app", "main"]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_NO_DATA = 3

app = typer.Typer(
    name="penalties",
    help="What a statute puts at stake for the facts of a case, with its sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
)

_state: dict[str, list[Path]] = {"statutes": []}


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"penalties: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and a documented exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except LookupError as exc:
        _fail(str(exc), EXIT_NO_DATA)
    except ValueError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except Exception as exc:
        _fail(f"unexpected {type(exc).__name__}: {exc} (this is a bug; please report it with "
              "the command you ran)", EXIT_UNEXPECTED)


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _catalog() -> Catalog:
    from penalties.catalog import Catalog, default_catalog

    return Catalog(_state["statutes"]) if _state["statutes"] else default_catalog()


def _print_json(document: object) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _version(value: bool) -> None:
    if value:
        from penalties import __version__

        typer.echo(f"penalties {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    statutes: Annotated[list[Path] | None, typer.Option(
        "--statutes", metavar="DIR",
        help="Extra directory of statute files (repeatable; also PENALTIES_STATUTES).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """What a statute puts at stake for the facts of a case, with its sources."""
    _state["statutes"] = list(statutes or [])


JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List the provisions in the catalogue."""
    with _errors():
        rows = [_summary(s) for s in _catalog()]
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table("id", "aliases", "title", "currency", "versions")
    for row in rows:
        table.add_row(row["id"], ", ".join(row["aliases"]), row["title"], row["currency"],
                      row["coverage"])
    _console().print(table)


def _summary(statute: Statute) -> dict[str, Any]:
    model = statute.model
    return {"id": model.id, "aliases": model.aliases, "title": model.title.en,
            "title_original": model.title.original, "jurisdiction": model.jurisdiction,
            "instrument": model.instrument, "article": model.article,
            "currency": model.currency, "coverage": statute.coverage(),
            "versions": [v.effective_from.isoformat() for v in statute.versions]}


@app.command()
def show(
    provision: Annotated[str, typer.Argument(help="Provision id or alias, e.g. vn-225.")],
    as_json: JsonOption = False,
) -> None:
    """Show a provision: versions, tiers, triggers and penalties, with citations."""
    with _errors():
        statute = _catalog().get(provision)
    if as_json:
        _print_json(statute.model.model_dump(mode="json", by_alias=True, exclude_none=True))
        return
    console = _console()
    model = statute.model
    console.print(f"[bold]{model.id}[/bold] ({', '.join(model.aliases)}): {model.title.en}")
    console.print(f"{model.title.original} ({model.instrument}, Art. {model.article}); "
                  f"amounts in {model.currency}")
    for version in statute.versions:
        until = version.provision.version_until
        console.print(f"\nVersion in force from {version.effective_from.isoformat()}"
                      + (f" to {until.isoformat()}" if until else "")
                      + (f", amended by {version.model.amended_by}" if version.model.amended_by
                         else ""))
        for subject, tiers in version.tiers.items():
            label = statute.subjects[subject].label
            for tier in reversed(tiers):
                console.print(f"  [bold]{tier.ref}[/bold] ({label}) "
                              f"[{tier.model.citation.confidence.value}]")
                for line in _trigger_lines(tier.node, "    "):
                    console.print(line, markup=False)
                for p in tier.principal:
                    console.print(f"    principal (one of): {_range_text(p)}", markup=False)
                for p in tier.additional:
                    console.print(f"    additional: {_range_text(p)}", markup=False)


def _trigger_lines(node: object, indent: str) -> list[str]:
    from penalties.triggers import AllNode, AnyNode, BandNode, FlagNode

    if isinstance(node, FlagNode):
        return [f"{indent}{node.ref}: {node.fact}"]
    if isinstance(node, BandNode):
        return [f"{indent}{node.ref}: {node.fact} {node.words}"]
    assert isinstance(node, AnyNode | AllNode)
    word = "any of" if isinstance(node, AnyNode) else "all of"
    lines = [f"{indent}{word}:"]
    for child in node.children:
        lines += _trigger_lines(child, indent + "  ")
    return lines


def _range_text(p: PenaltyRange) -> str:
    from penalties.assessment import format_amount

    if p.is_money:
        low = format_amount(p.min.amount, p.min.currency.code) if p.min else "no minimum"
        high = format_amount(p.max.amount, p.max.currency.code) if p.max else "no maximum"
    else:
        low = f"{p.min_months} months" if p.min_months is not None else "no minimum"
        high = f"{p.max_months} months" if p.max_months is not None else "no maximum"
    text = f"{p.kind.replace('_', ' ')}: {low} to {high} [{p.ref}]"
    if p.min_source:
        text += f" (minimum from {p.min_source})"
    if p.only_with_principal:
        text += f" (only with: {', '.join(p.only_with_principal)})"
    return text


@app.command()
def assess(
    provision: Annotated[str, typer.Argument(help="Provision id or alias, e.g. vn-225.")],
    offender: Annotated[str, typer.Option(help="person or entity.")] = "person",
    profit: Annotated[str | None, typer.Option(
        help="Illicit profit, e.g. 250000000 or '250,000,000 VND'.")] = None,
    damage: Annotated[str | None, typer.Option(
        help="Damage caused to the right holder.")] = None,
    goods_value: Annotated[str | None, typer.Option(
        help="Value of the infringing goods.")] = None,
    commercial_scale: Annotated[bool, typer.Option(
        "--commercial-scale", help="On a commercial scale.")] = False,
    organised: Annotated[bool, typer.Option(
        "--organised", help="Committed in an organised manner.")] = False,
    times: Annotated[int, typer.Option(help="How many times the offence was committed.")] = 1,
    prior_admin_penalty: Annotated[bool | None, typer.Option(
        "--prior-admin-penalty/--no-prior-admin-penalty",
        help="An earlier administrative penalty for the same kind of act still counts.")] = None,
    prior_admin_penalty_completed: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Day that administrative penalty was completed.")] = None,
    prior_conviction: Annotated[bool | None, typer.Option(
        "--prior-conviction/--no-prior-conviction",
        help="An earlier conviction for this offence is not yet expunged.")] = None,
    prior_conviction_completed: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Day the earlier sentence was served.")] = None,
    prior_sentence: Annotated[str | None, typer.Option(
        help="Persons: principal penalty of the earlier conviction (non_custodial, "
        "prison_up_to_5_years, prison_5_to_15_years, prison_over_15_years).")] = None,
    offence_date: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="When the offence was committed (default: today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Assess the facts of a case under a provision."""
    with _errors():
        from penalties.api import assess as run
        from penalties.facts import Facts

        facts = Facts(
            offender=offender,  # type: ignore[arg-type]  # validated by Facts
            offence_date=offence_date,  # type: ignore[arg-type]
            illicit_profit=profit, damage=damage, goods_value=goods_value,  # type: ignore[arg-type]
            commercial_scale=commercial_scale, organised=organised, times=times,
            prior_admin_penalty=prior_admin_penalty,
            prior_admin_penalty_completed=prior_admin_penalty_completed,  # type: ignore[arg-type]
            prior_conviction=prior_conviction,
            prior_conviction_completed=prior_conviction_completed,  # type: ignore[arg-type]
            prior_sentence=prior_sentence,  # type: ignore[arg-type]
        )
        result = run(provision, facts, catalog=_catalog())
    if as_json:
        _print_json(result.to_dict())
        return
    _render_assessment(result)


def _render_assessment(result: Assessment) -> None:
    from rich.table import Table

    console = _console()
    p = result.provision
    console.print(f"[bold]{p.id}[/bold]: {p.title}")
    amended = f", amended by {p.amended_by}" if p.amended_by else ""
    console.print(f"{p.instrument}, Art. {p.article}, version in force from "
                  f"{p.version.isoformat()}{amended}", markup=False)
    basis = "offence date" if result.date_basis == "offence_date" else result.date_basis
    console.print(f"Offender: {result.offender.value}; date: {result.offence_date.isoformat()} "
                  f"({basis})")
    if result.tier is None:
        console.print("\n[bold]No tier applies.[/bold]")
    else:
        console.print(f"\n[bold]Tier {result.tier.ref}[/bold] [{result.tier.confidence}] because:",
                      markup=True)
        for reason in result.tier.reasons:
            console.print(f"  - {reason.text}", markup=False)
    if result.principal:
        table = Table("principal penalty (one of)", "from", "to", "ref", title=None)
        for item in result.principal:
            table.add_row(*_cells(item))
        console.print(table)
    if result.additional:
        table = Table("additional penalty (optional)", "from", "to", "ref")
        for item in result.additional:
            table.add_row(*_cells(item))
        console.print(table)
    for note in result.notes:
        console.print(f"Note: {note}", markup=False)
    if result.ignored:
        console.print(f"Not used by this provision: {', '.join(result.ignored)}", markup=False)


def _cells(p: PenaltyRange) -> tuple[str, str, str, str]:
    from penalties.assessment import format_amount

    name = p.kind.replace("_", " ")
    if p.only_with_principal:
        name += f" (only with {', '.join(p.only_with_principal)})"
    if p.is_money:
        low = format_amount(p.min.amount, p.min.currency.code) if p.min else "-"
        high = format_amount(p.max.amount, p.max.currency.code) if p.max else "no maximum"
    else:
        low = f"{p.min_months} months" if p.min_months is not None else "-"
        high = f"{p.max_months} months" if p.max_months is not None else "no maximum"
    if p.min_source:
        low += f" ({p.min_source})"
    return name, low, high, p.ref


@app.command()
def schema() -> None:
    """Print the JSON Schema of the statute file format."""
    from penalties.api import statute_schema

    _print_json(statute_schema())


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Statute files or directories of them.")],
    as_json: JsonOption = False,
) -> None:
    """Check statute files and run their golden cases."""
    from penalties.catalog import load_statute
    from penalties.errors import PenaltyError
    from penalties.golden import run_cases

    report: list[dict[str, Any]] = []
    for path in paths:
        if not path.exists():
            _fail(f"{path}: no such file or directory", EXIT_BAD_INPUT)
        for file in sorted(path.rglob("*.toml")) if path.is_dir() else [path]:
            entry: dict[str, Any] = {"file": str(file)}
            try:
                statute = load_statute(file)
                failures = [o for o in run_cases(statute) if not o.passed]
                entry.update(id=statute.id, cases=len(statute.model.cases),
                             failures=[{"case": o.name, "differences": list(o.differences)}
                                       for o in failures])
            except PenaltyError as exc:
                entry["error"] = str(exc)
            report.append(entry)
    ok = all("error" not in e and not e["failures"] for e in report)
    if as_json:
        _print_json({"ok": ok, "files": report})
    else:
        for e in report:
            if "error" in e:
                typer.echo(f"FAIL {e['error']}", err=True)
            elif e["failures"]:
                for f in e["failures"]:
                    typer.echo(f"FAIL {e['file']}: golden case {f['case']!r}: "
                               + "; ".join(f["differences"]), err=True)
            else:
                typer.echo(f"ok   {e['file']} ({e['id']}, {e['cases']} golden cases)")
    if not ok:
        raise typer.Exit(EXIT_BAD_INPUT)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    run: Callable[..., Any] = app
    run(args=argv, prog_name="penalties")


if __name__ == "__main__":  # pragma: no cover
    main()
