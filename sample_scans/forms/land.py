"""Giấy chứng nhận quyền sử dụng đất (land-use-right certificate), three layouts.

- ``gcn_2014``: the 2014-2024 blank (``GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ
  TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT``): I. holders, II. parcel (a) … g)), III. sketch with the vertex
  table; serial ``CN 719597`` and ``Số vào sổ cấp GCN: CS 03027``;
- ``gcn_2014_table``: the parcel facts as a two-column table instead of lettered lines;
- ``gcn_2024``: the Circular 10/2024 form (``… QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT``) with a
  QR-like block and a 12-character certificate code under it [check: code format assumed].
"""

from __future__ import annotations

import datetime as dt
import math
import random

from sohoa.national_format import polygon_area

from .. import admin, people, vntext
from ..render import fit_widths
from .common import (
    REFORM_DATE,
    Form,
    Rendered,
    draw_style,
    empty_fields,
    residence_text,
    signer_name,
)

VARIANTS = ("gcn_2014", "gcn_2014_table", "gcn_2024")
# (printed purpose, code printed, truth code after the Circular 08/2024 mapping)
PURPOSES = (
    ("Đất ở tại nông thôn", "ONT", "ONT"),
    ("Đất ở tại đô thị", "ODT", "ODT"),
    ("Đất trồng cây lâu năm", "CLN", "CLN"),
    ("Đất trồng cây hàng năm khác", "HNK", "HNK"),
    ("Đất bằng trồng cây hàng năm khác", "BHK", "HNK"),
    ("Đất nương rẫy trồng cây hàng năm khác", "NHK", "HNK"),
    ("Đất chuyên trồng lúa nước", "LUC", "LUC"),
    ("Đất rừng sản xuất", "RSX", "RSX"),
    ("Đất nuôi trồng thủy sản", "NTS", "NTS"),
)
ORIGINS = (
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Nhận chuyển nhượng quyền sử dụng đất",
    "Nhận thừa kế quyền sử dụng đất",
    "Được tặng cho quyền sử dụng đất",
)
SERIAL_PREFIXES = ("CN", "CM", "CL", "CK", "CH", "BY", "BX", "BU", "BĐ", "CS", "CT", "DA", "DB")


def _vertices(rng: random.Random, area: float) -> list[dict]:
    """A convex-ish parcel polygon in VN-2000 metres (X northing, Y easting), clockwise."""
    n = rng.randint(4, 7)
    cx = rng.uniform(1_250_000, 1_360_000)
    cy = rng.uniform(420_000, 610_000)
    r = math.sqrt(area / math.pi) * rng.uniform(1.0, 1.25)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    offsets = []
    for a in angles:
        rr = r * rng.uniform(0.8, 1.2)
        offsets.append((rr * math.cos(a), rr * math.sin(a)))
    # the printed area is the polygon's (a survey computes it from the coordinates)
    k = math.sqrt(area / polygon_area(offsets))
    return [
        {"point": str(i), "x": round(cx + k * dx, 2), "y": round(cy + k * dy, 2)}
        for i, (dx, dy) in enumerate(offsets, start=1)
    ]


def _fmt_coord(v: float, style: str) -> str:
    if style == "comma":
        return vntext.decimal_comma(v, 2).replace(".", "")  # 1283456,12
    if style == "space":
        whole, frac = f"{v:.2f}".split(".")
        return f"{int(whole):,}".replace(",", " ") + "," + frac
    return f"{v:.2f}"  # 1283456.12


def _holder(rng: random.Random, issue: dt.date, sex: int, eth: str, fam: str | None = None):
    p = people.make_person(
        rng,
        sex=sex,
        birth_year=rng.randint(1945, issue.year - 20),
        ethnicity=eth,
        id_on=issue,
        family=fam,
    )
    idn = (
        p.personal_id
        if (p.personal_id and rng.random() < 0.7)
        else p.legacy_id or people.legacy_id(rng)
    )
    return p, idn


def render(rng: random.Random, variant: str | None = None) -> Rendered:
    variant = variant or rng.choices(VARIANTS, weights=[4, 3, 2])[0]
    if variant == "gcn_2024":
        issue = people.random_date(rng, dt.date(2024, 8, 1), dt.date(2025, 12, 20))
    else:
        issue = people.random_date(rng, dt.date(2010, 1, 1), dt.date(2024, 7, 31))
    old = issue < REFORM_DATE
    if old:
        commune = admin.pick_old_commune(rng)
        parcel_code = commune.new_code
        commune_text = commune.text()
        district = f"{commune.district_type.lower()} {commune.district_short}"
        authority = rng.choice(
            (
                f"ỦY BAN NHÂN DÂN {district.upper()}",
                f"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH {commune.province_short.upper()}",
                f"ỦY BAN NHÂN DÂN TỈNH {commune.province_short.upper()}",
            )
        )
        place = (
            commune.district_short
            if authority.startswith("ỦY BAN NHÂN DÂN H")
            else commune.province_short
        )
        urban = commune.type != "Xã"
    else:
        nc = admin.pick_new_commune(rng)
        parcel_code = nc.code
        commune_text = nc.text()
        authority = rng.choice(
            (
                "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG",
                f"ỦY BAN NHÂN DÂN {nc.name.upper()}",
                "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH LÂM ĐỒNG",
            )
        )
        place = "Lâm Đồng" if "TỈNH" in authority else nc.short
        urban = nc.type == "Phường"
    eth = people.draw_ethnicity(rng)
    holders = []
    p1, id1 = _holder(rng, issue, rng.choice((1, 1, 2)), eth)
    holders.append((p1, id1))
    shared = rng.random() < 0.45
    if shared:
        p2, id2 = _holder(rng, issue, 3 - p1.sex, eth)
        holders.append((p2, id2))
    holder_addr, _ = residence_text(rng, issue, minority=p1.minority_name)
    parcel_prefix = admin.locality_prefix(rng, minority=p1.minority_name, urban=urban)
    parcel_addr = f"{parcel_prefix}, {commune_text}"
    purpose = rng.choice(PURPOSES[:2] if urban and rng.random() < 0.6 else PURPOSES)
    area = round(
        rng.uniform(60, 250) if purpose[2] in ("ODT", "ONT") else rng.uniform(300, 12000), 1
    )
    if rng.random() < 0.3:
        area = float(round(area))
    term_perm = purpose[2] in ("ONT", "ODT") or rng.random() < 0.3
    term_date = dt.date(
        issue.year + rng.choice((20, 30, 50)), rng.randint(1, 12), rng.randint(1, 28)
    )
    origin = rng.choice(ORIGINS)
    parcel_no = str(rng.randint(1, 1200))
    sheet_no = str(rng.randint(1, 90))
    serial = f"{rng.choice(SERIAL_PREFIXES)} {rng.randint(0, 999999):06d}"
    reg_entry = f"{rng.choice(('CH', 'CS', 'CT', 'VP'))} {rng.randint(1, 99999):05d}"
    code = None
    qr_bottom = 0.0
    if variant == "gcn_2024":
        serial = f"{rng.choice(('AA', 'AB', 'AC'))} {rng.randint(0, 99999999):08d}"
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        code = f"68{rng.randint(0, 9)}" + "".join(rng.choice(alphabet) for _ in range(9))
    vertices = _vertices(rng, area) if rng.random() < 0.85 else []

    style = draw_style(rng, leader_share=0.25, title_case_share=0.1)
    form = Form(rng, style)
    p = form.page
    layout: dict = {"doc_type": "land_certificate", "variant": variant} | style.as_dict()
    fields = empty_fields("land_certificate")
    printed: dict = {}

    # header: motto, authority, title
    mf = form.bold.with_(pt=style.size_pt * 1.05)
    form.center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", mf)
    form.y += mf.px * 1.35
    a, b = form.center("Độc lập - Tự do - Hạnh phúc", mf)
    p.hline(a, b, form.y + mf.px * 0.3, 2)
    form.newline(1.3)
    form.center(authority, form.bold)
    fields["issuing_authority_text"] = authority
    printed["issuing_authority_text"] = authority
    form.newline(1.2)
    title = (
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"
        if variant != "gcn_2024"
        else "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"
    )
    tf = form.bold.with_(pt=style.size_pt * rng.uniform(1.15, 1.35))
    for ln in p.wrap(title, tf, (form.x1 - form.x0) * 0.85, (form.x1 - form.x0) * 0.85):
        form.center(ln, tf)
        form.y += tf.px * 1.3
    form.newline(0.5)
    if code:
        # QR-like block with the code under it, top right
        q = p.mm(18)
        qx, qy = form.x1 - q, form.y - form.font.px
        cells = 21
        cs = q / cells
        for i in range(cells):
            for j in range(cells):
                finder = (
                    (i < 7 and j < 7) or (i < 7 and j >= cells - 7) or (i >= cells - 7 and j < 7)
                )
                on = (
                    finder
                    and (i in (0, 6) or j in (0, 6) or (2 <= i % 14 <= 4 and 2 <= j % 14 <= 4))
                ) or (not finder and rng.random() < 0.5)
                if finder and cells - 7 <= j and i < 7:
                    on = (
                        i in (0, 6)
                        or j in (cells - 7, cells - 1)
                        or (2 <= i <= 4 and cells - 5 <= j <= cells - 3)
                    )
                if finder and i >= cells - 7 and j < 7:
                    on = (
                        i in (cells - 7, cells - 1)
                        or j in (0, 6)
                        or (cells - 5 <= i <= cells - 3 and 2 <= j <= 4)
                    )
                if on:
                    p.draw.rectangle(
                        (qx + j * cs, qy + i * cs, qx + (j + 1) * cs, qy + (i + 1) * cs),
                        fill=style.ink,
                    )
        p.text_center(
            qx + q / 2, qy + q + form.font.px * 1.2, code, form.font.with_(pt=style.size_pt * 0.85)
        )
        fields["certificate_code"] = code
        printed["certificate_code"] = code
        layout["qr_box"] = [round(qx), round(qy), round(q), round(q)]
        qr_bottom = qy + q + form.font.px * 1.8  # the code printed under the block
    sec = form.bold
    form.page.text(
        form.x0,
        form.y,
        "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất"
        if variant != "gcn_2024"
        else "I. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất",
        sec,
    )
    form.newline()
    holder_truth = []

    def line_end() -> float:
        # lines beside the QR block and its code end before it, as on a real certificate
        return form.x1 - p.mm(20) if code and form.y < qr_bottom else form.x1

    for hp, idn in holders:
        word = "Ông" if hp.sex == 1 else "Bà"
        nm = form.name(hp.full_name)
        kind = "CCCD số" if len(idn) == 12 else "CMND số"
        if rng.random() < 0.5:
            form.field(
                f"{word}:",
                f"{nm}, sinh năm {hp.birth_year}, {kind}: {idn}",
                end=line_end(),
            )
        else:
            form.field(
                f"{word}:",
                f"{nm}",
                end=line_end(),
                newline=False,
            )
            form.newline()
            form.fields_inline(
                [("Năm sinh:", str(hp.birth_year)), (f"{kind}:", idn)], [0.0, 0.35], end=line_end()
            )
        holder_truth.append(
            {
                "full_name": hp.upper,
                "birth_year": hp.birth_year,
                "id_number": idn,
                "address_text": holder_addr,
            }
        )
    addr_label = "Địa chỉ thường trú:" if rng.random() < 0.6 else "Địa chỉ:"
    form.field(addr_label, holder_addr, end=line_end())
    fields["holders"] = holder_truth
    printed["holders"] = [h["full_name"] for h in holder_truth]
    form.newline(0.3)
    form.page.text(
        form.x0,
        form.y,
        "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất"
        if variant != "gcn_2024"
        else "II. Thông tin thửa đất",
        sec,
    )
    form.newline()

    area_text = (
        f"{vntext.decimal_comma(area, 1 if area != int(area) or rng.random() < 0.5 else 0)} m²"
    )
    if rng.random() < 0.5:
        area_text += f", (bằng chữ: {vntext.area_words(area)})"
    use_text = (
        rng.choice(("Sử dụng riêng", "Riêng"))
        if not shared
        else rng.choice(("Sử dụng chung", "Chung"))
    )
    pcode_shown = rng.random() < 0.5
    purpose_text = f"{purpose[0]} ({purpose[1]})" if pcode_shown else purpose[0]
    if rng.random() < 0.15:
        purpose_text = purpose[1]
    term_text = "Lâu dài" if term_perm else f"Đến ngày {term_date:%d/%m/%Y}"
    if term_perm and rng.random() < 0.3:
        term_text = "Đất ở: Lâu dài"
    items = [
        ("Thửa đất số:", parcel_no),
        ("Tờ bản đồ số:", sheet_no),
        ("Địa chỉ:", parcel_addr),
        ("Diện tích:", area_text),
        ("Hình thức sử dụng:", use_text),
        ("Mục đích sử dụng:", purpose_text),
        ("Thời hạn sử dụng:", term_text),
        ("Nguồn gốc sử dụng:", origin),
    ]
    if variant == "gcn_2014_table":
        rows = [[lab.rstrip(":"), val] for lab, val in items]
        tw = form.x1 - form.x0
        small = form.font.with_(pt=style.size_pt * 0.95)
        widths = fit_widths(rows, small, small, [0.3, 0.7], tw, small.px * 0.3, header_rows=0)
        spans = p.table(
            form.x0,
            form.y - form.font.px,
            widths,
            rows,
            small,
            header_rows=0,
            line_gap=min(1.5, style.line_spacing * 0.85),
        )
        form.y = spans[-1][1] + form.lh
    else:
        letters = ("a)", "b)", "c)", "d)", "đ)", "e)", "g)")
        form.field(
            f"{letters[0]} Thửa đất số:",
            parcel_no,
            newline=False,
            end=form.x0 + (form.x1 - form.x0) * 0.45,
        )
        form.field("Tờ bản đồ số:", sheet_no, x=form.x0 + (form.x1 - form.x0) * 0.5)
        for letter, (lab, val) in zip(letters[1:], items[2:], strict=True):
            form.field(f"{letter} {lab}", val)
    fields |= {
        "parcel_number": parcel_no,
        "map_sheet_number": sheet_no,
        "parcel_address_text": parcel_addr,
        "parcel_commune_code": parcel_code,
        "area_m2": area,
        "use_form": "shared" if shared else "private",
        "land_use_purpose_code": purpose[2],
        "land_use_term": "permanent" if term_perm else term_date.isoformat(),
        "land_use_origin_text": origin,
    }
    printed |= {
        "parcel_number": parcel_no,
        "map_sheet_number": sheet_no,
        "parcel_address_text": parcel_addr,
        "area_m2": area_text,
        "use_form": use_text,
        "land_use_purpose": purpose_text,  # the printed words feed the code
        "land_use_term": term_text,
        "land_use_origin_text": origin,
    }
    layout["parcel_scheme"] = "old" if old else "2025"

    # III. sketch and vertex table
    fields["vertices"] = vertices
    if vertices:
        form.newline(0.2)
        form.page.text(
            form.x0,
            form.y,
            "III. Sơ đồ thửa đất"
            if variant != "gcn_2024"
            else "III. Sơ đồ thửa đất, tài sản gắn liền với đất",
            sec,
        )
        form.newline(0.6)
        cstyle = rng.choice(("dot", "dot", "comma", "space"))
        small = form.font.with_(pt=style.size_pt * 0.85)
        rows = [["Điểm", "X (m)", "Y (m)"]] + [
            [v["point"], _fmt_coord(v["x"], cstyle), _fmt_coord(v["y"], cstyle)] for v in vertices
        ]
        tw = (form.x1 - form.x0) * 0.45
        widths = fit_widths(
            rows, small, small.with_(style="bold"), [0.2, 0.4, 0.4], tw, small.px * 0.3
        )
        tx = form.x1 - tw
        spans = p.table(
            tx,
            form.y,
            widths,
            rows,
            small,
            header_font=small.with_(style="bold"),
            align=["center", "right", "right"],
            line_gap=1.25,
        )
        # the sketch on the left
        sx0, sy0 = form.x0 + p.mm(8), form.y + p.mm(4)
        sw, sh = (form.x1 - form.x0) * 0.4, spans[-1][1] - form.y
        xs = [v["y"] for v in vertices]
        ys = [v["x"] for v in vertices]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1
        scale = min(sw, sh) * 0.8 / span
        pts = [
            (sx0 + (v["y"] - min(xs)) * scale, sy0 + (max(ys) - v["x"]) * scale) for v in vertices
        ]
        p.draw.polygon(pts, outline=style.ink, width=3)
        for v, (px, py) in zip(vertices, pts, strict=True):
            p.draw.ellipse((px - 4, py - 4, px + 4, py + 4), fill=style.ink)
            p.text(px + 6, py - 6, v["point"], small, record=False)
        form.y = max(spans[-1][1], sy0 + sh) + form.lh
        layout["coordinate_style"] = cstyle
        printed["vertices"] = [r[1:] for r in rows[1:]]

    # signature, serial, register number
    form.newline(0.2)
    cx = form.x0 + (form.x1 - form.x0) * 0.68
    ystart = form.y
    p.text_center(
        cx,
        form.y,
        f"{place}, ngày {issue.day:02d} tháng {issue.month:02d} năm {issue.year}",
        form.italic,
    )
    printed["issue_date"] = f"ngày {issue.day:02d} tháng {issue.month:02d} năm {issue.year}"
    fields["issue_date"] = issue.isoformat()
    form.newline(0.95)
    titles = (
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        if authority.startswith("ỦY BAN")
        else ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
        if authority.startswith("SỞ")
        else ["GIÁM ĐỐC"]
    )
    for t in titles:
        p.text_center(cx, form.y, t, form.bold)
        form.y += form.font.px * 1.35
    sig_h = form.font.px * 3
    p.signature(cx - form.font.px * 4, form.y, form.font.px * 8, sig_h, rng)
    radius = p.mm(rng.uniform(16, 20))
    seal_info = p.seal(
        cx - radius * rng.uniform(0.3, 1.0),
        form.y + sig_h * 0.4,
        radius,
        authority.replace("ỦY BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
        style.family,
        rng,
    )
    form.y += sig_h + form.font.px * 1.3
    p.text_center(cx, form.y, form.name(signer_name(rng)), form.bold)
    # serial and register number at the foot, left
    ly = ystart + form.lh * 1.5
    serial_text = serial
    p.text(form.x0, ly, serial_text, form.bold.with_(pt=style.size_pt * 1.2), fill=(170, 30, 40))
    ly += form.lh * 1.3
    p.text(form.x0, ly, f"Số vào sổ cấp GCN: {reg_entry}", form.font)
    fields["certificate_serial"] = serial
    fields["register_entry_number"] = reg_entry
    printed["certificate_serial"] = serial_text
    printed["register_entry_number"] = reg_entry
    layout["signature_block"] = {"seal": seal_info}
    return Rendered(page=p, fields=fields, printed=printed, layout=layout)
