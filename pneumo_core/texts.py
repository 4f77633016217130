"""Wording shared by the app, the case report and the command line: one place, one phrasing."""

from __future__ import annotations

from pathlib import Path

from .predict import MODELS_DIR

INTENDED_USE = ("For frontal pediatric chest X-rays (ages 1–5). A second opinion beside a clinician's own "
                "reading, never a diagnosis on its own.")
SECOND_OPINION_TEXT = ("Second opinion recommended: the probability lies in the range where the model is "
                       "not reliable on its own.")
PRESET_TITLES = {"screening": "Screening (high sensitivity)", "balanced": "Balanced",
                 "high_specificity": "High specificity", "custom": "Custom threshold"}
DOCTOR_LABEL_TITLES = {"NORMAL": "Normal", "PNEUMONIA": "Pneumonia", "UNSURE": "Unsure"}
DATA_CITATION = ("Kermany DS, Goldbaum M, Cai W, et al. Identifying Medical Diagnoses and Treatable Diseases by "
                 "Image-Based Deep Learning. Cell 172(5):1122-1131, 2018. doi:10.1016/j.cell.2018.02.010. "
                 "Data: Mendeley Data doi:10.17632/rscbjbr9sj.2, licence CC BY 4.0.")
MODEL_CARD = MODELS_DIR / "MODEL_CARD.md"


def preset_title(name: str) -> str:
    return PRESET_TITLES.get(name, name)


def model_card(path: Path | str = MODEL_CARD) -> str:
    """The model card's Markdown; a short notice if the file is missing."""
    path = Path(path)
    if not path.is_file():
        return f"The model card was expected at `{path.name}` beside the model and is missing."
    return path.read_text(encoding="utf-8")

# One colour per meaning, in the pages, the charts and the PDF.
LABEL_COLOURS = {"NORMAL": "#1e7b45", "PNEUMONIA": "#b3261e", "UNSURE": "#8a6d00"}
BAND_COLOUR = "#c77700"
NEUTRAL_COLOUR = "#35507a"
