"""The ``penalties`` command line: parse the options, make one library call, render the answer.

Exit codes (documented in the README): 0 success (including "no tier applies"); 2 bad input
or usage (a malformed amount, date, currency or option, an invalid statute file); 3 data not
available (an unknown provision, no version in force on the date, no rate, a file that
cannot be opened); 4 ``batch --skip-invalid`` with rows in error; 1 anything unexpected (a
bug). The fact options are made from the facts vocabulary (``penalties/data/facts.toml``);
the words are the library's (:mod:`penalties._words`). Library modules are imported inside
the commands that need them, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from rich.console import Console

    from penalties import Assessment, Catalog

__all__ = ["EXIT_BAD_INPUT", "EXIT_NO_DATA", "EXIT_OK", "EXIT_SOME_ROWS_FAILED",
           "EXIT_UNEXPECTED", "app", "main"]

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_SOME_ROWS_FAILED = 0, 1, 2, 3, 4
_BUG = "(this is a bug; please report it with the command you ran)"


class _OneLineErrors(TyperGroup):
    """Usage errors (unknown command or option, bad value) as one line on stderr, exit 2."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:  # noqa: ANN401
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        except Exception as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                typer.echo(exc.format_message())  # type: ignore[attr-defined]
                sys.exit(EXIT_OK)
            if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
                where = getattr(getattr(exc, "ctx", None), "command_path", None) or "penalties"
                typer.echo(f"penalties: error: {exc.format_message().rstrip('.')} (see "
                           f"'{where} --help')", err=True)
                sys.exit(exc.exit_code)
            if type(exc).__name__ == "Abort":
                typer.echo("penalties: aborted", err=True)
                sys.exit(EXIT_UNEXPECTED)
            typer.echo(f"penalties: error: unexpected {type(exc).__name__}: {exc} {_BUG}",
                       err=True)
            sys.exit(EXIT_UNEXPECTED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


_HELP = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(cls=_OneLineErrors, name="penalties", no_args_is_help=True,
                  help="What a statute puts at stake for the facts of a case, with its sources.",
                  pretty_exceptions_enable=False, rich_markup_mode=None, context_settings=_HELP)
_state: dict[str, list[Path]] = {"statutes": []}


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"penalties: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors as one line on stderr and a documented exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except LookupError as exc:
        _fail(str(exc), EXIT_NO_DATA)
    except ValueError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except Exception as exc:
        _fail(f"unexpected {type(exc).__name__}: {exc} {_BUG}", EXIT_UNEXPECTED)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=not stderr)


def _print(*lines: str) -> None:
    console = _console()
    for line in lines:
        console.print(line, markup=False)


def _catalog(extra: list[Path] | None = None) -> Catalog:
    from penalties import Catalog
    from penalties.statutes._catalog import default_catalog

    directories = [*_state["statutes"], *(extra or [])]
    return Catalog(directories) if directories else default_catalog()


def _day(text: str | None, option: str) -> date | None:
    from penalties._values import read_option

    return read_option("date", option, text)  # type: ignore[return-value]


def _print_json(document: object) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _version(value: bool) -> None:
    if value:
        from penalties import __version__

        typer.echo(f"penalties {__version__}")
        raise typer.Exit()


Statutes = Annotated[list[Path] | None, typer.Option(
    "--statutes", metavar="DIR",
    help="Extra directory of statute files (repeatable; also PENALTIES_STATUTES).")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
Locale = Annotated[str | None, typer.Option(
    "--locale", help="Locale for money, e.g. en_US, fr_FR, vi_VN (default: the environment).")]
Provision = Annotated[str, typer.Argument(metavar="ID", help="Provision id or alias, e.g. vn-225.")]
To = Annotated[str | None, typer.Option(
    "--to", metavar="CUR", help="Also show every amount in this currency (ISO 4217).")]
RateDate = Annotated[str | None, typer.Option(
    "--rate-date", metavar="YYYY-MM-DD", help="Date of the exchange rate (default: the "
    "offence date).")]
InputRateDate = Annotated[str | None, typer.Option(
    "--input-rate-date", metavar="YYYY-MM-DD", help="Date of the rate that converts amounts "
    "given in another currency than the statute's (default: the offence date).")]
Source = Annotated[str | None, typer.Option(
    "--source", metavar="NAME", help="Rate source: snapshot (default, offline), ecb, "
    "currency-api, worldbank, open-er-api, or a chain such as 'ecb,snapshot'.")]
Extra = Annotated[list[str] | None, typer.Option(
    "--fact", metavar="NAME=VALUE", help="A fact a statute file declares (repeatable).")]


@app.callback()
def _main(statutes: Statutes = None, version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False
          ) -> None:
    """What a statute puts at stake for the facts of a case, with its sources."""
    _state["statutes"] = list(statutes or [])


def _fact_options() -> list[inspect.Parameter]:
    """One option per fact of the built-in vocabulary, as the vocabulary describes it."""
    from penalties._vocabulary import builtin_vocabulary

    params = []
    for fact in builtin_vocabulary():
        name, flag = f"--{fact.option}", fact.kind == "flag"
        if flag and fact.negative:
            kind: Any = Annotated[bool | None, typer.Option(
                f"{name}/--no-{fact.option}", help=fact.help)]
        elif flag:
            kind = Annotated[bool, typer.Option(name, help=fact.help)]
        else:
            metavar = {"date": "YYYY-MM-DD", "count": "N"}.get(fact.kind)
            kind = Annotated[str | None, typer.Option(name, help=fact.help, metavar=metavar)]
        default = "person" if fact.name == "offender" else (False if flag and not
                                                            fact.negative else None)
        params.append(inspect.Parameter(f"fact_{fact.name}", inspect.Parameter.KEYWORD_ONLY,
                                        default=default, annotation=kind))
    return params


def _with_facts(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the fact options (and ``--fact``); it receives the values as
    ``facts``, a mapping of fact names to what was typed."""
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for p in signature.parameters.values():
        params += _fact_options() if p.name == "facts" else [p.replace(kind=p.KEYWORD_ONLY)]

    def run(**values: Any) -> None:  # noqa: ANN401
        given = {k.removeprefix("fact_"): values.pop(k) for k in list(values)
                 if k.startswith("fact_")}
        for item in values.pop("extra", None) or []:
            name, sep, value = item.partition("=")
            if not sep:
                _fail(f"--fact: {item!r} is not NAME=VALUE (allowed: e.g. --fact "
                      "seats=120)", EXIT_BAD_INPUT)
            given[name.strip()] = value
        command(facts={k: v for k, v in given.items() if v is not None}, **values)

    run.__name__, run.__doc__ = command.__name__, command.__doc__
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


def _assess(provisions: list[str], facts: dict[str, Any], statutes: list[Path] | None,
            to: str | None, rate_date: str | None, input_rate_date: str | None,
            source: str | None) -> list[Assessment]:
    from penalties import compare

    return compare(provisions, facts, catalog=_catalog(statutes), to=to,
                   rate_date=_day(rate_date, "--rate-date"), rate_source=source,
                   input_rate_date=_day(input_rate_date, "--input-rate-date"))


@app.command()
@_with_facts
def assess(provision: Provision, facts: dict[str, Any], extra: Extra = None, to: To = None,
           rate_date: RateDate = None, input_rate_date: InputRateDate = None,
           source: Source = None, as_json: Json = False, locale: Locale = None,
           statutes: Statutes = None) -> None:
    """Assess the facts of a case under a provision."""
    with _errors():
        [result] = _assess([provision], facts, statutes, to, rate_date, input_rate_date, source)
        where = None if as_json else _locale(locale)
    if as_json:
        _print_json(result.to_dict())
        return
    _render(result, where or "en_US")


def _locale(name: str | None) -> str:
    from penalties import _words as words

    return words.locale(name)


def _render(result: Assessment, locale: str) -> None:
    from rich.table import Table

    from penalties import _words as words

    p, console = result.provision, _console()
    amended = f", amended by {p.amended_by}" if p.amended_by else ""
    basis = "offence date" if result.date_basis == "offence_date" else result.date_basis
    _print(f"{p.id}: {p.title}", f"{p.instrument}, {p.section_word} {p.article}, version in "
           f"force from {p.version.isoformat()}{amended}", f"Offender: {result.offender.value}; "
           f"date: {result.offence_date.isoformat()} ({basis})",
           *(f"Law applied: {line}" for line in result.law_choice),
           *(f"Input: {item.text}" for item in result.inputs))
    if result.tier is None:
        _print("", "No liability." if not result.liable else "No tier applies.")
    else:
        _print("", f"Tier {result.tier.ref} [{result.tier.confidence}] because:",
               *(f"  - {r.text}" for r in result.tier.reasons))
    rule = words.principal_rule(result.principal_rule)
    for title, items in ((f"principal penalty ({rule})", result.principal),
                         ("additional penalty (optional)", result.additional)):
        if items:
            table = Table(title, "from", "to", "ref")
            for item in items:
                table.add_row(words.range_name(item), *words.range_ends(item, locale), item.ref)
            console.print(table)
            _print(*(f"  {words.kind(i.kind)} {line}" for i in items for line in i.basis))
    _print(*(f"Note: {note}" for note in result.notes),
           *(f"See also: {pointer}" for pointer in result.see_also))
    if result.ignored:
        _print(f"Not used by this provision: {', '.join(result.ignored)}")
    if result.rate is not None:
        _print(f"Converted at {words.rate(result.rate)}. {result.rate.attribution}")


@app.command()
@_with_facts
def compare(provisions: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Two or more provision ids or aliases.")], facts: dict[str, Any],
            extra: Extra = None, to: To = None, rate_date: RateDate = None,
            input_rate_date: InputRateDate = None, source: Source = None, as_json: Json = False,
            locale: Locale = None, statutes: Statutes = None) -> None:
    """Assess one set of facts under several provisions, side by side (in one currency with
    --to, each provision's amounts converted at its own rate, stated)."""
    with _errors():
        results = _assess(provisions, facts, statutes, to, rate_date, input_rate_date, source)
        where = None if as_json else _locale(locale)
    if as_json:
        _print_json({"results": [r.to_dict() for r in results]})
        return
    from rich.table import Table

    from penalties import _words as words

    table = Table("provision", "tier", "principal penalties", "additional")
    for r in results:
        principal = words.joiner(r.principal_rule).join(
            words.range_line(p, where) for p in r.principal)
        tier = r.tier.ref if r.tier else ("not liable" if not r.liable else "none")
        table.add_row(r.provision.id, tier, principal or "-",
                      ", ".join(words.kind(p.kind) for p in r.additional) or "-")
    _console().print(table)
    _print(*(f"{r.provision.id}: converted at {words.rate(r.rate)}" for r in results if r.rate))
    currencies = sorted({r.provision.currency for r in results})
    if to is None and len(currencies) > 1:
        _print(f"The provisions use {', '.join(currencies)}: add --to CUR to compare them in "
               "one currency.")


@app.command("list")
def list_command(as_json: Json = False, statutes: Statutes = None) -> None:
    """List the provisions in the catalogue."""
    with _errors():
        rows = [{"id": s.id, "aliases": s.model.aliases, "title": s.model.title.en,
                 "title_original": s.model.title.original, "jurisdiction": s.model.jurisdiction,
                 "instrument": s.model.instrument, "article": s.model.article,
                 "currency": s.currency, "coverage": s.coverage(),
                 "versions": [v.effective_from.isoformat() for v in s.versions]}
                for s in _catalog(statutes)]
    if as_json:
        _print_json(rows)
        return
    for row in rows:  # one block per provision: ids are copied and must never be cut
        aliases = f"  ({', '.join(row['aliases'])})" if row["aliases"] else ""
        typer.echo(f"{row['id']}{aliases}  {row['currency']}  {row['coverage']}\n"
                   f"    {row['title']}")


@app.command()
def show(provision: Provision, as_json: Json = False, locale: Locale = None,
         statutes: Statutes = None) -> None:
    """Show a provision: versions, tiers, triggers and penalties, with citations."""
    with _errors():
        statute = _catalog(statutes).get(provision)
        where = None if as_json else _locale(locale)
    if as_json:
        _print_json(statute.model.model_dump(mode="json", by_alias=True, exclude_none=True))
        return
    from penalties import _words as words

    m = statute.model

    def fmt(amount: Any, currency: str) -> str:  # noqa: ANN401
        return words.money(amount, currency, where or "en_US")

    lines = [f"{m.id} ({', '.join(m.aliases)}): {m.title.en}",
             f"{m.title.original} ({m.instrument}, {m.section_word} {m.article}); {m.kind}; "
             f"amounts in {m.currency}"]
    lines += [f"Earlier offences: {m.predecessor}"] if m.predecessor else []
    lines += [f"Repealed on {m.repealed_on.isoformat()}" + (
        f" by {m.repealed_by}" if m.repealed_by else "")] if m.repealed_on else []
    lines += [f"Lex mitior: {m.lex_mitior.citation.translation}"] if m.lex_mitior else []
    lines += [f"Act {act.id!r}: {act.label}" for act in m.acts]
    for version in statute.versions:
        until = version.provision.version_until
        lines.append(f"\nVersion in force from {version.effective_from.isoformat()}"
                     + (f" to {until.isoformat()}" if until else "")
                     + (f", amended by {version.model.amended_by}" if version.model.amended_by
                        else ""))
        for subject, tiers in version.tiers.items():
            for tier in reversed(tiers):
                lines.append(f"  {tier.ref} ({statute.subjects[subject].label}) "
                             f"[{tier.model.citation.confidence.value}]")
                lines += words.outline(tier.node, "    ")
                rule = words.principal_rule(tier.model.principal_rule)
                lines += [f"    principal ({rule}): {words.range_spec(s, m.currency, fmt)}"
                          for s in tier.principal]
                lines += [f"    additional: {words.range_spec(s, m.currency, fmt)}"
                          for s in tier.additional]
        for mod in version.modifiers:
            who = f" for a {mod.subject.value}" if mod.subject else ""
            when = f" when {words.node(mod.node)}" if mod.node else ""
            targets = ", ".join(".".join(t) for t in sorted(mod.targets))
            lines.append(f"  × {mod.factor:f} on {targets}{who}{when} [{mod.ref}]")
    _print(*lines)


@app.command()
def thresholds(provision: Provision, on: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="The version in force, and the rate, on this date "
        "(default: today).")] = None, in_currency: Annotated[str | None, typer.Option(
        "--in", metavar="CUR", help="Also show every boundary in this currency.")] = None,
               source: Source = None, as_json: Json = False, locale: Locale = None,
               statutes: Statutes = None) -> None:
    """Every tier boundary of a provision, in its own currency (and another with --in)."""
    with _errors():
        from penalties import thresholds as boundaries

        statute = _catalog(statutes).get(provision)
        table = boundaries(statute, _day(on, "--on") or date.today(), in_currency, source)
        where = None if as_json else _locale(locale)
    if as_json:
        _print_json(table.to_dict())
        return
    from rich.table import Table

    from penalties import _words as words

    _console().print(f"[bold]{statute.id}[/bold]: {statute.model.title.en} (version in force "
                     f"from {table.version.isoformat()})")
    labels = {s.kind.value: s.label for s in statute.model.subjects}
    for subject in dict.fromkeys(r.subject for r in table):
        grid = Table(title=labels.get(subject, subject), title_justify="left")
        for name in ("clause", "fact", "threshold", "only if"):
            grid.add_column(name, no_wrap=name in ("clause", "fact"))
        for row in (r for r in table if r.subject == subject):
            clause = (row.ref if row.ref.startswith(row.tier_ref)
                      else f"{row.tier_ref} via {row.ref}")
            grid.add_row(clause, row.fact, words.threshold(row, where), row.condition or "")
        _console().print(grid)
    if table.rate is not None:
        _print(f"Converted at {words.rate(table.rate)}. {table.rate.attribution}")


@app.command()
def convert(amount: Annotated[str, typer.Argument(metavar="AMOUNT", help="Amount with its "
            "currency, e.g. '1000000000 VND'.")], to: Annotated[str, typer.Option(
            "--to", metavar="CUR", help="Target currency (ISO 4217).")],
            on: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Date of the "
                          "rate (default: today).")] = None,
            source: Source = None, as_json: Json = False, locale: Locale = None) -> None:
    """Convert an amount at the rate for a date, with the rate's provenance."""
    with _errors():
        import rates

        result = rates.convert(amount, to, _day(on, "--on") or date.today(), source=source)
        where = None if as_json else _locale(locale)
    if as_json:
        _print_json(result.to_dict())
        return
    from penalties import _words as words

    document = result.to_dict()
    shown = where or "en_US"
    given = words.money(result.original.amount, result.currency, shown, exact=True)
    _console().print(f"{given} = [bold]{words.money(result.rounded, result.target, shown)}[/bold]")
    _print(f"Rate: {words.rate(result.rate)}", f"Rounded once to the minor unit of "
           f"{result.target} ({result.rounding}); unrounded {document['unrounded']}",
           *dict.fromkeys(_attributions(result.rate)))


def _attributions(rate: Any) -> list[str]:  # noqa: ANN401 - a Rate
    return [rate.attribution, *(a for leg in rate.legs for a in _attributions(leg))]


rates_app = typer.Typer(help="Rate sources, the embedded snapshot and the cache.",
                        no_args_is_help=True, context_settings=_HELP)
app.add_typer(rates_app, name="rates")


@rates_app.command("sources")
def rates_sources(as_json: Json = False) -> None:
    """List the rate sources: the offline snapshot and the opt-in online ones."""
    import rates

    rows = [{"name": s.name, "title": s.title, "online": s.online,
             "description": s.description} for s in rates.list_sources()]
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table("name", "online", "title")
    for row in rows:
        table.add_row(str(row["name"]), "yes" if row["online"] else "no (default)",
                      str(row["title"]))
    _console().print(table)


@rates_app.command("info")
def rates_info(as_json: Json = False) -> None:
    """Coverage and attribution of the embedded snapshot."""
    import rates

    info = rates.snapshot_info().to_dict()
    if as_json:
        _print_json(info)
        return
    for d in info["datasets"]:
        _print(f"{d['title']} ({d['basis']}): {d['first']} to {d['last']}, "
               f"{len(d['coverage'])} currencies", f"  rule: {d['rule']}",
               f"  {d['attribution']}; {d['licence']}")


@rates_app.command("update")
def rates_update(source: Annotated[str, typer.Option(metavar="NAME", help="Online source to "
                 "warm.")], start: Annotated[str, typer.Option(metavar="YYYY-MM-DD",
                 help="First day.")], end: Annotated[str, typer.Option(metavar="YYYY-MM-DD",
                 help="Last day.")], currencies: Annotated[str, typer.Option(
                 metavar="CUR,...", help="Currencies to fetch, comma-separated.")] = "VND,EUR",
                 ) -> None:
    """Fetch rates for a date range into the cache, so later lookups work offline."""
    with _errors():
        from rich.progress import Progress

        import rates

        console = _console(stderr=True)
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task(f"warming {source}", total=None)
            report = rates.update(source, start, end, [c.strip() for c in currencies.split(",")
                                                       if c.strip()],
                                  progress=lambda done, total: bar.update(
                                      task, completed=done, total=total))
    if not report.tried:
        typer.echo(f"penalties: {report.source} is offline: nothing to fetch", err=True)
        return
    line = f"penalties: {report.source}: {report.answered} of {report.tried} lookups answered"
    line += f", {report.missing} without a rate for their day" if report.missing else ""
    if report.failures:
        line += f", {len(report.failures)} failed (the first: {report.failures[0]})"
    typer.echo(line, err=True)
    if report.failures:
        raise typer.Exit(EXIT_NO_DATA)


@rates_app.command("clear")
def rates_clear() -> None:
    """Delete the HTTP cache of the online sources (the snapshot is not affected)."""
    with _errors():
        import rates

        rates.clear_cache()
    typer.echo("penalties: rate cache cleared", err=True)


@app.command()
def batch(input_path: Annotated[str, typer.Argument(metavar="INPUT", help="Cases: a .csv or "
          ".jsonl file, or - for standard input.")], provision: Annotated[str, typer.Option(
          metavar="ID", help="Provision id or alias.")], output: Annotated[str, typer.Option(
          "-o", "--output", metavar="OUTPUT", help="Results: a .csv or .jsonl file, or -.")],
          input_format: Annotated[str | None, typer.Option("--input-format",
          metavar="csv|jsonl", help="Default: from the file name; csv.")] = None,
          output_format: Annotated[str | None, typer.Option("--output-format",
          metavar="csv|jsonl", help="Default: from the file name; csv.")] = None,
          to: To = None, rate_date: RateDate = None, source: Source = None,
          skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Go on past "
          "invalid rows (they are reported and written with their error); the exit code is "
          "then 4.")] = False, statutes: Statutes = None) -> None:
    """Assess many cases from a CSV or JSON Lines file; one result per row."""
    from penalties.batch._run import BatchFiles, run_batch

    def report(row: int, error: str) -> None:
        if not skip_invalid:
            _fail(f"row {row}: {error} (rows before it were written; --skip-invalid goes on "
                  "past invalid rows)", EXIT_BAD_INPUT)
        failures.append(row)
        if len(failures) <= 20:  # the first ones: the output has them all
            typer.echo(f"penalties: row {row}: {error}", err=True)

    failures: list[int] = []
    with _errors():
        files = BatchFiles.of(input_path, output, input_format, output_format)
        with _progress(files.size()) as tick:
            run_batch(files, provision, catalog=_catalog(statutes), to=to,
                      rate_date=_day(rate_date, "--rate-date"), rate_source=source,
                      stop_at_error=not skip_invalid, on_error=report, progress=tick)
    if failures:
        rows = "1 row" if len(failures) == 1 else f"{len(failures)} rows"
        typer.echo(f"penalties: {rows} failed; they are in the output with their error",
                   err=True)
        raise typer.Exit(EXIT_SOME_ROWS_FAILED)


@contextmanager
def _progress(size: int | None) -> Iterator[Callable[[int, int | None], None]]:
    """Progress on stderr when it is a terminal: a bar of the share of the input read, the
    rows done and the time left; from standard input, the rows done."""
    if not sys.stderr.isatty():
        yield lambda rows, read: None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    rows = TextColumn("{task.fields[rows]:,} rows")
    columns: tuple[ProgressColumn, ...] = (
        (BarColumn(), TaskProgressColumn(), rows, TimeRemainingColumn()) if size
        else (SpinnerColumn(), rows))
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("batch", total=size or None, rows=0)
        yield lambda done, read: bar.update(task, rows=done, completed=read)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the statute file format."""
    from penalties import statute_schema

    _print_json(statute_schema())


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="Statute files or directories "
             "of them.")], as_json: Json = False) -> None:
    """Check statute files and run their golden cases."""
    with _errors():
        from penalties.statutes._golden import validate as check

        report = check(paths)
    ok = all("error" not in e and not e["failures"] for e in report)
    if as_json:
        _print_json({"ok": ok, "files": report})
    else:
        for e in report:
            failed: list[dict[str, Any]] = e.get("failures") or []  # type: ignore[assignment]
            if "error" in e:
                typer.echo(f"FAIL {e['error']}", err=True)
            for f in failed:
                typer.echo(f"FAIL {e['file']}: golden case {f['case']!r}: "
                           + "; ".join(f["differences"]), err=True)
            if "error" not in e and not failed:
                typer.echo(f"ok   {e['file']} ({e['id']}, {e['cases']} golden cases)")
    if not ok:
        raise typer.Exit(EXIT_BAD_INPUT)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the ``penalties`` console script starts here through
    :mod:`penalties.__main__`, which first tunes the garbage collector for a short process)."""
    run: Callable[..., Any] = app
    run(args=argv, prog_name="penalties")


if __name__ == "__main__":  # pragma: no cover
    main()
