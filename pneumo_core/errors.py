"""The core's own exceptions. Messages say what was expected and what was found, in words a
clinician can act on."""


class PneumoError(Exception):
    """Base class of every error pneumo_core raises on purpose."""


class UnreadableImageError(PneumoError):
    """The file is not an image pneumo can read (corrupt, unsupported format, not monochrome...)."""


class DataLayoutError(PneumoError):
    """A data directory does not have the expected ``{train,test}/{NORMAL,PNEUMONIA}`` layout."""


class ModelFileError(PneumoError):
    """A model file or its metadata is missing, inconsistent or does not match its checksum."""


class ExplanationError(PneumoError):
    """A heatmap method produced nothing usable for this image."""


class ReviewLogError(PneumoError):
    """The review log cannot be used as asked: its file is empty, damaged or not a review log (it is
    never replaced), or it is open read-only and a reading was to be saved."""


class AccessDenied(PneumoError):
    """The signed-in user's roles do not allow what was asked (seeing others' readings, exporting,
    reviewing), or the user has no pneumo role at all."""


class RedactionUnavailableError(PneumoError, ValueError):
    """A de-identified copy was asked for but the image could not be checked for burned-in text (the
    OCR engine is missing or failed): no copy is kept, never an unchecked one. A ``ValueError`` too,
    so a caller that refuses bad input with ``ValueError`` refuses this as well."""


class ResultsFolderError(PneumoError):
    """An archive's results folder cannot be used: it is a file, holds a damaged part, or holds results
    of another model (results of two models are never mixed in one folder)."""


class TrainingOptionsError(PneumoError, ValueError):
    """Training options that cannot be honoured together (e.g. distillation without its teachers, or
    on a run that has a validation split). A ``ValueError`` too, as any bad argument is."""
