# Biểu mẫu giữ nguyên nội dung đã nhập; điện thoại (issue 12, mục 4 và 6).
forms-report-refused = Báo cáo chưa được lưu: { $count } mục cần sửa, được đánh dấu bên dưới. Mọi nội dung khác bạn đã nhập vẫn còn nguyên.
forms-section-empty = Chưa nhập
forms-section-full = Đã nhập đủ
forms-section-errors = Cần sửa
forms-not-given = (chưa nhập)
forms-remove-file-confirm = Xóa tệp này?
forms-uploading = Đang tải lên…
forms-upload-failed = Chưa tải lên được. Hãy kiểm tra kết nối rồi thử lại.
forms-photo-scaled = Ảnh đã được thu nhỏ trước khi gửi.
forms-record-created = Đã lưu bản ghi mới.
forms-record-saved = Đã lưu các thay đổi.
forms-record-deleted = Đã xóa bản ghi.
forms-file-added = Đã đính kèm tệp minh chứng.
forms-open-record = Mở bản ghi
forms-file-removed = Đã xóa tệp minh chứng.
