"""The Benchmarks page's parts: the load form, live and saved-run charts, comparison, exports."""
