import Crypto
import Foundation

/// Reads every input in order, validates and deduplicates its rows, and hands each row to
/// the caller with its verdict.
///
/// Streaming: each input is read through a fixed buffer, so memory grows only with the
/// deduplication table (about 60 bytes per distinct valid row). An input that cannot be
/// used at all becomes an ``InputError`` in ``IngestSummary/fileErrors`` and the next input
/// is read; a bad row becomes an `invalid` verdict and the next row is read.
public struct IngestPipeline: Sendable {
    public let options: IngestOptions
    /// The descriptor ``InputSource/standardInput`` reads (tests pass a pipe).
    let standardInputDescriptor: Int32

    public init(options: IngestOptions) {
        self.init(options: options, standardInputDescriptor: STDIN_FILENO)
    }

    init(options: IngestOptions, standardInputDescriptor: Int32) {
        self.options = options
        self.standardInputDescriptor = standardInputDescriptor
    }

    /// Reads every source in order, validates and deduplicates; calls `onRow` for every row
    /// (valid or not) in input order.
    ///
    /// - Returns: counts, the file-level errors, and the fingerprint of the inputs.
    /// - Throws: only what `onRow` throws (reading stops there).
    public func run(_ sources: [InputSource], onRow: (IngestedRow) throws -> Void) throws -> IngestSummary {
        var summary = IngestSummary()
        var deduplicator = Deduplicator()
        // Rows to resolve are rare next to id + SHA-1 rows: a plain dictionary keys them.
        var resolutionKeys: [String: RowLocation] = [:]
        var names = Set<String>()
        var hashes = Set<String>()
        var fingerprint = SHA256()
        let matcher = ColumnMatcher(options: options)
        let validator = RowValidator(defaultComment: options.defaultComment, resolves: options.resolve)

        for source in sources {
            let name = source.displayName
            let sourceIndex = deduplicator.addSource(name)
            var stream: InputByteStream?
            do {
                let format = try resolveFormat(of: source)
                let opened: InputByteStream
                switch source {
                case .file(let path): opened = try InputByteStream(path: path)
                case .standardInput: opened = InputByteStream(descriptor: standardInputDescriptor, name: name)
                }
                stream = opened
                try read(opened, format: format, name: name, matcher: matcher) { line, raw in
                    let location = RowLocation(source: name, line: line)
                    summary.rowCount += 1
                    switch raw {
                    case .cells(let cells):
                        var checked = validator.check(cells, at: location)
                        if let key = checked.key {
                            if let first = deduplicator.firstOccurrence(of: key, source: sourceIndex, line: line) {
                                checked.row.verdict = .duplicate(of: first)
                                summary.duplicateCount += 1
                            } else {
                                summary.validCount += 1
                            }
                        } else if let key = checked.resolutionKey {
                            if let first = resolutionKeys[key] {
                                checked.row.verdict = .duplicate(of: first)
                                summary.duplicateCount += 1
                            } else {
                                resolutionKeys[key] = location
                                summary.validCount += 1
                                summary.toResolve += 1
                                if let row = checked.row.verdict.normalized {
                                    if let name = row.deviceName { names.insert(DeviceName.key(name)) }
                                    if let hash = row.sha256 { hashes.insert(hash) }
                                }
                            }
                        } else if case .invalid(let reason, _) = checked.row.verdict {
                            summary.invalidCounts[reason, default: 0] += 1
                        }
                        do {
                            try onRow(checked.row)
                        } catch {
                            throw CallerError(underlying: error)
                        }
                    case .rejected(let reason, let message, let machineId, let sha1, let comment):
                        summary.invalidCounts[reason, default: 0] += 1
                        let row = IngestedRow(
                            location: location,
                            machineId: machineId,
                            sha1: sha1,
                            comment: comment,
                            verdict: .invalid(reason: reason, message: message)
                        )
                        do {
                            try onRow(row)
                        } catch {
                            throw CallerError(underlying: error)
                        }
                    }
                }
            } catch let error as InputError {
                summary.fileErrors.append(error)
            } catch let error as CallerError {
                throw error.underlying
            }
            if let stream {
                do {
                    let digest = try stream.finish()
                    digest.withUnsafeBytes { fingerprint.update(bufferPointer: $0) }
                } catch let error as InputError {
                    if !summary.fileErrors.contains(error) { summary.fileErrors.append(error) }
                }
            }
        }
        summary.distinctNames = names.count
        summary.distinctSHA256 = hashes.count
        summary.fingerprint = fingerprint.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return summary
    }

    /// The fingerprint `run` would compute for these files, from their bytes alone
    /// (no parsing), or nil when one cannot be read: lets a re-run find its job without
    /// ingesting again.
    public static func fingerprint(ofFiles paths: [String]) -> String? {
        var fingerprint = SHA256()
        for path in paths {
            guard let stream = try? InputByteStream(path: path), let digest = try? stream.finish() else { return nil }
            digest.withUnsafeBytes { fingerprint.update(bufferPointer: $0) }
        }
        return fingerprint.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The format given in the options, else the one the file name implies (delimited
    /// when the extension says nothing).
    func resolveFormat(of source: InputSource) throws -> InputFormat {
        if let format = options.format { return format }
        switch source {
        case .standardInput: throw InputError.formatRequiredForStandardInput
        case .file(let path): return InputFormat(path: path) ?? .csv
        }
    }

    private func read(
        _ stream: InputByteStream,
        format: InputFormat,
        name: String,
        matcher: ColumnMatcher,
        _ body: (Int, RawRow) throws -> Void
    ) throws {
        switch format {
        case .csv, .tsv:
            let reader = DelimitedReader(stream: stream, source: name, delimiter: format == .tsv ? ASCII.tab : nil)
            let header = try reader.readHeader()
            let columns = try matcher.select(from: header, source: name)
            try reader.forEachRow(columns, body)
        case .jsonl:
            try JSONLinesReader(stream: stream, source: name, matcher: matcher).forEachRow(body)
        case .json:
            try JSONArrayReader(stream: stream, source: name, matcher: matcher).forEachRow(body)
        }
    }
}

/// Carries an error thrown by the caller's `onRow` through the readers, so it is never
/// mistaken for an ``InputError`` of the file.
private struct CallerError: Error {
    var underlying: any Error
}
