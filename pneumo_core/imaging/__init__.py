"""Images in, arrays out: reading uploads (JPEG, PNG, DICOM), the input gate's checks that need no
model, the pure image maths that makes a model input, the heatmap overlay and the de-identified copies
(burned-in text blacked out by OCR first).

May import: ``pneumo_core.errors`` and ``decision``, NumPy, OpenCV, Pillow, (lazily, in ``dicom`` only) pydicom
and (lazily, in ``redact`` only) pytesseract, which runs Debian's ``tesseract`` program.
Never keras or TensorFlow, never the model, review, evaluation, presentation or training packages:
everything here works without a model.
"""
