"""Wording shared by the app, the case report and the command line: one place, one phrasing, and
one colour per meaning."""

from __future__ import annotations

import re

from ..decision import CUSTOM

INTENDED_USE = ("For frontal pediatric chest X-rays (ages 1–5). A second opinion beside a clinician's own "
                "reading, never a diagnosis on its own.")
SECOND_OPINION_HEADLINE = "Second opinion recommended"
SECOND_OPINION_TEXT = "Second opinion recommended: the model is unsure at this probability."  # PDF and CLI (no band numbers)
SECOND_OPINION_FLAG = "Second opinion"  # a table cell or a short flag
SECOND_OPINION_CLI = "(second opinion recommended)"
PRESET_TITLES = {"screening": "Screening (high sensitivity)", "balanced": "Balanced",
                 "high_specificity": "High specificity", CUSTOM: "Custom threshold"}
PRESET_LINES = {"screening": "Misses the fewest pneumonias, and raises the most false alarms.",
                "balanced": "The best balance of missed pneumonias and false alarms on the films set aside to choose it.",
                "high_specificity": "Raises the fewest false alarms, and misses more pneumonias.",
                CUSTOM: "A threshold you set yourself: nobody has checked how well it works."}
PRESETS_CHOSEN = ("Each preset's threshold was fixed on films set aside from the training data, never on the films "
                  "used to report performance.")
METRIC_HELP = {"accuracy": "Share of all test films labelled right.",
               "sensitivity": "Share of children with pneumonia that the model called PNEUMONIA.",
               "specificity": "Share of healthy children that the model called NORMAL.",
               "precision": "Of the films the model called PNEUMONIA, the share that had pneumonia.",
               "roc_auc": "How well the probability ranks a child with pneumonia above a healthy one, at any "
                          "threshold: 1.0 is perfect, 0.5 is chance."}
PROBABILITY_TITLE = "Pneumonia probability"  # one name for the model's calibrated probability, everywhere
DOCTOR_LABEL_TITLES = {"NORMAL": "Normal", "PNEUMONIA": "Pneumonia", "UNSURE": "Unsure"}
AGREEMENT_TITLES = {"agree": "Agree", "disagree": "Disagree", "unsure": "Doctor unsure"}
AGREEMENT_PHRASES = {"agree": "agrees with the model", "disagree": "disagrees with the model",
                     "unsure": "no call, so not compared with the model"}
REVIEW_ACTION_TITLES = {"comment": "Comment only", "re-read": "Re-read (record a new reading)",
                        "reviewed": "Mark reviewed"}
REVIEW_ACTION_DONE = {"comment": "Your comment is saved on reading #{id}.",
                      "re-read": "Your re-read is saved on reading #{id}.",
                      "reviewed": "Reading #{id} is marked reviewed."}
EVENT_TITLES = {"comment": "comment", "re-read": "re-read", "reviewed": "marked reviewed"}
STATUS_TITLES = {"open": "Open", "reviewed": "Reviewed", "all": "All"}
FLAG_REASON_TITLES = {"disagreement": "disagreement", "doctor unsure": "doctor unsure",
                      "second opinion": "second opinion", "input caution": "input caution"}
WHY_FLAGGED = "Why flagged"
MISTAKE_KINDS = ("false negative", "false positive")
MISTAKE_TITLES = {"false negative": ("missed pneumonia", "missed pneumonias"),
                  "false positive": ("false alarm", "false alarms")}
SUBTYPE_TITLES = {"bacteria": "bacterial", "virus": "viral", "none": ""}
MODALITY_TITLES = {"DX": "digital X-ray", "CR": "computed radiography", "RG": "radiograph", "OT": "other kind of image",
                   "CT": "CT", "MR": "MRI", "US": "ultrasound", "NM": "nuclear medicine", "PT": "PET",
                   "XA": "angiography", "MG": "mammography", "SC": "scanned image"}
GATE_TITLES = {"ok": "Ready", "caution": "Caution", "refused": "Not assessed", "unreadable": "Could not read"}
REFUSED_HEADLINE = "Not assessed: the model may not read this image"
REFUSED_ADVICE = ("No probability, label or heatmap is given for it. Upload a frontal (PA or AP) chest X-ray of a "
                  "child as JPEG, PNG or DICOM.")
CAUTION_HEADLINE = "Caution"
LABEL_SINCE_SAVED = ("At the operating point now chosen (PNEUMONIA from {threshold}) the model's label is {now}. "
                     "The reading saved above and the model's label saved with it ({saved}) are unchanged; the "
                     "case report (PDF) records them as saved.")
GATE_SUMMARY = ("Before the model reads an image, pneumo checks it. It does not read a file that is blank or nearly "
                "uniform, in colour, too small or too elongated to be a chest film, or whose DICOM header names "
                "another modality (CT, MR, ultrasound…), another body part, a lateral view or an adult (18 years "
                "or older). It reads, with a caution, a film whose DICOM header gives a child's age outside 1–5 "
                "years or no usable age. It also refuses an image whose "
                "features, as the model sees them, lie far from every training film (other body parts, photos, "
                "documents, screenshots, noise), and a film turned, upside down, flipped vertically or inverted "
                "(a negative).")
GATE_TEST_ROW = "official test split (624)"  # the gate report's row of the test films
GATE_LIMITS = ("What the check does not catch: a film mirrored left to right; an adult chest film whose file "
               "does not give the age (a DICOM whose header says the patient is 18 or older is refused, one without "
               "a usable age gets a caution; a JPEG or PNG says no age, and the gate has not been measured on adult films: "
               "one adult sample cannot measure that); and anything too close to a pediatric chest film for the "
               "model's own features to tell apart. It refuses some real pediatric films too: {validation} of the "
               "validation films and {test} of the official test films.")
DATA_CITATION = ("Kermany DS, Goldbaum M, Cai W, et al. Identifying Medical Diagnoses and Treatable Diseases by "
                 "Image-Based Deep Learning. Cell 172(5):1122-1131, 2018. doi:10.1016/j.cell.2018.02.010. "
                 "Data: Mendeley Data doi:10.17632/rscbjbr9sj.2, licence CC BY 4.0.")


def preset_title(name: str) -> str:
    return PRESET_TITLES.get(name, name)


def pct(value: float | None, digits: int = 1) -> str:
    """A probability, threshold or rate as every screen, chart and report shows it: "19.6%"."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """"1 missed pneumonia", "2 missed pneumonias"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def preset_line(name: str, presets: dict[str, float]) -> str:
    """One line on what a preset is for, its threshold, and which other preset it equals, if any."""
    line = PRESET_LINES.get(name, "")
    if name not in presets:
        return line
    same = [preset_title(o) for o, t in presets.items() if o != name and round(t, 6) == round(presets[name], 6)]
    return (f"{line} PNEUMONIA from {pct(presets[name])}."
            + (f" Same threshold as {' and '.join(same)}." if same else ""))


def band_text(band: tuple[float, float]) -> str:
    """The second-opinion band where it is shown: what it is, with its numbers."""
    return f"The model is unsure between {pct(band[0])} and {pct(band[1])}: read this one yourself."


def band_outside(band: tuple[float, float], errors_in_band: float | None = None,
                 test_errors_in_band: float | None = None) -> str:
    """Below the answer when no second opinion is flagged: what the band is, never that the model is
    sure (a probability just outside it is still near even odds; the probability says so), and the
    share of the default setting's mistakes it held on validation and, where known, on the test films
    (far fewer there: the band was fixed on validation)."""
    held = ""
    if errors_in_band is not None:
        held = f", the range that held {errors_in_band:.0%} of the default setting's mistakes on validation films"
        if test_errors_in_band is not None:
            held += f" but only {test_errors_in_band:.0%} on the separately collected test films"
    return f"No second opinion flagged: the probability is outside {pct(band[0])} to {pct(band[1])}{held}."


def modality_title(code: str | None) -> str:
    return MODALITY_TITLES.get(code or "", code or "")


# One colour per meaning, in the pages, the charts and the PDF.
LABEL_COLOURS = {"NORMAL": "#1e7b45", "PNEUMONIA": "#b3261e", "UNSURE": "#8a6d00"}
BAND_COLOUR = "#c77700"
NEUTRAL_COLOUR = "#35507a"

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&])")


def plain(text: str) -> str:
    """Text typed by a user, made safe to place in Markdown: every character Markdown (or Streamlit's
    ``:colour[...]``, emoji and maths syntax) would act on is escaped, and line breaks stay line
    breaks. A note can then neither forge a heading or a status nor load an image from a URL."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")

# The heatmap methods by what they show; the technical name goes in a tooltip.
SCORECAM_TIME = "4 to 6 seconds on a 2-core server"  # python -m benchmarks.heatmap_methods: median 3.8 s, first 5.7 s
METHOD_TITLES = {"Grad-CAM": "Where it looked", "Grad-CAM++": "Where it looked (sharper)",
                 "Score-CAM": "Masking test (slow)"}
METHOD_HELP = ("Where it looked: the regions that raised the model's score (technical name Grad-CAM). Sharper: the "
               "same, weighting the strongest regions more (Grad-CAM++). The masking test hides each part of the image "
               "in turn and watches the score (Score-CAM); it takes " + SCORECAM_TIME + ", so it is offered only "
               "under Advanced.")
ADVANCED_HELP = ("Also offers the masking test (Score-CAM). It takes " + SCORECAM_TIME + " per image instead of "
                 "about one, and with this model it often finds no region at all (on all 6 full-resolution sample "
                 "films it was measured on), so it is off by default.")
HEATMAP_COLOURS = "Raised the<br>score for<br>{label}"  # the colour bar's title
HEATMAP_LIMIT = "The colours show what raised the model's score, not where disease is."


WINDOW_TITLES = {"As acquired": "Original", "Auto contrast": "Auto", "Lung detail": "Lungs", "Dense areas": "Dense"}
WINDOW_HELP = ("Presets from this film's own grey levels. Original: as the file holds it. Auto: its grey levels "
               "stretched to full contrast. Lungs: the dark (aerated) areas spread out. Dense: the bright ones "
               "(heart, bone, consolidation) spread out.")
WINDOW_SLIDER_HELP = "Drag either end: grey levels below the left end show black, above the right end white."
VIEWER_HELP = "Scroll or use the zoom button to zoom, drag to pan, double-click to see the whole film again."


def method_title(name: str) -> str:
    return METHOD_TITLES.get(name, name)


def heatmap_caption(method: str, label: str) -> str:
    return f"{method_title(method)}: regions that raised the score for {label}"


PRIVACY_UPLOAD = ("Images you upload are sent to the pneumo server, read there and held in memory for this session only: "
                  "clearing the batch, reloading the page or closing the tab discards them, and they are never written "
                  "to disk. Saving a reading stores your reading, note and name, the model's answer and a fingerprint "
                  "(hash) of the pixels, never the file name or DICOM patient details. A copy of the image is kept only "
                  "if you tick the box to keep one: at most 512 pixels, without file name or tags, burned-in text "
                  "blacked out.")

TECHNICAL_CARD = ("Engineers: the technical model card (training recipe, the rules that fixed each threshold, files "
                  "and checksums) travels with the model file; the README says how every number "
                  "was measured.")


DEMO_BANNER = ("**Demo mode, not for clinical use:** names are typed, not verified, and every visitor sees every "
               "reading.")
DEMO_BANNER_HELP = "Sign-in is not configured on this server; the README says how to turn it on."
DEMO_NAME_HELP = "Saved with each reading and marked unverified: in demo mode nobody checks who typed it."
UNVERIFIED = "unverified"


def who(name: str, verified: bool) -> str:
    """A reader's name for Markdown, marked when sign-in did not verify it."""
    return plain(name) + ("" if verified else f" ({UNVERIFIED})")


CASE_LEFT_THE_LIST = ("Reading #{id} left this list while it was open (someone else may have changed it); what you "
                      "just added to it is handled here.")
NO_NEW_READING = "No new reading"
NO_COPY = "No copy of this image can be kept: {why}. The reading itself can be saved."
REPEATED_UPLOADS = ("{n} just uploaded had the same content, byte for byte, as another file in this batch, and "
                    "{verb} listed once.")
BURNED_IN_NO_COPY = ("This DICOM says its pixels carry burned-in text (BurnedInAnnotation YES), which may identify the "
                     "patient, so no copy of it can be kept. The reading itself can be saved.")
# An unexpected failure of the review-log database (the details go to the server's log, not the page)
SAVE_FAILED = ("The reading could not be saved: the review-log database did not accept it. What you entered is still "
               "in the form; try again in a moment. If it keeps failing, tell whoever runs pneumo (the server's log "
               "says why).")
ACTION_FAILED = ("The action could not be saved: the review-log database did not accept it, and nothing was changed. "
                 "Try again in a moment; if it keeps failing, tell whoever runs pneumo (the server's log says why).")
