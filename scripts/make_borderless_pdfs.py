"""Make the borderless test PDFs: real pingtan report bodies printed by headless Chromium with every table border
removed, so the tables have no ruled lines at all (issue #10 follow-up).

    python3 scripts/make_borderless_pdfs.py    # needs Debian's chromium, fonts-arphic-uming, fonts-wqy-zenhei

Same recipe as tests/fixtures/documents/pdf/README.md "Body extraction (B)" + "(A) Chromium print", with one more
rule in the print stylesheet: `table, td, th { border: none !important }`. The table markup is the page's own, so
the golden files of the source pages are the truth of these PDFs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
PINGTAN = ROOT / "tests" / "fixtures" / "corpus" / "pingtan"
OUT = ROOT / "tests" / "fixtures" / "documents" / "pdf" / "borderless"
#: source page → does its body open with its own title (else the page's article title is put first)
SOURCES = {"zone_2019": True, "zone_2024": False}

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype</dir>
  <cachedir>{cache}</cachedir>
  {aliases}
</fontconfig>
"""
FONT_MAP = {
    "AR PL UMing CN": ("宋体", "仿宋_GB2312", "仿宋", "楷体", "楷体_GB2312", "SimSun", "FangSong", "KaiTi", "serif",
                       "sans-serif"),
    "WenQuanYi Zen Hei": ("黑体", "微软雅黑", "方正小标宋简体", "SimHei", "Microsoft YaHei"),
}
STYLE = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
body { font-family: "AR PL UMing CN"; font-size: 12pt; }
* { font-family: "AR PL UMing CN" !important; }
h1.report-title, h1.report-title * { font-family: "WenQuanYi Zen Hei" !important; text-align: center; font-size: 16pt; }
table { font-size: 9.5pt; border-collapse: collapse; }
table, td, th { border: none !important; }
"""


def body_html(page: Path, opens_with_title: bool) -> str:
    """The page's `div.article_content` verbatim, `nowrap` removed from the table cells, in a print page."""
    tree = lxml.html.fromstring(page.read_bytes().decode("utf-8"))
    body = tree.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " article_content ")]')[0]
    for cell in body.iter("td", "th"):
        cell.attrib.pop("nowrap", None)
        style = cell.get("style")
        if style:
            cell.set("style", ";".join(p for p in style.split(";") if "white-space" not in p.replace(" ", "")))
    title = ""
    if not opens_with_title:
        heading = tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " article_title ")]')[0]
        title = f'<h1 class="report-title">{heading.text_content().strip()}</h1>'
    content = lxml.html.tostring(body, encoding="unicode")
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{STYLE}</style></head>' \
           f"<body>{title}{content}</body></html>"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        aliases = "\n  ".join(
            f"<alias binding=\"same\"><family>{name}</family><prefer><family>{font}</family></prefer></alias>"
            for font, names in FONT_MAP.items() for name in names
        )
        conf = work / "fonts.conf"
        conf.write_text(FONTS_CONF.format(cache=work / "cache", aliases=aliases), encoding="utf-8")
        for stem, opens_with_title in SOURCES.items():
            html = work / f"{stem}.html"
            html.write_text(body_html(PINGTAN / f"{stem}.html", opens_with_title), encoding="utf-8")
            out = OUT / f"{stem}.pdf"
            subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}",
                 "--no-pdf-header-footer", html.as_uri()],
                check=True, env={"FONTCONFIG_FILE": str(conf), "HOME": tmp, "PATH": "/usr/bin:/bin"},
                capture_output=True,
            )
            print(out.relative_to(ROOT), out.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
