from microcred.oauth.tests.conftest import base  # noqa: F401 - the live server as the public URL
