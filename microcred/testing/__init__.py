"""Test support shipped with the package: factories and fixtures that read like the product."""
