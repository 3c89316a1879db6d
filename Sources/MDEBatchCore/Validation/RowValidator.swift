/// Checks and normalizes one row's three cells, working on their UTF-8 bytes.
///
/// Machine id and sha1: trimmed, exactly 40 hex digits, lower-cased. Comment: trimmed,
/// line breaks folded to single spaces, no other control characters, at most
/// ``maximumCommentLength`` characters, and the default comment when empty. The first
/// problem found wins, in this order: encoding, machine id, sha1, comment.
struct RowValidator: Sendable {
    /// Comments longer than this many characters are rejected (`comment-too-long`).
    static let maximumCommentLength = 4000

    /// The outcome for one row: the trimmed cells as read, the verdict, and the
    /// deduplication key of a valid row.
    struct Checked {
        var machineId: String
        var sha1: String
        var comment: String
        var verdict: RowVerdict
        var key: DedupKey?
    }

    private let defaultComment: [UInt8]

    init(defaultComment: String?) {
        let bytes = Array((defaultComment ?? "").utf8)
        self.defaultComment = bytes.withUnsafeBufferPointer { Array(Self.trim($0)) }
    }

    // MARK: - Checking

    func check(
        machineId rawMachineId: UnsafeBufferPointer<UInt8>,
        sha1 rawSHA1: UnsafeBufferPointer<UInt8>,
        comment rawComment: UnsafeBufferPointer<UInt8>?
    ) -> Checked {
        let machineBytes = Self.trim(rawMachineId)
        let sha1Bytes = Self.trim(rawSHA1)
        let commentBytes = rawComment.map(Self.trim) ?? UnsafeBufferPointer(start: nil, count: 0)

        let machineASCII = Self.isASCII(machineBytes)
        let sha1ASCII = Self.isASCII(sha1Bytes)
        let commentText: String?
        if Self.isASCII(commentBytes) {
            commentText = String(decoding: commentBytes, as: UTF8.self)
        } else {
            commentText = String(validating: commentBytes, as: UTF8.self)
        }
        let machineText = String(decoding: machineBytes, as: UTF8.self)
        let sha1Text = String(decoding: sha1Bytes, as: UTF8.self)
        var checked = Checked(
            machineId: machineText,
            sha1: sha1Text,
            comment: commentText ?? String(decoding: commentBytes, as: UTF8.self),
            verdict: .invalid(reason: .malformedRow, message: ""),
            key: nil
        )

        // Encoding first: a mangled cell would otherwise read as a wrong value.
        if !machineASCII && String(validating: machineBytes, as: UTF8.self) == nil {
            checked.verdict = .invalid(reason: .invalidEncoding, message: Self.encodingMessage("machine id"))
            return checked
        }
        if !sha1ASCII && String(validating: sha1Bytes, as: UTF8.self) == nil {
            checked.verdict = .invalid(reason: .invalidEncoding, message: Self.encodingMessage("sha1"))
            return checked
        }
        if commentText == nil {
            checked.verdict = .invalid(reason: .invalidEncoding, message: Self.encodingMessage("comment"))
            return checked
        }

        let machineHex = Self.hexShape(machineBytes)
        if machineBytes.isEmpty {
            checked.verdict = .invalid(
                reason: .missingMachineId,
                message: "machine id is empty; fill in the device id (40 hex digits, the DeviceId of Advanced Hunting)"
            )
            return checked
        }
        if machineBytes.count != 40 || !machineHex.isHex {
            checked.verdict = .invalid(
                reason: .invalidMachineId,
                message: "machine id \(Self.quoted(machineText)) is not 40 hex digits (\(Self.describe(machineText, hex: machineHex.isHex))); "
                    + "use the device id from the Defender portal or the DeviceId of Advanced Hunting"
            )
            return checked
        }

        let sha1Hex = Self.hexShape(sha1Bytes)
        if sha1Bytes.isEmpty {
            checked.verdict = .invalid(reason: .missingSHA1, message: "sha1 is empty; fill in the file's SHA-1 (40 hex digits)")
            return checked
        }
        if sha1Hex.isHex && sha1Bytes.count == 64 {
            checked.verdict = .invalid(
                reason: .sha256NotAccepted,
                message: "sha1 \(Self.quoted(Self.abbreviated(sha1Text))) is a SHA-256 (64 hex digits); "
                    + "the API takes SHA-1 only (40 hex digits): use the file's SHA1 column"
            )
            return checked
        }
        if sha1Hex.isHex && sha1Bytes.count == 32 {
            checked.verdict = .invalid(
                reason: .md5NotAccepted,
                message: "sha1 \(Self.quoted(Self.abbreviated(sha1Text))) is an MD5 (32 hex digits); "
                    + "the API takes SHA-1 only (40 hex digits): use the file's SHA1 column"
            )
            return checked
        }
        if sha1Bytes.count != 40 || !sha1Hex.isHex {
            checked.verdict = .invalid(
                reason: .invalidSHA1,
                message: "sha1 \(Self.quoted(sha1Text)) is not 40 hex digits (\(Self.describe(sha1Text, hex: sha1Hex.isHex))); "
                    + "give the file's SHA-1 hash"
            )
            return checked
        }

        let comment: String
        switch normalizeComment(commentBytes, text: commentText ?? "") {
        case .success(let text): comment = text
        case .failure(let rejection):
            checked.verdict = .invalid(reason: rejection.reason, message: rejection.message)
            return checked
        }

        let machineId = machineHex.hasUpper ? String(decoding: machineBytes.map(Self.lower), as: UTF8.self) : machineText
        let sha1 = sha1Hex.hasUpper ? String(decoding: sha1Bytes.map(Self.lower), as: UTF8.self) : sha1Text
        checked.verdict = .valid(NormalizedRow(machineId: machineId, sha1: sha1, comment: comment))
        checked.key = DedupKey(machineIdHex: machineBytes, sha1Hex: sha1Bytes)
        return checked
    }

    /// Checks strings (the JSON readers' cells) through the same byte-level rules.
    func check(machineId: String, sha1: String, comment: String?) -> Checked {
        var machineId = machineId
        var sha1 = sha1
        return machineId.withUTF8 { machineBytes in
            sha1.withUTF8 { sha1Bytes in
                guard var text = comment else { return check(machineId: machineBytes, sha1: sha1Bytes, comment: nil) }
                return text.withUTF8 { commentBytes in
                    check(machineId: machineBytes, sha1: sha1Bytes, comment: commentBytes)
                }
            }
        }
    }

    // MARK: - Comment

    private struct Rejection: Error {
        var reason: RejectionReason
        var message: String
    }

    private func normalizeComment(_ bytes: UnsafeBufferPointer<UInt8>, text: String) -> Result<String, Rejection> {
        if bytes.isEmpty {
            if defaultComment.isEmpty {
                return .failure(
                    Rejection(
                        reason: .missingComment,
                        message: "comment is empty and no default comment was given; fill in the Comment column or pass --comment TEXT"
                    )
                )
            }
            return defaultComment.withUnsafeBufferPointer { fallback in
                normalizeComment(fallback, text: String(decoding: fallback, as: UTF8.self))
            }
        }
        var hasBreak = false
        var scalarIndex = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                hasBreak = true
            } else if byte < 0x20 || byte == 0x7F || (byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1])) {
                let scalar = byte == 0xC2 ? UInt32(bytes[index + 1]) : UInt32(byte)
                let hex = String(scalar, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return .failure(
                    Rejection(
                        reason: .controlCharacters,
                        message: "comment contains the control character \(code) at character \(scalarIndex + 1); "
                            + "remove it (only line breaks are allowed, and become spaces)"
                    )
                )
            }
            if byte & 0xC0 != 0x80 { scalarIndex += 1 }
            index += 1
        }
        let folded = hasBreak ? String(decoding: Self.foldLineBreaks(bytes), as: UTF8.self) : text
        if bytes.count > Self.maximumCommentLength {
            let length = folded.count
            if length > Self.maximumCommentLength {
                return .failure(
                    Rejection(
                        reason: .commentTooLong,
                        message: "comment has \(length) characters, over the limit of \(Self.maximumCommentLength); shorten it"
                    )
                )
            }
        }
        return .success(folded)
    }

    /// Replaces every run of line breaks (with the spaces around it) by one space.
    private static func foldLineBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                while result.last == ASCII.space { result.removeLast() }
                result.append(ASCII.space)
                index += 1
                while index < bytes.count, [ASCII.lineFeed, ASCII.carriageReturn, ASCII.space].contains(bytes[index]) {
                    index += 1
                }
                continue
            }
            result.append(byte)
            index += 1
        }
        return result
    }

    // MARK: - Bytes

    /// The bytes without leading and trailing spaces, tabs, line breaks and no-break spaces.
    static func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = bytes.baseAddress else { return bytes }
        var start = 0
        var end = bytes.count
        while start < end {
            let byte = bytes[start]
            if byte == ASCII.space || byte == ASCII.tab || byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                start += 1
            } else if byte == 0xC2, start + 1 < end, bytes[start + 1] == 0xA0 {
                start += 2
            } else {
                break
            }
        }
        while end > start {
            let byte = bytes[end - 1]
            if byte == ASCII.space || byte == ASCII.tab || byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                end -= 1
            } else if byte == 0xA0, end - 2 >= start, bytes[end - 2] == 0xC2 {
                end -= 2
            } else {
                break
            }
        }
        return UnsafeBufferPointer(start: base + start, count: end - start)
    }

    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }

    /// Whether every byte is a hex digit, and whether any is upper-case.
    @inline(__always)
    static func hexShape(_ bytes: UnsafeBufferPointer<UInt8>) -> (isHex: Bool, hasUpper: Bool) {
        var isHex = true
        var hasUpper = false
        for byte in bytes {
            let digit = byte &- 0x30 < 10
            let lowerLetter = byte &- 0x61 < 6
            let upperLetter = byte &- 0x41 < 6
            isHex = isHex && (digit || lowerLetter || upperLetter)
            hasUpper = hasUpper || upperLetter
        }
        return (isHex, hasUpper)
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    // MARK: - Messages

    private static func encodingMessage(_ column: String) -> String {
        "the \(column) cell is not valid UTF-8; save the file as UTF-8 (Excel: \"CSV UTF-8\") or UTF-16 (\"Unicode Text\")"
    }

    /// `"value"`, cut to 60 characters.
    private static func quoted(_ value: String) -> String {
        let shown = value.count > 60 ? value.prefix(40) + "…" : Substring(value)
        return "\"\(shown)\""
    }

    /// `e3b0…b855`: enough of a long hex value to recognise it.
    private static func abbreviated(_ value: String) -> String {
        "\(value.prefix(4))…\(value.suffix(4))"
    }

    private static func describe(_ value: String, hex: Bool) -> String {
        let count = value.count
        let noun = count == 1 ? "character" : "characters"
        return hex ? "it has \(count) hex digits" : "it has \(count) \(noun), not all hex digits"
    }
}
