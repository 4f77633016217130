"""Images in, arrays out: reading uploads (JPEG, PNG, DICOM), the input gate's checks that need no
model, the pure image maths that makes a model input, the heatmap overlay and the de-identified copies.

May import: ``pneumo_core.errors`` and ``decision``, NumPy, OpenCV, Pillow and (lazily, in ``dicom`` only) pydicom.
Never keras or TensorFlow, never the model, review, evaluation, presentation or training packages:
everything here works without a model.
"""
