"""The readers (one module or package per format) and what they share; the table recovery.

Calling the package reads one file through the whole pipeline: `kehoach.extract(path)` is
`kehoach.pipeline.extract` (see kehoach/__init__.py for why the package is callable)."""
import sys
import types


class _ReadersPackage(types.ModuleType):
    def __call__(self, path, *, settings=None):
        from kehoach import _extract_file
        return _extract_file(path, settings=settings)


sys.modules[__name__].__class__ = _ReadersPackage
