"""Errors raised while importing a document."""

MESSAGES = {
    "unsupported_format": ("Định dạng tệp không được hỗ trợ: chỉ nhận tệp .docx hoặc văn bản "
                           ".txt (UTF-8)."),
    "corrupt_file": "Tệp bị hỏng hoặc không đọc được.",
    "zip_bomb": "Tệp nén có kích thước giải nén bất thường, không thể xử lý an toàn.",
    "too_large": "Tệp vượt quá dung lượng cho phép.",
    "no_recipients": "Không tìm thấy phần “Nơi nhận” trong văn bản.",
    "empty": "Văn bản không có nội dung.",
    "unsafe_content": ("Tệp chứa macro hoặc khai báo XML (DTD) không an toàn; hãy lưu lại thành tệp "
                       ".docx thông thường rồi tải lên."),
}


class ImportRejected(Exception):
    """A file that cannot be imported as a document.

    ``code`` is a stable English slug (``unsupported_format``, ``corrupt_file``,
    ``zip_bomb``, ``unsafe_content``, ``too_large``, ``no_recipients``,
    ``empty``) for programs;
    ``message`` is a Vietnamese sentence to show the user.
    """

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or MESSAGES.get(code, "Không nhập được văn bản.")
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"ImportRejected({self.code!r}, {self.message!r})"
