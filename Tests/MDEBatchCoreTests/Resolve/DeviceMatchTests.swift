import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

/// The never-guess policy for device names (docs/INPUTS.md, "Names and SHA-256").
struct DeviceMatchTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func record(
        _ id: String, daysAgo: Double?, health: String? = "Active", onboarding: String? = "Onboarded", merged: String? = nil
    ) -> MachineCandidate {
        MachineCandidate(
            id: id, computerDnsName: "pc-042.contoso.com", lastSeen: daysAgo.map { now.addingTimeInterval(-$0 * 86_400) },
            healthStatus: health, onboardingStatus: onboarding, mergedIntoMachineId: merged)
    }

    @Test func noRecordIsNone() {
        #expect(DeviceMatch([]) == .none)
    }

    @Test func onlyMergedRecordsIsNone() {
        #expect(DeviceMatch([Self.record("a", daysAgo: 0, merged: "b")]) == .none)
    }

    @Test func aReimagedDeviceResolvesToItsNewRecord() {
        let old = Self.record("old", daysAgo: 40, health: "Inactive")
        let new = Self.record("new", daysAgo: 1)
        #expect(DeviceMatch([old, new]) == .one(new))
    }

    @Test func anActiveOnboardedRecordBeatsANewerInactiveOne() {
        let active = Self.record("active", daysAgo: 3)
        let inactive = Self.record("inactive", daysAgo: 0, health: "Inactive")
        #expect(DeviceMatch([inactive, active]) == .one(active))
    }

    @Test func theNewestWinsOnlyOverRecordsSeenMoreThanSevenDaysBefore() {
        let newest = Self.record("a", daysAgo: 1)
        let stale = Self.record("b", daysAgo: 8.5)
        #expect(DeviceMatch([stale, newest]) == .one(newest))
        let close = Self.record("c", daysAgo: 7.5)
        #expect(DeviceMatch([close, newest]) == .ambiguous([newest, close]))
    }

    @Test func twoActiveRecordsSeenTheSameWeekAreAmbiguousNewestFirst() {
        let a = Self.record("a", daysAgo: 2)
        let b = Self.record("b", daysAgo: 0.5)
        let merged = Self.record("m", daysAgo: 0, merged: "a")
        #expect(DeviceMatch([a, merged, b]) == .ambiguous([b, a]))
    }

    @Test func aRecordWithoutOnboardingStatusCountsAsOnboarded() {
        let a = Self.record("a", daysAgo: 0, onboarding: nil)
        let b = Self.record("b", daysAgo: 30, onboarding: "CanBeOnboarded")
        #expect(DeviceMatch([b, a]) == .one(a))
    }

    @Test func theSameRecordTwiceIsOneDevice() {
        let a = Self.record("a", daysAgo: 1)
        #expect(DeviceMatch([a, a]) == .one(a))
    }

    @Test func withoutLastSeenSeveralRecordsAreAmbiguous() {
        let a = Self.record("a", daysAgo: nil)
        let b = Self.record("b", daysAgo: nil)
        #expect(DeviceMatch([b, a]) == .ambiguous([a, b]))
    }

    /// A seeded property: whatever the records, the policy never picks a merged record,
    /// and a single answer is never within 7 days of a remaining rival.
    @Test func neverPicksAMergedRecordOrHidesARival() {
        var random = SeededGenerator.fromEnvironment()
        let seed = random.seed
        for _ in 0..<500 {
            let records = (0..<Int.random(in: 1...5, using: &random)).map { index in
                Self.record(
                    "m\(index)", daysAgo: Double.random(in: 0...30, using: &random),
                    health: Bool.random(using: &random) ? "Active" : "Inactive",
                    merged: Int.random(in: 0..<4, using: &random) == 0 ? "x" : nil)
            }
            switch DeviceMatch(records) {
            case .none:
                #expect(records.allSatisfy { $0.mergedIntoMachineId != nil }, "seed \(seed)")
            case .one(let chosen):
                #expect(chosen.mergedIntoMachineId == nil, "seed \(seed)")
                let pool = records.filter { $0.mergedIntoMachineId == nil }
                let active = pool.filter { $0.healthStatus == "Active" }
                let rivals = (active.isEmpty ? pool : active).filter {
                    $0.id != chosen.id && chosen.lastSeen!.timeIntervalSince($0.lastSeen!) <= DeviceMatch.staleAfter
                }
                #expect(rivals.isEmpty, "seed \(seed)")
            case .ambiguous(let candidates):
                #expect(candidates.count >= 2 && candidates.allSatisfy { $0.mergedIntoMachineId == nil }, "seed \(seed)")
            }
        }
    }
}
