import Foundation
import Logging

/// The resolution phase of a quarantine job (docs/INPUTS.md, "Names and SHA-256"): before
/// anything is sent, each distinct device name and SHA-256 its rows give is looked up once
/// per target, through the same metered call and ledger as every other call, then the
/// rows are resolved in one transaction.
///
/// Checkpointed: every lookup's answer is committed with its call, and the cache is per
/// target, so a run that dies mid-way repeats no finished lookup. Names are trusted for a
/// day (or only from this run with `--refresh-names`), a found SHA-1 for good.
struct Resolver: Sendable {
    let context: JobContext
    /// Look every name up again, whatever the state file knows (`--refresh-names`).
    let refreshNames: Bool
    /// When this run started: with `refreshNames`, only names looked up since count.
    let runStart: Date

    private var store: StateStore { context.store }

    /// Resolves what it can; nil when the job has nothing to resolve.
    func run() async throws -> ResolutionSummary? {
        let jobId = context.job.id
        let needs = try store.resolutionNeeds(jobId: jobId)
        guard !needs.names.isEmpty || !needs.hashes.isEmpty, let targetKey = context.job.targetKey else { return nil }
        let now = context.clock.now
        let namesFreshAfter = refreshNames ? runStart : now.addingTimeInterval(-StateStore.nameLookupLifetime)
        var summary = ResolutionSummary()
        summary.names = needs.names.count
        summary.hashes = needs.hashes.count
        let knownNames = try store.knownNames(targetKey: targetKey, among: needs.names, freshAfter: namesFreshAfter)
        let knownHashes = try store.knownHashes(
            targetKey: targetKey, among: needs.hashes, missFreshAfter: now.addingTimeInterval(-StateStore.fileMissLifetime))
        summary.cachedNames = knownNames.count
        summary.cachedHashes = knownHashes.count

        let names = needs.names.subtracting(knownNames).sorted()
        if !names.isEmpty {
            try await lookUp(names: names, targetKey: targetKey, summary: &summary)
        }
        for hash in needs.hashes.subtracting(knownHashes).sorted() {
            guard !context.stop.isStopping else { break }
            try await lookUp(sha256: hash, targetKey: targetKey, summary: &summary)
        }
        let options = try? QuarantineJobOptions(job: context.job)
        summary.counts = try store.applyResolution(
            jobId: jobId, targetKey: targetKey, allMatches: options?.allMatches ?? false,
            resubmit: options?.resubmit ?? false, namesFreshAfter: namesFreshAfter, now: context.clock.now)
        context.logger.info(
            "resolution", metadata: ["job.id": "\(jobId)", "summary": "\(summary.description)"])
        return summary
    }

    // MARK: - Device names

    private func lookUp(names: [String], targetKey: String, summary: inout ResolutionSummary) async throws {
        let strategy = NameLookupStrategy.choose(
            names: names.count, knownFleet: try store.knownFleetSize(targetKey: targetKey))
        summary.strategy = strategy
        if case .sweep(let maxPages) = strategy {
            if try await sweep(names: names, maxPages: maxPages, targetKey: targetKey, summary: &summary) { return }
            summary.sweepGaveUp = true
        }
        var start = 0
        while start < names.count, !context.stop.isStopping {
            let batch = Array(names[start..<min(start + NameLookupStrategy.namesPerCall, names.count)])
            try await lookUp(batch: batch, targetKey: targetKey, summary: &summary)
            start += batch.count
        }
    }

    /// One `$filter` of up to 25 names (more pages only if a prefix matches 10,000 records).
    private func lookUp(batch: [String], targetKey: String, summary: inout ResolutionSummary) async throws {
        let filter = NameLookupStrategy.filter(names: batch)
        var found: [MachineCandidate] = []
        var skip = 0
        while !context.stop.isStopping {
            let offset = skip
            let page = try await call(
                .listMachines, targetKey: targetKey, summary: &summary,
                request: {
                    try await context.client.listMachines(filter: filter, top: NameLookupStrategy.pageSize, skip: offset)
                },
                done: { (list: MachineList?) in
                    let records = list?.value ?? []
                    guard records.count < NameLookupStrategy.pageSize else { return nil }
                    var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                    let all = found + records.map(MachineCandidate.init)
                    for name in batch {
                        facts.names[name] = all.filter { DeviceName.matches(name, computerDnsName: $0.computerDnsName) }
                    }
                    return facts
                },
                failed: { message in
                    var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                    for name in batch { facts.failedNames[name] = message }
                    return facts
                })
            guard case .answered(let list) = page, let records = list?.value,
                records.count >= NameLookupStrategy.pageSize
            else { return }
            found += records.map(MachineCandidate.init)
            skip += records.count
        }
    }

    /// Reads the whole inventory, page by page, and keeps the records each name matches.
    ///
    /// - Returns: false when the fleet filled `maxPages` pages (the names are then looked
    ///   up by batches instead; nothing of the sweep is kept).
    private func sweep(names: [String], maxPages: Int, targetKey: String, summary: inout ResolutionSummary) async throws
        -> Bool
    {
        var found: [String: [MachineCandidate]] = [:]
        var seen = 0
        for page in 0..<maxPages {
            guard !context.stop.isStopping else { return true }
            let offset = page * NameLookupStrategy.pageSize
            let counted = seen
            let matches = found
            let answer = try await call(
                .listMachines, targetKey: targetKey, summary: &summary,
                request: { try await context.client.listMachines(filter: "", top: NameLookupStrategy.pageSize, skip: offset) },
                done: { (list: MachineList?) in
                    let records = list?.value ?? []
                    guard records.count < NameLookupStrategy.pageSize else { return nil }
                    var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                    facts.names = Self.match(names, records, into: matches)
                    facts.sweptMachines = counted + records.count
                    return facts
                },
                failed: { message in
                    var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                    for name in names { facts.failedNames[name] = message }
                    return facts
                })
            guard case .answered(let list) = answer, let records = list?.value,
                records.count >= NameLookupStrategy.pageSize
            else { return true }
            found = Self.match(names, records, into: found)
            seen += records.count
        }
        return false
    }

    private static func match(_ names: [String], _ records: [Machine], into found: [String: [MachineCandidate]])
        -> [String: [MachineCandidate]]
    {
        var result = found
        for name in names where result[name] == nil { result[name] = [] }
        for record in records {
            guard let dnsName = record.computerDnsName else { continue }
            // A record's first label is the only short name it can answer to.
            let key = DeviceName.key(dnsName)
            let label = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? key
            for name in Set([key, label]) where result[name] != nil {
                if DeviceName.matches(name, computerDnsName: dnsName) {
                    result[name, default: []].append(MachineCandidate(record))
                }
            }
        }
        return result
    }

    // MARK: - SHA-256

    private func lookUp(sha256: String, targetKey: String, summary: inout ResolutionSummary) async throws {
        _ = try await call(
            .getFile, targetKey: targetKey, summary: &summary,
            request: { try await context.client.file(id: sha256) },
            done: { (info: FileInfo?) in
                var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                guard let info else {
                    facts.hashes[sha256] = String?.none
                    return facts
                }
                if let sha1 = info.sha1, sha1.count == 40, sha1.allSatisfy(\.isHexDigit),
                    info.sha256 == nil || info.sha256 == sha256
                {
                    facts.hashes[sha256] = sha1
                } else {
                    facts.failedHashes[sha256] =
                        "the file API answered for SHA-256 \(sha256) without a usable SHA-1; give the file's SHA-1 instead"
                }
                return facts
            },
            failed: { message in
                var facts = LookupFacts(targetKey: targetKey, jobId: context.job.id)
                facts.failedHashes[sha256] = message
                return facts
            })
    }

    // MARK: - One lookup

    private enum Answer<Value> {
        /// The value (nil for a 404, which the lookups read as "none").
        case answered(Value?)
        case failed
        case stopped
    }

    /// One lookup under the quota, retried with backoff while its failures are transient.
    ///
    /// - Parameters:
    ///   - done: the facts a value (or a 404) establishes, committed with the call; nil
    ///     when this is not the last page (nothing to commit yet).
    ///   - failed: the facts of a lookup that failed for good (its rows fail with the message).
    private func call<Value: Sendable>(
        _ api: QuotaAPI, targetKey: String, summary: inout ResolutionSummary,
        request: () async throws -> CallResult<Value>,
        done: (Value?) -> LookupFacts?,
        failed: (String) -> LookupFacts
    ) async throws -> Answer<Value> {
        let maxAttempts = context.settings.retry.maxAttempts
        var attempt = 0
        while !context.stop.isStopping {
            attempt += 1
            if api == .listMachines { summary.nameCalls += 1 } else { summary.fileCalls += 1 }
            let last = attempt >= maxAttempts
            let outcome = try await context.metered.perform(.lookup(rowId: nil), api: api, request: request) { result, _ in
                switch result {
                case .success(let value, let status):
                    let facts = done(value)
                    return (
                        CallRecord(outcome: facts == nil ? .lookupPage : .resolved, httpStatus: status),
                        facts.map(RowChange.lookups) ?? .unchanged
                    )
                case .failure(let failure) where failure.category == .notFound:
                    return (CallRecord(failure: failure, outcome: .resolved), done(nil).map(RowChange.lookups) ?? .unchanged)
                case .failure(let failure) where failure.category == .inDoubt:
                    // Transient: tried again, and after the last attempt left for the next run.
                    return (CallRecord(failure: failure, outcome: .lookupFailed), .unchanged)
                case .failure(let failure):
                    return (
                        CallRecord(failure: failure, outcome: .resolutionFailed),
                        .lookups(failed(Self.message(for: failure, api: api)))
                    )
                }
            }
            switch outcome {
            case .success(let value, _): return .answered(value)
            case .deferred: return .stopped
            case .failure(let failure) where failure.category == .notFound: return .answered(nil)
            case .failure(let failure) where failure.category == .inDoubt && !last:
                try await context.clock.sleep(seconds: context.backoff(afterAttempt: attempt, failure: failure))
            case .failure(let failure) where failure.category == .inDoubt:
                // The rows stay unresolved: the job stops, and running it again tries again.
                context.stop.stop(
                    .apiUnreachable(
                        "\(api.rawValue) failed \(attempt) times (last: \(failure)); nothing was sent for the rows it resolves"))
                return .failed
            case .failure: return .failed
            }
        }
        return .stopped
    }

    /// What a row whose lookup failed for good tells the user to do.
    static func message(for failure: CallFailure, api: QuotaAPI) -> String {
        let what = api == .getFile ? "the SHA-256 lookup (GET /api/files)" : "the device name lookup (GET /api/machines)"
        switch failure.category {
        case .forbidden, .unauthorized:
            let permission =
                api == .getFile
                ? "File.Read.All (to turn a SHA-256 into its SHA-1)" : "Machine.Read.All (to turn a device name into its id)"
            return "\(what) was refused (\(failure)); grant the app \(permission), or give machine ids and SHA-1s"
        default:
            return "\(what) failed (\(failure)); give machine ids and SHA-1s instead"
        }
    }
}
