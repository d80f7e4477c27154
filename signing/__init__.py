"""Contract documents (ReportLab) and electronic-signature providers."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko (0.38, its newest release) imports cryptography's DSA key class, deprecated since cryptography 51, to
# recognise DSA signers. This package never creates a DSA key (its seals are ECDSA): the warning, printed once per
# process at the first signature, would only be noise in the operator's logs (the test suite, which turns every
# warning into an error, ignores it the same way in pyproject.toml)
warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning, "pyhanko")
