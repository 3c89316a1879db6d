/// Checks and normalizes one row's three cells, working on their UTF-8 bytes.
///
/// Machine id and sha1: trimmed, exactly 40 hex digits, lower-cased. Comment: trimmed,
/// line breaks folded to single spaces, no other control characters, at most
/// ``maximumCommentLength`` Unicode scalars and ``maximumCommentBytes`` bytes of UTF-8,
/// and the default comment when empty. The first problem found wins, in this order:
/// encoding, machine id, sha1, comment.
struct RowValidator: Sendable {
    /// Comments with more Unicode scalars than this are rejected (`comment-too-long`).
    ///
    /// Scalars, not characters: `"a"` followed by 300,000 combining accents is one
    /// character but a 600 KB request body.
    static let maximumCommentLength = 4000
    /// Comments with more UTF-8 bytes than this (16 KB) are rejected (`comment-too-long`).
    static let maximumCommentBytes = 16 * 1024

    private let defaultComment: [UInt8]

    init(defaultComment: String?) {
        let bytes = Array((defaultComment ?? "").utf8)
        self.defaultComment = bytes.withUnsafeBufferPointer { Array(Self.trim($0)) }
    }

    // MARK: - Checking

    /// Checks one row's cells and returns the row, with the deduplication key of a valid row.
    ///
    /// The buffers are the raw cells (untrimmed); `comment` is `nil` when the input has no
    /// comment column.
    func check(
        machineId rawMachineId: UnsafeBufferPointer<UInt8>,
        sha1 rawSHA1: UnsafeBufferPointer<UInt8>,
        comment rawComment: UnsafeBufferPointer<UInt8>?,
        at location: RowLocation
    ) -> (row: IngestedRow, key: DedupKey?) {
        let machineBytes = Self.trim(rawMachineId)
        let sha1Bytes = Self.trim(rawSHA1)
        let commentBytes = rawComment.map(Self.trim) ?? UnsafeBufferPointer(start: nil, count: 0)
        let machineFlags = ByteClass.hexFlags(machineBytes)
        let sha1Flags = ByteClass.hexFlags(sha1Bytes)
        let commentFlags = ByteClass.commentFlags(commentBytes)

        // Only non-ASCII cells can be invalid UTF-8; hex cells never are.
        let commentValid =
            commentFlags & ByteClass.nonASCII == 0 || String(validating: commentBytes, as: UTF8.self) != nil
        let machineText = String(decoding: machineBytes, as: UTF8.self)
        let sha1Text = String(decoding: sha1Bytes, as: UTF8.self)
        let commentText = String(decoding: commentBytes, as: UTF8.self)
        // The row is built once, at the end, so it is never copied on the hot path.
        let (verdict, key) = judge(
            machine: (machineBytes, machineFlags, machineText),
            sha1: (sha1Bytes, sha1Flags, sha1Text),
            comment: (commentBytes, commentFlags, commentText),
            commentValid: commentValid
        )
        return (
            IngestedRow(
                location: location, machineId: machineText, sha1: sha1Text, comment: commentText, verdict: verdict), key
        )
    }

    private typealias Cell = (bytes: UnsafeBufferPointer<UInt8>, flags: UInt8, text: String)

    private func judge(machine: Cell, sha1: Cell, comment: Cell, commentValid: Bool) -> (RowVerdict, DedupKey?) {
        // Encoding first: a mangled cell would otherwise read as a wrong value.
        if machine.flags & ByteClass.notHex != 0, !Self.isASCII(machine.bytes),
            String(validating: machine.bytes, as: UTF8.self) == nil
        {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage("machine id")), nil)
        }
        if sha1.flags & ByteClass.notHex != 0, !Self.isASCII(sha1.bytes),
            String(validating: sha1.bytes, as: UTF8.self) == nil
        {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage("sha1")), nil)
        }
        if !commentValid {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage("comment")), nil)
        }

        let machineIsHex = machine.flags & ByteClass.notHex == 0
        if machine.bytes.isEmpty {
            return (
                .invalid(
                    reason: .missingMachineId,
                    message:
                        "machine id is empty; fill in the device id (40 hex digits, the DeviceId of Advanced Hunting)"
                ), nil
            )
        }
        if machine.bytes.count != 40 || !machineIsHex {
            let message =
                "machine id \(Self.quoted(machine.text)) is not 40 hex digits (\(Self.describe(machine.text, hex: machineIsHex))); "
                + "use the device id from the Defender portal or the DeviceId of Advanced Hunting"
            return (.invalid(reason: .invalidMachineId, message: message), nil)
        }

        let sha1IsHex = sha1.flags & ByteClass.notHex == 0
        if sha1.bytes.isEmpty {
            return (
                .invalid(reason: .missingSHA1, message: "sha1 is empty; fill in the file's SHA-1 (40 hex digits)"), nil
            )
        }
        if sha1IsHex && sha1.bytes.count == 64 {
            let message =
                "sha1 \(Self.quoted(Self.abbreviated(sha1.text))) is a SHA-256 (64 hex digits); "
                + "the API takes SHA-1 only (40 hex digits): use the file's SHA1 column"
            return (.invalid(reason: .sha256NotAccepted, message: message), nil)
        }
        if sha1IsHex && sha1.bytes.count == 32 {
            let message =
                "sha1 \(Self.quoted(Self.abbreviated(sha1.text))) is an MD5 (32 hex digits); "
                + "the API takes SHA-1 only (40 hex digits): use the file's SHA1 column"
            return (.invalid(reason: .md5NotAccepted, message: message), nil)
        }
        if sha1.bytes.count != 40 || !sha1IsHex {
            let message =
                "sha1 \(Self.quoted(sha1.text)) is not 40 hex digits (\(Self.describe(sha1.text, hex: sha1IsHex))); "
                + "give the file's SHA-1 hash"
            return (.invalid(reason: .invalidSHA1, message: message), nil)
        }

        let normalizedComment: String
        switch normalizeComment(comment.bytes, flags: comment.flags, text: comment.text) {
        case .success(let text): normalizedComment = text
        case .failure(let rejection): return (.invalid(reason: rejection.reason, message: rejection.message), nil)
        }

        let machineId =
            machine.flags & ByteClass.upperHex != 0
            ? String(decoding: machine.bytes.map(Self.lower), as: UTF8.self) : machine.text
        let sha1Value =
            sha1.flags & ByteClass.upperHex != 0
            ? String(decoding: sha1.bytes.map(Self.lower), as: UTF8.self) : sha1.text
        return (
            .valid(NormalizedRow(machineId: machineId, sha1: sha1Value, comment: normalizedComment)),
            DedupKey(machineIdHex: machine.bytes, sha1Hex: sha1.bytes)
        )
    }

    // MARK: - Comment

    private struct Rejection: Error {
        var reason: RejectionReason
        var message: String
    }

    private func normalizeComment(_ bytes: UnsafeBufferPointer<UInt8>, flags: UInt8, text: String) -> Result<
        String, Rejection
    > {
        if bytes.isEmpty {
            if defaultComment.isEmpty {
                return .failure(
                    Rejection(
                        reason: .missingComment,
                        message:
                            "comment is empty and no default comment was given; fill in the Comment column or pass --comment TEXT"
                    )
                )
            }
            return defaultComment.withUnsafeBufferPointer { fallback in
                normalizeComment(
                    fallback, flags: ByteClass.commentFlags(fallback), text: String(decoding: fallback, as: UTF8.self))
            }
        }
        // The common case, a plain one-line comment, needs no scan beyond the flags.
        if flags & (ByteClass.lineBreak | ByteClass.control | ByteClass.maybeC1) == 0
            && bytes.count <= Self.maximumCommentLength
        {
            return .success(text)
        }
        var hasBreak = false
        var scalarIndex = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                hasBreak = true
            } else if byte < 0x20 || byte == 0x7F
                || (byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]))
            {
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
            // Whichever limit comes first: scalars (what a person typed, combining marks
            // included) or bytes (what the request body carries).
            let scalars = folded.unicodeScalars.count
            let size = folded.utf8.count
            if scalars > Self.maximumCommentLength || size > Self.maximumCommentBytes {
                return .failure(
                    Rejection(
                        reason: .commentTooLong,
                        message:
                            "comment has \(scalars) Unicode scalars (\(size) bytes of UTF-8), over the limit of "
                            + "\(Self.maximumCommentLength) scalars or \(Self.maximumCommentBytes) bytes; shorten it"
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
