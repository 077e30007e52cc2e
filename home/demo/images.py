"""Illustrations for the demo content, drawn with Pillow.

Nothing is downloaded: the demo must work offline and carry no third-party rights. Each picture
is a sky gradient, an industrial silhouette (headframe, mill, blast furnace…) and a caption
band, which is enough for editors to see how crops, renditions and credits behave.
"""

import io
import math
import unicodedata
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

Color = tuple[int, int, int]

# Palettes are (sky top, sky bottom, ground, silhouette, accent).
PALETTES: dict[str, tuple[Color, Color, Color, Color, Color]] = {
    "dusk": ((38, 44, 84), (232, 137, 84), (52, 40, 46), (26, 22, 30), (250, 196, 92)),
    "dawn": ((120, 160, 200), (246, 214, 170), (88, 92, 84), (44, 48, 52), (255, 236, 170)),
    "steel": ((28, 38, 52), (96, 126, 150), (40, 44, 52), (16, 20, 26), (236, 108, 52)),
    "brick": ((170, 88, 62), (238, 196, 140), (96, 56, 44), (58, 30, 26), (255, 226, 150)),
    "glass": ((18, 70, 90), (120, 200, 196), (24, 52, 60), (10, 30, 38), (255, 170, 60)),
    "slate": ((60, 66, 80), (170, 176, 186), (70, 74, 80), (34, 36, 42), (214, 188, 120)),
    "green": ((40, 80, 70), (186, 214, 170), (58, 84, 60), (26, 40, 32), (240, 220, 130)),
}

_FONT_CANDIDATES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf")


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A scalable font, and whether it has accented letters (Pillow's built-in one does not)."""
    for name in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _printable(text: str, accents: bool) -> str:
    # The built-in font draws boxes for é or œ; plain letters read better than boxes.
    if accents:
        return text
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sky(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    # Compositing two flat images through a resized gradient mask is far faster than
    # drawing the gradient line by line.
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _ground(draw: ImageDraw.ImageDraw, w: int, h: int, color: Color, horizon: float) -> int:
    y = int(h * horizon)
    draw.rectangle((0, y, w, h), fill=color)
    return y


def _chimney(draw, x, base, width, height, color):
    draw.polygon(
        [
            (x, base),
            (x + width * 0.15, base - height),
            (x + width * 0.85, base - height),
            (x + width, base),
        ],
        fill=color,
    )


def _headframe(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """Pit headframe (chevalement) beside a slag heap (terril)."""
    _, _, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.78)
    draw.polygon([(w * 0.52, base), (w * 0.74, h * 0.38), (w * 0.98, base)], fill=ground)
    left, right, top = w * 0.16, w * 0.34, h * 0.18
    lw = max(3, w // 200)
    for x0, x1 in ((left, left + (right - left) * 0.35), (right, right - (right - left) * 0.35)):
        draw.line((x0, base, x1, top), fill=ink, width=lw * 2)
    steps = 7
    for i in range(steps):
        y0 = base - (base - top) * i / steps
        y1 = base - (base - top) * (i + 1) / steps
        xa = left + (right - left) * 0.35 * i / steps
        xb = right - (right - left) * 0.35 * (i + 1) / steps
        draw.line((xa, y0, xb, y1), fill=ink, width=lw)
    draw.line((right, base, right + (right - left) * 0.9, top + h * 0.08), fill=ink, width=lw * 2)
    cx = (left + right) / 2
    r = (right - left) * 0.22
    draw.ellipse((cx - r, top - r, cx + r, top + r), outline=ink, width=lw * 2)
    draw.rectangle((left - w * 0.04, base - h * 0.1, right + w * 0.06, base), fill=ink)
    draw.ellipse((w * 0.8, h * 0.12, w * 0.86, h * 0.12 + w * 0.06), fill=accent)


def _mill(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """Textile mill with saw-tooth (shed) roofs and a tall chimney."""
    _, _, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.8)
    roof = h * 0.52
    teeth = 9
    span = w * 0.62 / teeth
    x0 = w * 0.08
    for i in range(teeth):
        xa = x0 + i * span
        draw.polygon(
            [
                (xa, roof),
                (xa + span * 0.8, roof - h * 0.1),
                (xa + span, roof - h * 0.1),
                (xa + span, roof),
            ],
            fill=ink,
        )
        draw.line(
            (xa + span * 0.82, roof - h * 0.095, xa + span * 0.98, roof - h * 0.095),
            fill=accent,
            width=max(2, w // 300),
        )
    draw.rectangle((x0, roof, x0 + teeth * span, base), fill=ink)
    for i in range(teeth * 2):
        wx = x0 + span * 0.2 + i * span / 2
        draw.rectangle((wx, roof + h * 0.06, wx + span * 0.2, roof + h * 0.14), fill=accent)
    _chimney(draw, w * 0.78, base, w * 0.05, h * 0.62, ink)
    for i in range(4):
        r = w * (0.02 + i * 0.012)
        cx, cy = w * (0.81 + i * 0.03), h * (0.14 - i * 0.02)
        draw.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), fill=pal[1])


def _furnace(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """Blast furnace with hot-blast stoves and a gas main."""
    _, _, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.82)
    for i in range(3):
        x = w * (0.08 + i * 0.08)
        draw.rectangle((x, h * 0.36, x + w * 0.06, base), fill=ink)
        draw.ellipse((x, h * 0.33, x + w * 0.06, h * 0.39), fill=ink)
    fx = w * 0.45
    draw.polygon(
        [
            (fx, base),
            (fx + w * 0.04, h * 0.4),
            (fx + w * 0.02, h * 0.2),
            (fx + w * 0.12, h * 0.2),
            (fx + w * 0.1, h * 0.4),
            (fx + w * 0.14, base),
        ],
        fill=ink,
    )
    lw = max(4, w // 120)
    draw.line((w * 0.11, h * 0.3, fx + w * 0.07, h * 0.12), fill=ink, width=lw)
    draw.line((fx + w * 0.07, h * 0.12, w * 0.8, h * 0.12), fill=ink, width=lw)
    draw.line((w * 0.8, h * 0.12, w * 0.8, base), fill=ink, width=lw)
    draw.rectangle((w * 0.6, h * 0.55, w * 0.95, base), fill=ink)
    draw.rectangle((fx + w * 0.03, base - h * 0.08, fx + w * 0.11, base), fill=accent)
    draw.polygon([(fx + w * 0.14, base), (w * 0.6, base - h * 0.02), (w * 0.6, base)], fill=accent)


def _kilns(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """Bottle kilns, shared by glassworks and potteries."""
    _, _, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.8)
    for i, (cx, scale) in enumerate(((0.22, 1.0), (0.48, 0.8), (0.72, 1.1))):
        x = w * cx
        bw = w * 0.16 * scale
        top = h * (0.24 + 0.06 * i % 2)
        draw.polygon(
            [
                (x - bw / 2, base),
                (x - bw / 2, base - h * 0.12),
                (x - bw * 0.12, top),
                (x + bw * 0.12, top),
                (x + bw / 2, base - h * 0.12),
                (x + bw / 2, base),
            ],
            fill=ink,
        )
        draw.rectangle((x - bw * 0.1, base - h * 0.1, x + bw * 0.1, base), fill=accent)
    draw.ellipse((w * 0.86, h * 0.14, w * 0.92, h * 0.14 + w * 0.06), fill=accent)


def _pylons(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """High-voltage pylons and a power station with cooling tower."""
    _, _, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.84)
    lw = max(2, w // 320)
    tops = []
    for cx, scale in ((0.14, 1.0), (0.46, 0.72), (0.7, 0.52)):
        x, ph = w * cx, h * 0.62 * scale
        half = w * 0.05 * scale
        top = base - ph
        draw.line((x - half, base, x, top), fill=ink, width=lw * 2)
        draw.line((x + half, base, x, top), fill=ink, width=lw * 2)
        for k in range(1, 5):
            y = base - ph * k / 5
            off = half * (1 - k / 5)
            draw.line((x - off, y, x + off, y), fill=ink, width=lw)
        arm = top + ph * 0.15
        draw.line((x - half * 1.3, arm, x + half * 1.3, arm), fill=ink, width=lw * 2)
        tops.append((x - half * 1.3, arm, x + half * 1.3))
    for (xa, ya, xb), (xc, yc, xd) in zip(tops, tops[1:], strict=False):
        for x0, x1 in ((xa, xc), (xb, xd)):
            mid = ((x0 + x1) / 2, (ya + yc) / 2 + h * 0.04)
            draw.line((x0, ya, mid[0], mid[1], x1, yc), fill=ink, width=lw, joint="curve")
    tx = w * 0.82
    draw.polygon(
        [
            (tx, base),
            (tx + w * 0.03, h * 0.5),
            (tx + w * 0.02, h * 0.42),
            (tx + w * 0.12, h * 0.42),
            (tx + w * 0.11, h * 0.5),
            (tx + w * 0.14, base),
        ],
        fill=ink,
    )
    draw.ellipse((tx + w * 0.02, h * 0.3, tx + w * 0.12, h * 0.42), fill=accent)


def _railway(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """Rails running to the horizon, a signal and a water tower."""
    _, _, ground, ink, accent = pal
    horizon = _ground(draw, w, h, ground, 0.6)
    vx = w * 0.5
    lw = max(3, w // 200)
    for off in (-0.32, -0.12, 0.12, 0.32):
        draw.line((vx, horizon, w * (0.5 + off * 1.6), h), fill=ink, width=lw)
    for i in range(1, 12):
        t = (i / 12) ** 2
        y = horizon + (h - horizon) * t
        half = w * 0.56 * t
        draw.line((vx - half, y, vx + half, y), fill=ink, width=max(1, int(lw * t * 2)))
    sx = w * 0.18
    draw.rectangle((sx, h * 0.25, sx + w * 0.012, horizon + h * 0.05), fill=ink)
    draw.rectangle((sx - w * 0.02, h * 0.25, sx + w * 0.032, h * 0.35), fill=ink)
    draw.ellipse((sx - w * 0.008, h * 0.27, sx + w * 0.02, h * 0.27 + w * 0.028), fill=accent)
    draw.rectangle((w * 0.76, h * 0.22, w * 0.9, h * 0.36), fill=ink)
    for x in (0.78, 0.88):
        draw.rectangle((w * x, h * 0.36, w * x + w * 0.01, horizon), fill=ink)


def _press(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """A printer's type case seen from above: rows of compartments, a few lit letters."""
    _, _, ground, ink, accent = pal
    cols, rows = 14, 7
    mx, my = w * 0.06, h * 0.08
    cw, ch = (w - 2 * mx) / cols, (h * 0.72 - my) / rows
    lw = max(2, w // 300)
    font, accents = _font(int(ch * 0.55))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÀÇ&"
    for r in range(rows):
        for c in range(cols):
            x, y = mx + c * cw, my + r * ch
            draw.rectangle((x, y, x + cw, y + ch), outline=ink, width=lw)
            if (r * 5 + c * 3) % 4 == 0:
                letter = _printable(letters[(r * cols + c) % len(letters)], accents)
                draw.text((x + cw / 2, y + ch / 2), letter, fill=accent, font=font, anchor="mm")


def _loom(draw: ImageDraw.ImageDraw, w: int, h: int, pal) -> None:
    """A hand loom from the front: frame, warp threads, heddle frames, cloth and shuttle."""
    _, sky, ground, ink, accent = pal
    base = _ground(draw, w, h, ground, 0.88)
    lw = max(3, w // 160)
    left, right, top = w * 0.16, w * 0.84, h * 0.1
    cloth_top, cloth_bottom = h * 0.56, h * 0.74
    for x in (left, right):
        draw.rectangle((x - lw * 2, top, x + lw * 2, base), fill=ink)
    draw.rectangle((left, top, right, top + lw * 3), fill=ink)
    draw.rectangle((left, cloth_bottom, right, cloth_bottom + lw * 3), fill=ink)
    threads = 48
    inner_left, inner_right = left + lw * 3, right - lw * 3
    for i in range(threads):
        x = inner_left + (inner_right - inner_left) * i / (threads - 1)
        draw.line((x, top + lw * 3, x, cloth_top), fill=(236, 228, 210), width=max(1, w // 700))
    for y in (h * 0.28, h * 0.38):
        draw.rectangle((left, y, right, y + lw), fill=ink)
    rows = 16
    for r in range(rows):
        y0 = cloth_top + (cloth_bottom - cloth_top) * r / rows
        y1 = cloth_top + (cloth_bottom - cloth_top) * (r + 1) / rows
        draw.rectangle((inner_left, y0, inner_right, y1), fill=accent if r % 2 else sky)
    sx, sy = w * 0.56, cloth_top - h * 0.07
    draw.ellipse((sx - w * 0.08, sy - h * 0.018, sx + w * 0.08, sy + h * 0.018), fill=ink)
    for i in range(4):
        x = w * (0.36 + i * 0.08)
        draw.line((x, base, x + w * 0.03, base - h * 0.06), fill=ink, width=lw)


MOTIFS: dict[str, Callable] = {
    "headframe": _headframe,
    "mill": _mill,
    "furnace": _furnace,
    "kilns": _kilns,
    "pylons": _pylons,
    "railway": _railway,
    "press": _press,
    "loom": _loom,
}


def _caption(image: Image.Image, text: str) -> None:
    w, h = image.size
    size = max(14, h // 22)
    font, accents = _font(size)
    text = _printable(text, accents)
    band = Image.new("RGBA", (w, int(size * 2.2)), (0, 0, 0, 120))
    image.paste(band, (0, h - band.height), band)
    ImageDraw.Draw(image).text(
        (int(size * 0.8), h - band.height / 2), text, fill=(255, 255, 255), font=font, anchor="lm"
    )


def illustration(*, motif: str, palette: str, label: str, size: tuple[int, int]) -> bytes:
    """A JPEG of an industrial scene: `motif` is a key of MOTIFS, `palette` of PALETTES."""
    pal = PALETTES[palette]
    image = _sky(size, pal[0], pal[1])
    MOTIFS[motif](ImageDraw.Draw(image), size[0], size[1], pal)
    _caption(image, label)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=False)
    return out.getvalue()


def logo(*, initials: str, palette: str, shape: str, size: int = 256) -> bytes:
    """A square PNG logo: initials on a coloured disc with a simple emblem."""
    pal = PALETTES[palette]
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = size * 0.04
    draw.ellipse((pad, pad, size - pad, size - pad), fill=pal[3] + (255,))
    draw.ellipse(
        (pad * 3, pad * 3, size - pad * 3, size - pad * 3),
        outline=pal[4] + (255,),
        width=max(3, size // 40),
    )
    c = size / 2
    if shape == "gear":
        for k in range(10):
            a = 2 * math.pi * k / 10
            x, y = c + math.cos(a) * size * 0.36, c + math.sin(a) * size * 0.36
            draw.ellipse(
                (x - size * 0.035, y - size * 0.035, x + size * 0.035, y + size * 0.035),
                fill=pal[4] + (255,),
            )
    elif shape == "flame":
        draw.polygon(
            [
                (c, size * 0.12),
                (c + size * 0.08, size * 0.26),
                (c, size * 0.3),
                (c - size * 0.08, size * 0.26),
            ],
            fill=pal[4] + (255,),
        )
    elif shape == "tower":
        draw.polygon(
            [(c - size * 0.1, size * 0.3), (c, size * 0.1), (c + size * 0.1, size * 0.3)],
            outline=pal[4] + (255,),
            width=max(3, size // 50),
        )
    else:
        draw.rectangle(
            (c - size * 0.18, size * 0.74, c + size * 0.18, size * 0.78), fill=pal[4] + (255,)
        )
    font, accents = _font(int(size * (0.3 if len(initials) <= 2 else 0.22)))
    draw.text(
        (c, c + size * 0.03),
        _printable(initials, accents),
        fill=(255, 255, 255, 255),
        font=font,
        anchor="mm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
