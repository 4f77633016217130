"""Every key the app keeps in ``st.session_state``, named once. A session's state belongs to one
user only; nothing here is shared between sessions."""

# Kept across pages (the sidebar): ``widgets.persist`` copies each to a widget key ``_NAME``.
PRESET = "op_preset"
THRESHOLD = "op_threshold"
HEATMAP_METHOD = "heatmap_method"
HEATMAP_OPACITY = "heatmap_opacity"
HEATMAP_COLORMAP = "heatmap_colormap"
READER = "reader_name"

HEATMAP_ADVANCED = "heatmap_advanced"  # the slow methods offered too
HEATMAPS = "heatmap_cache"  # (key tuple) -> (map, seconds it took), at most widgets.MAX_HEATMAPS
WINDOW = "window"  # + "-" + a film's key + "-preset" / "-range": its brightness and contrast while it is open
VIEWER = "viewer"  # + "-" + a film's key: its figure (the zoom holds while the film stays open)

# Read X-rays
UPLOADS = "read_uploads"  # the file uploader (its key: this + "-" + the generation)
UPLOADER_GENERATION = "read_uploader_gen"  # bumped after each read: an empty uploader, the bytes released
READ_IMAGES = "read_images"  # the batch: upload digest -> ReadImage, oldest first; survives page switches
READ_NOTICE = "read_notice"  # a message for the run after a read (files beyond the batch's limit)
CLEAR_ASKED = "read_clear_asked"  # the user asked to clear a batch holding unsaved images
SAVED_READINGS = "read_saved"  # upload digest -> the Case saved from it in this session
READ_TABLE = "read_table"  # the batch table (its open row: READ_TABLE + OPEN_SUFFIX)

# Review
WL_STATUS = "wl_status"
WL_SCOPE = "wl_scope"
WL_PRESET = "wl_preset"
WL_DATES = "wl_dates"
WL_TABLE = "wl_table"
WL_SAVED = "wl_saved"  # (reading id, message) of the review action just saved
WL_FORMS = "wl_forms"  # reading id -> how many actions were saved on it here (a new, empty form after each)
MISTAKE_KIND = "mistake_kind"
MISTAKE_TABLE = "mistakes"  # + "-" + kind

# Model performance
PERF_PRESET = "perf_preset"
PERF_THRESHOLD = "perf_threshold"

FOCUS = "focus_next"  # a CSS selector to focus once in the next run (after an upload, opening a row, a save)
FOCUS_COUNT = "focus_requests"  # how many focus requests this session made (each renders a new script element)

OPEN_SUFFIX = "__open"  # a selectable table's open row id lives at its key + this
SHOWN_SUFFIX = "__shown"  # and what it showed last (``selection.Shown``) at its key + this


def open_row_key(table_key: str) -> str:
    return table_key + OPEN_SUFFIX


def review_submit_key(reading_id: int) -> str:
    """The Review form's "Add to the case" button of one reading (True in the run after it is pressed)."""
    return f"wl_submit_{reading_id}"


def shown_rows_key(table_key: str) -> str:
    return table_key + SHOWN_SUFFIX
