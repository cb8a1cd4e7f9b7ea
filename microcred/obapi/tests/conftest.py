from microcred.oauth.tests.conftest import base  # noqa: F401 - the live server as the public URL
from microcred.wallet.tests.conftest import platform  # noqa: F401 - the organization that signs learner records
