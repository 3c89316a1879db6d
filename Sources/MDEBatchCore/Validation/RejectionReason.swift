/// Why a row was rejected.
///
/// The raw values are the reason codes reports carry in `error_code`; they are stable.
public enum RejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The machine id is not 40 hex digits.
    case invalidMachineId = "invalid-machine-id"
    /// The machine id cell is empty or absent.
    case missingMachineId = "missing-machine-id"
    /// The sha1 is not 40 hex digits (and not a recognisable SHA-256 or MD5).
    case invalidSHA1 = "invalid-sha1"
    /// The sha1 cell is empty or absent.
    case missingSHA1 = "missing-sha1"
    /// The sha1 is 64 hex digits: a SHA-256, which the API does not take (with `--no-resolve`;
    /// otherwise it is resolved to its SHA-1).
    case sha256NotAccepted = "sha256-not-accepted"
    /// The sha1 is 32 hex digits: an MD5, which the API does not take.
    case md5NotAccepted = "md5-not-accepted"
    /// The device name holds spaces, controls, quotes or path characters, or is too long.
    case invalidDeviceName = "invalid-device-name"
    /// The sha256 is not 64 hex digits.
    case invalidSHA256 = "invalid-sha256"
    /// The comment is empty and no default comment was given.
    case missingComment = "missing-comment"
    /// The comment is over 4,000 characters.
    case commentTooLong = "comment-too-long"
    /// The comment holds a control character other than a line break.
    case controlCharacters = "control-characters"
    /// A cell the pipeline reads is not valid UTF-8.
    case invalidEncoding = "invalid-encoding"
    /// The record could not be read as cells (a JSON line that is not an object, a value
    /// that is not a string, an unbalanced quote at the end of the file).
    case malformedRow = "malformed-row"
    /// The record is longer than the reader's limit (1 MiB).
    case rowTooLong = "row-too-long"
}
