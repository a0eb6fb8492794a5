"""The scan reader's settings and those of its post-OCR repair.

Kept apart from the code that uses them and free of heavy imports, so that the settings tree
(kehoach/settings.py) composes them without loading numpy, OpenCV, Tesseract or PDFium.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RepairSettings:
    # Word confidence (0..1) at or above which OCR output is never rewritten. Of Tesseract
    # 5.5's words read at 0.90-0.95, 1-3.4% are wrong on the scanned corpus; at 0.96 and above,
    # 0.1-0.6% (python -m kehoach.bench_scan --calibrate; corpus/scanned/ENGINES.md).
    confident: float = 0.96
    # Longest token that is tried as two merged syllables.
    max_merged_len: int = 14


@dataclass(frozen=True)
class ScanSettings:
    # --- raster
    dpi: int = 300                     # render resolution cap; a scan is never upsampled past it
    min_dpi: int = 200                 # and never rendered below this
    # Pixel budget of one rendered page (millions): the dpi is lowered so that a huge page (a
    # 200x200-inch sheet would be 3.6 Gpx at 300 dpi) stays within it; a page that would need
    # less than budget_min_dpi to fit is refused, as text that coarse cannot be read.
    max_page_mpx: float = 60.0
    budget_min_dpi: int = 100
    ink_channel: str = "red"           # "red": red seals and stamps fade; "gray": luminance
    denoise: bool = True               # drop specks (JPEG and scanner noise) after binarizing
    speck_px: int = 12                 # largest isolated speck removed (pixels)
    ink_cut: float = 1.3               # threshold as a multiple of Otsu's
    grey_ocr: bool = True              # Tesseract reads grey around the ink, not the binary
    ocr_context_in: float = 0.01       # how far around the text ink the grey is kept
    rule_block_in: float = 0.15        # local threshold window for rulings
    rule_contrast: int = 12            # grey levels a ruling pixel is darker than its window
    deskew: bool = True
    max_skew_deg: float = 3.0
    skew_step_deg: float = 0.1
    # --- rulings (lengths in inches, so they hold at any resolution)
    hline_min_in: float = 0.40
    vline_min_in: float = 0.20
    line_gap_in: float = 0.03          # scanner breaks in a ruling bridged up to this length
    line_merge_in: float = 0.05        # two rulings closer than this are one (double lines)
    segment_cover: float = 0.55        # share of a cell border that must be inked to exist
    border_window_in: float = 0.04     # how far from its mean position a border is looked for
    min_table_w_in: float = 1.5
    min_table_h_in: float = 0.25
    # --- OCR
    tessdata: str = ""                 # folder of Tesseract models; "" = $TESSDATA_PREFIX or
                                       # the distribution's (engine.py)
    # Tesseract languages in order of preference: the Vietnamese script model (Debian
    # tesseract-ocr-script-viet) reads this corpus better than the language model 'vie'
    # (corpus/scanned/ENGINES.md); the first one installed is used.
    langs: tuple[str, ...] = ("Vietnamese", "vie")
    lang: str = ""                     # set to force one
    # Text outside tables is read with the language model `vie` when installed: as exact on
    # prose as the script model (word accuracy 0.995 against 0.997 on a dense page of seed 001)
    # and a quarter faster; the script model stays for the cells (ENGINES.md).
    prose_lang: str = "vie"
    prose_psm: int = 3
    cell_psm: int = 6
    label_psm: int = 6
    mosaic_gap_in: float = 0.12
    # A tall mosaic read as one block loses a line now and then (a one-word last line of a
    # cell); it is read in parts about this tall.
    mosaic_part_in: float = 10.0
    cell_edge_in: float = 0.01         # a cell crop reaches this close to a top/bottom ruling
    label_max_w_in: float = 0.45       # ink narrower than this in a cell may be a lone label
    label_chars: str = "0123456789IVXLivxl.,-)abcdđe"
    label_scale: float = 2.0
    label_min_conf: float = 0.5
    label_recheck_conf: float = 0.9    # a label read less surely is cheaper to change
    label_guess_conf: float = 0.3      # labels read less surely than this are taken from the
                                       # numbering when it allows exactly one
    mark_min_conf: float = 0.3         # lone punctuation read less surely is dropped as a speck
    dash_min_w: float = 0.2            # a lone dash narrower than this × letter height is a speck
    timeout_s: int = 180               # one OCR run (a page's prose, a part of its cell mosaic)
    # --- layout
    furniture_margin: float = 0.08     # page-number lines within this share of the top/bottom
    reflow_slack_in: float = 0.35      # a line ending this close to its column's right edge wraps
    column_gap_in: float = 0.6         # a gap this wide between two words separates columns
    repair: RepairSettings = field(default_factory=RepairSettings)
    low_page_confidence: float = 0.75  # pages below this get a warning

