import Foundation

/// `mdebatch targets HASH...`: every device that saw each file, as an input file an
/// analyst reviews and then runs (docs/COMMANDS.md, "targets").
///
/// A SHA-256 is first turned into its SHA-1 (`GET /api/files/{sha256}`, or the state
/// file's cache); then `GET /api/files/{sha1}/machines` lists the devices. Every call is a
/// metered call of the target's lookup job, under each API's own limits.
public struct TargetsLookup: Sendable {
    public let call: MeteredCall
    public let client: MDEClient
    public let targetKey: String

    public init(call: MeteredCall, client: MDEClient, targetKey: String) {
        self.call = call
        self.client = client
        self.targetKey = targetKey
    }

    /// One device that saw a file.
    public struct Target: Sendable, Hashable {
        public var machineId: String
        public var deviceName: String
        public var sha1: String
        public var lastSeen: Date?
        /// The hash as given (SHA-1 or SHA-256).
        public var inputHash: String
    }

    /// What one hash gave.
    public enum Result: Sendable, Hashable {
        case devices([Target])
        /// The API knows no file with this SHA-256.
        case unknownFile
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The API refused a lookup: names the permission it needs.
        case refused(api: QuotaAPI, failure: CallFailure)
        case failed(api: QuotaAPI, failure: CallFailure)
        case stopped

        public var description: String {
            switch self {
            case .refused(.getFile, let failure):
                return "The file lookup (GET /api/files) was refused: \(failure). The app needs File.Read.All."
            case .refused(_, let failure):
                return
                    "The device list of a file (GET /api/files/{sha1}/machines) was refused: \(failure). The app needs "
                    + "Machine.Read.All (some documentation says Machine.ReadWrite.All)."
            case .failed(let api, let failure):
                return "\(api.rawValue) failed: \(failure). Run the command again later."
            case .stopped:
                return "Stopped before every hash was looked up."
            }
        }
    }

    /// The devices that saw the file `hash` (a lower-case SHA-1 or SHA-256).
    public func devices(hash: String) async throws -> Result {
        var sha1 = hash
        if hash.count == 64 {
            if let known = try call.store.knownSHA1(targetKey: targetKey, sha256: hash) {
                sha1 = known
            } else {
                let info = try await lookUp(.getFile, notFoundIsEmpty: true) {
                    try await client.file(id: hash)
                } facts: { (info: FileInfo?) in
                    var facts = LookupFacts(targetKey: targetKey)
                    facts.hashes[hash] = info?.sha1
                    return facts
                }
                guard let found = info?.sha1, found.count == 40 else { return .unknownFile }
                sha1 = found
            }
        }
        let list = try await lookUp(.listFileMachines, notFoundIsEmpty: true) {
            try await client.fileMachines(sha1: sha1)
        } facts: { (_: MachineList?) in
            nil
        }
        var seen = Set<String>()
        let targets = (list?.value ?? []).compactMap { machine -> Target? in
            // A merged record no longer names a device.
            guard machine.mergedIntoMachineId == nil, seen.insert(machine.id.lowercased()).inserted else { return nil }
            return Target(
                machineId: machine.id.lowercased(), deviceName: machine.computerDnsName ?? "", sha1: sha1,
                lastSeen: machine.lastSeen, inputHash: hash)
        }
        return .devices(targets.sorted { ($0.deviceName, $0.machineId) < ($1.deviceName, $1.machineId) })
    }

    private func lookUp<Value: Sendable>(
        _ api: QuotaAPI, notFoundIsEmpty: Bool, request: () async throws -> CallResult<Value>,
        facts: @escaping (Value?) -> LookupFacts?
    ) async throws -> Value? {
        let outcome = try await call.perform(.lookup(rowId: nil), api: api, request: request) { result, _ in
            switch result {
            case .success(let value, let status):
                return (CallRecord(outcome: .resolved, httpStatus: status), facts(value).map(RowChange.lookups) ?? .unchanged)
            case .failure(let failure) where failure.category == .notFound && notFoundIsEmpty:
                return (CallRecord(failure: failure, outcome: .resolved), facts(nil).map(RowChange.lookups) ?? .unchanged)
            case .failure(let failure):
                return (CallRecord(failure: failure, outcome: .resolutionFailed), .unchanged)
            }
        }
        switch outcome {
        case .success(let value, _): return value
        case .failure(let failure) where failure.category == .notFound && notFoundIsEmpty: return nil
        case .failure(let failure) where failure.category == .forbidden || failure.category == .unauthorized:
            throw Failure.refused(api: api, failure: failure)
        case .failure(let failure): throw Failure.failed(api: api, failure: failure)
        case .deferred: throw Failure.stopped
        }
    }

    /// The input file `run` takes: machine id, device name, SHA-1, comment, last seen.
    public static func csv(_ targets: [Target], comment: (Target) -> String) -> String {
        var text = "machine_id,device_name,sha1,comment,last_seen\r\n"
        for target in targets {
            let cells = [
                target.machineId, target.deviceName, target.sha1, comment(target),
                target.lastSeen.map(ReportTime.format) ?? "",
            ]
            text += cells.map(CSVReportWriter.cell).joined(separator: ",") + "\r\n"
        }
        return text
    }
}

extension TargetsLookup {
    /// Writes `text` to `path` like a report: atomically (mode 0600), in place for a device
    /// or FIFO, or to standard output for `-`.
    public static func write(_ text: String, to path: String) throws {
        try AtomicFile.write(to: path) { chunk in try chunk(Data(text.utf8)) }
    }

    /// A hash as `targets` takes it: a SHA-1 or SHA-256, lower-cased; nil for anything else.
    public static func normalizedHash(_ text: String) -> String? {
        let hash = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard hash.count == 40 || hash.count == 64, hash.allSatisfy(\.isHexDigit) else { return nil }
        return hash
    }
}
