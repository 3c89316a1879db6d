import Foundation

/// Which device a name means, from the inventory records that answer to it — never a
/// guess (docs/INPUTS.md, "Names and SHA-256"):
///
/// 1. records merged into another (`mergedIntoMachineId`) are dropped;
/// 2. Active and Onboarded records are preferred over the rest (a record without an
///    onboarding status counts as onboarded);
/// 3. the newest `lastSeen` wins over records last seen more than 7 days before it (a
///    re-imaged or retired record);
/// 4. two or more records seen within 7 days of each other are ambiguous.
public enum DeviceMatch: Sendable, Hashable {
    case one(MachineCandidate)
    /// Several devices answer to the name: newest first.
    case ambiguous([MachineCandidate])
    case none

    /// How much older than the newest record another must be to lose to it.
    public static let staleAfter: TimeInterval = 7 * 24 * 3600

    public init(_ records: [MachineCandidate]) {
        var seen = Set<String>()
        var candidates = records.filter { $0.mergedIntoMachineId == nil && seen.insert($0.id).inserted }
        guard !candidates.isEmpty else {
            self = .none
            return
        }
        let preferred = candidates.filter(Self.isActiveAndOnboarded)
        if !preferred.isEmpty { candidates = preferred }
        candidates.sort { lhs, rhs in
            switch (lhs.lastSeen, rhs.lastSeen) {
            case (let l?, let r?): return l != r ? l > r : lhs.id < rhs.id
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return lhs.id < rhs.id
            }
        }
        let newest = candidates[0]
        let rivals = candidates.dropFirst().filter { other in
            guard let newestSeen = newest.lastSeen else { return true }
            guard let seen = other.lastSeen else { return false }
            return newestSeen.timeIntervalSince(seen) <= Self.staleAfter
        }
        self = rivals.isEmpty ? .one(newest) : .ambiguous([newest] + rivals)
    }

    private static func isActiveAndOnboarded(_ record: MachineCandidate) -> Bool {
        record.healthStatus?.caseInsensitiveCompare("Active") == .orderedSame
            && (record.onboardingStatus.map { $0.caseInsensitiveCompare("Onboarded") == .orderedSame } ?? true)
    }
}
