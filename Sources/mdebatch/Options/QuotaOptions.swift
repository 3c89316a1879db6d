import ArgumentParser
import MDEBatchCore

/// `--rate N/DURATION` (repeatable) and `--concurrency`.
struct QuotaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A rate limit for every API of the job, e.g. 100/1m; repeat for several windows (default: --rate 100/1m --rate 1500/1h).",
            valueName: "n/duration"))
    var rate: [String] = []

    func validate() throws {
        for value in rate {
            do { _ = try RateLimit(parsing: value) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The limits given (empty when none was).
    func limits() throws -> [RateLimit] { try rate.map { try RateLimit(parsing: $0) } }

    func policy() throws -> QuotaPolicy {
        rate.isEmpty ? .mdeDefault : QuotaPolicy(limits: try limits())
    }
}
