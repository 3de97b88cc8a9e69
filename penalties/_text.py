"""Results as text for people: the lines and tables the command line prints.

Each function turns a result of the library into :data:`Text`: plain lines and
:class:`Table` values (a title, column names, rows), so that the command line only prints
them (a table through rich, which fits it to the terminal). The phrases are
:mod:`penalties._words`'; amounts are shown as the JSON holds them (rounded once, with
their currency's minor-unit digits), formatted for ``locale``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from penalties import _words as words

if TYPE_CHECKING:
    from penalties._compare import Comparison
    from penalties._errors import StatuteFileError
    from penalties.assessment._results import Assessment
    from penalties.assessment._thresholds import Thresholds
    from penalties.statutes._statute import Statute
    from rates.model import Conversion, Rate

__all__ = ["Table", "Text", "assessment", "comparison", "conversion", "one_line", "provision",
           "stale_warning", "thresholds", "unloaded"]


@dataclass(frozen=True, slots=True)
class Table:
    """A table to print: ``title`` above it (``None``: the first column's name is the
    title), the column names, the rows, the columns never to wrap, and how many leading
    columns name a row when the table is printed as a list (on a narrow terminal: see
    :mod:`penalties._console`)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str | None = None
    no_wrap: tuple[str, ...] = ()
    heading: int = 1


#: What a result looks like for people: lines and tables, in order.
Text = list[str | Table]


def assessment(result: Assessment, locale: str) -> Text:
    """An assessment: the provision and version, the tier and why, the penalties, the
    notes, and the rate of the converted amounts; the figures of the reasons, the inputs
    and the rate formatted for ``locale``."""
    p = result.provision
    amended = words.origin(p.amended_by, p.enacted_by)
    basis = "offence date" if result.date_basis == "offence_date" else result.date_basis
    out: Text = [f"{p.id}: {p.title}", f"{p.instrument}, {p.section_word} {p.article}, "
                 f"version in force from {p.version.isoformat()}{amended}",
                 f"Offender: {result.offender.value}; date: {result.offence_date.isoformat()} "
                 f"({basis})", *(f"Law applied: {line}" for line in result.law_choice),
                 *(f"Input: {words.input_conversion(item, locale)}" for item in result.inputs),
                 ""]
    if result.tier is None:
        out.append("No liability." if not result.liable else "No tier applies.")
    else:
        out += [f"Tier {result.tier.ref} [{result.tier.confidence}] because:",
                *(f"  - {words.reason(r, locale)}" for r in result.tier.reasons)]
    rule = words.principal_rule(result.principal_rule)
    for title, items in ((f"principal penalty ({rule})", result.principal),
                         ("additional penalty (optional)", result.additional)):
        if items:
            out.append(Table((title, "from", "to", "ref"), tuple(
                (words.range_name(i), *words.range_ends(i, locale), i.ref) for i in items)))
            out += [f"  {words.kind(i.kind)} {line}" for i in items for line in i.basis]
    out += [f"Note: {note}" for note in result.notes]
    out += [f"See also: {pointer}" for pointer in result.see_also]
    if result.ignored:
        out.append(f"Not used by this provision: {', '.join(result.ignored)}")
    if result.liable and result.not_given:  # with a tier too: another may need them
        on = "the tier or the ranges" if result.tier else "a tier"
        out.append(f"Not given ({on} may depend on them): {', '.join(result.not_given)}")
    if result.rate is not None:
        out.append(f"Converted at {words.rate(result.rate, locale)}. "
                   f"{result.rate.attribution}")
    return out


def comparison(found: Comparison, locale: str) -> Text:
    """One set of facts under several provisions, ranked (:data:`penalties._compare.ORDER`):
    for each, the tier (and how its principal penalties combine), the highest fine and the
    longest imprisonment it puts at stake; for each with no tier, the facts not given and
    the notes and pointers that ``penalties assess`` shows (the engine's words); then the
    provisions that gave no answer, each conversion of an amount given in another currency
    (as ``assess`` says it, with its warnings) and each rate, once."""
    from penalties._compare import ORDER, fine_currencies
    from penalties.assessment._seen import AFTER_TODAY_NOTE

    rows = []
    for r in found.results:
        tier = r.tier.ref if r.tier else ("not liable" if not r.liable else "none")
        fines = [words.highest(p, locale) for p in r.principal if p.is_money]
        prison = [words.range_ends(p, locale)[1] for p in r.principal
                  if p.kind == "imprisonment"]
        if len(r.principal) > 1:  # how the principal penalties combine
            tier += f" ({words.principal_rule(r.principal_rule)})"
        rows.append((r.provision.id, tier, " / ".join(fines) or "-", " / ".join(prison) or "-"))
    out: Text = [Table(("provision", "tier", "highest fine", "longest prison"), tuple(rows),
                       no_wrap=("provision",))]
    out.append(f"Ranked {ORDER}.")
    if any(AFTER_TODAY_NOTE in r.notes for r in found.results):  # one date for all of them
        out.append(f"Note: {AFTER_TODAY_NOTE}")
    for r in found.results:
        if r.tier is None and r.liable:
            if r.not_given:
                out.append(f"{r.provision.id}: no tier; not given: {', '.join(r.not_given)}")
            out += [f"{r.provision.id}: Note: {note}" for note in r.notes
                    if note != AFTER_TODAY_NOTE]  # (said once, above)
            out += [f"{r.provision.id}: See also: {pointer}" for pointer in r.see_also]
    out += [f"{r.provision.id}: not liable: {r.notes[0]}" for r in found.results
            if not r.liable and r.notes]
    out += [f"No answer from {u.provision}: {u.reason}" for u in found.unanswered]
    inputs: dict[str, list[str]] = {}  # as assess says them, each once, with its provisions
    seen: dict[str, list[str]] = {}
    for r in found.results:
        for item in r.inputs:
            inputs.setdefault(words.input_conversion(item, locale), []).append(r.provision.id)
        if r.rate is not None:
            seen.setdefault(words.rate(r.rate, locale), []).append(r.provision.id)
    out += [f"Input ({', '.join(ids)}): {text}" for text, ids in inputs.items()]
    out += [f"Converted at {rate} ({', '.join(ids)})" for rate, ids in seen.items()]
    currencies = fine_currencies(found.results)
    if found.currency is None and len(currencies) > 1:
        out.append(f"The provisions use {', '.join(currencies)}: the fines are not ranked "
                   "across currencies; add --to CUR to compare them in one currency.")
    return out


def provision(statute: Statute, locale: str) -> Text:
    """A provision: versions, tiers with their triggers and penalties, modifiers."""
    m = statute.model

    def fmt(amount: Any, currency: str) -> str:  # noqa: ANN401 - a Decimal
        return words.money(amount, currency, locale)

    out: Text = [f"{m.id} ({', '.join(m.aliases)}): {m.title.en}",
                 f"{m.title.original} ({m.instrument}, {m.section_word} {m.article}); {m.kind}; "
                 f"amounts in {m.currency}"]
    out += [f"Earlier offences: {m.predecessor}"] if m.predecessor else []
    out += [f"Repealed on {m.repealed_on.isoformat()}" + (
        f" by {m.repealed_by}" if m.repealed_by else "")] if m.repealed_on else []
    out += [f"Lex mitior: {m.lex_mitior.citation.translation}"] if m.lex_mitior else []
    out += [f"Act {act.id!r}: {act.label}" for act in m.acts]
    for version in statute.versions:
        until = version.provision.version_until
        out.append(f"\nVersion in force from {version.effective_from.isoformat()}"
                   + (f" to {until.isoformat()}" if until else "")
                   + words.origin(version.model.amended_by, version.model.enacted_by))
        for subject, tiers in version.tiers.items():
            for tier in reversed(tiers):
                out.append(f"  {tier.ref} ({statute.subjects[subject].label}) "
                           f"[{tier.model.citation.confidence.value}]")
                out += words.outline(tier.node, "    ")
                rule = words.principal_rule(tier.model.principal_rule)
                out += [f"    principal ({rule}): {words.range_spec(s, m.currency, fmt)}"
                        for s in tier.principal]
                out += [f"    additional: {words.range_spec(s, m.currency, fmt)}"
                        for s in tier.additional]
        for mod in version.modifiers:
            who = f" for a {mod.subject.value}" if mod.subject else ""
            when = f" when {words.node(mod.node)}" if mod.node else ""
            targets = ", ".join(".".join(t) for t in sorted(mod.targets))
            out.append(f"  {words.factor(mod.factor)} on {targets}{who}{when} [{mod.ref}]")
    return out


def thresholds(table: Thresholds, locale: str) -> Text:
    """Every boundary of a provision, one table per kind of offender."""
    statute = table.statute
    when = f"{'' if table.on is None else f'on {table.on}: '}from {table.version}"  # ISO dates
    out: Text = [f"{statute.id}: {statute.model.title.en} (version in force {when})"]
    labels, known = {s.kind.value: s.label for s in statute.model.subjects}, table.figures
    for subject in dict.fromkeys(r.subject for r in table):
        rows = tuple((r.ref if r.ref.startswith(r.tier_ref) else f"{r.tier_ref} via {r.ref}",
                      r.fact, words.threshold(r, locale),
                      words.condition(r, statute.currency, locale, known))
                     for r in table if r.subject == subject)
        out.append(Table(("clause", "fact", "threshold", "only if"), rows,
                         labels.get(subject, subject), ("clause", "fact"), heading=2))
    if table.rate is not None:
        out.append(f"Converted at {words.rate(table.rate, locale)}. {table.rate.attribution}")
    return out


def conversion(result: Conversion, locale: str) -> Text:
    """A conversion, with the amount given shown with every digit it has."""
    given = words.money(result.original.amount, result.currency, locale, exact=True)
    shown = words.money(result.rounded, result.target, locale)
    return [f"{given} = {shown}", f"Rate: {words.rate(result.rate, locale)}",
            f"Rounded once to the minor unit of {result.target} ({result.rounding}); "
            f"unrounded {result.to_dict()['unrounded']}",
            *dict.fromkeys(_attributions(result.rate))]


def _attributions(rate: Rate) -> Iterable[str]:
    """Each line of the rate's and its legs' attributions (a cross rate's holds its legs'
    lines: each is said once by the caller's ``dict.fromkeys``)."""
    yield from filter(None, rate.attribution.splitlines())
    for leg in rate.legs:
        yield from _attributions(leg)


def provisions(rows: list[dict[str, Any]]) -> Text:
    """The catalogue: one block per provision (an id is copied, never cut to fit)."""
    return [f"{r['id']}" + (f"  ({', '.join(r['aliases'])})" if r["aliases"] else "")
            + f"  {r['currency']}  {r['coverage']}\n    {r['title']}" for r in rows]


def unloaded(problems: Iterable[StatuteFileError]) -> list[str]:
    r"""What ``penalties list`` says of each statute file that did not load (see
    :attr:`Catalog.problems <penalties.Catalog.problems>`): one line per file, its own
    error, as :func:`one_line`.

    >>> from penalties._errors import FieldProblem, StatuteFileError
    >>> print(*unloaded([StatuteFileError("d/x\u202e.toml", [FieldProblem("id", "missing")])]))
    not loaded: d/x\u202e.toml: id: missing
    """
    return [f"not loaded: {one_line(str(error))}" for error in problems]


def one_line(text: str) -> str:
    """``text`` safe to print as one line on a terminal: every character that is not
    printable (line breaks, control and bidirectional characters, separators) escaped."""
    from penalties._errors import printable

    return printable(text)


def snapshot(info: dict[str, Any]) -> Text:
    """The datasets of the embedded snapshot: coverage, kind of rate, last observation and
    its age on ``as_of`` (today), rule, attribution."""
    as_of = info.get("as_of")
    used = info.get("snapshot") or {}
    out: Text = [f"Snapshot in use: {used.get('label', 'embedded snapshot')}"
                 + (f" ({used['path']})" if used.get("path") else "")]
    out += [f"Which rate: {info['rule']}."] if info.get("rule") else []
    for d in info["datasets"]:
        count = len(d["coverage"])
        days = "1 day" if d.get("age_days") == 1 else f"{d.get('age_days')} days"
        age = f"{d['last']}, {days} before {as_of}" if as_of else str(d["last"])
        if d.get("stale"):
            age += f"; older than its look-back allows: rates for {as_of} use it, marked stale"
        out += [f"{d['title']} ({d['basis']}): {d['first']} to {d['last']}, {count} "
                + ("currency" if count == 1 else "currencies"),
                *([f"  kind: {d['kind']}"] if d.get("kind") else []),
                f"  last observation: {age}", f"  rule: {d['rule']}",
                f"  {d['attribution'].rstrip('.')}; {d['licence']}"]
    if fixed := info.get("fixed"):
        out += [f"Euro conversion rates (irrevocably fixed, never stale): {len(fixed)} "
                "currencies the euro replaced, each from its first day (Council Regulation "
                "(EC) No 2866/98, Art. 1, as amended): "
                + ", ".join(f"{f['currency']} {f['per_euro']} from {f['from']}" for f in fixed)]
    return out


def stale_warning(rate: Rate | None) -> str | None:
    """The one line the command line prints on stderr (after ``penalties: warning: ``) when
    a result's rate is stale: which rate, how old, and how to get a fresher one; ``None``
    for a rate that is not stale.

    ``penalties rates refresh`` (a user snapshot) does not exist yet: the hint names what
    works today, an online source in a chain before the snapshot, and ``rates update`` to
    keep its answers for offline use.
    """
    if rate is None or not rate.stale:
        return None
    legs = [leg for leg in rate.legs or (rate,) if leg.stale] or [rate]
    age = max(leg.age_days for leg in legs)
    which = " and ".join(f"{leg.series} {leg.base}→{leg.quote} of {leg.period}"
                         for leg in legs)
    if all(leg.source == "snapshot" for leg in legs):
        which += ", the last in the snapshot in use"
    old = f"is {age} days old on {rate.asked_for.isoformat()}" if age else "is stale"
    return f"the rate {rate.base}→{rate.quote} {old} ({which}); refresh: {_refresh(rate, legs)}"


def _refresh(rate: Rate, legs: list[Rate]) -> str:
    """A command that fetches a fresher rate for the date asked: for the snapshot's rates,
    ``penalties rates refresh`` (the newest ECB and IMF files, a user snapshot); for an
    online source's, the ECB for daily euro rates, currency-api (daily market rates) for
    anything else, such as VND, then the same question with that source in a chain before
    the snapshot."""
    if all(leg.source == "snapshot" for leg in legs):
        return "penalties rates refresh (downloads the newest ECB and IMF files)"
    day = rate.asked_for.isoformat()
    if all(leg.basis == "daily" and leg.base == "EUR" for leg in legs):
        source, codes, kind = "ecb", ",".join(dict.fromkeys(leg.quote for leg in legs)), ""
    else:
        source, codes, kind = "currency-api", rate.base, " (market rates, not official ones)"
    return (f"penalties rates update --source {source} --start {day} --end {day} "
            f"--currencies {codes}, then repeat with --source {source},snapshot{kind}")


def sources(rows: list[dict[str, Any]]) -> Text:
    """The rate sources."""
    return [Table(("name", "online", "title"), tuple(
        (str(r["name"]), "yes" if r["online"] else "no (default)", str(r["title"]))
        for r in rows))]


def validation(report: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """What ``penalties validate`` says: the files that passed, then each error and case."""
    passed, failed = [], []
    for entry in report:
        failures = entry.get("failures") or []
        if "error" in entry:
            failed.append(f"FAIL {entry['error']}")
        failed += [f"FAIL {entry['file']}: golden case {f['case']!r}: "
                   + "; ".join(f["differences"]) for f in failures]
        if "error" not in entry and not failures:
            passed.append(f"ok   {entry['file']} ({entry['id']}, "
                          f"{words.golden_cases(entry['cases'])})")
    return passed, failed
