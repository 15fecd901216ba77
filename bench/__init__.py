"""The benchmark harness: ``python -m bench``. Not part of the app; see the README's "Benchmark"."""
