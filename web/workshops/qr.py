"""The join link as a QR code, for the projector (an SVG: sharp at any size)."""

import io

import segno


def svg(link: str) -> str:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()
