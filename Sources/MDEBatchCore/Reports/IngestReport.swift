import Foundation

/// The text `validate` and `run --dry-run` print about what the inputs hold.
public struct IngestReport: Sendable {
    public var inputs: [String]
    public var summary: IngestSummary
    /// The first rejected rows, in input order.
    public var rejected: [(location: RowLocation, code: String, message: String)]
    /// Rows another job already submitted (ingest into a state file only).
    public var alreadySubmitted: Int
    public var policy: QuotaPolicy
    /// Seconds the quota needs to send every sendable row, from the exact arithmetic.
    public var quotaSeconds: TimeInterval

    public init(
        inputs: [String], summary: IngestSummary, rejected: [(location: RowLocation, code: String, message: String)],
        alreadySubmitted: Int = 0, policy: QuotaPolicy, quotaSeconds: TimeInterval
    ) {
        self.inputs = inputs
        self.summary = summary
        self.rejected = rejected
        self.alreadySubmitted = alreadySubmitted
        self.policy = policy
        self.quotaSeconds = quotaSeconds
    }

    /// How many rejected rows the report lists.
    public static let rejectedShown = 10

    public var sendable: Int { summary.validCount - alreadySubmitted }

    /// The most lookup calls resolution needs: ⌈names/25⌉ + 2 (a sweep is chosen only when
    /// cheaper), and one per SHA-256.
    public var resolutionCalls: (names: Int, hashes: Int) {
        let names = summary.distinctNames
        return (names == 0 ? 0 : NameLookupStrategy.batches(forNames: names) + 2, summary.distinctSHA256)
    }

    /// What resolving names and SHA-256s costs, before the first action is sent.
    var resolutionLine: String {
        let calls = resolutionCalls
        var parts: [String] = []
        if summary.distinctNames > 0 {
            parts.append(
                "\(summary.distinctNames) device names (at most \(calls.names) calls to GET /api/machines, or one inventory sweep when cheaper)"
            )
        }
        if summary.distinctSHA256 > 0 {
            parts.append("\(summary.distinctSHA256) SHA-256s (\(calls.hashes) calls to GET /api/files)")
        }
        // Each lookup API has its own limits; the lookups run one after the other.
        let seconds =
            QuotaSchedule.estimate(policy: policy, now: Date(), additionalCalls: calls.names).makespan
            + QuotaSchedule.estimate(policy: policy, now: Date(), additionalCalls: calls.hashes).makespan
        return "Resolution: \(summary.toResolve) rows give a device name or SHA-256, resolved before sending: "
            + parts.joined(separator: " and ") + "; the lookups need \(QuotaSchedule.describe(seconds: seconds)) "
            + "under those APIs' own limits."
    }
    public func render() -> String {
        var lines: [String] = []
        let files = inputs.count == 1 ? "1 file" : "\(inputs.count) files"
        lines.append("Read \(summary.rowCount) rows from \(files) (\(inputs.joined(separator: ", "))).")
        for error in summary.fileErrors {
            lines.append("  unusable input: \(error)")
        }
        let width = String(summary.rowCount).count
        func row(_ count: Int, _ label: String) -> String {
            "  " + String(repeating: " ", count: max(0, width - String(count).count)) + "\(count)  \(label)"
        }
        lines.append(row(summary.validCount - alreadySubmitted, "valid, to submit"))
        if alreadySubmitted > 0 { lines.append(row(alreadySubmitted, "already submitted by an earlier job (skipped)")) }
        lines.append(row(summary.duplicateCount, "duplicate (same machine and SHA-1 as an earlier row; skipped)"))
        let invalid = summary.invalidCounts.values.reduce(0, +)
        lines.append(row(invalid, "invalid"))
        for (reason, count) in summary.invalidCounts.sorted(by: {
            $0.value > $1.value || ($0.value == $1.value && $0.key.rawValue < $1.key.rawValue)
        }) {
            lines.append(
                "      " + String(repeating: " ", count: max(0, width - String(count).count)) + "\(count) \(reason.rawValue)")
        }
        if !rejected.isEmpty {
            lines.append("")
            let shown =
                invalid + summary.duplicateCount > rejected.count ? "First \(rejected.count) rejected rows" : "Rejected rows"
            lines.append("\(shown):")
            for item in rejected {
                lines.append("  \(item.location)  \(item.code): \(item.message)")
            }
        }
        lines.append("")
        let limits = policy.limits.map(\.description).joined(separator: " + ")
        lines.append("Quota: \(sendable) actions need \(QuotaSchedule.describe(seconds: quotaSeconds)) at \(limits).")
        if summary.toResolve > 0 { lines.append(resolutionLine) }
        return lines.joined(separator: "\n")
    }
}
