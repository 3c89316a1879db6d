/// The column indices the ingest pipeline reads; every other column is skipped unread.
///
/// At least one of `machineId`/`deviceName` and one of `sha1`/`sha256` is present
/// (``ColumnMatcher/select(from:source:)`` checks it).
struct ColumnSelection: Sendable, Equatable {
    var machineId: Int?
    var sha1: Int?
    var comment: Int?
    var deviceName: Int? = nil
    var sha256: Int? = nil
}
