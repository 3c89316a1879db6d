import MDEBatchCore
import Testing

/// How names are looked up, and the cost bound ⌈N/25⌉ + 2 (docs/INPUTS.md, "What resolution costs").
struct NameLookupStrategyTests {
    @Test(arguments: [(1, 1), (25, 1), (26, 2), (50, 2)])
    func fewNamesGoByBatches(names: Int, batches: Int) {
        #expect(NameLookupStrategy.choose(names: names, knownFleet: nil) == .batches(batches))
    }

    @Test func manyNamesOnAnUnknownFleetTryABoundedSweep() {
        #expect(NameLookupStrategy.choose(names: 51, knownFleet: nil) == .sweep(maxPages: 2))
    }

    @Test func aKnownFleetDecides() {
        // 120 names are 5 batches; a 15,000-device fleet is 2 pages.
        #expect(NameLookupStrategy.choose(names: 120, knownFleet: 15_000) == .sweep(maxPages: 3))
        // 120 names on a 60,000-device fleet: batches are cheaper.
        #expect(NameLookupStrategy.choose(names: 120, knownFleet: 60_000) == .batches(5))
    }

    /// Worst case of every choice, whatever the fleet: never more than ⌈N/25⌉ + 2 calls.
    @Test func theWorstCaseStaysWithinTheBound() {
        for names in [1, 24, 25, 26, 51, 75, 100, 1_000, 10_000] {
            for fleet in [nil, 5_000, 9_999, 10_000, 25_000, 200_000] as [Int?] {
                let bound = NameLookupStrategy.batches(forNames: names) + 2
                let cost: Int
                switch NameLookupStrategy.choose(names: names, knownFleet: fleet) {
                case .batches(let count): cost = count
                case .sweep(let maxPages):
                    // A sweep that gives up has spent maxPages calls before the batches.
                    let needed = ((fleet ?? Int.max / 2) + NameLookupStrategy.pageSize) / NameLookupStrategy.pageSize
                    cost = needed <= maxPages ? needed : maxPages + NameLookupStrategy.batches(forNames: names)
                }
                #expect(cost <= bound, "names \(names), fleet \(String(describing: fleet))")
            }
        }
    }

    @Test func filtersMatchAnFQDNExactlyAndAShortNameByPrefix() {
        #expect(
            NameLookupStrategy.filter(names: ["pc-042.contoso.com", "pc-043", "o'brien"])
                == "computerDnsName eq 'pc-042.contoso.com' or startswith(computerDnsName,'pc-043') "
                + "or startswith(computerDnsName,'o''brien')")
    }
}
