"""What people read: the shared wording and colours, the plotly charts of an evaluation report and
the one-page PDF case report.

May import: ``pneumo_core.errors``, ``decision``, the ``imaging`` package, ``evaluation.report``
and ``review.records`` (plain records, not the database), plotly, fpdf2 and Pillow. Never keras or
TensorFlow, never the model or training packages, never streamlit: the pages render what this
package words and draws.
"""
