"""A one-page case report (PDF): image, heatmap, probability, threshold, model version, the doctor's
reading, the date and the intended-use statement. Nothing identifying: no file name, no DICOM tag.

Uses fpdf2 with its built-in Helvetica (no font files needed); text outside Latin-1 is shown with a
close substitute or "?" in the PDF only (the review log keeps the note exactly as typed).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
from PIL import Image

from ..decision import Prediction
from ..imaging.preprocess import to_uint8
from ..review.records import Case
from .texts import (
    AGREEMENT_PHRASES,
    DOCTOR_LABEL_TITLES,
    INTENDED_USE,
    LABEL_COLOURS,
    SECOND_OPINION_TEXT,
    preset_title,
)

log = logging.getLogger(__name__)
_SUBSTITUTES = {"–": "-", "—": "-", "…": "...", "≥": ">=", "≤": "<=", "·": "-", "×": "x", "’": "'", "‘": "'",
                "“": '"', "”": '"', "→": "->", "−": "-"}


def latin1(text: str) -> str:
    """``text`` as Helvetica can draw it: typographic characters substituted, the rest as '?'."""
    out = "".join(_SUBSTITUTES.get(ch, ch) for ch in text)
    return out.encode("latin-1", errors="replace").decode("latin-1")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def case_report_pdf(image: np.ndarray, heat_rgb: np.ndarray | None, prediction: Prediction, heat_caption: str,
                    reading: Case | None = None, when: dt.datetime | None = None) -> bytes:
    """The report as PDF bytes. ``image``: gray [0, 1]; ``heat_rgb``: the overlay (H, W, 3) uint8 or None."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    if image.ndim != 2:
        raise ValueError(f"expected a 2-D gray image; got shape {image.shape}")
    if not prediction.assessment.labelled:
        raise ValueError(f"no case report for an image the input gate {prediction.status}: it has no label to report")
    when = when or dt.datetime.now(dt.UTC)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title("pneumo case report")
    pdf.set_creator("pneumo")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: float = 10, style: str = "", colour: str = "#000000", h: float = 5.5) -> None:
        pdf.set_font("helvetica", style=style, size=size)
        pdf.set_text_color(*_rgb(colour))
        pdf.multi_cell(width, h, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("Chest X-ray second opinion - case report", 16, "B", h=8)
    line(f"Generated {when.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC - model {prediction.model_version}", 9,
         colour="#555555")
    pdf.ln(3)

    side = (width - 6) / 2
    height = side * min(1.0, image.shape[0] / image.shape[1])  # landscape films are shorter than the box
    top = pdf.get_y()
    pdf.image(Image.fromarray(to_uint8(image)), x=pdf.l_margin, y=top, w=side, h=height, keep_aspect_ratio=True)
    if heat_rgb is not None:
        pdf.image(Image.fromarray(heat_rgb), x=pdf.l_margin + side + 6, y=top, w=side, h=height, keep_aspect_ratio=True)
    pdf.set_y(top + height + 1)
    pdf.set_font("helvetica", size=8)
    pdf.set_text_color(85, 85, 85)
    pdf.cell(side, 4, "X-ray as uploaded")
    pdf.set_x(pdf.l_margin + side + 6)
    pdf.cell(side, 4, latin1(heat_caption if heat_rgb is not None else "Heatmap not available"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    line(f"Model: {prediction.label}", 18, "B", LABEL_COLOURS[prediction.label], h=9)
    line(f"Calibrated probability of pneumonia: {prediction.probability:.1%}", 12, "B")
    line(f"Operating point: {preset_title(prediction.preset)}, threshold {prediction.threshold:.3f} "
         "(PNEUMONIA when the probability is at or above it)")
    if prediction.needs_second_opinion:
        line(SECOND_OPINION_TEXT, 11, "B", "#c77700")
    if prediction.assessment.reasons:
        line(f"Caution: {prediction.assessment.reason}", 11, "B", "#c77700")
    pdf.ln(3)

    line("Doctor's reading", 12, "B")
    if reading is None:
        line("No reading was saved for this image before this report was made.", colour="#555555")
    else:
        agreement = AGREEMENT_PHRASES[reading.agreement]
        line(f"{DOCTOR_LABEL_TITLES[reading.doctor_label]} ({agreement}), by {reading.reader}, "
             f"{reading.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC, review-log reading #{reading.reading_id}")
        if reading.note:
            line(f"Note: {reading.note}")
        if latin1(reading.note) != reading.note:
            log.info("case report: some characters of the note are shown as substitutes")
    pdf.set_y(pdf.h - 30)
    line("Intended use", 9, "B", "#555555", h=4.5)
    line(INTENDED_USE + " The heatmap shows the regions that raised the model's score, not where disease is.", 9,
         colour="#555555", h=4.5)
    return bytes(pdf.output())
