"""A call and its scorecard as one self-contained HTML page (for sharing with a trainer or a cohort)."""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined, select_autoescape

from roleplay.domain.scorecard import Scorecard
from roleplay.domain.transcript import Transcript
from roleplay.report.text import TITLES

# Everything from a transcript is passed as a value and escaped: call text is data, never markup.
_ENV = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
_PAGE = _ENV.from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.turn{display:grid;grid-template-columns:3rem 7rem 1fr;gap:.5rem;padding:.3rem 0;border-bottom:1px solid #eee}
.rep .who{color:#1a5fb4}.client .who{color:#813d9c}.n{color:#888}
.bar{background:#eee;height:.7rem;width:12rem;display:inline-block;vertical-align:middle}
.bar i{background:#2ec27e;height:100%;display:block}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;vertical-align:top}
.neg{color:#c01c28}.pos{color:#26a269}
</style></head><body>
<h1>{{ title }}</h1>
<p>Rep: {{ t.rep }} · scenario: {{ t.scenario or "—" }} · outcome: <b>{{ t.outcome or "in progress" }}</b>
{% if t.started %} · {{ t.started.strftime("%Y-%m-%d %H:%M") }}{% endif %}</p>
{% if sc %}
<h2>Scorecard: {{ "n/a" if sc.overall is none else sc.overall|round|int }}/100</h2>
<table>{% for key, d in sc.dimensions.items() %}
<tr><th>{{ titles.get(key, key) }}</th><td>{% if d.score is none %}n/a{% else %}
<span class="bar"><i style="width:{{ d.score }}%"></i></span> {{ d.score|round|int }}{% endif %}</td></tr>
{% endfor %}</table>
{% for key, d in sc.dimensions.items() if d.score is not none and (d.evidence or d.tips) %}
<h3>{{ titles.get(key, key) }}</h3><ul>
{% for e in d.evidence %}<li><span class="{{ 'neg' if e.effect < 0 else 'pos' }}">{{ '%+d'|format(e.effect|round|int) }}</span>
{% if e.turn %}turn {{ e.turn }}{% else %}call{% endif %}{% if e.quote %}: “{{ e.quote }}”{% endif %} — {{ e.note }} <small>[{{ e.rule }}]</small></li>
{% endfor %}{% for tip in d.tips %}<li><b>Tip:</b> {{ tip }}</li>{% endfor %}</ul>
{% endfor %}{% endif %}
<h2>Transcript</h2>
{% for turn in t.turns %}<div class="turn {{ turn.speaker }}"><span class="n">{{ loop.index }}</span>
<span class="who">{{ "Rep" if turn.speaker == "rep" else "Client" }}</span><span>{{ turn.text }}</span></div>
{% endfor %}
</body></html>
""")


def call_html(transcript: Transcript, scorecard: Scorecard | None) -> str:
    """The page for one call."""
    return _PAGE.render(
        t=transcript,
        sc=scorecard,
        titles=TITLES,
        lang=transcript.language,
        title=f"Call {transcript.id}",
    )
