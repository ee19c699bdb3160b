from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """Only for its management commands (``benchmark``, ``search_bench``): no models; its URLs
    and settings are the benchmark's own overlay (``benchmark.overlay``), never Daftar's."""

    name = "benchmark"
