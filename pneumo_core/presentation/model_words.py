"""The model described in words for stakeholders and clinicians: what it is, its known limits, and
its stress report (does it read the lungs, or how the film was taken). Built from the model's
metadata; shared wording (percentages, the heatmap's limit) comes from ``texts``."""

from __future__ import annotations

from .texts import HEATMAP_LIMIT, pct

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


def _worst_stress(stress: dict) -> str:
    """Where the stress report's specificity falls most, in words: "on films <changed>, it calls x% of
    healthy children PNEUMONIA instead of y%"."""
    rows = stress["rows"]
    base = next(iter(rows.values()))
    name, worst = max(((n, r) for n, r in rows.items() if r.get("specificity_drop") is not None),
                      key=lambda item: item[1]["specificity_drop"])
    shown = STRESS_NAMES.get(name, name)
    return (f"on films {shown[0].lower() + shown[1:]}, it calls {1 - worst['specificity']:.1%} of healthy children "
            f"PNEUMONIA instead of {1 - base['specificity']:.1%}")


def stress_takeaway(stress: dict) -> str:
    """One sentence: does the model pass, and where does it slip most."""
    if stress["eligible"]:
        return "This model passes: changing the framing moves what it says by little."
    worst = _worst_stress(stress)
    return (f"This model does not pass. {worst[0].upper() + worst[1:]}: part of what it learnt is how the "
            "training films were taken. It stays in service until a model that passes also does better on the test "
            "split.")


def about_model(train_images: int | None, members: int | None) -> str:
    """What the model is, for a clinician."""
    nets = f"{members} small neural networks" if members else "small neural networks"
    films = f"{train_images:,} chest X-rays" if train_images else "chest X-rays"
    return (f"{nets.capitalize()} whose answers are averaged, trained from scratch on {films} of children aged 1–5 "
            "from one hospital in Guangzhou, China. It was never shown the films it is tested on. Its probability "
            "is calibrated to be read as a chance (the next section says how close it came, and where it is not).")


def known_limits(validation_specificity: float | None, test_specificity: float | None,
                 stress: dict | None = None) -> str:
    """The limits a clinician must know, as a Markdown list (``stress``: the model's stress report)."""
    framing = [] if not stress or stress["eligible"] else [
        f"- **Part of what it learnt is how the training films were taken, not only the lungs.** Checked on films set "
        f"aside from its training data: {_worst_stress(stress)}. Films framed or cropped differently from the "
        "training films (another hospital, another X-ray machine) may get more false alarms; the *Model performance* "
        "page shows the check."]
    drop = ("" if validation_specificity is None or test_specificity is None else
            f" On films set aside from its own training data it called {pct(validation_specificity)} of healthy "
            f"children healthy; on the separately collected test films only {pct(test_specificity)}.")
    return "\n".join([
        f"- **It over-calls pneumonia on healthy children's films from outside its training data** (the test films, a "
        f"separately collected set from the same hospital).{drop} Expect at least as many false alarms on a new "
        "hospital's films; the High specificity setting removes some of them.",
        "- One hospital, one country, children aged 1–5: it has not been checked on any other population, and the "
        "data say nothing about sex, ethnicity or the X-ray machine.",
        "- It does not tell bacterial from viral pneumonia, and it looks for nothing else (effusion, pneumothorax, "
        "tuberculosis, COVID-19).",
        *framing,
        f"- {HEATMAP_LIMIT}",
    ])
