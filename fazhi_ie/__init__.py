"""fazhi_ie: count facts from Chinese rule-of-law government annual reports.

>>> from fazhi_ie import extract
>>> doc = extract(text)            # doctest: +SKIP
>>> doc.to_dict()["facts"][0]      # doctest: +SKIP
"""
from .consistency import ConsistencyWarning, check
from .panels import panel
from .pipeline import BACKENDS, Extractor, ModelNotAvailableError, extract
from .schema import Document, Fact

__version__ = "0.1.0"
__all__ = ["extract", "Extractor", "Document", "Fact", "BACKENDS", "ModelNotAvailableError", "check",
           "ConsistencyWarning", "panel", "__version__"]
