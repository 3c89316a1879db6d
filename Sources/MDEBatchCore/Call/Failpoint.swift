import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Named points on the send path where a crash matters (docs/ARCHITECTURE.md, "Failpoints").
///
/// Compiled into every build and inert unless `MDEBATCH_FAILPOINT` names one: then the
/// process dies on the spot when it reaches that point (`_exit`, no cleanup, no report),
/// as it would if the machine lost power there. `NAME@N` dies at the N-th time the point
/// is reached (default: the first). The end-to-end tests walk every point of both job
/// kinds and prove that a resume sends nothing twice.
public enum Failpoint {
    /// The exit status of a process a failpoint killed, so a test can tell it fired.
    public static let exitStatus: Int32 = 86
    /// The environment variable that arms a failpoint.
    public static let variable = "MDEBATCH_FAILPOINT"

    /// The points of a call under the quota, for `api`:
    /// - `reserved`: the slot is reserved (for a send, the row is `sending`), nothing has left;
    /// - `answered`: the response arrived, nothing of it is recorded;
    /// - `recorded`: the outcome is committed, nothing after it has happened.
    public enum CallPhase: String, Sendable, CaseIterable {
        case reserved
        case answered
        case recorded
    }

    /// Every point's name.
    public static var all: [String] {
        QuotaAPI.allCases.flatMap { api in CallPhase.allCases.map { name(api, $0) } } + [beforeReport]
    }

    /// The point after a job's run, before its report is written.
    public static let beforeReport = "job.before-report"

    public static func name(_ api: QuotaAPI, _ phase: CallPhase) -> String { "\(api.rawValue).\(phase.rawValue)" }

    private static let armed: (name: String, at: Int)? = {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        let parts = text.split(separator: "@", maxSplits: 1)
        return (String(parts[0]), parts.count == 2 ? max(Int(parts[1]) ?? 1, 1) : 1)
    }()
    private static let hits = Atomic<Int>(0)

    /// Dies here if this point is armed and its count is reached.
    @inline(__always)
    public static func check(_ name: @autoclosure () -> String) {
        guard let armed else { return }
        guard armed.name == name() else { return }
        let count = hits.add(1, ordering: .relaxed).newValue
        guard count == armed.at else { return }
        let message = "mdebatch: failpoint \(armed.name)@\(count) fired\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(exitStatus)
    }

    public static func check(_ api: QuotaAPI, _ phase: CallPhase) {
        if armed == nil { return }
        check(name(api, phase))
    }
}
