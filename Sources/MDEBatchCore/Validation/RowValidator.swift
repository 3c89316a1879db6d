/// Checks and normalizes one row's cells, working on their UTF-8 bytes.
///
/// Machine id and sha1: trimmed, exactly 40 hex digits, lower-cased. An empty machine id
/// may be replaced by a device name, an empty sha1 by a SHA-256 (and a 64-digit sha1 is
/// one), both resolved before sending (docs/INPUTS.md, "Names and SHA-256"). Comment: trimmed,
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
    /// Whether device names and SHA-256s are taken (to resolve before sending), or
    /// rejected as before (`--no-resolve`).
    private let resolves: Bool

    init(defaultComment: String?, resolves: Bool = true) {
        let bytes = Array((defaultComment ?? "").utf8)
        self.defaultComment = bytes.withUnsafeBufferPointer { Array(Self.trim($0)) }
        self.resolves = resolves
    }

    // MARK: - Checking

    /// Checks one row's cells and returns the row, with its deduplication key.
    ///
    /// A row that names its device by id and its file by SHA-1 gets a packed ``DedupKey``;
    /// a row that names either by name or SHA-256 (resolved before sending) gets a
    /// ``ResolutionKey`` instead. An invalid row gets neither.
    func check(_ cells: RawCells, at location: RowLocation) -> (row: IngestedRow, key: DedupKey?, resolutionKey: String?) {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let machineBytes = cells.machineId.map(Self.trim) ?? empty
        let sha1Bytes = cells.sha1.map(Self.trim) ?? empty
        let commentBytes = cells.comment.map(Self.trim) ?? empty
        let machineFlags = ByteClass.hexFlags(machineBytes)
        let sha1Flags = ByteClass.hexFlags(sha1Bytes)
        let commentFlags = ByteClass.commentFlags(commentBytes)

        // Only non-ASCII cells can be invalid UTF-8; hex cells never are.
        let commentValid =
            commentFlags & ByteClass.nonASCII == 0 || String(validating: commentBytes, as: UTF8.self) != nil
        let machineText = String(decoding: machineBytes, as: UTF8.self)
        let sha1Text = String(decoding: sha1Bytes, as: UTF8.self)
        let commentText = String(decoding: commentBytes, as: UTF8.self)
        // The name and SHA-256 cells are read only when the id or SHA-1 cell is empty: the
        // common row (id and SHA-1) pays nothing for them.
        let nameBytes = machineBytes.isEmpty ? cells.deviceName.map(Self.trim) ?? empty : empty
        let sha256Bytes = sha1Bytes.isEmpty ? cells.sha256.map(Self.trim) ?? empty : empty
        var row = IngestedRow(
            location: location, machineId: machineText, sha1: sha1Text, comment: commentText, verdict: .duplicate(of: location))
        if !nameBytes.isEmpty { row.deviceName = String(decoding: nameBytes, as: UTF8.self) }
        if !sha256Bytes.isEmpty { row.sha256 = String(decoding: sha256Bytes, as: UTF8.self) }
        // The row is built once, at the start, so it is never copied on the hot path.
        let (verdict, key, resolutionKey) = judge(
            machine: (machineBytes, machineFlags, machineText),
            sha1: (sha1Bytes, sha1Flags, sha1Text),
            comment: (commentBytes, commentFlags, commentText),
            commentValid: commentValid,
            name: (nameBytes, row.deviceName),
            sha256: (sha256Bytes, row.sha256)
        )
        row.verdict = verdict
        return (row, key, resolutionKey)
    }

    private typealias Cell = (bytes: UnsafeBufferPointer<UInt8>, flags: UInt8, text: String)
    private typealias OptionalCell = (bytes: UnsafeBufferPointer<UInt8>, text: String)

    /// The device a valid row names: its id, or a name to resolve.
    private enum Device {
        case id(String, UnsafeBufferPointer<UInt8>)
        case name(String)
    }

    /// The file a valid row names: its SHA-1, or a SHA-256 to resolve.
    private enum File {
        case sha1(String, UnsafeBufferPointer<UInt8>)
        case sha256(String)
    }

    private func judge(
        machine: Cell, sha1: Cell, comment: Cell, commentValid: Bool, name: OptionalCell, sha256: OptionalCell
    ) -> (RowVerdict, DedupKey?, String?) {
        // Encoding first: a mangled cell would otherwise read as a wrong value.
        for (cell, column) in [(machine, "machine id"), (sha1, "sha1")]
        where cell.flags & ByteClass.notHex != 0 && !Self.isASCII(cell.bytes)
            && String(validating: cell.bytes, as: UTF8.self) == nil
        {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage(column)), nil, nil)
        }
        for (cell, column) in [(name, "device name"), (sha256, "sha256")]
        where !Self.isASCII(cell.bytes) && String(validating: cell.bytes, as: UTF8.self) == nil {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage(column)), nil, nil)
        }
        if !commentValid {
            return (.invalid(reason: .invalidEncoding, message: Self.encodingMessage("comment")), nil, nil)
        }

        let device: Device
        switch checkDevice(machine, name: name) {
        case .success(let value): device = value
        case .failure(let rejection): return (.invalid(reason: rejection.reason, message: rejection.message), nil, nil)
        }
        let file: File
        switch checkFile(sha1, sha256: sha256) {
        case .success(let value): file = value
        case .failure(let rejection): return (.invalid(reason: rejection.reason, message: rejection.message), nil, nil)
        }

        let normalizedComment: String
        switch normalizeComment(comment.bytes, flags: comment.flags, text: comment.text) {
        case .success(let text): normalizedComment = text
        case .failure(let rejection): return (.invalid(reason: rejection.reason, message: rejection.message), nil, nil)
        }

        switch (device, file) {
        case (.id(let machineId, let machineHex), .sha1(let sha1Value, let sha1Hex)):
            return (
                .valid(NormalizedRow(machineId: machineId, sha1: sha1Value, comment: normalizedComment)),
                DedupKey(machineIdHex: machineHex, sha1Hex: sha1Hex), nil
            )
        default:
            var row = NormalizedRow(machineId: "", sha1: "", comment: normalizedComment)
            switch device {
            case .id(let machineId, _): row.machineId = machineId
            case .name(let deviceName): row.deviceName = deviceName
            }
            switch file {
            case .sha1(let sha1Value, _): row.sha1 = sha1Value
            case .sha256(let hash): row.sha256 = hash
            }
            return (.valid(row), nil, ResolutionKey.of(row))
        }
    }

    private func checkDevice(_ machine: Cell, name: OptionalCell) -> Result<Device, Rejection> {
        if machine.bytes.isEmpty {
            if !name.bytes.isEmpty { return checkName(name) }
            return .failure(
                Rejection(
                    reason: .missingMachineId,
                    message: resolves
                        ? "machine id and device name are empty; fill in the device id (40 hex digits) or the device name"
                        : "machine id is empty; fill in the device id (40 hex digits, the DeviceId of Advanced Hunting)"))
        }
        let machineIsHex = machine.flags & ByteClass.notHex == 0
        if machine.bytes.count != 40 || !machineIsHex {
            let message =
                "machine id \(Self.quoted(machine.text)) is not 40 hex digits (\(Self.describe(machine.text, hex: machineIsHex))); "
                + "use the device id from the Defender portal or the DeviceId of Advanced Hunting"
            return .failure(Rejection(reason: .invalidMachineId, message: message))
        }
        let machineId =
            machine.flags & ByteClass.upperHex != 0
            ? String(decoding: machine.bytes.map(Self.lower), as: UTF8.self) : machine.text
        return .success(.id(machineId, machine.bytes))
    }

    /// A device name as the Defender inventory could hold it: a host name or FQDN of at
    /// most 255 bytes, no spaces, controls, quotes or path characters.
    private func checkName(_ name: OptionalCell) -> Result<Device, Rejection> {
        let forbidden: Set<UInt8> = Set(Array(" \t'\"\\/,;:*?<>|=()[]{}".utf8))
        if name.bytes.count > 255 {
            return .failure(
                Rejection(
                    reason: .invalidDeviceName,
                    message:
                        "device name \(Self.quoted(name.text)) is \(name.bytes.count) bytes long, over 255; give the host name or FQDN"
                ))
        }
        for byte in name.bytes where byte < 0x20 || byte == 0x7F || forbidden.contains(byte) {
            let shown = byte < 0x20 || byte == 0x7F ? "a control character" : "\"\(Character(Unicode.Scalar(byte)))\""
            return .failure(
                Rejection(
                    reason: .invalidDeviceName,
                    message:
                        "device name \(Self.quoted(name.text)) contains \(shown); give the host name (pc-042) or FQDN (pc-042.contoso.com)"
                ))
        }
        return .success(.name(name.text))
    }

    private func checkFile(_ sha1: Cell, sha256: OptionalCell) -> Result<File, Rejection> {
        if sha1.bytes.isEmpty {
            guard !sha256.bytes.isEmpty else {
                return .failure(
                    Rejection(
                        reason: .missingSHA1,
                        message: resolves
                            ? "sha1 and sha256 are empty; fill in the file's SHA-1 (40 hex digits) or SHA-256 (64)"
                            : "sha1 is empty; fill in the file's SHA-1 (40 hex digits)"))
            }
            let flags = ByteClass.hexFlags(sha256.bytes)
            guard sha256.bytes.count == 64, flags & ByteClass.notHex == 0 else {
                return .failure(
                    Rejection(
                        reason: .invalidSHA256,
                        message: "sha256 \(Self.quoted(sha256.text)) is not 64 hex digits "
                            + "(\(Self.describe(sha256.text, hex: flags & ByteClass.notHex == 0))); give the file's SHA-256 or its SHA-1"
                    ))
            }
            return .success(.sha256(Self.lowercased(sha256.bytes, flags: flags, text: sha256.text)))
        }
        let sha1IsHex = sha1.flags & ByteClass.notHex == 0
        if sha1IsHex && sha1.bytes.count == 64 {
            if resolves { return .success(.sha256(Self.lowercased(sha1.bytes, flags: sha1.flags, text: sha1.text))) }
            let message =
                "sha1 \(Self.quoted(Self.abbreviated(sha1.text))) is a SHA-256 (64 hex digits); "
                + "the API takes SHA-1 only (40 hex digits): use the file's SHA1 column, or run without --no-resolve"
            return .failure(Rejection(reason: .sha256NotAccepted, message: message))
        }
        if sha1IsHex && sha1.bytes.count == 32 {
            let message =
                "sha1 \(Self.quoted(Self.abbreviated(sha1.text))) is an MD5 (32 hex digits); "
                + "the API takes SHA-1 only, and whether its file lookup takes an MD5 is not confirmed: "
                + "use the file's SHA1 or SHA256 column"
            return .failure(Rejection(reason: .md5NotAccepted, message: message))
        }
        if sha1.bytes.count != 40 || !sha1IsHex {
            let message =
                "sha1 \(Self.quoted(sha1.text)) is not 40 hex digits (\(Self.describe(sha1.text, hex: sha1IsHex))); "
                + "give the file's SHA-1 hash"
            return .failure(Rejection(reason: .invalidSHA1, message: message))
        }
        return .success(.sha1(Self.lowercased(sha1.bytes, flags: sha1.flags, text: sha1.text), sha1.bytes))
    }

    private static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, flags: UInt8, text: String) -> String {
        flags & ByteClass.upperHex != 0 ? String(decoding: bytes.map(lower), as: UTF8.self) : text
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
