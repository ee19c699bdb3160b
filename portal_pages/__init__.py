"""The public site on Wagtail: tracking for citizens, published performance."""
