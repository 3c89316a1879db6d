/// One record as a reader hands it to the validator, before any checks.
///
/// The buffers point into the reader's window and are valid only during the call that
/// receives them: nothing is copied for the columns the pipeline does not need.
enum RawRow {
    /// The cells, untrimmed.
    case cells(RawCells)
    /// A record that could not be read as cells; the strings are whatever could be
    /// recovered, for the report.
    case rejected(reason: RejectionReason, message: String, machineId: String, sha1: String, comment: String)
}

/// The cells of one record the pipeline reads; `nil` when the input has no such column
/// (or the JSON object has no such key).
struct RawCells {
    var machineId: UnsafeBufferPointer<UInt8>?
    var sha1: UnsafeBufferPointer<UInt8>?
    var comment: UnsafeBufferPointer<UInt8>?
    var deviceName: UnsafeBufferPointer<UInt8>? = nil
    var sha256: UnsafeBufferPointer<UInt8>? = nil
}
