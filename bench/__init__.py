"""Benchmarks of the tn-kg build and of the RDF stacks it can use (``python -m bench``).

See ``bench/README.md``. Results (JSON, Markdown, a PNG plot) go to ``bench/results/``.
"""
