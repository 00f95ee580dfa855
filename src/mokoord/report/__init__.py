"""The yearly evaluation report (§3.3): indicators first, rendering second.

:mod:`mokoord.report.indicators` computes the figures as pure functions over a
loaded store; :mod:`mokoord.report.render` turns them into Markdown, HTML or
JSON with the jinja2 templates in ``templates/``.
"""
