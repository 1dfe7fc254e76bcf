"""Interface text, Vietnamese first; English when the user switches (kept in the session)."""

from __future__ import annotations

LANGS = ("vi", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app": ("Số hóa hồ sơ", "Record digitisation"),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "upload": ("Tải lên", "Upload"),
    "upload_title": ("Tải lên lô hồ sơ quét", "Upload a batch of scans"),
    "files": (
        "Tệp (ảnh, PDF, ZIP; có thể chụp bằng điện thoại)",
        "Files (images, PDF, ZIP; phone camera works)",
    ),
    "record_type": ("Loại hồ sơ (gợi ý)", "Record type (a hint)"),
    "any_type": ("Không rõ / để máy nhận", "Not sure / let the machine tell"),
    "commune": ("Xã/phường", "Commune"),
    "send": ("Gửi", "Send"),
    "file": ("Tệp", "File"),
    "pages": ("Trang", "Pages"),
    "records": ("Hồ sơ đọc được", "Records read"),
    "auto_accepted": ("Tự động chấp nhận", "Accepted automatically"),
    "needs_review": ("Cần duyệt", "To review"),
    "unreadable": ("Trang không đọc được", "Unreadable pages"),
    "batches": ("Các lô đã gửi", "Batches sent"),
    "batch": ("Lô", "Batch"),
    "status": ("Trạng thái", "Status"),
    "accepted": ("Tệp nhận", "Files accepted"),
    "refused": ("Tệp bị từ chối", "Files refused"),
    "reason": ("Lý do", "Reason"),
    "result": ("Kết quả", "Result"),
    "review": ("Duyệt hồ sơ", "Review"),
    "queue": ("Hàng chờ duyệt", "Review queue"),
    "filter": ("Lọc", "Filter"),
    "all": ("Tất cả", "All"),
    "record": ("Hồ sơ", "Record"),
    "field": ("Trường", "Field"),
    "value": ("Giá trị", "Value"),
    "confidence": ("Độ tin cậy", "Confidence"),
    "scan": ("Ảnh quét", "Scan"),
    "full_page": ("Xem cả trang", "Full page"),
    "save": ("Lưu", "Save"),
    "reject_page": ("Trả lại trang (phím X)", "Reject page (key X)"),
    "keys": (
        "Tab: trường nghi ngờ kế tiếp · Enter: chấp nhận/lưu · C: xác nhận cả hồ sơ · "
        "X: trả lại trang",
        "Tab: next doubtful field · Enter: accept/save · C: confirm the whole record · "
        "X: reject the page",
    ),
    "confirm_record": (
        "Đã đối chiếu cả hồ sơ với ảnh quét: xác nhận (phím C)",
        "Whole record checked against the scan: confirm (key C)",
    ),
    "saved": ("Đã lưu.", "Saved."),
    "confirm": ("Vẫn lưu", "Save anyway"),
    "problems": ("Kiểm tra thấy vấn đề:", "The checks found problems:"),
    "next": ("Hồ sơ kế tiếp", "Next record"),
    "history": ("Lịch sử", "History"),
    "audit_export": ("Xuất nhật ký kiểm tra (CSV)", "Export audit log (CSV)"),
    "reconciliation": ("Đối chiếu hộ khẩu", "Household reconciliation"),
    "paper": ("Trên giấy", "On paper"),
    "national": ("CSDL quốc gia về cư trú", "National residence database"),
    "decision": ("Quyết định", "Decision"),
    "retire_paper_entry": ("Bỏ mục trên giấy", "Retire paper entry"),
    "not_same_person": ("Không phải cùng người", "Not the same person"),
    "needs_field_visit": ("Cần xác minh tại chỗ", "Needs field visit"),
    "empty": ("Không có gì.", "Nothing here."),
    "why": ("Lý do (bắt buộc)", "Reason (required)"),
    "forbidden": ("Bạn không có quyền xem trang này.", "You may not see this page."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "refresh": ("Trang tự làm mới khi lô đang xử lý.", "This page refreshes while the batch runs."),
    # the data team's dashboard
    "dashboard": ("Bảng theo dõi", "Dashboard"),
    "dashboard_title": ("Bảng theo dõi chất lượng và tiến độ", "Quality and throughput"),
    "weeks": ("Số tuần", "Weeks"),
    "week": ("Tuần", "Week"),
    "all_communes": ("Tất cả xã/phường", "All communes"),
    "pages_processed": ("Trang đã xử lý", "Pages processed"),
    "records_loaded": ("Hồ sơ đã nạp", "Records loaded"),
    "straight_through": ("Tỷ lệ tự động hoàn toàn", "Straight-through rate"),
    "backlog": ("Hồ sơ còn chờ duyệt", "Review backlog"),
    "backlog_oldest_days": ("Chờ lâu nhất (ngày)", "Oldest waiting (days)"),
    "audited_reviewed": ("Mẫu kiểm tra đã duyệt", "Audit sample reviewed"),
    "residual_error": ("Tỷ lệ lỗi còn sót (mẫu kiểm tra)", "Residual error rate (audit sample)"),
    "pages_per_day": ("Trang mỗi ngày", "Pages per day"),
    "backlog_by_week": (
        "Hồ sơ chờ duyệt được tính theo tuần nạp.",
        "The backlog is counted by the week its records were loaded.",
    ),
    "data_docs": (
        "Báo cáo kiểm tra dữ liệu (Great Expectations)",
        "Data Docs (Great Expectations)",
    ),
    "data_docs_missing": (
        "Chưa có báo cáo kiểm tra dữ liệu: chưa lô nào được kiểm tra.",
        "No Data Docs yet: no batch has been validated.",
    ),
}

DOC_TYPES: dict[str, tuple[str, str]] = {
    "birth_registration": ("Khai sinh", "Birth registration"),
    "marriage_registration": ("Kết hôn", "Marriage registration"),
    "death_registration": ("Khai tử", "Death registration"),
    "household_registration": ("Sổ hộ khẩu", "Household book"),
    "land_certificate": ("Giấy chứng nhận QSDĐ", "Land-use-right certificate"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "queued": ("Đang chờ", "Waiting"),
    "triggered": ("Đã gửi Airflow", "Sent to Airflow"),
    "running": ("Đang xử lý", "Processing"),
    "done": ("Xong", "Done"),
    "failed": ("Lỗi", "Failed"),
}


def translate(lang: str, key: str) -> str:
    pair = TEXT.get(key) or DOC_TYPES.get(key) or STATUSES.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
