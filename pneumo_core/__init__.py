"""pneumo: a second opinion on pediatric chest X-rays (NORMAL / PNEUMONIA).

The public API; the app and the command line use only what is exported here.
"""

from . import charts
from .case_report import case_report_pdf
from .data import CLASSES, default_data_dir
from .errors import (DataLayoutError, ExplanationError, ModelFileError, PneumoError,
                     UnreadableImageError)
from .explain import COLORMAPS, METHODS, Heatmap, overlay
from .loader import ImageInfo, LoadedImage, load_image, sniff_format
from .metadata import ModelMetadata
from .performance import PUBLISHED, EvaluationReport, Mistake, Published
from .predict import CONFIDENT, DEFAULT_MODEL, SECOND_OPINION, Prediction, Predictor, decide
from .reading import DISPLAY_MAX_SIDE, ReadImage, digest_of, downscale, read_uploads
from .review_log import DOCTOR_LABELS, EVENT_KINDS, Case, Event, ReviewLog
from .texts import (BAND_COLOUR, DATA_CITATION, DOCTOR_LABEL_TITLES, INTENDED_USE, LABEL_COLOURS,
                    NEUTRAL_COLOUR, SECOND_OPINION_TEXT, model_card, preset_title)

__all__ = [
    "Case", "DOCTOR_LABELS", "EVENT_KINDS", "Event", "ReviewLog",
    "CLASSES", "COLORMAPS", "CONFIDENT", "DEFAULT_MODEL", "METHODS", "SECOND_OPINION",
    "DataLayoutError", "ExplanationError", "Heatmap", "ImageInfo", "LoadedImage", "ModelFileError",
    "ModelMetadata", "PneumoError", "Prediction", "Predictor", "UnreadableImageError", "decide",
    "default_data_dir", "load_image", "overlay", "sniff_format",
    "EvaluationReport", "Mistake", "PUBLISHED", "Published", "charts", "case_report_pdf",
    "DISPLAY_MAX_SIDE", "ReadImage", "digest_of", "downscale", "read_uploads",
    "BAND_COLOUR", "DATA_CITATION", "DOCTOR_LABEL_TITLES", "INTENDED_USE", "LABEL_COLOURS", "NEUTRAL_COLOUR",
    "SECOND_OPINION_TEXT", "model_card", "preset_title",
]
