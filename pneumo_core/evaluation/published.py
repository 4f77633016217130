"""Results reported elsewhere on this data set, quoted with how each was measured."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Published:
    """A result reported elsewhere, with how it was measured."""

    source: str
    accuracy: float | None
    sensitivity: float | None
    specificity: float | None
    roc_auc: float | None
    how_measured: str


PUBLISHED = (
    Published("Kermany et al. 2018 (Cell)", 0.928, 0.932, 0.901, 0.968,
              "InceptionV3 pretrained on ImageNet, fine-tuned on the official train split; measured on "
              "the same official 624-image test split as this model."),
    Published("Public notebook: VGG16 transfer learning", 0.92, None, None, None,
              "Accuracy only, as the project reports it on the Kaggle test split; ImageNet weights; how "
              "the model and threshold were chosen is not documented."),
    Published("Public notebook: ResNet50V2", 0.915, None, None, None,
              "Accuracy only, as reported on the Kaggle test split; ImageNet weights; selection not documented."),
    Published("Public notebook: InceptionV3", 0.76, None, None, None,
              "Accuracy only, as reported on the Kaggle test split; ImageNet weights; selection not documented."),
    Published("Public notebooks: custom CNNs (range 88–95.7 %)", None, None, None, None,
              "Accuracy 0.88 to 0.957 across projects, as reported on the Kaggle test split; whether the "
              "epoch or threshold was chosen on that same split is not documented."),
)

# What was published for each architecture of the comparison (``python -m pneumo_core compare``),
# as its authors report it; the VGG16, ResNet50V2 and InceptionV3 ones started from ImageNet weights,
# the comparison's networks from random ones.
CLAIMS_BY_ARCHITECTURE = {
    "mlp": "Shown beside a CNN and VGG16 in one public project, whose best was 92% accuracy (VGG16).",
    "cnn3": "Shown beside InceptionV3 in one public project, whose best was 76% accuracy.",
    "vgg16": "92% accuracy (public notebook, ImageNet weights, selection not documented).",
    "resnet50v2": "91.5% accuracy (public notebook, ImageNet weights, selection not documented).",
    "inceptionv3": "Kermany et al. 2018: 92.8% accuracy, 93.2% sensitivity, 90.1% specificity, AUC 0.968 (ImageNet "
                   "weights); 76% accuracy in a public notebook.",
    "mobilenetv2": "No result published on this data set; here as the usual small, fast network.",
}
