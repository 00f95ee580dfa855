"""The report as a template sees it: every figure formatted, every text in one language.

:func:`build_view` turns the :class:`~mokoord.report.indicators.Report` into
plain data for the Markdown and HTML templates. It gives texts and labels in
the current language: :mod:`mokoord.report.render` calls it inside
:func:`mokoord.i18n.speaking` with the report's own language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from mokoord import formatting
from mokoord.i18n import language, pgettext
from mokoord.models import Config
from mokoord.report.indicators import Figures, Report
from mokoord.report.markup import notes_html
from mokoord.report.texts import methods, texts

# --------------------------------------------------------------------------- numbers


class Numbers:
    """Formatting of figures and their change in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def count(self, value: int | None) -> str:
        return "–" if value is None else formatting.number(value, self.lang)

    def money(self, value: Decimal | None) -> str:
        return formatting.money(value, self.lang)

    def rate(self, value: float | None) -> str:
        return formatting.percent(value, self.lang)

    def change(self, now: Any, before: Any, kind: str) -> str:
        if now is None or before is None:
            return "–"
        diff = now - before
        if kind == "rate":
            points = formatting.number(abs(diff) * 100, self.lang, decimals=1)
            text = pgettext("report", "{points} pp").format(points=points)
        elif kind == "money":
            text = formatting.money(abs(Decimal(diff)), self.lang)
        else:
            text = formatting.number(abs(diff), self.lang)
        if diff > 0:
            return "+" + text
        if diff < 0:
            return "−" + text
        return "±0"

    def value(self, value: Any, kind: str) -> str:
        if kind == "rate":
            return self.rate(value)
        if kind == "money":
            return self.money(value)
        return self.count(value)


# --------------------------------------------------------------------------- the view


def _get(figures: Figures, path: str) -> Any:
    value: Any = figures
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def build_view(report: Report, *, charts: bool) -> dict[str, Any]:
    """Everything a template needs, formatted in the current language: plain data, no
    logic left."""
    lang = language()
    # each distinct date of the lists formatted once (a year lists a thousand events)
    day = functools.lru_cache(maxsize=None)(lambda when: formatting.date(when, lang))
    config_labels = _Labels(report, lang)
    num = Numbers(lang)
    months = report.stale_after_months
    cur, prev = report.current, report.previous
    start, end = cur.period.start, cur.period.end
    whole_year = start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31)
    period_name = (
        str(start.year)
        if whole_year
        else f"{formatting.date(start, lang)} – {formatting.date(end, lang)}"
    )
    t = texts(
        period=period_name,
        office=report.office,
        city=report.city,
        date=formatting.date(report.generated, lang, style="long"),
        start=formatting.date(start, lang),
        end=formatting.date(end, lang),
        prev_start=formatting.date(prev.period.start, lang),
        prev_end=formatting.date(prev.period.end, lang),
        months=months,
        total="{total}",
    )

    def row(path: str, kind: str = "count", label: str | None = None) -> dict[str, str]:
        now, before = _get(cur, path), _get(prev, path)
        return {
            "label": label or t[path],
            "current": num.value(now, kind),
            "previous": num.value(before, kind),
            "change": num.change(now, before, kind),
        }

    def breakdown(
        path: str, label_of: Callable[[str], str], *, keep_zero: bool = False
    ) -> list[dict[str, str]]:
        now: dict[str, int] = _get(cur, path)
        before: dict[str, int] = _get(prev, path)
        rows = []
        for key in now:
            a, b = now.get(key, 0), before.get(key, 0)
            if a or b or keep_zero:
                rows.append(
                    {
                        "label": label_of(key),
                        "current": num.count(a),
                        "previous": num.count(b),
                        "change": num.change(a, b, "count"),
                    }
                )
        return rows

    def table(caption: str, rows: list[dict[str, str]], first: str | None = None) -> dict[str, Any]:
        return {
            "caption": caption,
            "headers": [first or t["indicator"], t["current"], t["previous"], t["change"]],
            "rows": [[r["label"], r["current"], r["previous"], r["change"]] for r in rows],
            "chart": None,
        }

    vocab = config_labels
    # contacts
    month_rows = []
    month_keys = list(cur.contacts.by_month)
    prev_keys = list(prev.contacts.by_month)
    for index, key in enumerate(month_keys):
        before_key = prev_keys[index] if index < len(prev_keys) else None
        a = cur.contacts.by_month[key]
        b = prev.contacts.by_month.get(before_key, 0) if before_key else 0
        month_rows.append(
            {
                "label": _month_label(key, lang),
                "current": num.count(a),
                "previous": num.count(b),
                "change": num.change(a, b, "count"),
            }
        )
    contacts_key = table(
        t["key_figures"],
        [
            row("contacts.total"),
            row("contacts.organisations_reached"),
            row("contacts.first_contacts"),
        ],
    )
    by_month = table(t["contacts.by_month"], month_rows, t["count"])
    by_month["first_header"] = True
    by_channel = table(
        t["contacts.by_channel"], breakdown("contacts.by_channel", vocab.channel), t["category"]
    )
    by_topic = table(
        t["contacts.by_topic"], breakdown("contacts.by_topic", vocab.topic), t["category"]
    )
    by_topic["note"] = t["share_note"]

    registry_key = table(
        t["key_figures"],
        [
            row("registry.total"),
            row("registry.new"),
            row("registry.stale"),
            row("registry.open_needs.total", label=t["registry.open_needs"]),
        ],
    )
    by_status = table(
        t["registry.by_status"],
        breakdown(
            "registry.by_status",
            lambda key: formatting.label(formatting.STATUS_LABELS, key, lang),
            keep_zero=True,
        ),
        t["category"],
    )
    by_field = table(
        t["registry.by_field"], breakdown("registry.by_field", vocab.field), t["category"]
    )
    by_field["note"] = t["share_note"]
    by_district = table(
        t["registry.by_district"], breakdown("registry.by_district", vocab.district), t["category"]
    )
    needs = table(
        t["registry.needs_by_category"],
        breakdown("registry.open_needs.by_category", vocab.need),
        t["category"],
    )
    events_key = table(
        t["key_figures"],
        [
            row("trainings.held"),
            row("trainings.participants"),
            row("trainings.organisations"),
            row("exchange_formats.held"),
            row("exchange_formats.participants"),
        ],
    )
    coop_key = table(
        t["key_figures"],
        [row("cooperations.new"), row("offered_formats.organisations")],
    )
    offered = table(
        t["offered_formats.by_format"],
        breakdown("offered_formats.by_format", vocab.offered),
        t["category"],
    )
    offered["note"] = t["share_note"]
    referrals_key = table(
        t["key_figures"],
        [
            row("referrals.total"),
            row("referrals.taken_up"),
            row("referrals.not_taken_up"),
            row("referrals.pending"),
            row("referrals.rate", "rate"),
        ],
    )
    institution_rows = []
    for inst_id, entry in cur.referrals.by_institution.items():
        if entry.total:
            institution_rows.append(
                [
                    vocab.institution(inst_id),
                    num.count(entry.taken_up),
                    num.count(entry.not_taken_up),
                    num.count(entry.pending),
                    num.count(entry.total),
                ]
            )
    by_institution = {
        "caption": t["referrals.by_institution"] + f" ({t['current']})",
        "headers": [
            t["referrals.institution"],
            t["outcome.taken_up"],
            t["outcome.not_taken_up"],
            t["outcome.pending"],
            t["referrals.total_short"],
        ],
        "rows": institution_rows,
        "chart": None,
    }
    funding_key = table(
        t["key_figures"],
        [
            row("funding.supported"),
            row("funding.submitted"),
            row("funding.granted"),
            row("funding.requested_amount", "money"),
            row("funding.granted_amount", "money"),
        ],
    )
    summary = table(
        t["summary"],
        [
            row("contacts.total"),
            row("contacts.organisations_reached"),
            row("contacts.first_contacts"),
            row("registry.total"),
            row("registry.new"),
            row("trainings.held"),
            row("exchange_formats.held"),
            row("cooperations.new"),
            row("referrals.total"),
            row("referrals.rate", "rate"),
            row("funding.submitted"),
            row("funding.granted_amount", "money"),
        ],
    )

    if charts:
        _add_charts(
            report,
            t,
            vocab,
            summary=summary,
            by_month=by_month,
            by_field=by_field,
            needs=needs,
            by_institution=by_institution,
            lang=lang,
        )

    comp = report.completeness
    completeness_rows = [
        [t[f"completeness.{key}"], num.count(getattr(comp, key))]
        for key in (
            "organisations",
            "stale",
            "never_verified",
            "verified_in_period",
            "without_district",
            "without_field",
            "contacts",
            "contacts_without_topic",
            "events_without_head_count",
            "invalid_files",
        )
    ]
    sections = [
        {
            "id": "contacts",
            "title": t["contacts"],
            "tables": [contacts_key, by_month, by_channel, by_topic],
        },
        {
            "id": "registry",
            "title": t["registry"],
            "tables": [registry_key, by_status, by_field, by_district, needs],
        },
        {
            "id": "trainings",
            "title": t["trainings"] + " / " + t["exchange_formats"],
            "tables": [events_key],
        },
        {
            "id": "cooperations",
            "title": t["cooperations"] + " / " + t["offered_formats"],
            "tables": [coop_key, offered],
        },
        {"id": "referrals", "title": t["referrals"], "tables": [referrals_key, by_institution]},
        {"id": "funding", "title": t["funding"], "tables": [funding_key]},
    ]
    return {
        "lang": lang,
        "t": t,
        "methods": methods(months=months),
        "summary": summary,
        "sections": sections,
        "completeness": {
            "caption": t["completeness"],
            "headers": [t["indicator"], t["count"]],
            "rows": completeness_rows,
            "chart": None,
        },
        "new_organisations": [
            {"name": item.name, "date": day(item.date)} for item in report.new_organisations
        ],
        "left_out": _left_out_view(report, t, lang),
        "events": [
            {
                "date": day(item.date),
                "kind": t.get(f"event_kind.{item.kind}", item.kind or ""),
                "name": item.name,
                "notes": item.notes or "",
                "notes_html": notes_html(item.notes),
            }
            for item in report.events
        ],
    }


def _left_out_view(report: Report, t: dict[str, str], lang: str) -> dict[str, Any] | None:
    """The warning at the top of the report when files were left out; ``None`` when none were."""
    if not report.left_out:
        return None
    return {
        "title": t["left_out.title"],
        "text": t["left_out.text"].format(total=formatting.number(len(report.left_out), lang)),
        "remedy": t["left_out.remedy"],
        "files": [
            {
                "place": f"{problem.path}:{problem.line}" if problem.line else problem.path,
                "message": problem.message,
            }
            for problem in report.left_out
        ],
    }


def _month_label(key: str, lang: str) -> str:
    year, month = key.split("-")
    return f"{formatting.month_name(int(month), lang)} {year}"


class _Labels:
    """Vocabulary labels from the store's configuration in one language."""

    def __init__(self, report: Report, lang: str) -> None:
        self.lang = lang
        self.config: Config = report.config
        self.institutions = report.institution_names

    def _vocab(self, name: str, key: str) -> str:
        return self.config.vocabularies.label(name, key, self.lang)

    def channel(self, key: str) -> str:
        return self._vocab("channels", key)

    def topic(self, key: str) -> str:
        return self._vocab("topics", key)

    def field(self, key: str) -> str:
        return self._vocab("fields", key)

    def district(self, key: str) -> str:
        return self._vocab("districts", key)

    def need(self, key: str) -> str:
        return self._vocab("need_categories", key)

    def offered(self, key: str) -> str:
        return self._vocab("offered_formats", key)

    def institution(self, key: str) -> str:
        return self.institutions.get(key, key)


def _add_charts(
    report: Report,
    t: dict[str, str],
    vocab: _Labels,
    *,
    summary: dict[str, Any],
    by_month: dict[str, Any],
    by_field: dict[str, Any],
    needs: dict[str, Any],
    by_institution: dict[str, Any],
    lang: str,
) -> None:
    from mokoord.report import charts

    cur, prev = report.current, report.previous
    legend = (t["current"], t["previous"])
    months = list(cur.contacts.by_month)
    by_month["chart"] = charts.bar_chart(
        "chart-months",
        t["chart.contacts_by_month"],
        t["chart.contacts_by_month.alt"].format(total=formatting.number(cur.contacts.total, lang)),
        [formatting.month_name(int(key[5:]), lang) for key in months]
        if len(months) <= 12
        else list(months),
        [cur.contacts.by_month[key] for key in months],
        horizontal=False,
        previous=list(prev.contacts.by_month.values())[: len(months)],
        legend=legend,
    )
    fields = [(key, n) for key, n in cur.registry.by_field.items() if n]
    fields.sort(key=lambda item: -item[1])
    if fields:
        by_field["chart"] = charts.bar_chart(
            "chart-fields",
            t["chart.by_field"],
            t["chart.by_field.alt"],
            [vocab.field(key) for key, _ in fields],
            [n for _, n in fields],
        )
    need_items = [(k, n) for k, n in cur.registry.open_needs.by_category.items() if n]
    if need_items:
        needs["chart"] = charts.bar_chart(
            "chart-needs",
            t["chart.needs"],
            t["chart.needs.alt"].format(
                total=formatting.number(cur.registry.open_needs.total, lang)
            ),
            [vocab.need(key) for key, _ in need_items],
            [n for _, n in need_items],
        )
    insts = [(k, e) for k, e in cur.referrals.by_institution.items() if e.total]
    if insts:
        by_institution["chart"] = charts.stacked_chart(
            "chart-referrals",
            t["chart.referrals"],
            t["chart.referrals.alt"],
            [vocab.institution(key) for key, _ in insts],
            [
                (
                    t[f"outcome.{outcome}"],
                    charts.OUTCOME_COLOURS[outcome],
                    [getattr(e, outcome) for _, e in insts],
                )
                for outcome in ("taken_up", "not_taken_up", "pending")
            ],
        )
    keys = [
        "contacts.total",
        "contacts.organisations_reached",
        "contacts.first_contacts",
        "registry.new",
        "trainings.held",
        "exchange_formats.held",
        "cooperations.new",
        "referrals.total",
        "funding.submitted",
    ]
    summary["chart"] = charts.bar_chart(
        "chart-yoy",
        t["chart.yoy"],
        t["chart.yoy.alt"],
        [t[key] for key in keys],
        [_get(cur, key) for key in keys],
        previous=[_get(prev, key) for key in keys],
        legend=legend,
    )
