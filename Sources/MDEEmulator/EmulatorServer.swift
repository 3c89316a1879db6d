import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// A running emulator, in process: started on a free loopback port, stopped with `stop()`.
///
/// Used by `mdebatch run --emulator` and by end-to-end tests:
/// ```swift
/// let server = try await EmulatorServer.start(EmulatorConfiguration())
/// defer { Task { await server.stop() } }
/// print(server.baseURL)   // http://127.0.0.1:PORT: token endpoint and /api
/// ```
public final class EmulatorServer: Sendable {
    public let configuration: EmulatorConfiguration
    /// The port the server is bound to.
    public let port: Int
    private let task: Task<Void, any Error>
    private let serviceGroup: ServiceGroup
    private let journalReader: @Sendable () async -> [JournalEntry]
    private let actionsReader: @Sendable () async -> [MachineAction]

    /// `http://HOST:PORT`: the token endpoint (`/{tenant}/oauth2/v2.0/token`) and `/api` live here.
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    private init(
        configuration: EmulatorConfiguration, port: Int, task: Task<Void, any Error>, serviceGroup: ServiceGroup,
        journal: @escaping @Sendable () async -> [JournalEntry], actions: @escaping @Sendable () async -> [MachineAction]
    ) {
        self.configuration = configuration
        self.port = port
        self.task = task
        self.serviceGroup = serviceGroup
        self.journalReader = journal
        self.actionsReader = actions
    }

    /// Starts an emulator whose clock runs `configuration.timeScale` times faster than real time:
    /// its wall time is `origin + (real time since origin) × timeScale`, the formula of the
    /// client's `ScaledWallClock`, so a client given the same origin and scale agrees with it.
    public static func start(
        _ configuration: EmulatorConfiguration, logger: Logger = EmulatorServer.quietLogger
    ) async throws -> EmulatorServer {
        let clock = ScaledClock(scale: configuration.timeScale, origin: configuration.origin)
        return try await start(configuration, clock: clock, originInstant: .init(offset: .zero), logger: logger)
    }

    /// Starts an emulator on the given clock (for tests that drive time by hand). Emulator time is
    /// `configuration.origin` at `originInstant` (default: when the emulator starts). The clock's
    /// `sleep` should honour task cancellation, or `stop()` waits for `delay` faults to elapse.
    public static func start<C: Clock<Duration>>(
        _ configuration: EmulatorConfiguration, clock: C, originInstant: C.Instant? = nil,
        logger: Logger = EmulatorServer.quietLogger
    ) async throws -> EmulatorServer {
        let state = try EmulatorState(configuration: configuration, clock: clock, originInstant: originInstant)
        let (ports, continuation) = AsyncStream.makeStream(of: Int?.self)
        let app = buildEmulator(state: state, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        let task = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), let port = bound else {
            task.cancel()
            // The run failed before binding (e.g. the port is taken): surface its error.
            try await task.value
            throw EmulatorStartError(host: configuration.host, port: configuration.port)
        }
        var actual = configuration
        actual.port = port
        return EmulatorServer(
            configuration: actual, port: port, task: task, serviceGroup: serviceGroup,
            journal: { await state.journal() }, actions: { await state.allActions() }
        )
    }

    /// Serves the emulator in the foreground until SIGINT or SIGTERM, then shuts down gracefully.
    /// Requests still running after `gracePeriod` (e.g. held by a `delay` fault) are cancelled.
    ///
    /// - Parameter onStart: Called once the server listens, with the configuration (its `port` set
    ///   to the bound port) and the base URL.
    public static func run(
        _ configuration: EmulatorConfiguration, logger: Logger = EmulatorServer.quietLogger,
        gracePeriod: Duration = .seconds(5),
        onStart: @escaping @Sendable (_ configuration: EmulatorConfiguration, _ baseURL: String) async -> Void
    ) async throws {
        let clock = ScaledClock(scale: configuration.timeScale, origin: configuration.origin)
        let state = try EmulatorState(configuration: configuration, clock: clock, originInstant: .init(offset: .zero))
        let app = buildEmulator(state: state, logger: logger) { channel in
            var actual = configuration
            actual.port = channel.localAddress?.port ?? configuration.port
            let host = actual.host.contains(":") ? "[\(actual.host)]" : actual.host
            await onStart(actual, "http://\(host):\(actual.port)")
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = gracePeriod
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    /// Every request the emulator has seen, in arrival order.
    public func journal() async -> [JournalEntry] {
        await journalReader()
    }

    /// Every action, including those not yet visible to GETs, in creation order.
    public func actions() async -> [MachineAction] {
        await actionsReader()
    }

    /// Stops the server gracefully (requests in flight may finish) and waits until it has closed its
    /// socket. Requests still running after `gracePeriod` (e.g. a `delay` fault) are cancelled.
    public func stop(gracePeriod: Duration = .seconds(5)) async {
        await serviceGroup.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await task.value }
            group.addTask {
                try? await Task.sleep(for: gracePeriod)
                task.cancel()
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// A logger that only reports errors.
    public static var quietLogger: Logger {
        var logger = Logger(label: EmulatorVersion.name)
        logger.logLevel = .error
        return logger
    }
}

/// The emulator stopped before it could listen.
public struct EmulatorStartError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var description: String { "The emulator could not listen on \(host):\(port)." }
}
