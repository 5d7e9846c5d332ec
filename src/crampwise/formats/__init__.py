"""The edges where dicts live: the ``crampwise-diary`` JSON format, its export and import."""
