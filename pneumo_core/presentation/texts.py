"""Wording shared by the app, the case report and the command line: one place, one phrasing, and
one colour per meaning."""

from __future__ import annotations

import re

from ..decision import CUSTOM

INTENDED_USE = ("For frontal pediatric chest X-rays (ages 1–5). A second opinion beside a clinician's own "
                "reading, never a diagnosis on its own.")
SECOND_OPINION_TEXT = ("Second opinion recommended: the probability lies in the range where the model is "
                       "not reliable on its own.")
SECOND_OPINION_FLAG = "Second opinion"  # a table cell or a short flag
SECOND_OPINION_CLI = "(second opinion recommended)"
PRESET_TITLES = {"screening": "Screening (high sensitivity)", "balanced": "Balanced",
                 "high_specificity": "High specificity", CUSTOM: "Custom threshold"}
DOCTOR_LABEL_TITLES = {"NORMAL": "Normal", "PNEUMONIA": "Pneumonia", "UNSURE": "Unsure"}
AGREEMENT_TITLES = {"agree": "Agree", "disagree": "Disagree", "unsure": "Doctor unsure"}
AGREEMENT_PHRASES = {"agree": "agrees with the model", "disagree": "disagrees with the model", "unsure": "unsure"}
REVIEW_ACTION_TITLES = {"comment": "Comment only", "re-read": "Re-read (record a new reading)",
                        "reviewed": "Mark reviewed"}
STATUS_TITLES = {"open": "Open", "reviewed": "Reviewed", "all": "All"}
MISTAKE_KINDS = ("false negative", "false positive")
GATE_TITLES = {"ok": "Ready", "caution": "Caution", "refused": "Not assessed", "unreadable": "Could not read"}
REFUSED_HEADLINE = "Not assessed: the model may not read this image"
REFUSED_ADVICE = ("No probability, label or heatmap is given for it. Upload a frontal (PA or AP) chest X-ray of a "
                  "child as JPEG, PNG or DICOM.")
CAUTION_HEADLINE = "Caution"
GATE_SUMMARY = ("Before the model reads an image, pneumo checks it. It does not read a file that is blank or nearly "
                "uniform, in colour, too small or too elongated to be a chest film, or whose DICOM header names "
                "another modality (CT, MR, ultrasound…), another body part or a lateral view. It reads, with a "
                "caution, a film whose DICOM header gives an age outside 1–5 years. It also refuses an image whose "
                "features, as the model sees them, lie far from every training film (other body parts, photos, "
                "documents, screenshots, noise), and a film turned, upside down, flipped vertically or inverted "
                "(a negative).")
GATE_TEST_ROW = "official test split (624)"  # the gate report's row of the test films
GATE_LIMITS = ("What the check does not catch: a film mirrored left to right; an adult chest film (it is read, "
               "with a caution only when the DICOM header gives the age, and the gate has not been measured on adult "
               "films: one adult sample cannot measure that); and anything too close to a pediatric chest film for "
               "the model's own features to tell apart. It refuses some real pediatric films too: {validation} of "
               "the validation films and {test} of the official test films.")
DATA_CITATION = ("Kermany DS, Goldbaum M, Cai W, et al. Identifying Medical Diagnoses and Treatable Diseases by "
                 "Image-Based Deep Learning. Cell 172(5):1122-1131, 2018. doi:10.1016/j.cell.2018.02.010. "
                 "Data: Mendeley Data doi:10.17632/rscbjbr9sj.2, licence CC BY 4.0.")


def preset_title(name: str) -> str:
    return PRESET_TITLES.get(name, name)


# One colour per meaning, in the pages, the charts and the PDF.
LABEL_COLOURS = {"NORMAL": "#1e7b45", "PNEUMONIA": "#b3261e", "UNSURE": "#8a6d00"}
BAND_COLOUR = "#c77700"
NEUTRAL_COLOUR = "#35507a"

STRESS_TITLE = "Does it read the lungs, or how the film was taken?"
STRESS_INTRO = ("In the training data, how a film was taken (its framing, size and processing) predicts its label, "
                "so a model can score well without looking at the lungs. To check, the validation films are read "
                "again with only their framing changed, and we see whether the model still calls healthy children "
                "healthy and still finds pneumonia. A model that reads the lungs changes little: a new model is "
                "accepted only if it moves by at most {limit} points.")
STRESS_NAMES = {"as it is": "Films as they are", "vertical stretch 85 %": "Stretched top to bottom",
                "horizontal stretch 85 %": "Stretched side to side", "centre crop 80 %": "Cropped closer (80%)",
                "zoom-out 85 %": "Shrunk inside a black border (85%)"}


def stress_rows(stress: dict) -> list[dict]:
    """The stress report as table rows in plain words (changes in percentage points)."""
    def cell(row: dict, key: str) -> str:
        value, drop = row[key], row.get(f"{key}_drop")
        if value is None:
            return "—"
        return f"{value:.1%}" if not drop else f"{value:.1%} ({-100 * drop:+.1f} points)"

    return [{"Validation films": STRESS_NAMES.get(name, name), "Healthy children called healthy": cell(r, "specificity"),
             "Pneumonia found": cell(r, "sensitivity")} for name, r in stress["rows"].items()]


def stress_takeaway(stress: dict) -> str:
    """One sentence: does the model pass, and where does it slip most."""
    rows = stress["rows"]
    base = next(iter(rows.values()))
    name, worst = max(((n, r) for n, r in rows.items() if r.get("specificity_drop") is not None),
                      key=lambda item: item[1]["specificity_drop"])
    if stress["eligible"]:
        return "This model passes: changing the framing moves what it says by little."
    shown = STRESS_NAMES.get(name, name)
    return (f"This model does not pass. On films {shown[0].lower() + shown[1:]}, it calls "
            f"{1 - worst['specificity']:.1%} of healthy children PNEUMONIA instead of {1 - base['specificity']:.1%}: "
            "part of what it learnt is how the training films were taken. It stays in service until a model that "
            "passes also does better on the test split.")


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&])")


def plain(text: str) -> str:
    """Text typed by a user, made safe to place in Markdown: every character Markdown (or Streamlit's
    ``:colour[...]``, emoji and maths syntax) would act on is escaped, and line breaks stay line
    breaks. A note can then neither forge a heading or a status nor load an image from a URL."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")

DEMO_BANNER = ("**Demo mode, not for clinical use:** sign-in is not configured, so names are typed and recorded as "
               "*unverified*, and every visitor sees every reading (the README says how to turn sign-in on).")
DEMO_NAME_HELP = "Saved with each reading and marked unverified: in demo mode nobody checks who typed it."
UNVERIFIED = "unverified"


def who(name: str, verified: bool) -> str:
    """A reader's name for Markdown, marked when sign-in did not verify it."""
    return plain(name) + ("" if verified else f" ({UNVERIFIED})")

BURNED_IN_NO_COPY = ("This DICOM says its pixels carry burned-in text (BurnedInAnnotation YES), which may identify the "
                     "patient, so no copy of it can be kept. The reading itself can be saved.")
