"""A micro-credential's image is checked like every upload of an image: :mod:`microcred.images`."""

from microcred.images import FORMATS, MAX_BYTES, MAX_SIDE, MIN_SIDE, check_image

__all__ = ["FORMATS", "MAX_BYTES", "MAX_SIDE", "MIN_SIDE", "check_image"]
