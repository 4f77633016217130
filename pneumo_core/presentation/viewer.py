"""The film viewer as one plotly figure: the X-ray, its heatmap over it, a colour bar saying what the
colours mean, zoom and pan in the browser, and buttons flipping between film and heatmap in place
(the flip and the zoom happen in the browser, without a round trip to the server).

Plotly draws it (a library already in use for every chart) rather than a Streamlit component: it
zooms, pans and toggles layers out of the box, and needs no frame or script the hospital proxy's
Content-Security-Policy forbids. Images go in as PNGs (a 512-px film is ~150 kB, not 2 MB of
numbers). Window/level is applied to the film before it comes here (``imaging.window``).
"""

from __future__ import annotations

import base64
import io

import cv2
import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ..imaging.overlay import COLORMAPS
from ..imaging.preprocess import to_uint8
from .texts import HEATMAP_COLOURS

FILM, WITH_HEATMAP = "Film", "Film + heatmap"
TOP_MARGIN = 44  # px above the film: the Film / Film + heatmap buttons and the zoom tools
CONFIG = {"scrollZoom": True, "displaylogo": False, "displayModeBar": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage"]}


def colorscale(colormap: str, steps: int = 11) -> list[list]:
    """The OpenCV colour map the overlay uses, as a plotly colour scale (so the bar matches the picture)."""
    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colour map {colormap!r}; expected one of {sorted(COLORMAPS)}")
    levels = np.linspace(0, 255, steps).astype(np.uint8)[:, None]
    rgb = cv2.cvtColor(cv2.applyColorMap(levels, COLORMAPS[colormap]), cv2.COLOR_BGR2RGB)[:, 0]
    return [[i / (steps - 1), f"rgb({r},{g},{b})"] for i, (r, g, b) in enumerate(rgb.tolist())]


def png_uri(pixels: np.ndarray) -> str:
    """A gray [0, 1] or RGB uint8 array as a PNG data URI."""
    array = pixels if pixels.dtype == np.uint8 else to_uint8(pixels)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", optimize=False, compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def viewer_figure(film: np.ndarray, heatmap_rgb: np.ndarray | None = None, colormap: str = "turbo",
                  label: str = "PNEUMONIA", show_heatmap: bool = True, height: int = 560,
                  revision: str = "film") -> go.Figure:
    """The film (gray [0, 1], already windowed) and, when given, the same film with its heatmap blended
    over it (RGB uint8, same size). ``revision`` keeps the user's zoom across reruns of the same film."""
    if film.ndim != 2:
        raise ValueError(f"expected a 2-D gray film; got shape {film.shape}")
    if heatmap_rgb is not None and heatmap_rgb.shape[:2] != film.shape:
        raise ValueError(f"expected the heatmap at the film's size {film.shape}; got {heatmap_rgb.shape[:2]}")
    h, w = film.shape
    gray = to_uint8(np.clip(film, 0.0, 1.0))
    fig = go.Figure(go.Image(source=png_uri(gray), hoverinfo="skip", name=FILM))  # a grey PNG: a third of RGB
    shown = heatmap_rgb is not None and show_heatmap
    if heatmap_rgb is not None:
        fig.add_trace(go.Image(source=png_uri(heatmap_rgb), hoverinfo="skip", name=WITH_HEATMAP, visible=shown))
        fig.add_trace(go.Scatter(  # carries the colour bar only: no points
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False, visible=shown,
            marker=dict(colorscale=colorscale(colormap), cmin=0, cmax=1, color=[0, 1], showscale=True,
                        colorbar=dict(title=dict(text=HEATMAP_COLOURS.format(label=label), side="top",
                                                 font=dict(size=12)),
                                      tickvals=[0, 0.5, 1], ticktext=["none", "some", "most"],
                                      thickness=14, len=0.8, x=1.0, xpad=6, y=0.45))))
        fig.update_layout(updatemenus=[dict(
            type="buttons", direction="left", x=0, y=1.0, xanchor="left", yanchor="bottom", pad=dict(b=4),
            showactive=True, active=1 if shown else 0, font=dict(size=14),
            buttons=[dict(label=FILM, method="restyle", args=[{"visible": [True, False, False]}]),
                     dict(label=WITH_HEATMAP, method="restyle", args=[{"visible": [True, True, True]}])])])
    fig.update_xaxes(visible=False, range=[-0.5, w - 0.5], constrain="domain", constraintoward="left")
    fig.update_yaxes(visible=False, range=[h - 0.5, -0.5], scaleanchor="x", constrain="domain", constraintoward="top")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=TOP_MARGIN, b=0),
                      dragmode="pan", uirevision=revision, plot_bgcolor="black", paper_bgcolor="rgba(0,0,0,0)",
                      font=dict(size=14))
    return fig
