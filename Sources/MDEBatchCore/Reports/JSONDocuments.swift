import Foundation

/// The one JSON document `jobs --json`, `status --json` and `validate --json` print, for
/// scripts and dashboards. Field names are stable (docs/REPORTS.md, "JSON output"); a job
/// is described by the same `job` and `summary` objects as the JSON report.
public enum JSONDocuments {
    /// `mdebatch jobs --json`: `{"stateFile": …, "jobs": [{"job": {…}, "summary": {…}}, …]}`, newest first.
    public struct Jobs: Codable, Sendable, Hashable {
        public var stateFile: String
        public var jobs: [ReportHeader]
    }

    /// `mdebatch status --json`: the job's `job` and `summary`, and the devices that keep
    /// rows waiting.
    public struct Status: Codable, Sendable, Hashable {
        public var job: ReportHeader.Job
        public var summary: ReportHeader.Summary
        public var busyDevices: [Device]

        public struct Device: Codable, Sendable, Hashable {
            public var machineId: String
            public var actionId: String
            public var since: String
            public var rows: Int
        }
    }

    /// `mdebatch validate --json`: what the inputs hold, offline.
    public struct Validation: Codable, Sendable, Hashable {
        public var inputs: [String]
        public var rows: Int
        public var valid: Int
        public var duplicates: Int
        /// Rejected rows per reason code (`invalid-sha1`, …).
        public var invalid: [String: Int]
        public var fileErrors: [String]
        /// The first rejected rows, in input order.
        public var rejected: [Rejected]
        /// The limits the estimate assumes, as `--rate` spells them.
        public var rates: [String]
        /// Seconds the quota needs to send every valid row.
        public var quotaSeconds: Double
        /// Valid rows that give a device name or SHA-256, resolved before sending.
        public var toResolve: Int = 0
        public var deviceNames: Int = 0
        public var sha256s: Int = 0
        /// The most calls resolution needs, per API (`GET /api/machines`, `GET /api/files`).
        public var resolutionCalls: [String: Int] = [:]

        public struct Rejected: Codable, Sendable, Hashable {
            public var source: String
            public var line: Int
            public var code: String
            public var message: String
        }
    }

    public static func jobs(store: StateStore, now: Date) throws -> Jobs {
        Jobs(stateFile: store.path, jobs: try store.jobs().map { try ReportHeader.load(jobId: $0.id, store: store, now: now) })
    }

    public static func status(jobId: String, store: StateStore, now: Date) throws -> Status {
        let header = try ReportHeader.load(jobId: jobId, store: store, now: now)
        let devices = try store.busyDevices(jobId: jobId).map {
            Status.Device(machineId: $0.machineId, actionId: $0.actionId, since: ReportTime.format($0.since), rows: $0.rows)
        }
        return Status(job: header.job, summary: header.summary, busyDevices: devices)
    }

    public static func validation(_ report: IngestReport) -> Validation {
        Validation(
            inputs: report.inputs, rows: report.summary.rowCount, valid: report.summary.validCount,
            duplicates: report.summary.duplicateCount,
            invalid: Dictionary(uniqueKeysWithValues: report.summary.invalidCounts.map { ($0.key.rawValue, $0.value) }),
            fileErrors: report.summary.fileErrors.map { "\($0)" },
            rejected: report.rejected.map {
                Validation.Rejected(source: $0.location.source, line: $0.location.line, code: $0.code, message: $0.message)
            },
            rates: report.policy.limits.map(\.description), quotaSeconds: report.quotaSeconds,
            toResolve: report.summary.toResolve, deviceNames: report.summary.distinctNames,
            sha256s: report.summary.distinctSHA256,
            resolutionCalls: report.summary.toResolve == 0
                ? [:]
                : [
                    QuotaAPI.listMachines.rawValue: report.resolutionCalls.names,
                    QuotaAPI.getFile.rawValue: report.resolutionCalls.hashes,
                ])
    }

    /// Pretty-printed, sorted keys, one trailing newline.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
