"""The plots of :mod:`sklearn_hypersearch.plots`, one module per kind of plot.

``_results`` reads fitted searches, ``_axes`` lays out grids and ticks; the
other modules each draw one public function. matplotlib is imported inside
functions only.
"""
