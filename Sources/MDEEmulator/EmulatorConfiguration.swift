import Foundation

/// Everything the emulator can be told at start-up. Every property has a default, so
/// `EmulatorConfiguration()` is a working emulator on a free loopback port.
public struct EmulatorConfiguration: Sendable {
    /// The only tenant the token endpoint accepts.
    public var tenantId: String
    /// The only client id the token endpoint accepts.
    public var clientId: String
    /// The client secret the token endpoint accepts (client assertions are accepted as well).
    public var clientSecret: String
    /// Emulator seconds per real second.
    public var timeScale: Double
    /// The emulator's wall time when it starts: `now = origin + elapsed real time × timeScale`.
    public var origin: Date
    /// Seed of the fault generator: the same seed and request order give the same faults.
    public var seed: UInt64
    /// Faults drawn for each request to a POST route (and to GET routes when `faultsApplyToGets`).
    public var faults: [FaultRule]
    public var faultsApplyToGets: Bool
    /// Sliding windows applied to each API bucket separately (StopAndQuarantineFile, cancel, list
    /// actions, get an action, list machines, get a file, a file's machines).
    public var limits: [RateLimit]
    /// How long a new action stays `Pending`.
    public var pendingDuration: Duration
    /// What an open StopAndQuarantineFile blocks: another one for the same file on the
    /// device (`file`), or any other one on the device (`device`). The API documents
    /// neither (docs/EMULATOR.md); the client must be right under both.
    public var pendingScope: PendingScope = .file
    /// How long it then stays `InProgress` before reaching its final status.
    public var inProgressDuration: Duration
    /// How long a newly created action stays invisible to `GET /api/machineactions[/{id}]` and cancel.
    public var visibilityDelay: Duration
    /// Lifetime of issued access tokens (`expires_in`).
    public var tokenLifetime: Duration
    /// Per-machine answers that override the default rules (keys are compared lower-cased).
    public var machines: [String: MachineDisposition] {
        didSet { machineIndex = lowercasedKeys(machines) }
    }
    /// Per-SHA-1 final outcomes that override the default rules (keys are compared lower-cased).
    public var outcomes: [String: FinalStatus] {
        didSet { outcomeIndex = lowercasedKeys(outcomes) }
    }
    /// The machines and files served by `GET /api/machines`, `GET /api/files/{id}` and
    /// `GET /api/files/{sha1}/machines`; `Inventory.default` unless set. It does not limit
    /// StopAndQuarantineFile, which any 40-hex machine id may still receive.
    public var inventory: Inventory
    /// `machines` and `outcomes` with lower-cased keys, for O(1) lookups per request.
    private var machineIndex: [String: MachineDisposition]
    private var outcomeIndex: [String: FinalStatus]
    /// Whether the zero-configuration rules apply (machine ids `deadbeef…`, `0b50…`, `f0bd…`;
    /// SHA-1s `fa11…`, `71e0…`). Without them every 40-hex machine exists and every action succeeds.
    public var defaultRules: Bool
    /// The `requestor` written on every action.
    public var requestor: String
    /// Page size of the action and machine lists when the client gives no `$top`; a next link
    /// follows when more exist.
    public var listPageSize: Int
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// When set, the journal is also appended to this file as JSON lines.
    public var journalPath: String?
    public var host: String
    /// 0 picks a free port.
    public var port: Int

    public init(
        tenantId: String = "00000000-0000-4000-8000-00000000e1a0",
        clientId: String = "00000000-0000-4000-8000-00000000c11e",
        clientSecret: String = "emulator-secret",
        timeScale: Double = 1,
        origin: Date = Date(),
        seed: UInt64 = 0,
        faults: [FaultRule] = [],
        faultsApplyToGets: Bool = false,
        limits: [RateLimit] = RateLimit.mdeDefault,
        pendingDuration: Duration = .seconds(30),
        inProgressDuration: Duration = .seconds(60),
        visibilityDelay: Duration = .zero,
        tokenLifetime: Duration = .seconds(3599),
        machines: [String: MachineDisposition] = [:],
        outcomes: [String: FinalStatus] = [:],
        inventory: Inventory = .default,
        defaultRules: Bool = true,
        requestor: String = "mdebatch-emulator",
        listPageSize: Int = 10_000,
        maxBodyBytes: Int = 64 * 1024,
        journalPath: String? = nil,
        host: String = "127.0.0.1",
        port: Int = 0
    ) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.timeScale = timeScale
        self.origin = origin
        self.seed = seed
        self.faults = faults
        self.faultsApplyToGets = faultsApplyToGets
        self.limits = limits
        self.pendingDuration = pendingDuration
        self.inProgressDuration = inProgressDuration
        self.visibilityDelay = visibilityDelay
        self.tokenLifetime = tokenLifetime
        self.machines = machines
        self.outcomes = outcomes
        self.machineIndex = lowercasedKeys(machines)
        self.outcomeIndex = lowercasedKeys(outcomes)
        self.inventory = inventory
        self.defaultRules = defaultRules
        self.requestor = requestor
        self.listPageSize = listPageSize
        self.maxBodyBytes = maxBodyBytes
        self.journalPath = journalPath
        self.host = host
        self.port = port
    }
}

/// What an open StopAndQuarantineFile action blocks, answering 400
/// `ActiveRequestAlreadyExists`.
public enum PendingScope: String, Sendable, Codable, CaseIterable {
    /// Another action for the same file on the same device (what the docs' example shows).
    case file
    /// Any other StopAndQuarantineFile on the same device, whatever the file.
    case device
}

/// How the emulator answers a StopAndQuarantineFile for a machine.
public enum MachineDisposition: String, Sendable, Codable, CaseIterable {
    /// The machine exists and accepts actions.
    case exists
    /// 404 `ResourceNotFound`.
    case notFound
    /// 400 `OsPlatformNotSupported`.
    case osPlatformNotSupported
    /// 403 `Forbidden`.
    case forbidden
}

/// The status an action ends in when nobody cancels it.
public enum FinalStatus: String, Sendable, Codable, CaseIterable {
    case succeeded = "Succeeded"
    case failed = "Failed"
    case timeOut = "TimeOut"
}

/// One sliding window: at most `limit` calls in any `window` of emulator time.
public struct RateLimit: Sendable, Hashable, Codable {
    public var limit: Int
    public var window: Duration

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// MDE's documented limits: 100 calls per minute and 1,500 per hour, per API.
    public static let mdeDefault: [RateLimit] = [
        RateLimit(limit: 100, window: .seconds(60)),
        RateLimit(limit: 1500, window: .seconds(3600)),
    ]
}

extension EmulatorConfiguration {
    /// The answer for `machineId`: an explicit entry in `machines`, else the default rules.
    func disposition(ofMachine machineId: String) -> MachineDisposition {
        let key = machineId.lowercased()
        if let explicit = machineIndex[key] {
            return explicit
        }
        guard key.isFortyHex else { return .notFound }
        guard defaultRules else { return .exists }
        if key.hasPrefix("deadbeef") { return .notFound }
        if key.hasPrefix("0b50") { return .osPlatformNotSupported }
        if key.hasPrefix("f0bd") { return .forbidden }
        return .exists
    }

    /// The final status of an action on `sha1`: an explicit entry in `outcomes`, else the default rules.
    func outcome(ofSha1 sha1: String) -> FinalStatus {
        let key = sha1.lowercased()
        if let explicit = outcomeIndex[key] {
            return explicit
        }
        guard defaultRules else { return .succeeded }
        if key.hasPrefix("fa11") { return .failed }
        if key.hasPrefix("71e0") { return .timeOut }
        return .succeeded
    }
}

extension StringProtocol {
    var isFortyHex: Bool {
        utf8.count == 40 && utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}

private func lowercasedKeys<Value>(_ dictionary: [String: Value]) -> [String: Value] {
    Dictionary(dictionary.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
}
