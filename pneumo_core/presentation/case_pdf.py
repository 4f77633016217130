"""The case report (PDF): image, heatmap, probability, threshold, model version, the doctor's
reading, the date and the intended-use statement. Nothing identifying is taken from the file: no
file name, no DICOM tag; an accession or patient reference appears only when the doctor types one
for this PDF (it is never stored).

A record of what was saved: when a reading was saved, the model's part is the one saved with it
(its label at the saved preset and threshold, its band, the input gate's concern), so the PDF never
puts a reading beside a model label the reader did not see. Long notes wrap and continue on the
next page; the intended-use statement is the footer of every page.

Text is drawn with the DejaVu Sans font of Debian's ``fonts-dejavu-core`` (embedded: Cyrillic, Greek,
and most alphabets render as typed; CJK does not, DejaVu has no such glyphs). Without that font the
built-in Helvetica is used, with close substitutes or "?" outside Latin-1 (the review log keeps the
note exactly as typed either way).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

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
    PROBABILITY_TITLE,
    SECOND_OPINION_HEADLINE,
    SECOND_OPINION_TEXT,
    band_text,
    pct,
    preset_title,
)

UNVERIFIED_READER = "unverified: typed in demo mode, not signed in"
log = logging.getLogger(__name__)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
_FOOTER = 32  # mm kept free at the bottom of each page for the intended-use statement
_SUBSTITUTES = {"–": "-", "—": "-", "…": "...", "≥": ">=", "≤": "<=", "·": "-", "×": "x", "’": "'", "‘": "'",
                "“": '"', "”": '"', "→": "->", "−": "-"}


def latin1(text: str) -> str:
    """``text`` as Helvetica can draw it: typographic characters substituted, the rest as '?'."""
    out = "".join(_SUBSTITUTES.get(ch, ch) for ch in text)
    return out.encode("latin-1", errors="replace").decode("latin-1")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _as_saved(prediction: Prediction, reading: Case) -> Prediction:
    """The model's part of the report as it was when ``reading`` was saved."""
    return dataclasses.replace(prediction, label=reading.model_label, probability=reading.probability,
                               threshold=reading.threshold, preset=reading.preset, band=reading.band,
                               model_version=reading.model_version)


def _document(unicode_font: bool):
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-_FOOTER + 4)
            self.set_font(self.family_name, style="B", size=9)
            self.set_text_color(85, 85, 85)
            width = self.w - self.l_margin - self.r_margin
            self.multi_cell(width, 4.5, self.text_of("Intended use"))
            self.set_font(self.family_name, size=9)
            self.multi_cell(width, 4.5, self.text_of(
                INTENDED_USE + " The heatmap shows the regions that raised the model's score, not where disease is."))
            self.set_font(self.family_name, size=8)
            self.cell(width, 4, f"Page {self.page_no()} of {{nb}}", align="R")

        def text_of(self, text: str) -> str:
            return text if unicode_font else latin1(text)

    pdf = Report(format="A4")
    pdf.family_name = "helvetica"
    if unicode_font:
        for style, name in _FONTS.items():
            pdf.add_font("dejavu", style=style, fname=str(FONT_DIR / name))
        pdf.family_name = "dejavu"
    pdf.set_auto_page_break(True, margin=_FOOTER)
    pdf.set_title("pneumo case report")
    pdf.set_creator("pneumo")
    return pdf


def case_report_pdf(image: np.ndarray, heat_rgb: np.ndarray | None, prediction: Prediction, heat_caption: str,
                    reading: Case | None = None, when: dt.datetime | None = None, reference: str = "",
                    band: tuple[float, float] | None = None) -> bytes:
    """The report as PDF bytes. ``image``: gray [0, 1]; ``heat_rgb``: the overlay (H, W, 3) uint8 or None;
    ``reading``: the saved reading (the model's part then comes from it); ``band``: the model's
    second-opinion band, stated when the probability lies in it; ``reference``: an accession or
    patient reference typed for this PDF only."""
    from fpdf.enums import XPos, YPos

    if image.ndim != 2:
        raise ValueError(f"expected a 2-D gray image; got shape {image.shape}")
    if not prediction.assessment.labelled:
        raise ValueError(f"no case report for an image the input gate {prediction.status}: it has no label to report")
    if reading is not None:
        prediction = _as_saved(prediction, reading)
    when = when or dt.datetime.now(dt.UTC)
    unicode_font = all((FONT_DIR / name).is_file() for name in _FONTS.values())
    if not unicode_font:
        log.warning("case report: DejaVu fonts not found in %s; using Helvetica (Latin-1 only)", FONT_DIR)
    pdf = _document(unicode_font)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: float = 10, style: str = "", colour: str = "#000000", h: float = 5.5) -> None:
        pdf.set_font(pdf.family_name, style=style, size=size)
        pdf.set_text_color(*_rgb(colour))
        pdf.multi_cell(width, h, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("Chest X-ray second opinion - case report", 16, "B", h=8)
    line(f"Generated {when.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC - model {prediction.model_version}", 9,
         colour="#555555")
    if reference.strip():
        line(f"Reference: {reference.strip()}", 10, "B")
    pdf.ln(3)

    side = (width - 6) / 2
    height = side * min(1.0, image.shape[0] / image.shape[1])  # landscape films are shorter than the box
    top = pdf.get_y()
    pdf.image(Image.fromarray(to_uint8(image)), x=pdf.l_margin, y=top, w=side, h=height, keep_aspect_ratio=True)
    if heat_rgb is not None:
        pdf.image(Image.fromarray(heat_rgb), x=pdf.l_margin + side + 6, y=top, w=side, h=height, keep_aspect_ratio=True)
    pdf.set_y(top + height + 1)
    pdf.set_font(pdf.family_name, size=8)
    pdf.set_text_color(85, 85, 85)
    pdf.cell(side, 4, "X-ray as uploaded")
    pdf.set_x(pdf.l_margin + side + 6)
    pdf.cell(side, 4, pdf.text_of(heat_caption if heat_rgb is not None else "Heatmap not available"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    line(f"Model: {prediction.label}", 18, "B", LABEL_COLOURS[prediction.label], h=9)
    line(f"{PROBABILITY_TITLE} (calibrated): {pct(prediction.probability)}", 12, "B")
    line(f"Operating point: {preset_title(prediction.preset)}, PNEUMONIA from {pct(prediction.threshold)}"
         + (" - as when the reading was saved" if reading else ""))
    if prediction.needs_second_opinion:
        line(f"{SECOND_OPINION_HEADLINE}. {band_text(band)}" if band else SECOND_OPINION_TEXT, 11, "B", "#c77700")
    concern = reading.concern if reading is not None and reading.concern else (
        prediction.assessment.reason if prediction.assessment.reasons else "")
    if concern:
        line(f"Caution: {concern}", 11, "B", "#c77700")
    pdf.ln(3)

    line("Doctor's reading", 12, "B")
    if reading is None:
        line("No reading was saved for this image before this report was made.", colour="#555555")
    else:
        agreement = AGREEMENT_PHRASES[reading.agreement]
        reader = reading.reader if reading.reader_verified else f"{reading.reader} ({UNVERIFIED_READER})"
        line(f"{DOCTOR_LABEL_TITLES[reading.doctor_label]} ({agreement}), by {reader}, "
             f"{reading.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC, review-log reading #{reading.reading_id}")
        if reading.note:
            line(f"Note: {reading.note}")
        if not unicode_font and latin1(reading.note) != reading.note:
            log.info("case report: some characters of the note are shown as substitutes")
    return bytes(pdf.output())
