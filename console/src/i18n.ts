// Vietnamese and English. Dates and numbers follow the browser's locale, not the UI language.
import { registryEn, registryVi } from './i18n-registry';
type Lang = 'vi' | 'en';
const en = {
  signIn: 'Sign in', signOut: 'Sign out', keyFile: 'Private key file (.jwk)', orPaste: 'or paste a token', org: 'Organisation code',
  subject: 'User (sub)', roles: 'Roles', audience: 'Audience', keyStays: 'The key stays in this tab\'s memory: it is never sent or stored. Each request carries a token signed here, valid for 10 minutes.',
  warnings: 'Live warnings', search: 'Search', indicators: 'Indicators', exposure: 'Exposure', incidents: 'Incidents', advisories: 'Advisories',
  admin: 'Administration', statistics: 'Statistics', systems: 'Information systems', notAvailable: 'Not available on this server: this ThreatFed server does not offer this part of the ministry platform yet.', 
  live: 'live', reconnecting: 'reconnecting…', notify: 'Browser notifications', unread: 'unread', markRead: 'Mark all read',
  more: 'More', total: 'Total', type: 'Type', value: 'Value', severity: 'Severity', confidence: 'Confidence', author: 'Author', reported: 'Reported', when: 'When',
  title: 'Title', status: 'Status', kind: 'Kind', summary: 'Summary', description: 'Description', category: 'Category', noResults: 'Nothing found.',
  find: 'Find', stats: 'Statistics', reporters: 'Reporters', sightings: 'Sightings', count: 'Count', location: 'Location', firstSeen: 'First seen', lastSeen: 'Last seen',
  filter: 'Filter', minSeverity: 'Minimum severity', contains: 'Value contains', any: 'any', uploadCsv: 'Upload CSV (type,value,severity,confidence,tlp,threatTypes,tags,description)', submit: 'Submit',
  created: 'created', updated: 'updated', rejected: 'rejected', myRanges: 'My address ranges', setRanges: 'Declare ranges (one per line)', save: 'Save', reviewQueue: 'Ranges awaiting review',
  approve: 'Approve', reject: 'Reject', exposedIndicators: 'Indicators in my approved ranges', report: 'Report an incident', back: 'Back', timeline: 'Timeline', note: 'Note', addNote: 'Add note',
  moveTo: 'Move to', share: 'Share with (codes or groups, comma separated)', assignee: 'Assignee', assign: 'Assign', recipients: 'Recipients', draft: 'New draft', publish: 'Publish',
  withdraw: 'Withdraw', reason: 'Reason', revise: 'Save revision', body: 'Body', cves: 'CVE ids (comma separated)', actions: 'Recommended actions (one per line)',
  organisations: 'Organisations', keys: 'Signing keys', groups: 'Sharing groups', limits: 'Limits', audit: 'Audit log', register: 'Register', name: 'Name', code: 'Code',
  revoke: 'Revoke', addKey: 'Register a public JWK', createGroup: 'Create group', members: 'Members (comma separated)', outcome: 'Outcome', action: 'Action', target: 'Target',
  done: 'Done.', loading: 'Loading…', language: 'Language', expires: 'token expires',
};
const vi: typeof en = {
  signIn: 'Đăng nhập', signOut: 'Đăng xuất', keyFile: 'Tệp khóa riêng (.jwk)', orPaste: 'hoặc dán một token', org: 'Mã tổ chức',
  subject: 'Người dùng (sub)', roles: 'Vai trò', audience: 'Audience', keyStays: 'Khóa chỉ nằm trong bộ nhớ của thẻ này: không bao giờ được gửi đi hay lưu lại. Mỗi yêu cầu mang một token ký tại đây, hiệu lực 10 phút.',
  warnings: 'Cảnh báo trực tiếp', search: 'Tra cứu', indicators: 'Chỉ dấu', exposure: 'Phơi nhiễm', incidents: 'Sự cố', advisories: 'Khuyến nghị',
  admin: 'Quản trị', statistics: 'Thống kê', systems: 'Hệ thống thông tin', notAvailable: 'Không khả dụng trên máy chủ này: máy chủ ThreatFed này chưa cung cấp phần này của nền tảng của Bộ.', 
  live: 'trực tiếp', reconnecting: 'đang kết nối lại…', notify: 'Thông báo trình duyệt', unread: 'chưa đọc', markRead: 'Đánh dấu đã đọc',
  more: 'Thêm', total: 'Tổng', type: 'Loại', value: 'Giá trị', severity: 'Mức độ', confidence: 'Độ tin cậy', author: 'Tác giả', reported: 'Báo cáo', when: 'Thời điểm',
  title: 'Tiêu đề', status: 'Trạng thái', kind: 'Loại', summary: 'Tóm tắt', description: 'Mô tả', category: 'Phân loại', noResults: 'Không tìm thấy.',
  find: 'Tìm', stats: 'Thống kê', reporters: 'Đơn vị báo cáo', sightings: 'Ghi nhận', count: 'Số lần', location: 'Vị trí', firstSeen: 'Thấy lần đầu', lastSeen: 'Thấy lần cuối',
  filter: 'Lọc', minSeverity: 'Mức độ tối thiểu', contains: 'Giá trị chứa', any: 'tất cả', uploadCsv: 'Tải lên CSV (type,value,severity,confidence,tlp,threatTypes,tags,description)', submit: 'Gửi',
  created: 'tạo mới', updated: 'cập nhật', rejected: 'bị từ chối', myRanges: 'Dải địa chỉ của tôi', setRanges: 'Khai báo dải (mỗi dòng một dải)', save: 'Lưu', reviewQueue: 'Dải địa chỉ chờ duyệt',
  approve: 'Duyệt', reject: 'Từ chối', exposedIndicators: 'Chỉ dấu trong dải địa chỉ đã duyệt', report: 'Báo cáo sự cố', back: 'Quay lại', timeline: 'Diễn biến', note: 'Ghi chú', addNote: 'Thêm ghi chú',
  moveTo: 'Chuyển sang', share: 'Chia sẻ với (mã tổ chức hoặc nhóm, cách nhau bởi dấu phẩy)', assignee: 'Người xử lý', assign: 'Giao', recipients: 'Người nhận', draft: 'Bản nháp mới', publish: 'Phát hành',
  withdraw: 'Thu hồi', reason: 'Lý do', revise: 'Lưu bản sửa', body: 'Nội dung', cves: 'Mã CVE (cách nhau bởi dấu phẩy)', actions: 'Hành động khuyến nghị (mỗi dòng một mục)',
  organisations: 'Tổ chức', keys: 'Khóa ký', groups: 'Nhóm chia sẻ', limits: 'Hạn mức', audit: 'Nhật ký kiểm toán', register: 'Đăng ký', name: 'Tên', code: 'Mã',
  revoke: 'Thu hồi', addKey: 'Đăng ký JWK công khai', createGroup: 'Tạo nhóm', members: 'Thành viên (cách nhau bởi dấu phẩy)', outcome: 'Kết quả', action: 'Hành động', target: 'Đối tượng',
  done: 'Xong.', loading: 'Đang tải…', language: 'Ngôn ngữ', expires: 'token hết hạn',
};
const dicts = { en: { ...en, ...registryEn }, vi: { ...vi, ...registryVi } };
export type Key = keyof typeof en | keyof typeof registryEn;
let lang: Lang = navigator.language.toLowerCase().startsWith('vi') ? 'vi' : 'en';
export const getLang = (): Lang => lang;
export const setLang = (l: Lang): void => {
  lang = l;
  document.documentElement.lang = l;
};
export const t = (k: Key): string => dicts[lang][k];
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** A timestamp from the API in the user's locale and time zone. */
export const fmtDate = (iso: string | null | undefined): string => (iso ? dtf.format(new Date(iso)) : '—');
const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const pf = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
/** A number in the user's locale. */
export const fmtNum = (n: number | null | undefined): string => (n == null ? '—' : nf.format(n));
/** A share (0 to 1) as a percentage in the user's locale. */
export const fmtPct = (n: number | null | undefined): string => (n == null ? '—' : pf.format(n));
