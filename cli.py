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

import inspect
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from moneyed import Money
    from rich.console import Console

    from penalties._facts import Facts
    from penalties.assessment._conversion import ConvertedAssessment
    from penalties.assessment._results import Assessment, PenaltyRange
    from penalties.assessment._thresholds import Threshold
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["EXIT_BAD_INPUT", "EXIT_NO_DATA", "EXIT_OK", "EXIT_SOME_ROWS_FAILED",
           "EXIT_UNEXPECTED", "app", "main"]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_NO_DATA = 3

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
                context = getattr(exc, "ctx", None)
                where = getattr(context, "command_path", None) or "penalties"
                message = exc.format_message().rstrip(".")
                typer.echo(f"penalties: error: {message} (see '{where} --help')", err=True)
                sys.exit(exc.exit_code)
            if type(exc).__name__ == "Abort":
                typer.echo("penalties: aborted", err=True)
                sys.exit(EXIT_UNEXPECTED)
            typer.echo(f"penalties: error: unexpected {type(exc).__name__}: {exc} (this is a "
                       "bug; please report it with the command you ran)", err=True)
            sys.exit(EXIT_UNEXPECTED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


app = typer.Typer(
    cls=_OneLineErrors,
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


def _console_err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _catalog() -> Catalog:
    from penalties.statutes._catalog import Catalog, default_catalog

    return Catalog(_state["statutes"]) if _state["statutes"] else default_catalog()


def _locale(name: str | None) -> str:
    """The CLDR locale for money: ``--locale``, else ``PENALTIES_LOCALE``, else the
    environment's LC_MONETARY/LANG; a bare C or POSIX environment means en_US."""
    from babel import Locale, UnknownLocaleError, default_locale

    chosen = name or os.environ.get("PENALTIES_LOCALE") or default_locale("LC_MONETARY")
    if not chosen or chosen in ("C", "POSIX", "en_US_POSIX"):
        chosen = "en_US"
    try:
        Locale.parse(chosen)
    except (UnknownLocaleError, ValueError):
        _fail(f"--locale: unknown locale {chosen!r} (allowed: a CLDR locale such as en_US, "
              "fr_FR or vi_VN)", EXIT_BAD_INPUT)
    return chosen


def _money(value: Money, locale: str, *, exact: bool = False) -> str:
    """``value`` formatted for ``locale``, to the currency's minor unit (``exact``: with
    every digit it has, for an amount someone typed)."""
    from moneyed.l10n import format_money

    return str(format_money(value, locale=locale, decimal_quantization=not exact))


def _bounds(p: PenaltyRange, locale: str,
            conversion: ConvertedAssessment | None = None) -> tuple[str, str]:
    """The two ends of a range as people read them (and converted, when asked)."""
    if p.is_money:

        def show(value: Money) -> str:
            text = _money(value, locale)
            if conversion is not None:
                text += f" (≈ {_money(conversion.converted(value), locale)})"
            return text

        low = show(p.min) if p.min else "no minimum"
        high = show(p.max) if p.max else "no maximum"
    else:
        low = f"{p.min_months} months" if p.min_months is not None else "no minimum"
        high = f"{p.max_months} months" if p.max_months is not None else "no maximum"
    if p.min_source:
        low += f" ({p.min_source})"
    return low, high


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


ProvisionArgument = Annotated[str, typer.Argument(
    metavar="ID", help="Provision id or alias, e.g. vn-225.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
LocaleOption = Annotated[str | None, typer.Option(
    "--locale", help="Locale for money, e.g. en_US, fr_FR, vi_VN (default: from the "
    "environment).")]


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List the provisions in the catalogue."""
    with _errors():
        rows = [_summary(s) for s in _catalog()]
    if as_json:
        _print_json(rows)
        return
    # One block per provision, not a table: ids are copied and must never be cut to fit.
    for row in rows:
        aliases = f"  ({', '.join(row['aliases'])})" if row["aliases"] else ""
        typer.echo(f"{row['id']}{aliases}  {row['currency']}  {row['coverage']}\n"
                   f"    {row['title']}")


def _summary(statute: Statute) -> dict[str, Any]:
    model = statute.model
    return {"id": model.id, "aliases": model.aliases, "title": model.title.en,
            "title_original": model.title.original, "jurisdiction": model.jurisdiction,
            "instrument": model.instrument, "article": model.article,
            "currency": model.currency, "coverage": statute.coverage(),
            "versions": [v.effective_from.isoformat() for v in statute.versions]}


@app.command()
def show(
    provision: ProvisionArgument,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Show a provision: versions, tiers, triggers and penalties, with citations."""
    with _errors():
        statute = _catalog().get(provision)
    if as_json:
        _print_json(statute.model.model_dump(mode="json", by_alias=True, exclude_none=True))
        return
    from moneyed import Money

    from penalties.statutes._triggers import describe_node, outline

    console, where = _console(), _locale(locale)

    def fmt(amount: Decimal, currency: str) -> str:
        return _money(Money(amount, currency), where)

    model = statute.model
    print_ = partial(console.print, markup=False)
    print_(f"{model.id} ({', '.join(model.aliases)}): {model.title.en}")
    print_(f"{model.title.original} ({model.instrument}, Art. {model.article}); {model.kind}; "
           f"amounts in {model.currency}")
    if model.predecessor:
        print_(f"Earlier offences: {model.predecessor}")
    if model.repealed_on:
        print_(f"Repealed on {model.repealed_on.isoformat()}"
               + (f" by {model.repealed_by}" if model.repealed_by else ""))
    if model.lex_mitior:
        print_(f"Lex mitior: {model.lex_mitior.citation.translation}")
    for act in model.acts:
        print_(f"Act {act.id!r}: {act.label}")
    for version in statute.versions:
        until = version.provision.version_until
        print_(f"\nVersion in force from {version.effective_from.isoformat()}"
               + (f" to {until.isoformat()}" if until else "")
               + (f", amended by {version.model.amended_by}" if version.model.amended_by
                  else ""))
        for subject, tiers in version.tiers.items():
            label = statute.subjects[subject].label
            for tier in reversed(tiers):
                print_(f"  {tier.ref} ({label}) [{tier.model.citation.confidence.value}]")
                for line in outline(tier.node, "    "):
                    print_(line)
                rule = "one of" if tier.model.principal_rule == "one_of" else "one or more"
                for spec in tier.principal:
                    print_(f"    principal ({rule}): {spec.words(model.currency, fmt)}")
                for spec in tier.additional:
                    print_(f"    additional: {spec.words(model.currency, fmt)}")
        for modifier in version.modifiers:
            who = f" for a {modifier.subject.value}" if modifier.subject else ""
            when = f" when {describe_node(modifier.node)}" if modifier.node else ""
            targets = ", ".join(".".join(t) for t in sorted(modifier.targets))
            print_(f"  × {modifier.factor:f} on {targets}{who}{when} [{modifier.ref}]")


# The facts of a case as options, shared by every command that assesses: option name,
# Facts field, type and help. ``_with_facts`` adds them to a command's signature.
_FACT_OPTIONS: list[tuple[str, str, Any, Any]] = [
    ("offender", "offender", Annotated[str, typer.Option(help="person or entity.")], "person"),
    ("profit", "illicit_profit", Annotated[str | None, typer.Option(
        help="Illicit profit, e.g. 250000000 or '250,000,000 VND'.")], None),
    ("damage", "damage", Annotated[str | None, typer.Option(
        help="Damage caused to the right holder.")], None),
    ("goods_value", "goods_value", Annotated[str | None, typer.Option(
        help="Value of the infringing goods.")], None),
    ("commercial_scale", "commercial_scale", Annotated[bool, typer.Option(
        "--commercial-scale", help="On a commercial scale.")], False),
    ("organised", "organised", Annotated[bool, typer.Option(
        "--organised", help="Committed in an organised manner.")], False),
    ("times", "times", Annotated[int, typer.Option(
        help="How many times the offence was committed.")], 1),
    ("prior_admin_penalty", "prior_admin_penalty", Annotated[bool | None, typer.Option(
        "--prior-admin-penalty/--no-prior-admin-penalty",
        help="An earlier administrative penalty for the same kind of act still counts.")], None),
    ("prior_admin_penalty_completed", "prior_admin_penalty_completed", Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD",
                                 help="Day that administrative penalty was completed.")], None),
    ("prior_conviction", "prior_conviction", Annotated[bool | None, typer.Option(
        "--prior-conviction/--no-prior-conviction",
        help="An earlier conviction for this offence is not yet expunged.")], None),
    ("prior_conviction_completed", "prior_conviction_completed", Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD",
                                 help="Day the earlier sentence was served.")], None),
    ("prior_sentence", "prior_sentence", Annotated[str | None, typer.Option(
        help="Persons: principal penalty of the earlier conviction (non_custodial, "
        "prison_up_to_5_years, prison_5_to_15_years, prison_over_15_years).")], None),
    ("offence_date", "offence_date", Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="When the offence was committed (default: today).")], None),
    ("trial_date", "trial_date", Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="When the case is tried; a later, more lenient law may "
        "apply (lex mitior).")], None),
    ("action_date", "action_date", Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="When the action was brought (for provisions whose "
        "amounts apply by that date).")], None),
    ("act", "act", Annotated[str | None, typer.Option(
        help="Which act of the provision was committed (ids: penalties show ID).")], None),
    ("retail_value", "retail_value", Annotated[str | None, typer.Option(
        help="Total retail value of the infringing copies (US: in any 180 days).")], None),
    ("copies", "copies", Annotated[int | None, typer.Option(
        help="Number of infringing copies (US: in any 180-day period).")], None),
    ("works", "works", Annotated[int | None, typer.Option(
        help="Number of works infringed (statutory damages are per work).")], None),
    ("violations", "violations", Annotated[int | None, typer.Option(
        help="Number of violations (acts, devices).")], None),
    ("commercial_advantage", "commercial_advantage", Annotated[bool, typer.Option(
        "--commercial-advantage", help="For commercial advantage or private financial gain.")],
     False),
    ("prerelease", "prerelease", Annotated[bool, typer.Option(
        "--prerelease", help="A work being prepared for commercial distribution.")], False),
    ("willful", "willful", Annotated[bool, typer.Option(
        "--willful", help="The infringement was willful.")], False),
    ("innocent", "innocent", Annotated[bool, typer.Option(
        "--innocent", help="The infringer had no reason to believe it infringed.")], False),
    ("serious_consequences", "serious_consequences", Annotated[bool, typer.Option(
        "--serious-consequences", help="The offence caused serious consequences.")], False),
    ("gross_gain", "gross_gain", Annotated[str | None, typer.Option(
        help="Gross gain, with its currency, e.g. '900000 USD'.")], None),
    ("gross_loss", "gross_loss", Annotated[str | None, typer.Option(
        help="Gross loss caused, with its currency.")], None),
    ("turnover", "turnover", Annotated[str | None, typer.Option(
        help="Worldwide annual turnover of the preceding financial year, with its currency, "
        "e.g. '2000000000 EUR'.")], None),
    ("prior_judgment", "prior_judgment", Annotated[bool | None, typer.Option(
        "--prior-judgment/--no-prior-judgment",
        help="An earlier final judgment for such a violation still counts.")], None),
    ("prior_judgment_date", "prior_judgment_date", Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Day that earlier judgment was entered.")], None),
]


def _with_facts(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the fact options; it receives them as ``facts``, a :class:`Facts`."""
    signature = inspect.signature(command, eval_str=True, locals={"Facts": object})
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                               annotation=kind) for name, _, kind, default in _FACT_OPTIONS]
    params: list[inspect.Parameter] = []
    for p in signature.parameters.values():
        params += extra if p.name == "facts" else [p.replace(kind=p.KEYWORD_ONLY)]
    hints = {p.name: p.annotation for p in params}

    def run(**values: Any) -> None:  # noqa: ANN401
        from penalties._facts import Facts

        given = {field: values.pop(name) for name, field, _, _ in _FACT_OPTIONS}
        with _errors():
            facts = Facts(**given)
        command(facts=facts, **values)

    run.__name__, run.__doc__ = command.__name__, command.__doc__
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = hints
    return run


ToOption = Annotated[str | None, typer.Option(
    "--to", metavar="CUR", help="Also show every amount in this currency (ISO 4217).")]
RateDateOption = Annotated[str | None, typer.Option(
    "--rate-date", metavar="YYYY-MM-DD",
    help="Date of the exchange rate (default: the offence date).")]
InputRateDateOption = Annotated[str | None, typer.Option(
    "--input-rate-date", metavar="YYYY-MM-DD", help="Date of the rate that converts amounts "
    "given in another currency than the statute's (default: the offence date).")]
SourceOption = Annotated[str | None, typer.Option(
    "--source", metavar="NAME", help="Rate source: snapshot (default, offline), ecb, "
    "currency-api, worldbank, open-er-api, or a chain such as 'ecb,snapshot'.")]


def _assessments(provisions: list[str], facts: Facts, source: str | None,
                 input_rate_date: str | None) -> list[Assessment]:
    """The assessment of ``facts`` under each provision (amounts given in another currency
    converted at ``--input-rate-date``, else the offence date)."""
    from penalties._api import assess
    from penalties._facts import parse_date

    catalog = _catalog()
    input_day = parse_date(input_rate_date, "--input-rate-date") if input_rate_date else None
    return [assess(p, facts, catalog=catalog, rate_source=source, input_rate_date=input_day)
            for p in provisions]


def _converted(result: Assessment, to: str | None, rate_date: str | None,
               source: str | None) -> ConvertedAssessment | None:
    if to is None or to.strip().upper() == result.provision.currency:
        return None
    from penalties._facts import parse_date
    from penalties.assessment._conversion import convert_assessment

    on = parse_date(rate_date, "--rate-date") if rate_date else None
    return convert_assessment(result, to, on, source)


@app.command()
@_with_facts
def assess(
    provision: ProvisionArgument,
    facts: Facts,
    to: ToOption = None,
    rate_date: RateDateOption = None,
    input_rate_date: InputRateDateOption = None,
    source: SourceOption = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Assess the facts of a case under a provision."""
    with _errors():
        [result] = _assessments([provision], facts, source, input_rate_date)
        conversion = _converted(result, to, rate_date, source)
    if as_json:
        _print_json(conversion.to_dict() if conversion else result.to_dict())
        return
    _render_assessment(result, _locale(locale), conversion)


def _render_assessment(result: Assessment, locale: str,
                       conversion: ConvertedAssessment | None = None) -> None:
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
    for line in result.law_choice:
        console.print(f"Law applied: {line}", markup=False)
    if not result.liable:
        console.print("\n[bold]No liability.[/bold]")
    elif result.tier is None:
        console.print("\n[bold]No tier applies.[/bold]")
    else:
        console.print(f"\n[bold]Tier {result.tier.ref}[/bold] [{result.tier.confidence}] because:",
                      markup=True)
        for reason in result.tier.reasons:
            console.print(f"  - {reason.text}", markup=False)
    rule = "one of" if result.principal_rule == "one_of" else "one or more"
    for title, items in ((f"principal penalty ({rule})", result.principal),
                         ("additional penalty (optional)", result.additional)):
        if items:
            table = Table(title, "from", "to", "ref")
            for item in items:
                table.add_row(*_cells(item, locale, conversion))
            console.print(table)
            for item in items:
                for line in item.basis:
                    console.print(f"  {item.kind.replace('_', ' ')} {line}", markup=False)
    for note in result.notes:
        console.print(f"Note: {note}", markup=False)
    for pointer in result.see_also:
        console.print(f"See also: {pointer}", markup=False)
    if result.ignored:
        console.print(f"Not used by this provision: {', '.join(result.ignored)}", markup=False)
    if conversion is not None:
        console.print(f"Converted at {conversion.describe()}. {conversion.rate.attribution}",
                      markup=False)


def _cells(p: PenaltyRange, locale: str,
           conversion: ConvertedAssessment | None = None) -> tuple[str, str, str, str]:
    name = p.kind.replace("_", " ")
    if p.only_with_principal:
        name += f" (only with {', '.join(p.only_with_principal)})"
    if p.per:
        name += f" (per {p.per.rstrip('s')}" + (f", × {p.per_count})" if p.per_count is not None
                                                 else ")")
    return (name, *_bounds(p, locale, conversion), p.ref)


@app.command()
@_with_facts
def compare(
    provisions: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Two or more provision ids or aliases.")],
    facts: Facts,
    to: ToOption = None,
    rate_date: RateDateOption = None,
    input_rate_date: InputRateDateOption = None,
    source: SourceOption = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Assess one set of facts under several provisions, side by side (in one currency with
    --to, each provision's amounts converted at its own rate, stated)."""
    with _errors():
        results = _assessments(provisions, facts, source, input_rate_date)
        conversions = [_converted(r, to, rate_date, source) for r in results]
    if as_json:
        _print_json({"results": [c.to_dict() if c else r.to_dict()
                                 for r, c in zip(results, conversions, strict=True)]})
        return
    from rich.table import Table

    where = _locale(locale)
    table = Table("provision", "tier", "principal penalties", "additional")
    for result, conversion in zip(results, conversions, strict=True):
        joiner = " or " if result.principal_rule == "one_of" else " and/or "
        principal = joiner.join(_range_cell(p, where, conversion) for p in result.principal)
        extra = ", ".join(p.kind.replace("_", " ") for p in result.additional) or "-"
        tier = result.tier.ref if result.tier else ("not liable" if not result.liable else
                                                    "none")
        table.add_row(result.provision.id, tier, principal or "-", extra)
    console = _console()
    console.print(table)
    for conversion in conversions:
        if conversion is not None:
            console.print(f"{conversion.assessment.provision.id}: converted at "
                          f"{conversion.describe()}", markup=False)
    currencies = {r.provision.currency for r in results}
    if to is None and len(currencies) > 1:
        console.print(f"The provisions use {', '.join(sorted(currencies))}: add --to CUR to "
                      "compare them in one currency.", markup=False)


def _range_cell(p: PenaltyRange, locale: str,
                conversion: ConvertedAssessment | None = None) -> str:
    low, high = _bounds(p, locale, conversion)
    return f"{p.kind.replace('_', ' ')} {low} to {high}"


@app.command()
def thresholds(
    provision: ProvisionArgument,
    on: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="The version in force, and the rate, on this date "
        "(default: today).")] = None,
    in_currency: Annotated[str | None, typer.Option(
        "--in", metavar="CUR", help="Also show every boundary in this currency.")] = None,
    source: SourceOption = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Every tier boundary of a provision, in its own currency (and another with --in)."""
    with _errors():
        from penalties._facts import parse_date
        from penalties.assessment._thresholds import thresholds as boundaries

        statute = _catalog().get(provision)
        day = parse_date(on, "--on") if on else date.today()
        version = statute.version_on(day)
        rows = boundaries(statute, day)
        rate = None
        if in_currency and in_currency.strip().upper() != statute.currency:
            import rates

            rate = rates.get_rate(statute.currency, in_currency, day, source=source)
    if as_json:
        document = {"provision": statute.id, "version": version.effective_from.isoformat(),
                    "currency": statute.currency, "thresholds": [r.to_dict() for r in rows]}
        if rate is not None:
            from penalties.assessment._conversion import with_converted
            from rates.money import DEFAULT_ROUNDING

            document = with_converted(document, rate, DEFAULT_ROUNDING)
        _print_json(document)
        return
    from rich.table import Table

    console, where = _console(), _locale(locale)
    console.print(f"[bold]{statute.id}[/bold]: {statute.model.title.en} (version in force from "
                  f"{version.effective_from.isoformat()})")
    labels = {s.kind.value: s.label for s in statute.model.subjects}
    for subject in dict.fromkeys(r.subject for r in rows):
        table = Table(title=labels.get(subject, subject), title_justify="left")
        table.add_column("clause", no_wrap=True)
        table.add_column("fact", no_wrap=True)
        table.add_column("threshold")
        table.add_column("only if")
        for row in rows:
            if row.subject == subject:
                clause = row.ref if row.ref.startswith(row.tier_ref) else (
                    f"{row.tier_ref} via {row.ref}")
                table.add_row(clause, row.fact, _threshold_text(row, where, rate),
                              row.condition or "")
        console.print(table)
    if rate is not None:
        from penalties.assessment._conversion import _rate_words

        console.print(f"Converted at {_rate_words(rate)}. {rate.attribution}", markup=False)


def _threshold_text(row: Threshold, locale: str, rate: Rate | None = None) -> str:
    currency = row.currency
    if row.kind != "band" or currency is None:
        return row.words
    from moneyed import Money

    def show(value: Decimal) -> str:
        money = Money(value, currency)
        text = _money(money, locale)
        if rate is not None:
            text += f" (≈ {_money(rate.convert(money).converted, locale)})"
        return text

    if row.lower is not None:
        text = f"from {show(row.lower)}" if row.lower_included else f"more than {show(row.lower)}"
        if row.upper is not None:
            text += f" to {'' if row.upper_included else 'under '}{show(row.upper)}"
        return text
    assert row.upper is not None
    return f"{show(row.upper)} or less" if row.upper_included else f"under {show(row.upper)}"


@app.command()
def convert(
    amount: Annotated[str, typer.Argument(
        metavar="AMOUNT", help="Amount with its currency, e.g. '1000000000 VND'.")],
    to: Annotated[str, typer.Option("--to", metavar="CUR", help="Target currency (ISO 4217).")],
    on: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Date of the rate (default: today).")] = None,
    source: SourceOption = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Convert an amount at the rate for a date, with the rate's provenance."""
    with _errors():
        import rates
        from penalties._facts import parse_date
        from penalties.assessment._conversion import _rate_words

        day = parse_date(on, "--on") if on else date.today()
        result = rates.convert(amount, to, day, source=source)
    if as_json:
        _print_json(result.to_dict())
        return
    where = _locale(locale)
    from moneyed import Money

    console = _console()
    original = Money(result.amount, result.currency)
    console.print(f"{_money(original, where, exact=True)} = "
                  f"[bold]{_money(result.converted, where)}[/bold]")
    console.print(f"Rate: {_rate_words(result.rate)}", markup=False)
    console.print(f"Rounded once to the minor unit of {result.converted.currency.code} "
                  f"({result.rounding}); unrounded {result.to_dict()['unrounded']}",
                  markup=False)
    for line in dict.fromkeys(_attributions(result.rate)):
        console.print(line, markup=False)


def _attributions(rate: Rate) -> list[str]:
    return [rate.attribution, *(a for leg in rate.legs for a in _attributions(leg))]


rates_app = typer.Typer(help="Rate sources, the embedded snapshot and the cache.",
                        no_args_is_help=True)
app.add_typer(rates_app, name="rates")


@rates_app.command("sources")
def rates_sources(as_json: JsonOption = False) -> None:
    """List the rate sources: the offline snapshot and the opt-in online ones."""
    import rates

    rows: list[dict[str, Any]] = [
        {"name": s.name, "title": s.title, "online": s.online, "description": s.description}
        for s in rates.list_sources()]
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
def rates_info(as_json: JsonOption = False) -> None:
    """Coverage and attribution of the embedded snapshot."""
    import rates

    info = rates.snapshot_info().to_dict()
    if as_json:
        _print_json(info)
        return
    console = _console()
    for dataset in info["datasets"]:
        console.print(f"[bold]{dataset['title']}[/bold] ({dataset['basis']}): "
                      f"{dataset['first']} to {dataset['last']}, "
                      f"{len(dataset['coverage'])} currencies")
        console.print(f"  rule: {dataset['rule']}", markup=False)
        console.print(f"  {dataset['attribution']}; {dataset['licence']}", markup=False)


@rates_app.command("update")
def rates_update(
    source: Annotated[str, typer.Option(metavar="NAME", help="Online source to warm.")],
    start: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="First day.")],
    end: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="Last day.")],
    currencies: Annotated[str, typer.Option(
        metavar="CUR,...", help="Currencies to fetch, comma-separated.")] = "VND,EUR",
) -> None:
    """Fetch rates for a date range into the cache, so later lookups work offline."""
    with _errors():
        from rich.progress import Progress

        import rates

        codes = [c.strip() for c in currencies.split(",") if c.strip()]
        console = _console_err()
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task(f"warming {source}", total=None)
            report = rates.update(source, start, end, codes,
                                  progress=lambda done, total: bar.update(
                                      task, completed=done, total=total))
    if not report.tried:
        typer.echo(f"penalties: {report.source} is offline: nothing to fetch", err=True)
        return
    line = f"penalties: {report.source}: {report.answered} of {report.tried} lookups answered"
    if report.missing:
        line += f", {report.missing} without a rate for their day"
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


EXIT_SOME_ROWS_FAILED = 4


@app.command()
def batch(
    input_path: Annotated[str, typer.Argument(
        metavar="INPUT", help="Cases: a .csv or .jsonl file, or - for standard input.")],
    provision: Annotated[str, typer.Option(metavar="ID", help="Provision id or alias.")],
    output: Annotated[str, typer.Option(
        "-o", "--output", metavar="OUTPUT", help="Results: a .csv or .jsonl file, or -.")],
    input_format: Annotated[str | None, typer.Option(
        "--input-format", metavar="csv|jsonl", help="Default: from the file name; csv.")] = None,
    output_format: Annotated[str | None, typer.Option(
        "--output-format", metavar="csv|jsonl", help="Default: from the file name; csv.")]
    = None,
    to: ToOption = None,
    rate_date: RateDateOption = None,
    source: SourceOption = None,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Go on past invalid rows (they are reported and written with "
        "their error); the exit code is then 4.")] = False,
) -> None:
    """Assess many cases from a CSV or JSON Lines file; one result per row."""
    with _errors():
        import csv

        from penalties._facts import parse_date

        kinds = ("csv", "jsonl")
        read_kind = _format(input_format, input_path, kinds)
        write_kind = _format(output_format, output, kinds)
        options: dict[str, Any] = {
            "catalog": _catalog(), "to": to, "rate_source": source,
            "rate_date": parse_date(rate_date, "--rate-date") if rate_date else None}
        _check_not_the_same(input_path, output)
        report = _RowReport(skip_invalid)
        with _progress(_size(input_path)) as tick:
            try:
                if read_kind == write_kind == "csv":
                    _batch_by_columns(input_path, output, provision, options, report, tick)
                else:
                    _batch_by_rows(input_path, output, provision, options, read_kind,
                                   write_kind, report, tick)
            except csv.Error as exc:
                _fail(f"{input_path}: not a CSV file this program can read ({exc}); the rows "
                      "before the problem were written", EXIT_BAD_INPUT)
            except UnicodeDecodeError as exc:
                _fail(f"{input_path}: not UTF-8 text ({exc.reason}); the rows before the "
                      "problem were written", EXIT_BAD_INPUT)
    if report.failures:
        rows = "1 row" if report.failures == 1 else f"{report.failures} rows"
        typer.echo(f"penalties: {rows} failed; they are in the output with their error",
                   err=True)
        raise typer.Exit(EXIT_SOME_ROWS_FAILED)


# Progress of a batch: the rows done and the bytes of the input read (None: not known).
_Tick = Callable[[int, int | None], None]


class _RowReport:
    """Counts rows in error and says so on stderr (the first 20; without
    ``--skip-invalid``, the first one ends the run)."""

    def __init__(self, skip_invalid: bool) -> None:
        self.skip_invalid = skip_invalid
        self.failures = 0

    def __call__(self, row: int, error: str) -> None:
        self.failures += 1
        if not self.skip_invalid:
            _fail(f"row {row}: {error} (rows before it were written; --skip-invalid goes "
                  "on past invalid rows)", EXIT_BAD_INPUT)
        if self.failures <= 20:
            typer.echo(f"penalties: row {row}: {error}", err=True)


def _batch_by_columns(input_path: str, output: str, provision: str, options: dict[str, Any],
                      report: _RowReport, tick: _Tick) -> None:
    """CSV to CSV, a chunk of rows at a time (see :mod:`penalties.batch._table`)."""
    from penalties.batch._table import csv_to_csv

    with _open(input_path, "r") as source_stream, _open(output, "w") as sink:
        for done, errors in csv_to_csv(source_stream, sink, provision,
                                       stop_at_error=not report.skip_invalid, **options):
            tick(done, _read_so_far(source_stream))
            for row, error in errors:
                report(row, error)


def _batch_by_rows(input_path: str, output: str, provision: str, options: dict[str, Any],
                   read_kind: str, write_kind: str, report: _RowReport, tick: _Tick) -> None:
    from penalties.batch._files import read_cases, write_csv, write_jsonl
    from penalties.batch._rows import assess_many

    with _open(input_path, "r") as source_stream, _open(output, "w") as sink:
        results = assess_many(read_cases(source_stream, read_kind), provision, **options)
        writer = write_csv if write_kind == "csv" else write_jsonl
        count = 0
        for count, result in enumerate(writer(results, sink), start=1):
            if count % 10_000 == 0:
                tick(count, _read_so_far(source_stream))
            if result.error is not None:
                report(result.row, result.error)
        tick(count, _read_so_far(source_stream))


def _format(given: str | None, path: str, kinds: tuple[str, ...]) -> str:
    chosen = (given or (path.rsplit(".", 1)[-1] if "." in path else "csv")).lower()
    if chosen not in kinds:
        raise ValueError(f"unknown file format {chosen!r} (allowed: {', '.join(kinds)})")
    return chosen


@contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    """A batch file (``-``: standard input or output); text is UTF-8, and a byte order
    mark at the start of an input (as spreadsheets write) is skipped. An output file is
    created (or emptied) only when its first line is written, so a run refused before any
    result (a bad header, an unknown provision) leaves it as it was."""
    if path == "-":
        yield sys.stdin if mode == "r" else sys.stdout
        return
    if mode == "w":
        with _Output(path) as output:
            yield output  # type: ignore[misc]  # all the writers use of an IO is write()
        return
    with _opened(path, mode) as stream:
        yield stream


def _opened(path: str, mode: str) -> IO[str]:
    try:
        return open(path, mode, encoding="utf-8-sig" if mode == "r" else "utf-8",
                    newline="")
    except OSError as exc:
        raise FileUnavailable(f"{path}: {exc.strerror}") from None


class _Output:
    """A batch output file, opened for writing at its first ``write``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stream: IO[str] | None = None

    def write(self, text: str) -> int:
        if self.stream is None:
            self.stream = _opened(self.path, "w")
        return self.stream.write(text)

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()


def _check_not_the_same(input_path: str, output: str) -> None:
    """Refuse to write the results over the cases."""
    try:
        same = "-" not in (input_path, output) and os.path.samefile(input_path, output)
    except OSError:
        return  # one of them does not exist (yet): opening it says so if it matters
    if same:
        raise ValueError(f"--output {output} is the input file; the results would overwrite "
                         "the cases (allowed: another file, or - for standard output)")


class FileUnavailable(LookupError):
    """A batch file that cannot be opened (exit code 3)."""


@contextmanager
def _progress(size: int | None) -> Iterator[_Tick]:
    """Progress of a long run on stderr, only when stderr is a terminal: with an input file
    of ``size`` bytes, a bar of the share read, the rows done and the time left; from
    standard input, the rows done. The caller ticks with the rows done and the bytes read."""
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
    with Progress(*columns, console=_console_err(), transient=True) as bar:
        task = bar.add_task("batch", total=size or None, rows=0)

        def tick(done: int, read: int | None) -> None:
            bar.update(task, rows=done, completed=read)  # None: unchanged

        yield tick


def _size(path: str) -> int | None:
    """The size of the input if it is a regular file (standard input too, when redirected
    from one), else ``None`` (a pipe, a terminal)."""
    try:
        found = os.stat(path) if path != "-" else os.fstat(sys.stdin.fileno())
    except (OSError, ValueError):
        return None  # opening it reports the problem
    return found.st_size if stat.S_ISREG(found.st_mode) else None


def _read_so_far(stream: IO[str]) -> int | None:
    """How many bytes of ``stream``'s file have been read (read ahead by at most a buffer),
    or ``None`` when that cannot be told."""
    import io

    try:
        return stream.buffer.tell() if isinstance(stream, io.TextIOWrapper) else None
    except (OSError, ValueError):
        return None


@app.command()
def schema() -> None:
    """Print the JSON Schema of the statute file format."""
    from penalties._api import statute_schema

    _print_json(statute_schema())


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Statute files or directories of them.")],
    as_json: JsonOption = False,
) -> None:
    """Check statute files and run their golden cases."""
    from penalties._errors import PenaltyError
    from penalties.statutes._catalog import load_statute
    from penalties.statutes._golden import run_cases

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
    """Run the command line (the ``penalties`` console script starts here through
    :mod:`penalties.__main__`, which first tunes the garbage collector for a short process)."""
    run: Callable[..., Any] = app
    run(args=argv, prog_name="penalties")


if __name__ == "__main__":  # pragma: no cover
    main()
