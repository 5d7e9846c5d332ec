"""The doctor report (HTML and PDF) and the charts shared with the web dashboard."""

__all__: list[str] = []
