import Foundation

/// All of the emulator's state, in memory, on an injected clock.
///
/// Statuses are not advanced by timers: an action's status is a pure function of its creation
/// time, its outcome, any cancellation and `now`, so a manual clock drives the lifecycle exactly.
public actor EmulatorState<C: Clock<Duration>> {
    public nonisolated let configuration: EmulatorConfiguration
    nonisolated let clock: C
    private let start: C.Instant
    private let origin: EmulatorInstant
    private let tokens = TokenIssuer()
    private var windows: [EmulatorAPI: SlidingWindows]
    private var faultPlan: FaultPlan
    private var actionsById: [String: StoredAction] = [:]
    private var actionOrder: [String] = []
    /// Action ids per "machineId|sha1", so the duplicate check does not scan every action.
    private var actionsByTarget: [String: [String]] = [:]
    /// Action ids per machine, for `PendingScope.device`.
    private var actionsByMachine: [String: [String]] = [:]
    private var journalEntries: [JournalEntry] = []
    private let journalFile: JournalFile?
    /// The machines and files of `configuration.inventory`, dates resolved against the emulator's
    /// time when it starts (`configuration.origin`, unless `originInstant` is in the clock's past).
    nonisolated let inventory: InventoryIndex

    /// - Parameters:
    ///   - configuration: The emulator's configuration; `origin` is its wall time at `originInstant`.
    ///   - clock: The clock everything is measured on.
    ///   - originInstant: The clock instant at which emulator time equals `configuration.origin`
    ///     (default: the clock's `now`, i.e. the emulator starts at its origin).
    /// - Throws: `InventoryError` when the inventory is not consistent; an error when the journal
    ///   file cannot be opened.
    public init(configuration: EmulatorConfiguration, clock: C, originInstant: C.Instant? = nil) throws {
        self.configuration = configuration
        self.clock = clock
        let start = originInstant ?? clock.now
        self.start = start
        self.origin = EmulatorInstant(configuration.origin)
        self.windows = Dictionary(
            uniqueKeysWithValues: EmulatorAPI.allCases.map { ($0, SlidingWindows(limits: configuration.limits)) }
        )
        self.faultPlan = FaultPlan(rules: configuration.faults, seed: configuration.seed)
        let startTime = EmulatorInstant(configuration.origin).advanced(by: start.duration(to: clock.now))
        self.inventory = try InventoryIndex(configuration.inventory, start: startTime)
        self.journalFile = try configuration.journalPath.map { try JournalFile(path: $0) }
    }

    /// The emulator's wall time: origin + elapsed clock time.
    public nonisolated var now: EmulatorInstant {
        origin.advanced(by: start.duration(to: clock.now))
    }

    nonisolated var clockInfo: EmulatorClockInfo {
        EmulatorClockInfo(origin: origin.iso8601, scale: configuration.timeScale, now: now.iso8601)
    }

    /// Sleeps for `duration` of emulator time (the `delay` fault).
    nonisolated func sleep(for duration: Duration) async throws {
        try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
    }

    // MARK: - Tokens

    /// A token for `audience`: the v1 `resource`, or the v2 `scope` without `/.default`.
    func issueToken(audience: String) -> (token: String, expiresIn: Int, expiresOn: Int64) {
        let now = self.now
        let expiry = now.advanced(by: configuration.tokenLifetime)
        let token = tokens.issue(
            tenantId: configuration.tenantId, clientId: configuration.clientId, audience: audience,
            issuedAt: now, expiry: expiry
        )
        return (token, Int(configuration.tokenLifetime.components.seconds), expiry.epochSeconds)
    }

    /// The audience of `token` when this emulator issued it and it has not expired; nil otherwise.
    nonisolated func audience(ofValidToken token: String) -> String? {
        tokens.audience(ofValid: token, now: now)
    }

    // MARK: - Limits and faults

    /// Counts the call against its bucket, or answers how long until a slot frees.
    func admit(_ api: EmulatorAPI) -> Duration? {
        switch windows[api, default: SlidingWindows(limits: configuration.limits)].admit(at: now) {
        case .admitted: nil
        case .refused(let retryAfter): retryAfter
        }
    }

    func drawFault() -> FaultKind? {
        faultPlan.next()
    }

    // MARK: - Actions

    /// Creates a StopAndQuarantineFile action, or throws the error MDE would answer.
    func submit(machineId: String, sha1: String, comment: String) throws(MDEError) -> MachineAction {
        let now = self.now
        let machine = machineId.lowercased()
        let hash = sha1.lowercased()
        let target = "\(machine)|\(hash)"
        let duplicate: Bool
        switch configuration.pendingScope {
        case .file:
            duplicate = actionsByTarget[target, default: []].contains { id in
                actionsById[id]?.isOpen(at: now, configuration) == true
            }
        case .device:
            duplicate = actionsByMachine[machine, default: []].contains { id in
                actionsById[id]?.isOpen(at: now, configuration) == true
            }
        }
        guard !duplicate else { throw .activeRequestAlreadyExists }
        let action = StoredAction(
            id: UUID().uuidString.lowercased(), machineId: machine, sha1: hash, comment: comment,
            requestor: configuration.requestor, createdAt: now, outcome: configuration.outcome(ofSha1: hash),
            computerDnsName: inventory.machine(id: machine)?.computerDnsName
        )
        actionsById[action.id] = action
        actionOrder.append(action.id)
        actionsByTarget[target, default: []].append(action.id)
        actionsByMachine[machine, default: []].append(action.id)
        return action.wire(at: now, configuration)
    }

    /// Cancels an open, visible action.
    func cancel(id: String, comment: String?) throws(MDEError) -> MachineAction {
        let now = self.now
        guard var action = actionsById[id.lowercased()], action.isVisible(at: now, configuration) else {
            throw .actionNotFound(id)
        }
        guard action.isOpen(at: now, configuration) else {
            throw .cannotCancel(id, status: action.status(at: now, configuration).status)
        }
        action.cancellation = .init(at: now, requestor: configuration.requestor, comment: comment)
        actionsById[action.id] = action
        return action.wire(at: now, configuration)
    }

    func action(id: String) throws(MDEError) -> MachineAction {
        let now = self.now
        guard let action = actionsById[id.lowercased()], action.isVisible(at: now, configuration) else {
            throw .actionNotFound(id)
        }
        return action.wire(at: now, configuration)
    }

    /// One page of the visible actions matching `query`, in its `$orderby` order (oldest first by
    /// default), whether more follow the page, and how many match in all.
    func list(_ query: ActionQuery) -> (page: [MachineAction], more: Bool, total: Int) {
        let now = self.now
        let configuration = self.configuration
        let all = query.sorted(
            actionOrder
                .compactMap { actionsById[$0] }
                .filter { $0.isVisible(at: now, configuration) }
                .map { $0.wire(at: now, configuration) }
                .filter { query.matches($0) }
        )
        let size = query.top ?? configuration.listPageSize
        let page = Array(all.dropFirst(query.skip).prefix(size))
        return (page, query.top == nil && all.count > query.skip + page.count, all.count)
    }

    /// Every action, including those not yet visible, in creation order.
    public func allActions() -> [MachineAction] {
        let now = self.now
        return actionOrder.compactMap { actionsById[$0]?.wire(at: now, configuration) }
    }

    // MARK: - Journal

    func record(_ entry: JournalEntry) {
        journalEntries.append(entry)
        journalFile?.append(entry)
    }

    public func journal() -> [JournalEntry] {
        journalEntries
    }
}

/// An action as the emulator stores it; its status is derived from the clock.
struct StoredAction: Sendable {
    var id: String
    var machineId: String
    var sha1: String
    var comment: String
    var requestor: String
    var createdAt: EmulatorInstant
    var outcome: FinalStatus
    /// The inventory's name for the machine; nil for a machine the inventory does not list.
    var computerDnsName: String?
    var cancellation: Cancellation?

    struct Cancellation: Sendable {
        var at: EmulatorInstant
        var requestor: String
        var comment: String?
    }

    func isVisible(at now: EmulatorInstant, _ configuration: EmulatorConfiguration) -> Bool {
        now >= createdAt.advanced(by: configuration.visibilityDelay)
    }

    func isOpen(at now: EmulatorInstant, _ configuration: EmulatorConfiguration) -> Bool {
        let current = self.status(at: now, configuration).status
        return current == "Pending" || current == "InProgress"
    }

    func status(at now: EmulatorInstant, _ configuration: EmulatorConfiguration) -> (status: String, since: EmulatorInstant) {
        if let cancellation { return ("Cancelled", cancellation.at) }
        let started = createdAt.advanced(by: configuration.pendingDuration)
        let finished = started.advanced(by: configuration.inProgressDuration)
        if now < started { return ("Pending", createdAt) }
        if now < finished { return ("InProgress", started) }
        return (outcome.rawValue, finished)
    }

    func wire(at now: EmulatorInstant, _ configuration: EmulatorConfiguration) -> MachineAction {
        let (status, since) = self.status(at: now, configuration)
        return MachineAction(
            id: id,
            type: "StopAndQuarantineFile",
            requestor: requestor,
            requestorComment: comment,
            status: status,
            machineId: machineId,
            computerDnsName: computerDnsName ?? "emu-\(machineId.prefix(8)).contoso.test",
            creationDateTimeUtc: createdAt.iso8601,
            lastUpdateDateTimeUtc: since.iso8601,
            cancellationRequestor: cancellation?.requestor,
            cancellationComment: cancellation?.comment,
            cancellationDateTimeUtc: cancellation?.at.iso8601,
            errorHResult: status == "Failed" ? -2_147_467_259 : 0,
            relatedFileInfo: .init(fileIdentifier: sha1, fileIdentifierType: "Sha1")
        )
    }
}
