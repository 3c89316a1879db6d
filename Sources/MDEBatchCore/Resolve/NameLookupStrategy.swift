import Foundation

/// How a job looks its device names up (docs/INPUTS.md, "What resolution costs"): by
/// batches of names in one `$filter`, or by one sweep of the whole inventory when that
/// takes fewer calls. Pure: the fleet size is what the last sweep saw, if any.
public enum NameLookupStrategy: Sendable, Equatable {
    /// `batches` calls of up to ``namesPerCall`` names each.
    case batches(Int)
    /// Pages of ``pageSize`` records, giving up (for batches) after `maxPages` full pages.
    case sweep(maxPages: Int)

    /// Names per `$filter` (25 clauses keep the URL near 2 KB).
    public static let namesPerCall = 25
    /// Records per page (`$top`'s documented maximum).
    public static let pageSize = 10_000
    /// Full pages an unknown fleet's sweep may take before it gives up for batches: the
    /// worst case then costs ⌈N/25⌉ + 2 calls.
    public static let blindSweepPages = 2

    public static func batches(forNames names: Int) -> Int { (names + namesPerCall - 1) / namesPerCall }

    /// The cheaper way to look up `names` names, given the fleet size a sweep saw before.
    public static func choose(names: Int, knownFleet: Int?) -> NameLookupStrategy {
        let batches = batches(forNames: names)
        if let knownFleet {
            let pages = max(1, (knownFleet + 1 + pageSize - 1) / pageSize)
            return pages < batches ? .sweep(maxPages: pages + 1) : .batches(batches)
        }
        // Unknown fleet: one page settles a fleet under 10,000; a sweep is worth trying
        // when it saves at least one call even if the fleet is that large.
        return batches > blindSweepPages ? .sweep(maxPages: blindSweepPages) : .batches(batches)
    }

    /// The OData filter for a batch of name keys: an FQDN matches exactly, a short name by
    /// prefix (`pc1` also finds `pc10…`, so records are matched again with
    /// ``DeviceName/matches(_:computerDnsName:)``).
    public static func filter(names: [String]) -> String {
        names.map { name in
            let literal = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
            return DeviceName.isQualified(name)
                ? "computerDnsName eq \(literal)" : "startswith(computerDnsName,\(literal))"
        }.joined(separator: " or ")
    }
}
