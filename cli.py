"""The ``penalties`` command line: parse the options, make one library call, print the answer.

Exit codes (documented in the README): 0 success (including "no tier applies"); 2 bad input
or usage (a malformed amount, date, currency or option, an invalid statute file); 3 data not
available (an unknown provision, no version in force on the date, no rate, a file that
cannot be opened or written); 4 ``batch --skip-invalid`` with rows in error; 130 a batch
interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM), 129 hung up (SIGHUP); 1 anything
unexpected (a bug). The fact options are made from the facts vocabulary
(``penalties/data/facts.toml``); the text is the library's (:mod:`penalties._text`).
Library modules are imported inside the commands that need them, so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from penalties import Assessment, Catalog, TierMap
    from penalties._text import Text
    from rates import Rate

__all__ = ["EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_HANGUP", "EXIT_INTERRUPTED", "EXIT_NO_DATA",
           "EXIT_OK", "EXIT_SOME_ROWS_FAILED", "EXIT_TERMINATED", "EXIT_UNEXPECTED", "app", "main"]

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_SOME_ROWS_FAILED = 0, 1, 2, 3, 4
#: 128 + the signal's number, as a shell reports a command the signal ended: SIGINT (Ctrl-C),
#: SIGTERM, SIGHUP (the terminal closed), and SIGPIPE (the reader of standard output went
#: away: ``| head``), which ends the console script itself (:mod:`penalties.__main__`).
EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_HANGUP, EXIT_BROKEN_PIPE = 130, 143, 129, 141
_BUG = "(this is a bug; please report it with the command you ran)"


class _OneLineErrors(TyperGroup):
    """Every error as one line on stderr with its exit code: usage errors (unknown command
    or option, bad value) 2, the library's errors 2 (``ValueError``) or 3 (``LookupError``),
    anything else 1 with a request to report it."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:  # noqa: ANN401
        from penalties import PenaltyError
        from rates import RateError

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        from penalties._process import warnings_as_lines

        try:
            with warnings_as_lines():
                code = super().main(args, prog_name, complete_var, False,
                                    windows_expand_args, **extra)
        except (PenaltyError, RateError) as exc:
            code = (EXIT_NO_DATA if isinstance(exc, LookupError) else EXIT_BAD_INPUT
                    if isinstance(exc, ValueError) else EXIT_UNEXPECTED)
            _say(f"{exc} {_BUG}" if code == EXIT_UNEXPECTED else str(exc))
        except Exception as exc:
            name, code = type(exc).__name__, getattr(exc, "exit_code", EXIT_UNEXPECTED)
            if name == "NoArgsIsHelpError":
                typer.echo(exc.format_message())  # type: ignore[attr-defined]
                code = EXIT_OK
            elif hasattr(exc, "format_message"):
                where = getattr(getattr(exc, "ctx", None), "command_path", None) or "penalties"
                _say(f"{exc.format_message().rstrip('.')} (see '{where} --help')")
            else:
                _say("aborted" if name == "Abort" else f"unexpected {name}: {exc} {_BUG}")
                code = EXIT_UNEXPECTED
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class _OnceEach(TyperCommand):
    """A command whose options are each given at most once: ``--profit 1 --profit 2`` (or
    ``--prior-conviction --no-prior-conviction``) is a usage error naming the option (exit
    2), not the last value silently. Options that take several values (``--only``) may
    repeat."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # noqa: ANN401 - click's
        from collections import Counter

        if args and not ctx.resilient_parsing:
            _, _, order = self.make_parser(ctx).parse_args(args=list(args))
            times = Counter(param for param in order if param.param_type_name == "option"
                            and not param.multiple and not getattr(param, "count", False))
            for param, count in times.items():
                if count > 1:
                    names = " / ".join([*param.opts, *param.secondary_opts])
                    ctx.fail(f"{names} is given {count} times; give it once")
        return super().parse_args(ctx, args)


def _say(message: str) -> None:
    typer.echo(f"penalties: error: {message}", err=True)


_HELP = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(cls=_OneLineErrors, name="penalties", no_args_is_help=True,
                  help="What a statute puts at stake for the facts of a case, with its sources.",
                  pretty_exceptions_enable=False, rich_markup_mode=None, context_settings=_HELP)
rates_app = typer.Typer(help="Rate sources, the embedded snapshot and the cache.",
                        no_args_is_help=True, context_settings=_HELP)
app.add_typer(rates_app, name="rates")
_state: dict[str, list[Path]] = {"statutes": []}


def _fail(message: str, code: int) -> NoReturn:
    _say(message)
    raise typer.Exit(code)


def _show(text: Text) -> None:
    from penalties._console import show

    show(text)


def _json(document: object) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _catalog(extra: list[Path] | None = None, *, strict: bool = True) -> Catalog:
    from penalties import Catalog
    from penalties.statutes._catalog import default_catalog

    directories = [*_state["statutes"], *(extra or [])]
    if directories or not strict:
        return Catalog(directories, strict=strict)
    return default_catalog()


def _today() -> date:
    from rates.lookback import today

    return today()


def _warn_stale(*found: Rate | None) -> None:
    """One line on stderr for each stale rate a result used: how old, and how to refresh."""
    from penalties._text import stale_warning

    for line in dict.fromkeys(filter(None, map(stale_warning, found))):
        typer.echo(f"penalties: warning: {line}", err=True)


def _unused(rate_date: str | None, source: str | None, rates: Sequence[Rate | None],
            inputs: int) -> None:
    """One line on stderr for each rate option that changed nothing (``--rate-date`` when
    nothing was converted to ``--to``...): accepted and silently ignored, it would seem to
    have been used. (An unused ``--input-rate-date`` is said by the result's notes.)"""
    converted = any(rate is not None for rate in rates)
    for option, given, used, why in (
            ("--rate-date", rate_date, converted,
             "nothing is converted: the amounts are already in that currency"),
            ("--source", source, converted or inputs > 0, "no rate is needed")):
        if given is not None and not used:
            typer.echo(f"penalties: note: {option} {given} is not used: {why}", err=True)


def _rate_day(text: str | None, to: str | None, to_option: str = "--to") -> date | None:
    """``--rate-date`` read as the library reads ``rate_date`` (refused without ``to``)."""
    from penalties.assessment._conversion import rate_day

    return rate_day(text, to, "--rate-date", to_option)


def _day(text: str | None, option: str) -> date | None:
    from penalties._values import day_option

    return day_option(option, text)  # type: ignore[no-any-return]


def _locale(name: str | None) -> str:
    from penalties import _words as words

    return words.locale(name)


def _answer(as_json: bool, document: Callable[[], object],
            lines: Callable[[ModuleType], Text]) -> None:
    """Print ``document()`` as JSON, or the lines that ``lines`` makes with
    :mod:`penalties._text` for people."""
    if as_json:
        _json(document())
        return
    from penalties import _text

    _show(lines(_text))


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
Day = Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="The date whose rate "
                                         "converts the amount (default: today).")]


@app.callback()
def _main(statutes: Statutes = None, version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False
          ) -> None:
    """What a statute puts at stake for the facts of a case, with its sources."""
    _state["statutes"] = list(statutes or [])


def _with_facts(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` an option per fact of the built-in vocabulary (and ``--fact``); it
    receives what was typed as ``facts``, a mapping of fact names to values."""
    from penalties._vocabulary import builtin_vocabulary

    options = []
    defaults: dict[str, tuple[object, str]] = {}  # a fact's default and option
    for fact in builtin_vocabulary():
        name, flag = f"--{fact.option}", fact.kind == "flag"
        metavar = {"date": "YYYY-MM-DD", "count": "N"}.get(fact.kind)
        kind: Any = (Annotated[bool | None, typer.Option(f"{name}/--no-{fact.option}",
                                                         help=fact.help)] if flag and fact.negative
                     else Annotated[bool, typer.Option(name, help=fact.help)] if flag
                     else Annotated[str | None, typer.Option(name, help=fact.help,
                                                             metavar=metavar)])
        default = "person" if fact.name == "offender" else (False if flag and not fact.negative
                                                            else None)
        options.append(inspect.Parameter(f"fact_{fact.name}", inspect.Parameter.KEYWORD_ONLY,
                                         default=default, annotation=kind))
        defaults[fact.name] = (default, name)
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for p in signature.parameters.values():
        params += options if p.name == "facts" else [p.replace(kind=p.KEYWORD_ONLY)]

    def run(**values: Any) -> None:  # noqa: ANN401
        given = {k.removeprefix("fact_"): values.pop(k) for k in list(values)
                 if k.startswith("fact_")}
        typed: set[str] = set()  # the facts given by --fact
        for item in values.pop("extra", None) or []:
            name, sep, value = item.partition("=")
            if not sep:
                _fail(f"--fact: {item!r} is not NAME=VALUE (allowed: e.g. --fact "
                      "seats=120)", EXIT_BAD_INPUT)
            name = name.strip()
            default, option = defaults.get(name, (None, "--fact"))
            if name in typed or given.get(name, default) != default:  # two values: which?
                _fail(f"--fact: {name} is given twice (by {'--fact' if name in typed else option}"
                      " too); give it once", EXIT_BAD_INPUT)
            given[name] = value
            typed.add(name)
        for name, value in given.items():  # "$DAY" unset: not today's date, silently
            if isinstance(value, str) and not value.strip():
                option = "--fact" if name in typed else defaults.get(name, (None, "--fact"))[1]
                _fail(f"{option}: {name} is empty (allowed: a value; leave the option out to "
                      "give none)", EXIT_BAD_INPUT)
        command(facts={k: v for k, v in given.items() if v is not None}, **values)

    run.__name__, run.__doc__ = command.__name__, command.__doc__
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


def _assess(provisions: list[str], facts: dict[str, Any], catalog: Catalog,
            to: str | None, rate_date: str | None, input_rate_date: str | None,
            source: str | None) -> list[Assessment]:
    from penalties import compare

    return compare(provisions, facts, catalog=catalog, to=to,
                   rate_date=_rate_day(rate_date, to), rate_source=source,
                   input_rate_date=_day(input_rate_date, "--input-rate-date"))


@app.command()
@_with_facts
def assess(provision: Provision, facts: dict[str, Any], extra: Extra = None, to: To = None,
           rate_date: RateDate = None, input_rate_date: InputRateDate = None,
           source: Source = None, as_json: Json = False, locale: Locale = None,
           statutes: Statutes = None) -> None:
    """Assess the facts of a case under a provision, with how far each amount or count given
    is from the next and the previous tier."""
    from penalties import margins

    catalog = _catalog(statutes)  # one catalogue for the case and its margins
    [result] = _assess([provision], facts, catalog, to, rate_date, input_rate_date, source)
    found = margins(result, catalog=catalog, to=to, rate_source=source)

    def document() -> object:
        return result.to_dict(found)

    def lines(text: ModuleType) -> Text:
        from penalties._text_map import margin_lines

        shown = _locale(locale)
        return [*text.assessment(result, shown), *margin_lines(found, shown)]

    _answer(as_json, document, lines)
    _warn_stale(result.rate, *(item.rate for item in result.inputs))
    _unused(rate_date, source, [result.rate], len(result.inputs))


@app.command()
@_with_facts
def compare(facts: dict[str, Any], provisions: Annotated[list[str] | None, typer.Argument(
        metavar="[ID...]", help="Provision ids or aliases (or --all).")] = None,
            every: Annotated[bool, typer.Option("--all", help="Every provision of the "
                                                "catalogue.")] = False,
            extra: Extra = None, to: To = None, rate_date: RateDate = None,
            input_rate_date: InputRateDate = None, source: Source = None, as_json: Json = False,
            locale: Locale = None, statutes: Statutes = None) -> None:
    """Assess one set of facts under several provisions, ranked by the highest fine, then
    the longest imprisonment (in one currency with --to, each provision's amounts converted
    at its own rate, stated); a provision that cannot answer the facts is named with why."""
    from penalties import compare_all

    if every == bool(provisions):
        raise typer.BadParameter("give provision ids, or --all (one of the two)",
                                 param_hint="ID")
    catalog = _catalog(statutes, strict=not every)  # --all: the files that load, as `list`
    found = compare_all(facts, None if every else provisions, catalog=catalog, to=to,
                        rate_date=_rate_day(rate_date, to), rate_source=source,
                        input_rate_date=_day(input_rate_date, "--input-rate-date"))
    _answer(as_json, found.to_dict, lambda text: text.comparison(found, _locale(locale)))
    _warn_stale(*(r.rate for r in found.results),
                *(i.rate for r in found.results for i in r.inputs))
    _unused(rate_date, source, [r.rate for r in found.results],
            sum(len(r.inputs) for r in found.results))
    _unloaded(catalog)
    if found.unanswered and not found.results:  # shown, and said: no provision answered
        raise typer.Exit(EXIT_NO_DATA)


@app.command("list")
def list_command(as_json: Json = False, statutes: Statutes = None) -> None:
    """List the provisions in the catalogue; a statute file that does not load is named on
    stderr with its own error, one line each (exit code 2)."""
    catalog = _catalog(statutes, strict=False)
    rows = [s.summary() for s in catalog]
    _answer(as_json, lambda: rows, lambda text: text.provisions(rows))
    _unloaded(catalog)


def _unloaded(catalog: Catalog) -> None:
    """Each statute file of ``catalog`` that did not load, one line on stderr, then exit 2
    (the answer, from the files that loaded, is printed before)."""
    from penalties._text import unloaded

    for line in unloaded(catalog.problems):
        _say(line)
    if catalog.problems:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def show(provision: Provision, as_json: Json = False, locale: Locale = None,
         statutes: Statutes = None) -> None:
    """Show a provision: versions, tiers, triggers and penalties, with citations."""
    statute = _catalog(statutes).get(provision)
    _answer(as_json, lambda: statute.model.model_dump(mode="json", by_alias=True,
                                                      exclude_none=True),
            lambda text: text.provision(statute, _locale(locale)))


@app.command()
def thresholds(provision: Provision, on: Annotated[str | None, typer.Option(
        "--on", "--offence-date", metavar="YYYY-MM-DD", help="The version in force, and the "
        "rate, on this date (default: today).")] = None, in_currency: Annotated[
        str | None, typer.Option("--in", "--to", metavar="CUR", help="Also show every "
                                 "boundary in this currency.")] = None, source: Source = None,
               rate_date: RateDate = None, as_json: Json = False, locale: Locale = None,
               statutes: Statutes = None) -> None:
    """Every tier boundary of a provision, in its own currency (and another with --in)."""
    from penalties import thresholds as boundaries

    statute = _catalog(statutes).get(provision)
    table = boundaries(statute, _day(on, "--on") or _today(), in_currency, source,
                       rate_date=_rate_day(rate_date, in_currency, "--in"))
    _unused(rate_date, source, [table.rate], 0)
    _answer(as_json, table.to_dict, lambda text: text.thresholds(table, _locale(locale)))
    _warn_stale(table.rate)


@app.command()
def convert(amount: Annotated[str, typer.Argument(metavar="AMOUNT", help="Amount with its "
            "currency, e.g. '1000000000 VND'.")], to: Annotated[str, typer.Option(
            "--to", metavar="CUR", help="Target currency (ISO 4217).")], on: Day = None,
            source: Source = None, as_json: Json = False, locale: Locale = None) -> None:
    """Convert an amount at the rate for a date, with the rate's provenance."""
    import rates

    result = rates.convert(amount, to, _day(on, "--on"), source=source)  # (None: today)
    _answer(as_json, result.to_dict, lambda text: text.conversion(result, _locale(locale)))
    _warn_stale(result.rate)


@rates_app.command("sources")
def rates_sources(as_json: Json = False) -> None:
    """List the rate sources: the offline snapshot and the opt-in online ones."""
    import rates

    rows = [{"name": s.name, "title": s.title, "online": s.online,
             "description": s.description} for s in rates.list_sources()]
    _answer(as_json, lambda: rows, lambda text: text.sources(rows))


@rates_app.command("info")
def rates_info(as_json: Json = False) -> None:
    """Coverage and attribution of the embedded snapshot."""
    import rates

    info = rates.snapshot_info().to_dict()
    _answer(as_json, lambda: info, lambda text: text.snapshot(info))


@rates_app.command("update")
def rates_update(source: Annotated[str, typer.Option(metavar="NAME", help="Online source to "
                 "warm.")], start: Annotated[str, typer.Option(metavar="YYYY-MM-DD",
                 help="First day.")], end: Annotated[str, typer.Option(metavar="YYYY-MM-DD",
                 help="Last day.")], currencies: Annotated[str | None, typer.Option(
                 metavar="CUR,...", help="Currencies to fetch, comma-separated (default: "
                 "those the source publishes; VND and EUR for a source that does not say)."
                 )] = None) -> None:
    """Fetch rates for a date range into the cache, so later lookups work offline."""
    import rates
    from penalties._console import progress

    codes = None if currencies is None else [c.strip() for c in currencies.split(",")
                                             if c.strip()]
    with progress(None, f"warming {source}") as tick:
        report = rates.update(source, start, end, codes,
                              progress=lambda done, total: tick(done, total))
    typer.echo(f"penalties: {report.summary()}", err=True)
    if report.failures:
        raise typer.Exit(EXIT_NO_DATA)


@rates_app.command("refresh")
def rates_refresh(from_file: Annotated[list[Path] | None, typer.Option("--from-file",
                  metavar="FILE", help="Build from a file you downloaded (an ECB "
                  "eurofxref-hist.zip or .csv, an IMF exchange-rate CSV), no network; "
                  "repeatable.")] = None) -> None:
    """Download the ECB and IMF files and write a user snapshot, used from then on."""
    from rates.refresh import refresh

    report = refresh(from_file or ())
    typer.echo(f"penalties: {report.summary()}", err=True)


@rates_app.command("clear")
def rates_clear() -> None:
    """Delete the HTTP cache of the online sources (the snapshot is not affected)."""
    import rates

    rates.clear_cache()
    typer.echo("penalties: rate cache cleared", err=True)


@app.command()
def batch(input_path: Annotated[str, typer.Argument(metavar="INPUT", help="Cases: a .csv or "
          ".jsonl file, or - for standard input.")], provision: Annotated[str, typer.Option(
          metavar="ID", help="Provision id or alias.")], output: Annotated[str, typer.Option(
          "-o", "--output", metavar="OUTPUT", help="Results: a .csv or .jsonl file, or -.")],
          input_format: Annotated[str | None, typer.Option("--input-format",
          metavar="csv|jsonl", help="Default: jsonl for a .jsonl file, else JSON Lines if the "
          "first character that is not a space is '{', else csv.")] = None,
          output_format: Annotated[str | None, typer.Option("--output-format",
          metavar="csv|jsonl", help="Default: from the file name; csv.")] = None,
          delimiter: Annotated[str | None, typer.Option("--delimiter", metavar="CHAR",
          help="What separates a CSV input's fields: ',', ';' or tab (default: detected "
          "from the first lines).")] = None,
          decimal_mark: Annotated[str | None, typer.Option("--decimal-mark", metavar=". or ,",
          help="The decimal mark of a CSV input's amounts (default: ',' when the fields are "
          "separated by ';', else '.').")] = None,
          strict_columns: Annotated[bool, typer.Option("--strict-columns", help="Refuse a CSV "
          "column that is not a fact or id (default: carry it through to the output).")
          ] = False,
          escape_formulas: Annotated[bool, typer.Option("--escape-formulas", help="Write "
          "each CSV cell that a spreadsheet would run as a formula (it begins with = + - @, "
          "a tab or a carriage return) behind an apostrophe; for outputs from untrusted "
          "cases.")] = False,
          to: To = None, rate_date: RateDate = None, input_rate_date: InputRateDate = None,
          source: Source = None,
          skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Go on past "
          "invalid rows (they are reported and written with their error); the exit code is "
          "then 4.")] = False, statutes: Statutes = None) -> None:
    """Assess many cases from a CSV or JSON Lines file; one result per row. CSV headers
    match the facts whatever their case, spaces, '_' and '-'; other columns are carried
    through to the output (said once on stderr)."""
    from penalties.batch._decimal import decimal_mark_of
    from penalties.batch._run import BatchFiles, run_batch
    from penalties.batch._sniff import delimiter_of

    failures: list[int] = []

    def report(row: int, error: str) -> None:
        failures.append(row)
        if len(failures) <= 20:  # the first ones: the output has them all
            typer.echo(f"penalties: row {row}: {error}", err=True)

    said: set[tuple[str, str, str, str]] = set()

    def stale(rate: Rate) -> None:  # once per observation, however many dates use it
        if (seen := (rate.base, rate.quote, rate.period, rate.source)) not in said:
            said.add(seen)
            _warn_stale(rate)

    def note(text: str) -> None:
        typer.echo(f"penalties: note: {text}", err=True)

    separator = delimiter_of(delimiter)
    if decimal_mark is not None:
        decimal_mark_of(decimal_mark, separator or "")  # a bad mark is refused before reading
    files = BatchFiles.of(input_path, output, input_format, output_format)
    from penalties._console import progress
    from penalties._process import (
        Terminated,
        ending,
        quiet_standard_output,
        terminated_as_an_exception,
    )

    try:
        with terminated_as_an_exception(), progress(files.size(), "") as tick:
            run_batch(files, provision, catalog=_catalog(statutes), to=to,
                      rate_date=_rate_day(rate_date, to), rate_source=source,
                      stop_at_error=not skip_invalid, on_error=report if skip_invalid else None,
                      progress=tick, on_stale=stale, delimiter=separator,
                      strict_columns=strict_columns, on_note=note,
                      decimal_mark=decimal_mark,
                      input_rate_date=_day(input_rate_date, "--input-rate-date"),
                      escape_formulas=escape_formulas)
    except (KeyboardInterrupt, Terminated) as exc:
        _fail(*ending(exc))  # (EXIT_INTERRUPTED, EXIT_TERMINATED or EXIT_HANGUP)
    except BrokenPipeError:  # the reader of standard output went away: end quietly
        quiet_standard_output()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    if failures:
        rows = "1 row" if len(failures) == 1 else f"{len(failures)} rows"
        typer.echo(f"penalties: {rows} failed; they are in the output with their error",
                   err=True)
        raise typer.Exit(EXIT_SOME_ROWS_FAILED)


@app.command()
def schema(output: Annotated[str | None, typer.Option(
        "--output", metavar="NAME", help="The JSON Schema of a --json document instead: "
        "assess, compare, thresholds, map, convert or batch-row (a line of batch's JSON "
        "Lines output).")] = None) -> None:
    """Print the JSON Schema of the statute file format, or with --output of a --json
    document."""
    from penalties import result_schema, statute_schema

    _json(statute_schema() if output is None else result_schema(output))


Vary = Annotated[str, typer.Option(metavar="FACT", help="The amount or count to vary, by "
                                   "name or option (default: illicit_profit, i.e. profit).")]


def _tier_map(provision: str, facts: dict[str, Any], vary: str, statutes: list[Path] | None,
              to: str | None, rate_date: str | None, input_rate_date: str | None,
              source: str | None) -> TierMap:
    """The tier map that ``map`` and ``chart`` show, from their options."""
    from penalties import tier_map

    found = tier_map(provision, facts, vary, catalog=_catalog(statutes), to=to,
                     rate_date=_rate_day(rate_date, to), rate_source=source,
                     input_rate_date=_day(input_rate_date, "--input-rate-date"))
    if found.not_held is not None:  # the value given is every value of the map: said
        typer.echo(f"penalties: note: the {found.fact} given ({found.not_held}) is not "
                   f"held: the map shows every value of {found.fact}", err=True)
    return found


@app.command("map")
@_with_facts
def map_command(provision: Provision, facts: dict[str, Any], vary: Vary = "illicit_profit",
                extra: Extra = None, to: To = None, rate_date: RateDate = None,
                input_rate_date: InputRateDate = None, source: Source = None,
                as_json: Json = False, locale: Locale = None,
                statutes: Statutes = None) -> None:
    """The tier map of a fact: its intervals, the other facts held, with the tier and the
    penalties on each (in one currency with --to, at one stated rate)."""
    found = _tier_map(provision, facts, vary, statutes, to, rate_date, input_rate_date, source)

    def lines(_: ModuleType) -> Text:
        from penalties._text_map import tier_map as as_text

        return as_text(found, _locale(locale))

    _answer(as_json, found.to_dict, lines)
    _warn_stale(found.rate)


@app.command("chart")
@_with_facts
def chart_command(provision: Provision, facts: dict[str, Any], output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="The chart to write: a .svg "
                           "or .png file.")], vary: Vary = "illicit_profit",
                  extra: Extra = None, to: To = None, rate_date: RateDate = None,
                  input_rate_date: InputRateDate = None, source: Source = None,
                  statutes: Statutes = None) -> None:
    """Draw the tier map of a fact as a step chart: the fine and prison ranges against the
    fact, each threshold with its clause (SVG or PNG; needs the plot extra)."""
    from penalties._chart import PlottingUnavailable, chart

    found = _tier_map(provision, facts, vary, statutes, to, rate_date, input_rate_date, source)
    try:
        chart(found, output)
    except PlottingUnavailable as exc:
        _fail(str(exc), EXIT_NO_DATA)
    _warn_stale(found.rate)


@app.command()
def serve(host: Annotated[str, typer.Option(metavar="HOST", help="Address to listen on "
          "(default: 127.0.0.1, this machine only).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(metavar="PORT", min=1, max=65535,
                                            help="Port to listen on.")] = 8000,
          statutes: Statutes = None) -> None:
    """Serve the HTTP API and the web page (http://HOST:PORT/, docs at /docs) until Ctrl-C;
    needs the optional extra: pip install 'penalties[web]'."""
    from penalties.web import serve as run

    try:
        run(host, port, catalog=_catalog(statutes, strict=False))
    except ModuleNotFoundError as exc:
        if exc.name not in ("fastapi", "starlette", "uvicorn"):
            raise
        _fail(str(exc), EXIT_BAD_INPUT)


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="Statute files or directories "
             "of them.")], as_json: Json = False) -> None:
    """Check statute files and run their golden cases."""
    from penalties.statutes._golden import validate as check

    report = check(paths)
    from penalties import _text as text

    passed, failed = text.validation(report)
    if as_json:
        _json({"ok": not failed, "files": report})
    for line in [] if as_json else failed:
        typer.echo(line, err=True)
    for line in [] if as_json else passed:
        typer.echo(line)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


for _command in (*app.registered_commands, *rates_app.registered_commands):
    if _command.cls in (None, TyperCommand):
        _command.cls = _OnceEach


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the ``penalties`` console script starts here through
    :mod:`penalties.__main__`, which first tunes the garbage collector for a short process)."""
    run: Callable[..., Any] = app
    run(args=argv, prog_name="penalties")


if __name__ == "__main__":  # pragma: no cover
    main()
